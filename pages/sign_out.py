"""Signing out: the portal's Sign out, shown on every signed-in screen or kept behind the account menu.

The bundled portal shows a Sign out button in its banner; Partner Center keeps Sign out in its account manager, a
panel the user's picture in the banner opens. Either is found by its name, in any of the portal's languages.
"""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .errors import UnknownPageError
from .page_load import wait_parsed
from .screen import Screen, link_or_button
from .strings import any_language

MENU_OPENS_MS = 2_000  # a menu opened shows its items at once: one that does not within this holds no Sign out
# The banner's closed pop-ups (an account manager, a settings menu): where a Sign out not shown may be kept.
CLOSED_MENUS = "[aria-haspopup]:not([aria-expanded=true]), [aria-expanded=false]"


class SignOutControl(Screen):
    """A signed-in screen's Sign out, wherever the portal keeps it."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.control = link_or_button(page, any_language("sign_out"))
        self.closed_menus = page.get_by_role("banner").locator(CLOSED_MENUS).filter(visible=True)

    def shown(self) -> bool:
        """Show the Sign out, opening the banner's menus one by one until one holds it; False if none does."""
        wait_parsed(self.page)
        if self.control.is_visible():
            return True
        for index in range(self.closed_menus.count()):
            self.closed_menus.nth(index).click()
            try:
                self.control.wait_for(state="visible", timeout=MENU_OPENS_MS)
                return True
            except PlaywrightTimeoutError:
                self.page.keyboard.press("Escape")  # not this one: closed again, out of the next one's way
        return False

    def sign_out(self) -> None:
        """Select Sign out, and wait until the page no longer shows it (the portal's, or its provider's, signed-out
        page); raise ``UnknownPageError`` when the screen has none, or it left the page signed in."""
        where = self.page.url
        if not self.shown():
            raise UnknownPageError(f"There is no Sign out to select at {where}, in the banner nor in its menus")
        self.select(self.control, "Sign out")
        try:
            self.control.wait_for(state="hidden")
        except PlaywrightTimeoutError:
            raise UnknownPageError(f"Sign out at {where} left the page signed in, at {self.page.url}") from None
        wait_parsed(self.page)


def sign_out(page: Page) -> None:
    """Sign the page's user out of the portal, from the screen it shows (see ``SignOutControl.sign_out``)."""
    SignOutControl(page).sign_out()
