"""Waiting for a page to be parsed whole before what follows a screen's landmark is read in one go."""

from __future__ import annotations

import logging

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .page_events import failed_document

log = logging.getLogger("flows")
# How long a document shown is waited for before its request's failure is looked at again, then the wait left to the
# page's own timeout: a document cut off midway (its answer shorter than it said) never ends, and the browser says
# so as its answer stops, most often before its screen is found.
CUT_WATCH_MS = 1_000


def wait_parsed(page: Page) -> None:
    """Wait until ``page``'s document is parsed whole (DOMContentLoaded), as its callers read the rest of the screen
    (the other fields, the errors after an alert) in one go; known to the client once it is: no round trip.

    A screen already showing whose document never ends in time (a streamed page whose server stalls, a blocking
    script from a host that does not answer) is read as it shows, with a warning: no bare timeout for what showed.
    A document cut off midway (its answer shorter than it said) is read as it shows at once, with a warning.
    """
    try:
        if not cut_off(page):
            page.wait_for_load_state("domcontentloaded", timeout=CUT_WATCH_MS)  # parsed: known, no round trip
        return
    except PlaywrightTimeoutError:
        if cut_off(page):
            return
    try:
        page.wait_for_load_state("domcontentloaded")
    except PlaywrightTimeoutError as error:
        if not cut_off(page):
            log.warning("%s is shown, but its page never finished loading: read as it shows (%s)", page.url, error)


def cut_off(page: Page) -> bool:
    """Tell whether the document ``page`` shows was cut off midway (its request failed), warning that it is read as
    it shows."""
    failure = failed_document(page)
    if failure is not None:
        log.warning("%s is shown, but its page was cut off (%s): read as it shows", page.url, failure)
    return failure is not None
