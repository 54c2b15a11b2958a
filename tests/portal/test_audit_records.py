"""GET /v1/auditrecords: every billing profile save leaves one record of who changed what, and when."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from provider_tokens import access_token

from fixtures.portal.audit import API_APPLICATION_ID, PORTAL_APPLICATION_ID
from fixtures.portal.billing import EDITABLE_FIELDS

Headers = Callable[[str], dict[str, str]]
Stored = Callable[[str], dict[str, str]]


def put_city(client: FlaskClient, headers: dict[str, str], customer_id: str, city: str, etag: str = "") -> int:
    """Change the city through the API with the current etag (or ``etag``); return the status."""
    url = f"/v1/customers/{customer_id}/profiles/billing"
    body = client.get(url, headers=headers).json
    body["defaultAddress"]["city"] = city
    sent_etag = etag or body["attributes"]["etag"]
    return client.put(url, json=body, headers={**headers, "If-Match": f'"{sent_etag}"'}).status_code


def records_of(client: FlaskClient, headers: dict[str, str], customer_id: str, **query: Any) -> list[dict[str, Any]]:
    """Return the customer's audit records."""
    params = {"filter": json.dumps({"Field": "CustomerId", "Value": customer_id, "Operator": "substring"}), **query}
    response = client.get("/v1/auditrecords", query_string=params, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_an_api_change_leaves_one_record_with_who_and_both_values(
    client: FlaskClient, auth_headers: Headers, customer_of: Callable[[str], str], stored_profile: Stored
) -> None:
    # Given a French customer
    customer_id, before = customer_of("FR"), stored_profile(customer_of("FR"))

    # When a sales agent changes its city through the API
    assert put_city(client, auth_headers("sales-agent"), customer_id, "Lille") == 200

    # Then one record says who, through what, and the values before and after
    [record] = records_of(client, auth_headers("global-admin"), customer_id)
    assert record["userPrincipalName"] == "sales-agent"
    assert record["applicationId"] == API_APPLICATION_ID
    assert (record["resourceType"], record["operationType"]) == ("customer", "update_customer_billing_profile")
    assert record["operationStatus"] == "succeeded"
    assert json.loads(record["resourceOldValue"])["city"] == before["city"]
    assert json.loads(record["resourceNewValue"])["city"] == "Lille"
    assert record["customizedData"] == [{"key": "ChangedFields", "value": "city"}]


@pytest.mark.parametrize("claim", ["azp", "appid"], ids=["v2-token", "v1-token"])
def test_an_api_change_is_recorded_as_made_by_the_client_its_token_was_given_to(
    client: FlaskClient, customer_of: Callable[[str], str], claim: str
) -> None:
    # Given an API client's token naming the client it was given to (Entra's v2 tokens in azp, v1's in appid)
    customer_id, client_id = customer_of("CN"), "8f1e6b3c-1b9d-4d1e-9a55-0c5e2f7a9b10"
    headers = {"Authorization": f"Bearer {access_token('admin-agent', **{claim: client_id})}"}

    # When it changes the city
    assert put_city(client, headers, customer_id, "苏州市") == 200

    # Then the record names that client as the application, as Partner Center's do: not the portal's pages
    [record] = records_of(client, headers, customer_id)
    assert (record["applicationId"], record["userPrincipalName"]) == (client_id, "admin-agent")


def test_a_submit_of_the_edit_form_is_recorded_as_the_signed_in_user_in_the_portal(
    client: FlaskClient, sign_in: Callable[[str], str], admin: dict[str, str], customer_of: Callable[[str], str],
    stored_profile: Stored,
) -> None:  # fmt: skip
    csrf, customer_id = sign_in("admin-agent"), customer_of("CN")
    profile = stored_profile(customer_id)
    form = {**{f: profile[f] for f in EDITABLE_FIELDS}, "city": "杭州", "etag": profile["etag"], "csrf_token": csrf}

    assert client.post(f"/customers/{customer_id}/account/edit", data=form).status_code == 302

    [record] = records_of(client, admin, customer_id)
    assert (record["userPrincipalName"], record["applicationId"]) == ("admin-agent", PORTAL_APPLICATION_ID)
    assert json.loads(record["resourceNewValue"])["city"] == "杭州"


def test_a_refused_change_leaves_no_record(
    client: FlaskClient, admin: dict[str, str], customer_of: Callable[[str], str]
) -> None:
    customer_id = customer_of("US")

    assert put_city(client, admin, customer_id, "Tacoma", etag="stale") == 412

    assert records_of(client, admin, customer_id) == []


def test_records_come_oldest_first_a_page_at_a_time_within_the_dates_asked(
    client: FlaskClient, admin: dict[str, str], customer_of: Callable[[str], str], app: Flask
) -> None:
    # Given three changes of one customer
    customer_id = customer_of("US")
    for city in ("Austin", "Dallas", "Houston"):
        assert put_city(client, admin, customer_id, city) == 200

    # When they are read two at a time, then from a start date after them all
    first = client.get("/v1/auditrecords", query_string={"size": 2}, headers=admin).json
    following = first["links"]["next"]  # Partner Center's shape: relative to the API's version
    assert following["uri"] == "/auditrecords?size=2&seekOperation=Next"
    token = following["headers"][0]["value"]
    second = client.get("/v1" + following["uri"], headers={**admin, "MS-ContinuationToken": token}).json
    later = records_of(client, admin, customer_id, startDate="2999-01-01")

    # Then the pages hold them in the order made, and none is after the start date
    cities = [json.loads(r["resourceNewValue"])["city"] for r in first["items"] + second["items"]]
    assert cities == ["Austin", "Dallas", "Houston"]
    assert "next" not in second["links"] and later == []


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"startDate": "2000-01-01"}, id="older-than-90-days"),
        pytest.param({"startDate": "yesterday"}, id="not-a-date"),
        pytest.param({"filter": '{"Field": "City", "Value": "x"}'}, id="unknown-filter-field"),
        pytest.param({"filter": "CustomerId eq x"}, id="filter-not-json"),
        pytest.param({"filter": '{"Field": "CustomerId"}'}, id="filter-without-value"),
        pytest.param({"sort": "operationDate"}, id="unknown-parameter"),
    ],
)
def test_audit_queries_it_cannot_answer_are_refused(
    client: FlaskClient, admin: dict[str, str], query: dict[str, str]
) -> None:
    response = client.get("/v1/auditrecords", query_string=query, headers=admin)

    assert response.status_code == 400
    assert response.json["source"] == "PartnerFD"
