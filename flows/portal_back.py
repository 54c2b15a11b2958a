"""Waiting for a portal that stopped answering (restarting, say) before a row is tried again."""

from __future__ import annotations

import threading
import time
from contextlib import suppress

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from pages.addresses import screen_addresses
from pages.errors import GATEWAY_DOWN

from . import rest, rest_waits

# A portal that stopped answering (restarting, say) is waited for before the row's retry, this long at most
# (looking after 0.5, 1, 2, 4, 8, 8... s); still silent, the run stops, its rows left for a resume.
PORTAL_BACK_WAIT_S = 120.0
LOOK_TIMEOUT_MS = 5_000  # one look at the portal: a hanging one is still gone


def browser_gone(page: Page) -> bool:
    """Whether the page's browser died (or the page was closed)."""
    return page.is_closed() or not (page.context.browser and page.context.browser.is_connected())


def wait_for_portal(
    context: BrowserContext, stop: threading.Event | None = None, gone_at: str | None = None
) -> Page | None:
    """Wait until the portal answers its Dashboard's address again (below 500), and ``gone_at`` too (the address of a
    request of the page's script a gateway answered: the Dashboard may answer while it does not), and return the
    page that shows the Dashboard; None when it did not within ``PORTAL_BACK_WAIT_S`` of waiting (or the run stopped
    meanwhile).

    Each look is a new page of the context (its session, routes and proxy): a page that showed the browser's
    error page may take its next navigation for another (Playwright issue #35944).
    """
    waited, wait = 0.0, rest.FIRST_LOOK_S
    while not (stop is not None and stop.is_set()):
        started, look = time.monotonic(), context.new_page()
        try:  # loaded, not just begun: a page closed while it loads may never close (with routes set)
            answer = look.goto(screen_addresses().dashboard, timeout=LOOK_TIMEOUT_MS)
            if (answer is None or answer.status < 500) and answers(context, gone_at):
                return look
        except PlaywrightError:  # refused, reset, or no answer in time: still gone; a dead browser is no look
            if browser_gone(look):
                raise
        with suppress(PlaywrightError):
            look.close()
        waited += time.monotonic() - started
        if waited >= PORTAL_BACK_WAIT_S:
            return None
        rest_waits.pause(wait)
        waited, wait = waited + wait, min(2 * wait, rest.LONGEST_LOOK_S)
    return None


def answers(context: BrowserContext, address: str | None) -> bool:
    """Whether ``address`` (None: nothing to look at) is answered by other than a gateway standing in for the portal
    (a refusal of the context's session, 401 or 403, is the portal's own answer)."""
    if address is None:
        return True
    try:
        answer = context.request.get(address, timeout=LOOK_TIMEOUT_MS, max_redirects=0)
    except PlaywrightError:  # refused, reset, or no answer in time
        return False
    answer.dispose()  # its body unread: let go
    return answer.status not in GATEWAY_DOWN
