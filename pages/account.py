"""A customer's Account page and its edit form."""

from __future__ import annotations

import re
from collections.abc import Mapping

from playwright.sync_api import Locator, Page

from .models import EDITABLE_FIELDS, BillingProfile
from .strings import any_language

ERROR_TEST_ID = re.compile(r"^error-")


class AccountPage:
    """Customer Account Info and Bill-to info, read-only, with Edit for roles that may edit."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.edit_link = page.get_by_role("link", name=any_language("edit"))
        self.confirmation = page.get_by_role("status")
        self.company_name = page.get_by_test_id("billing-companyName")

    def open(self, customer_id: str) -> AccountPage:
        """Go straight to the Account page of the customer with this Microsoft ID."""
        self.page.goto(f"customers/{customer_id}/account")
        return self.wait_until_ready()

    def wait_until_ready(self) -> AccountPage:
        """Wait until the Bill-to info is shown."""
        self.company_name.wait_for()
        return self

    def can_edit(self) -> bool:
        """Tell whether Edit is offered (it is not to roles that may not edit)."""
        return self.edit_link.count() > 0

    def microsoft_id(self) -> str:
        """Return the customer's Microsoft ID (its tenant ID)."""
        return self.page.get_by_test_id("account-microsoftId").inner_text().strip()

    def billing_profile(self) -> BillingProfile:
        """Read the Bill-to info as shown."""
        shown = {
            field: self.page.get_by_test_id(f"billing-{field}").inner_text().strip()
            for field in (*EDITABLE_FIELDS, "country")
        }
        return BillingProfile.from_mapping(shown)

    def edit(self) -> AccountEditPage:
        """Select Edit."""
        self.edit_link.click()
        return AccountEditPage(self.page).wait_until_ready()


class AccountEditPage:
    """The Bill-to info form, with Submit and Cancel."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.submit_button = page.get_by_role("button", name=any_language("submit"))
        self.cancel_link = page.get_by_role("link", name=any_language("cancel"))
        self.alert = page.get_by_role("alert")
        self.field_error_messages = page.get_by_test_id(ERROR_TEST_ID)
        self.country = page.get_by_label(any_language("country"))

    def wait_until_ready(self) -> AccountEditPage:
        """Wait until the form can be submitted."""
        self.submit_button.wait_for()
        return self

    def field(self, name: str) -> Locator:
        """Return the input of the billing field ``name`` (an API field name), found by its label."""
        return self.page.get_by_label(any_language(name))

    def fill(self, changes: Mapping[str, str]) -> AccountEditPage:
        """Type the new values over the fields named in ``changes``."""
        for name, value in changes.items():
            self.field(name).fill(value)
        return self

    def values(self) -> dict[str, str]:
        """Return what the form's editable fields hold now."""
        return {name: self.field(name).input_value() for name in EDITABLE_FIELDS}

    def submit(self) -> AccountPage | None:
        """Select Submit; return the Account page when saved, None when the form is shown again."""
        # The form posts and the portal answers with a new page, even when it shows the form
        # again; wait for that page, or a message left from the last Submit would be read.
        with self.page.expect_navigation():
            self.submit_button.click()
        account = AccountPage(self.page)
        account.confirmation.or_(self.alert).first.wait_for()
        return None if self.alert.is_visible() else account.wait_until_ready()

    def field_errors(self) -> dict[str, str]:
        """Return each invalid field's message, keyed by API field name."""
        errors = {}
        for message in self.field_error_messages.all():
            field = (message.get_attribute("data-testid") or "").removeprefix("error-")
            errors[field] = message.inner_text().strip()
        return errors

    def cancel(self) -> AccountPage:
        """Select Cancel: leave without saving."""
        self.cancel_link.click()
        return AccountPage(self.page).wait_until_ready()
