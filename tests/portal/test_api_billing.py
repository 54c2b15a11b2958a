"""GET and PUT /v1/customers/{id}/profiles/billing: shape, etag and If-Match, rules, roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

Headers = Callable[[str], dict[str, str]]
Stored = Callable[[str], dict[str, str]]


def billing_url(customer_id: str) -> str:
    """Return the billing profile's URL."""
    return f"/v1/customers/{customer_id}/profiles/billing"


def put(
    client: FlaskClient, headers: dict[str, str], customer_id: str, body: dict[str, Any], etag: str
) -> TestResponse:
    """PUT the billing profile with ``If-Match: "<etag>"``."""
    return client.put(billing_url(customer_id), json=body, headers={**headers, "If-Match": f'"{etag}"'})


@pytest.fixture
def us_profile(client: FlaskClient, admin: dict[str, str], customer_of: Callable[[str], str]) -> dict[str, Any]:
    """The billing profile of a seeded US customer, as the API returns it (with ``customerId``)."""
    customer_id = customer_of("US")
    return {**client.get(billing_url(customer_id), headers=admin).json, "customerId": customer_id}


def test_billing_profile_has_the_documented_shape_and_etag(
    client: FlaskClient, admin: dict[str, str], customer_of: Callable[[str], str]
) -> None:
    # Given a Chinese customer
    # When its billing profile is asked for
    response = client.get(billing_url(customer_of("CN")), headers=admin)

    # Then it has the documented fields, and its etag both in the body and the ETag header
    body = response.json
    assert set(body) >= {"id", "firstName", "lastName", "email", "culture", "language", "companyName"}
    assert set(body["defaultAddress"]) == {
        "country", "region", "city", "state", "addressLine1", "addressLine2",
        "postalCode", "firstName", "lastName", "phoneNumber",
    }  # fmt: skip
    assert body["attributes"]["objectType"] == "CustomerBillingProfile"
    assert response.headers["ETag"] == f'"{body["attributes"]["etag"]}"'
    assert body["culture"] in ("zh-CN", "en-US")


@pytest.mark.parametrize("quote", ['"', ""], ids=["quoted", "unquoted"])
def test_put_with_the_current_etag_saves_and_returns_a_new_etag(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored, quote: str
) -> None:
    # Given the current profile with a new city
    old_etag = us_profile["attributes"]["etag"]
    body = {**us_profile, "defaultAddress": {**us_profile["defaultAddress"], "city": "Bellevue"}}

    # When it is PUT with the current etag, quoted or not
    headers = {**admin, "If-Match": f"{quote}{old_etag}{quote}"}
    response = client.put(billing_url(us_profile["customerId"]), json=body, headers=headers)

    # Then it is saved, and the answer carries the new etag
    assert response.status_code == 200
    new_etag = response.json["attributes"]["etag"]
    assert new_etag != old_etag and response.headers["ETag"] == f'"{new_etag}"'
    assert stored_profile(us_profile["customerId"])["city"] == "Bellevue"
    assert stored_profile(us_profile["customerId"])["etag"] == new_etag


def test_put_with_a_stale_etag_is_412_and_writes_nothing(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored
) -> None:
    # Given another agent saved the profile after we read it
    customer_id, etag = us_profile["customerId"], us_profile["attributes"]["etag"]
    assert put(client, admin, customer_id, {**us_profile, "firstName": "Other"}, etag).status_code == 200
    before = stored_profile(customer_id)

    # When we PUT our change with the etag we read
    response = put(client, admin, customer_id, {**us_profile, "lastName": "Ours"}, etag)

    # Then it is refused with 412 / 2055, and the other agent's change stays
    assert response.status_code == 412
    assert response.json == {"code": 2055, "description": "Etag is no longer valid", "data": [], "source": "PartnerFD"}
    assert stored_profile(customer_id) == before


@pytest.mark.parametrize("weak", ['W/"{etag}"', "W/{etag}"], ids=["quoted", "unquoted"])
def test_put_with_the_current_etag_marked_weak_is_412_and_writes_nothing(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored, weak: str
) -> None:
    # Given the current etag, sent as a weak one (RFC 7232: a weak etag never matches If-Match)
    customer_id, before = us_profile["customerId"], stored_profile(us_profile["customerId"])
    headers = {**admin, "If-Match": weak.format(etag=before["etag"])}

    # When a change is PUT with it
    response = client.put(billing_url(customer_id), json={**us_profile, "firstName": "Weak"}, headers=headers)

    # Then it is refused as a stale etag is, and nothing changes
    assert response.status_code == 412
    assert response.json == {"code": 2055, "description": "Etag is no longer valid", "data": [], "source": "PartnerFD"}
    assert stored_profile(customer_id) == before


@pytest.mark.parametrize("if_match", [None, "*", '""'], ids=["missing", "star", "empty"])
def test_put_without_an_etag_is_428_and_writes_nothing(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored, if_match: str | None
) -> None:
    # Given a change sent without the profile's etag
    customer_id, before = us_profile["customerId"], stored_profile(us_profile["customerId"])
    headers = admin if if_match is None else {**admin, "If-Match": if_match}

    # When it is PUT
    response = client.put(billing_url(customer_id), json={**us_profile, "firstName": "Blind"}, headers=headers)

    # Then it is refused with 428 Precondition Required, and nothing changes
    assert response.status_code == 428
    assert stored_profile(customer_id) == before


def test_put_changing_the_country_is_400_and_writes_nothing(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored
) -> None:
    # Given the profile moved to France (country is tied to the tenant and its currency)
    body = {**us_profile, "defaultAddress": {**us_profile["defaultAddress"], "country": "FR"}}
    before = stored_profile(us_profile["customerId"])

    # When it is PUT
    response = put(client, admin, us_profile["customerId"], body, us_profile["attributes"]["etag"])

    # Then the country is reported as read-only, and nothing changes
    assert response.status_code == 400
    assert response.json["code"] == 3000
    assert [d["field"] for d in response.json["data"]] == ["defaultAddress.country"]
    assert stored_profile(us_profile["customerId"]) == before


@pytest.mark.parametrize("country", [" us ", "us", "US\t"], ids=["spaces", "lower-case", "a-tab"])
def test_put_sending_the_same_country_trimmed_or_in_another_case_is_saved(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored, country: str
) -> None:
    # Given the profile with a new city and its own country pasted with spaces or in lower case
    address = {**us_profile["defaultAddress"], "country": country, "city": "Bellevue"}

    # When it is PUT
    response = put(client, admin, us_profile["customerId"], {**us_profile, "defaultAddress": address},
                   us_profile["attributes"]["etag"])  # fmt: skip

    # Then it is saved, the country as it was
    assert response.status_code == 200, response.json
    assert (stored_profile(us_profile["customerId"])["city"], response.json["defaultAddress"]["country"]) == (
        "Bellevue", "US"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("country", "changes", "fields"),
    [
        pytest.param("CN", {"postalCode": "1000"}, ["postalCode"], id="cn-postal"),
        pytest.param("CN", {"state": "Guangdong"}, ["state"], id="cn-state"),
        pytest.param("US", {"state": "Texas", "phoneNumber": "12"}, ["phoneNumber", "state"], id="us-state-phone"),
        pytest.param("FR", {"postalCode": "750", "city": ""}, ["city", "postalCode"], id="fr-postal-city"),
    ],
)
def test_put_breaking_country_rules_is_400_3000_per_field(
    client: FlaskClient, admin: dict[str, str], customer_of: Callable[[str], str], stored_profile: Stored,
    country: str, changes: dict[str, str], fields: list[str],
) -> None:  # fmt: skip
    # Given a customer's profile with address values its country refuses
    customer_id = customer_of(country)
    profile = client.get(billing_url(customer_id), headers=admin).json
    body = {**profile, "defaultAddress": {**profile["defaultAddress"], **changes}}

    # When it is PUT with the current etag
    response = put(client, admin, customer_id, body, profile["attributes"]["etag"])

    # Then each bad field is listed with an English message, and nothing changes
    assert (response.status_code, response.json["code"], response.json["description"]) == (
        400,
        3000,
        "Invalid property",
    )
    assert sorted(d["field"] for d in response.json["data"]) == [f"defaultAddress.{f}" for f in fields]
    assert all(d["message"].endswith(".") for d in response.json["data"])
    assert stored_profile(customer_id)["etag"] == profile["attributes"]["etag"]


def test_put_message_names_the_field_and_country_in_english(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any]
) -> None:
    # Given a US profile with a French postal code and an email at the partner's own domain
    address = {**us_profile["defaultAddress"], "postalCode": "7500"}
    body = {**us_profile, "defaultAddress": address, "email": "billing@21vianet-partner.partner.onmschina.cn"}

    # When it is PUT
    response = put(client, admin, us_profile["customerId"], body, us_profile["attributes"]["etag"])

    # Then the messages say what is wrong, in English
    assert response.json["data"] == [
        {"field": "email", "message": "Email cannot be an address at the partner’s own domain."},
        {
            "field": "defaultAddress.postalCode",
            "message": "Postal code is not a valid postal code for the United States.",
        },
    ]


@pytest.mark.parametrize("role", ["global-admin", "admin-agent", "sales-agent"])
def test_editor_roles_may_put(
    client: FlaskClient, auth_headers: Headers, us_profile: dict[str, Any], stored_profile: Stored, role: str
) -> None:
    # Given an agent whose role may edit billing information
    # When it PUTs the profile with a new first name and the current etag
    etag = us_profile["attributes"]["etag"]
    response = put(client, auth_headers(role), us_profile["customerId"], {**us_profile, "firstName": "Zoé"}, etag)

    # Then it is saved: the new name stored, under a new etag
    assert response.status_code == 200
    stored = stored_profile(us_profile["customerId"])
    assert (stored["firstName"], stored["etag"] != etag) == ("Zoé", True), stored


def test_help_desk_agent_may_read_but_not_put(
    client: FlaskClient, auth_headers: Headers, us_profile: dict[str, Any], stored_profile: Stored
) -> None:
    # Given a help desk agent ("Edit customer billing information" is under *cannot*)
    helpdesk, before = auth_headers("helpdesk-agent"), stored_profile(us_profile["customerId"])

    # When it reads the profile, then PUTs a change
    read = client.get(billing_url(us_profile["customerId"]), headers=helpdesk)
    written = put(client, helpdesk, us_profile["customerId"], {**us_profile, "firstName": "X"}, before["etag"])

    # Then reading is allowed, writing refused with 403, and nothing changes
    assert read.status_code == 200
    assert written.status_code == 403
    assert stored_profile(us_profile["customerId"]) == before


@pytest.mark.parametrize("body", ["not json", "[1, 2]"], ids=["not-json", "not-an-object"])
def test_put_with_a_body_that_is_not_a_json_object_is_400(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], body: str
) -> None:
    # Given a body the API cannot read as a billing profile
    headers = {**admin, "If-Match": us_profile["attributes"]["etag"], "Content-Type": "application/json"}

    # When it is PUT, Then the answer is 400
    assert client.put(billing_url(us_profile["customerId"]), data=body, headers=headers).status_code == 400


def test_put_for_an_unknown_customer_is_404(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any]
) -> None:
    # Given an ID no customer has
    # When a profile is PUT there
    response = put(client, admin, "no-such-customer", us_profile, us_profile["attributes"]["etag"])

    # Then the answer is 404 Tenant not found
    assert (response.status_code, response.json["code"]) == (404, 60003)


@pytest.mark.parametrize(
    ("top", "address", "stored"),
    [
        pytest.param("Ann", None, "Ann", id="only-the-contact-s"),
        pytest.param(None, "Ann", "Ann", id="only-the-address-s"),
        pytest.param("Ann", "Ann", "Ann", id="both-alike"),
    ],
)
def test_put_keeps_the_first_name_changed_in_either_place(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored,
    top: str | None, address: str | None, stored: str,
) -> None:  # fmt: skip
    # Given the profile with its first name changed at the top, in its defaultAddress, or in both alike
    body = {**us_profile, "firstName": top or us_profile["firstName"]}
    body["defaultAddress"] = {**us_profile["defaultAddress"], "firstName": address or us_profile["firstName"]}

    # When it is PUT
    response = put(client, admin, us_profile["customerId"], body, us_profile["attributes"]["etag"])

    # Then the change is saved, and shown in both places
    assert response.status_code == 200, response.json
    assert stored_profile(us_profile["customerId"])["firstName"] == stored
    assert (response.json["firstName"], response.json["defaultAddress"]["firstName"]) == (stored, stored)


def test_put_changing_the_first_name_two_ways_is_400_3000_and_writes_nothing(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored
) -> None:
    # Given the profile with one first name at the top and another in its defaultAddress (the portal keeps one)
    body = {**us_profile, "firstName": "Ann", "defaultAddress": {**us_profile["defaultAddress"], "firstName": "Bea"}}
    before = stored_profile(us_profile["customerId"])

    # When it is PUT
    response = put(client, admin, us_profile["customerId"], body, us_profile["attributes"]["etag"])

    # Then it is refused, naming the address's copy, and nothing changes
    assert (response.status_code, response.json["code"]) == (400, 3000)
    assert response.json["data"] == [
        {
            "field": "defaultAddress.firstName",
            "message": "First name differs from firstName: the billing profile keeps one, send the same in both.",
        }
    ]
    assert stored_profile(us_profile["customerId"]) == before
