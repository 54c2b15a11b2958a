"""The network events of a page, listened to once and kept: watchers come and go in Python only.

Playwright tells the browser to send a page's network events (``request``, ``response``,
``requestfinished``, ``requestfailed``) while the page has a listener for them, and to stop when the
last one goes: a message each way. The library watches them around every link it selects and every
Submit, which cost a workflow sixteen such messages. Here the page keeps one listener per event from
its first watcher on, and each watcher is added to and removed from a list of the page's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from playwright.sync_api import Page

Handler = Callable[[Any], None]

# A page's watchers by event; the lists empty once its watchers stop, so a page closed is let go.
WATCHERS: WeakKeyDictionary[Page, dict[str, list[Handler]]] = WeakKeyDictionary()


def listen(page: Page, event: str, handler: Handler) -> None:
    """Call ``handler`` with each ``event`` of ``page`` until ``unlisten``; the page's listener is added once."""
    by_event = WATCHERS.setdefault(page, {})
    handlers = by_event.get(event)
    if handlers is None:
        handlers = by_event[event] = []

        def tell(payload: Any, handlers: list[Handler] = handlers) -> None:
            for watcher in list(handlers):  # one may stop listening meanwhile
                watcher(payload)

        page.on(event, tell)  # type: ignore[call-overload]
    handlers.append(handler)


def unlisten(page: Page, event: str, handler: Handler) -> None:
    """Stop calling ``handler`` with ``page``'s ``event`` (no message to the browser: its listener stays)."""
    handlers = WATCHERS.get(page, {}).get(event, [])
    if handler in handlers:
        handlers.remove(handler)
