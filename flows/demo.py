"""The main job: serve the bundled portal and run the documented workflow once, saying what it did."""

from __future__ import annotations

import dataclasses
import logging

from faker import Faker
from playwright.sync_api import sync_playwright

from fixtures.portal import DEFAULT_SEED, create_app
from fixtures.portal.seed import DEMO_PASSWORD, FAKER_LOCALE
from fixtures.portal.server import serve_in_thread
from pages import AccountPage, BillingProfile, CustomersPage

from .account import open_customer, sign_in, update_customer_account
from .browser import launch_options_for

log = logging.getLogger("flows")


def new_values(country: str, seed: int) -> dict[str, str]:
    """Make believable new address values for a customer in ``country``."""
    fake = Faker(FAKER_LOCALE.get(country, "en_US"))
    fake.seed_instance(seed)
    return {"addressLine1": fake.street_address(), "city": fake.city(), "postalCode": fake.postcode()}


def print_profiles(before: BillingProfile, after: BillingProfile) -> None:
    """Print every Bill-to field, with old -> new for the ones that changed."""
    for field, old in before.as_dict().items():
        new = getattr(after, field)
        print(f"    {field:<13} {old!r}" if new == old else f"  * {field:<13} {old!r} -> {new!r}")


def run_demo(user: str = "global-admin", seed: int = DEFAULT_SEED, headed: bool = False, slowmo: int = 0) -> bool:
    """Update one seeded customer through the UI; return True when the change persisted."""
    with serve_in_thread(create_app({"SEED": seed})) as base_url, sync_playwright() as playwright:
        print(f"Bundled portal: {base_url} (seed {seed})")
        chromium = playwright.chromium
        options = launch_options_for("chromium", chromium.executable_path)
        browser = chromium.launch(headless=not headed, slow_mo=slowmo, **options)
        try:
            page = browser.new_context(base_url=base_url).new_page()
            sign_in(page, user, DEMO_PASSWORD)
            customer = CustomersPage(page).open().company_names()[0]
            before = open_customer(page, customer).account().billing_profile()
            changes = new_values(before.country, seed)
            shown = update_customer_account(page, customer, changes)
            page.reload()
            stored = AccountPage(page).wait_until_ready().billing_profile()
        finally:
            browser.close()
    print(f"\nCustomer {customer!r} ({before.country}), Bill-to info before -> after a fresh load:")
    print_profiles(before, stored)
    persisted = stored == shown == dataclasses.replace(before, **changes)
    print(
        "\nResult: " + ("the change persisted." if persisted else "FAILED: the Account page does not show the change.")
    )
    return persisted
