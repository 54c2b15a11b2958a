"""Who may call the REST API: bearer tokens, the portal's session cookie with its CSRF token, roles."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey
from provider_tokens import access_token

Headers = Callable[[str], dict[str, str]]


def test_the_old_password_grant_says_where_tokens_come_from(client: FlaskClient) -> None:
    # When a client asks the portal itself for a token with a password, as it once could
    credentials = {"grant_type": "password", "username": "helpdesk-agent", "password": "portal-demo"}
    response = client.post("/oauth2/token", data=credentials)

    # Then it is told that tokens come from the identity provider (with MFA), not from here
    assert response.status_code == 400
    assert response.json["error"] == "unsupported_grant_type"
    assert "identity provider" in response.json["error_description"]


@pytest.mark.parametrize(
    ("claims", "why", "code"),
    [
        pytest.param({"exp": int(time.time()) - 3600}, "expired", 401, id="expired"),
        pytest.param({"aud": "https://graph.example"}, "not for this API", 401, id="another-audience"),
        pytest.param({"iss": "https://login.evil.example/t/v2.0"}, "not for this API", 401, id="another-issuer"),
        pytest.param({"scp": "openid"}, "scope", 401, id="without-the-api-scope"),
        # Partner Center's own code for a sign-in without MFA: a client tells it from an expired token by it
        pytest.param({"amr": ["pwd"]}, "multi-factor", 900421, id="without-mfa"),
    ],
)
def test_a_token_the_api_must_not_take_is_401_saying_why(
    client: FlaskClient, claims: dict, why: str, code: int
) -> None:
    response = client.get("/v1/customers", headers={"Authorization": f"Bearer {access_token(**claims)}"})

    assert response.status_code == 401
    assert why in response.json["description"]
    assert response.json["code"] == code


def test_a_token_signed_with_another_key_is_401(client: FlaskClient) -> None:
    # Given a token shaped like the provider's but signed with a key it never published
    forged = access_token(key=RSAKey.generate_key(2048, parameters={"kid": "portal-tests"}))

    response = client.get("/v1/customers", headers={"Authorization": f"Bearer {forged}"})

    assert response.status_code == 401
    assert "not valid" in response.json["description"]


def test_a_tampered_token_is_401(client: FlaskClient) -> None:
    # Given a real token with one character of its signature changed (not the last: it holds padding bits)
    token = access_token()
    tampered = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]

    response = client.get("/v1/customers", headers={"Authorization": f"Bearer {tampered}"})

    assert response.status_code == 401


def test_a_session_without_mfa_does_not_open_the_api(client: FlaskClient, sign_in: Callable[..., str]) -> None:
    sign_in("global-admin", amr=("pwd",))

    response = client.get("/v1/customers?size=1")

    assert response.status_code == 401
    assert "multi-factor" in response.json["description"]
    assert response.json["code"] == 900421


def test_a_portal_without_mfa_takes_a_token_without_it(app: Flask) -> None:
    app.config["REQUIRE_MFA"] = False

    response = app.test_client().get(
        "/v1/customers?size=1", headers={"Authorization": f"Bearer {access_token(amr=['pwd'])}"}
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/v1/customers", "/v1/customers/any/profiles/billing", "/v1/countryvalidationrules/CN", "/v1/unknown"],
)
def test_api_without_credentials_is_401(client: FlaskClient, path: str) -> None:
    # Given no token and no session
    # When an API resource is asked for
    response = client.get(path)

    # Then the answer is 401, asking for a bearer token
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["code"] == 401


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("Bearer not-a-token", id="garbage"),
        pytest.param("Bearer ", id="empty"),
        pytest.param("Basic Z2xvYmFsLWFkbWluOnBvcnRhbC1kZW1v", id="basic-scheme"),
    ],
)
def test_malformed_authorization_is_401(client: FlaskClient, authorization: str) -> None:
    # Given an Authorization header that carries no valid bearer token
    # When the customer list is asked for
    response = client.get("/v1/customers", headers={"Authorization": authorization})

    # Then the answer is 401
    assert response.status_code == 401


def test_session_cookie_reads_the_api(client: FlaskClient, sign_in: Callable[[str], str]) -> None:
    # Given an agent signed in to the portal's pages
    sign_in("helpdesk-agent")

    # When the page's script asks the API for customers with the session cookie only
    response = client.get("/v1/customers?size=5")

    # Then it gets them
    assert response.status_code == 200
    assert len(response.json["items"]) == 5


@pytest.mark.parametrize("csrf", [None, "wrong-token"], ids=["missing", "wrong"])
def test_cookie_write_without_the_csrf_token_is_403(
    client: FlaskClient, sign_in: Callable[[str], str], new_customer_body: Callable[[str], dict], csrf: str | None
) -> None:
    # Given a signed-in session (as a cross-site page would ride on it)
    sign_in("global-admin")
    headers = {} if csrf is None else {"X-CSRF-Token": csrf}

    # When it writes through the API without the session's CSRF token
    response = client.post("/v1/customers", json=new_customer_body("US"), headers=headers)

    # Then it is refused
    assert response.status_code == 403
    assert "CSRF" in response.json["description"]


def test_cookie_write_with_the_csrf_token_is_accepted(
    client: FlaskClient, sign_in: Callable[[str], str], new_customer_body: Callable[[str], dict]
) -> None:
    # Given a signed-in session and its CSRF token, as the portal's own pages have them
    csrf = sign_in("sales-agent")

    # When it creates a customer through the API with the token in X-CSRF-Token
    response = client.post("/v1/customers", json=new_customer_body("FR"), headers={"X-CSRF-Token": csrf})

    # Then the customer is created
    assert response.status_code == 201


def test_bearer_write_needs_no_csrf_token(
    client: FlaskClient, auth_headers: Headers, new_customer_body: Callable[[str], dict]
) -> None:
    # Given a sales agent's bearer token and no session at all
    headers = auth_headers("sales-agent")

    # When it creates a customer
    response = client.post("/v1/customers", json=new_customer_body("CN"), headers=headers)

    # Then no CSRF token is asked for: browsers never send the header on their own
    assert response.status_code == 201
