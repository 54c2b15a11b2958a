"""Saved sign-ins: a browser's signed-in state in a file, for deployments where a person approves MFA.

Playwright's storage state keeps cookies and local storage; portals built on MSAL keep their tokens
in session storage, which it leaves out, so it is saved beside them (``sessionStorage``: origin →
keys) and put back by a script that runs before the portal's own. The file is a secret: it signs
its holder in. It is written readable by its owner only, and ``.auth/`` (the default) is ignored by git.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext

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
