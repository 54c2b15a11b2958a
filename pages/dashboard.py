"""The Dashboard and its menu, present on every signed-in screen; on a narrow screen perhaps folded behind a button."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from .addresses import screen_addresses
from .customers import CustomersPage
from .screen import SNAPSHOT_LINE, Screen, menu, menu_item, menu_shown
from .strings import any_language

# A button that unfolds a site's navigation, as responsive layouts name theirs on a phone's screen: "Menu", "Open
# navigation", "Afficher le menu", "展开导航". Whole names only: a "User menu" or a "Settings menu" opens another.
MENU_BUTTON = re.compile(
    r"^\s*(?:(?:open|show|expand|toggle|afficher|ouvrir|développer|打开|显示|展开)\s*(?:the|le|la)?\s*)?"
    r"(?:main\s+|site\s+)?(?:menu(?:\s+(?:principal|de\s+navigation))?|navigation(?:\s+(?:menu|principale))?"
    r"|导航(?:菜单|栏)?|(?:主)?菜单)\s*$",
    re.IGNORECASE,
)


def folded_menus_page(page: Page) -> Locator:
    """Return the page's root when it holds a navigation holding Customers, shown or folded away, and offers no Sign in
    (shown or folded away): a signed-in portal's screen, whose menu button may stand for its menu. Not a signed-out
    page's own "Menu", nor an identity provider's step."""
    holding_customers = menu_item(page, "customers", include_hidden=True)
    navigation = page.get_by_role("navigation", include_hidden=True).filter(has=holding_customers)
    sign_in = any_language("sign_in")
    offered = page.get_by_role("link", name=sign_in, include_hidden=True)
    signing_in = offered.or_(page.get_by_role("button", name=sign_in, include_hidden=True))
    # A page with a menu button first, as most are not: the walk of every navigation, hidden ones too, is for those.
    with_menu_button = page.locator(":root").filter(has=page.get_by_role("button", name=MENU_BUTTON))
    return with_menu_button.filter(has=navigation, has_not=signing_in)


class DashboardPage(Screen):
    """The partner's home screen; its menu leads to Customers. A menu folded behind its button (a responsive layout
    on a phone's screen) is unfolded first, as a person taps it."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.menu = menu(page, "dashboard", holding=menu_item(page, "customers"))
        self.menu_button = folded_menus_page(page).get_by_role("button", name=MENU_BUTTON).first
        self.folded = False  # the menu found folded behind ``menu_button``, the last time the Dashboard was ready

    @property
    def landmark(self) -> Locator:
        """What tells a signed-in screen: the Dashboard menu, or the button its menu is folded behind."""
        return self.menu.or_(self.menu_button)

    @property
    def customers_link(self) -> Locator:
        """The menu's Customers; the first: a menu may hold it twice (a section's heading and its first item)."""
        return menu_item(self.menu, "customers").first

    def open(self) -> DashboardPage:
        """Go to the Dashboard."""
        self.goto(screen_addresses().dashboard)
        return self.wait_until_ready()

    def wait_until_ready(self) -> DashboardPage:
        """Wait until the Dashboard menu is shown, or the button it is folded behind."""
        shown = self.settle(self.landmark)
        line = SNAPSHOT_LINE.match(shown or "")
        if line is None:  # a closer look: which of the two showed is not known
            self.folded = not self.menu.is_visible() and self.menu_button.is_visible()
        elif line["role"] == "button":  # a menu shown but folded away (a drawer past the screen's edge) says so too
            self.folded = not self.menu.is_visible() or self.menu_button.get_attribute("aria-expanded") == "false"
        else:
            self.folded = False
        self.menu = menu_shown(self.page, "dashboard", shown, self.menu)
        return self.found_ready()

    def customers(self, *, wait_for_list: bool = True) -> CustomersPage:
        """From the Dashboard menu, select Customers (the menu unfolded first, when folded).

        ``wait_for_list=False`` waits only for the search box, for a caller that searches at once:
        the list shows only the newest answer, so the first page need not have loaded.
        """
        if self.folded:
            self.select(self.menu_button, "the button the Dashboard menu is folded behind")
        self.select(self.customers_link, "Customers")
        customers = CustomersPage(self.page)
        return customers.wait_until_ready() if wait_for_list else customers.wait_until_searchable()
