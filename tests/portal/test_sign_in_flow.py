"""The portal as the identity provider's client: what it checks before a sign-in starts a session.

The portal runs in Flask's test client; the provider is the real one, served on a socket, since the
portal redeems codes and fetches keys over HTTP. The person's part (the provider's pages) is played
over plain HTTP by ``authorization_code_over_http``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jwt

from fixtures.identity import DEMO_PASSWORD, DEMO_TOTP_SECRET, PARTNER_TENANT_ID
from fixtures.identity import create_app as create_provider
from fixtures.identity.settings import THROWAWAY_PASSWORD_HASH_METHOD
from fixtures.identity_http import authorization_code_over_http
from fixtures.portal import create_app
from fixtures.portal.identity import CLIENT_ID
from fixtures.portal.server import portal_client, serve_in_thread

SECRET = "portal-test-secret"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The identity provider on a socket (its own database), with the portal registered as a client."""
    folder = tmp_path_factory.mktemp("provider")
    config = {"DATABASE": str(folder / "identity.sqlite"), "CLIENTS": [portal_client(SECRET, "localhost")]}
    app = create_provider({**config, "PASSWORD_HASH_METHOD": THROWAWAY_PASSWORD_HASH_METHOD})
    with serve_in_thread(app) as url:
        app.config["ISSUER_ORIGIN"] = url.rstrip("/")
        yield app


@pytest.fixture
def portal(provider: Flask, seeded_database: Path, tmp_path: Path) -> Flask:
    """A portal signing people in at ``provider``; without MFA, so that codes are not spent (one test asks)."""
    database = tmp_path / "portal.sqlite"
    database.write_bytes(seeded_database.read_bytes())
    issuer = f"{provider.config['ISSUER_ORIGIN']}/{PARTNER_TENANT_ID}/v2.0"
    config = {"IDENTITY_ISSUER": issuer, "IDENTITY_CLIENT_SECRET": SECRET, "REQUIRE_MFA": False}
    return create_app({"DATABASE": str(database), "TESTING": True, **config})


def start_sign_in(client: FlaskClient, next_page: str = "/dashboard") -> str:
    """Start signing in at the portal; return the provider's address it sends the browser to."""
    response = client.get("/sign-in", query_string={"next": next_page})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def answer(authorize_url: str, user: str = "sales-agent", totp_secret: str | None = None) -> dict[str, str]:
    """Play the person at the provider's pages; return the answer it sends back (code and state)."""
    back = authorization_code_over_http(requests.Session(), authorize_url, user, DEMO_PASSWORD, totp_secret)
    return {name: values[0] for name, values in parse_qs(urlsplit(back).query).items()}


def signed_in_user(client: FlaskClient) -> dict[str, Any] | None:
    """Return the session's user, if any."""
    with client.session_transaction() as session:
        return session.get("user")


def test_a_whole_sign_in_starts_a_session_on_a_new_id_and_goes_on_to_the_page_asked_for(portal: Flask) -> None:
    client = portal.test_client()
    authorize_url = start_sign_in(client, "/customers?q=con")
    before = client.get_cookie("session").value

    response = client.get("/signin-oidc", query_string=answer(authorize_url))

    assert (response.status_code, response.headers["Location"]) == (302, "/customers?q=con")
    assert signed_in_user(client) == {
        "username": "sales-agent", "upn": "sales-agent@21vianet-partner.partner.onmschina.cn",
        "display_name": "Sales agent", "role": "sales-agent",
    }  # fmt: skip
    assert client.get_cookie("session").value != before  # an id planted before sign-in stays useless


def test_the_authorization_request_carries_pkce_s256_state_and_nonce(portal: Flask) -> None:
    query = parse_qs(urlsplit(start_sign_in(portal.test_client())).query)

    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0]


def test_with_mfa_required_the_portal_asks_for_it_and_the_session_says_it_passed(portal: Flask) -> None:
    portal.config["REQUIRE_MFA"] = True
    client = portal.test_client()
    authorize_url = start_sign_in(client)
    assert parse_qs(urlsplit(authorize_url).query)["amr_values"] == ["mfa"]

    client.get("/signin-oidc", query_string=answer(authorize_url, "global-admin", DEMO_TOTP_SECRET))

    with client.session_transaction() as session:
        assert "mfa" in session["amr"]
    assert client.get("/customers").status_code == 200


def test_a_replayed_code_is_refused(portal: Flask) -> None:
    # Given a code that already signed this browser in, and the sign-in it answered as the browser's session held it
    client = portal.test_client()
    used = answer(start_sign_in(client))
    with client.session_transaction() as session:
        under_way = {key: value for key, value in session.items() if key.startswith("_state_")}  # authlib's
    assert under_way, "no sign-in under way in the browser's session"
    client.get("/signin-oidc", query_string=used)
    assert signed_in_user(client) is not None, "the code did not sign the browser in the first time"

    # When it comes again, with that sign-in under way again (its state and verifier right: only the code is spent)
    with client.session_transaction() as session:
        session.update(under_way)
    before = client.get_cookie("session").value
    response = client.get("/signin-oidc", query_string=used)

    # Then the provider refuses to redeem it twice, and the portal starts no session on it (a new one has a new id)
    assert response.status_code == 400
    assert client.get_cookie("session").value == before


def test_a_forged_code_is_refused(portal: Flask) -> None:
    client = portal.test_client()
    real = answer(start_sign_in(client))

    response = client.get("/signin-oidc", query_string={**real, "code": "a-code-the-provider-never-gave"})

    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_a_code_meant_for_another_browser_s_verifier_is_refused(portal: Flask) -> None:
    # Given two browsers signing in: the attacker's code delivered into the victim's sign-in
    victim, attacker = portal.test_client(), portal.test_client()
    victims_state = parse_qs(urlsplit(start_sign_in(victim)).query)["state"][0]
    attackers = answer(start_sign_in(attacker))

    # When the victim's browser brings the attacker's code back with its own state
    response = victim.get("/signin-oidc", query_string={**attackers, "state": victims_state})

    # Then the code does not match the victim's PKCE verifier: refused, no session
    assert response.status_code == 400
    assert signed_in_user(victim) is None


def test_an_answer_with_another_sign_in_s_state_is_refused(portal: Flask) -> None:
    client = portal.test_client()
    real = answer(start_sign_in(client))

    response = client.get("/signin-oidc", query_string={**real, "state": "not-the-state-it-sent"})

    assert response.status_code == 400
    assert signed_in_user(client) is None


def forge_id_token(provider: Flask, nonce: str, **claims: Any) -> str:
    """Return an id token signed with the provider's own key, its claims as given."""
    now = int(time.time())
    body = {
        "iss": f"{provider.config['ISSUER_ORIGIN']}/{PARTNER_TENANT_ID}/v2.0", "aud": CLIENT_ID, "sub": "x",
        "preferred_username": "global-admin", "roles": ["global-admin"], "nonce": nonce, "iat": now,
        "exp": now + 3600, "amr": ["pwd", "mfa"], **claims,
    }  # fmt: skip
    key = provider.extensions["identity"]["signing_key"]
    return jwt.encode({"alg": "RS256", "kid": key.kid}, body, key)


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        pytest.param({}, 302, id="all-right-control"),  # the doctoring itself is sound: right claims pass
        pytest.param({"aud": "another-application"}, 400, id="another-audience"),
        pytest.param({"exp": int(time.time()) - 600, "iat": int(time.time()) - 4200}, 400, id="past-its-expiry"),
        pytest.param({"nonce": "another-sign-in-s-nonce"}, 400, id="another-nonce"),
        pytest.param({"iss": "https://login.evil.example/t/v2.0"}, 400, id="another-issuer"),
    ],
)
def test_an_id_token_that_is_not_for_this_sign_in_is_refused(
    portal: Flask, provider: Flask, monkeypatch: pytest.MonkeyPatch, claims: dict[str, Any], status: int
) -> None:
    # Given the provider's answer to this sign-in, whose token response carries a doctored id token
    client = portal.test_client()
    authorize_url = start_sign_in(client)
    nonce = parse_qs(urlsplit(authorize_url).query)["nonce"][0]
    real = answer(authorize_url)
    identity = portal.extensions["portal_identity"]
    redeem: Callable[..., dict[str, Any]] = identity.fetch_access_token

    def doctored(**kwargs: Any) -> dict[str, Any]:
        return {**redeem(**kwargs), "id_token": forge_id_token(provider, **{"nonce": nonce, **claims})}

    monkeypatch.setattr(identity, "fetch_access_token", doctored)

    # When it comes back, Then the portal refuses it and starts no session (takes it, for the control)
    response = client.get("/signin-oidc", query_string=real)
    assert response.status_code == status
    assert (signed_in_user(client) is None) == (status == 400)


def test_a_callback_with_a_state_never_sent_is_refused_in_the_page_s_language_with_its_code(portal: Flask) -> None:
    # Given a sign-in answered with a state this browser's session never sent (a second tab's, Back after signing in)
    client = portal.test_client()
    refused = {**answer(start_sign_in(client)), "state": "never-sent"}

    response = client.get("/signin-oidc", query_string=refused, headers={"Accept-Language": "fr-FR"})

    # Then it is refused in French, with the error's code, not the sign-in library's English words
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "La connexion n’a pas pu aboutir. Reconnectez-vous. (mismatching_state)" in text
    assert "CSRF" not in text


@pytest.mark.parametrize(("minutes_at_the_provider", "signed_in"), [(1, True), (16, False)])
def test_a_sign_in_under_way_outlasts_a_short_session_lifetime_up_to_fifteen_minutes(
    portal: Flask, minutes_at_the_provider: int, signed_in: bool
) -> None:
    # Given sessions that end after a second without a request, and a person who signs in at the provider's pages
    portal.config["SESSION_LIFETIME"] = 1
    client = portal.test_client()
    back = answer(start_sign_in(client))

    # When they come back after a minute there (or after more than fifteen)
    portal.config["CLOCK"] = lambda: time.time() + minutes_at_the_provider * 60
    response = client.get("/signin-oidc", query_string=back)

    # Then the sign-in ends signed in, as at any portal; after fifteen minutes its state is gone
    assert (response.status_code == 302) is signed_in, response.get_data(as_text=True)
    assert (signed_in_user(client) is not None) is signed_in
