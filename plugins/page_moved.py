"""A page that moved on its own while a screen was checked: which check, from which address to which, what to do.

A scan or a screenshot looks at one document. When the page goes elsewhere meanwhile (a session that ended
sends it to sign-in, a deployment's single-page app redirects, a meta refresh or a reload), what was looked at
is no screen's: Playwright's "Execution context was destroyed" if the old document went mid-call, or, worse,
findings or a picture of the page it went to, judged as the screen's. ``PageMovedError`` says so instead, and
the page's later checks in the test are refused while it stays where it went (the screen is no longer shown).

It is an ``AssertionError``, so a screen's other checks still run (tests/screens.py), and it is retried as
any failure is (not ``NotTransient``): a page that moved on its own may not move the next time (a session that
ran out mid-run, a redirect that raced the check), and the retry, in a context of its own, records the trace
that shows the navigation (``--tracing=on-first-retry``). A page that moves every time fails its retry too,
with the same message.
"""

from __future__ import annotations

import weakref
from contextlib import suppress
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages.list_quiet import page_replaced

FRAME_GONE = ("Frame was detached", "frame was detached")  # what Playwright says of a call whose frame went
READ_DOCUMENT_MS = 5000  # reading where a moved page went waits for its new document, this long at most
DOCUMENT = "() => [location.href, performance.timeOrigin]"  # a page's document: its address and its own timeOrigin
ADVICE = (
    "A page moves on its own when its session ended (the sign-in page), when the site redirects it (its own "
    "routing, a meta refresh) or reloads it. Open the address it went to: the sign-in page means the session "
    "ended; a screen that moves on by design is to be checked where it comes to rest. A retry (--reruns) records "
    "the navigation in its trace (--tracing=on-first-retry)"
)
# Pages that moved during a check, and the address they went to: their later checks are refused while there.
MOVED: weakref.WeakKeyDictionary[Page, tuple[str, str, str]] = weakref.WeakKeyDictionary()


class PageMovedError(AssertionError):
    """The page went to another address, or was loaded anew, while it was scanned or photographed."""

    def __init__(self, subject: str, doing: str, before: str, after: str, earlier: str = "") -> None:
        self.subject, self.doing, self.before, self.after, self.earlier = subject, doing, before, after, earlier
        if earlier:
            what = (f"the page had moved on its own before it was {doing}, from {before} to {after} ({earlier}), "
                    "and is still there; nothing was looked at")  # fmt: skip
        elif before == after:
            what = f"the page was loaded anew (at {before}) while it was {doing}; nothing was judged"
        else:
            what = f"the page moved while it was {doing}, from {before} to {after}; nothing was judged"
        super().__init__(f"{subject}: {what}. {ADVICE}")


def navigated(error: PlaywrightError) -> bool:
    """Tell whether Playwright's ``error`` says the document (``page_replaced``'s words), or a frame, went away
    during the call."""
    return page_replaced(error) or any(words in str(error) for words in FRAME_GONE)


def document_of(page: Page) -> list[Any] | None:
    """Return the document the page shows, ``[address, timeOrigin]`` (a document's own), read in it: the client's
    ``page.url`` may not yet know a navigation that has just replaced it. Bounded: None for a page with no document
    to read (closed, or never done loading one)."""
    try:
        handle = page.main_frame.wait_for_function(DOCUMENT, timeout=READ_DOCUMENT_MS)
    except PlaywrightError:
        return None
    try:
        return list(handle.json_value())
    except PlaywrightError:
        return None
    finally:
        with suppress(PlaywrightError):
            handle.dispose()


def moved_since(page: Page, shown: list[Any] | None, before: str, error: PlaywrightError) -> bool:
    """Tell whether ``error`` came of the page moving: Playwright says so, or the page now shows another document
    than ``shown`` (``[address, timeOrigin]``, when known) or another address than ``before``."""
    if navigated(error):
        return True
    now = document_of(page)
    if now is None:
        return page.url != before
    return now[0] != before or (shown is not None and now != shown)


def page_moved(page: Page, subject: str, doing: str, before: str) -> PageMovedError:
    """Return the failure of a check of ``page`` that moved from ``before`` while it was ``doing``; note it, so
    that the page's next checks are refused while it stays where it went."""
    now = document_of(page)
    after = str(now[0]) if now else page.url
    MOVED[page] = (before, after, f"found when it was {doing}: {subject}")
    return PageMovedError(subject, doing, before, after)


def refuse_if_moved(page: Page, subject: str, doing: str) -> None:
    """Fail when an earlier check found ``page`` moved on its own, and it is still where it went."""
    moved = MOVED.get(page)
    if moved is None:
        return
    before, after, during = moved
    if page.url != after:  # the test took it elsewhere since: a screen of its own
        del MOVED[page]
        return
    raise PageMovedError(subject, doing, before, after, earlier=during)
