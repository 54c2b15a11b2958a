"""The Customers list: search by name or domain, paging, an empty result, Add customer."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable

import pytest
from list_pages import page_of, page_size
from playwright.sync_api import Page, Route, expect

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import CustomerNotFoundError, NotAllowedError, ValidationError, add_customer, open_customer, open_customers
from pages import AccountPage, AddCustomerPage, CustomersPage, NewCustomer, PortalError, PortalUnavailableError

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]

SCRIPTS_REQUESTS = ("fetch", "xhr")  # what a page's script asks for: a list it loads itself


def scripts_request(route: Route) -> bool:
    """Tell a request of the page's script (the list's) from the library's look whether the page still answers (a
    HEAD of its address, which is a fetch too)."""
    return route.request.resource_type in SCRIPTS_REQUESTS and route.request.method != "HEAD"


def refuse_scripts_requests(route: Route) -> None:
    if scripts_request(route):
        route.fulfill(status=500, body="{}")  # the portal's own failure: not a gateway's, standing in for it
    else:
        route.fallback()


def test_search_by_the_start_of_the_company_name_ignores_case(admin_page: Page, customers: CustomerFactory) -> None:
    customer = customers.create("US")

    listed = open_customers(admin_page).search(customer.companyName[:-2].swapcase())

    assert customer.companyName in listed.company_names()


def test_search_ignores_case_beyond_ascii_letters(admin_page: Page, customers: CustomerFactory) -> None:
    # A store that folds ASCII only (SQLite's LIKE, for one) would miss "ÉNERGIE" for "Énergie"
    customer = customers.create("FR", companyName=f"Énergie Ångström {customers.values('FR')['companyName']}")

    listed = open_customers(admin_page).search(customer.companyName[:-2].upper())

    assert customer.companyName in listed.company_names(), (
        f"expected {customer.companyName!r} among the results for its start in capitals, "
        f"the list showed {listed.company_names()}"
    )


def test_search_by_the_start_of_the_domain(admin_page: Page, customers: CustomerFactory) -> None:
    customer = customers.create("CN")

    listed = open_customers(admin_page).search(customer.domain.split(".")[0].upper())

    assert listed.company_names() == [customer.companyName]


def test_a_search_that_matches_nothing_says_so(admin_page: Page, run_id: str) -> None:
    listed = open_customers(admin_page).search(f"no-such-customer-{run_id}")

    expect(listed.no_results).to_be_visible()
    expect(listed.table).to_be_hidden()


def test_pages_move_forward_and_back_and_stop_at_the_ends(admin_page: Page, customers: CustomerFactory) -> None:
    # Given two full pages of this test's own customers, whose domains start alike, and one more: three pages, so that
    # going back from the last is told from going back to the first
    size = page_size(admin_page)
    made = {customers.create("CN").companyName for _ in range(2 * size + 1)}
    listed = open_customers(admin_page).search(f"qa-{customers.run_id}-")

    # When the list moves to the last page and back, a page at a time
    pages = [listed.company_names()]
    assert len(pages[0]) == size and set(pages[0]) <= made, (
        f"expected the search by their domains' start to show {size} of this test's {2 * size + 1} customers first "
        f"(as many as the unfiltered list's first page); it showed {len(pages[0])}: {pages[0][:3]}..."
    )
    expect(listed.previous_button).to_be_disabled()
    expect(listed.pager).to_contain_text(page_of(1, 3))
    for number in (2, 3):
        pages.append(listed.next_page().company_names())
        expect(listed.pager).to_contain_text(page_of(number, 3))
    expect(listed.next_button).to_be_disabled()
    back = [listed.previous_page().company_names()]
    expect(listed.pager).to_contain_text(page_of(2, 3))
    back.append(listed.previous_page().company_names())

    # Then the pages hold every customer once, two full pages then 1, and going back shows each page again
    assert [len(names) for names in pages] == [size, size, 1], f"expected {size}, {size}, then 1 customers"
    assert set().union(*pages) == made
    assert back == [pages[1], pages[0]], "going back from the last page did not show the pages before it in turn"
    expect(listed.previous_button).to_be_disabled()
    expect(listed.pager).to_contain_text(page_of(1, 3))


def test_a_search_that_fills_exactly_one_page_offers_no_next_page(admin_page: Page, customers: CustomerFactory) -> None:
    # Given exactly a page's worth of this test's own customers, their domains starting alike
    size = page_size(admin_page)
    made = {customers.create("CN").companyName for _ in range(size)}

    # When the list is searched by that start
    listed = open_customers(admin_page).search(f"qa-{customers.run_id}-")

    # Then they all show on one page, which is the last: no Next to a page with none on it
    assert set(listed.company_names()) == made, f"expected this test's {size} customers on the one page"
    expect(listed.pager).to_contain_text(page_of(1, 1))
    expect(listed.next_button, "Next offered on a page holding every match").to_be_disabled()
    expect(listed.previous_button).to_be_disabled()


def test_a_customer_beyond_the_first_page_is_found_by_paging(admin_page: Page) -> None:
    # Given a customer the unfiltered list shows on its second page (whichever order a deployment lists them in)
    listed = open_customers(admin_page)
    first_page = set(listed.company_names())
    assert listed.enabled_next.count(), f"the list fits on one page ({len(first_page)} customers): none to page to"
    second_page = listed.next_page().company_names()
    beyond = next((name for name in second_page if name not in first_page), None)
    assert beyond is not None, f"the second page shows no customer the first does not: {second_page}"

    # When the list, opened afresh, is searched for it page by page
    listed = open_customers(admin_page)
    link = listed.find(beyond)

    # Then it is found, past the first page
    assert link is not None, f"{beyond!r} was on none of the {listed.page_number()} page(s) looked at"
    assert listed.page_number() > 1


def test_an_unknown_customer_is_reported_not_found(admin_page: Page, run_id: str) -> None:
    with pytest.raises(CustomerNotFoundError):
        open_customer(admin_page, f"No Such Company {run_id}")


def test_add_customer_creates_it_with_its_billing_profile(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    values = customers.values("CN")

    info = add_customer(admin_page, NewCustomer(**values))

    assert info.domain == f"{values['domainPrefix']}.partner.onmschina.cn"
    assert info.companyName == values["companyName"]
    sent = {k: v for k, v in values.items() if k != "domainPrefix"}  # the form asks no culture: its own is kept
    stored = api.billing_profile(info.microsoftId).as_dict()
    assert {k: stored[k] for k in sent} == sent


def test_add_customer_refuses_a_domain_already_taken(admin_page: Page, customers: CustomerFactory) -> None:
    taken = customers.create("US")
    values = {**customers.values("US"), "domainPrefix": taken.domain.split(".")[0]}

    with pytest.raises(ValidationError) as refused:
        add_customer(admin_page, NewCustomer(**values))

    assert list(refused.value.field_errors) == ["domainPrefix"]
    expect(AddCustomerPage(admin_page).field("companyName")).to_have_value(values["companyName"])


@pytest.mark.parametrize("country", ["XX", "Atlantis"])
def test_add_customer_with_a_country_the_list_does_not_offer_says_so_at_once(
    admin_page: Page, customers: CustomerFactory, country: str
) -> None:
    # Given a new customer in a country the form's list does not have (by code, or by name)
    values = {**customers.values("US"), "country": country}
    form = open_customers(admin_page).add_customer()  # a deployment's pages may come slowly: waited for as ever

    # When it is filled in, then the error names the value and the options the list has; nothing was sent
    admin_page.set_default_timeout(5_000)  # "at once": a wait for the option would end in Playwright's timeout
    with pytest.raises(ValidationError, match=rf"'{country}' is not among the form's Country/Region options \(.*"):
        form.fill(NewCustomer(**values).form_values())
    expect(form.submit_button).to_be_visible()  # still the form: nothing submitted


def test_add_customer_takes_the_country_by_the_name_the_list_shows(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    values = customers.values("US")

    info = add_customer(admin_page, NewCustomer(**{**values, "country": "United States"}))

    assert api.billing_profile(info.microsoftId).country == "US"


def test_help_desk_agent_is_not_offered_add_customer(page_as: Callable[..., Page]) -> None:
    listed = open_customers(page_as("helpdesk-agent"))

    expect(listed.add_customer_link).to_have_count(0)


def test_add_customer_by_a_role_not_offered_it_is_not_allowed_at_once(
    page_as: Callable[..., Page], customers: CustomerFactory
) -> None:
    page = page_as("helpdesk-agent")
    listed = open_customers(page)  # a deployment's pages may come slowly: waited for as ever

    page.set_default_timeout(5_000)  # "at once": a wait for the link would end in Playwright's timeout
    with pytest.raises(NotAllowedError, match="may not add customers"):
        listed.add_customer()


def test_an_unknown_customer_address_is_reported_not_found_at_once(admin_page: Page) -> None:
    with pytest.raises(CustomerNotFoundError) as refused:
        AccountPage(admin_page).open("00000000-0000-4000-8000-000000000000")

    # Its message names the screen's address: a CI dashboard shows the message alone
    assert refused.value.status == 404
    assert re.search(r"\(at \S+/00000000-0000-4000-8000-000000000000\S*;", str(refused.value)), str(refused.value)
    # ... and, opened by its address, where a deployment that keeps the screen elsewhere says so
    assert "tell it so with --screen-addresses" in str(refused.value), str(refused.value)


# What each would find, were the search text not taken literally: the test's own customer ("name") among others.
HOSTILE_SEARCHES = [
    pytest.param(lambda name, tag: f"zzz' OR 1=1 OR 'a' LIKE '{tag}", id="sql-or-true"),  # pasted into SQL: all rows
    pytest.param(lambda name, tag: f"%{name[4:]}", id="like-any"),  # a wildcard: any start, then the rest of the name
    pytest.param(lambda name, tag: f"_{name[1:]}", id="like-one"),  # a wildcard: any first letter, then the rest
    pytest.param(lambda name, tag: f'<img src=x onerror=alert(1)>"{tag}', id="markup"),
]


@pytest.mark.parametrize("typed", HOSTILE_SEARCHES)
def test_text_typed_into_the_search_box_is_matched_literally(
    admin_page: Page, customers: CustomerFactory, typed: Callable[[str, str], str]
) -> None:
    # Given a customer of the test's own, which its name finds
    name = customers.create("US", companyName=f"Literal {customers.run_id} Search").companyName
    assert name in open_customers(admin_page).search(name).company_names()

    # When hostile text is typed into the search box: were it not literal, it would find that customer, or every one
    listed = CustomersPage(admin_page).search(typed(name, customers.run_id))

    # Then it matches literally, nothing (no customer's name or domain starts with it): no wildcard, no SQL, no markup
    expect(listed.no_results).to_be_visible()
    expect(listed.table).to_be_hidden()


def test_a_wildcard_in_a_name_is_found_as_itself_only(admin_page: Page, customers: CustomerFactory) -> None:
    percent = customers.create("US", companyName=f"100% Build {customers.run_id}")
    customers.create("US", companyName=f"100X Build {customers.run_id}")

    # This run's only: a deployment keeps every run's customers, which would push this one off the first page
    listed = open_customers(admin_page).search(f"100% Build {customers.run_id}")

    names = listed.company_names()
    assert percent.companyName in names and f"100X Build {customers.run_id}" not in names, names


def test_a_list_that_fails_to_load_says_so_and_loads_when_tried_again(admin_page: Page) -> None:
    # Given the portal's API refusing the requests of the page's own script (the list's: the bundled portal's is
    # GET /v1/customers; a deployment's, its own)
    admin_page.route("**/*", refuse_scripts_requests)

    # Then the list says it could not be loaded, at once: the portal answered, with a failure of its own
    with pytest.raises(PortalError, match="could not be loaded") as refused:
        open_customers(admin_page)
    assert not isinstance(refused.value, PortalUnavailableError), refused.value
    expect(CustomersPage(admin_page).load_error).to_be_visible()

    # And once the API answers again, reloading (as the message says) shows the list
    admin_page.unroute("**/*", refuse_scripts_requests)
    admin_page.reload()
    assert CustomersPage(admin_page).wait_until_ready().company_names()


@pytest.mark.parametrize("when", ["opened", "searched"])
def test_a_list_that_fails_to_load_as_the_portal_stops_answering_says_the_portal_is_unavailable(
    admin_page: Page, when: str
) -> None:
    def stopped(route: Route) -> None:  # the page's own requests now find nothing listening
        route.abort("connectionrefused") if route.request.resource_type in SCRIPTS_REQUESTS else route.fallback()

    listed = open_customers(admin_page) if when == "searched" else None
    admin_page.route("**/*", stopped)

    # Then it is not a PortalError saying to reload the page: the portal does not answer, as at a Submit
    with pytest.raises(PortalUnavailableError, match="Customers list could not be loaded: the portal does not answer"):
        listed.search("Contoso") if listed else open_customers(admin_page)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_list_whose_request_a_gateway_answers_says_the_portal_is_unavailable_and_where(
    admin_page: Page, status: int
) -> None:
    # Given a gateway answering the list's requests in the portal's place (the portal behind it restarting), while
    # the page's own address still answers
    answered: list[str] = []

    def gateway(route: Route) -> None:
        if scripts_request(route):
            answered.append(route.request.url)
            route.fulfill(status=status, content_type="text/html", body=f"<h1>{status} Gateway error</h1>")
        else:
            route.fallback()

    admin_page.route("**/*", gateway)

    # Then the portal is said not to answer, at the list's request's address: waited for, as a restart is
    said = f"a gateway answered its request at .* with HTTP {status}"
    with pytest.raises(PortalUnavailableError, match=said) as gone:
        open_customers(admin_page)
    assert gone.value.address in answered, (gone.value.address, answered)


def test_a_list_refused_as_the_session_ends_is_not_said_to_be_a_portal_that_does_not_answer(admin_page: Page) -> None:
    # Given a session ended: the list's requests are refused (a list that says so, not one that reloads its page), the
    # page's address sends to sign-in at another site
    def ended(route: Route) -> None:
        if scripts_request(route):  # the list's (the bundled portal's: /v1/customers)
            route.fulfill(status=403, body="{}")
        elif route.request.method == "HEAD":
            route.fulfill(status=302, headers={"Location": "http://127.0.0.1:9/oauth2/authorize"})
        else:
            route.fallback()

    admin_page.route("**/*", ended)

    # Then the list's own words are said: the portal answered, with a redirect to sign in
    with pytest.raises(PortalError, match="could not be loaded") as refused:
        open_customers(admin_page)
    assert not isinstance(refused.value, PortalUnavailableError), refused.value


def test_a_list_that_fails_under_a_policy_refusing_the_page_s_own_requests_is_not_said_to_be_a_portal_down(
    page: Page,
) -> None:
    # Given a deployment's list that could not load, on a page whose Content-Security-Policy lets it ask its API's
    # site only: a request to the page's own address is refused in the browser, the portal never asked
    listed = """<!doctype html><html lang="en"><head>
    <meta http-equiv="Content-Security-Policy" content="connect-src https://api.portal.test">
    </head><body><main><h1>Customers</h1><input type="search" aria-label="Search by company name or domain">
    <section aria-label="Customers"><p role="alert">The customer list could not be loaded.</p></section>
    </main></body></html>"""
    page.route("https://portal.test/customers", lambda route: route.fulfill(content_type="text/html", body=listed))
    page.goto("https://portal.test/customers")

    # Then the list's own words are said: nothing says the portal does not answer
    with pytest.raises(PortalError, match="could not be loaded") as refused:
        CustomersPage(page).wait_until_ready()
    assert not isinstance(refused.value, PortalUnavailableError), refused.value


def test_a_list_that_fails_saying_so_in_two_alerts_says_both(page: Page) -> None:
    # Given a deployment's list that could not load, saying so in two alerts at once (a message, and a toast)
    listed = """<!doctype html><html lang="en"><body><main><h1>Customers</h1>
    <input type="search" aria-label="Search by company name or domain"><section aria-label="Customers">
    <p role="alert">The customer list could not be loaded.</p><div role="alert">Try again in a few minutes.</div>
    </section></main></body></html>"""
    page.route("https://portal.test/customers", lambda route: route.fulfill(content_type="text/html", body=listed))
    page.goto("https://portal.test/customers")

    # Then the error says what both say, at once (not Playwright's word that the alert is two elements)
    with pytest.raises(PortalError) as refused:
        CustomersPage(page).wait_until_ready()
    assert str(refused.value) == (
        "The Customers list could not be loaded: The customer list could not be loaded. Try again in a few minutes."
    )


def test_add_customer_refuses_invalid_values_at_their_fields_and_keeps_them(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    values = {**customers.values("CN"), "postalCode": "1", "email": "not-an-address"}

    with pytest.raises(ValidationError) as refused:
        add_customer(admin_page, NewCustomer(**values))

    assert sorted(refused.value.field_errors) == ["email", "postalCode"]
    form = AddCustomerPage(admin_page)
    expect(form.field("companyName")).to_have_value(values["companyName"])
    expect(form.field("postalCode")).to_have_value("1")
    assert customers_whose_domain_starts(api, values["domainPrefix"]) == [], "nothing may be created"


def customers_whose_domain_starts(api: PortalApi, prefix: str) -> list[str]:
    """Return the company names the API lists for a domain prefix."""
    search = json.dumps({"Field": "Domain", "Value": prefix, "Operator": "starts_with"})
    answer = api.call("GET", f"v1/customers?size=10&filter={urllib.parse.quote(search)}")
    return [item["companyProfile"]["companyName"] for item in answer["items"]]


def test_add_customer_cancel_creates_nothing(admin_page: Page, customers: CustomerFactory, api: PortalApi) -> None:
    values = customers.values("FR")
    form = open_customers(admin_page).add_customer().fill(NewCustomer(**values).form_values())

    form.cancel_link.click()

    CustomersPage(admin_page).wait_until_ready()
    assert customers_whose_domain_starts(api, values["domainPrefix"]) == [], "Cancel may create nothing"
