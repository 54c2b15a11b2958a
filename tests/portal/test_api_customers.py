"""GET /v1/customers (filter, seek paging), GET a customer and its company profile."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

Query = Callable[..., list[sqlite3.Row]]


def walk(client: FlaskClient, headers: dict[str, str], url: str) -> list[dict[str, Any]]:
    """Return the pages of a listing, following links.next (its uri, its MS-ContinuationToken) until the end."""
    pages, extra = [], {}
    while True:
        response = client.get(url, headers={**headers, **extra})
        assert response.status_code == 200, response.json
        pages.append(response.json)
        following = response.json["links"].get("next")
        if following is None:
            return pages
        # Partner Center's link is relative to the API's version
        assert following["uri"].startswith("/customers?") and "seekOperation=Next" in following["uri"], following
        url = "/v1" + following["uri"]
        extra = {h["key"]: h["value"] for h in following["headers"]}


def ids_of(pages: list[dict[str, Any]]) -> list[str]:
    """Return the customer IDs of all pages, in order."""
    return [item["id"] for page in pages for item in page["items"]]


def with_filter(value: str, field: str | None = None, size: int = 20) -> str:
    """Return the list URL with a starts_with filter (on one field, or on name and domain)."""
    spec = {"Value": value, "Operator": "starts_with", **({"Field": field} if field else {})}
    return "/v1/customers?" + urlencode({"size": size, "filter": json.dumps(spec)})


def test_paging_returns_every_customer_exactly_once_in_creation_order(
    client: FlaskClient, admin: dict[str, str], query: Query
) -> None:
    # Given the seeded customers, in creation order
    expected = [row["id"] for row in query("SELECT id FROM customers ORDER BY created_seq")]

    # When every page of 7 is walked through its continuation tokens
    pages = walk(client, admin, "/v1/customers?size=7")

    # Then each customer comes once, in order, pages are full but the last, and all count the total
    assert ids_of(pages) == expected
    assert [len(page["items"]) for page in pages[:-1]] == [7] * (len(pages) - 1)
    assert {page["totalCount"] for page in pages} == {len(expected)}


def test_continuation_token_may_come_as_a_query_parameter(client: FlaskClient, admin: dict[str, str]) -> None:
    # Given the first page of 10 and its next link's token
    first = client.get("/v1/customers?size=10", headers=admin).json
    token = first["links"]["next"]["headers"][0]["value"]

    # When the next page is asked for with ?continuationToken= instead of the header
    second = client.get("/v1/customers", query_string={"size": 10, "continuationToken": token}, headers=admin).json

    # Then it is the page that follows
    assert second["items"][0]["id"] not in {item["id"] for item in first["items"]}
    assert len(second["items"]) == 10


@pytest.mark.parametrize(
    ("seek", "token", "message"),
    [
        ("Next", False, "seekOperation=Next goes with a continuation token."),
        ("Previous", True, "Unknown seekOperation."),
    ],
    ids=["next-without-token", "unknown-operation"],
)
def test_a_seek_without_its_token_or_of_another_kind_is_refused(
    client: FlaskClient, admin: dict[str, str], seek: str, token: bool, message: str
) -> None:
    # Given the first page's next token
    following = client.get("/v1/customers?size=10", headers=admin).json["links"]["next"]
    continuation = {h["key"]: h["value"] for h in following["headers"]} if token else {}

    # When a page is asked for with a seek operation the API does not take that way
    response = client.get(f"/v1/customers?size=10&seekOperation={seek}", headers={**admin, **continuation})

    # Then it is refused as a request the API cannot read, saying why
    assert response.status_code == 400
    assert (response.json["code"], response.json["description"]) == (400, message)


def test_listing_has_partner_center_shape(client: FlaskClient, admin: dict[str, str]) -> None:
    # Given the customer list
    # When its first page of 2 is asked for
    body = client.get("/v1/customers?size=2", headers=admin).json

    # Then it is a Collection of Customer items, with self and next links
    assert body["attributes"] == {"objectType": "Collection"}
    item = body["items"][0]
    assert set(item["companyProfile"]) >= {"tenantId", "domain", "companyName"}
    assert item["attributes"] == {"objectType": "Customer"} and item["relationshipToPartner"] == "reseller"
    assert body["links"]["self"] == {"uri": "/customers?size=2", "method": "GET", "headers": []}
    assert body["links"]["next"]["headers"][0]["key"] == "MS-ContinuationToken"


@pytest.mark.parametrize(
    ("field", "column"),
    [pytest.param("CompanyName", "company_name", id="by-name"), pytest.param("Domain", "domain", id="by-domain")],
)
def test_filter_matches_a_prefix_case_insensitively_on_every_page(
    client: FlaskClient, admin: dict[str, str], query: Query, field: str, column: str
) -> None:
    # Given a Latin-letter customer and the upper-cased first two letters of its name or domain
    row = query(f"SELECT {column} AS v FROM customers WHERE {column} GLOB '[A-Za-z][A-Za-z]*' ORDER BY created_seq")[0]
    prefix = row["v"][:2].upper()
    expected = [r["v"] for r in query(f"SELECT {column} AS v FROM customers ORDER BY created_seq")]

    # When the list is filtered on that field, two per page
    pages = walk(client, admin, with_filter(prefix, field, size=2))

    # Then exactly the customers whose value starts with it, in any case, come back
    key = "companyName" if field == "CompanyName" else "domain"
    found = [item["companyProfile"][key] for page in pages for item in page["items"]]
    assert found  # the prefix came from a customer: at least that one
    assert found == [v for v in expected if v.lower().startswith(prefix.lower())]


def test_filter_without_field_matches_name_or_domain(client: FlaskClient, admin: dict[str, str], query: Query) -> None:
    # Given a Chinese customer: its name is in Chinese, its domain in Latin letters
    row = query("SELECT * FROM customers WHERE company_name GLOB '[^A-Za-z]*' ORDER BY created_seq")[0]

    # When the list is filtered without a Field, once by name and once by domain
    by_name = client.get(with_filter(row["company_name"]), headers=admin).json
    by_domain = client.get(with_filter(row["domain"]), headers=admin).json

    # Then both find it
    assert row["id"] in {item["id"] for item in by_name["items"]}
    assert row["id"] in {item["id"] for item in by_domain["items"]}


@pytest.mark.parametrize("value", ["%", "_", "\\"], ids=["percent", "underscore", "backslash"])
def test_filter_wildcards_match_literally(client: FlaskClient, admin: dict[str, str], value: str) -> None:
    # Given a value that would be a LIKE wildcard
    # When the list is filtered by it
    body = client.get(with_filter(value), headers=admin).json

    # Then it matches nothing, instead of everything
    assert body["totalCount"] == 0 and body["items"] == []
    assert "next" not in body["links"]


@pytest.mark.parametrize("field", [None, "CompanyName", "Domain"])
def test_filter_text_is_never_read_as_sql(
    client: FlaskClient, admin: dict[str, str], query: Query, field: str | None
) -> None:
    # Given a customer the filter finds by its start (the filter works)
    row = query("SELECT * FROM customers ORDER BY created_seq")[0]
    start = (row["domain"] if field == "Domain" else row["company_name"])[:3]
    assert row["id"] in {item["id"] for item in client.get(with_filter(start, field), headers=admin).json["items"]}

    # When the list is filtered by a value that, pasted into the search's SQL, would match every customer
    body = client.get(with_filter("zzz' OR 1=1 OR 'a' LIKE '", field), headers=admin).json

    # Then it matches nothing: no customer's name or domain starts so
    assert (body["totalCount"], body["items"]) == (0, []), f"{body['totalCount']} customers matched"


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        pytest.param("/v1/customers?sort_by=CompanyName", {}, id="sort"),
        pytest.param("/v1/customers?$count=true", {}, id="count"),
        pytest.param("/v1/customers?size=0", {}, id="size-zero"),
        pytest.param("/v1/customers?size=ten", {}, id="size-not-a-number"),
        pytest.param("/v1/customers?filter=cont", {}, id="filter-not-json"),
        pytest.param(with_filter("c").replace("starts_with", "contains"), {}, id="operator-contains"),
        pytest.param(with_filter("c", "Email"), {}, id="field-email"),
        pytest.param("/v1/customers", {"MS-ContinuationToken": "not base64!"}, id="token-malformed"),
        pytest.param("/v1/customers", {"MS-ContinuationToken": "eyJhZnRlciI6ICJ4In0"}, id="token-wrong-content"),
    ],
)
def test_unsupported_list_queries_are_400(
    client: FlaskClient, admin: dict[str, str], url: str, headers: dict[str, str]
) -> None:
    # Given a list query the API does not support
    # When it is sent
    response = client.get(url, headers={**admin, **headers})

    # Then the answer is 400 in Partner Center's error shape
    assert response.status_code == 400
    assert set(response.json) == {"code", "description", "data", "source"}


def test_continuation_token_of_another_filter_is_400(client: FlaskClient, admin: dict[str, str]) -> None:
    # Given the next-page token of the unfiltered list
    token = client.get("/v1/customers?size=5", headers=admin).json["links"]["next"]["headers"][0]["value"]

    # When it is sent with a filter
    response = client.get(with_filter("a"), headers={**admin, "MS-ContinuationToken": token})

    # Then it is refused rather than mixing two searches
    assert response.status_code == 400


def test_customer_and_company_profile_are_read_by_id(
    client: FlaskClient, admin: dict[str, str], customer_of: Callable[[str], str]
) -> None:
    # Given a French customer
    customer_id = customer_of("FR")

    # When it and its company profile are asked for
    customer = client.get(f"/v1/customers/{customer_id}", headers=admin).json
    company = client.get(f"/v1/customers/{customer_id}/profiles/company", headers=admin).json

    # Then both carry the same tenant, domain and name, and the customer its billing profile
    assert customer["companyProfile"] == company
    assert company["tenantId"] == customer_id and company["domain"].endswith(".partner.onmschina.cn")
    assert customer["billingProfile"]["defaultAddress"]["country"] == "FR"


@pytest.mark.parametrize("suffix", ["", "/profiles/company", "/profiles/billing"])
def test_unknown_customer_is_404_tenant_not_found(client: FlaskClient, admin: dict[str, str], suffix: str) -> None:
    # Given an ID no customer has
    # When the customer or one of its profiles is asked for
    response = client.get(f"/v1/customers/00000000-0000-4000-8000-000000000000{suffix}", headers=admin)

    # Then the answer is 404 with Partner Center's code 60003
    assert response.status_code == 404
    assert response.json == {"code": 60003, "description": "Tenant not found", "data": [], "source": "PartnerFD"}


def test_unknown_api_path_is_a_json_404(client: FlaskClient, admin: dict[str, str]) -> None:
    # Given a path the API does not have
    # When it is asked for
    response = client.get("/v1/subscriptions", headers=admin)

    # Then the answer is a JSON 404, not the portal's HTML page
    assert response.status_code == 404 and response.json["source"] == "PartnerFD"


@pytest.mark.parametrize(
    ("method", "suffix", "allowed"),
    [("PUT", "/profiles/company", "GET"), ("PATCH", "/profiles/billing", "GET, PUT"), ("DELETE", "", "GET")],
    ids=["company-profile-is-read-only", "billing-profile-is-replaced-whole", "customer-not-deleted"],
)
def test_a_method_a_resource_does_not_take_is_405_naming_those_it_takes(
    client: FlaskClient,
    admin: dict[str, str],
    customer_of: Callable[[str], str],
    method: str,
    suffix: str,
    allowed: str,
) -> None:
    # Given a customer and one of its resources
    url = f"/v1/customers/{customer_of('FR')}{suffix}"
    before = client.get(url, headers=admin).json

    # When it is sent a method it does not take
    response = client.open(url, method=method, headers=admin, json={"companyName": "Renamed"})

    # Then the answer is 405 in the API's error shape, naming the methods it takes, and nothing changed
    assert (response.status_code, response.headers.get("Allow")) == (405, allowed)
    assert response.json["code"] == 405 and response.json["source"] == "PartnerFD"
    assert client.get(url, headers=admin).json == before


def test_the_fault_header_throttles_an_api_request_as_partner_center_does(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    # Given a request that asks the bundled portal to be throttled
    # When it lists customers
    response = client.get("/v1/customers?size=1", headers={**admin, "X-Portal-Fault": "429"})

    # Then it is 429 in Partner Center's error shape, saying when to come back
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.json["code"] == 429 and response.json["source"] == "PartnerFD"
