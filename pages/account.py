"""A customer's Account page, its edit form, and the Add customer form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Self

from playwright.sync_api import Locator, Page

from .errors import PortalError
from .models import ACCOUNT_INFO_FIELDS, BILLING_PROFILE_FIELDS, EDITABLE_FIELDS, AccountInfo, BillingProfile
from .screen import Screen
from .strings import any_language
from .watch import highlight

ERROR_TEST_ID = re.compile(r"^error-")


class AccountPage(Screen):
    """Customer Account Info and Bill-to info, read-only, with Edit for roles that may edit."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.edit_link = page.get_by_role("link", name=any_language("edit"))
        self.confirmation = page.get_by_role("status")
        self.company_name = page.get_by_test_id("billing-companyName")

    def open(self, customer_id: str) -> AccountPage:
        """Go straight to the Account page of the customer with this Microsoft ID."""
        self.page.goto(f"customers/{customer_id}/account")
        return self.wait_until_ready()

    def wait_until_ready(self) -> AccountPage:
        """Wait until the Bill-to info is shown."""
        self.settle(self.company_name)
        return self

    def can_edit(self) -> bool:
        """Tell whether Edit is offered (it is not to roles that may not edit)."""
        return self.edit_link.count() > 0

    def account_info(self) -> AccountInfo:
        """Read the Customer Account Info (Microsoft ID, domain, company name)."""
        return AccountInfo(**self.shown_values("account", ACCOUNT_INFO_FIELDS))

    def billing_profile(self) -> BillingProfile:
        """Read the Bill-to info as shown."""
        return BillingProfile(**self.shown_values("billing", BILLING_PROFILE_FIELDS))

    def shown_values(self, section: str, fields: tuple[str, ...]) -> dict[str, str]:
        """Read the values shown for ``fields`` in a section ("account" or "billing").

        One call reads them all (a call per field would cost a browser round trip each);
        a field the page does not show raises ``PortalError`` naming it.
        """
        shown: dict[str, str] = self.page.get_by_test_id(re.compile(f"^{section}-")).evaluate_all(
            "cells => Object.fromEntries(cells.map(cell => [cell.dataset.testid, cell.innerText]))"
        )
        missing = [field for field in fields if f"{section}-{field}" not in shown]
        if missing:
            raise PortalError(f"The Account page does not show {', '.join(missing)} at {self.page.url}")
        return {field: shown[f"{section}-{field}"].strip() for field in fields}

    def edit(self) -> AccountEditPage:
        """Select Edit."""
        highlight(self.edit_link).click()
        return AccountEditPage(self.page).wait_until_ready()


class FormPage(Screen):
    """A portal form: labelled fields, Submit, Cancel, a message and errors at the fields."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.submit_button = page.get_by_role("button", name=any_language("submit"))
        self.cancel_link = page.get_by_role("link", name=any_language("cancel"))
        self.alert = page.get_by_role("alert")
        self.field_error_messages = page.get_by_test_id(ERROR_TEST_ID)

    def wait_until_ready(self) -> Self:
        """Wait until the form can be submitted."""
        self.settle(self.submit_button)
        return self

    def field(self, name: str) -> Locator:
        """Return the input of the field ``name`` (an API field name), found by its label."""
        return self.page.get_by_label(any_language(name))

    def fill(self, values: Mapping[str, str]) -> Self:
        """Type the values over the fields they name."""
        for name, value in values.items():
            highlight(self.field(name)).fill(value)
        return self

    def field_errors(self) -> dict[str, str]:
        """Return each invalid field's message, keyed by API field name."""
        errors = {}
        for message in self.field_error_messages.all():
            field = (message.get_attribute("data-testid") or "").removeprefix("error-")
            errors[field] = message.inner_text().strip()
        return errors

    def submit_form(self) -> bool:
        """Select Submit and wait for the portal's answer; True when it took the form."""
        # The form posts and the portal answers with a new page, even when it shows the form
        # again; wait for that page, or a message left from the last Submit would be read.
        # Its arrival ("commit") is enough: settle() then waits for the new page, parsed.
        with self.page.expect_navigation(wait_until="commit"):
            highlight(self.submit_button).click()
        self.settle(self.confirmation_or_alert())
        return not self.alert.is_visible()

    def confirmation_or_alert(self) -> Locator:
        """Return what the portal shows after Submit: its confirmation, or this form's alert."""
        return self.page.get_by_role("status").or_(self.alert)


class AccountEditPage(FormPage):
    """The Bill-to info form, with Submit and Cancel; country is shown, not editable."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.country = page.get_by_label(any_language("country"))

    def open(self, customer_id: str) -> AccountEditPage:
        """Go straight to the edit form of the customer with this Microsoft ID."""
        self.page.goto(f"customers/{customer_id}/account/edit")
        return self.wait_until_ready()

    def values(self) -> dict[str, str]:
        """Return what the form's editable fields hold now."""
        return {name: self.field(name).input_value() for name in EDITABLE_FIELDS}

    def submit(self) -> AccountPage | None:
        """Select Submit; return the Account page when saved, None when the form is shown again."""
        return AccountPage(self.page).wait_until_ready() if self.submit_form() else None

    def cancel(self) -> AccountPage:
        """Select Cancel: leave without saving."""
        highlight(self.cancel_link).click()
        return AccountPage(self.page).wait_until_ready()


class AddCustomerPage(FormPage):
    """The Add customer form: company details, primary contact and address."""

    def fill(self, values: Mapping[str, str]) -> Self:
        """Fill the fields named in ``values``; ``country`` is an ISO code chosen from the list."""
        values = dict(values)
        country = values.pop("country", None)
        if country:
            highlight(self.field("country")).select_option(value=country)
        super().fill(values)
        return self

    def submit(self) -> AccountPage | None:
        """Select Submit; return the new customer's Account page, or None when the form is shown again."""
        return AccountPage(self.page).wait_until_ready() if self.submit_form() else None
