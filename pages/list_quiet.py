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

from contextlib import suppress

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# What Playwright says of a handle or evaluation whose page was replaced by a new one meanwhile.
PAGE_REPLACED = ("Execution context was destroyed", "JSHandle is disposed", "not attached", "navigat")

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
  watch.fresh = false;  // a page loaded anew since the watch began
  watch.redrawn = 0;  // when the list was found redrawn whole since
}"""
# True once ``list`` is settled as the module says; "gone" when it left the page (redrawn whole: the
# list drawn instead is then settled once it has stayed as it is for the quiet time).
LIST_SETTLED = r"""({ list, quietMs, graceMs }) => {
  let watch = window.__listWatch;
  if (!watch || !watch.observer) {  // a page loaded since the watch began, or none began: that is the change
    (WATCH_LIST)();
    window.__listWatch.fresh = true;
    return false;
  }
  if (!list.isConnected) {
    watch.redrawn = performance.now();
    return "gone";
  }
  const shown = (el) => el.getClientRects().length > 0 && (!el.checkVisibility || el.checkVisibility());
  // Words alone in an element, not a link's or button's (a customer may be named "Loading Docks").
  const LOADING = /^\s*(loading|chargement|正在加载|加载中)(?![.\w])/i;
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
  const changed = watch.fresh || watch.redrawn > 0 || last !== null;
  const since = Math.max(watch.start, watch.redrawn, last || 0);
  return now - since >= quietMs && (changed || now - watch.start >= graceMs);
}""".replace("WATCH_LIST", WATCH_LIST)


def watch_list(page: Page) -> None:
    """Note the changes of the page from now on: call right before a search or page move."""
    page.evaluate(WATCH_LIST)


def wait_until_quiet(list_: Locator, *, quiet_ms: int, grace_ms: int) -> bool:
    """Wait until the list ``list_`` finds is settled; False when it was redrawn whole or the page went.

    Raises Playwright's ``TimeoutError`` when it is still busy or changing at the timeout.
    """
    handle = None
    try:
        handle = list_.element_handle()
        settled = list_.page.wait_for_function(
            LIST_SETTLED, arg={"list": handle, "quietMs": quiet_ms, "graceMs": grace_ms}, polling=50
        )
        return settled.json_value() is True
    except PlaywrightTimeoutError:
        raise
    except PlaywrightError as error:
        if any(words in str(error) for words in PAGE_REPLACED):
            return False  # a new page: the caller looks at it again
        raise
    finally:
        if handle is not None:
            with suppress(PlaywrightError):  # gone with its page
                handle.dispose()
