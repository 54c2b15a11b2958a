"""A page lost under a screen's page object, used on its own: the library's ``PageCrashedError`` naming the method.

A script that drives the screens itself (not through the flows) learns that its page crashed or was closed in
the library's words, naming what it asked and where the page was, not from Playwright's bare ``Error``.
"""

from __future__ import annotations

from contextlib import suppress

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from fixtures.test_data import CustomerFactory
from flows.steps import step
from pages import AccountPage, CustomersPage, DashboardPage, PageCrashedError, screen_addresses

pytestmark = pytest.mark.regression


def crash(page: Page) -> None:
    """Crash the page's renderer, as an out-of-memory or a renderer's bug would (Chromium's DevTools)."""
    session = page.context.new_cdp_session(page)

    def crash_now(_: object) -> None:  # in a handler: the answer to the crash never comes, the page is gone
        with suppress(PlaywrightError):
            session.send("Page.crash")

    with page.expect_event("crash"), suppress(PlaywrightError):  # the script's answer may be lost with it
        page.once("console", crash_now)
        page.evaluate("console.log('crash')")


@pytest.mark.only_browser("chromium")
def test_a_screen_read_after_its_page_crashed_is_said_crashed_naming_the_read(
    admin_page: Page, customers: CustomerFactory
) -> None:
    # Given a customer's Account page shown, then its page crashed
    customer = customers.create("FR")
    account = AccountPage(admin_page).open(customer.id)
    crash(admin_page)

    # When the script reads it, or opens another screen in the page
    with pytest.raises(PageCrashedError) as read:
        account.billing_profile()
    with pytest.raises(PageCrashedError) as opened:
        CustomersPage(admin_page).open()

    # Then each is said crashed, naming what was asked and where the page was
    assert str(read.value).startswith("AccountPage.billing_profile: the browser's page crashed or was closed at "), (
        read.value
    )
    assert screen_addresses().of("account", customer.id) in str(read.value), read.value
    assert str(opened.value).startswith("CustomersPage.open: the browser's page crashed"), opened.value
    assert isinstance(read.value.__cause__, PlaywrightError), "Playwright's own error is kept as the cause"


def test_a_screen_used_after_its_page_was_closed_is_said_closed(admin_page: Page) -> None:
    # Given the Dashboard in a page of its own, which the script then closes
    page = admin_page.context.new_page()
    dashboard = DashboardPage(page).open()
    page.close()

    # When it goes on to the Customers list
    with pytest.raises(PageCrashedError, match=r"^DashboardPage\.customers: .* has been closed"):
        dashboard.customers()


@pytest.mark.only_browser("chromium")
def test_a_screen_lost_in_a_flow_s_step_is_said_by_the_step_naming_the_screen_s_method(
    admin_page: Page, customers: CustomerFactory
) -> None:
    # Given a customer's Account page shown, then its page crashed
    customer = customers.create("MX")
    account = AccountPage(admin_page).open(customer.id)
    crash(admin_page)

    # When a step reads it, then the step says it, and in which of the screen's methods
    with pytest.raises(PageCrashedError) as lost, step(admin_page, "Read the account"):
        account.account_info()
    said = str(lost.value)
    assert said.startswith("Read the account: the browser's page crashed or was closed at "), said
    assert "(in AccountPage.account_info)" in said and (lost.value.step, lost.value.where) == (
        "Read the account",
        "AccountPage.account_info",
    ), said
