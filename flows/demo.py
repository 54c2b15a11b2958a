"""The main job: serve the bundled portal and run the documented workflow once, saying what it did."""

from __future__ import annotations

import dataclasses

from faker import Faker

from fixtures.portal import create_app
from fixtures.portal.seed import DEMO_PASSWORD, FAKER_LOCALE
from fixtures.portal.server import serve_in_thread
from pages import AccountPage, BillingProfile, CustomersPage

from .account import edit_account, submit_changes
from .session import portal_session


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


def run_demo(
    user: str = "global-admin",
    seed: int = 2018,
    headed: bool = False,
    slowmo: int = 0,
    locale: str | None = None,
    trace: str | None = None,
) -> bool:
    """Update one seeded customer through the UI; return True when the change persisted."""
    with serve_in_thread(create_app({"SEED": seed})) as base_url:
        print(f"Bundled portal: {base_url} (seed {seed})")
        session = portal_session(
            base_url, user, DEMO_PASSWORD, headed=headed, slowmo=slowmo, locale=locale, trace=trace
        )
        with session as page:
            customer = CustomersPage(page).open().company_names()[0]
            form = edit_account(page, customer)
            before = BillingProfile.from_mapping({**form.values(), "country": form.country.input_value()})
            changes = new_values(before.country, seed)
            shown = submit_changes(form, changes)
            page.reload()
            stored = AccountPage(page).wait_until_ready().billing_profile()
    print(f"\nCustomer {customer!r} ({before.country}), Bill-to info before -> after a fresh load:")
    print_profiles(before, stored)
    persisted = stored == shown == dataclasses.replace(before, **changes)
    print(
        "\nResult: " + ("the change persisted." if persisted else "FAILED: the Account page does not show the change.")
    )
    return persisted
