"""A customer's pages: the customer menu (Subscriptions, Account, ...)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from .account import AccountPage
from .addresses import screen_addresses
from .screen import Screen, menu, menu_item, menu_shown


class CustomerPage(Screen):
    """Any page of one customer, with the customer menu (Subscriptions, Account, ...)."""

    OF_CUSTOMER = True

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        # Unnamed, it holds Account but not Customers: the Dashboard menu holds Customers, and perhaps a
        # partner's own Account.
        account = menu_item(page, "account")
        customers = menu_item(page, "customers")
        self.menu = menu(page, "customer_menu", holding=account, not_holding=customers)

    @property
    def account_link(self) -> Locator:
        """The customer menu's Account; the first: a menu may hold it twice."""
        return menu_item(self.menu, "account").first

    def wait_until_ready(self) -> CustomerPage:
        """Wait until the customer menu is shown."""
        self.menu = menu_shown(self.page, "customer_menu", self.settle(self.menu), self.menu)
        return self.found_ready()

    def open(self, customer_id: str) -> CustomerPage:
        """Go straight to the customer with this Microsoft ID (at ``screen_addresses().customer``)."""
        self.goto(screen_addresses().of("customer", customer_id))
        return self.wait_until_ready()

    def account(self) -> AccountPage:
        """From the customer menu, select Account."""
        self.still_shown(self.menu, "customer's menu")
        self.select(self.account_link, "Account")
        return AccountPage(self.page).wait_until_ready()
