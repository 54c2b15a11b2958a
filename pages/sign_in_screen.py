"""What the identity provider's sign-in page shows: which step, its refusal, its alert, an error page instead.

``SignInScreen`` finds the step by its heading and its fields' accessible names in any of the three
languages first; the field names that Microsoft's pages have long kept (``loginfmt``, ``passwd``, ``otc``)
back them up. Element ids are never used: Microsoft changes them. ``pages.sign_in.SignInPage`` answers the
steps it finds.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .errors import (
    SignInError,
    SignInInterruptedError,
    SignInStalledError,
    browser_error_page,
    document_status,
    page_says,
    unread_language,
)
from .errors import address_of as without_query
from .page_load import wait_parsed
from .sign_in_steps import (  # what the steps look like
    AADSTS_CODE,
    DESCRIBED_BY,
    ERROR_PAGE_PROBE_MS,
    FOCUSABLE,
    PASSWORD_BOXES,
    PICK_ACCOUNT_HEADING,
    STEP_HEADINGS,
    TEXT_BOXES,
    WORDS_UNDER_HEADING,
    handed_back,
    option_text,
    tiles_said,
)
from .strings import any_language


@dataclass
class ShownStep:
    """The step a sign-in page shows, and the error at its field if the last answer was refused."""

    name: str  # a key of STEP_HEADINGS (account, also "Pick an account"; password, ...), or portal (its Sign in)
    error: str | None = None


class SignInScreen:
    """The provider's sign-in pages, whichever step they show, as read: each step's elements, and what it says."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.headings = {step: self.heading(key) for step, key in STEP_HEADINGS.items()}
        self.pick_heading = self.heading(PICK_ACCOUNT_HEADING)
        self.headings["account"] = self.headings["account"].or_(self.pick_heading)
        self.tiles = page.get_by_role("button").or_(page.get_by_role("link")).or_(page.locator(FOCUSABLE))
        self.other_account_tile = self.tile_showing(any_language("use_another_account", "sign-in"))
        self.other_way = self.tile_showing(option_text("cant_use_authenticator", "sign_in_another_way"))
        self.code_option = self.tile_showing(option_text("use_code"))
        self.password_option = self.tile_showing(option_text("use_password_instead"))
        self.skip_option = self.tile_showing(option_text("skip_for_now"))
        self.account = self.field("account_label", "loginfmt")
        self.password = self.field("password", "passwd")
        # The code's field named otherwise (another name than otc, no label): by its placeholder ("Code"), or as a
        # one-time code's; else it is the step's only text box.
        self.code = (
            self.field("code", "otc")
            .or_(page.get_by_placeholder(any_language("code", "sign-in")))
            .or_(page.locator("input[autocomplete=one-time-code]"))
        )
        self.text_boxes = page.locator(TEXT_BOXES).filter(visible=True)
        self.next_button = page.get_by_role("button", name=any_language("next", "sign-in"))
        self.sign_in_button = page.get_by_role("button", name=any_language("sign_in", "sign-in"))
        self.verify_button = page.get_by_role("button", name=any_language("verify", "sign-in"))
        self.yes_button = page.get_by_role("button", name=any_language("yes", "sign-in"))
        self.no_button = page.get_by_role("button", name=any_language("no", "sign-in"))
        self.dont_show_again = page.get_by_role("checkbox", name=any_language("dont_show_again", "sign-in"))
        self.portal_sign_in = page.get_by_role("button", name=any_language("sign_in"))
        # A password asked for under a heading the library does not know (another wording): a password step
        # all the same, and never the portal's own Sign in page, whose button bears the same name.
        self.password_shown = page.locator(PASSWORD_BOXES).filter(visible=True)
        self.error = page.get_by_role("alert")
        self.alerts_with_words = self.error.filter(visible=True, has_text=re.compile(r"\S"))
        self.error_code = page.get_by_text(AADSTS_CODE).filter(visible=True)  # Entra's error pages quote one

    def heading(self, key: str) -> Locator:
        """Return the main heading of a step."""
        return self.page.get_by_role("heading", level=1, name=any_language(key, "sign-in"))

    def tile_showing(self, text: re.Pattern[str]) -> Locator:
        """Return the tiles that show ``text`` as their text or an element's: the innermost button, link or
        focusable element with it (a list item drawn around a tile is no tile)."""
        showing = self.tiles.filter(has=self.page.get_by_text(text)).or_(self.tiles.filter(has_text=text))
        return showing.filter(has_not=showing).filter(visible=True)

    def field(self, label: str, name: str) -> Locator:
        """Return a step's input by its accessible name, or by the form field name automation relies on."""
        return self.page.get_by_label(any_language(label, "sign-in")).or_(self.page.locator(f"input[name={name}]"))

    def shown(self, done: Locator) -> ShownStep | None:
        """Wait until a step shows, or ``done`` (a signed-in portal page); return the step, None when done."""
        steps = [*self.headings.values(), self.portal_sign_in]
        waiting = done
        for step in steps:
            waiting = waiting.or_(step)
        self.wait_shown(waiting, "the sign-in showed no step the library knows")
        wait_parsed(self.page)
        if done.first.is_visible():
            return None
        for name, heading in self.headings.items():
            if heading.is_visible():
                return ShownStep(name, self.field_error())
        passwords = self.password_shown.count()
        if passwords > 1:  # a password to change, under a heading no table knows: the current one, a new one twice
            return ShownStep("password_change")
        if passwords:
            return ShownStep("password", self.field_error())
        return ShownStep("portal")

    def wait_shown(self, target: Locator, failure: str) -> None:
        """Wait until ``target`` shows, else raise ``SignInError`` saying ``failure``.

        An error page instead (the portal's 400 at its callback, the browser's own page) is said at once.
        """
        try:
            target.first.wait_for(timeout=ERROR_PAGE_PROBE_MS)
        except PlaywrightTimeoutError:
            self.check_not_an_error_page()
            unread = unread_language(self.page)
            if unread:  # none of its steps' words will show
                raise self.stopped(f"{failure}: {unread}") from None
            try:
                target.first.wait_for()
            except PlaywrightTimeoutError:
                raise self.stopped(failure, SignInStalledError) from None

    def check_not_an_error_page(self) -> None:
        """Raise at once when the sign-in stopped at an error page: the browser's own, or an HTTP error's."""
        unanswered = browser_error_page(self.page, "the sign-in")
        if unanswered is not None:
            raise unanswered
        status = document_status(self.page)  # 0 while navigating on: no page to ask yet
        if status >= 400:
            stopped = self.stopped(f"the sign-in ended at an error page (HTTP {status})")
            # A server's or a gateway's trouble refuses nothing; nor does a portal's callback that could not take
            # the sign-in the provider handed back (its state or code expired meanwhile): a new sign-in may pass.
            if status >= 500 or status in (408, 429) or (status == 400 and handed_back(self.page.url)):
                raise SignInInterruptedError(str(stopped), status=status)
            raise stopped

    def stopped(self, what: str, kind: type[SignInError] = SignInError) -> SignInError:
        """Return the error (of ``kind``) for a sign-in that stopped at the page shown: where, ``what`` happened, what
        it says (its heading, and the words under it: "mismatching_state")."""
        says = page_says(self.page)
        said = f": it says {says!r}" if says else ""
        with contextlib.suppress(PlaywrightError):  # closed, or navigating again: its heading is enough
            more = str(self.page.evaluate(WORDS_UNDER_HEADING))
            if more and more not in says:
                said += f" ({more!r})" if said else f": it says {more!r}"
        # Without its query: a callback's holds the authorization code, which a log or a CI page must not keep.
        return kind(f"At {without_query(self.page.url)} {what}{said}")

    def field_error(self) -> str | None:
        """Return the error at the step's invalid field (its accessible description), if any."""
        invalid = self.page.locator("input[aria-invalid=true]")
        if invalid.count() == 0:
            return None
        return invalid.first.evaluate(DESCRIBED_BY) or "The sign-in page refused the value."

    def alert(self) -> str | None:
        """Return the text of the first alert shown with words in it (Entra's error under a field), if any."""
        said = self.alerts_with_words.all_inner_texts()  # one call, no wait for one gone meanwhile
        return said[0].strip() if said else None

    def message(self) -> str:
        """Return what a page without a step form says: its alert, else its heading and the words under it (why:
        "Your sign-in was successful but does not meet the criteria to access this resource")."""
        # Read, not waited for: an alert gone meanwhile, a page of passwords to change with no main heading at all.
        alerts = self.error.all_inner_texts()
        if alerts:
            return alerts[0].strip()
        heading = next(iter(self.page.get_by_role("heading", level=1).all_inner_texts()), "").strip()
        with contextlib.suppress(PlaywrightError):  # navigating on: its heading is enough
            more = str(self.page.evaluate(WORDS_UNDER_HEADING))
            if more:
                return f"{heading} ({more})" if heading else more
        return heading

    def tile_texts(self) -> list[str]:
        """Return what the page's tiles say, each on one line, for an error's message."""
        return tiles_said(self.tiles)
