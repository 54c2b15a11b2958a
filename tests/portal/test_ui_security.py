"""The portal's pages resist the usual web attacks: CSRF, XSS, open redirects, stolen cookies (SQL injection into
the list's search: ``test_api_customers``, and in the browser ``tests/test_customers_list.py``)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from html_elements import Elements, find

from fixtures.portal.billing import EDITABLE_FIELDS
from fixtures.portal.db import get_db
from fixtures.portal.store import create_customer

SignIn = Callable[[str], str]
CustomerOf = Callable[[str], str]
Stored = Callable[[str], dict[str, str]]
Query = Callable[..., list[sqlite3.Row]]

XSS = "<img src=x onerror=alert(1)>"
EVIL_NEXT = [
    pytest.param("//evil.example", id="protocol-relative"),
    pytest.param("https://evil.example", id="absolute"),
    pytest.param("https:/evil.example", id="scheme-one-slash"),
    # Browsers drop tabs and newlines from URLs and read a backslash as a slash: all mean //evil.example.
    pytest.param("/\t/evil.example", id="tab-in-protocol-relative"),
    pytest.param("/\n/evil.example", id="newline-in-protocol-relative"),
    pytest.param("/\\evil.example", id="backslash"),
]


def session_csrf(client: FlaskClient) -> str:
    """Return the CSRF token the session holds."""
    with client.session_transaction() as session:
        return session["csrf"]


def with_token(form: dict[str, str], token: str | None) -> dict[str, str]:
    """Return ``form`` with ``csrf_token`` set to ``token``, or without it for None."""
    return form if token is None else {**form, "csrf_token": token}


def is_signed_in(client: FlaskClient) -> bool:
    """Tell whether the client's session may open the Dashboard."""
    return client.get("/dashboard").status_code == 200


BAD_TOKENS = [pytest.param(None, id="missing"), pytest.param("", id="empty"), pytest.param("forged", id="wrong")]


@pytest.fixture
def hostile_customer(app: Flask) -> str:
    """Create a customer whose company name and billing text fields hold an HTML tag; return its ID."""
    text_fields = ("companyName", "firstName", "lastName", "addressLine1", "addressLine2", "city", "state")
    values = {f: XSS for f in text_fields} | {"email": "x@example.com", "postalCode": "75001", "phoneNumber": ""}
    with app.app_context():
        return create_customer(get_db(), {**values, "country": "FR", "domainPrefix": f"xss-{uuid.uuid4().hex[:8]}"})


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [pytest.param("httponly", True, id="httponly"), pytest.param("samesite", "Lax", id="samesite-lax")],
)
def test_session_cookie_is_hidden_from_scripts_and_kept_from_cross_site_posts(
    client: FlaskClient, attribute: str, expected: object
) -> None:
    # When a visitor starts signing in (the portal keeps the sign-in's state in the session)
    response = client.get("/sign-in")

    # Then the session cookie it sets carries the attribute
    cookie = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookie.load(header)
    assert cookie["session"][attribute] == expected


@pytest.mark.parametrize(
    ("path", "post_forms"),
    [
        pytest.param("/dashboard", 1, id="dashboard-sign-out"),
        pytest.param("/customers", 1, id="customer-list-sign-out"),
        pytest.param("/customers/{id}", 1, id="subscriptions-sign-out"),
        pytest.param("/customers/{id}/account", 1, id="account-sign-out"),
        pytest.param("/customers/{id}/account/edit", 2, id="edit-form"),
        pytest.param("/customers/new", 2, id="add-customer-form"),
    ],
)
def test_every_form_of_a_signed_in_page_carries_the_session_csrf_token(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, path: str, post_forms: int
) -> None:
    # Given a global admin signed in
    csrf = sign_in("global-admin")

    # When a page with forms is opened
    page = Elements(client.get(path.format(id=customer_of("CN"))).get_data(as_text=True)).found

    # Then each of its POST forms holds the session's token in a hidden csrf_token input
    forms = find(page, "form", method="post")
    tokens = [[i.attrs for i in find(page, "input", name="csrf_token") if f in i.parents] for f in forms]
    assert len(forms) == post_forms
    assert tokens == [[{"type": "hidden", "name": "csrf_token", "value": csrf}]] * post_forms


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_edit_form_post_without_the_csrf_token_is_refused_and_saves_nothing(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, stored_profile: Stored, token: str | None
) -> None:
    # Given a global admin signed in, and a customer's current profile
    sign_in("global-admin")
    customer_id = customer_of("CN")
    before = stored_profile(customer_id)

    # When the edit form is posted with a new city but no valid token
    form = {**{f: before[f] for f in EDITABLE_FIELDS}, "city": "上海", "etag": before["etag"]}
    response = client.post(f"/customers/{customer_id}/account/edit", data=with_token(form, token))

    # Then it is refused, and the profile is unchanged
    assert response.status_code == 400
    assert stored_profile(customer_id) == before


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_add_customer_post_without_the_csrf_token_is_refused_and_creates_nothing(
    client: FlaskClient, sign_in: SignIn, valid_profile: Stored, query: Query, token: str | None
) -> None:
    # Given a sales agent signed in
    sign_in("sales-agent")

    # When a valid Add customer form is posted without a valid token
    form = {**valid_profile("CN"), "domainPrefix": "csrf-victim"}
    response = client.post("/customers/new", data=with_token(form, token))

    # Then it is refused, and no customer is created
    assert response.status_code == 400
    assert query("SELECT id FROM customers WHERE domain LIKE 'csrf-victim.%'") == []


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_sign_out_post_without_the_csrf_token_is_refused_and_keeps_the_session(
    client: FlaskClient, sign_in: SignIn, token: str | None
) -> None:
    # Given a user signed in
    sign_in("admin-agent")

    # When sign-out is posted without a valid token
    response = client.post("/sign-out", data=with_token({}, token))

    # Then it is refused, and the user is still signed in
    assert response.status_code == 400
    assert is_signed_in(client)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/customers/{id}", id="subscriptions"),
        pytest.param("/customers/{id}/account", id="account"),
        pytest.param("/customers/{id}/account/edit", id="edit-form"),
    ],
)
def test_html_in_customer_values_is_shown_as_text_never_as_a_tag(
    client: FlaskClient, sign_in: SignIn, hostile_customer: str, path: str
) -> None:
    # Given a global admin signed in, and a customer whose name and address hold an <img> tag
    sign_in("global-admin")

    # When one of the customer's pages is opened
    page = client.get(path.format(id=hostile_customer)).get_data(as_text=True)

    # Then the tag appears escaped, as text, and the page holds no <img> element
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert XSS not in page
    assert find(page, "img") == []


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/dashboard", id="dashboard"),
        pytest.param("/customers", id="customer-list"),
        pytest.param("/customers/{id}/account", id="account"),
        pytest.param("/customers/{id}/account/edit", id="edit-form"),
    ],
)
def test_signed_out_visitor_is_sent_to_sign_in_then_back(
    client: FlaskClient, customer_of: CustomerOf, path: str
) -> None:
    # Given a signed-out visitor
    path = path.format(id=customer_of("CN"))

    # When a portal page is opened
    response = client.get(path)

    # Then the visitor is sent to sign-in, which names the page to come back to
    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302
    assert (location.path, parse_qs(location.query)) == ("/sign-in", {"next": [path]})


def next_page_after_sign_in(client: FlaskClient) -> str:
    """Return the page the portal will open once the sign-in it started comes back."""
    with client.session_transaction() as session:
        return session["next"]


def test_sign_in_keeps_a_local_next_page(client: FlaskClient) -> None:
    # When sign-in is started from a search of the customer list
    response = client.get("/sign-in", query_string={"next": "/customers?q=con"})

    # Then the browser goes to the provider, and the portal will come back to that search
    assert response.status_code == 302
    assert next_page_after_sign_in(client) == "/customers?q=con"


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_sign_in_refuses_to_go_on_to_another_site(client: FlaskClient, target: str) -> None:
    # When sign-in is started through a link whose next page is on another site
    client.get("/sign-in", query_string={"next": target})

    # Then the portal will open its Dashboard instead
    assert next_page_after_sign_in(client) == "/dashboard"


def test_a_sign_in_answer_without_the_state_this_browser_started_is_refused(client: FlaskClient) -> None:
    # Given a browser that started no sign-in (a forged link carries someone else's code: login CSRF)
    # When the provider's answer arrives with a state the portal never gave this browser
    response = client.get("/signin-oidc", query_string={"code": "someone-elses", "state": "forged"})

    # Then it is refused, and no session starts
    assert response.status_code == 400
    assert not is_signed_in(client)


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_language_picker_refuses_to_go_on_to_another_site(client: FlaskClient, target: str) -> None:
    # Given a link to the language picker whose next page is on another site
    # When it is followed
    response = client.get("/language/fr-FR", query_string={"next": target})

    # Then the visitor lands on the Dashboard instead
    assert (response.status_code, response.headers["Location"]) == (302, "/dashboard")


def test_sign_out_ends_the_session_here_and_at_the_identity_provider(client: FlaskClient, sign_in: SignIn) -> None:
    # Given a user signed in
    csrf = sign_in("sales-agent")

    # When the user signs out through the banner's form
    response = client.post("/sign-out", data={"csrf_token": csrf})

    # Then the provider is asked to end its session too, and to send the browser back to "signed out"
    location = urlsplit(response.headers["Location"])
    assert (response.status_code, location.path) == (302, "/8f3b5a1e-21a1-4c6e-9b1f-5c0d2e7a4b21/oauth2/v2.0/logout")
    assert parse_qs(location.query)["post_logout_redirect_uri"] == ["http://localhost/signed-out"]
    # And the portal's pages ask to sign in again
    assert urlsplit(client.get("/dashboard").headers["Location"]).path == "/sign-in"
