"""What a screen says went wrong instead of showing itself: an error page, a gateway's plain answer, the browser's
own error page, or a page the library does not know (``ScreenTrouble``, which every ``Screen`` is)."""

from __future__ import annotations

import re
from contextlib import suppress
from typing import ClassVar

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from .errors import (
    BROWSER_ERROR_PAGE,
    PageError,
    PortalError,
    PortalUnavailableError,
    UnknownPageError,
    address_of,
    browser_error_page,
    document_status,
    error_for_status,
    gateway_answered,
    page_says,
    retry_after_seconds,
    unread_language,
)
from .page_events import failed_document
from .renewal import renewal_for
from .renewal_window import window_sign_in_error
from .strings import UI_STRINGS, alternatives, any_language

ASK_WAIT_TIMEOUT_MS = 5_000  # for the one GET that asks a throttled page's address how long to wait
ERROR_TITLES = {int(key.rsplit("_", 1)[1]): key for key in UI_STRINGS if key.startswith("error_title_")}
# An error page says what happened in its main heading: its status ("404 Page not found"), or its title.
ERROR_HEADING = re.compile(
    r"^\s*(?:[45]\d\d\b.*|"
    + alternatives(tuple(title for key in ERROR_TITLES.values() for title in UI_STRINGS[key]))
    + r")\s*$",
    re.DOTALL | re.IGNORECASE,  # "Page Not Found" as well
)


def status_of(heading: str) -> int:
    """Return the HTTP status an error page's heading names (its number, else its title); 0 if neither."""
    number = re.match(r"\s*([45]\d\d)\b", heading)
    if number:
        return int(number.group(1))
    return next((status for status, key in ERROR_TITLES.items() if any_language(key).match(heading)), 0)


def one_line(element: Locator) -> str:
    """Return what ``element`` says, on one line (its first 200 characters), for an error's message."""
    return " ".join(element.inner_text().split())[:200]


class ScreenTrouble:
    """Reading what a page shows instead of its screen into the library's errors (a ``Screen``'s part)."""

    OF_CUSTOMER: ClassVar[bool] = False  # a screen of one customer: a 404 there means no such customer
    awaited = ""  # what a wait under way is for, when not this screen (Submit's answer): errors name it
    page: Page
    error_heading: Locator
    plain_answer: Locator
    gone_to: str | None = None  # the address this screen was last opened at by its address (``Screen.goto``)

    def browser_error_page(self, asked: str = "") -> PortalUnavailableError | None:
        """Return the error for the browser's own error page shown instead of the portal's, else None.

        The browser shows it for a navigation the portal did not answer (refused, reset, unreachable).
        ``asked`` says what led there, when known.
        """
        return browser_error_page(self.page, asked or f"where the {type(self).__name__} was awaited")

    def unknown_page(self, present: Locator) -> PortalError:
        """Return the error for a page that showed neither the screen ready, nor sign-in, nor an error page in time.

        ``present`` is the screen before it is ready: there, the screen is still loading, or stuck. The
        browser's own error page (a navigation the portal failed to answer) is ``PortalUnavailableError``.
        """
        unanswered = self.browser_error_page()
        if unanswered is not None:
            return unanswered
        in_the_way = window_sign_in_error(self.page, renewal_for)  # a sign-in window, failed or left open
        if in_the_way is not None:
            return in_the_way
        with suppress(PlaywrightError):  # Firefox keeps the address asked for; its document says what it is
            if BROWSER_ERROR_PAGE.match(str(self.page.evaluate("document.documentURI"))):
                return PortalUnavailableError(
                    f"The portal did not answer {self.page.url}: the browser shows its own error page instead"
                )
        says = page_says(self.page)
        waiting = f"Waiting for {self.awaited or 'the ' + type(self).__name__} at {self.page.url}"
        it_says = f"; it says {says!r}" if says else ""
        failure = failed_document(self.page)
        if failure is not None:  # the network's doing, as a reset is: looked at again, it may come whole
            return UnknownPageError(
                f"{waiting}: the portal's page was cut off ({failure}), shown in part{it_says}", unanswered=True
            )
        status = document_status(self.page)
        if status >= 400:  # an error answer that is no error page the library knows (no heading, a proxy's words)
            return self.error_for(
                status, f"{says} (a page the library does not know, at {self.page.url})", of_customer=False
            )
        gateway = gateway_answered(self.page, scripts=True)
        if gateway is not None:  # what draws the screen never came: the portal behind the gateway did not answer
            return UnknownPageError(
                f"{waiting}: a gateway answered the page's request at {address_of(gateway[1])} with HTTP {gateway[0]}, "
                "in the portal's place",
                unanswered=True,
            )
        if present.count():
            seen = "it shows, but it never finished loading (hidden, or still busy)"
        else:
            seen = "the page showed neither it, nor sign-in, nor an error page the library knows"
        unread = unread_language(self.page)
        return UnknownPageError(f"{waiting}: {seen}{it_says}" + (f"; {unread}" if unread else ""))

    def shown_error(self) -> PageError:
        """Return the error for the error page shown: its status from the heading, its message.

        A busy page (429, 503) says how long to wait in its answer's ``Retry-After``, which the browser
        does not keep for a page a link opened: ``asked_wait`` asks its address again.
        """
        heading = self.error_heading.first.inner_text().strip()
        alert = self.page.get_by_role("alert")
        message = alert.first.inner_text().strip() if alert.count() else heading
        where = f" (at {address_of(self.page.url)})"  # which screen: a dashboard shows the message alone
        status = status_of(heading)
        if status == 404 and self.gone_to == self.page.url:  # maybe no such address here, rather than no such thing
            where += (
                "; opened by its address as pages.screen_addresses() lays it out: if this deployment keeps the screen "
                "elsewhere, tell it so with --screen-addresses (or $PORTAL_SCREEN_ADDRESSES)"
            )
        return self.error_for(status, message + where, of_customer=self.OF_CUSTOMER)

    def plain_answer_error(self) -> PageError:
        """Return the error for an answer shown as plain text: a gateway's, its status from the page's own timing.

        Never ``CustomerNotFoundError``: a gateway's 404 is an address it does not route, not a customer.
        """
        status = document_status(self.page)
        said = one_line(self.plain_answer.first)
        return self.error_for(status, f"{said} (shown as plain text, at {self.page.url})", of_customer=False)

    def error_for(self, status: int, message: str, *, of_customer: bool) -> PageError:
        """Return the error for an answer with ``status``; a busy one (429, 503) with the wait its address asks."""
        wait = self.asked_wait() if status in (429, 503) else None
        return error_for_status(status, message, of_customer=of_customer, retry_after=wait)

    def asked_wait(self) -> float | None:
        """Return the seconds the page's address asks to wait now (its ``Retry-After``), None if it does not.

        One GET (the context's cookies and extra headers, not a page's own; no redirect followed): a
        portal still busy answers it as it answered the page. Unreachable, not a web address
        (``about:blank``, the browser's error page), or answering otherwise (no longer busy): None.
        """
        try:
            answer = self.page.request.get(
                self.page.url, max_redirects=0, fail_on_status_code=False, timeout=ASK_WAIT_TIMEOUT_MS
            )
        except PlaywrightError:
            return None
        busy = answer.status in (429, 503)
        wait = retry_after_seconds(answer.headers.get("retry-after"), answer.headers.get("date")) if busy else None
        with suppress(PlaywrightError):  # the context closing meanwhile: the body goes with it
            answer.dispose()
        return wait
