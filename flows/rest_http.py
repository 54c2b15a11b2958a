"""What the REST API's clients share below the API: an answer's words in short, redirects kept within one site (a
bearer token goes nowhere else), an answer read within its time."""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, MutableMapping
from typing import IO, Any

from pages.errors import GATEWAY_DOWN, PortalError, UntrustedCertificateError, asks_to_come_back, retry_after_seconds

EXCERPT_CHARS = 100  # of an answer's text in an error's message; the whole is the error's ``body``
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def excerpt(text: str) -> str:
    """Return the start of an answer's text for a message: an HTML page's title if it has one, whitespace collapsed."""
    title = TITLE.search(text)
    words = " ".join((html.unescape(title.group(1)) if title else text).split())
    return words if len(words) <= EXCERPT_CHARS else words[: EXCERPT_CHARS - 1] + "…"


DEFAULT_PORTS = {"http": 80, "https": 443}
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")  # urllib matches an IPv6 host with its brackets


def never_proxy_loopback(environ: MutableMapping[str, str] = os.environ) -> None:
    """Add this machine's own addresses to ``$no_proxy`` and ``$NO_PROXY`` when a proxy is set in ``environ``.

    A company's network sets ``$http_proxy`` for the world outside; Python's clients (urllib, requests) send every
    request through it, their own machine's too, unless ``$no_proxy`` names it. A proxy cannot reach this machine's
    loopback (a bundled portal and its identity provider, a Playwright server here): the sign-in failed there. Called
    by the suite and the commands at their start; ``*`` (nothing proxied) and names already listed stay as they are.
    """
    if not any(environ.get(name) or environ.get(name.upper()) for name in PROXY_VARIABLES):
        return
    for name in ("no_proxy", "NO_PROXY"):
        listed = [entry.strip() for entry in environ.get(name, "").split(",") if entry.strip()]
        missing = [host for host in LOOPBACK_HOSTS if host not in listed]
        if "*" not in listed and missing:
            environ[name] = ",".join(listed + missing)


def site_of(url: str) -> tuple[str, str, int | None]:
    """Return the scheme, host and port (its default if unsaid) of ``url``: where a token may go, as one site."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port out of range: no site a token goes to
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def same_site(asked: str, led_to: str) -> bool:
    """Whether a redirect from ``asked`` to ``led_to`` stays on its site: the same scheme, host and port, or the same
    host taken from http to https on their default ports (an upgrade to TLS; never the other way)."""
    (scheme, host, port), (new_scheme, new_host, new_port) = site_of(asked), site_of(led_to)
    if host != new_host:
        return False
    upgraded = (scheme, port, new_scheme, new_port) == ("http", 80, "https", 443)
    return upgraded or (scheme, port) == (new_scheme, new_port)


class SameSiteRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect within the site asked only: urllib would send the request's headers, its bearer token
    among them, to wherever the answer points. Another site's redirect is left as the answer (an ``HTTPError``
    with its 3xx status), which ``redirected_elsewhere`` words."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not same_site(req.full_url, newurl):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


OPENER = urllib.request.build_opener(SameSiteRedirects)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Follow no redirect: the answer is the redirect (an ``HTTPError`` with its 3xx status and ``Location``)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


NOT_REDIRECTED = urllib.request.build_opener(NoRedirects)  # a portal's sign-in, read for where it sends the browser


def link_address(base_url: str, uri: str, version: str) -> str:
    """Return the address of a link an API at ``base_url`` answered with, refusing one to another site.

    Partner Center writes links relative to the API's ``version`` (``/customers?…`` for ``/v1/customers?…``); a
    link that names the version, or the whole address, is taken as it is.
    """
    link = urllib.parse.urlsplit(uri.strip())
    # Written as the API wrote it, but sendable: a space or a Chinese name in it percent-encoded (as a browser does)
    path, query = quote(link.path, LINK_PATH_SAFE), quote(link.query, LINK_QUERY_SAFE)
    if link.netloc:
        if not same_site(base_url, uri):  # another host, or the same without TLS
            raise PortalError(f"The API's link leads to another site, where its token must not go: {uri}")
        return urllib.parse.urlunsplit((link.scheme, link.netloc, path, query, ""))
    below = urllib.parse.urlsplit(base_url).path  # a gateway's prefix ("/pc/"), which a link may name or not
    if path.startswith("/") and below != "/" and path.startswith(below):
        path = path[len(below) :]
    path = path.lstrip("/")
    path = path if path.startswith(f"{version}/") else f"{version}/{path}"
    return base_url + path + (f"?{query}" if query else "")


# What stays as it is in a link's path and query: what an address may hold, and escapes already made.
LINK_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
LINK_QUERY_SAFE = LINK_PATH_SAFE + "?"


def quote(text: str, safe: str) -> str:
    """Return ``text`` with what an address may not hold percent-encoded (UTF-8), its escapes kept."""
    return urllib.parse.quote(text, safe=safe)


def segment(name: str, value: str) -> str:
    """Return the identifier ``value`` (argument ``name``) as one segment of an address: a slash in it is encoded, and
    a dot segment's dots too, so it never names another resource; an empty one is refused (``ValueError``)."""
    if not value:
        raise ValueError(f"{name} is empty: give the identifier (a customer's Microsoft ID, a country's ISO code)")
    quoted = urllib.parse.quote(value, safe="")
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


def redirected_elsewhere(error: urllib.error.HTTPError, where: str) -> str | None:
    """Say that ``error`` is a redirect to another site, not followed; None when it is no redirect, or one within
    the site that urllib does not follow itself (a 307 of a PUT): the caller's usual error then."""
    if not 300 <= error.code < 400:
        return None
    asked = error.geturl() or ""
    led_to = urllib.parse.urljoin(asked, error.headers.get("Location") or "")
    if not error.headers.get("Location") or same_site(asked, led_to):
        return None
    location = urllib.parse.urlsplit(led_to)
    return (
        f"{where} answered {error.code}, a redirect to {location.scheme}://{location.netloc}{location.path}: not "
        "followed, so the token did not go there (a sign-in page or another site answers there, not the REST API): "
        "is this the REST API's address?"
    )


def gateway_answered(error: urllib.error.HTTPError) -> bool:
    """Whether a gateway answered for the API (502, 504, or 503 without ``Retry-After``): the API behind it did not.
    A 503 saying when to come back is the API's own throttle."""
    return gateway_status(error.code, error.headers.get("Retry-After"))


def gateway_status(status: int, retry_after: str | None) -> bool:
    """Whether an answer of ``status`` with ``retry_after`` (its ``Retry-After``) is a gateway's for a server behind
    it that did not answer: 502, 504, or 503 not saying when to come back, readably (the server's own throttle does)."""
    return status in GATEWAY_DOWN and not asks_to_come_back(status, retry_after_seconds(retry_after))


def read_within(response: http.client.HTTPResponse, seconds: float, *, limit: int | None = None) -> bytes:
    """Read the whole answer, raising ``TimeoutError`` once it has taken more than ``seconds``: a socket's timeout
    bounds each read, and an answer that trickles in a byte at a time would hold the caller for ever. With
    ``limit``, what comes past that many bytes is not read (an error's page: its start says it)."""
    deadline, chunks = time.monotonic() + seconds, []
    while chunk := response.read1(65_536):
        chunks.append(chunk)
        if limit is not None and sum(map(len, chunks)) >= limit:
            return b"".join(chunks)[:limit]
        if time.monotonic() > deadline:
            raise TimeoutError(f"the answer took longer than {seconds:g} s to arrive, {sum(map(len, chunks))} bytes")
    if response.length:  # the connection closed before the length the answer said: read1 does not say so itself
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    return b"".join(chunks)


def web_page(body: Any, content_type: str) -> bool:
    """Whether an answer is a web page (HTML), as a web server or a portal answers, not the REST API."""
    start = body.lstrip()[:15].lower() if isinstance(body, str) else ""
    return "html" in content_type.lower() or start.startswith(("<!doctype html", "<html"))


def address_page(status: int, body: Any, content_type: str) -> bool:
    """Whether an error answer is a web page where the API's error resource should be: a wrong address, most likely.

    Not a 5xx (a server's or gateway's fault page); nor a 429: a gateway's throttle says so with a page of its own,
    and is a throttle, its ``Retry-After`` to honour, whoever says it; nor a 401: a token refused (expired), whatever
    page says so, is renewed and sent again once (``refused_page`` tells a page's second 401); nor a 407, a proxy's
    (``PROXY_CREDENTIALS``).
    """
    return status < 500 and status not in (401, 407, 429) and web_page(body, content_type)


def refused_page(where: str, body: Any) -> str | None:
    """Say that a 401 answered ``where`` with a web page again, its token renewed between: a web server's page at a
    wrong address, more likely than two tokens refused. None when ``body`` is no web page."""
    if not web_page(body, ""):
        return None
    page = excerpt(body)
    return f"{where} answered 401 with a web page ({page!r}) to a token and to one given anew, not the API's error"


PROXY_CREDENTIALS = (
    "A proxy on the way asks for credentials (407): give them in its address in $https_proxy or $http_proxy "
    "(http://user:password@proxy:port), or name the host in $no_proxy if it is reached without the proxy"
)


def cut_by_close(headers: Mapping[str, str]) -> bool:
    """Whether an answer said to be JSON had its body ended by its connection's close (no Content-Length, not
    chunked), as HTTP/1.0's are: cut short there (a server restarting mid-answer), it looks whole to the reader."""
    named = {name.lower(): value for name, value in headers.items()}
    chunked = "chunked" in named.get("transfer-encoding", "").lower()
    return "json" in named.get("content-type", "").lower() and "content-length" not in named and not chunked


ERROR_BODY_LIMIT = 1_000_000  # bytes of an error answer read: a gateway's page, an error resource, fit many times
ERROR_BODY_SECONDS = 30.0  # an error answer trickling in is not waited on longer than a whole answer


def error_body(error: urllib.error.HTTPError) -> Any:
    """Return the body of an error answer, read (up to ``ERROR_BODY_LIMIT`` bytes, within ``ERROR_BODY_SECONDS``)
    and ``decoded``, the answer closed; one that broke off (cut short, reset, timed out) is said in its place: its
    status says what the answer was all the same."""
    with error:
        try:
            response = error.fp
            if isinstance(response, http.client.HTTPResponse):
                return decoded(read_within(response, ERROR_BODY_SECONDS, limit=ERROR_BODY_LIMIT))
            return decoded(error.read())
        except (OSError, http.client.HTTPException) as broken:
            return f"(its body broke off: {broken!r})"


def decoded(raw: bytes) -> Any:
    """Return an error answer's body: its JSON object, else its text (a gateway's or web server's page).

    A UTF-8 byte order mark before it (as some .NET serializers write) is no part of either.
    """
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if raw.lstrip().startswith(b"{"):
        try:
            return json.loads(raw)
        except ValueError:
            pass
    return raw.decode(errors="replace")


# OpenSSL's words, through urllib or requests alike, for a server certificate no trusted issuer vouches for.
VERIFY_FAILED = re.compile(r"CERTIFICATE_VERIFY_FAILED\] certificate verify failed: ([^(\n]+?)\s*\(_ssl")


def untrusted_by_python(error: BaseException, url: str) -> UntrustedCertificateError | None:
    """Return the error for a request to ``url`` refused for its server's certificate, which this machine's Python
    does not trust (urllib's error or requests'), else None: not to be said as a server that did not answer."""
    failed = VERIFY_FAILED.search(str(getattr(error, "reason", None) or error))
    if failed is None:
        return None
    parts = urllib.parse.urlsplit(url)
    return UntrustedCertificateError(
        f"Python does not trust the certificate of the server at {parts.scheme}://{parts.netloc} ({failed.group(1)}): "
        "give its issuer's certificate (a PEM file) in $SSL_CERT_FILE, and in $REQUESTS_CA_BUNDLE for requests"
    )
