"""The API at its edges, found from outside: text that is no text, numbers in other scripts, forged tokens,
values pasted with spaces, an email on two lines."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from test_api_billing import billing_url, put

from fixtures.portal.rules import PARTNER_DOMAIN

Stored = Callable[[str], dict[str, str]]


@pytest.fixture
def us_profile(client: FlaskClient, admin: dict[str, str], customer_of: Callable[[str], str]) -> dict[str, Any]:
    """The billing profile of a seeded US customer, as the API returns it (with ``customerId``)."""
    customer_id = customer_of("US")
    return {**client.get(billing_url(customer_id), headers=admin).json, "customerId": customer_id}


def with_email(profile: dict[str, Any], email: str) -> dict[str, Any]:
    return {**profile, "email": email}


@pytest.mark.parametrize(
    "email",
    [
        f"boss@{PARTNER_DOMAIN}\n",
        "ann@example..com",
        "ann@.example.com",
        "<b>@x.y",
        "ann@exa\nmple.com",
        "a\u200b@example.com",
    ],
    ids=["partner-domain-then-newline", "empty-label", "leading-dot", "markup", "two-lines", "zero-width-space"],
)
def test_an_email_no_mail_system_takes_is_refused_and_nothing_changes(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored, email: str
) -> None:
    before = stored_profile(us_profile["customerId"])

    answer = put(
        client, admin, us_profile["customerId"], with_email(us_profile, email), us_profile["attributes"]["etag"]
    )

    assert answer.status_code == 400 and answer.json["data"][0]["field"] == "email", answer.json
    assert stored_profile(us_profile["customerId"]) == before


@pytest.mark.parametrize("size", ["²", "①", "５"], ids=["superscript", "circled", "full-width"])
def test_a_size_in_digits_of_another_script_is_a_400(client: FlaskClient, admin: dict[str, str], size: str) -> None:
    for collection in ("/v1/customers", "/v1/auditrecords"):
        answer = client.get(collection, query_string={"size": size}, headers=admin)

        assert answer.status_code == 400 and "whole number from 1 to" in answer.json["description"], collection


def test_a_forged_continuation_token_past_64_bits_is_a_400(client: FlaskClient, admin: dict[str, str]) -> None:
    state = {"after": 10**20, "value": ""}
    token = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")

    answer = client.get("/v1/customers", query_string={"size": 2, "seekOperation": "Next"},
                        headers={**admin, "MS-ContinuationToken": token})  # fmt: skip

    assert answer.status_code == 400 and answer.json["description"] == "The continuation token is not valid."


def test_a_lone_surrogate_is_a_400_and_nothing_changes(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored
) -> None:
    before = stored_profile(us_profile["customerId"])
    body = json.dumps({**us_profile, "city": "Lyon"}).replace("Lyon", "\\ud800")  # valid JSON, no text
    headers = {**admin, "If-Match": f'"{us_profile["attributes"]["etag"]}"', "Content-Type": "application/json"}

    answer = client.put(billing_url(us_profile["customerId"]), data=body, headers=headers)
    listed = client.get("/v1/customers", query_string={"filter": '{"Field": "CompanyName", "Value": "\\ud800"}'},
                        headers=admin)  # fmt: skip

    assert answer.status_code == 400 and listed.status_code == 400
    assert stored_profile(us_profile["customerId"]) == before


def test_values_pasted_with_spaces_are_saved_trimmed_as_the_forms_save_them(
    client: FlaskClient, admin: dict[str, str], us_profile: dict[str, Any], stored_profile: Stored
) -> None:
    address = {**us_profile["defaultAddress"], "state": " WA ", "postalCode": " 98052 ", "city": "  Redmond "}
    body = {**us_profile, "companyName": "   Padded Co   ", "defaultAddress": address}

    answer = put(client, admin, us_profile["customerId"], body, us_profile["attributes"]["etag"])

    assert answer.status_code == 200, answer.json
    stored = stored_profile(us_profile["customerId"])
    assert (stored["companyName"], stored["state"], stored["postalCode"], stored["city"]) == (
        "Padded Co", "WA", "98052", "Redmond"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("country", "typed", "listed"), [("CN", "bj", "北京市"), ("CN", "上海市", "上海市"), ("US", "ny", "NY")]
)
def test_a_state_given_by_its_code_or_in_another_case_is_stored_as_the_list_spells_it(
    client: FlaskClient,
    admin: dict[str, str],
    customer_of: Callable[[str], str],
    stored_profile: Stored,
    country: str,
    typed: str,
    listed: str,
) -> None:
    customer_id = customer_of(country)
    profile = client.get(billing_url(customer_id), headers=admin).json
    body = {**profile, "defaultAddress": {**profile["defaultAddress"], "state": typed}}

    answer = put(client, admin, customer_id, body, profile["attributes"]["etag"])

    assert answer.status_code == 200, answer.json
    assert stored_profile(customer_id)["state"] == listed  # one of supportedStatesList, as the Account page shows
    assert answer.json["defaultAddress"]["state"] == listed


@pytest.mark.parametrize(
    ("sent", "status", "stored"),
    [
        pytest.param({"culture": "en-us"}, 200, ("en-US", "en"), id="a-supported-culture-any-case-and-its-language"),
        pytest.param({"culture": "en-US", "language": "EN"}, 200, ("en-US", "en"), id="culture-and-its-language"),
        pytest.param({"culture": "fr-FR"}, 400, ("zh-CN", "zh"), id="a-culture-china-does-not-support"),
        pytest.param({"language": "en"}, 400, ("zh-CN", "zh"), id="a-language-not-the-culture-s"),
    ],
)
def test_culture_and_language_change_through_the_api_among_the_country_s_cultures(
    client: FlaskClient,
    admin: dict[str, str],
    customer_of: Callable[[str], str],
    stored_profile: Stored,
    sent: dict[str, str],
    status: int,
    stored: tuple[str, str],
) -> None:
    # Given a Chinese customer (zh-CN, zh; China supports zh-CN and en-US)
    customer_id = customer_of("CN")
    profile = client.get(billing_url(customer_id), headers=admin).json
    assert (profile["culture"], profile["language"]) == ("zh-CN", "zh")

    answer = put(client, admin, customer_id, {**profile, **sent}, profile["attributes"]["etag"])

    assert answer.status_code == status, answer.json
    after = stored_profile(customer_id)
    assert (after["culture"], after["language"]) == stored
    if status == 400:
        assert [problem["field"] for problem in answer.json["data"]] == list(sent)[-1:], answer.json
