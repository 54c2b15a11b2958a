"""Saved sign-ins: a browser's signed-in state in a file, for deployments where a person approves MFA.

Playwright's storage state keeps cookies and local storage; portals built on MSAL keep their tokens
in session storage, which it leaves out, so it is saved beside them (``sessionStorage``: origin →
keys) and put back by a script that runs before the portal's own. The file is a secret: it signs
its holder in. It is written readable by its owner only, and ``.auth/`` (the default) is ignored by git.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from filelock import FileLock, Timeout
from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from pages import PortalUnavailableError, SignInError
from pages.exceptions import first_line

from . import rest
from .rest import ApiError, TokenSource, discover_provider, said, send
from .rest_answers import an_object
from .rest_http import DEFAULT_PORTS, site_of
from .trace_secrets import keep_out_of_traces

DEFAULT_AUTH_DIR = Path(".auth")
SESSION_STORAGE_KEY = "sessionStorage"
# Longer than one renewal can take (each "come back later" of the provider waited out): held longer, its holder hangs.
LOCK_WAIT_S = 600.0
# Put back the saved session storage of the page's origin, before the page's own scripts run.
RESTORE_SESSION_STORAGE = """saved => {
  const values = saved[window.location.origin];
  if (!values) return;
  try {
    for (const [key, value] of Object.entries(values)) {
      if (window.sessionStorage.getItem(key) === null) window.sessionStorage.setItem(key, value);
    }
  } catch { /* a page without session storage (about:blank) keeps none */ }
}"""


def saved_sign_in_path(base_url: str, user: str, auth_dir: str | Path = DEFAULT_AUTH_DIR) -> Path:
    """Return where ``user``'s saved sign-in to the portal at ``base_url`` is: ``DIR/<host>[_<port>]/<user>.json``.

    The host as a browser takes it (any case, a trailing dot, its scheme's default port written or not: one folder);
    a file saved for the user written in another case ("Sales-Agent.json") is theirs, as the portal's user names
    are. A user name that would name another folder (``/``, ``..``) is a ``ValueError``.
    """
    if not user or user.startswith(".") or any(mark in user for mark in ("/", "\\", "\0")):
        raise ValueError(f"The user name {user!r} cannot name a file of saved sign-ins (a path's / or a leading .)")
    parts = urlsplit(base_url)
    try:
        port = parts.port
    except ValueError:  # refused where the address is checked; named as written here
        port = None
    host = (parts.hostname or "portal").rstrip(".").replace(":", "_")  # an IPv6 address's colons: no folder's
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}_{port}"
    folder, wanted = Path(auth_dir) / host, f"{user}.json"
    if not (folder / wanted).exists() and folder.is_dir():
        same = [path for path in folder.glob("*.json") if path.name.casefold() == wanted.casefold()]
        if len(same) == 1:
            return same[0]
    return folder / wanted


def save_sign_in(context: BrowserContext, path: str | Path, extra: dict[str, Any] | None = None) -> Path:
    """Write the context's sign-in (cookies, local and session storage, ``extra``) to ``path``, owner-only."""
    state: dict[str, Any] = dict(context.storage_state())
    session_storage: dict[str, dict[str, str]] = {}
    for page in context.pages:
        origin = page.evaluate("() => window.location.origin")
        if origin and origin != "null":
            session_storage[origin] = json.loads(page.evaluate("() => JSON.stringify(window.sessionStorage)"))
    state[SESSION_STORAGE_KEY] = session_storage
    state.update(extra or {})
    with sign_in_lock(path):  # not between another process's read of the file and its write of a rotated token
        return write_sign_in(path, state)


@contextmanager
def sign_in_lock(path: str | Path) -> Iterator[None]:
    """Hold the saved sign-in's lock (``<path>.lock``) while the block reads or replaces the file.

    Raise ``SavedSignInError`` when another process has held it ``LOCK_WAIT_S``: stopped or hung
    (a process that ends lets go of it at once).
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # owner-only, before the lock makes it
    lock = FileLock(f"{path}.lock")
    try:
        lock.acquire(timeout=LOCK_WAIT_S)
    except Timeout:
        raise SavedSignInError(
            f"Another process has held the saved sign-in {path} for {LOCK_WAIT_S:g} s (its lock {path}.lock): "
            "is one stopped or hung?"
        ) from None
    try:
        yield
    finally:
        lock.release()


def write_sign_in(path: str | Path, state: dict[str, Any]) -> Path:
    """Write a saved sign-in whole or not at all, and never readable by others, even for a moment."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(descriptor, "w") as file:
        json.dump(state, file, indent=1)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


class SavedSignInError(ValueError):
    """A saved sign-in that cannot be used: missing, cut short or not one, another user's or another portal's, its
    lock held too long by another process, or (for the API) no refresh token, or one the provider refused."""


def read_sign_in(path: str | Path) -> dict[str, Any]:
    """Return a saved sign-in's contents; raise ``SavedSignInError`` for a file that is missing or not whole.

    Its words are never quoted: they sign their holder in, and an error's message ends up in reports.
    """
    try:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SavedSignInError(f"There is no saved sign-in at {path}") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        why = type(error).__name__ if isinstance(error, ValueError) else error.strerror or type(error).__name__
        raise SavedSignInError(f"The saved sign-in {path} cannot be read ({why}: cut short, or not one)") from None
    if not isinstance(state, dict) or not isinstance(state.get("cookies", []), list):
        raise SavedSignInError(f"The saved sign-in {path} cannot be read (not a saved sign-in)")
    return state


def check_saved_user(path: str | Path, user: str, base_url: str | None = None) -> dict[str, Any]:
    """Return the saved sign-in at ``path``; raise ``SavedSignInError`` when it records another user than ``user``,
    or was saved for another portal than the one at ``base_url`` (another site: its cookies are not that portal's).

    A file saved before users (or portals) were recorded passes: the portal then says who it signs in.
    """
    state = read_sign_in(path)
    saved_as = state.get("user")
    if isinstance(saved_as, str) and saved_as.casefold() != user.casefold():
        raise SavedSignInError(
            f"The saved sign-in {path} is {saved_as}'s, not {user}'s: give {user}'s own (python -m flows "
            f"save-sign-in --user {user}), or run as {saved_as}"
        )
    saved_for = state.get("portal")
    if base_url and isinstance(saved_for, str) and site_of(saved_for) != site_of(base_url):
        raise SavedSignInError(
            f"The saved sign-in {path} was saved for the portal at {saved_for}, not {base_url}: save one for it "
            f"(python -m flows save-sign-in --base-url {base_url} --user {user})"
        )
    return state


def restore_session_storage(context: BrowserContext, path: str | Path) -> None:
    """Put a saved sign-in's session storage back in every page ``context`` opens."""
    saved = read_sign_in(path).get(SESSION_STORAGE_KEY) or {}
    if saved:
        restored = json.dumps(saved)  # ASCII only: spelled in a trace as trace_secrets spells a secret
        # The script's text is recorded by a trace already started (the suite's are, from the context's start), and
        # its tokens sign their holder in: kept out of traces as the password is
        keep_out_of_traces(restored)
        context.add_init_script(f"({RESTORE_SESSION_STORAGE})({restored})")


API_SCOPE = "https://api.partnercenter.microsoft.com/user_impersonation"  # Partner Center's delegated scope
LOOPBACK_REDIRECT = "http://127.0.0.1/"  # a public client's redirect: caught in the browser, never served
TIMEOUT_S = 30


# What the provider's errors to a sign-in that may show no page mean here (OpenID Connect Core 3.1.2.6)
SILENT_SIGN_IN_ERRORS = {
    "login_required": ": the browser's session at the provider had ended (its lifetime, a sign-out), or it was "
    "signed in without the multi-factor sign-in the API asks for: sign in again, with MFA",
    "interaction_required": ": the provider asks a person something first (a new MFA method, terms): sign in again "
    "in a browser and answer it",
    "consent_required": ": the client has no consent to the API: an admin grants it on the app's registration",
}


def sso_refresh_token(context: BrowserContext, base_url: str, client_id: str) -> str:
    """Return a refresh token for the API and the public client ``client_id``, from the context's provider session.

    The authorization request (code flow with PKCE) goes with the browser's cookies but not through
    a page: the provider answers it at once from its session with a redirect to the client's
    loopback address, read here and never followed (a page's route would not see it: Playwright
    routes only the first request of a redirect chain).
    """
    provider = discover_provider(base_url)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    state = secrets.token_urlsafe(16)
    query = {
        "client_id": client_id, "response_type": "code", "redirect_uri": LOOPBACK_REDIRECT, "state": state,
        "scope": f"openid offline_access {API_SCOPE}", "code_challenge": challenge,
        "code_challenge_method": "S256", "amr_values": "mfa", "prompt": "none",
    }  # fmt: skip
    try:
        answer = context.request.get(
            f"{provider['authorization_endpoint']}?{urllib.parse.urlencode(query)}", max_redirects=0
        )
    except PlaywrightError as error:  # refused, reset, timed out: the provider's silence, not a bare browser error
        raise PortalUnavailableError(
            f"The identity provider did not answer the API's client {client_id}'s sign-in at "
            f"{provider['authorization_endpoint']}: {first_line(error)}"
        ) from None
    back = {key: values[0] for key, values in parse_qs(urlsplit(answer.headers.get("location", "")).query).items()}
    if back.get("error") and back.get("state") in (None, state):  # the answer to a request that may show no page
        described = f" ({back['error_description']})" if back.get("error_description") else ""
        raise SignInError(
            f"The identity provider gave no code for the API's client {client_id}: {back['error']}{described}"
            f"{SILENT_SIGN_IN_ERRORS.get(back['error'], '')}"
        )
    if back.get("state") != state or "code" not in back:
        # Its error said, not a code: one of another request (its state not this one's) is a credential all the same.
        said_back = {key: value for key, value in back.items() if key != "code"}
        raise SignInError(
            f"The identity provider gave no code for the API's client {client_id}: {said_back or answer.status}"
        )
    form = {
        "grant_type": "authorization_code", "code": back["code"], "redirect_uri": LOOPBACK_REDIRECT,
        "code_verifier": verifier, "client_id": client_id,
    }  # fmt: skip
    with rest.asking(rest.IDENTITY_PROVIDER):  # its faults are the provider's, not the REST API's
        tokens, _ = send(provider["token_endpoint"], "POST", form=form)
    refresh = an_object(tokens, f"POST {provider['token_endpoint']}", "a token answer").get("refresh_token")
    if not isinstance(refresh, str) or not refresh:  # offline_access not granted to the client: nothing to save
        raise SignInError(
            f"The identity provider gave no refresh token for the API's client {client_id} at "
            f"{provider['token_endpoint']}: is offline_access granted to it?"
        )
    return refresh


def saved_token_source(base_url: str, path: str | Path) -> TokenSource:
    """Return the REST API's access tokens from the refresh token a saved sign-in holds (``save-sign-in
    --api-client-id``), writing each rotated one back to the file, so the next run (a script, the suite)
    finds one the provider still takes; raise ``SavedSignInError`` for a file without one.

    Each call of the source raises ``SavedSignInError`` when the file holds none any more, or the provider refuses
    it (400, 401: expired, revoked, used by a copy of the file): save the sign-in again; other errors of the
    provider are ``flows.rest.ApiError``.

    Each token is redeemed under the file's lock, from the refresh token the file holds then: the provider
    rotates it at each use and, handed an old one again, revokes them all. So two processes (a job and the
    suite, say) may use one saved sign-in at once, as the suite's own ``ProviderTokens`` do with the same lock.
    """
    state = read_sign_in(path)
    client_id = state.get("api_client_id")
    held = state.get("refresh_token")
    if not (isinstance(held, str) and held and isinstance(client_id, str) and client_id):
        raise SavedSignInError(f"The saved sign-in {path} holds no refresh token: save it with --api-client-id")
    endpoint: list[str] = []  # found once, from the provider the portal's sign-in names

    def token() -> str:
        with sign_in_lock(path):
            saved = read_sign_in(path)
            # Named so: a failure's report (pytest -l) masks a local named as a credential, and nothing else tells
            # an opaque refresh token apart
            refresh_token = saved.get("refresh_token")
            if not (isinstance(refresh_token, str) and refresh_token):
                raise SavedSignInError(f"The saved sign-in {path} no longer holds a refresh token: save it again")
            if not endpoint:
                endpoint.append(rest.discover_provider(base_url)["token_endpoint"])
            try:
                access, rotated_token = rest.redeem_refresh_token(endpoint[0], refresh_token, client_id)
            except ApiError as refused:
                if refused.status not in (400, 401):  # invalid_grant: expired, revoked, or used by a copy of the file
                    raise
                raise SavedSignInError(
                    f"The identity provider refused the refresh token the saved sign-in {path} holds "
                    f"({said(refused.body)}): save it again (python -m flows save-sign-in ... --api-client-id ID)"
                ) from None
            if rotated_token != refresh_token:
                write_sign_in(path, {**saved, "refresh_token": rotated_token})
            return access

    return token
