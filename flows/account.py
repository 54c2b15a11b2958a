"""The documented workflow: sign in, select a customer, edit its account, submit."""

from __future__ import annotations

from collections.abc import Mapping

from playwright.sync_api import Page

from pages import EDITABLE_FIELDS, BillingProfile, CustomerPage, CustomersPage, DashboardPage, SignInPage

from .errors import CustomerNotFoundError, EditConflictError, NotAllowedError, SignInError, ValidationError
from .steps import step


def sign_in(page: Page, username: str, password: str) -> DashboardPage:
    """Sign in through the sign-in screen; raise ``SignInError`` when the portal refuses."""
    with step(page, f"Sign in as {username}"):
        dashboard = SignInPage(page).open().sign_in(username, password)
    if dashboard is None:
        raise SignInError(f"The portal refused the sign-in of {username!r}")
    return dashboard


def check_changes(changes: Mapping[str, str]) -> None:
    """Refuse field names the edit form does not have, before touching the browser."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"Not editable billing fields: {', '.join(unknown)}. Editable: {', '.join(EDITABLE_FIELDS)}")


def open_customer(page: Page, customer: str) -> CustomerPage:
    """Dashboard → Customers → the customer named exactly ``customer`` (a company name)."""
    with step(page, "Open Customers"):
        customers: CustomersPage = DashboardPage(page).open().customers()
    with step(page, f"Select customer {customer}"):
        customers.search(customer)
        if customers.customer_link(customer).count() == 0:
            raise CustomerNotFoundError(customer)
        return customers.choose(customer)


def update_customer_account(page: Page, customer: str, changes: Mapping[str, str]) -> BillingProfile:
    """Change the billing profile of ``customer`` (a company name) and return what the Account page shows.

    ``changes`` maps API field names (``city``, ``postalCode``, ...) to new values. Raises
    ``CustomerNotFoundError``, ``NotAllowedError``, ``ValidationError`` or ``EditConflictError``
    when the portal says so; nothing is saved in those cases.
    """
    check_changes(changes)
    customer_page = open_customer(page, customer)
    with step(page, "Open Account"):
        account = customer_page.account()
    with step(page, "Edit"):
        if not account.can_edit():
            raise NotAllowedError(f"The signed-in user may not edit the account of {customer!r}")
        form = account.edit().fill(changes)
    with step(page, "Submit"):
        saved = form.submit()
    if saved is None:
        errors = form.field_errors()
        if errors:
            raise ValidationError(errors)
        raise EditConflictError(form.alert.inner_text().strip())
    return saved.billing_profile()
