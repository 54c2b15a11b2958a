"""Secrets kept out of Playwright traces: a trace records what was typed, a password included.

A trace is evidence people pass around (CI artifacts, bug reports); the password typed at sign-in, or
at a sign-in renewed in the middle of a traced run, must not travel with it. Each secret is replaced in
every file of the trace (the actions' log, the network log, the bodies of the requests sent, the
script's own source) as typed, as JSON writes it and as a form encodes it; the file is then readable by
its owner only. So are the sessions the trace itself carries: the values of the cookies its requests
sent and its answers set (a portal's session, the identity provider's sign-in, good for hours after the
run) and of its requests' ``Authorization`` headers, wherever they show in it; and the authorization code the
identity provider sends the browser back with (``?code=``), with the ``state`` and ``nonce`` of the sign-in it
ends, wherever they show; and the identity provider's sign-in under way, the ``flowToken`` and ``ctx`` its pages
carry in hidden inputs (in the page's snapshots) and post back (in the requests' bodies), wherever they show (with
them, a browser's sign-in could be taken on from the step it was at); and the one-time verification
codes typed at sign-in (the ``otc`` field's), where they show as a value: too short to replace everywhere, they
are replaced only as a quoted string or a form's field.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, quote_plus, unquote_plus, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

HIDDEN = "********"
SESSION_MIN_LENGTH = 16  # a cookie or credential at least this long is a session's, hidden in the trace
ONE_TIME_CODE_FIELD = "otc"  # Entra's verification code field, and the bundled provider's
ONE_TIME_CODE = re.compile(rb"\botc=(\d{4,10})\b")
# A sign-in under way, as Entra's pages (and the bundled provider's) carry it: hidden inputs, posted back with the form.
FLOW_FIELDS = ("flowtoken", "ctx")
# Only as a form encodes it (a posted body's very start, after "&" or "?", in a quoted string): a script's line
# "ctx=..." is no field.
FLOW_FIELD = re.compile(rb"""(?:\A|(?<=[?&"']))(?:flowToken|ctx)=([^&\s"'\\]+)""", re.IGNORECASE)
# An OpenID Connect sign-in's values in an address: a redirect's code, the nonce it answers, the provider's ctx.
ADDRESS_CREDENTIALS = ("code", "nonce", "ctx", "flowToken")
# A ``state`` is a sign-in's only in an address that is one's (an authorization request, its callback): elsewhere it
# may be a billing profile's ("District of Columbia"), too common a text to hide wherever it shows.
SIGN_IN_ADDRESS = ("code", "client_id", "response_type", "id_token", "error")
PICTURES = (".jpeg", ".jpg", ".png", ".webp")  # a trace's screenshots and screencast frames, by their names
SECRETS: set[str] = set()  # this process's secrets, replaced in every trace it scrubs (keep_out_of_traces)


class Secret(str):
    """A password or authenticator secret: the text itself wherever it is used, ``'********'`` in a repr.

    A traceback shows the arguments of the functions it goes through (pytest's does), and a dataclass's repr
    its fields: wrapped so, a secret passed along shows in neither.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(HIDDEN)


def secret(value: str | None) -> Secret | None:
    """Return ``value`` as a ``Secret`` (None stays None)."""
    return None if value is None else Secret(value)


def keep_out_of_traces(*secrets: str | None) -> None:
    """Replace ``secrets`` in every trace this process scrubs from now on (a test run's role password, say)."""
    SECRETS.update(secret for secret in secrets if secret)


def spellings(secret: str) -> set[bytes]:
    """Return the forms ``secret`` takes in a trace's files."""
    forms = {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}
    return {form.encode() for form in forms if form}


def sessions_in(log: bytes) -> set[str]:
    """Return the cookie values and credentials a trace's log (its network log, its actions') shows: sent in a
    request, set by an answer, or in the cookies an action gave or got (a saved sign-in loaded, ``cookies()``)."""
    found: set[str] = set()
    for line in log.splitlines():
        if not any(sign in line for sign in (b"ookie", b"uthorization", b"code=", b"flowToken", b"ctx")):
            continue
        with suppress(ValueError):
            found |= credentials(json.loads(line))
    # Short values (a language, "1") are no session, and would hide the same text everywhere else.
    return {value.strip() for value in found if len(value.strip()) >= SESSION_MIN_LENGTH}


def credentials(entry: object) -> set[str]:
    """Return the cookie values and credentials anywhere in one entry of a trace's log."""
    found: set[str] = set()
    if isinstance(entry, list):
        for item in entry:
            found |= credentials(item)
    if not isinstance(entry, dict):
        return found
    cookies = entry.get("cookies")
    for cookie in cookies if isinstance(cookies, list) else []:
        if isinstance(cookie, dict):
            found.add(str(cookie.get("value", "")))
    name, value = str(entry.get("name", "")).lower(), str(entry.get("value", ""))
    if name == "cookie":  # a header, as the network log keeps them: {"name": ..., "value": ...}
        found.update(pair.partition("=")[2] for pair in value.split(";"))
    elif name == "set-cookie":
        found.add(value.split(";", 1)[0].partition("=")[2])
    elif name in ("authorization", "proxy-authorization"):
        found.add(value.split(" ", 1)[-1])
    elif name == "location":  # a redirect's header
        found |= address_credentials(value)
    elif name in FLOW_FIELDS:  # a hidden input's attributes in a page's snapshot, a field the script filled
        found.add(value)
    for key in ("url", "redirectURL"):  # a request's address, a redirect's
        if isinstance(entry.get(key), str):
            found |= address_credentials(entry[key])
    for item in entry.values():
        if isinstance(item, dict | list):
            found |= credentials(item)
    return found


def one_time_codes(log: bytes) -> set[str]:
    """Return the verification codes a trace's log shows typed or posted in the ``otc`` field."""
    found: set[str] = set()
    for line in log.splitlines():
        if ONE_TIME_CODE_FIELD.encode() not in line:
            continue
        found |= {code.decode() for code in ONE_TIME_CODE.findall(line)}
        with suppress(ValueError):
            found |= typed_codes(json.loads(line))
    return found


def typed_codes(entry: object) -> set[str]:
    """Return the values of ``otc`` fields anywhere in one entry of a trace's log: a form's params, a filled input."""
    found: set[str] = set()
    items = entry if isinstance(entry, list) else list(entry.values()) if isinstance(entry, dict) else []
    if isinstance(entry, dict):
        value = str(entry.get("value", ""))
        named = entry.get("name") == ONE_TIME_CODE_FIELD or ONE_TIME_CODE_FIELD in str(entry.get("selector", ""))
        if named and value.isdigit():
            found.add(value)
    for item in items:
        if isinstance(item, dict | list):
            found |= typed_codes(item)
    return found


def address_credentials(url: str) -> set[str]:
    """Return the sign-in's values an address carries: an OAuth redirect's ``code``, ``state`` and ``nonce``, the
    identity provider's ``ctx`` (a ``state`` only beside a sign-in's other values: ``SIGN_IN_ADDRESS``)."""
    query = parse_qs(urlsplit(url).query)
    names = ADDRESS_CREDENTIALS + (("state",) if any(name in query for name in SIGN_IN_ADDRESS) else ())
    return {value for name in names for value in query.get(name, [])}


def flow_fields(data: bytes) -> set[str]:
    """Return the ``flowToken`` and ``ctx`` values a form's encoding in ``data`` posts (a request's body)."""
    return {unquote_plus(value.decode(errors="replace")) for value in FLOW_FIELD.findall(data)}


def scrub_trace(path: str | Path, secrets: Iterable[str | None] = ()) -> None:
    """Replace each of ``secrets`` (and those kept out of traces), and every session the trace carries, in the
    trace zip at ``path``; leave it readable by its owner only."""
    path = Path(path)
    every, codes = {*SECRETS, *(secret for secret in secrets if secret)}, set()
    if path.exists():
        with zipfile.ZipFile(path) as trace:
            for name in trace.namelist():
                if name.endswith(PICTURES):  # screenshots and frames: no form posts there, read twice for nothing
                    continue
                data = trace.read(name)
                if name.endswith((".network", ".trace")):
                    every |= sessions_in(data)
                    codes |= one_time_codes(data)
                # The bodies the browser posted (resources/) keep a sign-in's fields apart from the network log
                every |= {value for value in flow_fields(data) if len(value) >= SESSION_MIN_LENGTH}
    forms = sorted({form for secret in every for form in spellings(secret)}, key=len, reverse=True)
    replaced = (
        [(form, HIDDEN.encode()) for form in forms]
        + [(f"{quote}{code}{quote}".encode(), f"{quote}{HIDDEN}{quote}".encode()) for code in codes for quote in "\"'"]
        + [(f"{ONE_TIME_CODE_FIELD}={code}".encode(), f"{ONE_TIME_CODE_FIELD}={HIDDEN}".encode()) for code in codes]
    )
    if replaced and path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(descriptor)
        try:
            with zipfile.ZipFile(path) as old, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as new:
                for item in old.infolist():
                    data = old.read(item)
                    for form, hidden in replaced:
                        data = data.replace(form, hidden)
                    new.writestr(item, data)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    if path.exists():
        os.chmod(path, 0o600)


def stop_tracing(context: BrowserContext, path: str | Path, secrets: Iterable[str | None] = ()) -> None:
    """Stop ``context``'s tracing into ``path``, scrubbed (``scrub_trace``) before it is there: Playwright writes it in
    a folder beside it that only its owner may open, where it is scrubbed, then moved in whole.

    Written at ``path`` and scrubbed there, the trace lay as recorded, readable by others, for as long as the
    scrubbing took, and for good if the process was stopped meanwhile.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    private = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))  # owner-only, as mkdtemp makes it
    try:
        written = private / path.name
        context.tracing.stop(path=written)
        scrub_trace(written, secrets)
        os.replace(written, path)
    finally:
        shutil.rmtree(private, ignore_errors=True)
