"""The Customers list: search by name or domain, paging, an empty result, Add customer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import CustomerNotFoundError, ValidationError, add_customer, open_customer, open_customers
from pages import AccountPage, AddCustomerPage, NewCustomer

pytestmark = pytest.mark.regression


def test_search_by_the_start_of_the_company_name_ignores_case(admin_page: Page, customers: CustomerFactory) -> None:
    customer = customers.create("US")

    listed = open_customers(admin_page).search(customer.companyName[:-2].swapcase())

    assert customer.companyName in listed.company_names()


def test_search_by_the_start_of_the_domain(admin_page: Page, customers: CustomerFactory) -> None:
    customer = customers.create("CN")

    listed = open_customers(admin_page).search(customer.domain.split(".")[0].upper())

    assert listed.company_names() == [customer.companyName]


def test_a_search_that_matches_nothing_says_so(admin_page: Page, run_id: str) -> None:
    listed = open_customers(admin_page).search(f"no-such-customer-{run_id}")

    expect(listed.no_results).to_be_visible()
    expect(listed.table).to_be_hidden()


def test_pages_move_forward_and_back(admin_page: Page) -> None:
    listed = open_customers(admin_page)
    first_page = listed.company_names()

    second_page = listed.next_page().company_names()
    back = listed.previous_page().company_names()

    assert len(first_page) == 20
    assert second_page and not set(second_page) & set(first_page)
    assert back == first_page


def test_a_customer_beyond_the_first_page_is_found_by_paging(admin_page: Page, customers: CustomerFactory) -> None:
    # The newest customer comes last in the unfiltered list: past the first page.
    customer = customers.create("FR")
    listed = open_customers(admin_page)

    link = listed.find(customer.companyName)

    assert link is not None
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
    assert api.billing_profile(info.microsoftId).as_dict() == {k: v for k, v in values.items() if k != "domainPrefix"}


def test_add_customer_refuses_a_domain_already_taken(admin_page: Page, customers: CustomerFactory) -> None:
    taken = customers.create("US")
    values = {**customers.values("US"), "domainPrefix": taken.domain.split(".")[0]}

    with pytest.raises(ValidationError) as refused:
        add_customer(admin_page, NewCustomer(**values))

    assert list(refused.value.field_errors) == ["domainPrefix"]
    expect(AddCustomerPage(admin_page).field("companyName")).to_have_value(values["companyName"])


def test_help_desk_agent_is_not_offered_add_customer(page_as: Callable[..., Page]) -> None:
    listed = open_customers(page_as("helpdesk-agent"))

    expect(listed.add_customer_link).to_have_count(0)


def test_an_unknown_customer_address_is_reported_not_found_at_once(admin_page: Page) -> None:
    with pytest.raises(CustomerNotFoundError) as refused:
        AccountPage(admin_page).open("00000000-0000-4000-8000-000000000000")

    assert refused.value.status == 404
