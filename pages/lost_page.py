"""A page lost under a screen's method (crashed, or it, its context or its browser closed): ``PageCrashedError``.

Each public method of a ``Screen`` says so in the library's error, naming itself, where it was Playwright's bare
``Error``; calls within the library's own methods are left as Playwright raised them, for their own handling.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from playwright.sync_api import Error as PlaywrightError

from .errors import page_lost
from .exceptions import PageCrashedError, first_line

Method = TypeVar("Method", bound=Callable[..., Any])

# Whether a screen's method is under way: only the outermost, the caller's own, converts. A context variable, not
# a thread's: Playwright runs event handlers in greenlets of their own, each with its own context.
within_screen: ContextVar[bool] = ContextVar("within_screen", default=False)


def lost_page_error(where: str, url: str, error: PlaywrightError) -> PageCrashedError:
    """Return the library's error for ``error``, a page lost while doing ``where`` at ``url``."""
    said = first_line(error)
    lost = PageCrashedError(f"{where}: the browser's page crashed or was closed at {url}: {said}")
    lost.where, lost.url, lost.said = where, url, said
    return lost


def said_lost(method: Method) -> Method:
    """Wrap a screen's ``method`` so that a page lost under it is a ``PageCrashedError`` naming it."""

    @functools.wraps(method)
    def boundary(self: Any, *args: Any, **kwargs: Any) -> Any:
        if within_screen.get():
            return method(self, *args, **kwargs)
        token = within_screen.set(True)
        try:
            return method(self, *args, **kwargs)
        except PlaywrightError as error:
            if not page_lost(error):
                raise
            raise lost_page_error(f"{type(self).__name__}.{method.__name__}", self.page.url, error) from error
        finally:
            within_screen.reset(token)

    boundary.said_lost = True  # type: ignore[attr-defined]
    return boundary  # type: ignore[return-value]


def say_lost_pages(cls: type) -> None:
    """Wrap each public method ``cls`` defines itself (not its properties, static or class methods)."""
    for name, member in list(vars(cls).items()):
        plain = callable(member) and not isinstance(member, (staticmethod, classmethod, type))
        if plain and not name.startswith("_") and not getattr(member, "said_lost", False):
            setattr(cls, name, said_lost(member))
