"""How the browsers of an accounts job sign in: one full sign-in, the others by single sign-on.

An identity provider takes each verification code once per user, so N browsers signing in at
once as one user would wait for codes, up to 30 seconds each. The first worker signs in as a
person does (password, then the authenticator's code); the others start from its provider
session, without its portal cookies (each browser needs a portal session of its own: two
browsers on one session would take each other's confirmation messages), so the provider signs
them in at once. Where it does not, the portal asks again and the password signs them in.

The first worker also gets the REST API its tokens, as partners' automation does (the Secure
Application Model): a refresh token for a public client, answered from its provider session.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page

from .rest import TokenSource, refresh_token_source
from .saved_sign_in import sso_refresh_token
from .session import portal_session


def sent_to(host: str, cookie: Mapping[str, Any]) -> bool:
    """Tell whether a browser sends ``cookie`` to ``host`` (its domain is the host or a parent of it)."""
    domain = str(cookie.get("domain", "")).lstrip(".")
    return host == domain or host.endswith("." + domain)


def provider_state(context: BrowserContext, base_url: str, path: Path) -> Path:
    """Write the context's cookies and storage to ``path``, owner-only, without the portal's own."""
    host = urlsplit(base_url).hostname or ""
    state = context.storage_state()
    kept = {
        "cookies": [cookie for cookie in state["cookies"] if not sent_to(host, cookie)],
        "origins": [origin for origin in state["origins"] if urlsplit(origin["origin"]).hostname != host],
    }
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it signs its holder in
    with os.fdopen(descriptor, "w") as file:
        json.dump(kept, file)
    return path


class JobSignIn:
    """The sign-in the first worker makes and shares with the others, and the API tokens it gets."""

    def __init__(
        self, base_url: str, user: str, password: str | None, options: Mapping[str, Any], folder: Path
    ) -> None:
        self.base_url, self.user, self.password, self.options = base_url, user, password, dict(options)
        self.state_path = folder / "provider-session.json"
        self.ready = threading.Event()
        self.refresh_token: str | None = None
        self.failure: BaseException | None = None

    def session(self, *, first: bool, stop: threading.Event) -> AbstractContextManager[Page]:
        """Return a worker's portal_session: signed in fully for the first, by single sign-on after it."""
        if first:
            return portal_session(self.base_url, self.user, self.password, **self.options)
        self.wait(stop)
        return portal_session(
            self.base_url, self.user, self.password, **{**self.options, "storage_state": str(self.state_path)}
        )

    def share(self, page: Page, api_client_id: str | None) -> None:
        """Share the first worker's sign-in: its provider session, and a refresh token for ``api_client_id``."""
        try:
            provider_state(page.context, self.base_url, self.state_path)
            if api_client_id:
                self.refresh_token = sso_refresh_token(page.context, self.base_url, api_client_id)
        except BaseException as error:
            self.failure = error
            raise
        finally:
            self.ready.set()

    def fail(self, error: BaseException) -> None:
        """Tell the workers waiting for the first sign-in that it will not come."""
        if not self.ready.is_set():
            self.failure = error
            self.ready.set()

    def wait(self, stop: threading.Event) -> None:
        """Wait for the first sign-in; raise when it failed or the run stops meanwhile."""
        while not self.ready.wait(0.5):
            if stop.is_set():
                raise InterruptedError("the run stopped before the first worker signed in")
        if self.failure is not None:
            raise self.failure  # what kept the first worker from signing in (a refused password, no browser)

    def api_tokens(self, api_client_id: str, stop: threading.Event) -> TokenSource:
        """Return the REST API's access tokens, from the refresh token the first worker got."""
        self.wait(stop)
        if self.refresh_token is None:
            raise RuntimeError(f"the first worker got no refresh token for the client {api_client_id}")
        return refresh_token_source(self.base_url, self.refresh_token, api_client_id)
