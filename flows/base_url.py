"""A portal's address as the library takes it: http(s), with one trailing slash so paths resolve below it; and,
for a command line, where its screens are below it."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import ssl
from urllib.parse import urlsplit, urlunsplit

from pages.addresses import ScreenAddresses

from .rest_http import site_of

REACH_TIMEOUT_S = 10.0  # a portal whose address takes longer than this to take a connection is not there
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def normalize_base_url(base_url: str) -> str:
    """Return ``base_url`` with one trailing slash, so relative paths resolve below it.

    Raises ``ValueError`` for an address without its ``http://`` or ``https://`` (``127.0.0.1:8000``: a
    browser takes it for a path, and every step after fails for another reason), or with a query or a fragment
    (copied from a browser's address bar: the screens' paths would land in it, ``…/?tenant=x/dashboard``), without a
    host, with a port out of range, or with a user name or password in it; ``TypeError`` for no text.
    """
    if not isinstance(base_url, str):
        raise TypeError(f"The portal's address is text, as http://127.0.0.1:8000/: not {type(base_url).__name__}")
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"The portal's address {base_url!r} needs its http:// or https://, as http://127.0.0.1:8000/")
    if "@" in parts.netloc:  # not quoted: what comes before the @ may be a password
        raise ValueError(
            "The portal's address holds a user name or a password (before an @), which would be written into "
            "paths, files and logs: give the user apart (--user, and --password or $PORTAL_PASSWORD)"
        )
    try:
        port = parts.port
    except ValueError:
        port = 0
    if not parts.hostname or port == 0:
        raise ValueError(f"The portal's address {base_url!r} needs a host, and a port from 1 to 65535 if any")
    if parts.query or parts.fragment or base_url.strip().endswith(("?", "#")):
        below = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))
        raise ValueError(
            f"The portal's address {base_url!r} holds a query or a fragment (after ? or #), where the screens' paths "
            f"would go: give the address its screens are below, as {below}"
        )
    return base_url.strip().rstrip("/") + "/"


def base_url_argument(text: str) -> str:
    """Parse a command line's ``--base-url``: a bad address is a usage error (exit 2), said before anything else."""
    try:
        return normalize_base_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def screen_addresses_argument(text: str) -> ScreenAddresses:
    """Parse ``--screen-addresses`` (the commands' and the suite's): a wrong one is a usage error."""
    try:
        return ScreenAddresses.parse(text)
    except (TypeError, ValueError) as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def nothing_answers(base_url: str, timeout: float = REACH_TIMEOUT_S) -> str | None:
    """Say why nothing can answer at ``base_url`` (its host unknown, the connection refused, unreachable or silent),
    else None.

    Only a connection is tried, not a request: any answer will do, a sign-in page or an error. Through a proxy
    (its variables set) the browser may reach what this machine cannot directly: then nothing is tried.
    """
    if any(os.environ.get(name) for name in PROXY_VARIABLES):
        return None
    parts = urlsplit(normalize_base_url(base_url))
    try:
        address = (parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    except ValueError as error:  # a port out of range
        return f"Nothing can answer at {base_url}: {error}"
    try:
        connection = socket.create_connection(address, timeout=timeout)
    except socket.gaierror as error:
        return f"Nothing answers at {base_url}: the host {address[0]!r} is not known here ({error.strerror})"
    except OSError as error:
        reason = f"no answer within {timeout:g} s" if isinstance(error, TimeoutError) else error.strerror or str(error)
        return f"Nothing answers at {base_url}: {reason}. Is the portal up, and is this its address?"
    with connection:
        return no_tls(connection, base_url) if parts.scheme == "https" else None


def no_tls(connection: socket.socket, base_url: str) -> str | None:
    """Say why the server at ``base_url`` speaks no TLS on ``connection`` (a plain-HTTP portal given as
    https://), else None. Its certificate is not judged: the browser judges it (an internal CA, say)."""
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    try:
        unverified.wrap_socket(connection, server_hostname=urlsplit(base_url).hostname).close()
    except ssl.SSLError as error:
        return f"{base_url} answers, but not over HTTPS ({error.reason or error}): is the portal at http://?"
    except OSError:  # closed or silent during the handshake: the browser will say more
        return None
    return None


def portal_key(base_url: str) -> str:
    """Return ``base_url`` as one portal however it is written: its site as a token's (``rest_http.site_of``: host
    in lower case, the scheme's port said) and a loopback address (``localhost``, ``127.0.0.1``, ``[::1]``) as one,
    the same server to two runs on this machine.

    A lock that took ``http://localhost:8000/`` and ``http://127.0.0.1:8000`` for two portals would let both runs
    submit every row.
    """
    address = normalize_base_url(base_url)
    scheme, host, port = site_of(address)
    host = host.rstrip(".")  # a name written fully qualified is the same host
    return f"{scheme}://{'loopback' if is_loopback(host) else host}:{port}{urlsplit(address).path}"


def url_host(host: str) -> str:
    """Return ``host`` as a URL writes it: an IPv6 address in brackets (``[::1]``), any other as it is."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def is_loopback(host: str | None) -> bool:
    """Tell whether ``host`` (a URL's, brackets aside) is this machine's own: ``localhost``, 127.0.0.0/8, ``::1``, as
    authlib takes plain http from. Only there is the bundled portal's demo password typed. (Names under localhost are
    left out: a resolver need not send them here.)"""
    host = (host or "").strip("[]").lower()
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
