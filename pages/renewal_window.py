"""Signing in again in a window the portal opens by itself, its page staying where it is.

A single-page portal built on MSAL.js renews an expired session with ``acquireTokenPopup``: it opens the identity
provider in a popup (blank at first, then sent to the provider) and waits, showing its screen as it was, until the
popup hands a token back and closes. No screen asks to sign in, so a screen's wait would run out its timeout. A
context that may sign in again (``pages.renewal``) answers such a window's steps with its renewal as soon as the
window shows one of the provider's steps, in a greenlet of its own beside the flow; a window that shows none (a
help page, a report) is left alone. A screen whose wait runs out while a window is being signed in waits for the
window, then for itself once more. A renewal that fails there is said by the screen that waited, as
``SignedOutError``; so is a sign-in window left open in a context that may not sign in again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from weakref import WeakKeyDictionary, WeakSet

from greenlet import greenlet
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .errors import PageCrashedError, SignInWindowError, address_of
from .sign_in_steps import provider_step  # not the portal's Sign in: a help page may offer one

SignInRenewal = Callable[[Page], None]
"""Signs in again on ``page``, which shows the portal's sign-in; raises ``SignInError`` when refused."""
RenewalOf = Callable[[Page], SignInRenewal | None]  # how a page's context signs in again, if it may


log = logging.getLogger("flows")
WINDOW_PROBE_MS = 15_000  # how long a new window may take to show a step before it is taken for another kind
WINDOW_SIGN_IN_MS = 90_000  # how long a screen waits for a window being signed in (codes may take 30 s each)
POLL_MS = 100  # how often that wait looks again for a renewal's end that closed no window
BLANK = "about:blank"

_watched: WeakSet[BrowserContext] = WeakSet()  # contexts whose new windows are looked at
_failures: WeakKeyDictionary[BrowserContext, tuple[str, Exception]] = WeakKeyDictionary()
_looked_at: WeakSet[Page] = WeakSet()  # the windows being looked at, then perhaps signed in on, by a renewal
_answering: WeakSet[Page] = WeakSet()  # those being signed in on
_signing_in: WeakSet[Page] = WeakSet()  # pages the library signs in on: a window they open is followed there
_renewed: WeakSet[BrowserContext] = WeakSet()  # contexts signed in again in a window since a screen last came


@contextmanager
def signing_in_on(page: Page) -> Iterator[None]:
    """Mark ``page`` as signed in on by the library meanwhile: a sign-in window it opens (the portal's Sign in
    through MSAL.js's ``loginPopup``) is that sign-in's to follow, not answered a second time by the renewal."""
    marked = page not in _signing_in  # a renewal's sign-in in a window is marked before it begins
    _signing_in.add(page)
    try:
        yield
    finally:
        if marked:
            _signing_in.discard(page)


def is_sign_in_window(page: Page) -> bool:
    """Tell whether ``page`` is a window the portal opened to sign in again, being answered: done when it closes."""
    return page in _answering


def watch_sign_in_windows(context: BrowserContext, renewal_of: RenewalOf) -> None:
    """Answer, with ``renewal_of``'s renewal, each sign-in window a page of ``context`` opens (once per context)."""
    if context in _watched:
        return
    _watched.add(context)

    def answer_later(window: Page) -> None:
        # Run in the handler, the answer would hold back the rest of the event (the opener's "popup", a caller's
        # expect_popup) until the window was signed in. A greenlet of its own, started by the event loop that runs
        # Playwright's sync calls, waits in its calls as an event handler does, and the rest goes on.
        asyncio.get_running_loop().call_soon(
            lambda: greenlet(lambda: answer_sign_in_window(window, renewal_of)).switch()
        )

    context.on("page", answer_later)


def shows_provider_step(window: Page) -> bool:
    """Tell whether ``window`` shows a step of the identity provider's within ``WINDOW_PROBE_MS`` (once sent on from
    a blank page)."""
    deadline = time.monotonic() + WINDOW_PROBE_MS / 1000
    try:
        window.wait_for_url(lambda url: url != BLANK, wait_until="commit", timeout=WINDOW_PROBE_MS)
        left_ms = max(1.0, (deadline - time.monotonic()) * 1000)
        provider_step(window).first.wait_for(timeout=left_ms)
    except PlaywrightError:  # a timeout too: another kind of window, or one closed meanwhile
        return False
    return True


def answer_sign_in_window(window: Page, renewal_of: RenewalOf) -> None:
    """Answer the sign-in steps of ``window``, a popup opened by one of its context's pages, with the renewal.

    What it raised would come out of whatever call the flow makes next, or stop Playwright's event loop: a failure
    is kept for the screen that waits (``window_sign_in_error``), said in the log, and the window closed.
    """
    where = address_of(window.url)
    opener = window.opener()
    if opener is None or opener in _signing_in:
        return

    def closed(_: Page) -> None:
        # The window closes once the provider hands the sign-in back: the renewal's end, marked here, not once its
        # greenlet next runs, so the screen that waits for the close (``awaited_window_sign_in``) finds it marked.
        if window in _answering:
            _renewed.add(window.context)
            _looked_at.discard(window)

    window.once("close", closed)
    _looked_at.add(window)  # a screen whose wait runs out meanwhile waits for it
    try:
        if not shows_provider_step(window):
            return
        renewal = renewal_of(window)
        if renewal is None or opener in _signing_in or window in _signing_in:  # signed in on meanwhile
            return
        where = address_of(window.url)
        log.warning("The portal opened a window to sign in again, at %s: signing in there", where)
        _signing_in.add(window)  # before the renewal's first step: a caller's sign-in on it is not begun twice
        _answering.add(window)
        try:
            renewal(window)
        finally:
            _signing_in.discard(window)
            _answering.discard(window)
        if not window.is_closed():  # else marked at its close; a window back at the portal is the portal's to close
            _renewed.add(window.context)
    except Exception as error:  # kept for the screen that waits, and said there
        # Closed under it (its page, its context): Playwright's word, or the sign-in's own for a page lost.
        if window.is_closed() and isinstance(error, (PlaywrightError, PageCrashedError)):
            log.info("The sign-in window at %s closed before it was signed in: %s", where, error)
            return
        _failures[window.context] = (where, error)
        log.warning("Signing in again in the window the portal opened at %s failed: %s", where, error)
        with suppress(PlaywrightError):
            window.close()
    finally:
        _looked_at.discard(window)


def awaited_window_sign_in(page: Page) -> bool:
    """Wait while a window in ``page``'s context is looked at or signed in on by a renewal (at most
    ``WINDOW_SIGN_IN_MS``); return whether a window was signed in since a screen last came: a screen whose wait ran
    out meanwhile waits for itself once more. One that failed is said at once (``window_sign_in_error``); one of
    another kind (a help page) is no reason to wait again."""
    deadline = time.monotonic() + WINDOW_SIGN_IN_MS / 1000
    while page.context not in _failures:
        left_ms = (deadline - time.monotonic()) * 1000
        windows = [window for window in list(_looked_at) if window.context == page.context and not window.is_closed()]
        if not windows or left_ms <= 0:
            break
        # The window closes once signed in (or failed): that ends this wait at once. Its renewal's end (a window of
        # another kind let be) is told by no event, so it is looked at again each POLL_MS. Either goes on meanwhile:
        # it runs in this thread, while this call waits.
        with suppress(PlaywrightTimeoutError):
            windows[0].wait_for_event("close", timeout=min(POLL_MS, left_ms))
    if page.context in _failures or page.context not in _renewed:
        return False
    _renewed.discard(page.context)  # one wait more for each sign-in in a window
    return True


def screen_shown(page: Page) -> None:
    """Forget a sign-in window's failure in ``page``'s context once a screen came all the same: it stood in no way,
    and a later wait that runs out is not to be said as its."""
    _failures.pop(page.context, None)
    _renewed.discard(page.context)


def window_sign_in_error(page: Page, renewal_of: RenewalOf) -> SignInWindowError | None:
    """Return why ``page``'s screen never came, when a sign-in window stands in its way: one whose renewal failed, or
    one left open at a step of the provider's; else None."""
    failed = _failures.pop(page.context, None)
    if failed is not None:
        where, error = failed
        said = SignInWindowError(
            f"The portal opened a window to sign in again at {where} while {address_of(page.url)} waited, and signing "
            f"in there failed: {error}"
        )
        said.__cause__ = error
        return said
    for window in page.context.pages:
        with suppress(PlaywrightError):
            if window.opener() != page or not provider_step(window).first.is_visible():
                continue
            at, there = address_of(page.url), address_of(window.url)
            waits = f"The portal at {at} waits for a sign-in in a window of its own, at {there}"
            if is_sign_in_window(window):
                return SignInWindowError(f"{waits}, still being signed in after {WINDOW_SIGN_IN_MS / 1000:g} s")
            if renewal_of(page) is None:
                return SignInWindowError(
                    f"{waits}: the session has ended. Let portal_session sign in again (renew_sign_in=True, a "
                    "password), or sign in again (flows.complete_sign_in on that window)"
                )
            return SignInWindowError(
                f"{waits}, whose step came too late to be answered (after {WINDOW_PROBE_MS / 1000:g} s)"
            )
    return None
