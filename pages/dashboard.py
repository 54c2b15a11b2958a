"""The Dashboard and its menu, present on every signed-in screen; on a narrow screen perhaps folded behind a button."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from .addresses import screen_addresses
from .customers import CustomersPage
from .screen import SNAPSHOT_LINE, Screen, links_or_buttons, menu, menu_item, menu_shown
from .strings import any_language

# A button that unfolds a site's navigation, as responsive layouts name theirs on a phone's screen: "Menu", "Open
# navigation", "Afficher le menu", "展开导航", or the menu's own name. Whole names only: a "User menu" or a "Settings
# menu" opens something else.
MENU_BUTTON = re.compile(
    r"^\s*(?:(?:open|show|expand|toggle|afficher|ouvrir|développer|打开|显示|展开)\s*(?:the|le|la)?\s*)?"
    r"(?:main\s+|site\s+)?(?:menu(?:\s+(?:principal|de\s+navigation))?|navigation(?:\s+(?:menu|principale))?|nav"
    r"|导航(?:菜单|栏)?|(?:主)?菜单|dashboard|tableau\s+de\s+bord|仪表板)\s*$",
    re.IGNORECASE,
)


class DashboardPage(Screen):
    """The partner's home screen; its menu leads to Customers. A menu folded behind its button (a responsive layout
    on a phone's screen) is unfolded first, as a person taps it."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.menu = menu(page, "dashboard", holding=menu_item(page, "customers"))
        # Not on a signed-out page offering Sign in: its own "Menu" tells no signed-in screen.
        signed_out = links_or_buttons(page, any_language("sign_in"))
        self.menu_button = (
            page.locator(":root").filter(has_not=signed_out).get_by_role("button", name=MENU_BUTTON).first
        )
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
        self.folded = line is not None and line["role"] == "button" and not self.menu.is_visible()
        self.menu = menu_shown(self.page, "dashboard", shown, self.menu)
        return self.found_ready()

    def customers(self, *, wait_for_list: bool = True) -> CustomersPage:
        """From the Dashboard menu, select Customers (the menu unfolded first, when folded).

        ``wait_for_list=False`` waits only for the search box, for a caller that searches at once:
        the list shows only the newest answer, so the first page need not have loaded.
        """
        if self.folded and not self.customers_link.is_visible():
            self.select(self.menu_button, "the button the Dashboard menu is folded behind")
        self.select(self.customers_link, "Customers")
        customers = CustomersPage(self.page)
        return customers.wait_until_ready() if wait_for_list else customers.wait_until_searchable()
