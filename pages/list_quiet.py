"""Waiting for a list whose markup never says it is loading: until it has stopped changing.

A list marked with ``aria-busy`` says when a search's answer shows, and ``CustomersPage`` waits on
that. A deployment's own list may say nothing. Its answer is then taken to show once the list
holds nothing busy (``aria-busy="true"``, a visible progress bar, words alone that say it is
loading in one of the three languages, "Loading…"), and has not changed for
``quiet_ms``: after changing since the search or page move began (``watch_list``, called before
it), or after ``grace_ms`` without any change, since the answer may be the very list shown before.
A page loaded anew counts as a change. Changes outside the list (a clock, a banner) do not count.
"""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# What Playwright says of a handle or evaluation whose page was replaced by a new one meanwhile.
PAGE_REPLACED = ("Execution context was destroyed", "navigat")

# Notes the time of every change in the document from now on (the last 1,000: only the latest matter).
WATCH_LIST = """() => {
  const watch = window.__listWatch || (window.__listWatch = { changes: [] });
  if (!watch.observer) {
    watch.observer = new MutationObserver((mutations) => {
      const now = performance.now();
      for (const mutation of mutations) watch.changes.push([mutation.target, now]);
      if (watch.changes.length > 1000) watch.changes.splice(0, watch.changes.length - 1000);
    });
    watch.observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  }
  watch.changes.length = 0;
  watch.start = performance.now();
  watch.anew = false;  // the page was loaded anew, or the list shown with no watch before: a change
  watch.redrawnAt = 0;  // when the list was last found redrawn whole (replaced by another)
  watch.list = null;
}"""
# Names the list to wait on; the watch is begun anew when the page has none (it was loaded anew) or when
# ``anew`` (no search or page move was watched: the list is then new as of now).
SET_LIST = """(list, anew) => {
  if (!window.__listWatch || anew) {
    (WATCH_LIST)();
    window.__listWatch.anew = true;
  }
  window.__listWatch.list = list;
}""".replace("WATCH_LIST", WATCH_LIST)
# True once the list is settled as the module says; "new page" when the page was loaded anew meanwhile,
# "redrawn" when the list was replaced by another: the caller looks again (the change counts).
LIST_SETTLED = r"""({ quietMs, graceMs }) => {
  const watch = window.__listWatch;
  if (!watch || !watch.list) return "new page";
  const list = watch.list;
  if (!list.isConnected) {
    watch.redrawnAt = performance.now();
    return "redrawn";
  }
  const shown = (el) => el.getClientRects().length > 0 && (!el.checkVisibility || el.checkVisibility());
  // Words alone saying so, with an ellipsis or none else ("Loading…", "Chargement des clients…", "正在加载"),
  // not a link's or button's: a customer named "Loading Docks" is no sign of loading.
  const LOADING = /^\s*(loading|chargement|正在加载|加载中)([^…]*?(…|\.\.\.))?\s*$/i;
  const saysLoading = (el) => !el.firstElementChild && LOADING.test(el.textContent)
    && !el.closest('a, button, [role="link"], [role="button"]') && shown(el);
  const busy = list.matches('[aria-busy="true"]') ||
    [...list.querySelectorAll('[aria-busy="true"], [role="progressbar"]')].some(shown) ||
    [list, ...list.querySelectorAll("*")].some(saysLoading);
  if (busy) return false;
  let last = null;
  for (let i = watch.changes.length - 1; i >= 0 && last === null; i--) {
    if (list.contains(watch.changes[i][0])) last = watch.changes[i][1];
  }
  const now = performance.now();
  const changed = watch.anew || watch.redrawnAt > 0 || last !== null;
  const since = Math.max(watch.start, watch.redrawnAt, last || 0);
  return now - since >= quietMs && (changed || now - watch.start >= graceMs);
}"""


def watch_list(page: Page) -> None:
    """Note the changes of the page from now on: call right before a search or page move."""
    try:
        page.evaluate(WATCH_LIST)
    except PlaywrightError as error:
        if not page_replaced(error):
            raise  # else the page is being replaced: its successor is new, a change all the same


def wait_until_quiet(list_: Locator, *, quiet_ms: int, grace_ms: int, watched: bool) -> bool:
    """Wait until the list ``list_`` finds is settled; False when it was redrawn whole or the page was loaded anew.

    ``watched``: ``watch_list`` was called right before the search or page move this waits on.
    Raises Playwright's ``TimeoutError`` when the list is still busy or changing at the timeout.
    """
    try:
        list_.evaluate(SET_LIST, not watched)
        settled = list_.page.wait_for_function(LIST_SETTLED, arg={"quietMs": quiet_ms, "graceMs": grace_ms}, polling=50)
        return settled.json_value() is True
    except PlaywrightTimeoutError:
        raise
    except PlaywrightError as error:
        if page_replaced(error):
            return False  # the caller looks at the new page
        raise


def page_replaced(error: PlaywrightError) -> bool:
    """Tell whether ``error`` says the page was replaced by a new one meanwhile."""
    return any(words in str(error) for words in PAGE_REPLACED)
