"""The Customers list and a customer's menu."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page

from .account import AccountPage
from .strings import any_language


class CustomersPage:
    """The list of the partner's customers, with search and paging."""

    PATH = "customers"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.search_box = page.get_by_role("searchbox", name=any_language("search_label"))
        self.results = page.get_by_role("table")
        self.no_results = page.get_by_role("status")

    def open(self) -> CustomersPage:
        """Go to the Customers list."""
        self.page.goto(self.PATH)
        return self.wait_until_ready()

    def wait_until_ready(self) -> CustomersPage:
        """Wait until the list shows customers or says that none match."""
        self.results.or_(self.no_results).first.wait_for()
        return self

    def search(self, text: str) -> CustomersPage:
        """Search by the start of a company name or domain name."""
        self.search_box.fill(text)
        self.search_box.press("Enter")
        self.page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("q") == [text.strip()])
        return self.wait_until_ready()

    def customer_link(self, company_name: str) -> Locator:
        """Return the link to the customer named exactly ``company_name``."""
        return self.results.get_by_role("link", name=company_name, exact=True)

    def company_names(self) -> list[str]:
        """Return the company names listed on the current page, in order."""
        return [name.strip() for name in self.results.get_by_role("link").all_inner_texts()]

    def choose(self, company_name: str) -> CustomerPage:
        """Open the customer named exactly ``company_name`` from the current page of the list."""
        self.customer_link(company_name).click()
        return CustomerPage(self.page).wait_until_ready()


class CustomerPage:
    """Any page of one customer, with the customer menu (Subscriptions, Account, ...)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.menu = page.get_by_role("navigation", name=any_language("customer_menu"))
        self.account_link = self.menu.get_by_role("link", name=any_language("account"))

    def wait_until_ready(self) -> CustomerPage:
        """Wait until the customer menu is shown."""
        self.menu.wait_for()
        return self

    def account(self) -> AccountPage:
        """From the customer menu, select Account."""
        self.account_link.click()
        return AccountPage(self.page).wait_until_ready()
