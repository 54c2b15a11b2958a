"""Which thread may use a page: Playwright's sync API answers a page only on the thread that opened it.

Used from another, its call fails with a bare ``greenlet.error``, after it has put the call on that
thread's queue, where it runs later unasked; inside a running asyncio loop Playwright cannot start at all.
Both are checked before any call, and said as ``WrongThreadError``.
"""

from __future__ import annotations

import asyncio
import threading

import greenlet
from playwright.sync_api import Page

from .errors import WrongThreadError


def root_of(fiber: greenlet.greenlet) -> greenlet.greenlet:
    """Return the main greenlet of the thread ``fiber`` was made on (each thread has its own)."""
    while fiber.parent is not None:
        fiber = fiber.parent
    return fiber


def check_thread(page: Page) -> None:
    """Raise ``WrongThreadError`` when ``page`` belongs to another thread than the calling one."""
    # Playwright's own, private: the fiber its sync calls switch to. Where a version has none, no check.
    fiber = getattr(page, "_dispatcher_fiber", None)
    if not isinstance(fiber, greenlet.greenlet) or fiber.dead:
        return
    if root_of(fiber) is not root_of(greenlet.getcurrent()):
        raise WrongThreadError(
            f"This page was opened by another thread than {threading.current_thread().name!r}, and Playwright "
            "answers a page only on the thread that opened it: open a portal_session in each thread "
            "(flows.update_accounts(workers=N) runs one per worker)"
        )


def check_no_running_loop() -> None:
    """Raise ``WrongThreadError`` when the calling thread runs an asyncio event loop: Playwright's sync API
    cannot start there (Playwright's own loop, when this thread already runs Playwright, or the script's)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    if loop.is_running():
        raise WrongThreadError(
            "Playwright cannot start here: this thread runs an asyncio event loop. Under pytest-playwright (or "
            "another sync_playwright() of this thread) pass its Playwright as portal_session(..., playwright=...); "
            "from asyncio code, run the browser work in a thread of its own: await asyncio.to_thread(job)"
        )
