"""Waiting for a list whose markup never says it is loading: until it has stopped changing.

A list marked with ``aria-busy`` says when a search's answer shows, and ``CustomersPage`` waits on
that. A deployment's own list may say nothing. Its answer is then taken to show once the list
holds nothing busy (``aria-busy="true"``, a visible progress bar, words alone that say it is
loading in one of the three languages, "Loading…", placeholders where its rows will come: a skeleton or
shimmer holding nothing yet, rows holding nothing), and has not changed for
``quiet_ms``: after changing since the search or page move began (``watch_list``, called before
it), or after ``grace_ms`` without any change, since the answer may be the very list shown before.
A page loaded anew counts as a change. Changes outside the list (a clock, a banner) do not count.

The requests the page sends from right before the search or page move (``ListRequests``: fetch and
XHR to the page's own site, its own navigations) are its answer on the way: while one is unanswered,
the list is not taken as settled, however long it has been unchanged; once all are answered, it is
taken after ``quiet_ms`` unchanged since the last answer, no grace needed. Requests to other sites
(telemetry, a long poll elsewhere) say nothing of the list.
"""

from __future__ import annotations

import time
from contextlib import suppress

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Request
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .errors import UnknownPageError
from .page_events import listen, unlisten
from .submit_answer import site

# What Playwright says of a handle or evaluation whose page was replaced by a new one meanwhile.
PAGE_REPLACED = ("Execution context was destroyed", "navigat")
POLL_MS = 250  # how often a wait for the list's requests looks again: a failed one ends no "requestfinished" wait

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
# Whether an element shows, and whether it is words alone saying something is loading, with an ellipsis or none
# else ("Loading…", "Chargement des clients…", "正在加载"; Chinese writes its ellipsis twice, midline too: "正在加载……",
# "加载中⋯⋯"), not a link's, button's or label's: a customer named "Loading Docks" is no sign of loading. Shared with
# ``pages.form_loading``.
SAYS_LOADING = r"""
  const shown = (el) => el.getClientRects().length > 0 && (!el.checkVisibility || el.checkVisibility());
  const LOADING = /^\s*(loading|chargement|正在加载|加载中)([^…⋯]*?(…|⋯|\.\.\.)[…⋯.]*)?\s*$/i;
  const saysLoading = (el) => !el.firstElementChild && LOADING.test(el.textContent)
    && !el.closest('a, button, label, [role="link"], [role="button"]') && shown(el);
"""
# Placeholders drawn in the list's table or grid where its rows will come (a skeleton, Fluent UI's shimmer): an
# element its class names so that holds nothing yet, or rows (besides the header's) that hold nothing, none of them.
# Nothing: no words, nor a picture or icon named (alt, aria-label, title), as an empty list's "no customers" may be
# drawn, unless its name says it is loading (a spinner: "Loading…", as ``SAYS_LOADING`` reads words). A customer's row
# holds at least its name; a Shimmer kept around the data it waited for holds that data.
PLACEHOLDERS = r"""
  const SKELETON = '[class*="shimmer" i], [class*="skeleton" i]';
  const NAMED = 'img[alt]:not([alt=""]), [aria-label]:not([aria-label=""]), [title]:not([title=""]), svg title';
  const nameOf = (el) => el.getAttribute("alt") || el.getAttribute("aria-label") || el.getAttribute("title")
    || el.textContent || "";
  const empty = (el) => !el.textContent.trim()
    && ![...el.querySelectorAll(NAMED)].some((named) => !LOADING.test(nameOf(named)));
  const placeholders = (list) => [list, ...list.querySelectorAll('table, [role="grid"], [role="table"]')]
    .filter((grid) => grid.matches('table, [role="grid"], [role="table"]')).some((grid) => {
      const rows = [...grid.querySelectorAll('[role="row"], tr')]
        .filter((row) => !row.querySelector('[role="columnheader"], th') && shown(row));
      return [...grid.querySelectorAll(SKELETON)].some((el) => shown(el) && empty(el))
        || (rows.length > 0 && rows.every(empty));
    });
"""
# A progress bar that tells no value: something is loading (one that does, "80% complete", is content).
INDETERMINATE = '[role="progressbar"]:not([aria-valuenow]), progress:not([value])'
# True once the list is settled as the module says; "new page" when the page was loaded anew meanwhile,
# "redrawn" when the list was replaced by another: the caller looks again (the change counts). ``answeredAt``:
# when the page's last request for the list was answered (ms since the epoch, the browser's clock), else 0.
LIST_SETTLED = r"""({ quietMs, graceMs, answeredAt }) => {
  const watch = window.__listWatch;
  if (!watch || !watch.list) return "new page";
  const list = watch.list;
  if (!list.isConnected) {
    watch.redrawnAt = performance.now();
    return "redrawn";
  }
  SAYS_LOADING
  const busy = list.matches('[aria-busy="true"]') ||
    [...list.querySelectorAll('[aria-busy="true"], [role="progressbar"]')].some(shown) ||
    [list, ...list.querySelectorAll("*")].some(saysLoading) || placeholders(list);
  if (busy) return false;
  // The search box typed into, in the list, and what draws it (its wrapper's classes, a clear button): what changes
  // there is the typing, not the list's answer.
  // A web component's box (its input in its shadow root): the host in the list's tree is the editor.
  let editor = document.activeElement, inner = editor;
  while (inner?.shadowRoot?.activeElement) inner = inner.shadowRoot.activeElement;
  if (!inner?.matches("input, textarea, [contenteditable]") || !list.contains(editor)) editor = null;
  const ROWS = 'table, [role="grid"], [role="table"], [role="treegrid"], tr, [role="row"]';
  while (editor && editor.parentElement !== list && !editor.parentElement.querySelector(ROWS)) {
    editor = editor.parentElement;
  }
  let last = null;
  for (let i = watch.changes.length - 1; i >= 0 && last === null; i--) {
    const target = watch.changes[i][0];
    if (list.contains(target) && !editor?.contains(target)) last = watch.changes[i][1];
  }
  const now = performance.now();
  const answered = answeredAt > 0 ? answeredAt - performance.timeOrigin : 0;  // on the page's clock
  // An answer that came is the answer, changed or not (the same list again): no grace to wait for.
  const changed = watch.anew || watch.redrawnAt > 0 || last !== null || answered > 0;
  const since = Math.max(watch.start, watch.redrawnAt, last || 0, answered);
  return now - since >= quietMs && (changed || now - watch.start >= graceMs);
}""".replace("SAYS_LOADING", SAYS_LOADING + PLACEHOLDERS)


def watch_list(page: Page) -> None:
    """Note the changes of the page from now on: call right before a search or page move."""
    try:
        page.evaluate(WATCH_LIST)
    except PlaywrightError as error:
        if not page_replaced(error):
            raise  # else the page is being replaced: its successor is new, a change all the same


class ListRequests:
    """The requests a page sends from now on that may bring the list's answer; start right before a search or page move.

    Fetch and XHR to the page's own site, and the page's own navigations: a search's answer comes so. Those
    to other sites (telemetry, a long poll elsewhere) never hold the list up. Stop it once the list is read.
    """

    def __init__(self, page: Page, *, answer_ms: int) -> None:
        self.page = page
        self.answer_ms = answer_ms  # how long one may stay unanswered before the list is said never to load
        self.site = site(page.url)
        self.pending: list[Request] = []
        self.answered_at = 0.0  # when the last of them was answered: ms since the epoch, the browser's clock
        listen(page, "request", self.note_request)
        listen(page, "requestfinished", self.note_end)
        listen(page, "requestfailed", self.note_end)

    def stop(self) -> None:
        """Stop noting requests."""
        unlisten(self.page, "request", self.note_request)
        unlisten(self.page, "requestfinished", self.note_end)
        unlisten(self.page, "requestfailed", self.note_end)

    def note_request(self, request: Request) -> None:
        """Note a request that may bring the list's answer."""
        own = request.resource_type in ("fetch", "xhr") and site(request.url) == self.site
        if own or (request.is_navigation_request() and request.frame == self.page.main_frame):
            self.pending.append(request)

    def note_end(self, request: Request) -> None:
        """Note the end of one: answered (a redirect too: its next request is noted anew), or failed."""
        if request not in self.pending:
            return
        self.pending.remove(request)
        timing = request.timing  # the browser's own clock (this machine's may differ: a remote browser's)
        ended = max(timing["startTime"], 0) + max(timing["responseEnd"], 0)  # failed: when it was sent
        self.answered_at = max(self.answered_at, ended)

    def await_answers(self) -> float:
        """Wait until none is unanswered; return when the last was answered (0 if none came).

        Raises ``UnknownPageError`` naming the request that got no answer within ``answer_ms``.
        """
        deadline = time.monotonic() + self.answer_ms / 1000
        while self.pending:
            if time.monotonic() >= deadline:
                request = self.pending[0]
                raise UnknownPageError(
                    f"The Customers list at {self.page.url} never finished loading: the portal did not answer "
                    f"{request.method} {request.url} within {self.answer_ms / 1000:g} s"
                )
            with suppress(PlaywrightTimeoutError):  # the listeners take in the answers meanwhile
                self.page.wait_for_event("requestfinished", predicate=lambda _: not self.pending, timeout=POLL_MS)
        return self.answered_at


def wait_until_quiet(
    list_: Locator, *, quiet_ms: int, grace_ms: int, watched: bool, requests: ListRequests | None = None
) -> bool:
    """Wait until the list ``list_`` finds is settled; False when it was redrawn whole or the page was loaded anew.

    ``watched``: ``watch_list`` was called right before the search or page move this waits on; ``requests``,
    the requests noted since then: none may be unanswered, and the list waits ``quiet_ms`` after the last answer.
    Raises Playwright's ``TimeoutError`` when the list is still busy or changing at the timeout, and
    ``UnknownPageError`` when a request got no answer in time.
    """
    try:
        list_.evaluate(SET_LIST, not watched)
        answered_at = requests.await_answers() if requests else 0.0
        while True:
            arg = {"quietMs": quiet_ms, "graceMs": grace_ms, "answeredAt": answered_at}
            settled = list_.page.wait_for_function(LIST_SETTLED, arg=arg, polling=50)
            if settled.json_value() is not True:
                return False
            # Sent or answered while the list was waited on: its answer may be on the way, or just drawn.
            if requests is None or requests.await_answers() <= answered_at:
                return True
            answered_at = requests.answered_at
    except PlaywrightTimeoutError:
        raise
    except PlaywrightError as error:
        if page_replaced(error):
            return False  # the caller looks at the new page
        raise


def page_replaced(error: PlaywrightError) -> bool:
    """Tell whether ``error`` says the page was replaced by a new one meanwhile."""
    return any(words in str(error) for words in PAGE_REPLACED)
