"""The network events of a page, listened to by watchers that come and go.

Playwright tells the browser to send a page's network events (``request``, ``response``,
``requestfinished``, ``requestfailed``) while the page has a listener for them, and to stop when the
last one goes: a message each way. The library watches for failures around every link it selects and
every Submit: the page keeps one listener for ``requestfailed`` from its first watcher or page object on
(failures are rare: kept, it costs nothing; it notes the page's documents cut off midway), and each watcher is
added to and removed from a list of the page's own.
The other three come with every request the page makes (four messages a request, a new Request and
Response object each): their listener goes with their last watcher, so a long-lived page (a job's) does
not hear of every request it makes for the rest of its life.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request

Handler = Callable[[Any], None]
KEPT = frozenset({"requestfailed"})  # events whose listener stays once added


@dataclass
class Listener:
    """The page's one listener for an event, and the watchers it tells."""

    watchers: list[Handler] = field(default_factory=list)

    def tell(self, payload: Any) -> None:
        """Tell each watcher of ``payload``."""
        for watcher in list(self.watchers):  # one may stop listening meanwhile
            watcher(payload)


# A page's listeners by event; a page closed is let go.
LISTENERS: WeakKeyDictionary[Page, dict[str, Listener]] = WeakKeyDictionary()
# The browser's word for the last document of a page whose answer was cut off midway (shorter than it said). It is
# shown in part, and stays "loading" for good.
FAILED_DOCUMENTS: WeakKeyDictionary[Page, str] = WeakKeyDictionary()
# The browsers' words for an answer cut off midway (Chromium's, Firefox's, WebKit's).
CUT_OFF = re.compile(
    r"ERR_CONTENT_LENGTH_MISMATCH|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_HTTP2_PROTOCOL_ERROR"
    r"|NS_ERROR_NET_PARTIAL_TRANSFER|NS_ERROR_NET_INTERRUPT|network connection was lost"
)
# The cut-off document's mark, on its window: kept through a navigation within it (a router's replaceState), gone
# with the document. Not enumerable: the page's own scripts walking its window do not meet it.
MARK_CUT_OFF = "() => Object.defineProperty(window, '__pagesCutOffDocument', {value: true, configurable: true})"
MARKED_CUT_OFF = "() => window.__pagesCutOffDocument === true"


def note_failed_documents(page: Page) -> Handler:
    """Return the watcher of ``page``'s failed requests that notes its documents cut off (``FAILED_DOCUMENTS``),
    marking the document itself. Holding the page weakly: a page closed is let go."""
    held = weakref.ref(page)

    def note(request: Request) -> None:
        known = held()
        with suppress(PlaywrightError):  # a service worker's request has no frame; a document gone meanwhile
            cut = CUT_OFF.search(request.failure or "")
            if known is not None and cut and request.is_navigation_request() and request.frame.parent_frame is None:
                FAILED_DOCUMENTS[known] = request.failure or ""
                request.frame.evaluate(MARK_CUT_OFF)  # not marked (already gone): never said cut off

    return note


def failed_document(page: Page) -> str | None:
    """Return the browser's word for the document ``page`` shows when its answer was cut off midway (shown in part),
    None when it was not, as far as heard (from a page's first page object or watcher of failures on).

    The document is told by its mark, not by its address, the page's navigations or the time it began: a router may
    rewrite the address in place (``replaceState``), the same address loaded again is another document, and a
    page's clock may be a test's. A round trip, only once a document was cut off."""
    failure = FAILED_DOCUMENTS.get(page)
    if failure is None:
        return None
    try:
        marked = bool(page.evaluate(MARKED_CUT_OFF))
    except PlaywrightError:  # navigating meanwhile: another document comes
        return None
    if not marked:  # a later document
        FAILED_DOCUMENTS.pop(page, None)
        return None
    return failure


def listener_of(page: Page, event: str) -> Listener:
    """Return ``page``'s one listener for ``event``, added now if it is not yet."""
    by_event = LISTENERS.setdefault(page, {})
    listener = by_event.get(event)
    if listener is None:
        listener = by_event[event] = Listener()
        if event == "requestfailed":  # kept from now on: the page's documents that fail are noted from then on
            listener.watchers.append(note_failed_documents(page))
        page.on(event, listener.tell)  # type: ignore[call-overload]
    return listener


def heed_failed_documents(page: Page) -> None:
    """Note ``page``'s documents whose request fails from now on (``failed_document``)."""
    listener_of(page, "requestfailed")


def listen(page: Page, event: str, handler: Handler) -> None:
    """Call ``handler`` with each ``event`` of ``page`` until ``unlisten``; the page's listener is added once."""
    listener_of(page, event).watchers.append(handler)


def unlisten(page: Page, event: str, handler: Handler) -> None:
    """Stop calling ``handler`` with ``page``'s ``event``; the page's listener goes with the last watcher, but for
    ``KEPT`` events."""
    by_event = LISTENERS.get(page, {})
    listener = by_event.get(event)
    if listener is None or handler not in listener.watchers:
        return
    listener.watchers.remove(handler)
    if not listener.watchers and event not in KEPT:
        del by_event[event]
        page.remove_listener(event, listener.tell)
