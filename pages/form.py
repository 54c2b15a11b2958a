"""A portal form: labelled fields, Submit and its answer, Cancel, the errors at the fields.

``FormPage`` is the base of the Account edit form and the Add customer form (``pages.account``). Its fields
(finding, typing, reading) are ``pages.form_fields``; here is Submit and the reading of the portal's answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .answer_regions import (
    READ_BY_ROLE,
    acknowledge,
    alerts_in,
    saved_dialogs,
    statuses_in,
    stop_acknowledging,
    texts_of,
)
from .answer_watch import FORM_FIELD, WATCH_CHANGES, stop_watching, watch_arguments
from .early_save import ACCEPTED
from .errors import (
    GATEWAY_DOWN,
    ConfirmationAskedError,
    PageError,
    PortalError,
    PortalUnavailableError,
    SignedOutError,
    SignInWindowError,
    ThrottledError,
    UnknownPageError,
    address_of,
    error_for_status,
    page_lost,
)
from .exceptions import first_line
from .form_fields import SUBMIT_NAME, FormFields, check_values, css_string, fields_root, not_taken
from .form_loading import FORM_OF, at_submit
from .not_selected import covered_by
from .posted_form import pageless_answer, posted_and_answered, posted_carrier, taken_before_sign_in
from .screen import ACTION_DONE, log, one_line, snapshot_role
from .shown_values import FIELDS_OF_FORM, NOT_TITLE_XPATH, label_patterns, tidied
from .strings import any_language, may_refuse, refusals_unsaid, says_refused, says_saved
from .submit_answer import SubmitAnswer
from .watch import highlight

__all__ = ["FormPage", "bill_to_heading", "check_values", "css_string", "fields_root"]


# Marks the form's fields a person can type in as Submit is selected, with that Submit's token: while one of them
# shows, the form is still shown, whatever became of Submit (a spinner saying "Saving…" in its place). Only fields
# labelled as the library knows the Account's: a form without a <form> element or a panel holding Submit is the whole
# page, whose header's search box stays on every view.
MARK_FIELDS = f"""(submit, [mark, token]) => {{{FORM_OF}
  const form = formOf(submit);
  {FIELDS_OF_FORM}
  const known = {json.dumps(label_patterns())}.map(pattern => new RegExp(pattern, "i"));
  fields.filter(el => !el.readOnly && !el.disabled && known.some(label => label.test(labelOf(el))))
    .forEach(el => el.setAttribute(mark, token));
}}"""
# The page watched for Submit's answer (``WATCH_CHANGES``, whose answer it returns), then its fields marked: one call.
WATCH_AND_MARK = f"""async (submit, [watched, mark]) => {{
  const values = ({WATCH_CHANGES})(watched);
  await ({MARK_FIELDS})(submit, [mark, watched[watched.length - 1]]);
  return values;
}}"""


def bill_to_heading(page: Page) -> Locator:
    """Return the Bill-to info's heading: the Account page's, which a form shows once it went on to it; or its title
    drawn as no heading (a card's title), as the page's script reads the sections (``shown_values.NOT_TITLES``)."""
    name = any_language("bill_to")
    title = page.get_by_text(name).locator(NOT_TITLE_XPATH)
    return page.get_by_role("heading", name=name).or_(title.filter(visible=True))


@contextmanager
def lost_during_submit(url: str) -> Iterator[None]:
    """Within Submit, a page that crashed or was closed leaves what was saved unknown: ``UnknownPageError``."""
    try:
        yield
    except PlaywrightError as error:
        if not page_lost(error):
            raise
        raise UnknownPageError(
            f"The browser's page crashed or was closed during Submit at {url} ({first_line(error)}): "
            f"whether anything was saved is not known",
            unanswered=True,  # no answer was read: a caller looks again, in another page, before trying again
        ) from error


# How long a new page showing the form again, without the typed values, may take to say something after it.
ANSWER_GRACE_MS = 5_000
# 4xx answers that refuse the values themselves: invalid (400, 422) or changed meanwhile (409, 412).
REFUSALS_OF_VALUES = (400, 409, 412, 422)
DECLINED_GRACE_MS = 1_000  # how long a page may take to send the form after its confirm() or prompt() was dismissed


class FormPage(FormFields):
    """A portal form: labelled fields, Submit, Cancel, a message and errors at the fields."""

    def submit_form(self) -> bool:
        """Select Submit and wait for the portal's answer; True when it took the form.

        The answer is a new page (the bundled portal's, and any that posts the form), or one written
        in place as single-page portals do (``pages.submit_answer``): a message that changed or showed
        (a status says saved, an alert says refused), or a field newly marked invalid. A refusal's
        words go to ``message``. Raises ``SignedOutError`` when the session had ended (the portal took
        nothing), a ``PageError`` when it answered with an error page, ``PortalUnavailableError`` when
        the form never reached it, and ``UnknownPageError`` when what was saved is not known. In place,
        a 4xx answer to the form's request is a refusal whatever the page shows (its status goes to
        ``answer_status``): 401 ``SignedOutError``, 403 ``NotAllowedError``, 404 ``CustomerNotFoundError``
        on a customer's form, 429 ``ThrottledError`` (with the wait it asked for); 400, 409, 412 and 422
        return False; any other a ``PageError``. A 503 that says when to come back is a ``ThrottledError``. A form no
        longer shown (submitted and gone, cancelled, left) raises ``ScreenLeftError`` within ``LEFT_WAIT_MS``.
        """
        self.still_shown(self.submit_button, self.NAME, renew=False)  # not Submit waited for in vain: nothing to send
        self.message, self.answer_status, self.went_on = "", 0, False
        self.submits += 1
        self.ready_url = None  # whatever the answer, the screen may have been left
        watched = self.watch_submit()
        self.submitted = watched.values
        try:
            with lost_during_submit(watched.url):
                shown = self.answer_to(watched)
        finally:
            watched.stop()
        first_role = snapshot_role(shown) if shown is not None else ""
        if first_role not in READ_BY_ROLE:  # a live region of no role, a dialog: counted below
            shown = None
        # A refusal (an alert, an invalid field) outweighs a status shown beside it (a banner's, say):
        # counted, not waited for, should a toast have gone meanwhile.
        alerts = watched.messages_of(alerts_in)
        statuses_said = watched.messages_of(lambda root: statuses_in(root, watched.values))
        said_or_went_on = statuses_said.or_(self.moved_on(watched))
        invalid = watched.invalid_fields.filter(visible=True)
        refusing: list[str] = []  # the statuses' words saying the save failed: no view gone back to makes it one
        with lost_during_submit(watched.url):
            if shown is not None and snapshot_role(shown) not in ("status", "heading"):  # a heading: moved on
                took = False  # settle's one look found a refusal first
            elif shown is None and not said_or_went_on.count():
                took = False
            else:
                took = alerts.or_(invalid).count() == 0
                gone_on = shown is not None and snapshot_role(shown) == "heading"
                if took:
                    # A status that speaks of errors or of the save, refusing first, is a refusal however the portal
                    # marked it: a summary of errors ("There are 2 errors"), a save that failed ("Your changes were
                    # not saved": a 200 whose body said no), beside the form or the Account view gone back to, in
                    # place or on a new page (post/redirect/get, refused).
                    # Each of them: the one shown first may be a banner's, above the one that speaks of the save; it
                    # is read too, should it have gone meanwhile.
                    shown_words = texts_of(statuses_said)
                    shown_words += [shown] if shown is not None and not gone_on else []
                    # The form's values (not the portal's words) are read only when a refusal's words are there: a
                    # save's path stays as short as it was.
                    if any(map(may_refuse, shown_words)):
                        data = [*self.typed.values(), *watched.values, *self.held_values()]  # not the portal's
                        refusing = [words for words in shown_words if says_refused([words], data)]
                        if not refusing and not gone_on and not self.moved_on(watched).count():  # the form kept
                            refusing = refusals_unsaid(shown_words, data)
                        took = not refusing
            if not took and not refusing and 200 <= watched.status < 300 and not invalid.count():
                # Its message an alert all the same (toast libraries give every message that role): a save where the
                # portal went on to its Account view (the form gone, the Bill-to info shown) and no alert refuses the
                # save as a status would ("Nothing was saved": a 200 whose body said no), or kept its form and the
                # alert says "saved".
                alerts_said = alerts.all_inner_texts()
                data = [*self.typed.values(), *watched.values, *self.held_values()]  # not the portal's
                went_on = self.moved_on(watched).count() > 0 and not says_refused(alerts_said, data)
                took = went_on or says_saved(alerts_said, data)
        self.answer_status = watched.refusal_status()  # the portal's own word: nothing saved, whatever the page says
        if not took or self.answer_status:
            words = [*refusing, *alerts.all_inner_texts(), *watched.messages.all_inner_texts()]
            self.message = next((text.strip() for text in words if text.strip()), "")
        if self.answer_status:
            if self.answer_status not in REFUSALS_OF_VALUES:
                raise self.refusal(self.answer_status, watched.url, watched.retry_after)
            said = f' (the page said "{self.message}")' if self.message else ""
            self.message = f"The portal answered Submit with HTTP {self.answer_status}{said}"
        self.typed = {}  # answered: what a later Submit sends is typed anew
        if took:  # a dialog that said "saved" (alone, or beside a status) is closed, as a person would
            with lost_during_submit(watched.url):
                said_saved = watched.messages_of(lambda root: saved_dialogs(root, watched.values))
                if said_saved.count():
                    acknowledge(said_saved.first)
                # A new page showing the view after the form (its heading, the form gone): its caller looks no more.
                self.went_on = (
                    watched.new_page_only
                    and not self.answer_status
                    and (first_role == "heading" or self.moved_on(watched).count() > 0)
                )
        return took and not self.answer_status

    def watch_submit(self) -> SubmitAnswer:
        """Start watching the page for Submit's answer, once the form still holds what was typed.

        A single-page portal may fill its form anew from its API a moment after it showed it (its fresh copy of
        the profile): typed before, the values are gone, and Submit would send the old ones. They are typed again
        once; a field that still shows otherwise (a mask that formats what is typed) is left as it shows.
        """
        for again in (False, True):
            watched = SubmitAnswer(self.page, self.error_heading.or_(self.sign_in_prompt))
            try:
                marks = [watch_arguments(watched.token), FORM_FIELD]
                values = at_submit(self.page, self.submit_button, SUBMIT_NAME, WATCH_AND_MARK, marks)
            except BaseException:  # the watch may have begun before the call failed
                stop_watching(self.page)
                raise
            watched.start(values)
            try:
                lost = self.typed_values_lost(watched.values)
            except BaseException:  # the page gone or drawn anew: its listeners go, its dialogs are the browser's again
                watched.stop()
                raise
            if not lost:
                return watched
            if again:
                refused = not_taken(lost, self.typed)
                if refused:  # the field takes no such value (a list's typed into): Submit would send the old one
                    watched.stop()
                    raise refused
                log.warning("The form at %s shows other values than typed in %s", self.page.url, ", ".join(lost))
                return watched
            watched.stop()
            log.info("The form at %s no longer holds what was typed in %s: typed again", self.page.url, ", ".join(lost))
            self.fill({name: self.typed[name] for name in lost})
        raise AssertionError("unreachable: the second look returns")

    def typed_values_lost(self, held: list[str]) -> dict[str, str]:
        """Return the fields typed into (lists aside) that no longer hold what was typed, and what each shows;
        ``held`` is what the page's form fields hold (``SubmitAnswer.values``): only a value missing there is read
        again, by its field."""
        typed = {name: value for name, value in self.typed.items() if name not in self.listed}
        suspect = [name for name, value in typed.items() if len(value.strip()) > 1 and value.strip() not in held]
        if not held or not suspect:  # no field to read from at once: nothing to compare with
            return {}
        shown = self.shown_fields(tuple(suspect))
        return {name: shown[name] for name in suspect if name in shown and tidied(shown[name]) != tidied(typed[name])}

    def refusal(self, status: int, url: str, retry_after: float | None = None) -> PortalError:
        """Return the error for a 4xx answer to Submit in place, other than a refusal of the values.

        ``retry_after`` is the wait the answer asked for (a 429's): it goes to the ``ThrottledError``.
        """
        said = f' (the page said "{self.message}")' if self.message else ""
        if status == 401:
            return SignedOutError(
                f"The portal answered Submit at {url} with HTTP 401: the session had ended{said}. Nothing was "
                f"saved: sign in and submit the changes again."
            )
        refused = f"Submit at {url} was refused{said}; nothing was saved"
        return error_for_status(status, refused, of_customer=self.OF_CUSTOMER, retry_after=retry_after)

    def moved_on(self, watched: SubmitAnswer, *, in_place: bool | None = None) -> Locator:
        """The Bill-to info shown where the form was: the portal went on from the form it took, saying "saved" or not.

        On a new page (a redirect after the POST), or ``in_place`` (by default: once the portal answered the
        form's request in place, a 5xx aside, and a 202: accepted, not done, the view is no outcome), as a
        single-page portal goes back to its Account view; its 4xx still refuses the changes (``submit_form``). In
        place, the form is gone: no Submit, and none of the fields it showed as Submit was selected (a dialog over
        the Account view, its Submit a spinner while it saves, is still there).
        """
        if in_place is None:
            in_place = 200 <= watched.status < 500 and watched.status != ACCEPTED
        roots = watched.fresh.or_(watched.same_page) if in_place and not watched.new_page_only else watched.fresh
        form_fields = self.page.locator(f"[{FORM_FIELD}='{watched.token}']").filter(visible=True)
        gone = roots.filter(has_not=self.submit_button).filter(has_not=form_fields)
        return gone.locator(bill_to_heading(self.page))

    def answer_to(self, watched: SubmitAnswer) -> str | None:
        """Select Submit and wait for the answer (or the portal moving on); return its snapshot as ``settle`` does."""
        try:
            # A saved dialog left from the last Submit is closed first. A form may show Submit twice (a command bar's,
            # the form's foot): either sends it.
            highlight(self.submit_button.filter(visible=True).first).click()
        except PlaywrightTimeoutError as error:  # the click itself, or the navigation it started, never done
            timeout = first_line(error)
            if not ACTION_DONE.search(str(error)):
                said = f"Submit could not be selected at {watched.url} ({timeout}{covered_by(error)}): nothing was sent"
                raise UnknownPageError(said) from error
            raise watched.failed() or UnknownPageError(
                f"The portal did not answer Submit at {watched.url} ({timeout}): whether anything was saved is not "
                f"known",
                unanswered=True,
            ) from error
        finally:
            stop_acknowledging(self.page)  # this Submit's own "saved" dialog is its answer, read before it is closed
        if watched.declined and watched.await_request(DECLINED_GRACE_MS) is None:  # confirm() dismissed: no person
            raise ConfirmationAskedError(
                f"Submit at {watched.url} asked in a browser dialog {watched.declined!r}, which the library dismissed "
                "and does not answer: nothing was sent"
            )
        pageless = pageless_answer(watched)
        if pageless:  # the browser stays on the form: waiting for a new page would wait the whole timeout
            raise UnknownPageError(
                f"The portal answered Submit at {watched.url} with {pageless} and no page: whether anything was "
                "saved is not known"
            )
        try:
            # Whether the view shown in place is a save is told once the portal's answer is known (below). A form
            # posted (a navigation carried it) is answered by a new page, whatever the old one shows meanwhile.
            if not posted_and_answered(watched):  # else its page is on its way: the answer looked for there
                self.await_first_sign(watched)  # a refused navigation shows the browser's own page: nothing to settle
            answered = watched.answer.or_(self.moved_on(watched))
            anew = watched.fresh.get_by_role("button", name=SUBMIT_NAME)  # the form again, in a page of its own
            self.awaited = "the answer to Submit (a message, the form, or the Account page)"
            try:
                shown = None if watched.failed() else self.settle(answered.or_(anew), renew=False)
            finally:
                self.awaited = ""
            if shown is not None and snapshot_role(shown) == "button":
                shown = self.answer_with_form_anew(watched, answered)
        except PlaywrightTimeoutError as error:
            raise watched.failed() or UnknownPageError(
                f"After Submit at {watched.url}, the portal showed no new page, no new message and no invalid "
                f"field: whether anything was saved is not known"
            ) from error
        except SignedOutError as signed_out:
            taken = taken_before_sign_in(watched)
            # Where it asks: here, or in a window of its own whose sign-in failed or was never answered (said whole)
            asks = (
                f"asks to sign in again ({signed_out})"
                if isinstance(signed_out, SignInWindowError)
                else f"asks to sign in again at {address_of(self.page.url)}"
            )
            if taken:  # a retry would believe "nothing was saved": it may have been
                raise SignedOutError(
                    f"The session ended after Submit at {watched.url} reached the portal ({taken}), which then {asks}: "
                    "whether the changes were saved is not known. Sign in again and read the account before "
                    "submitting them again."
                ) from signed_out.__cause__
            raise SignedOutError(
                f"The session ended before Submit reached the portal, which {asks}: nothing was saved. Sign in and "
                "submit the changes again."
            ) from signed_out.__cause__
        except PageError as error:  # an error page (429, 503): the answer carrying it says when to come back
            wait = watched.retry_after  # the form's own answer's word, before what its address says later
            busy = error_for_status(error.status, error.said, retry_after=wait) if wait is not None else error
            if isinstance(busy, ThrottledError):
                raise busy from None
            if error.status >= 500 and not isinstance(error, ThrottledError):  # broken after it came, or before
                raise UnknownPageError(
                    f"After Submit, whether anything was saved is not known: {error}",
                    unanswered=error.status in GATEWAY_DOWN,
                ) from error
            raise
        # The portal took the form, but what it did with it is not shown (or the page after it never came).
        except ConfirmationAskedError:
            raise
        except (PortalUnavailableError, UnknownPageError) as error:
            silent = isinstance(error, PortalUnavailableError) or getattr(error, "unanswered", False)
            raise watched.failed() or UnknownPageError(
                f"After Submit, whether anything was saved is not known: {error}", unanswered=silent
            ) from error
        watched.await_later_carrier()
        failed = watched.failed()  # before the page's answer, or told by the browser after it
        if failed is not None:
            raise failed
        return shown

    def await_first_sign(self, watched: SubmitAnswer) -> None:
        """Wait for a new page, or a sign in place that Submit was taken (the answer, a dialog asking to confirm);
        in place, then for the portal's answer to the form's request: only what changed after it is the answer."""
        # Not the form's own dialog, its Submit a spinner while the page gets a token: it holds the form's fields.
        asked = self.asked_to_confirm.filter(has_not=self.page.locator(f"[{FORM_FIELD}='{watched.token}']"))
        if posted_carrier(watched) is not None:
            first_sign = watched.any_new_page  # cheaper to look for than an answer in place
        else:
            first_sign = watched.any_new_page.or_(watched.answer).or_(self.moved_on(watched, in_place=True))
            first_sign = first_sign.or_(asked)
        first_sign.first.wait_for()
        if not watched.carried() and asked.count():  # it waits for a person, not for the portal
            said = one_line(asked.first)
            raise ConfirmationAskedError(
                f"Submit at {watched.url} opened a dialog asking {said!r}, which the library does not answer: "
                "nothing was sent"
            )
        watched.await_portal(self.moved_on(watched, in_place=True))

    def answer_with_form_anew(self, watched: SubmitAnswer, answered: Locator) -> str | None:
        """Return the answer of a new page that showed the form before anything else; raise when it has none.

        A form shown again holding what was typed (the portal's answer, its message drawn after it) is waited
        on as any answer. One holding other values (the stored ones: a gateway's sign-in in between sent the
        browser back to the form's address) is given ``ANSWER_GRACE_MS`` to say something (a portal that
        tidied the values): without a word, whether the form got through is not known.
        """
        typed, self.typed = self.typed, {}
        shown = self.shown_fields(tuple(typed)) if typed else {}
        holds_typed = bool(typed) and all(tidied(shown.get(name, "")) == tidied(value) for name, value in typed.items())
        try:
            answered.first.wait_for(timeout=None if holds_typed else ANSWER_GRACE_MS)
        except PlaywrightTimeoutError:
            if holds_typed:
                raise UnknownPageError(
                    f"After Submit at {watched.url}, the portal showed the form again at {self.page.url}, holding the "
                    "typed values, without a word about them: whether anything was saved is not known"
                ) from None
            raise UnknownPageError(
                f"After Submit at {watched.url}, the portal showed the form anew at {self.page.url} without a word "
                "about the changes (as after a sign-in in between): whether anything was saved is not known, and "
                "the form no longer holds the typed values. Open the account again to see what it holds"
            ) from None
        return None  # looked at closer by the caller
