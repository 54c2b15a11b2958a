"""What every screen shares: waiting for itself, or saying what the portal showed instead."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from .errors import SignedOutError, error_for_status
from .strings import any_language


class Screen:
    """Base of the page objects of signed-in screens."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.sign_in_button = page.get_by_role("button", name=any_language("sign_in"))
        self.error_page = page.get_by_test_id("error-page")

    def settle(self, ready: Locator) -> None:
        """Wait until ``ready`` shows; raise instead when the portal shows sign-in or an error page.

        So a script learns "signed out" or "403" at once, not from a timeout 30 seconds later.
        """
        ready.or_(self.sign_in_button).or_(self.error_page).first.wait_for()
        # The whole page parsed, not only ``ready``: callers read what follows it (the other
        # fields, the errors after the alert) in one go. Known to the client: no round trip.
        self.page.wait_for_load_state("domcontentloaded")
        if ready.first.is_visible():
            return
        if self.sign_in_button.is_visible():
            raise SignedOutError(f"The portal asked to sign in again at {self.page.url}")
        status = int(self.error_page.get_attribute("data-status") or 0)
        raise error_for_status(status, self.error_page.get_by_role("alert").inner_text().strip())
