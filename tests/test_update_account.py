"""The documented workflow, end to end: Dashboard → Customers → customer → Account → Edit → Submit."""

from __future__ import annotations

import dataclasses

from faker import Faker
from playwright.sync_api import Page, expect

from fixtures.portal.seed import DEMO_PASSWORD
from flows import open_customer, sign_in, update_customer_account
from pages import AccountPage, CustomersPage


def test_submitted_changes_persist_after_a_fresh_load(page: Page, faker: Faker) -> None:
    # Given a signed-in global admin and a customer from the list, with its current profile
    sign_in(page, "global-admin", DEMO_PASSWORD)
    customer = CustomersPage(page).open().company_names()[0]
    before = open_customer(page, customer).account().billing_profile()
    changes = {"city": faker.city(), "addressLine1": faker.street_address(), "firstName": faker.first_name()}
    assert all(getattr(before, field) != value for field, value in changes.items()), "changes must differ"

    # When the documented workflow submits new values
    shown = update_customer_account(page, customer, changes)

    # Then the portal confirms, shows them, and still shows them after a fresh load
    expected = dataclasses.replace(before, **changes)
    expect(AccountPage(page).confirmation).to_be_visible()
    assert shown == expected
    page.reload()
    assert AccountPage(page).wait_until_ready().billing_profile() == expected
