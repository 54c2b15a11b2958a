"""The portal's answer to a form's Submit: a new page, or one written in place.

The bundled portal posts its form and answers with a page. Single-page portals (Partner Center's
own) send the changes with fetch and write the answer into the page they are on: a status, an
alert (perhaps one already shown, filled again), fields marked invalid. What changes from Submit
on is marked in the page (``pages.answer_watch``). Whatever was shown before and stays as it was
is no answer; nor is what changed before the portal answered the form's request ("Saving…", an old
message rewritten as Submit starts), told apart by the page's own clock (its resource timing of
that request). After a 202 (accepted for processing, not done) a status is the answer only once it says how the
save ended ("saved", "failed"): "Submitted" is not.

The request that carries the form is the one Submit sends to the portal's site (the page's own
navigation, or a fetch that is not a GET) holding most of the form's values; the first such request
if none holds any. A fetch to another site counts only when it holds more than half of the form's
values (of two characters or more, read-only ones included: the portal's API on a site of its own;
telemetry holds none), and comes after one to the portal's site holding any. Only it counts: refused or
unreachable, the form never got there (``PortalUnavailableError``); broken after it was sent, or
answered with a 5xx in place, what was saved is not known (``UnknownPageError``). Another request
failing (telemetry) says nothing.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import time
from collections.abc import Callable
from contextlib import suppress
from urllib.parse import urlsplit

from playwright.sync_api import Dialog, Locator, Page, Request, Response
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .answer_regions import alerts_in, statuses_in
from .answer_watch import ANSWERED, CHANGED, RENEWED, SHOWN_INVALID_MARK, SUBMITTED, stop_watching
from .early_save import ACCEPTED, UNDER_WAY, saved_before_answer, values_in
from .errors import (
    GATEWAY_DOWN,
    PortalUnavailableError,
    ThrottledError,
    UnknownPageError,
    never_reached,
    no_answer,
    retry_after_seconds,
)
from .page_events import listen, unlisten
from .strings import OUTCOME_WORDS, REFUSAL_WORDS

log = logging.getLogger("flows")
# How long a page that changed in place before any request was seen may take to send the change (it
# may get a token first; the browser's word of a request can also come after the page's first change).
SEND_GRACE_MS = 3_000
POLL_MS = 50  # how often that wait looks at the requests noted meanwhile
RESPONSE_WAIT_MS = 30_000  # how long the form's request may go unanswered while the page shows something
TIMING_GRACE_MS = 1_000  # how long the page's timing of a finished request may lag the browser's word
RESEND_GRACE_MS = 1_000  # how long after a 5xx a page's own retry may take to send the form again
MAX_RESENDS = 3  # of the form by the page itself after 5xx answers, awaited in turn
INVALID = f'[aria-invalid="true"], [{SHOWN_INVALID_MARK}]'  # a field the portal marked invalid, or showed so
REFUSING_OUTCOME = re.compile(rf"{OUTCOME_WORDS.pattern}|{REFUSAL_WORDS.pattern}", re.IGNORECASE)  # an alert's


def site(url: str) -> str:
    """Return the site of ``url``: an IP address or one-label host as it is, else its last two labels."""
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        return ".".join(host.split(".")[-2:])


class SubmitAnswer:
    """One Submit, watched: the page marked, the request carrying the form noted, the answer's locator.

    ``excluded`` is what makes a new page something other than the form's answer (an error page, sign-in).
    """

    def __init__(self, page: Page, excluded: Locator) -> None:
        self.page = page
        self.token = secrets.token_hex(4)  # a later Submit's marks are its own
        self.url = page.url  # where Submit was selected: a refused navigation leaves the browser's error page
        self.values: list[str] = []  # what the form's fields hold as Submit is selected
        self.sent: list[Request] = []  # the requests to the portal's site that may carry the form, in order
        self.failures: dict[Request, str] = {}  # the browser's words for those that got no answer
        self.responses: dict[Request, Response] = {}  # the answers to those, as they come
        self.ended: set[Request] = set()  # those that failed, for whatever reason
        self.counted: dict[Request, int] = {}  # how many of the form's values each request holds
        self.status = 0  # the HTTP status the portal answered the form's request with, once known
        self.awaited: Request | None = None  # the request whose answer that was
        self.any_new_page = page.locator(f"html:not([{SUBMITTED}='{self.token}'])")
        self.fresh = self.any_new_page.filter(has_not=excluded)
        self.same_page = page.locator(f"html[{SUBMITTED}='{self.token}']")
        self.mark = CHANGED  # until the portal's answer to the form arrives: then only what changed after it
        self.new_page_only = False  # once the portal answered the form with a new page (``pages.posted_form``)
        self.declined = ""  # what a browser dialog asked ("Save changes?") that the library dismissed: nothing sent

    @property
    def messages(self) -> Locator:
        """The statuses and alerts of a new page, or those changed in place (busy ones aside, and statuses saying
        the save is under way)."""
        return self.messages_of()

    def messages_of(self, kind: Callable[[Page | Locator], Locator] | None = None) -> Locator:
        """``messages``, or only those of one ``kind`` (``alerts_in``, say: ``kind(root)`` of the page's statuses and
        alerts under ``root``): the same as ``messages.and_(kind(page))``, looked for once, not twice, in the page."""
        if self.new_page_only:
            return self.messages_in(self.fresh, kind)
        changed = self.page.locator(f"[{self.mark}='{self.token}']:not([aria-busy='true'], [aria-busy='true'] *)")
        messages = self.messages_in(self.fresh, kind).or_(self.messages_in(self.same_page, kind).and_(changed))
        if not self.status:  # the portal's answer not known yet: any change is a sign Submit was taken
            return messages
        # A status saying the save is under way ("Saving…", once a first call was answered) is no outcome; nor, the
        # change accepted and not done (a 202), a status or alert saying so ("Request accepted"): the page's next
        # word is, a refusal's too.
        alerts, statuses = messages.and_(alerts_in(self.page)), messages.filter(has_not_text=UNDER_WAY)
        if self.status == ACCEPTED:
            alerts, statuses = alerts.filter(has_text=REFUSING_OUTCOME), statuses.filter(has_text=OUTCOME_WORDS)
        return alerts.or_(statuses)

    @property
    def invalid_fields(self) -> Locator:
        """The invalid fields of a new page, or those set invalid in place."""
        if self.new_page_only:
            return self.fresh.locator(INVALID)
        changed = self.page.locator(f"[{self.mark}='{self.token}']")
        return self.fresh.locator(INVALID).or_(self.same_page.locator(INVALID).and_(changed))

    @property
    def answer(self) -> Locator:
        """What answers Submit: a message, or a field shown invalid."""
        if self.new_page_only:  # both under the new page's root, looked for once
            return self.fresh.locator(self.shown_messages().or_(self.page.locator(INVALID).filter(visible=True)))
        return self.messages.or_(self.invalid_fields.filter(visible=True))

    def messages_in(self, root: Locator, kind: Callable[[Page | Locator], Locator] | None = None) -> Locator:
        """Return ``shown_messages`` under ``root``: looked for in the page, then kept under ``root`` (each kind beneath
        ``root`` would look for it anew, told from an error page or sign-in by their headings: half of each look)."""
        return root.locator(self.shown_messages(kind))

    def shown_messages(self, kind: Callable[[Page | Locator], Locator] | None = None) -> Locator:
        """Return the page's statuses and alerts (live regions of no role too), or those of ``kind``, that show and
        say something."""
        messages = kind(self.page) if kind else statuses_in(self.page, self.values).or_(alerts_in(self.page))
        return messages.filter(visible=True, has_text=re.compile(r"\S"))

    def start(self, values: list[str]) -> None:
        """Note the requests Submit sends, once the page is watched; call right before selecting Submit.

        ``values`` is what ``WATCH_CHANGES`` answered: the caller runs it (``watch_arguments(self.token)``) in the call
        that marks the form's fields, a round trip fewer.
        """
        self.values = values
        listen(self.page, "request", self.note_request)
        listen(self.page, "requestfailed", self.note_failure)
        listen(self.page, "response", self.note_response)
        self.page.on("dialog", self.note_dialog)

    def stop(self) -> None:
        """Stop noting requests and watching the page (a new page never watched)."""
        unlisten(self.page, "request", self.note_request)
        unlisten(self.page, "requestfailed", self.note_failure)
        unlisten(self.page, "response", self.note_response)
        self.page.remove_listener("dialog", self.note_dialog)
        carrier = self.carrier()
        if carrier is not None and carrier.is_navigation_request():
            return  # a new page: the observer went with the old one
        stop_watching(self.page)

    def await_portal(self, went_on: Locator | None = None) -> None:
        """In place, wait for the portal's answer to the form's request: only what changes after it answers.

        "Saving…", a clock ticking, an old message rewritten as Submit starts: all come before the
        answer arrives and are not it. A new page needs no wait, nor does a page that refused the
        values itself (``await_request``). After a 5xx, the page's own resends are awaited too. "Saved" said
        before a 2xx answer, and nothing after it (nor the page going on: ``went_on``), is the answer
        (``saved_before_answer``).
        """
        carrier = self.await_request()
        if carrier is None or carrier.is_navigation_request():
            return
        if self.guessed(carrier):  # telemetry, say, when no other came: its
            self.status = self.responses[carrier].status if carrier in self.responses else 0  # answer not awaited
            return  # nor is its timing what the page's answer comes after
        response = self.response_to(carrier)  # None when it failed: failed() says so
        if response is None:
            return
        self.status, self.awaited = response.status, carrier
        self.await_resends(carrier)
        said_before: list[str] | bool = False  # the page gone meanwhile (a new one is looked at as such)
        with suppress(PlaywrightError):
            said_before = self.page.evaluate(
                "([url, waitMs]) => !!window.__portalAnswered && window.__portalAnswered(url, waitMs)",
                [carrier.url, TIMING_GRACE_MS],
            )
        if isinstance(said_before, list):  # else every change since Submit counts, as when no request was seen
            self.mark = ANSWERED
            if said_before and 200 <= self.status < 300:  # the rarer path: something said before the portal answered
                last = self.responses.get(self.sendings_of(carrier)[-1], response)  # a resend's, if any
                saved_before_answer(self, said_before, self.answer.or_(went_on) if went_on else self.answer, last)

    def await_resends(self, carrier: Request) -> None:
        """After a 5xx, await the form sent again by the page itself (a retry policy): the last answer speaks.

        A page that does not send it again within ``RESEND_GRACE_MS`` leaves the 5xx the answer.
        """
        answered = carrier
        for _ in range(MAX_RESENDS):
            if self.status < 500:
                return
            resend = self.resend_after(answered)
            if resend is None:
                return
            response = self.response_to(resend)
            if response is None:  # failed: its failure is no answer either way
                return
            answered, self.status = resend, response.status

    def resend_after(self, request: Request) -> Request | None:
        """Return the first sending of ``request`` again (same address and method) noted after it, waiting a little."""
        deadline = time.monotonic() + RESEND_GRACE_MS / 1000
        while True:
            sendings = self.sendings_of(request)
            resend = next(iter(sendings[sendings.index(request) + 1 :]), None)
            if resend is not None or time.monotonic() >= deadline:
                return resend
            with suppress(PlaywrightTimeoutError):  # the listeners take in what is sent meanwhile
                self.page.wait_for_event("request", timeout=POLL_MS)

    def sendings_of(self, request: Request) -> list[Request]:
        """Return the requests noted to ``request``'s address and method, the page's own resends too, in order."""
        return [r for r in self.sent if r.url == request.url and r.method == request.method]

    @property
    def retry_after(self) -> float | None:
        """The seconds the portal's latest answer to the form asked to wait (its ``Retry-After``); None if not said."""
        carrier = self.carrier()
        if carrier is None:
            return None
        response = self.responses.get(self.sendings_of(carrier)[-1])
        headers = response.headers if response is not None else {}
        return retry_after_seconds(headers.get("retry-after"), headers.get("date"))  # None when not said

    def refusal_status(self) -> int:
        """Return the 4xx the portal answered the form's request with in place, else 0.

        The page may have sent the form again itself (a fresh token after a 401, after a 429): the last
        such request speaks, when it got an answer. A request taken for the form's holding none of its
        values (telemetry, when no other came) says nothing.
        """
        carrier = self.carrier()
        if carrier is None or not 400 <= self.status < 500 or self.guessed(carrier):
            return 0
        again = self.sendings_of(carrier)
        # The page showed its answer after that one's: its word may still be on its way to this process.
        response = self.response_to(again[-1]) if again[-1] is not carrier else None
        status = response.status if response is not None else self.status
        return status if 400 <= status < 500 else 0

    def await_request(self, grace_ms: int = SEND_GRACE_MS) -> Request | None:
        """Return the request carrying the form, waiting a little for it when none noted holds its values.

        A page may say "Saving…" before it sends the change (it gets a token first, perhaps with a
        request of its own), and the browser's word of a request sent may come after the page's first
        change. The wait ends at once on a new page, or on a refusal the page drew itself (an alert
        saying words it did not say as Submit was selected, a field set invalid: its own checks, with
        no request to come); else after ``grace_ms``, with the first request noted, if any.
        """
        changed = self.page.locator(f"[{CHANGED}='{self.token}']")
        renewed = self.page.locator(f"[{RENEWED}='{self.token}']")
        invalid = self.page.locator(INVALID)
        own_refusal = renewed.and_(alerts_in(self.page)).or_(changed.and_(invalid))
        needs_no_request = self.any_new_page.or_(own_refusal.filter(visible=True)).first
        deadline = time.monotonic() + grace_ms / 1000
        while not self.carried():
            if time.monotonic() >= deadline:
                log.debug("Submit at %s: no request carrying the form within %d ms", self.url, grace_ms)
                break
            with suppress(PlaywrightTimeoutError):  # the browser's events are taken in during the wait
                needs_no_request.wait_for(timeout=POLL_MS)
                break
        return self.carrier()

    def note_dialog(self, dialog: Dialog) -> None:
        """Answer a browser dialog Submit opened as Playwright does when no one listens: "Leave this page?" accepted
        (a posted form goes), any other dismissed; note a question dismissed so (``confirm()``: the page may send
        nothing). A script's own listener, before this one, may answer it first."""
        try:
            if dialog.type == "beforeunload":  # the form's own guard against leaving it unsaved: Submit is leaving
                dialog.accept()
                return
            dialog.dismiss()
        except PlaywrightError:  # answered already, by the script's own listener
            return
        if dialog.type in ("confirm", "prompt") and not self.declined:
            self.declined = " ".join(dialog.message.split())[:200]

    def carried(self) -> bool:
        """Whether a request noted holds any of the form's values (any request at all, if it holds none)."""
        return any(not self.guessed(request) for request in self.sent)

    def guessed(self, request: Request) -> bool:
        """Whether ``request`` would be taken for the form's only for want of another: it holds none of its values."""
        return bool(self.values) and not self.values_carried(request)

    def may_carry(self, request: Request) -> bool:
        """Whether ``request`` may carry the form: the page's navigation, or a change, to the portal's site;
        a change to another site holding more than half of the form's values (an API on a site of its own).
        """
        change = request.method != "GET" and request.resource_type in ("fetch", "xhr")
        if site(request.url) != site(self.url):
            return change and 2 * self.values_carried(request) > len(self.values)
        navigation = request.is_navigation_request() and request.frame == self.page.main_frame
        return navigation or change

    def note_request(self, request: Request) -> None:
        """Note a request that may carry the form."""
        if self.may_carry(request):
            self.sent.append(request)

    def note_failure(self, request: Request) -> None:
        """Note a failure the browser says got no answer (not one that another navigation ended)."""
        if request in self.sent:
            self.ended.add(request)
        if request in self.sent and no_answer(request.failure or ""):
            self.failures[request] = request.failure or ""

    def note_response(self, response: Response) -> None:
        """Note the answer to a request that may carry the form."""
        if response.request in self.sent:
            self.responses[response.request] = response

    def response_to(self, request: Request) -> Response | None:
        """Wait for the answer to ``request`` (its status and headers, not its body, which the page may never
        read); None when it failed. Raises ``UnknownPageError`` when none came within ``RESPONSE_WAIT_MS``.
        """
        deadline = time.monotonic() + RESPONSE_WAIT_MS / 1000
        while request not in self.responses and request not in self.ended:
            if time.monotonic() >= deadline:
                raise UnknownPageError(
                    f"the portal did not answer the request carrying the form within {RESPONSE_WAIT_MS / 1000:g} s "
                    f"({request.method} {request.url}), though the page showed something meanwhile",
                    unanswered=True,
                )
            with suppress(PlaywrightTimeoutError):  # the listeners take in the answer or failure meanwhile
                self.page.wait_for_event("response", predicate=lambda answer: answer.request is request, timeout=250)
        return self.responses.get(request)

    def values_carried(self, request: Request) -> int:
        """Count the form's values ``request`` holds, as a form, a URL or JSON encodes them (counted once a request:
        the carrier is asked for again and again)."""
        if request not in self.counted:
            try:
                sent = request.url + (request.post_data or "")
            except UnicodeDecodeError:  # a binary body: not a form's
                sent = ""
            self.counted[request] = values_in(sent, self.values)
        return self.counted[request]

    def carrier(self) -> Request | None:
        """Return the request that carried the form: the last of those holding most of its values (a page may check
        them by a call of their own before the one that saves them), else the first sent.

        One to the portal's own site holding any of them comes before one elsewhere (a beacon copying the form).
        """
        if not self.sent:
            return None
        carried = [self.values_carried(r) for r in self.sent]
        ranks = [(n > 0 and site(r.url) == site(self.url), n) for r, n in zip(self.sent, carried, strict=True)]
        best = max(ranks)
        return self.sent[ranks.index(best) if not best[1] else len(ranks) - 1 - ranks[::-1].index(best)]

    def await_later_carrier(self) -> None:
        """Once the page answered, await the answer of the form sent after the request awaited, to another address
        (its values checked first, then saved): that answer is the portal's word on the save."""
        carrier = self.carrier()
        if self.awaited is None or carrier is None or carrier in self.sendings_of(self.awaited):
            return
        response = self.response_to(carrier)  # None when it failed: failed() says so
        if response is not None:
            self.status = response.status
            self.await_resends(carrier)

    def failed(self) -> Exception | None:
        """Return the error for the carrier's failure or server error, None if neither (as far as known yet)."""
        carrier = self.carrier()
        failure = self.failures.get(carrier, "") if carrier is not None else ""
        if failure and never_reached(failure):
            return PortalUnavailableError(f"The portal did not answer Submit at {self.url}: {failure}")
        if failure:
            return UnknownPageError(
                f"The portal did not answer Submit at {self.url} ({failure}), perhaps after the form reached it: "
                f"whether anything was saved is not known",
                unanswered=True,
            )
        if self.status == 503 and self.retry_after is not None:  # busy, saying when to come back: it did nothing
            return ThrottledError(503, f"Submit at {self.url} was not taken; nothing was saved", self.retry_after)
        if self.status >= 500:  # in place: whatever the page then says, the portal failed while it had the form
            return UnknownPageError(
                f"The portal answered Submit at {self.url} with HTTP {self.status}: whether anything was saved is "
                f"not known",
                unanswered=self.status in GATEWAY_DOWN,  # a gateway's word that the portal behind it did not answer
            )
        return None
