"""The identity provider's sign-in, a page per step, as Microsoft Entra ID shows it.

Partner Center sends people to Entra ID to sign in: account name, password, a verification code
from an authenticator app, then perhaps "Stay signed in?". Where the browser remembers accounts,
"Pick an account" takes the account step's place: a tile per account, and "Use another account".
A push to approve ("Approve sign in request") or a choice of method ("Verify your identity") may come
instead of the code: both lead to it ("I can't use my Microsoft Authenticator app right now", "Use a
verification code").
Each step is found as ``pages.sign_in_screen`` reads it; this module answers it.
"""

from __future__ import annotations

import contextlib
import logging
import secrets

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .answer_watch import RENEWED, SUBMITTED, stop_watching, watch_changes
from .errors import SignInStalledError
from .errors import address_of as without_query
from .exceptions import first_line
from .not_selected import covered_by
from .screen import ACTION_DONE
from .sign_in_screen import ShownStep, SignInScreen
from .sign_in_steps import (
    BUTTON_GRACE_MS,
    CODE_SENT,
    ERROR_PAGE_PROBE_MS,
    FORM_SUBMIT,
    TYPEABLE,
    address_of,
    buttons_said,
)
from .sign_in_window import LedNowhereError, follow
from .watch import highlight

__all__ = ["ShownStep", "SignInPage"]

log = logging.getLogger("flows")


class SignInPage(SignInScreen):
    """The provider's sign-in pages, whichever step they show, answered."""

    def enter_account(self, account: str) -> None:
        """Type the account name and select Next; on "Pick an account", pick the account instead.

        There the tile that shows the account's address is selected (``pick_account``); without one,
        "Use another account", then the name is typed as usual.
        """
        if self.pick_heading.is_visible() and self.pick_account(account):
            return
        field = self.field_shown(self.account, "account", self.next_button)
        highlight(field).fill(account)
        self.submit(self.shown_button(self.next_button, "account", "next", field), self.headings["account"])

    def pick_account(self, account: str) -> bool:
        """On "Pick an account", select the tile of ``account`` (its address, any case; a user name's at any
        domain) and return True; else select "Use another account", wait for the account field, return False.

        A page with neither tile (or with the account twice and no other tile) raises ``SignInError`` at
        once, naming its tiles: no name can be typed there.
        """
        tile, other = self.tile_showing(address_of(account)), self.other_account_tile
        self.wait_drawn(tile.or_(other))
        if tile.count() == 1:
            self.submit(tile, self.pick_heading)
            return True
        if other.count() == 0:
            mine = f"{tile.count()} tiles" if tile.count() else "no tile"
            tiles = ", ".join(map(repr, self.tile_texts())) or "none"
            raise self.stopped(
                f"the sign-in asks to pick an account, with {mine} for {account!r} and none to use another account "
                f"(its tiles: {tiles})"
            )
        # No tile, or one at each of two domains for a user name: typed, the name is the provider's to resolve.
        self.submit(other, self.pick_heading)
        self.wait_shown(self.account, "the sign-in showed no account field after 'Use another account'")
        return False

    def field_shown(self, field: Locator, step: str, button: Locator) -> Locator:
        """Return the first of ``field`` shown, given a moment to show; raise ``SignInError`` at once when the page
        shows none, quoting it and its options: a step's heading over no field to answer it (Entra's error page
        under "Sign in", saying why; its certificate or smart card tiles) is no step a value can be typed into.

        A step that shows its ``button`` (Next, Sign in, Verify) is drawing its field: that is waited for as any
        element is (the default timeout), then said the same way.
        """
        shown = field.filter(visible=True)
        self.await_field(shown, button)
        return self.only_shown(shown, step)

    def only_shown(self, shown: Locator, step: str) -> Locator:
        """Return the first of ``shown`` (fields shown), waiting no more; raise ``SignInError`` as ``field_shown``
        says when there is none."""
        if shown.count() == 0:
            options = ", ".join(map(repr, self.tile_texts()))
            with_options = f" (its options: {options})" if options else ""
            raise self.stopped(f"the sign-in shows its {step} step with no field to answer it{with_options}")
        return shown.first

    def await_field(self, field: Locator, button: Locator, *, refused: bool = False) -> None:
        """Give ``field`` a moment to show (``wait_drawn``); where its step's ``button`` shows already, the field is
        on its way (drawn late, after a request of the page's): wait as long as for any element, unless the page
        says an error (an alert, an AADSTS code), as Entra's error page does beside the button it keeps; a step
        answered again after it ``refused`` the last answer says that in its alert: only an AADSTS code counts."""
        self.wait_drawn(field)
        if field.count() == 0 and button.filter(visible=True).count():
            error_shown = self.error_code if refused else self.alerts_with_words.or_(self.error_code)
            with contextlib.suppress(PlaywrightTimeoutError):  # said by the caller: no field to answer the step
                field.or_(error_shown).first.wait_for()

    def enter_password(self, password: str) -> None:
        """Type the password and select Sign in."""
        field = self.password.and_(self.page.locator(TYPEABLE)).or_(self.password_shown)
        shown = self.field_shown(field, "password", self.sign_in_button)
        highlight(shown).fill(password)
        button = self.shown_button(self.sign_in_button, "password", "sign_in", shown)
        self.submit(button, self.headings["password"].or_(self.password_shown))

    def enter_code(self, code: str, *, refused: bool = False) -> None:
        """Type the verification code and select Verify (``refused``: the last one, as ``await_field`` says)."""
        code_field = self.code.filter(visible=True)
        self.await_field(code_field.or_(self.text_boxes), self.verify_button, refused=refused)
        if code_field.count() == 0:
            boxes = self.text_boxes.count()
            if boxes == 1:  # named otherwise: the step's only text box
                code_field = self.text_boxes
            elif boxes > 1:  # a box per digit, or the code's beside others: which one is not known
                raise self.stopped(f"the sign-in shows its code step with {boxes} text boxes, none named as the code's")
        shown = self.only_shown(code_field, "code")
        highlight(shown).fill(code)
        self.submit(self.shown_button(self.verify_button, "code", "verify", shown), self.headings["code"])

    def sign_in_another_way(self, *, password: bool = True) -> bool:
        """On "Approve sign in request", select "Use your password instead" (a phone sign-in's, asked before any
        password; only with ``password``), else "I can't use my Microsoft Authenticator app right now" (or "Sign in
        another way"), and return True; False, selecting nothing, when the page offers none of them."""
        instead = self.password_option if password else self.other_way
        self.wait_drawn(instead.or_(self.other_way))  # one moment for either: a push after the password has no other
        return self.select_option(instead if instead.count() else self.other_way, "approval")

    def code_sent_elsewhere(self) -> bool:
        """Tell whether "Enter code" asks for a code the provider sent by text message or email (its words say
        so), not one of the authenticator app's."""
        return self.page.get_by_text(CODE_SENT).filter(visible=True).count() > 0

    def leave_sent_code(self) -> bool:
        """On "Enter code" for a code sent by text or email, select "Sign in another way" and return True; False,
        selecting nothing, when the page does not offer it."""
        return self.select_option(self.other_way, "code")

    def use_verification_code(self) -> bool:
        """On "Verify your identity", select "Use a verification code" and return True; False, selecting nothing,
        when the page does not offer it."""
        return self.select_option(self.code_option, "method_choice")

    def shown_button(self, button: Locator, step: str, name: str, in_form_of: Locator | None = None) -> Locator:
        """Return the step's ``button`` (``name`` in ``pages.strings``) once shown; else (renamed, in another language)
        the only submit button of the form holding ``in_form_of``. Without either within ``BUTTON_GRACE_MS``, raise
        ``SignInStalledError`` naming the buttons the page shows, not Playwright's timeout later."""
        shown = button.filter(visible=True)
        with contextlib.suppress(PlaywrightTimeoutError):
            shown.first.wait_for(timeout=ERROR_PAGE_PROBE_MS)
            return shown.first
        if in_form_of is not None:
            form = self.page.locator("form").filter(has=in_form_of.first)  # forms do not nest: the one holding it
            submits = form.locator(FORM_SUBMIT).filter(visible=True)
            if submits.count() == 1:
                log.info("The sign-in's %s step shows no %r button: its form's submit button selected", step, name)
                return submits
        with contextlib.suppress(PlaywrightTimeoutError):  # drawn late after all
            shown.first.wait_for(timeout=BUTTON_GRACE_MS - ERROR_PAGE_PROBE_MS)
            return shown.first
        raise self.stopped(  # stalled, not refused: nothing was sent, and a later sign-in may find the button
            f"the sign-in shows its {step} step with no {name!r} button (its buttons: {buttons_said(self.page)})",
            SignInStalledError,
        )

    @staticmethod
    def wait_drawn(option: Locator) -> None:
        """Give ``option`` a moment to show, if it has not: a step's options come with its heading, or just after."""
        with contextlib.suppress(PlaywrightTimeoutError):
            option.first.wait_for(timeout=ERROR_PAGE_PROBE_MS)

    def select_option(self, option: Locator, step: str) -> bool:
        """Select ``option`` and wait until ``step`` gives way; return False when the page does not show it."""
        self.wait_drawn(option)
        if option.count() == 0:
            return False
        self.submit(option.first, self.headings[step])
        return True

    def skip_registration(self) -> str | None:
        """On "More information required", select "Skip for now" and return what it said ("Skip for now (14 days
        until this is required)"), on one line; None, selecting nothing, when the page does not offer it."""
        self.wait_drawn(self.skip_option)
        said = [" ".join(text.split()) for text in self.skip_option.all_inner_texts()]  # one read: no wait
        if not said or not self.select_option(self.skip_option, "registration"):
            return None
        return said[0] or "Skip for now"

    def stay_signed_in(self, answer: bool) -> None:
        """Answer "Stay signed in?"."""
        heading = self.headings["stay_signed_in"]  # only Yes is the form's submit button: No is of another kind
        button = self.shown_button(self.yes_button, "stay_signed_in", "yes", heading) if answer else None
        self.submit(button or self.shown_button(self.no_button, "stay_signed_in", "no"), heading)

    def start_again(self) -> Page | None:
        """On the portal's "signed out" page, select Sign in: it leads to the provider, here or in a window of its own
        (MSAL.js's ``loginPopup``), returned for its steps to be answered there."""
        try:
            return follow(self.page, self.portal_sign_in)
        except LedNowhereError as error:
            raise self.stopped(f"Sign in led nowhere ({error})", SignInStalledError) from None

    def select(self, button: Locator) -> None:
        """Select a step's ``button``; raise ``SignInStalledError`` when the provider never answered the navigation it
        started, ``SignInError`` when it could not be selected (covered, or gone): no bare timeout."""
        try:
            highlight(button).click()
        except PlaywrightTimeoutError as error:
            timeout = first_line(error)
            if ACTION_DONE.search(str(error)):  # its page, waiting for the answer, cannot be read meanwhile
                where = without_query(self.page.url)
                raise SignInStalledError(f"At {where} the provider did not answer the step ({timeout})") from None
            raise self.stopped(f"its button could not be selected ({timeout}{covered_by(error)})") from None

    def submit(self, button: Locator, step: Locator) -> None:
        """Select ``button`` and wait until the ``step`` it answers gives way, or a message changes.

        Entra ID shows some steps in place (the password after the account, a refused code) and
        loads a page for others. Either ends the wait: a new page, the step's heading gone, a field
        set invalid, or an alert saying new words, or words said again after it was emptied, hidden or
        removed (``pages.answer_watch`` marks the changes). An alert redrawn as it was is no answer.
        """
        token = secrets.token_hex(4)
        watch_changes(self.page, token)
        renewed = self.page.locator(f"[{RENEWED}='{token}']")
        new_page = self.page.locator(f"html:not([{SUBMITTED}='{token}'])")
        step_gone = self.page.locator("html").filter(has_not=step.filter(visible=True))
        newly_invalid = self.page.locator('[aria-invalid="true"]').and_(renewed).filter(visible=True)
        new_alert = self.alerts_with_words.and_(renewed)
        stalled = False  # its page waits for the provider's answer, and runs no script meanwhile: left as it is
        try:
            try:
                self.select(button)
            except SignInStalledError:
                stalled = True
                raise
            new_page.or_(step_gone).or_(newly_invalid).or_(new_alert).first.wait_for()
        except PlaywrightTimeoutError:
            raise self.stopped("the sign-in did not go on after its answer", SignInStalledError) from None
        except PlaywrightError:
            if not self.page.is_closed():  # else a sign-in window that closed once its last step was answered
                raise
        finally:
            if not stalled:
                stop_watching(self.page)
