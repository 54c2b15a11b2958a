"""Where a portal's Sign in leads: a new page in the same window, or a window of its own.

A portal that signs people in with MSAL.js's ``loginPopup`` (or any ``window.open``) opens the identity
provider in a popup and stays where it is; the popup closes once the provider hands the sign-in back.
Waiting for this page to navigate would wait out the whole timeout; the popup is followed instead.
"""

from __future__ import annotations

import time
from contextlib import suppress

from playwright.sync_api import Frame, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .exceptions import first_line
from .page_events import listen, unlisten
from .watch import highlight

FOLLOW_TIMEOUT_S = 30.0  # Playwright's own default for a navigation: Sign in that leads nowhere in this long fails
POLL_MS = 50  # how soon a window opened ends the wait for either


class LedNowhereError(Exception):
    """Sign in was selected, and neither a new page nor a window of its own came."""


def follow(page: Page, button: Locator) -> Page | None:
    """Select ``button`` and wait until ``page`` navigates (return None) or opens a window (return that window).

    Raises ``LedNowhereError`` after ``FOLLOW_TIMEOUT_S`` without either, or when ``button`` could not be selected.
    """
    opened: list[Page] = []
    moved: list[str] = []
    before = page.url.split("#")[0]

    def leaves(frame: Frame) -> bool:  # a link's "#" (a button drawn as one) is no new page
        return frame == page.main_frame and frame.url.split("#")[0] != before

    def navigated(frame: Frame) -> None:
        if leaves(frame):
            moved.append(frame.url)

    listen(page, "popup", opened.append)
    listen(page, "framenavigated", navigated)
    try:
        try:
            highlight(button).click()
        except PlaywrightTimeoutError as error:  # gone meanwhile, or covered
            raise LedNowhereError(f"it could not be selected: {first_line(error)}") from None
        deadline = time.monotonic() + FOLLOW_TIMEOUT_S
        while not opened and not moved:
            left_ms = (deadline - time.monotonic()) * 1000
            if left_ms <= 0:
                raise LedNowhereError(f"no new page, and no window of its own, in {FOLLOW_TIMEOUT_S:g} s")
            # No one event tells both: a navigation ends this wait at once, a window opened is seen within POLL_MS.
            with suppress(PlaywrightTimeoutError):
                page.wait_for_event("framenavigated", predicate=leaves, timeout=min(POLL_MS, left_ms))
    finally:
        unlisten(page, "popup", opened.append)
        unlisten(page, "framenavigated", navigated)
    return opened[0] if opened else None  # a window opened is where the sign-in goes, whatever the page did
