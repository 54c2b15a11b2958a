"""Hostile and unusual values: shown as text, stored as typed, never run."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pytest
from playwright.sync_api import Dialog, Page, expect

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory, as_shown
from flows import open_customers, update_customer_account
from pages import AccountPage

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]

MARKUP = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'
SHORT_MARKUP = "<img src=x onerror=alert(3)>"  # names allow 50 characters
# What the markup above adds to a page that takes it as markup: seen at once (its dialog waits for the image to fail).
INJECTED = 'img[src="x"]'
# Fields free of format rules, so markup is a valid value there.
FREE_TEXT_FIELDS = ("companyName", "firstName", "lastName", "addressLine1", "addressLine2", "city")


@pytest.fixture
def dialogs(admin_page: Page) -> list[str]:
    """Collect every dialog the page opens: an injected script would open one."""
    opened: list[str] = []

    def record(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    admin_page.on("dialog", record)
    return opened


def test_markup_in_every_text_field_is_shown_as_text(
    admin_page: Page, dialogs: list[str], customers: CustomerFactory, api: PortalApi
) -> None:
    customer = customers.create("FR")
    changes = {field: f"{field} {SHORT_MARKUP if field.endswith('Name') else MARKUP}" for field in FREE_TEXT_FIELDS}

    update_customer_account(admin_page, customer.companyName, changes)
    admin_page.reload()

    shown = AccountPage(admin_page).wait_until_ready().billing_profile()
    assert shown == as_shown(dataclasses.replace(customer.billing, **changes), shown)
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, **changes)
    expect(admin_page.locator(INJECTED)).to_have_count(0)
    assert dialogs == []


def test_markup_in_a_company_name_is_listed_as_text(
    admin_page: Page, dialogs: list[str], customers: CustomerFactory
) -> None:
    customer = customers.create("US", companyName=f"{MARKUP} {customers.run_id}")

    listed = open_customers(admin_page).search(customer.companyName)

    expect(listed.customer_link(customer.companyName)).to_have_text(customer.companyName)
    expect(admin_page.locator(INJECTED)).to_have_count(0)
    assert dialogs == []


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("Robert'); DROP TABLE customers;--", id="sql-drop-table"),
        pytest.param("' OR '1'='1", id="sql-or-true"),
        pytest.param("上海市浦东新区世纪大道 100 号", id="chinese"),
        pytest.param("Île-de-France, Boulogne-Billancourt — Çà et là", id="accents"),
        pytest.param("Suite 42 🚀🏢 ✓", id="emoji"),
        pytest.param("%_\\ LIKE wildcards", id="like-wildcards"),
    ],
)
def test_unusual_values_round_trip_unchanged(
    value: str, admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    customer = customers.create("CN")

    update_customer_account(admin_page, customer.companyName, {"addressLine1": value, "addressLine2": value})

    assert api.billing_profile(customer.id) == dataclasses.replace(
        customer.billing, addressLine1=value, addressLine2=value
    )
    assert customer.companyName in open_customers(admin_page).search(customer.companyName).company_names()


def test_values_at_their_maximum_length_are_accepted(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, field_limits: Mapping[str, int]
) -> None:
    customer = customers.create("CN")
    letters = {"firstName": "名", "lastName": "L", "addressLine1": "路", "addressLine2": "x"}
    changes = {field: letter * field_limits[field] for field, letter in letters.items()}

    update_customer_account(admin_page, customer.companyName, changes)

    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, **changes)
