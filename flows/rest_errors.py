"""What the REST API's client raises, and what it refuses before any request: an error answer's words in short,
the error types (``ApiError`` and its kinds), a token source's answer that is no access token."""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.error
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple

from pages import PortalError, PortalUnavailableError, ThrottledError
from pages.errors import asks_to_come_back, retry_after_seconds

from .rest_answers import NotApiAnswerError
from .rest_http import PROXY_CREDENTIALS, address_page, error_body, excerpt, gateway_answered, redirected_elsewhere


class Answerer(NamedTuple):
    """Who a request asks, as its errors name it."""

    name: str  # who did not answer: "the portal's REST API"
    short: str  # whose address a wrong answer asks about, whom a gateway stood in for: "the REST API"
    own: str  # whose error resource an error answer is not, when a web page: "the API's"


REST_API = Answerer("the portal's REST API", "the REST API", "the API's")
IDENTITY_PROVIDER = Answerer("the identity provider", "the identity provider", "the identity provider's")
ASKING: ContextVar[Answerer] = ContextVar("asking", default=REST_API)  # whom ``rest.send`` asks, unless told


@contextmanager
def asking(of: Answerer) -> Iterator[None]:
    """Within the block, ``rest.send`` asks ``of`` (its errors name it), in this thread or task only."""
    token = ASKING.set(of)
    try:
        yield
    finally:
        ASKING.reset(token)


# Partner Center's error code, with a 401, for a token whose sign-in did not pass multi-factor authentication.
MFA_REQUIRED_CODE = 900421


def said(body: Any) -> str:
    """Return what an error answer says, in short: the API's ``description`` (an OAuth error's too), else an excerpt."""
    if isinstance(body, dict):
        nested = body.get("error")
        message = nested.get("message") if isinstance(nested, dict) else None
        for words in (body.get("description"), body.get("error_description"), message):
            if isinstance(words, str) and words.strip():
                return words.strip()
        return excerpt(json.dumps(body, ensure_ascii=False))
    return excerpt(str(body))


class ApiError(PortalError):
    """The REST API answered with an error; ``status`` and ``body`` (the whole answer, decoded if JSON) say which.

    ``retry_after`` is the seconds it asked to wait before sending the request again (``Retry-After``),
    None when it did not say: a wait longer than ``LONGEST_WAIT_S`` is raised at once, for the caller to decide.
    """

    def __init__(
        self, status: int, body: Any, where: str, meaning: str = "", *, retry_after: float | None = None
    ) -> None:
        words = said(body)
        when = f"; it asked to come back in {retry_after:g} s" if retry_after is not None else ""
        PortalError.__init__(  # not super(): ``ApiThrottledError``'s next is ThrottledError, whose arguments differ
            self,
            f"{where} answered {status}"
            + (f": {words.rstrip('.')}" if words else "")  # the portal's sentence, then the library's
            + when
            + (f". {meaning}" if meaning else ""),
        )
        self.status = status
        self.body = body
        self.retry_after = retry_after
        self.said = words
        self.where = where  # the request answered: "GET https://…", a token source's request as much as the client's


class ApiUnavailableError(ApiError, PortalUnavailableError):
    """A gateway answered for the REST API (502, 503 without ``Retry-After``, 504): the API behind it did not.

    A ``PortalUnavailableError``, as a dropped connection is, so a job waits for the portal before
    trying again; an ``ApiError`` too, with the gateway's ``status`` and ``body``.
    """


class ApiThrottledError(ApiError, ThrottledError):
    """The REST API still asked to come back later (429, or 503 saying when) after the waits it asked for: it did
    nothing with the request. A ``ThrottledError``, as the portal's own pages' is (one type to catch for both), and
    an ``ApiError`` with the answer's ``status``, ``body`` and ``retry_after``."""


class TokenWithoutMfaError(ApiError):
    """The API takes only tokens from a sign-in that passed multi-factor authentication, and refused this one's.

    Renewing does not help: a refresh token keeps its sign-in's lack of MFA. Sign in again, with MFA.
    """


class RefreshTokenRefusedError(ApiError):
    """The identity provider refused to redeem the refresh token (OAuth's ``invalid_grant``: expired, revoked, or one
    it rotated already; ``invalid_client``: for another client ID). Trying again does not help: sign in again."""


def refresh_refused(refused: ApiError, where: str, client_id: str) -> ApiError:
    """Return the error for the provider's refusal ``refused`` to redeem a refresh token for ``client_id`` (a 400 or
    401, as OAuth answers it), saying what to do; another error as it is (a throttle, a provider's fault)."""
    if refused.status not in (400, 401):
        return refused
    code = refused.body.get("error") if isinstance(refused.body, dict) else None
    if code in ("invalid_client", "unauthorized_client"):
        advice = f"give the client ID its sign-in used (not {client_id!r})"
    else:
        advice = "sign in again, with multi-factor authentication, for a new one"
    meaning = f"The identity provider refused the refresh token: {advice}"
    return RefreshTokenRefusedError(refused.status, refused.body, where, meaning, retry_after=refused.retry_after)


def refused_for_mfa(status: int, body: Any) -> bool:
    """Whether the API refused the call because the token's sign-in lacked MFA: a 401 whose error code is 900421.

    The code is read where Partner Center's error resource has it (``code``), or an OAuth-style
    ``{"error": {"code": ...}}``; as a number or a string.
    """
    if status != 401 or not isinstance(body, dict):
        return False
    nested = body.get("error")
    codes = [body.get(key) for key in ("code", "errorCode", "error_code")]
    codes += [nested.get("code")] if isinstance(nested, dict) else []
    return str(MFA_REQUIRED_CODE) in (str(code) for code in codes)


BEARER_SCHEME = re.compile(r"^bearer\s+", re.IGNORECASE)


def access_token(given: object) -> str:
    """Return the access token a token source gave, without the spaces around it (a file's last newline) or a
    ``Bearer`` before it; refuse what is no token, never quoting it: a token is a secret, and an error's message goes
    to logs."""
    if not isinstance(given, str) or not given.strip():
        raise TypeError(f"The token source gave {kind_of(given)}, not an access token (text)")
    # The Authorization header's value, as copied from a browser's request: the token is what follows its scheme.
    token = BEARER_SCHEME.sub("", given.strip())
    if any(char.isspace() or not char.isprintable() for char in token):
        raise TypeError(
            f"The token source gave text of {len(token)} characters with spaces or control characters inside: "
            "no access token (a whole file or answer, not the token alone?)"
        )
    if not token.isascii():  # a token is ASCII (a JWT's base64url); http.client would fail on it with a codec's error
        foreign = sorted({unicodedata.name(char, f"U+{ord(char):04X}") for char in token if not char.isascii()})
        raise TypeError(
            f"The token source gave text of {len(token)} characters with characters no access token has "
            f"({', '.join(foreign)}): copied from a document with its quotes, or cut short with an ellipsis?"
        )
    return token


def kind_of(given: object) -> str:
    """Say what ``given`` is without quoting it (it may hold tokens): its type, its keys or its length."""
    if isinstance(given, dict):
        keys = ", ".join(sorted(map(str, given))[:8])
        hint = ": return its ['access_token']" if "access_token" in given else ""
        return f"a dict with the keys {keys}{hint}"
    if isinstance(given, (bytes, bytearray)):
        return f"{len(given)} bytes (decode them to text)"
    if isinstance(given, str):
        return f"text of {len(given)} characters, {'all spaces' if given.strip() == '' else 'quoted nowhere'}"
    return "None" if given is None else f"a {type(given).__name__}"


def check_text(name: str, value: object) -> None:
    """Refuse an argument that is not text before any request (a raw TypeError from deep in urllib else)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} is text: not {type(value).__name__}")


def answered_error(error: urllib.error.HTTPError, where: str, of: Answerer = REST_API) -> PortalError:
    """Return the error ``of`` answered to the request ``where`` (method and address) with ``error``, read whole.

    A redirect to another site or a web page is no answer of ``of`` (``NotApiAnswerError``: its address?); a gateway's
    502-504 says ``of`` did not answer (``ApiUnavailableError``); anything else is its ``ApiError``.
    """
    body = error_body(error)
    asked = (error.headers.get("Retry-After") or "").strip()
    retry_after = retry_after_seconds(asked, error.headers.get("Date")) if asked else None
    elsewhere = redirected_elsewhere(error, where)
    if elsewhere:
        return NotApiAnswerError(elsewhere)
    if gateway_answered(error):
        meaning = f"A gateway's answer: {of.short} behind it did not answer"
        return ApiUnavailableError(error.code, body, where, meaning, retry_after=retry_after)
    if address_page(error.code, body, error.headers.get("Content-Type") or ""):
        # Not its error (a JSON resource): a 404 here is no word on a customer, but a wrong address
        return NotApiAnswerError(
            f"{where} answered {error.code} with a web page ({excerpt(body)!r}), not {of.own} error: is this "
            f"{of.short}'s address?"
        )
    if asks_to_come_back(error.code, retry_after):
        return ApiThrottledError(error.code, body, where, retry_after=retry_after)
    meaning = PROXY_CREDENTIALS if error.code == 407 else ""
    return ApiError(error.code, body, where, meaning, retry_after=retry_after)
