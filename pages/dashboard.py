"""The Dashboard and its menu, present on every signed-in screen."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from .addresses import screen_addresses
from .customers import CustomersPage
from .screen import Screen, menu, menu_item, menu_shown


class DashboardPage(Screen):
    """The partner's home screen; its menu leads to Customers."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.menu = menu(page, "dashboard", holding=menu_item(page, "customers"))

    @property
    def customers_link(self) -> Locator:
        """The menu's Customers; the first: a menu may hold it twice (a section's heading and its first item)."""
        return menu_item(self.menu, "customers").first

    def open(self) -> DashboardPage:
        """Go to the Dashboard."""
        self.goto(screen_addresses().dashboard)
        return self.wait_until_ready()

    def wait_until_ready(self) -> DashboardPage:
        """Wait until the Dashboard menu is shown."""
        self.menu = menu_shown(self.page, "dashboard", self.settle(self.menu), self.menu)
        return self.found_ready()

    def customers(self, *, wait_for_list: bool = True) -> CustomersPage:
        """From the Dashboard menu, select Customers.

        ``wait_for_list=False`` waits only for the search box, for a caller that searches at once:
        the list shows only the newest answer, so the first page need not have loaded.
        """
        self.select(self.customers_link, "Customers")
        customers = CustomersPage(self.page)
        return customers.wait_until_ready() if wait_for_list else customers.wait_until_searchable()
