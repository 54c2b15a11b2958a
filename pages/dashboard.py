"""The Dashboard and its menu, present on every signed-in screen."""

from __future__ import annotations

from playwright.sync_api import Page

from .customers import CustomersPage
from .screen import Screen
from .strings import any_language
from .watch import highlight


class DashboardPage(Screen):
    """The partner's home screen; its menu leads to Customers."""

    PATH = "dashboard"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.menu = page.get_by_role("navigation", name=any_language("dashboard"))
        self.customers_link = self.menu.get_by_role("link", name=any_language("customers"))

    def open(self) -> DashboardPage:
        """Go to the Dashboard."""
        self.page.goto(self.PATH)
        return self.wait_until_ready()

    def wait_until_ready(self) -> DashboardPage:
        """Wait until the Dashboard menu is shown."""
        self.settle(self.menu)
        return self

    def customers(self) -> CustomersPage:
        """From the Dashboard menu, select Customers."""
        highlight(self.customers_link).click()
        return CustomersPage(self.page).wait_until_ready()
