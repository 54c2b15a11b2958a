"""Signing out: the portal's Sign out, shown on every signed-in screen or kept behind the account menu.

The bundled portal shows a Sign out button in its banner; Partner Center keeps Sign out in its account manager, a
panel the user's picture in the banner opens. Either is found by its name, in any of the portal's languages.
"""

from __future__ import annotations

from playwright.sync_api import ElementHandle, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .errors import UnknownPageError
from .page_load import wait_parsed
from .screen import Screen, links_or_buttons
from .strings import any_language

MENU_OPENS_MS = 2_000  # a menu opened shows its items at once: one that does not within this holds no Sign out
# The banner's closed pop-ups (an account manager, a settings menu): where a Sign out not shown may be kept.
CLOSED_MENUS = "[aria-haspopup]:not([aria-expanded=true]), [aria-expanded=false]"


class SignOutControl(Screen):
    """A signed-in screen's Sign out, wherever the portal keeps it."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.controls = links_or_buttons(page, any_language("sign_out"))  # shown or not (in a closed menu)
        self.control = self.controls.filter(visible=True).first
        self.closed_menus = page.get_by_role("banner").locator(CLOSED_MENUS).filter(visible=True)

    def shown(self) -> bool:
        """Show the Sign out, opening the banner's menus one at a time until one holds it; False if none does.

        Waits first for the Sign out or a menu to show (a banner drawn by the page's script comes late)."""
        wait_parsed(self.page)
        either = self.control.or_(self.closed_menus).first
        try:
            self.or_instead(either).wait_for()
        except PlaywrightTimeoutError:
            return False
        self.settle(either)  # sign-in or an error page instead: said as such
        if self.control.is_visible():
            return True
        # Handles, not places in the list: a menu that stays open would move the others' places.
        return any(self.opened_with(menu) for menu in self.closed_menus.element_handles())

    def opened_with(self, menu: ElementHandle) -> bool:
        """Open ``menu``; True when it shows the Sign out, else close it again (out of the next one's way)."""
        try:
            menu.click(timeout=MENU_OPENS_MS)
            self.control.wait_for(timeout=MENU_OPENS_MS)
            return True
        except PlaywrightTimeoutError:
            pass
        except PlaywrightError:  # drawn again meanwhile: nothing of it to open or close
            return False
        self.page.keyboard.press("Escape")
        if menu.get_attribute("aria-expanded") == "true":  # Escape did not close it: as a person would, clicked again
            menu.click(timeout=MENU_OPENS_MS)
        return False

    def sign_out(self) -> None:
        """Select Sign out, and wait until the page no longer holds it (the portal's, or its provider's, signed-out
        page); raise ``UnknownPageError`` when the screen has none, or when it left the page signed in."""
        where = self.page.url
        if not self.shown():
            raise UnknownPageError(f"There is no Sign out to select at {where}, in the banner nor in its menus")
        self.select(self.control, "Sign out")
        try:  # gone from the page, not hidden only: a menu that closes hides it too
            self.controls.first.wait_for(state="detached")
        except PlaywrightTimeoutError:
            raise UnknownPageError(f"Sign out at {where} left the page signed in, at {self.page.url}") from None
        wait_parsed(self.page)


def sign_out(page: Page) -> None:
    """Sign the page's user out of the portal, from the screen it shows (see ``SignOutControl.sign_out``)."""
    SignOutControl(page).sign_out()
