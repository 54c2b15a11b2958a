"""Signing in again when a portal session ends in the middle of a run.

Sessions end: they expire, the portal restarts, an administrator signs everyone out. A browser
context may carry a *renewal*: a function that signs in again on a page that shows sign-in.
When a screen finds sign-in where it expected itself, it calls the renewal once and waits for
itself again (the portal sends the browser back to the page it asked for). Without one, or
when it fails, the screen raises ``SignedOutError`` as before.

A Submit is never renewed: the portal did not take the form, and signing in again would return
to an empty form, so the caller is told that nothing was saved instead.

A single-page portal built on MSAL.js renews an expired session with ``acquireTokenPopup``: it opens the identity
provider in a popup (blank at first, then sent to the provider) and waits, showing its screen as it was, until the
popup hands a token back and closes. No screen asks to sign in, so a screen's wait would run out its timeout. A
context that may sign in again answers such a window's steps with its renewal as soon as the window shows one; a
window that shows none (a help page, a report) is left alone. A renewal that fails there is said by the screen that
waited, as ``SignedOutError``; so is a sign-in window left open in a context that may not sign in again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from weakref import WeakKeyDictionary, WeakSet

from greenlet import greenlet
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from .errors import SignedOutError, address_of
from .sign_in_steps import sign_in_shown

SignInRenewal = Callable[[Page], None]
"""Signs in again on ``page``, which shows the portal's sign-in; raises ``SignInError`` when refused."""

log = logging.getLogger("flows")
WINDOW_PROBE_MS = 5_000  # how long a new window may take to show a sign-in step before it is taken for another kind
BLANK = "about:blank"

_renewals: WeakKeyDictionary[BrowserContext, SignInRenewal] = WeakKeyDictionary()
_watched: WeakSet[BrowserContext] = WeakSet()  # contexts whose new windows are looked at
_failures: WeakKeyDictionary[BrowserContext, tuple[str, Exception]] = WeakKeyDictionary()
_signing_in: WeakSet[Page] = WeakSet()  # pages the library signs in on: a window they open is followed there


@contextmanager
def signing_in_on(page: Page) -> Iterator[None]:
    """Mark ``page`` as signed in on by the library meanwhile: a sign-in window it opens (the portal's Sign in
    through MSAL.js's ``loginPopup``) is that sign-in's to follow, not answered a second time by the renewal."""
    _signing_in.add(page)
    try:
        yield
    finally:
        _signing_in.discard(page)


def renew_sign_in_with(context: BrowserContext, renewal: SignInRenewal | None) -> None:
    """Let screens in ``context`` sign in again with ``renewal`` when their session ends (None: never)."""
    if renewal is None:
        _renewals.pop(context, None)
    else:
        _renewals[context] = renewal
        if context not in _watched:  # a sign-in window the portal opens by itself is answered there
            _watched.add(context)
            context.on("page", answer_later)


def renewal_for(page: Page) -> SignInRenewal | None:
    """Return how ``page``'s context signs in again, if it may."""
    return _renewals.get(page.context)


def shows_sign_in(window: Page, timeout_ms: float) -> bool:
    """Tell whether ``window`` shows a sign-in step within ``timeout_ms`` (once sent on from a blank page)."""
    try:
        window.wait_for_url(lambda url: url != BLANK, timeout=timeout_ms)
        sign_in_shown(window).first.wait_for(timeout=timeout_ms)
    except PlaywrightError:  # a timeout too: another kind of window, or one closed meanwhile
        return False
    return True


def answer_later(window: Page) -> None:
    """Answer ``window`` (``answer_sign_in_window``) beside whatever else runs, once this event handler returned.

    Run in the handler, the answer would hold back the rest of the event: the opener's "popup" (a caller's
    ``expect_popup``) would come only once the window was signed in. In a greenlet of its own, started by the event
    loop that runs Playwright's sync calls, it waits in its calls as an event handler does, and the rest goes on.
    """

    def answer() -> None:
        try:
            answer_sign_in_window(window)
        except Exception as error:  # raised in the event loop's greenlet, it would stop the loop
            log.warning("A window the portal opened could not be looked at: %s", error)

    asyncio.get_running_loop().call_soon(lambda: greenlet(answer).switch())


def answer_sign_in_window(window: Page) -> None:
    """Answer the sign-in steps of ``window``, a popup opened by one of its context's pages, with the renewal.

    What it raised would come out of whatever call the flow makes next, or stop Playwright's event loop: a failure
    is kept for the screen that waits (``window_sign_in_error``) and the window closed.
    """
    renewal, opener = renewal_for(window), window.opener()
    if renewal is None or opener is None or opener in _signing_in or not shows_sign_in(window, WINDOW_PROBE_MS):
        return
    if opener in _signing_in or window in _signing_in:  # signed in on meanwhile, by its page's sign-in or a caller
        return
    where = address_of(window.url)
    log.warning("The portal opened a window to sign in again, at %s: signing in there", where)
    try:
        renewal(window)
    except Exception as error:  # kept for the screen that waits, and said there
        _failures[window.context] = (where, error)
        log.warning("Signing in again in the window the portal opened at %s failed: %s", where, error)
        with suppress(PlaywrightError):
            window.close()


def screen_shown(page: Page) -> None:
    """Forget a sign-in window's failure in ``page``'s context once a screen came all the same: it stood in no way,
    and a later wait that runs out is not to be said as its."""
    _failures.pop(page.context, None)


def window_sign_in_error(page: Page) -> SignedOutError | None:
    """Return why ``page``'s screen never came, when a sign-in window stands in its way: one whose renewal failed,
    or one left open where nothing signs in again; else None."""
    failed = _failures.pop(page.context, None)
    if failed is not None:
        where, error = failed
        said = SignedOutError(
            f"The portal opened a window to sign in again at {where} while {address_of(page.url)} waited, and signing "
            f"in there failed: {error}"
        )
        said.__cause__ = error
        return said
    for window in page.context.pages:
        with suppress(PlaywrightError):
            if window.opener() == page and sign_in_shown(window).first.is_visible():
                return SignedOutError(
                    f"The portal at {address_of(page.url)} waits for a sign-in in a window of its own, at "
                    f"{address_of(window.url)}: the session has ended. Let portal_session sign in again "
                    "(renew_sign_in=True, a password), or sign in again (flows.complete_sign_in on that window)"
                )
    return None
