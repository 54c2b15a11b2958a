"""Signing in and out through the UI (the only tests that sign in this way)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from flows import SignedOutError, SignInError, sign_in
from pages import CustomersPage, DashboardPage, SignInPage

pytestmark = [pytest.mark.regression, pytest.mark.browser_context_args(locale="en-US")]


@pytest.mark.smoke
def test_sign_in_opens_the_dashboard_with_its_menu(page: Page, portal_password: str) -> None:
    dashboard = sign_in(page, "global-admin", portal_password)

    expect(dashboard.menu).to_be_visible()
    expect(dashboard.customers_link).to_have_text("Customers")


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("global-admin", "wrong-password", id="wrong-password"),
        pytest.param("nobody", "x", id="unknown-user"),
    ],
)
def test_refused_sign_in_says_the_same_for_unknown_user_and_wrong_password(
    page: Page, username: str, password: str
) -> None:
    with pytest.raises(SignInError):
        sign_in(page, username, password)

    expect(SignInPage(page).error).to_have_text("The user name or password is incorrect.")
    expect(SignInPage(page).username).to_have_value(username)


def test_signed_out_visitor_is_sent_to_sign_in_then_back(page: Page, portal_password: str) -> None:
    # Given nobody signed in, when they open the Customers list
    page.goto("customers?q=a")

    # Then the portal asks them to sign in, and afterwards shows the page they asked for
    with pytest.raises(SignedOutError):
        CustomersPage(page).wait_until_ready()
    SignInPage(page).sign_in("global-admin", portal_password)
    expect(page).to_have_url(re.compile(r"/customers\?q=a$"))


def test_sign_out_ends_the_session(page: Page, portal_password: str) -> None:
    sign_in(page, "sales-agent", portal_password)

    page.get_by_role("button", name="Sign out").click()

    expect(SignInPage(page).sign_in_button).to_be_visible()
    with pytest.raises(SignedOutError):
        DashboardPage(page).open()
