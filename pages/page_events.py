"""The network events of a page, listened to by watchers that come and go.

Playwright tells the browser to send a page's network events (``request``, ``response``,
``requestfinished``, ``requestfailed``) while the page has a listener for them, and to stop when the
last one goes: a message each way. The library watches for failures around every link it selects and
every Submit: the page keeps one listener for ``requestfailed`` from its first watcher on (failures are
rare: kept, it costs nothing), and each watcher is added to and removed from a list of the page's own.
The other three come with every request the page makes (four messages a request, a new Request and
Response object each): their listener goes with their last watcher, so a long-lived page (a job's) does
not hear of every request it makes for the rest of its life.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from playwright.sync_api import Page

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


def listen(page: Page, event: str, handler: Handler) -> None:
    """Call ``handler`` with each ``event`` of ``page`` until ``unlisten``; the page's listener is added once."""
    by_event = LISTENERS.setdefault(page, {})
    listener = by_event.get(event)
    if listener is None:
        listener = by_event[event] = Listener()
        page.on(event, listener.tell)  # type: ignore[call-overload]
    listener.watchers.append(handler)


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
