"""Who may call the REST API: bearer tokens, the portal's session cookie with its CSRF token, roles."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fixtures.portal import create_app
from fixtures.portal.api_auth import issue_token
from fixtures.portal.seed import DEMO_PASSWORD

Headers = Callable[[str], dict[str, str]]


@pytest.mark.parametrize("encoding", ["form", "json"])
def test_demo_user_gets_a_bearer_token_that_opens_the_api(client: FlaskClient, encoding: str) -> None:
    # Given a demo user's name and password
    credentials = {"grant_type": "password", "username": "helpdesk-agent", "password": DEMO_PASSWORD}

    # When they are exchanged for a token, form-encoded or as JSON
    response = client.post("/oauth2/token", **{"data" if encoding == "form" else "json": credentials})

    # Then the token is a bearer token that lists customers
    assert response.status_code == 200
    assert response.json["token_type"] == "Bearer" and response.json["expires_in"] > 0
    listing = client.get("/v1/customers", headers={"Authorization": f"Bearer {response.json['access_token']}"})
    assert listing.status_code == 200


@pytest.mark.parametrize(
    ("form", "error"),
    [
        pytest.param({"username": "global-admin", "password": "wrong"}, "invalid_grant", id="wrong-password"),
        pytest.param({"username": "nobody", "password": DEMO_PASSWORD}, "invalid_grant", id="unknown-user"),
        pytest.param({"grant_type": "client_credentials"}, "unsupported_grant_type", id="other-grant"),
    ],
)
def test_token_is_refused_for_bad_credentials(client: FlaskClient, form: dict[str, str], error: str) -> None:
    # Given credentials the portal does not accept
    # When they are exchanged for a token
    response = client.post("/oauth2/token", data={"grant_type": "password", **form})

    # Then the answer is an OAuth 2.0 error, also in Partner Center's error shape
    assert response.status_code == 400
    assert response.json["error"] == error
    assert response.json["source"] == "PartnerFD"
    assert "access_token" not in response.json


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


def test_tampered_token_is_401(client: FlaskClient, admin: dict[str, str]) -> None:
    # Given a real token with one character of its signature changed (not the last: it holds padding bits)
    token = admin["Authorization"].removeprefix("Bearer ")
    tampered = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]

    # When it is used
    response = client.get("/v1/customers", headers={"Authorization": f"Bearer {tampered}"})

    # Then it is refused
    assert response.status_code == 401


def test_token_another_portal_issued_is_401(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    # Given a token that another portal (another database) issued for the global admin
    other = create_app({"DATABASE": str(tmp_path / "other.sqlite"), "TESTING": True})
    with other.app_context():
        foreign = issue_token("global-admin")

    # When it is used here, Then it is refused
    response = client.get("/v1/customers", headers={"Authorization": f"Bearer {foreign}"})
    assert response.status_code == 401
    assert "not valid" in response.json["description"]


def test_expired_token_is_401(app: Flask, client: FlaskClient) -> None:
    # Given a token issued two hours ago, beyond its one-hour lifetime
    app.config["CLOCK"] = lambda: time.time() - 7200
    with app.app_context():
        token = issue_token("global-admin")
    app.config["CLOCK"] = time.time

    # When it is used
    response = client.get("/v1/customers", headers={"Authorization": f"Bearer {token}"})

    # Then it is refused as expired
    assert response.status_code == 401
    assert "expired" in response.json["description"]


def test_token_outlives_a_restart_of_the_portal(app: Flask, client: FlaskClient) -> None:
    # Given a token issued before the portal restarted on the same database
    with app.app_context():
        token = issue_token("sales-agent")
    restarted = create_app({"DATABASE": app.config["DATABASE"], "TESTING": True})

    # When the restarted portal is asked with it, Then it answers
    response = restarted.test_client().get("/v1/customers?size=1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


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
    client: FlaskClient, new_customer_body: Callable[[str], dict], csrf: str | None
) -> None:
    # Given a signed-in session (as a cross-site page would ride on it)
    with client.session_transaction() as session:
        session.update(username="global-admin", csrf="the-session-token")
    headers = {} if csrf is None else {"X-CSRF-Token": csrf}

    # When it writes through the API without the session's CSRF token
    response = client.post("/v1/customers", json=new_customer_body("US"), headers=headers)

    # Then it is refused
    assert response.status_code == 403
    assert "CSRF" in response.json["description"]


def test_cookie_write_with_the_csrf_token_is_accepted(
    client: FlaskClient, new_customer_body: Callable[[str], dict]
) -> None:
    # Given a signed-in session and its CSRF token, as the portal's own pages have them
    with client.session_transaction() as session:
        session.update(username="sales-agent", csrf="the-session-token")

    # When it creates a customer through the API with the token in X-CSRF-Token
    response = client.post("/v1/customers", json=new_customer_body("FR"), headers={"X-CSRF-Token": "the-session-token"})

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
