"""A failed test's screenshot even when its page is stuck in a navigation the portal never answers.

pytest-playwright photographs each page of a failed test with ``page.screenshot(timeout=5000)`` and
drops the picture silently when that fails. Playwright's screenshot waits for a navigation still under
way, so a portal that holds a request (the very failure a QA engineer needs to see) left no picture.
The browser itself still shows the page it was leaving: Chromium's own capture
(``Page.captureScreenshot``, through a CDP session) takes it at once. Other browsers have no such
capture here, nor has a page whose renderer is busy in a script (that capture would never come: it is given up
after ``CAPTURE_MS``, even for a renderer that answered Playwright's screenshot a moment before): their failure
stays without a screenshot, as before.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

log = logging.getLogger(__name__)
CAPTURE_MS = 5_000  # how long the browser's own capture may take (pytest-playwright gives its screenshot as long)


def as_the_browser_shows(page: Page) -> bytes | None:
    """Return a PNG of what ``page`` shows now, taken by Chromium itself; None in another browser or a closed page."""
    if page.context.browser is None or page.context.browser.browser_type.name != "chromium":
        return None
    try:  # the session is left to go with the context: detached mid-navigation, it waits for the navigation too
        session = page.context.new_cdp_session(page)
        try:
            shot = session.send("Page.captureScreenshot", {"format": "png"}, timeout=CAPTURE_MS)
        except TypeError:  # a Playwright before send's timeout (1.51 and later are supported)
            shot = session.send("Page.captureScreenshot", {"format": "png"})
    except PlaywrightError:  # a timeout too: a renderer busy in a script since it last answered
        return None
    return base64.b64decode(shot["data"])


def screenshot_even_mid_navigation(page: Page) -> None:
    """Make ``page.screenshot`` fall back to the browser's own capture when Playwright's times out.

    For the pages of a failed test, right before pytest-playwright photographs them as their context closes.
    """
    screenshot = page.screenshot

    def taken(**options: Any) -> bytes:
        try:
            return screenshot(**options)
        except PlaywrightTimeoutError as error:
            # Only a page whose scripts still answer ("fonts loaded": it got that far) is stuck in a navigation; a
            # renderer busy in a script would never answer the browser's own capture either, which has no timeout.
            if "fonts loaded" not in str(error):
                raise
            shown = as_the_browser_shows(page)
            if shown is None:
                raise
            log.warning("The screenshot of %s timed out (a navigation under way): the browser's own taken", page.url)
            if options.get("path"):
                Path(options["path"]).write_bytes(shown)  # the plugin's own temporary file, moved once done
            return shown

    page.screenshot = taken  # type: ignore[method-assign]
