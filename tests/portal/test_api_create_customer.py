"""POST /v1/customers: a new customer with its company and billing profiles, or a clear refusal."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from test_api_customers import ids_of, walk

Body = Callable[[str], dict[str, Any]]
Query = Callable[..., list[sqlite3.Row]]


@pytest.mark.parametrize("country", ["CN", "US", "FR", "CA", "MX"])
def test_new_customer_is_201_with_both_profiles(
    client: FlaskClient, admin: dict[str, str], new_customer_body: Body, country: str
) -> None:
    # Given a valid new customer in a country
    body = new_customer_body(country)

    # When it is POSTed
    response = client.post("/v1/customers", json=body, headers=admin)

    # Then it is created with its company and billing profiles, the culture the country's default
    assert response.status_code == 201
    created = response.json
    assert created["companyProfile"]["domain"] == body["companyProfile"]["domain"]
    assert (
        created["billingProfile"]["defaultAddress"]["postalCode"]
        == body["billingProfile"]["defaultAddress"]["postalCode"]
    )
    assert created["billingProfile"]["culture"].endswith(f"-{country}")
    assert response.headers["Location"] == f"/v1/customers/{created['id']}"


def test_new_customer_comes_last_in_the_list(
    client: FlaskClient, admin: dict[str, str], new_customer_body: Body
) -> None:
    # Given a customer just created
    created = client.post("/v1/customers", json=new_customer_body("FR"), headers=admin).json

    # When the list is filtered by its domain, and its billing profile read
    spec = json.dumps({"Field": "Domain", "Value": created["companyProfile"]["domain"], "Operator": "starts_with"})
    found = client.get("/v1/customers", query_string={"filter": spec}, headers=admin).json
    billing = client.get(f"/v1/customers/{created['id']}/profiles/billing", headers=admin).json

    # Then it is found, with the billing profile it was created with
    assert [item["id"] for item in found["items"]] == [created["id"]]
    assert billing == created["billingProfile"]
    # And the whole list, page by page, ends with it (the seeded ones before it, in their order)
    listed = ids_of(walk(client, admin, "/v1/customers?size=20"))
    assert listed[-1] == created["id"] and listed.count(created["id"]) == 1, listed[-3:]


def test_domain_prefix_alone_makes_the_full_domain(
    client: FlaskClient, admin: dict[str, str], new_customer_body: Body
) -> None:
    # Given a new customer whose domain is given as its prefix only, in capitals
    body = new_customer_body("US")
    body["companyProfile"]["domain"] = "Northwind-Traders-7"

    # When it is POSTed
    response = client.post("/v1/customers", json=body, headers=admin)

    # Then its domain is the prefix in the 21Vianet cloud, lower-cased
    assert response.json["companyProfile"]["domain"] == "northwind-traders-7.partner.onmschina.cn"


def test_taken_domain_is_409_whatever_its_case(
    client: FlaskClient, admin: dict[str, str], new_customer_body: Body, query: Query
) -> None:
    # Given a seeded customer's domain, in capitals
    taken = query("SELECT domain FROM customers ORDER BY created_seq LIMIT 1")[0]["domain"]
    body = new_customer_body("CN")
    body["companyProfile"]["domain"] = taken.upper()
    count = len(query("SELECT id FROM customers"))

    # When a new customer with it is POSTed
    response = client.post("/v1/customers", json=body, headers=admin)

    # Then it is refused with 409, saying the domain is in use, and no customer is added
    assert response.status_code == 409
    assert response.json["data"][0]["field"] == "companyProfile.domain"
    assert taken in response.json["description"]
    assert len(query("SELECT id FROM customers")) == count


@pytest.mark.parametrize(
    ("where", "name", "value", "field"),
    [
        pytest.param("company", "domain", "-bad-", "companyProfile.domain", id="domain"),
        pytest.param("address", "country", "ZZ", "billingProfile.defaultAddress.country", id="country"),
        pytest.param("address", "postalCode", "ABC", "billingProfile.defaultAddress.postalCode", id="postal"),
        pytest.param("billing", "email", "not-an-email", "billingProfile.email", id="email"),
        pytest.param("billing", "culture", "de-DE", "billingProfile.culture", id="culture"),
        pytest.param("billing", "lastName", 42, "billingProfile.lastName", id="not-text"),
    ],
)
def test_invalid_new_customer_is_400_3000_naming_the_field(
    client: FlaskClient,
    admin: dict[str, str],
    new_customer_body: Body,
    where: str,
    name: str,
    value: object,
    field: str,
) -> None:
    # Given a new US customer with one bad value
    body = new_customer_body("US")
    parts = {"company": body["companyProfile"], "billing": body["billingProfile"]}
    target = parts.get(where) or body["billingProfile"]["defaultAddress"]
    target[name] = value

    # When it is POSTed
    response = client.post("/v1/customers", json=body, headers=admin)

    # Then it is refused with Invalid property, listing that field
    assert (response.status_code, response.json["code"]) == (400, 3000)
    assert field in [d["field"] for d in response.json["data"]]


def test_help_desk_agent_cannot_create_customers(
    client: FlaskClient, auth_headers: Callable[[str], dict[str, str]], new_customer_body: Body
) -> None:
    # Given a help desk agent (search and view only)
    # When it POSTs a valid new customer
    response = client.post("/v1/customers", json=new_customer_body("US"), headers=auth_headers("helpdesk-agent"))

    # Then it is refused with 403
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        pytest.param({"language": "en"}, "billingProfile.language",
                     "Language must be zh, the language of the culture zh-CN.", id="not-the-default-culture-s"),
        pytest.param({"culture": "en-US", "language": "zh"}, "billingProfile.language",
                     "Language must be en, the language of the culture en-US.", id="language-not-the-culture-s"),
        pytest.param({"culture": "fr-FR"}, "billingProfile.culture",
                     "Culture must be one of zh-CN, en-US for CN.", id="a-culture-china-does-not-support"),
    ],
)  # fmt: skip
def test_new_customer_culture_and_language_follow_the_rule_of_put(
    client: FlaskClient, admin: dict[str, str], new_customer_body: Body, query: Query,
    settings: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    # Given a new Chinese customer whose language is not its culture's (China: zh-CN and en-US)
    body = new_customer_body("CN")
    body["billingProfile"].update(settings)
    count = len(query("SELECT id FROM customers"))

    # When it is POSTed
    response = client.post("/v1/customers", json=body, headers=admin)

    # Then it is refused as a PUT of the same values would be, and no customer is added
    assert (response.status_code, response.json["code"]) == (400, 3000)
    assert response.json["data"] == [{"field": field, "message": message}]
    assert len(query("SELECT id FROM customers")) == count


@pytest.mark.parametrize(
    ("settings", "stored"),
    [
        pytest.param({"culture": "zh-cn"}, ("zh-CN", "zh"), id="lower-case"),
        pytest.param({"culture": " en-US"}, ("en-US", "en"), id="pasted-with-a-space"),
        pytest.param({"culture": "EN-us ", "language": " EN"}, ("en-US", "en"), id="with-its-language"),
        pytest.param({"language": "zh"}, ("zh-CN", "zh"), id="the-default-culture-s-language"),
    ],
)
def test_new_customer_culture_is_trimmed_and_stored_as_listed_then_put_back_unchanged(
    client: FlaskClient, admin: dict[str, str], new_customer_body: Body,
    settings: dict[str, str], stored: tuple[str, str],
) -> None:  # fmt: skip
    # Given a new Chinese customer whose culture is typed in another case or with spaces
    body = new_customer_body("CN")
    body["billingProfile"].update(settings)

    # When it is POSTed
    created = client.post("/v1/customers", json=body, headers=admin)

    # Then it is created with the culture as China's list spells it and the culture's language
    assert created.status_code == 201, created.json
    url = f"/v1/customers/{created.json['id']}/profiles/billing"
    profile = client.get(url, headers=admin).json
    assert (profile["culture"], profile["language"]) == stored
    # And its billing profile, read and PUT back unchanged, is saved
    put_back = client.put(url, json=profile, headers={**admin, "If-Match": f'"{profile["attributes"]["etag"]}"'})
    assert put_back.status_code == 200, put_back.json


@pytest.mark.parametrize(
    ("part", "name", "field", "message"),
    [
        pytest.param("companyProfile", "companyName", "companyProfile.companyName",
                     "Company name differs from billingProfile.companyName: send the same in both.", id="company"),
        pytest.param("address", "lastName", "billingProfile.defaultAddress.lastName",
                     "Last name differs from lastName: the billing profile keeps one, send the same in both.",
                     id="last-name"),
    ],
)  # fmt: skip
def test_new_customer_with_two_values_for_one_field_is_400_3000(
    client: FlaskClient, admin: dict[str, str], new_customer_body: Body, query: Query,
    part: str, name: str, field: str, message: str,
) -> None:  # fmt: skip
    # Given a new customer whose value for a field is given twice, two ways (the portal keeps one)
    body = new_customer_body("US")
    body["billingProfile"][name] = "Beta Ltd"
    target = body["companyProfile"] if part == "companyProfile" else body["billingProfile"]["defaultAddress"]
    target[name] = "Alpha Ltd"
    count = len(query("SELECT id FROM customers"))

    # When it is POSTed
    response = client.post("/v1/customers", json=body, headers=admin)

    # Then it is refused, naming the second copy, and no customer is added
    assert (response.status_code, response.json["code"]) == (400, 3000)
    assert response.json["data"] == [{"field": field, "message": message}]
    assert len(query("SELECT id FROM customers")) == count
