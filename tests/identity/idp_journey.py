"""Drive the identity provider through Flask's test client, as a browser and a client app would."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import KeySet
from werkzeug.test import TestResponse

from fixtures.identity import API_SCOPE, DEMO_PASSWORD, DEMO_TOTP_SECRET
from fixtures.identity_http import Page, parse_page, pkce_pair
from flows.sign_in import Authenticator

TENANT = "organizations"
AUTHORIZE = f"/{TENANT}/oauth2/v2.0/authorize"
TOKEN = f"/{TENANT}/oauth2/v2.0/token"
LOGOUT = f"/{TENANT}/oauth2/v2.0/logout"
KEYS = f"/{TENANT}/discovery/v2.0/keys"
ISSUER = "http://localhost/8f3b5a1e-21a1-4c6e-9b1f-5c0d2e7a4b21/v2.0"  # the test client's host is localhost

WEB_CLIENT_ID = "partner-center-web"
WEB_SECRET = "web-secret"
WEB_REDIRECT = "https://portal.example/signin-oidc"
WEB_SIGNED_OUT = "https://portal.example/signed-out"
WEB_CLIENT = {
    "client_id": WEB_CLIENT_ID,
    "client_secret": WEB_SECRET,
    "redirect_uris": [WEB_REDIRECT],
    "post_logout_redirect_uris": [WEB_SIGNED_OUT],
}
SCOPE = f"openid profile offline_access {API_SCOPE}"


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, now: float) -> None:
        self.now = float(now)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class AuthRequest:
    """An authorization request's parameters and the PKCE verifier its client keeps."""

    params: dict[str, str]
    verifier: str


def auth_request(**overrides: str | None) -> AuthRequest:
    """Make the web client's authorization request (code, PKCE S256, nonce, state); None drops a parameter."""
    verifier, challenge = pkce_pair()
    params: dict[str, Any] = {
        "client_id": WEB_CLIENT_ID,
        "redirect_uri": WEB_REDIRECT,
        "response_type": "code",
        "scope": SCOPE,
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return AuthRequest({k: v for k, v in params.items() if v is not None}, verifier)


def query_of(response: TestResponse) -> dict[str, str]:
    """Return the query parameters of a redirect's target."""
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def page_of(response: TestResponse) -> Page:
    """Return a sign-in page's form and texts."""
    return parse_page(response.get_data(as_text=True))


class Markup(HTMLParser):
    """What a page's markup offers a person and a screen reader: language, headings, labels, inputs, buttons, links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang, self.headings, self.labels = "", [], {}
        self.inputs: list[dict[str, str]] = []
        self.buttons: list[str] = []
        self.links: list[str] = []
        self._open: tuple[str, str] | None = None  # the h1, label, button or a being read, and its key
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "input":
            self.inputs.append(a)
        elif tag in ("h1", "label", "button", "a"):
            self._open = (tag, a.get("for", ""))
            {"h1": self.headings, "button": self.buttons, "a": self.links}.get(tag, []).append("")
            if tag == "label":
                self.labels[a.get("for", "")] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[0] == tag:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is None:
            return
        tag, label_for = self._open
        if tag == "label":
            self.labels[label_for] += data.strip()
        else:
            texts = {"h1": self.headings, "button": self.buttons, "a": self.links}[tag]
            texts[-1] += data.strip()


def markup_of(response: TestResponse) -> Markup:
    """Return what a page shows, for checks of its text and accessibility."""
    return Markup(response.get_data(as_text=True))


class UserAgent:
    """One browser (one cookie jar) signing in to the provider, for the web client by default."""

    def __init__(self, client: FlaskClient, clock: Clock) -> None:
        self.client, self.clock = client, clock

    def authorize(self, request: AuthRequest | None = None, **headers: str) -> TestResponse:
        return self.client.get(AUTHORIZE, query_string=(request or auth_request()).params, headers=headers)

    def submit(self, response: TestResponse, **fields: str) -> TestResponse:
        """Send a step's form with its hidden fields and ``fields``."""
        page = page_of(response)
        assert page.action, f"no form on the page: {page.message()}"
        return self.client.post(page.action, data={**page.hidden, **fields})

    def code(self, secret: str = DEMO_TOTP_SECRET, offset: int = 0) -> str:
        """Return the authenticator app's code at the provider's time, ``offset`` seconds away."""
        return Authenticator(secret).at(self.clock.now + offset)

    def sign_in(
        self,
        name: str = "global-admin",
        password: str = DEMO_PASSWORD,
        request: AuthRequest | None = None,
        secret: str = DEMO_TOTP_SECRET,
        stay: str = "no",
    ) -> TestResponse:
        """Go through every page the provider shows; return its last answer (the redirect back, when all went well)."""
        response = self.submit(self.authorize(request), loginfmt=name)
        response = self.submit(response, passwd=password)
        if "otc" in page_of(response).fields:
            response = self.submit(response, otc=self.code(secret))
        if "staySignedIn" in page_of(response).buttons:
            response = self.submit(response, staySignedIn=stay)
        return response

    def tokens(self, redirect: TestResponse, request: AuthRequest, **form: str) -> TestResponse:
        """Redeem the code of a redirect back, as the web client."""
        data = {
            "grant_type": "authorization_code",
            "code": query_of(redirect)["code"],
            "redirect_uri": request.params["redirect_uri"],
            "client_id": WEB_CLIENT_ID,
            "client_secret": WEB_SECRET,
            "code_verifier": request.verifier,
            **form,
        }
        return self.client.post(TOKEN, data={k: v for k, v in data.items() if v is not None})

    def signed_in_tokens(self, request: AuthRequest | None = None, **sign_in: Any) -> dict[str, Any]:
        """Sign in and redeem the code; return the token response."""
        request = request or auth_request()
        response = self.tokens(self.sign_in(request=request, **sign_in), request)
        assert response.status_code == 200, response.json
        return response.json

    def refresh(self, refresh_token: str) -> TestResponse:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self.client.post(TOKEN, data={**form, "client_id": WEB_CLIENT_ID, "client_secret": WEB_SECRET})

    def verified_claims(self, token: str) -> dict[str, Any]:
        """Return a token's claims once its signature checks with the provider's published keys."""
        keys = KeySet.import_key_set(self.client.get(KEYS).json)
        return dict(jwt.decode(token, keys, algorithms=["RS256"]).claims)
