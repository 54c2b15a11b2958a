"""The portal's pages by role: who sees Edit and Add customer, and what the forms save, refuse and keep."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from html_elements import Elements, find
from werkzeug.test import TestResponse

from fixtures.portal.billing import EDITABLE_FIELDS, save_billing_profile
from fixtures.portal.db import get_db

SignIn = Callable[[str], str]
CustomerOf = Callable[[str], str]
Stored = Callable[[str], dict[str, str]]
Query = Callable[..., list[sqlite3.Row]]

EDITING_ROLES = [pytest.param(role, id=role) for role in ("global-admin", "admin-agent", "sales-agent")]
CONFLICT = (
    "Someone else changed this customer’s billing information after you opened this form. Nothing was saved."
    " Open the form with the latest information below, then submit again."
)


def input_values(page: str) -> dict[str, str]:
    """Return the value of each named input of the page."""
    return {e.attrs["name"]: e.attrs.get("value", "") for e in find(page, "input") if "name" in e.attrs}


def form_of(profile: dict[str, str], csrf: str, **changes: str) -> dict[str, str]:
    """Return the edit form as Submit sends it: every editable field, the etag and the CSRF token."""
    return {**{f: profile[f] for f in EDITABLE_FIELDS}, **changes, "etag": profile["etag"], "csrf_token": csrf}


def redirect_path(response: TestResponse) -> str:
    """Return the path a redirect leads to, without its query (which names the message shown there)."""
    return urlsplit(response.headers["Location"]).path


def edit_url(customer_id: str) -> str:
    return f"/customers/{customer_id}/account/edit"


@pytest.mark.parametrize("role", EDITING_ROLES)
def test_editing_roles_see_edit_on_the_account_page(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, role: str
) -> None:
    # Given a user of a role that may edit billing info
    sign_in(role)
    customer_id = customer_of("CN")

    # When the customer's Account page is opened
    page = client.get(f"/customers/{customer_id}/account").get_data(as_text=True)

    # Then it offers Edit, leading to the edit form
    assert [e.text for e in find(page, "a", href=edit_url(customer_id))] == ["Edit"]


def test_help_desk_agent_sees_no_edit_on_the_account_page(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf
) -> None:
    # Given a help desk agent signed in
    sign_in("helpdesk-agent")
    customer_id = customer_of("CN")

    # When the customer's Account page is opened
    page = client.get(f"/customers/{customer_id}/account").get_data(as_text=True)

    # Then it shows the account but offers no Edit
    assert find(page, "dd", data_testid="account-microsoftId")[0].text == customer_id
    assert find(page, "a", href=edit_url(customer_id)) == []
    assert "Edit" not in [e.text.strip() for e in find(page, "a")]


def test_help_desk_agent_sees_no_add_customer_on_the_customer_list(client: FlaskClient, sign_in: SignIn) -> None:
    # Given a help desk agent signed in
    sign_in("helpdesk-agent")

    # When the customer list is opened
    page = client.get("/customers").get_data(as_text=True)

    # Then it offers search but no Add customer
    assert find(page, "input", id="q")
    assert find(page, "a", href="/customers/new") == []


def helpdesk_csrf(client: FlaskClient, sign_in: SignIn, customer_id: str) -> str:
    """Sign in as the help desk agent; return the CSRF token of the Account page it may see."""
    sign_in("helpdesk-agent")
    account = client.get(f"/customers/{customer_id}/account").get_data(as_text=True)
    return find(account, "input", name="csrf_token")[0].attrs["value"]


@pytest.mark.parametrize("method", [pytest.param("GET", id="open"), pytest.param("POST", id="submit")])
def test_help_desk_agent_is_refused_the_edit_form_and_nothing_is_saved(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, stored_profile: Stored, method: str
) -> None:
    # Given a help desk agent signed in, with a valid CSRF token
    customer_id = customer_of("CN")
    csrf = helpdesk_csrf(client, sign_in, customer_id)
    before = stored_profile(customer_id)

    # When it opens the edit form, or submits it with a new city
    response = client.open(edit_url(customer_id), method=method, data=form_of(before, csrf, city="上海"))

    # Then it is forbidden, and the profile is unchanged
    assert response.status_code == 403
    assert stored_profile(customer_id) == before


@pytest.mark.parametrize("method", [pytest.param("GET", id="open"), pytest.param("POST", id="submit")])
def test_help_desk_agent_is_refused_add_customer_and_nothing_is_created(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, valid_profile: Stored, query: Query, method: str
) -> None:
    # Given a help desk agent signed in, with a valid CSRF token
    csrf = helpdesk_csrf(client, sign_in, customer_of("CN"))
    count = query("SELECT COUNT(*) FROM customers")[0][0]

    # When it opens the Add customer form, or submits it with a valid new customer
    form = {**valid_profile("CN"), "domainPrefix": "helpdesk-made", "csrf_token": csrf}
    response = client.open("/customers/new", method=method, data=form)

    # Then it is forbidden, and no customer is added
    assert response.status_code == 403
    assert query("SELECT COUNT(*) FROM customers")[0][0] == count


@pytest.mark.parametrize("role", EDITING_ROLES)
def test_editing_roles_save_through_the_edit_form(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, stored_profile: Stored, role: str
) -> None:
    # Given a user of a role that may edit, and a customer's current profile
    csrf = sign_in(role)
    customer_id = customer_of("CN")
    before = stored_profile(customer_id)

    # When the form is submitted with a new address line
    response = client.post(edit_url(customer_id), data=form_of(before, csrf, addressLine1=f"{role} 路 1 号"))

    # Then the user is sent back to the Account page, and the new value is stored
    assert (response.status_code, redirect_path(response)) == (302, f"/customers/{customer_id}/account")
    assert stored_profile(customer_id)["addressLine1"] == f"{role} 路 1 号"


def test_saved_edit_form_is_confirmed_on_the_account_page(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, stored_profile: Stored
) -> None:
    # Given an admin agent who submitted a valid edit form
    csrf = sign_in("admin-agent")
    customer_id = customer_of("US")
    response = client.post(edit_url(customer_id), data=form_of(stored_profile(customer_id), csrf, city="Seattle"))

    # When the Account page it was sent to is opened
    assert redirect_path(response) == f"/customers/{customer_id}/account"
    page = client.get(response.location).get_data(as_text=True)

    # Then it confirms the update once, and shows the new value
    assert [e.text for e in find(page, "p", role="status")] == ["Customer account information was updated."]
    assert find(page, "dd", data_testid="billing-city")[0].text == "Seattle"


def test_stale_edit_form_is_refused_keeps_the_typed_values_and_saves_nothing(
    app: Flask, client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, stored_profile: Stored
) -> None:
    # Given an edit form opened, then the profile changed by someone else
    csrf = sign_in("global-admin")
    customer_id = customer_of("CN")
    opened = stored_profile(customer_id)
    with app.app_context():
        save_billing_profile(get_db(), customer_id, {**opened, "city": "天津"}, opened["etag"])
    latest = stored_profile(customer_id)

    # When the form is submitted with the etag it was opened with
    response = client.post(edit_url(customer_id), data=form_of(opened, csrf, city="广州", postalCode="510000"))

    # Then the conflict is explained, the typed values stay in the form, and nothing is saved
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert CONFLICT in [e.text for e in find(page, "p", role="alert")]
    assert {k: input_values(page)[k] for k in ("city", "postalCode")} == {"city": "广州", "postalCode": "510000"}
    assert stored_profile(customer_id) == latest
    # ... and a link opens the form afresh with the latest values (a reload would send the stale one again)
    [link] = [e for e in find(page, "a") if e.text == "Open the form with the latest information"]
    afresh = client.get(link.attrs["href"]).get_data(as_text=True)
    assert (input_values(afresh)["city"], input_values(afresh)["etag"]) == ("天津", latest["etag"])


def test_invalid_edit_form_marks_the_field_keeps_the_typed_values_and_saves_nothing(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, stored_profile: Stored
) -> None:
    # Given a sales agent signed in, and a Chinese customer's profile
    csrf = sign_in("sales-agent")
    customer_id = customer_of("CN")
    before = stored_profile(customer_id)

    # When the form is submitted with a valid new city and a postal code China refuses
    response = client.post(edit_url(customer_id), data=form_of(before, csrf, city="杭州", postalCode="ABC"))

    # Then the message sits right after the one marked input, the typed values stay, and not even the city is saved
    html = response.get_data(as_text=True)
    page = Elements(html).found
    (marked,) = [e for e in page if e.attrs.get("aria-invalid") == "true"]
    message = page[page.index(marked) + 1]
    assert response.status_code == 422
    assert (marked.attrs["id"], message.attrs["data-testid"]) == ("postalCode", "error-postalCode")
    assert marked.attrs["aria-describedby"] == message.attrs["id"] and message.text.startswith("Postal code")
    assert {k: input_values(html)[k] for k in ("city", "postalCode")} == {"city": "杭州", "postalCode": "ABC"}
    assert stored_profile(customer_id) == before


def test_country_is_shown_read_only_in_the_edit_form(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf
) -> None:
    # Given a global admin signed in
    sign_in("global-admin")

    # When the edit form of a Chinese customer is opened
    page = client.get(edit_url(customer_of("CN"))).get_data(as_text=True)

    # Then the country shows, read-only, and is not a field the form sends
    (country,) = find(page, "input", id="country")
    assert country.attrs.get("value") == "CN"
    assert "readonly" in country.attrs and "name" not in country.attrs


def test_country_posted_with_the_edit_form_is_ignored(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, stored_profile: Stored
) -> None:
    # Given a global admin signed in, and a Chinese customer
    csrf = sign_in("global-admin")
    customer_id = customer_of("CN")
    before = stored_profile(customer_id)

    # When the form is posted with a country added by hand
    response = client.post(edit_url(customer_id), data={**form_of(before, csrf), "country": "US"})

    # Then it is saved as a Chinese profile still
    assert response.status_code == 302
    assert stored_profile(customer_id)["country"] == "CN"


def test_add_customer_form_creates_the_customer_and_opens_its_account(
    client: FlaskClient, sign_in: SignIn, valid_profile: Stored, query: Query
) -> None:
    # Given a sales agent signed in
    csrf = sign_in("sales-agent")
    prefix = f"new-{uuid.uuid4().hex[:8]}"

    # When the Add customer form is submitted with a new domain and valid details
    form = {**valid_profile("CN"), "domainPrefix": prefix, "csrf_token": csrf}
    response = client.post("/customers/new", data=form)

    # Then the customer exists, and the agent is sent to its Account page
    (row,) = query("SELECT id, company_name FROM customers WHERE domain = ?", f"{prefix}.partner.onmschina.cn")
    assert row["company_name"] == form["companyName"]
    assert (response.status_code, redirect_path(response)) == (302, f"/customers/{row['id']}/account")


def test_add_customer_form_with_a_taken_domain_marks_the_domain(
    client: FlaskClient, sign_in: SignIn, valid_profile: Stored, query: Query
) -> None:
    # Given a global admin signed in, and the domain of an existing customer
    csrf = sign_in("global-admin")
    domain = query("SELECT domain FROM customers ORDER BY created_seq LIMIT 1")[0]["domain"]
    count = query("SELECT COUNT(*) FROM customers")[0][0]

    # When the Add customer form is submitted with that domain's prefix
    form = {**valid_profile("CN"), "domainPrefix": domain.split(".")[0], "csrf_token": csrf}
    response = client.post("/customers/new", data=form)

    # Then the form comes back with the domain error, and no customer is added
    error = find(response.get_data(as_text=True), "p", data_testid="error-domainPrefix")
    assert response.status_code == 422
    assert [e.text for e in error] == ["Domain name is already used by another customer."]
    assert query("SELECT COUNT(*) FROM customers")[0][0] == count


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/customers/{id}", id="subscriptions"),
        pytest.param("/customers/{id}/account", id="account"),
        pytest.param("/customers/{id}/account/edit", id="edit-form"),
    ],
)
def test_unknown_customer_gets_the_404_page(client: FlaskClient, sign_in: SignIn, path: str) -> None:
    # Given a global admin signed in
    sign_in("global-admin")

    # When a page of a customer that does not exist is opened
    response = client.get(path.format(id=uuid.uuid4()))

    # Then the portal's error page answers 404
    assert response.status_code == 404
    assert find(response.get_data(as_text=True), "section", data_testid="error-page", data_status="404")
