"""What every screen shares: waiting for itself, or saying what the portal showed instead.

Everything is found as a person perceives it (roles, names, headings), never by attributes
put there for tests: a real deployment's markup is not ours and has none.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from contextlib import suppress
from typing import Any, Self

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Request, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .errors import (
    PLAIN_TEXT_PAGE,
    PortalUnavailableError,
    ScreenLeftError,
    SignedOutError,
    SignInError,
    UnknownPageError,
    address_of,
    blocked_port,
    no_answer,
    page_says,
    untrusted_certificate,
)
from .exceptions import first_line
from .list_quiet import page_replaced
from .lost_page import say_lost_pages
from .not_selected import why_not_selected
from .owner_thread import check_thread
from .page_events import heed_failed_documents, listen, unlisten
from .page_load import wait_parsed
from .renewal import renewal_for
from .renewal_window import awaited_window_sign_in, screen_shown
from .screen_errors import ERROR_HEADING, ScreenTrouble, one_line, status_of  # noqa: F401 (known as pages.screen.*)
from .sign_in_steps import ANY_STEP_HEADING, sign_in_shown
from .strings import any_language
from .watch import highlight

log = logging.getLogger("flows")
# A screen drawn again under a page object shows again within this; not shown after it, the page left the screen.
LEFT_WAIT_MS = 2_000

# Playwright's log of an action it did, then waited on the navigation the action started (a key press
# logs itself before it is pressed: logged and timed out, it was pressed and the navigation waited on).
ACTION_DONE = re.compile(r"^\s*- (?:performing [\w ]+ action|[\w ]+ action done|elementHandle\.press\()", re.MULTILINE)
# Playwright's word for a navigation taken for another: the browser's error page of a navigation that failed
# before, shown late (Playwright issue #35944).
LATE_ERROR_PAGE = re.compile(r'interrupted by another navigation to "chrome-error:')
# True at the page's first change from now on, false after ``ms`` without any.
PAGE_CHANGED = """(ms) => new Promise((resolve) => {
  const observer = new MutationObserver(() => { observer.disconnect(); resolve(true); });
  observer.observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
  setTimeout(() => { observer.disconnect(); resolve(false); }, ms);
})"""
# A count after a menu item's name, as a badge shows it: " 12", " (3)", "[7]", " 99+", " 1,024".
COUNT_BADGE = r"(?:\s*[(\[]?\d[\d,.]*\+?[)\]]?)?"
# The first line of an element's ARIA snapshot: - role "name" [level=1]...
SNAPSHOT_LINE = re.compile(r'^- (?P<role>[\w-]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?(?P<attributes>(?: \[[^\]]*\])*)')


def menu(page: Page, key: str, *, holding: Locator, not_holding: Locator | None = None) -> Locator:
    """Return the navigation named ``key`` (in any language); where none is named so, the first navigation (or
    list of tabs, as a single-page portal may draw a customer's menu, or menu bar) holding ``holding``.

    A deployment's menus may be named otherwise, or not at all; ``not_holding`` rules out another menu
    that holds the same link.
    """
    named = named_menu(page, key)
    unnamed = page.locator(":root").filter(has_not=named)
    others = unnamed.get_by_role("navigation").or_(unnamed.get_by_role("tablist")).or_(unnamed.get_by_role("menubar"))
    return named.or_(others.filter(has=holding, has_not=not_holding)).first


def menu_shown(page: Page, key: str, shown: str | None, found: Locator) -> Locator:
    """Return the menu ``found`` (``menu``'s answer) narrowed to the navigation named ``key`` where its snapshot
    ``shown`` (``settle``'s answer) says that one showed: the first of ``menu``'s candidates is the first of them
    so named. Later looks then skip the search for unnamed menus, a walk of the whole page for each."""
    line = SNAPSHOT_LINE.match(shown or "")
    if line is None or line["role"] != "navigation" or not any_language(key).search(snapshot_name(line)):
        return found
    return named_menu(page, key).first


def named_menu(page: Page, key: str) -> Locator:
    """Return the navigations named ``key`` (in any language)."""
    return page.get_by_role("navigation", name=any_language(key))


@functools.cache
def item_name(key: str) -> re.Pattern[str]:
    """Return the pattern of a menu item's name for ``key`` (in any language), with or without a count badge after
    it ("Customers 12", "Customers (3)", "Customers 99+": the badge's words are the item's name's end)."""
    name = any_language(key)
    return re.compile(name.pattern.removesuffix(r"\s*$") + COUNT_BADGE + r"\s*$", name.flags)


def menu_item(within: Page | Locator, key: str, *, include_hidden: bool | None = None) -> Locator:
    """Return the menu's link named for ``key`` (``item_name``), or its tab so named (a tab list drawn as the menu),
    or its button or menu item so named (a component library's navigation item without an address, a menu bar's).
    ``include_hidden=True``: one in a menu folded away too."""
    name = item_name(key)
    link, tab, button, item = (
        within.get_by_role(role, name=name, include_hidden=include_hidden)
        for role in ("link", "tab", "button", "menuitem")
    )
    return link.or_(tab).or_(button).or_(item)


def link_or_button(within: Page | Locator, name: re.Pattern[str], *, disabled: bool | None = None) -> Locator:
    """Return the first link or button named ``name``: one portal's link is another's button, or a command bar's
    menu item. ``disabled=False``: only one that is enabled."""
    return links_or_buttons(within, name, disabled=disabled).first


def links_or_buttons(within: Page | Locator, name: re.Pattern[str], *, disabled: bool | None = None) -> Locator:
    """Return every link, button or menu item named ``name`` (``link_or_button``'s candidates)."""
    link = within.get_by_role("link", name=name, disabled=disabled)
    button = within.get_by_role("button", name=name, disabled=disabled)
    return link.or_(button).or_(within.get_by_role("menuitem", name=name, disabled=disabled))


def snapshot_name(line: re.Match[str]) -> str:
    """Return the name of a ``SNAPSHOT_LINE`` match, unescaped as JSON (an escape JSON does not know: as written)."""
    name = line["name"] or ""
    with suppress(ValueError):
        name = json.loads(f'"{name}"')
    return name


def snapshot_role(snapshot: str) -> str:
    """Return the role of the element an ARIA snapshot shows (its first line), "" if it shows none."""
    line = SNAPSHOT_LINE.match(snapshot)
    return line["role"] if line else ""


def goto(page: Page, path: str, **options: Any) -> Response | None:
    """``page.goto``, past the browser's error page of a navigation that failed before, shown late.

    Playwright takes that page for this navigation's and fails it (issue #35944): once it has loaded,
    the navigation is asked for again, once.
    """
    try:
        return page.goto(path, **options)
    except PlaywrightError as error:
        if not LATE_ERROR_PAGE.search(str(error)):
            raise
    with suppress(PlaywrightError):  # whatever shows now, it is shown: the navigation is asked for again
        page.wait_for_load_state(timeout=options.get("timeout"))
    return page.goto(path, **options)


class Screen(ScreenTrouble):
    """Base of the page objects of signed-in screens.

    A page lost under any of their public methods (it crashed, or it, its context or its browser was closed) is a
    ``PageCrashedError`` naming the method, not Playwright's bare ``Error``.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        say_lost_pages(cls)

    def __init__(self, page: Page) -> None:
        check_thread(page)
        self.page = page
        heed_failed_documents(page)  # a document cut off midway is said as such, not waited for (``wait_parsed``)
        # Where this screen was last found ready, until an action of its own may have left it: while the page
        # is still there, ``still_shown`` needs no round trip.
        self.ready_url: str | None = None
        self.sign_in_prompt = sign_in_shown(page)
        self.error_heading = page.get_by_role("heading", level=1, name=ERROR_HEADING)
        # An answer the browser shows as plain text: a gateway's own ("upstream connect error", Envoy's 503).
        self.plain_answer = page.locator(PLAIN_TEXT_PAGE)

    def settle(
        self, ready: Locator, *, renew: bool = True, present: Locator | None = None, whole: bool = False
    ) -> str | None:
        """Wait until ``ready`` shows; raise instead when the portal shows sign-in or an error page.

        So a script learns "signed out" or "403" at once, not from a timeout 30 seconds later.
        When the session has ended and the page's context may sign in again (``pages.renewal``),
        it does so once and waits for ``ready`` again; ``renew=False`` raises at once instead.
        Returns the ARIA snapshot of what showed when one look told (callers read it instead of
        asking the page again), None when it took a closer look. ``present`` is what shows before
        ``ready`` does (a list still loading): there at the timeout, the error says so. The snapshot holds what
        showed and its children, or ``whole``, everything in it (a list's rows: a larger read).
        """
        unanswered = self.browser_error_page()
        if unanswered is not None:
            raise unanswered
        try:
            shown = self.shown_ready(ready, whole=whole)
        except PlaywrightTimeoutError as error:
            if not awaited_window_sign_in(self.page):  # a window the portal opened to sign in, now signed in
                raise self.unknown_page(present or ready) from error  # waited the whole timeout once: not twice
            try:
                shown = self.shown_ready(ready, whole=whole)
            except PlaywrightTimeoutError as again:
                raise self.unknown_page(present or ready) from again
        if shown is not None:
            wait_parsed(self.page)
            screen_shown(self.page)
            return shown
        renewal = renewal_for(self.page) if renew else None
        while True:
            try:
                self.or_instead(ready).first.wait_for()
            except PlaywrightTimeoutError as error:
                raise self.unknown_page(present or ready) from error
            wait_parsed(self.page)
            if ready.first.is_visible():
                screen_shown(self.page)
                return None
            if self.error_heading.first.is_visible():
                raise self.shown_error()
            if self.plain_answer.count():
                raise self.plain_answer_error()
            if not self.sign_in_prompt.first.is_visible():
                continue  # ``ready`` came and went with a redraw: wait for it again
            if renewal is None:
                raise SignedOutError(
                    f"The portal asked to sign in again at {address_of(self.page.url)}: the session has ended. Sign "
                    "in again (flows.complete_sign_in), or let portal_session do it (renew_sign_in=True, a password)"
                )
            log.warning("The portal asked to sign in again at %s: signing in again", address_of(self.page.url))
            try:
                renewal(self.page)
            except SignInError as error:
                # Without its query: a callback's holds the authorization code (as ``SignInPage.stopped`` says).
                raise SignedOutError(
                    f"The session ended at {address_of(self.page.url)} and signing in again failed: {error}"
                ) from error
            renewal = None  # once: a portal that asks again at once is refusing, not expiring

    def still_shown(self, ready: Locator, what: str, *, renew: bool = True) -> None:
        """Return when the page still shows this screen (``ready``); else raise at once, not after the usual wait.

        For a page object used again after a while: its page may have left the screen since (submitted,
        cancelled, gone elsewhere), which is ``ScreenLeftError`` saying what the page shows instead; sign-in
        or an error page is said as such (``renew`` as for ``settle``).
        """
        if self.ready_url is not None and self.ready_url == self.page.url:  # known to the client: no round trip
            return
        if ready.first.is_visible():
            self.ready_url = self.page.url
            return
        try:
            self.or_instead(ready).first.wait_for(timeout=LEFT_WAIT_MS)
        except PlaywrightTimeoutError:
            unanswered = self.browser_error_page()
            if unanswered is not None:
                raise unanswered from None
            raise ScreenLeftError(
                f"The {what} is no longer shown at {self.page.url} (the page shows {page_says(self.page)!r}): "
                "it was submitted, cancelled or left since. Open it again, and use the page object that returns"
            ) from None
        self.settle(ready, renew=renew)  # sign-in or an error page: said as such
        self.ready_url = self.page.url

    def or_instead(self, ready: Locator) -> Locator:
        """Return ``ready``, or what the portal shows instead of a screen: sign-in, an error page, a plain answer."""
        return ready.or_(self.sign_in_prompt).or_(self.error_heading).or_(self.plain_answer)

    def found_ready(self) -> Self:
        """Note the screen found ready where the page is now; return it."""
        self.ready_url = self.page.url
        return self

    def shown_ready(self, ready: Locator, *, whole: bool = False) -> str | None:
        """Return, in one round trip, the ARIA snapshot of ``ready`` if the page shows it rather than
        sign-in or an error page.

        The first of the three to appear is read as the accessibility tree reads it (its role and name,
        as ``get_by_role`` matches them). Anything else (it is hidden, it is an error or sign-in, the
        page navigated meanwhile) answers None, and ``settle`` looks closer.
        """
        try:
            shown = self.or_instead(ready).first
            snapshot = shown.aria_snapshot(depth=None if whole else 1)  # its children at most: what is read
        except PlaywrightTimeoutError:
            raise  # none of the three came: ``settle`` says what the page is instead
        except PlaywrightError:  # the page navigated meanwhile
            return None
        line = SNAPSHOT_LINE.match(snapshot)
        if line is None:  # hidden: not in the accessibility tree
            return None
        role, name = line["role"], snapshot_name(line)
        # Compared as get_by_role compares names with a pattern: a search.
        if role == "heading" and "[level=1]" in line["attributes"]:
            trouble = bool(ERROR_HEADING.search(name) or ANY_STEP_HEADING.search(name))
        elif role == "text":  # what a plain-text answer shows as (so may a screen's own text, rarely)
            trouble = self.plain_answer.count() > 0
        else:
            trouble = role == "button" and bool(any_language("sign_in").search(name))
        return None if trouble else snapshot

    def goto(self, path: str) -> None:
        """Go to ``path`` (below the base URL); raise ``PortalUnavailableError`` when nothing answers there, or
        nothing in time (a portal that holds the request: Playwright's timeout).

        Done once the portal's page arrives, as a link's click is: the screen's ``settle`` waits for what it
        shows. So a resource the page still loads (an image or font from another site, slow or blocked) is
        no "portal did not answer".
        """
        try:
            goto(self.page, path, wait_until="commit")
            self.gone_to = self.page.url
        except PlaywrightError as error:
            refused = untrusted_certificate(error, path) or blocked_port(error, path)
            if refused is not None:
                raise refused from None
            if not (isinstance(error, PlaywrightTimeoutError) or no_answer(error)):
                raise
            reason = first_line(error)
            raise PortalUnavailableError(f"The portal did not answer {path}: {reason}") from None

    def select(self, target: Locator, what: str, *, key: str | None = None) -> None:
        """Select ``target`` (a link or button; or press ``key`` in it) as a person does, raising the library's errors.

        A navigation it starts that the portal refuses leaves the browser's own error page: that raises
        ``PortalUnavailableError`` at once. One the portal leaves unanswered for the whole timeout raises it
        too; a ``target`` that could not be selected in time (never shown, disabled, covered), an
        ``UnknownPageError``. ``what`` names the target in those errors ("Edit").
        """
        where, refused = self.page.url, []
        self.ready_url = None  # what it selects may leave the screen

        def note(request: Request) -> None:  # the browser's word, which may come before its error page shows
            failure = request.failure or ""
            if request.is_navigation_request() and request.frame == self.page.main_frame and no_answer(failure):
                refused.append(failure)

        listen(self.page, "requestfailed", note)
        try:
            if key is None:
                highlight(target).click()
            else:
                target.press(key)
        except PlaywrightTimeoutError as error:
            timeout = first_line(error)
            if ACTION_DONE.search(str(error)):
                raise PortalUnavailableError(f"The portal did not answer {what} at {where}: {timeout}") from error
            said = f"{timeout.rstrip('.')}{why_not_selected(self.page, error)}"
            raise UnknownPageError(f"{what} could not be selected at {where}: {said}") from error
        finally:
            unlisten(self.page, "requestfailed", note)
        if refused:
            raise PortalUnavailableError(f"The portal did not answer {what} at {where}: {refused[0]}")
        unanswered = self.browser_error_page(f"{what} at {where}")
        if unanswered is not None:
            raise unanswered

    def wait_for_change(self, timeout_ms: float) -> bool:
        """Wait until anything in the page changes (its content, an attribute); False when nothing did in time.

        For a page that may still be redrawing what it shows (a view shown from a cache, then fetched anew).
        """
        try:
            return bool(self.page.evaluate(PAGE_CHANGED, timeout_ms))
        except PlaywrightError as error:
            if page_replaced(error):  # by a new page meanwhile: a change too
                return True
            raise


say_lost_pages(Screen)  # its own methods too: a script may ask a screen to settle or look again
