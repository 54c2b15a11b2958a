"""Waiting for a list that says when it is loading (``aria-busy``) to begin its answer to a search.

Such a list marks itself busy as its search starts: "not busy" after it is the answer. A list that searches as it is
typed into begins a moment after the typing, once the typing pauses (a debounced search), and Enter does nothing more:
"not busy" right after Enter is the list shown before. So the page notes, from right before the typing, whether
anything turned busy since, and the search's answer is waited on only once something did (or after a grace: the
answer may be no change at all, the same search again).
"""

from __future__ import annotations

from contextlib import suppress

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# Notes whether anything in the page turns busy from now on: set busy again, or drawn anew busy.
WATCH_BUSY = """() => {
  const watch = window.__busyWatch || (window.__busyWatch = {});
  watch.seen = false;
  if (!watch.observer || watch.document !== document) {  // a document written anew keeps its window
    watch.observer?.disconnect();
    watch.document = document;
    watch.observer = new MutationObserver(() => {
      if (document.querySelector('[aria-busy="true"]')) window.__busyWatch.seen = true;
    });
    const what = {subtree: true, childList: true, attributes: true, attributeFilter: ["aria-busy"]};
    watch.observer.observe(document, what);
  }
}"""
# True once something turned busy since ``WATCH_BUSY``; at once when the page was loaded anew (a list its server
# draws), or when nothing in it says whether it is busy (a list that never does: ``pages.list_quiet`` waits on it).
BUSY_SEEN = """() => !window.__busyWatch || window.__busyWatch.seen || !document.querySelector("[aria-busy]")"""


def watch_busy(page: Page) -> None:
    """Note from now on whether anything in ``page`` turns busy: call right before typing a search."""
    with suppress(PlaywrightError):  # the page replaced meanwhile: its new one is the answer on the way
        page.evaluate(WATCH_BUSY)


def await_busy(page: Page, grace_ms: float) -> bool:
    """Wait until something in ``page`` turned busy since ``watch_busy`` (the search begun), for ``grace_ms`` at most;
    tell whether it did."""
    try:
        if not page.evaluate(BUSY_SEEN):  # mostly, begun as the search was: one look
            page.wait_for_function(BUSY_SEEN, timeout=grace_ms, polling=50)
        return True
    except PlaywrightTimeoutError:
        return False
    except PlaywrightError:  # the page replaced meanwhile: the search's answer is on its way in the new one
        return True
