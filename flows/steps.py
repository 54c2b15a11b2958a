"""Named steps: a group in the Playwright trace, a log line with the step's time, and, when a
person watches a headed run, a banner on the page and a pause in the Inspector on failure."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from pages.errors import PageCrashedError, page_lost
from pages.lost_page import lost_page_error
from pages.owner_thread import check_thread
from pages.watch import options_for, show_step

log = logging.getLogger("flows")


def tracing(context: BrowserContext) -> bool:
    """Tell whether a trace records ``context`` now, so a step's group would show in it.

    A group costs two round trips to the driver, a tenth of the workflow's; most runs record no trace
    (``--tracing=on-first-retry``). Playwright keeps this state privately: where it cannot be read,
    assume a trace records.
    """
    return bool(getattr(getattr(context.tracing, "_impl_obj", None), "_is_tracing", True))


@contextmanager
def lost_page_said(page: Page, name: str) -> Iterator[None]:
    """Say a page that crashed or was closed during the block as ``PageCrashedError`` naming ``name``, not as
    Playwright's bare ``Error``: a flow's reads between its steps, a sign-in's answers."""
    try:
        yield
    except PageCrashedError as error:
        if error.step is not None or error.where is None:  # a step within said it, or it is no screen's to name
            raise
        lost = PageCrashedError(
            f"{name}: the browser's page crashed or was closed at {error.url} (in {error.where}): {error.said}"
        )
        lost.where, lost.url, lost.said, lost.step = error.where, error.url, error.said, name
        raise lost from error
    except PlaywrightError as error:
        if not page_lost(error):
            raise
        lost = lost_page_error(name, page.url, error)
        lost.step = name
        raise lost from error


@contextmanager
def step(page: Page, name: str) -> Iterator[None]:
    """Run the block as the step ``name``; its duration goes to the log record's ``seconds``."""
    check_thread(page)  # before any call: from another thread, one would run later, unasked
    log.info("%s", name)
    grouped = tracing(page.context)
    if grouped:
        try:
            page.context.tracing.group(name)
        except PlaywrightError:  # the context is closed: the block's first call says so, as the page lost
            grouped = False
    show_step(page, name)
    started = time.perf_counter()
    try:
        with lost_page_said(page, name):
            yield
    except Exception as error:
        if options_for(page).pause_on_failure and not getattr(error, "paused", False):
            log.warning("%s failed: pausing in the Playwright Inspector (resume to go on)", name)
            page.pause()
            error.paused = True  # type: ignore[attr-defined]  # an enclosing step or test need not pause again
        raise
    finally:
        if grouped:
            with suppress(PlaywrightError):  # the context closed with its page: the block's own error goes on
                page.context.tracing.group_end()
    seconds = time.perf_counter() - started
    log.debug("%s took %.2f s", name, seconds, extra={"step": name, "seconds": seconds})
