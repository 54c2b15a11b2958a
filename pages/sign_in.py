"""The sign-in screen."""

from __future__ import annotations

from playwright.sync_api import Page

from .dashboard import DashboardPage
from .strings import any_language
from .watch import highlight


class SignInPage:
    """Where a partner user enters a user name and password."""

    PATH = "sign-in"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.username = page.get_by_label(any_language("username"))
        self.password = page.get_by_label(any_language("password"))
        self.sign_in_button = page.get_by_role("button", name=any_language("sign_in"))
        self.error = page.get_by_role("alert")

    def open(self) -> SignInPage:
        """Go to the sign-in screen."""
        self.page.goto(self.PATH)
        return self

    def sign_in(self, username: str, password: str) -> DashboardPage | None:
        """Submit the credentials; return the Dashboard, or None when the portal refused them."""
        highlight(self.username).fill(username)
        highlight(self.password).fill(password)
        with self.page.expect_navigation():  # a new page, not the last attempt's message
            highlight(self.sign_in_button).click()
        dashboard = DashboardPage(self.page)
        dashboard.menu.or_(self.error).first.wait_for()
        return None if self.error.is_visible() else dashboard
