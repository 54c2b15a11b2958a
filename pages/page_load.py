"""Waiting for a page to be parsed whole before what follows a screen's landmark is read in one go."""

from __future__ import annotations

import logging

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

log = logging.getLogger("flows")


def wait_parsed(page: Page) -> None:
    """Wait until ``page``'s document is parsed whole (DOMContentLoaded), as its callers read the rest of the screen
    (the other fields, the errors after an alert) in one go; known to the client once it is: no round trip.

    A screen already showing whose document never ends in time (a streamed page whose server stalls, a blocking
    script from a host that does not answer) is read as it shows, with a warning: no bare timeout for what showed.
    """
    try:
        page.wait_for_load_state("domcontentloaded")
    except PlaywrightTimeoutError as error:
        log.warning("%s is shown, but its page never finished loading: read as it shows (%s)", page.url, error)
