"""Signing in again when a portal session ends in the middle of a run.

Sessions end: they expire, the portal restarts, an administrator signs everyone out. A browser
context may carry a *renewal*: a function that signs in again on a page that shows sign-in.
When a screen finds sign-in where it expected itself, it calls the renewal once and waits for
itself again (the portal sends the browser back to the page it asked for). Without one, or
when it fails, the screen raises ``SignedOutError`` as before. A portal that renews its session in a
window of its own instead (MSAL.js's ``acquireTokenPopup``) is signed in there (``pages.renewal_window``).

A Submit is never renewed: the portal did not take the form, and signing in again would return
to an empty form, so the caller is told that nothing was saved instead.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from playwright.sync_api import BrowserContext, Page

from .renewal_window import SignInRenewal, watch_sign_in_windows

_renewals: WeakKeyDictionary[BrowserContext, SignInRenewal] = WeakKeyDictionary()


def renew_sign_in_with(context: BrowserContext, renewal: SignInRenewal | None) -> None:
    """Let screens in ``context`` sign in again with ``renewal`` when their session ends (None: never), and in the
    sign-in windows its pages open by themselves."""
    if renewal is None:
        _renewals.pop(context, None)
    else:
        _renewals[context] = renewal
        watch_sign_in_windows(context, renewal_for)


def renewal_for(page: Page) -> SignInRenewal | None:
    """Return how ``page``'s context signs in again, if it may."""
    return _renewals.get(page.context)
