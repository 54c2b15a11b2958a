"""Waiting for a list that says when it is loading (``aria-busy``) to begin its answer to a search or page move.

Such a list marks itself busy as its search starts: "not busy" after it is the answer. A list that searches as it is
typed into begins a moment after the typing, once the typing pauses (a debounced search), and Enter does nothing more:
"not busy" right after Enter is the list shown before. So the page notes, from right before the typing, whether the
answer has begun since, and the answer is waited on only once it has (or after a grace: the answer may be no change at
all, the same search again). Begun is: the list, an element holding it, or one in its parent (a spinner beside it; for
the main landmark, in it alone) turned busy (something busy elsewhere, a header's widget, says nothing of it); or,
unless the list was still loading, the list replaced or the customers its rows show changed (a list filtering in the
browser, which never turns busy; a time in a row that changes on its own is no change). A list inside a shadow root
is watched there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# Notes, from now on, whether the list's answer began (``lists[0]``: the list; none yet, anything turning busy counts).
WATCH_ANSWER = """(lists) => {
  const list = lists[0] || null, root = list ? list.getRootNode() : document;
  const watch = window.__answerWatch || (window.__answerWatch = {});
  watch.observer?.disconnect();
  // Each row by the customer it shows (its first link or button, else its first cell), not all its words: a cell that
  // updates itself (a relative time, a column filled in later) is no answer.
  const keyOf = (row) => (row.querySelector('a[href], [role="link"], button, [role="button"]')
    ?? row.querySelector('td, th, [role="gridcell"], [role="cell"], [role="rowheader"]') ?? row).textContent;
  const rowsOf = () => [...list.querySelectorAll('tr, [role="row"]')].map(keyOf).join("\\n");
  const rows = list && rowsOf();
  // A list still loading (busy) as the search begins: its rows drawn, or it drawn anew, may be that load's answer.
  const settled = list && !list.closest('[aria-busy="true"]');
  // The list's surroundings: its parent (a spinner drawn beside it), unless that is the whole page.
  // (The main landmark's parent is the page, whatever wraps it: a SPA's root holds the header too.)
  const parent = list?.parentElement;
  const near = !parent || parent.matches("body, html") || list.matches('main, [role="main"]') ? list : parent;
  const aboutList = (el) => !list || !list.isConnected || el.contains(list) || near.contains(el);
  const busyIn = (node) => node.nodeType === 1
    && [node, ...node.querySelectorAll('[aria-busy="true"]')].some((el) => el.matches('[aria-busy="true"]')
      && aboutList(el));
  watch.seen = false;
  watch.observer = new MutationObserver((mutations) => {
    watch.seen ||= mutations.some((change) => change.type === "attributes" ? busyIn(change.target)
      : [...change.addedNodes].some(busyIn));
  });
  const what = {subtree: true, childList: true, attributes: true, attributeFilter: ["aria-busy"]};
  watch.observer.observe(document, what);
  if (root !== document) watch.observer.observe(root, what);
  // Nothing says whether it is busy (a list that never does: ``pages.list_quiet`` waits on it): begun at once.
  const unsaid = () => !document.querySelector("[aria-busy]") && !root.querySelector("[aria-busy]");
  watch.begun = () => watch.seen || unsaid() || (settled && (!list.isConnected || rowsOf() !== rows));
}"""
# True once the answer began since ``WATCH_ANSWER``; at once when the page was loaded anew (a list its server draws).
BEGUN = """() => !window.__answerWatch?.begun || window.__answerWatch.begun()"""


def watch_answer(listed: Locator) -> None:
    """Note from now on whether the list ``listed`` begins an answer: call right before typing a search."""
    with suppress(PlaywrightError):  # the page replaced meanwhile: its new one is the answer on the way
        listed.evaluate_all(WATCH_ANSWER)  # none shown yet: no wait for it, anything turning busy will do


def await_answer(listed: Locator, grace_ms: float) -> bool:
    """Wait until the list ``listed`` began an answer since ``watch_answer``, for ``grace_ms`` at most; tell whether it
    did."""
    page = listed.page
    try:
        if page.evaluate(BEGUN):  # mostly, begun as the search was: one look
            return True
        if grace_ms > 0:  # (no timeout at all, to Playwright)
            page.wait_for_function(BEGUN, timeout=grace_ms, polling=50)
            return True
        return False
    except PlaywrightTimeoutError:
        return False
    except PlaywrightError:  # the page replaced meanwhile: the answer is on its way in the new one
        return True


@contextmanager
def awaiting_answer(listed: Locator, grace_ms: float, *, watched: bool = True) -> Iterator[None]:
    """Around the typing or click that asks the list ``listed`` for an answer: wait, after it, until the answer began
    (``grace_ms`` at most: no sign, the same list again); nothing when not ``watched`` (a list known never to say it
    is busy)."""
    if watched:
        watch_answer(listed)
    yield
    if watched:
        await_answer(listed, grace_ms)
