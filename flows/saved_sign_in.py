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
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import BrowserContext, Page, Route

DEFAULT_AUTH_DIR = Path(".auth")
SESSION_STORAGE_KEY = "sessionStorage"
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
    """Return where ``user``'s saved sign-in to the portal at ``base_url`` lives: ``DIR/<host>/<user>.json``."""
    host = urlsplit(base_url).netloc.replace(":", "_") or "portal"
    return Path(auth_dir) / host / f"{user}.json"


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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Written whole or not at all, and never readable by others, even for a moment.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(descriptor, "w") as file:
        json.dump(state, file, indent=1)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


def read_sign_in(path: str | Path) -> dict[str, Any]:
    """Return a saved sign-in's contents."""
    return json.loads(Path(path).read_text())


def restore_session_storage(context: BrowserContext, path: str | Path) -> None:
    """Put a saved sign-in's session storage back in every page ``context`` opens."""
    saved = read_sign_in(path).get(SESSION_STORAGE_KEY) or {}
    if saved:
        context.add_init_script(f"({RESTORE_SESSION_STORAGE})({json.dumps(saved)})")


API_SCOPE = "https://api.partnercenter.microsoft.com/user_impersonation"  # Partner Center's delegated scope
LOOPBACK_REDIRECT = "http://127.0.0.1/"  # a public client's redirect: caught in the browser, never served
TIMEOUT_S = 30


def discover_provider(base_url: str) -> dict[str, Any]:
    """Return the OpenID configuration of the provider the portal signs people in with.

    The portal's sign-in sends the browser there, so its first redirect names the provider (and its
    tenant), for the bundled portal and Partner Center alike.
    """

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(f"{base_url.rstrip('/')}/sign-in", timeout=TIMEOUT_S)
        raise ValueError(f"{base_url} does not send its sign-in to an identity provider")
    except urllib.error.HTTPError as redirect:
        location = urlsplit(redirect.headers.get("Location", ""))
    tenant = location.path.strip("/").split("/")[0]
    issuer = f"{location.scheme}://{location.netloc}/{tenant}/v2.0"
    with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT_S) as answer:
        return json.loads(answer.read())


def capture_refresh_token(page: Page, base_url: str, client_id: str, timeout_s: float) -> str:
    """Return a refresh token for the API, from the provider's session in ``page`` (signed in already).

    The authorization request of a public client (``client_id``, registered with the loopback
    redirect) is answered at once from the provider's session; the browser's way back to the
    loopback address is caught here, never sent.
    """
    provider = discover_provider(base_url)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    state = secrets.token_urlsafe(16)
    query = {
        "client_id": client_id, "response_type": "code", "redirect_uri": LOOPBACK_REDIRECT, "state": state,
        "scope": f"openid offline_access {API_SCOPE}", "code_challenge": challenge,
        "code_challenge_method": "S256", "amr_values": "mfa",
    }  # fmt: skip
    answered: dict[str, str] = {}

    def catch(route: Route) -> None:
        answered.update({k: v[0] for k, v in parse_qs(urlsplit(route.request.url).query).items()})
        route.fulfill(status=200, content_type="text/plain", body="The sign-in is saved; you may close this window.")

    page.route(f"{LOOPBACK_REDIRECT}**", catch)
    page.goto(f"{provider['authorization_endpoint']}?{urllib.parse.urlencode(query)}")
    page.wait_for_url(f"{LOOPBACK_REDIRECT}**", timeout=timeout_s * 1000)
    if answered.get("state") != state or "code" not in answered:
        raise ValueError(f"The provider gave no code for the API: {answered.get('error_description', answered)}")
    form = {
        "grant_type": "authorization_code", "code": answered["code"], "redirect_uri": LOOPBACK_REDIRECT,
        "code_verifier": verifier, "client_id": client_id,
    }  # fmt: skip
    request = urllib.request.Request(provider["token_endpoint"], data=urllib.parse.urlencode(form).encode())
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
        return str(json.loads(answer.read())["refresh_token"])
