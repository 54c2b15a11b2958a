"""The REST API as the spec gives Partner Center's (21Vianet): the shapes, statuses and rules scripts and the
accounts job rely on, checked against whichever API the suite targets (``--api-url``, else the portal's).

Answers are read as they come (status and body), not through the suite's own client, which reads only what it needs
and would take a renamed property or another status in its stride.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import APIRequestContext, APIResponse, Playwright

from fixtures.api_client import ApiError, Customer, PortalApi
from fixtures.test_data import CustomerFactory, customer_resource
from flows.field_rules import served_pattern
from flows.rest import API_VERSION
from flows.rest_http import link_address
from pages import BillingProfile

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


@pytest.fixture
def raw_api(playwright: Playwright, api: PortalApi) -> Iterator[APIRequestContext]:
    """The API as the global admin, its answers as they come: with a token of its own, fresh (the run's may be near
    its end, and this client does not renew it)."""
    api.renew_token()
    headers = {"Authorization": f"Bearer {api.token}", "Accept": "application/json"}
    context = playwright.request.new_context(base_url=api.base_url, extra_http_headers=headers)
    yield context
    context.dispose()


def answered(response: APIResponse, status: int) -> Any:
    """Return ``response``'s JSON once its status is ``status``; else fail saying what it answered."""
    said = f"{response.url} answered {response.status}, not {status}: {response.text()[:300]!r}"
    assert response.status == status, said
    return response.json()


def search(raw_api: APIRequestContext, start: str, field: str = "CompanyName", size: int = 50) -> Any:
    """Return the first page of the customers whose ``field`` (``CompanyName`` or ``Domain``) starts with ``start``,
    as the API answers it."""
    where = {"Field": field, "Value": start, "Operator": "starts_with"}
    return answered(raw_api.get(f"v1/customers?size={size}&filter={quote(json.dumps(where))}"), 200)


def following(raw_api: APIRequestContext, base_url: str, listing: Any) -> Any:
    """Return the page a listing's ``links.next`` leads to (its address relative to the API's version, as Partner
    Center writes it), its continuation token sent as the link's headers say."""
    link = listing["links"]["next"]
    headers = {header["key"]: header["value"] for header in link.get("headers", [])}
    return answered(raw_api.get(link_address(base_url, link["uri"], API_VERSION), headers=headers), 200)


def billing_read(raw_api: APIRequestContext, customer: Customer) -> tuple[str, Any]:
    """Return the address of ``customer``'s billing profile and the profile as the API answers it, its etag within."""
    path = f"v1/customers/{customer.id}/profiles/billing"
    return path, answered(raw_api.get(path), 200)


def put_current(raw_api: APIRequestContext, path: str, resource: Any) -> APIResponse:
    """PUT ``resource`` back to ``path`` with its own etag as If-Match: current, so only its values can be refused."""
    return raw_api.put(path, data=resource, headers={"If-Match": f'"{resource["attributes"]["etag"]}"'})


def company_shape(profile: Any) -> list[str]:
    """Return what a company profile lacks of the spec's shape (a tenant's GUID, a domain, a name)."""
    lacks = [key for key in ("tenantId", "domain", "companyName") if not isinstance(profile.get(key), str)]
    return lacks or ([] if GUID.match(profile["tenantId"]) else [f"tenantId as a GUID ({profile['tenantId']!r})"])


def test_a_search_lists_the_customers_whose_name_starts_so_whatever_its_case_in_partner_center_s_shape(
    raw_api: APIRequestContext, customers: CustomerFactory
) -> None:
    # Given two customers whose names start alike (a start of this test's own), and one holding it later in its name
    start = f"Qa{secrets.token_hex(4)}"
    starting = {customers.create("CN", companyName=f"{start} {word}").companyName for word in ("Alpha", "Beta")}
    customers.create("CN", companyName=f"Contoso {start}")

    # When the API is asked for the names that start so, in lower case
    listing = search(raw_api, start.lower())

    # Then it lists those two alone, in the spec's shape
    items = listing.get("items")
    assert isinstance(items, list) and isinstance(listing.get("totalCount"), int), f"not a listing: {listing}"
    assert listing.get("attributes", {}).get("objectType") == "Collection", listing
    assert {item["companyProfile"]["companyName"] for item in items} == starting, items
    for item in items:
        assert company_shape(item["companyProfile"]) == [], f"a listed customer's company profile: {item}"
        assert item.get("attributes", {}).get("objectType") == "Customer", item


def test_a_search_pages_by_its_next_link_which_the_last_page_has_not_though_full(
    raw_api: APIRequestContext, api: PortalApi, customers: CustomerFactory
) -> None:
    # Given three customers whose names start alike (a start of this test's own)
    start = f"Qa{secrets.token_hex(4)}"
    made = {customers.create("CN", companyName=f"{start} {word}").companyName for word in ("Alpha", "Beta", "Gamma")}

    # When the API lists them two at a time, following its next link, and three at a time
    first = search(raw_api, start, size=2)
    second = following(raw_api, api.base_url, first)
    whole = search(raw_api, start, size=3)

    # Then two pages hold each customer once, and no last page links to another, a full one neither
    names = [[item["companyProfile"]["companyName"] for item in page["items"]] for page in (first, second, whole)]
    assert [len(page) for page in names] == [2, 1, 3], names
    assert set(names[0] + names[1]) == made == set(names[2]), names
    assert "next" in first.get("links", {}), f"a first page of 2 of 3 customers without a next link: {first}"
    for last in (second, whole):
        assert "next" not in last.get("links", {}), f"a last page that links to another: {last.get('links')}"
    assert first["totalCount"] == whole["totalCount"] == len(made), "totalCount: every match, not the page's"


def test_a_search_by_domain_lists_the_customers_whose_domain_starts_so_not_their_name(
    raw_api: APIRequestContext, customers: CustomerFactory
) -> None:
    # Given a customer whose name (this test's own) no domain starts with
    customer = customers.create("CN", companyName=f"Qa{secrets.token_hex(4)} Domain")

    # When the API is asked for the domains that start with the customer's domain, then with its name
    by_domain = search(raw_api, customer.domain, field="Domain")["items"]
    by_name = search(raw_api, customer.companyName, field="Domain")["items"]

    # Then the first lists the customer, the second nobody: the filter's Field is the property searched
    assert customer.id in [item["id"] for item in by_domain], f"{customer.domain!r} by Domain: {by_domain}"
    assert by_name == [], f"a Domain filter matched company names: {[item['companyProfile'] for item in by_name]}"


def test_a_billing_profile_holds_every_property_of_partner_center_s_shape(
    raw_api: APIRequestContext, customers: CustomerFactory
) -> None:
    # When a customer's billing profile is read
    customer = customers.create("FR")
    _, profile = billing_read(raw_api, customer)

    # Then it holds each property the spec gives, empty ones too (a script reads them by name)
    top = {"id", "firstName", "lastName", "email", "culture", "language", "companyName", "defaultAddress", "attributes"}
    address = {"country", "region", "city", "state", "addressLine1", "addressLine2", "postalCode", "firstName",
               "lastName", "phoneNumber"}  # fmt: skip
    assert sorted(top - profile.keys()) == [], f"the billing profile lacks them: {profile}"
    assert sorted(address - profile["defaultAddress"].keys()) == [], f"its defaultAddress lacks them: {profile}"
    assert profile["attributes"].get("objectType") == "CustomerBillingProfile" and profile["attributes"].get("etag")


def test_an_unknown_customer_is_404_with_partner_center_s_error_60003(raw_api: APIRequestContext) -> None:
    # When the billing profile of a customer nobody made is read (an id of the right shape)
    unknown = "00000000-0000-4000-8000-" + secrets.token_hex(6)
    said = answered(raw_api.get(f"v1/customers/{unknown}/profiles/billing"), 404)

    # Then the error is Partner Center's own, which scripts tell apart by its code
    assert said.get("code") == 60003 and said.get("description") == "Tenant not found", said


# Per country, a postal code the spec's rule takes and one it refuses.
POSTAL_CODES = {"CN": ("200000", "20000"), "FR": ("75001", "7501"), "US": ("98101-1234", "9810")}


@pytest.mark.parametrize("country", sorted(POSTAL_CODES))
def test_a_country_s_rules_are_served_as_the_spec_gives_them(raw_api: APIRequestContext, country: str) -> None:
    # When a script reads the country's rules (to check its values before it sends them)
    rules = answered(raw_api.get(f"v1/countryvalidationrules/{country}"), 200)

    # Then they say what the portal enforces: a postal code required, its pattern the spec's, China's two cultures
    assert rules.get("isPostalCodeRequired") is True, (
        f"{country}'s postal code is required (a blank one refused): {rules}"
    )
    taken, refused = POSTAL_CODES[country]
    served = rules.get("postalCodeRegex") or ""
    pattern = served_pattern(served)  # as the library reads it: another engine's (.NET's) named groups too
    assert pattern is not None, f"{country}'s postal code pattern cannot be read: {served!r}"
    assert pattern.search(taken) and not pattern.search(refused), f"{country}'s postal code pattern: {served!r}"
    if country == "CN":
        assert sorted(rules.get("supportedCulturesList") or []) == ["en-US", "zh-CN"], rules


def test_a_new_customer_is_201_with_its_company_and_billing_profiles(
    raw_api: APIRequestContext, customers: CustomerFactory, api: PortalApi
) -> None:
    # When a customer is created
    values = {**customers.values("CN"), "culture": "zh-CN", "language": "zh"}
    created = answered(raw_api.post("v1/customers", data=customer_resource(values)), 201)
    billing = BillingProfile.from_mapping(values)
    customers.created.append(Customer(created.get("id", ""), values["companyName"], "", billing))  # counted as made

    # Then the answer holds both profiles, the company's as the spec shapes it, and the API has the billing one stored
    assert company_shape(created.get("companyProfile", {})) == [], created
    assert created["companyProfile"]["companyName"] == values["companyName"]
    assert created.get("billingProfile", {}).get("attributes", {}).get("etag"), created
    assert api.billing_profile(created["id"]) == billing


def test_a_put_with_the_current_etag_answers_the_profile_saved_with_a_new_etag(
    raw_api: APIRequestContext, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a customer's billing profile, as read with its etag
    customer = customers.create("CN")
    path, resource = billing_read(raw_api, customer)
    etag = resource["attributes"]["etag"]

    # When it is put back with a new city and that etag
    resource["defaultAddress"]["city"] = "苏州市"
    saved = answered(put_current(raw_api, path, resource), 200)

    # Then the answer is the profile saved, with a new etag; and the change is stored
    assert saved["defaultAddress"]["city"] == "苏州市", saved
    assert saved["attributes"]["etag"] not in ("", etag), f"the etag stayed {etag!r}: a stale copy would still save"
    assert api.billing_profile(customer.id).city == "苏州市"


def test_a_put_without_if_match_is_refused_and_saves_nothing(
    raw_api: APIRequestContext, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a customer's billing profile, as read with its etag
    customer = customers.create("CN")
    path, resource = billing_read(raw_api, customer)

    # When it is put back with a new city, its etag in the body but no If-Match (the docs: required, for concurrency)
    resource["defaultAddress"]["city"] = "苏州市"
    response = raw_api.put(path, data=resource)

    # Then it is refused, as a client's, and nothing is saved: a PUT that skips the check must not overwrite blindly
    assert 400 <= response.status < 500, f"a PUT without If-Match answered {response.status}: {response.text()[:300]}"
    assert api.billing_profile(customer.id) == customer.billing, "a PUT without If-Match was saved"


@pytest.mark.parametrize(
    ("where", "value"),
    [(("defaultAddress", "postalCode"), "20000"), (("email",), "not an address"), (("firstName",), "")],
    ids=["cn-postal-5-digits", "email-not-an-address", "first-name-blank"],
)
def test_a_put_breaking_a_field_s_rule_is_400_invalid_property_and_saves_nothing(
    raw_api: APIRequestContext, customers: CustomerFactory, api: PortalApi, where: tuple[str, ...], value: str
) -> None:
    # Given a Chinese customer's billing profile, as read with its etag
    customer = customers.create("CN")
    path, resource = billing_read(raw_api, customer)

    # When it is put back, current, with one field breaking its rule (the spec's table) and a valid city beside it
    *parents, field = where
    holder = resource
    for parent in parents:
        holder = holder[parent]
    holder[field] = value
    resource["defaultAddress"]["city"] = "苏州市"
    response = put_current(raw_api, path, resource)

    # Then the API refuses it as the spec's errors say (400, code 3000 "Invalid property"), and saves neither field
    said = answered(response, 400)
    assert said.get("code") == 3000 and isinstance(said.get("description"), str), f"not the spec's error: {said}"
    assert api.billing_profile(customer.id) == customer.billing, "a PUT refused as invalid saved some of its fields"


@pytest.mark.parametrize("culture", ["fr-FR", "xx-YY"], ids=["another-country-s", "no-culture"])
def test_a_culture_the_country_does_not_support_is_never_stored(
    raw_api: APIRequestContext, customers: CustomerFactory, api: PortalApi, culture: str
) -> None:
    # Given a Chinese customer's billing profile (China's cultures: zh-CN and en-US), as read with its etag
    customer = customers.create("CN")
    path, resource = billing_read(raw_api, customer)

    # When it is put back, current, with a culture China's rules do not list, and nothing else changed
    resource["culture"] = culture
    response = put_current(raw_api, path, resource)

    # Then that culture is not stored, whether the PUT is refused (as a client's error) or answered without it
    assert response.status < 500, f"a PUT with the culture {culture!r} answered {response.status}: {response.text()}"
    stored = api.billing_profile(customer.id)
    assert stored.culture == customer.billing.culture, f"{culture!r} was stored for a Chinese customer: {stored}"


def test_a_help_desk_agent_cannot_create_customers(
    role_api: Callable[[str], PortalApi], customers: CustomerFactory, raw_api: APIRequestContext
) -> None:
    # When a help desk agent's own token creates a customer
    values = {**customers.values("CN"), "companyName": f"Qa{secrets.token_hex(4)} Helpdesk"}
    with pytest.raises(ApiError) as refused:
        made = role_api("helpdesk-agent").create_customer(customer_resource(values))
        pytest.fail(f"expected the API to refuse the help desk agent; it created {made}")

    # Then the API refuses it, and no such customer is listed
    assert refused.value.status in (401, 403), f"expected 401 or 403: {refused.value}"
    listed = [item["companyProfile"]["companyName"] for item in search(raw_api, values["companyName"])["items"]]
    assert listed == [], f"the help desk agent's customer was refused, yet the API lists {listed}"
