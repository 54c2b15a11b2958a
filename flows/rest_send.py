"""One request to the REST API or its identity provider: sent, waited out as it asks (429, 503 saying when), read
within its time, and its failure said in the library's errors, naming whom it asked."""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from pages import PortalUnavailableError

from . import rest_waits
from .rest_answers import NotApiAnswerError
from .rest_errors import ASKING, IDENTITY_PROVIDER, Answerer, answered_error
from .rest_http import OPENER, cut_by_close, excerpt, read_within, untrusted_by_python, web_page
from .rest_waits import LATER_RETRIES, sent_again_after

Opener = urllib.request.OpenerDirector

TIMEOUT_S = 30

log = logging.getLogger("flows")


def open_patiently(request: urllib.request.Request, opener: Opener = OPENER) -> tuple[bytes, dict[str, str]]:
    """Open ``request`` with ``opener``; return the body and headers, or raise its ``HTTPError`` or ``OSError``.

    An answer asking to send the request later is waited out (as long as it asks, up to
    ``LONGEST_WAIT_S``) and the request sent again, up to ``LATER_RETRIES`` times. A redirect is followed
    within the same site only (``SameSiteRedirects``); the whole answer must arrive within ``TIMEOUT_S``.
    """
    for attempt in range(LATER_RETRIES + 1):
        try:
            with opener.open(request, timeout=TIMEOUT_S) as response:
                return read_within(response, TIMEOUT_S), dict(response.headers)
        except urllib.error.HTTPError as error:
            wait = sent_again_after(error.code, error.headers.get("Retry-After"), attempt, error.headers.get("Date"))
            if wait is None:
                raise
            error.close()  # its connection, closed now rather than by the collector
            where = f"{request.get_method()} {request.full_url}"
            log.warning("%s answered %s: sending it again in %.1f s", where, error.code, wait)
            rest_waits.pause(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")


def send(
    url: str,
    method: str = "GET",
    *,
    form: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    of: Answerer | None = None,
) -> tuple[Any, dict[str, str]]:
    """Send one request to ``of`` (by default whom the caller is ``asking``: the REST API unless it says the
    ``IDENTITY_PROVIDER``); return the decoded JSON answer and its headers.

    Raises ``ApiError`` when it answers with an error (after waiting out any it asked for),
    ``PortalUnavailableError`` when it does not answer, drops the connection, or a gateway answers for it
    (``ApiUnavailableError``, both), and ``PortalError`` when its answer is not JSON (another site's address);
    each names ``of``, so that a script looks for the fault where it is.
    """
    of = of or ASKING.get()
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    sent = {"Accept": "application/json", **(headers or {})}
    if form is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers=sent, method=method)
    where = f"{method} {url}"
    try:
        raw, answered = open_patiently(request)
    except urllib.error.HTTPError as error:
        raise answered_error(error, where, of) from None
    except urllib.error.URLError as error:
        raise untrusted_by_python(error, url) or PortalUnavailableError(
            f"{of.name[0].upper()}{of.name[1:]} did not answer {where}: {error.reason}"
        ) from None
    except http.client.InvalidURL as error:  # nothing sent: no outage to wait out
        raise NotApiAnswerError(f"{where} is no address a request can be sent to: {error}") from None
    except (OSError, http.client.HTTPException) as error:  # reset, dropped, timed out mid-answer
        raise PortalUnavailableError(f"{of.name[0].upper()}{of.name[1:]} broke off {where}: {error!r}") from None
    try:
        return json.loads(raw or b"null"), answered
    except ValueError:  # a web page, as another site's address answers (the portal's, not its API's)
        kind = next((value for name, value in answered.items() if name.lower() == "content-type"), "no content type")
        # The provider's answers hold tokens (a refresh token's the longest-lived secret): quoted only as a web page
        text = raw.decode(errors="replace")
        secret = of == IDENTITY_PROVIDER and not web_page(text, kind)
        start = f"{len(raw)} bytes, not quoted" if secret else repr(excerpt(text))
        if cut_by_close(answered):
            said = f"its JSON, ended by the connection's close, is unfinished ({start})"
            raise PortalUnavailableError(f"{of.name[0].upper()}{of.name[1:]} broke off {where}: {said}") from None
        said = f"{where} answered {kind}, not JSON ({start}): is this {of.short}'s address?"
        raise NotApiAnswerError(said) from None
