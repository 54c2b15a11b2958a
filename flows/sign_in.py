"""Signing in the way Partner Center does: through the identity provider, with a verification code.

``sign_in`` opens the portal, which sends the browser to the provider; ``complete_sign_in`` then
answers whatever step is shown (account, password, code, "Stay signed in?") until the portal
shows a signed-in page. The provider's refusals become ``SignInError`` with its own message, a
code asked for without a secret ``MfaRequiredError``, at once, never a timeout.
"""

from __future__ import annotations

import email.utils
import logging
import os
import threading
import time
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages import DashboardPage, MfaRequiredError, SignInError, SignInPage, SignInStalledError
from pages.addresses import screen_addresses
from pages.errors import address_of, document_status
from pages.renewal_window import is_sign_in_window, signing_in_on
from pages.sign_in import ShownStep
from pages.sign_in_steps import ANSWERED_STEPS, MFA_CHOICE_STEPS, says

from .steps import lost_page_said, step

TOTP_SECRET_VARIABLE = "PORTAL_TOTP_SECRET"
SECRET_SOURCES = f"totp_secret=..., or ${TOTP_SECRET_VARIABLE}"  # in messages; a command line names its option instead
TOTP_STEP_S = 30
MAX_STEPS = 12  # account, password, a push and a choice left for a code, a few codes, "Stay signed in?", portal
# Codes tried before a refusal is final: the current one, the next, then the next after each of two
# waits for a new one. A provider takes each code once per user, and several sign-ins of one user at
# once (two runs' workers, a renewal) take them all; a wrong secret fails within a minute. A lockout
# ends it at once; an expired code (this machine's clock behind the provider's) is followed by the next
# code only, at once: the clock stays behind, so waiting cannot help.
MAX_CODES = 4
# A clock off by a code's step or more is said when codes are refused: a provider takes the codes of a step either
# side of its own (Entra ID about as many), so under that the clock is not why.
CLOCK_SAID_FROM_S = TOTP_STEP_S
RUN_STOPPED = threading.local()  # per thread: the event that ends its waits for the next code (stop_waits_on)
log = logging.getLogger("flows")


class Authenticator(pyotp.TOTP):
    """An authenticator app's codes (RFC 6238, 30 s steps), for secrets of 80 bits and more.

    pyotp 2.12 refuses secrets under 112 bits; authenticator apps long took 80-bit ones, such as
    the bundled portal's demo secret, and deployments still register them.
    """

    min_secret_length_bits: ClassVar[int] = 80

    def __init__(self, secret: str, *args: Any, **kwargs: Any) -> None:
        # As apps show it, in groups of four and perhaps lower case ("abcd efgh ..."): the same secret.
        super().__init__("".join(secret.split()).upper(), *args, **kwargs)


def one_time_code(secret: str, steps_ahead: int = 0) -> str:
    """Return the code an authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    return Authenticator(secret).at(time.time() + TOTP_STEP_S * steps_ahead)


def check_secret(secret: str | None) -> None:
    """Raise ``ValueError`` naming the TOTP secret when it is not base32, before any browser moves."""
    if not secret:  # none given ("" as an empty environment variable gives it)
        return
    try:
        one_time_code(secret)
    except ValueError as error:  # binascii.Error: "Non-base32 digit found", "Incorrect padding"
        raise ValueError(
            f"The authenticator's TOTP secret ({SECRET_SOURCES}) is not a usable base32 secret: {error}"
        ) from None


def stop_waits_on(stop: threading.Event) -> None:
    """Make this thread's waits for the next code end, raising ``InterruptedError``, once ``stop`` is set (a job's
    worker: its run stopped)."""
    RUN_STOPPED.event = stop


def wait_for_next_code() -> None:
    """Wait until the authenticator shows its next code: the moment the current 30-second step ends."""
    stop = getattr(RUN_STOPPED, "event", None) or threading.Event()
    if stop.wait(TOTP_STEP_S - time.time() % TOTP_STEP_S + 0.5):
        raise InterruptedError("the run stopped while the sign-in waited for the authenticator's next code")


def totp_secret_or_env(totp_secret: str | None) -> str | None:
    """Return the authenticator's secret a sign-in answers with: the one given, else ``$PORTAL_TOTP_SECRET``."""
    return totp_secret or os.environ.get(TOTP_SECRET_VARIABLE) or None


def sign_in(
    page: Page,
    username: str,
    password: str,
    *,
    totp_secret: str | None = None,
    stay_signed_in: bool = False,
) -> DashboardPage:
    """Sign in through the identity provider and land on the Dashboard.

    ``totp_secret`` (base32; default ``$PORTAL_TOTP_SECRET``) answers the verification code; one given not
    base32 is a ``ValueError`` before the browser moves (the environment's, when a code is asked for: a sign-in
    may need none). Raises ``SignInError`` with the provider's message
    when it refuses (wrong password, locked out, wrong code: after the next codes were refused too, up
    to a minute, since another sign-in of the user may have used one; an expired code: after the next
    one) and ``MfaRequiredError`` when it asks for a code, a push to be approved or a choice of method
    and no secret was given (with one, it chooses the code).
    """
    check_secret(totp_secret)  # the environment's is checked when a code is asked for: a sign-in may need none
    with step(page, f"Sign in as {username}"):
        dashboard, address = DashboardPage(page), screen_addresses().dashboard
        try:
            dashboard.goto(address)
            answered = answer_steps(page, username, password, totp_secret=totp_secret, stay_signed_in=stay_signed_in)
        except SignInError as error:
            where = address_of(page.url)
            if where.endswith(f"/{address}") and document_status(page) == 404:  # no portal there to refuse
                raise SignInError(
                    f"{error}. Nothing of the portal is at {where}, where its Dashboard should be: is the portal's "
                    "address (--base-url) right, and its Dashboard there? (One kept elsewhere is told with "
                    "--screen-addresses dashboard=PATH.)"
                ) from error
            raise
        if not answered:  # a session of the portal's, or of its provider's, already in this context: whose, unsaid
            raise SignInError(
                f"This browser was signed in to the portal at {address_of(page.url)} without a sign-in step (a session "
                f"of the portal or of its identity provider already in this browser context), as someone the library "
                f"cannot name: nobody was signed in as {username!r}. Sign in from a new browser context, or sign out "
                f"of both first."
            )
        return dashboard.wait_until_ready()


def complete_sign_in(
    page: Page,
    username: str,
    password: str,
    *,
    totp_secret: str | None = None,
    stay_signed_in: bool = False,
) -> None:
    """Answer the sign-in steps shown on ``page`` until the portal shows a signed-in page.

    A code refused because another sign-in of the same user just used it (providers accept each
    code once) is followed by the next one, then by the codes after the next 30 seconds, twice
    (``MAX_CODES``); one refused as expired, by the next one only; a lockout, by none. A push to
    approve, or a choice of method, is answered with a code when there is a secret: "I can't use my
    Microsoft Authenticator app right now", then "Use a verification code"; so is a code the provider sent by text
    message or email (the account's default method), through "Sign in another way", else ``MfaRequiredError``.
    "More information required" (a way to verify to register) is skipped once where it offers "Skip for now", with
    a warning that its grace period counts down; else it is ``MfaRequiredError``. In a window the portal opened to
    sign in again (``pages.renewal_window``), done once the window closes or is back at the portal. A page that
    crashed or was closed before the sign-in was done is ``PageCrashedError``.
    """
    in_window = is_sign_in_window(page)  # a popup of the portal's (MSAL.js): done when it closes by itself
    with lost_page_said(page, f"Sign in as {username}"):
        answer_steps(
            page, username, password, totp_secret=totp_secret, stay_signed_in=stay_signed_in, in_window=in_window
        )


def answer_steps(
    page: Page,
    username: str,
    password: str,
    *,
    totp_secret: str | None = None,
    stay_signed_in: bool = False,
    in_window: bool = False,
) -> bool:
    """``complete_sign_in``; return whether any step was shown to answer (none: the browser was signed in).

    ``in_window``: ``page`` is a sign-in window of its own (a popup), done when it closes, or when it shows the
    portal's page again (where the portal closes it).
    """
    with signing_in_on(page):  # a window its steps open is followed here, not answered again by a renewal
        return answered_steps(page, username, password, totp_secret, stay_signed_in, in_window)


def answered_steps(
    page: Page, username: str, password: str, totp_secret: str | None, stay_signed_in: bool, in_window: bool
) -> bool:
    """``answer_steps``, once its page is marked as signed in on."""
    secret = totp_secret_or_env(totp_secret)
    steps, signed_in = SignInPage(page), DashboardPage(page).landmark
    codes_tried, answered, left_sent_code, password_typed = 0, None, False, False
    skipped: str | None = None  # what "Skip for now" said, once selected
    for _ in range(MAX_STEPS):
        try:
            shown = steps.shown(signed_in)
        except PlaywrightError:
            if in_window and page.is_closed():  # closed once the provider handed the sign-in back
                return answered is not None
            raise
        if shown is None or (in_window and shown.name == "portal"):  # a window back at the portal: its to close
            return answered is not None
        if shown.name == answered and shown.name in ANSWERED_STEPS and not shown.error:
            # Asked again at once: refused, even where the field is not marked invalid (the alert under it
            # says why). A password is never typed again: a dozen wrong ones would lock the account.
            shown.error = steps.alert() or f"it asked for the {shown.name} again, without saying why"
        answered = shown.name
        if shown.error:
            check_refusal(username, shown, codes_tried, page)
        if shown.name == "account":
            steps.enter_account(username)
        elif shown.name == "password":
            steps.enter_password(password)
            password_typed = True
        elif shown.name == "code":
            if secret is None:
                raise MfaRequiredError(
                    f"The identity provider asks {username!r} for a verification code: give the authenticator's "
                    f"TOTP secret ({SECRET_SOURCES}), or use a saved sign-in."
                )
            check_secret(secret)
            if steps.code_sent_elsewhere():  # by text or email, to the account's default method: not the app's code
                if left_sent_code or not steps.leave_sent_code():
                    raise MfaRequiredError(
                        f"The identity provider sent {username!r} a verification code by text message or email, "
                        f"which no script can read, and offers no authenticator code instead ({steps.message()}). "
                        f"Make the authenticator app the account's default way to sign in, or use a saved sign-in."
                    )
                left_sent_code = True
                continue
            if codes_tried >= 2:
                wait_for_next_code()
            steps.enter_code(
                one_time_code(secret, steps_ahead=0 if codes_tried == 0 else 1), refused=shown.error is not None
            )
            codes_tried += 1
        elif shown.name == "stay_signed_in":
            steps.stay_signed_in(stay_signed_in)
        elif shown.name == "portal":
            window = steps.start_again()
            if window is not None:  # the provider's steps in a window of their own, which closes when done
                sign_in_in_window(window, steps, username, password, totp_secret, stay_signed_in)
        elif shown.name in MFA_CHOICE_STEPS:
            if secret is None:
                raise MfaRequiredError(
                    f"The identity provider asks {username!r} to approve the sign-in on a phone or to choose how to "
                    f"verify it: no script can approve it. Give the TOTP secret of the account's authenticator app "
                    f"({SECRET_SOURCES}) to answer with a code instead, or use a saved "
                    f"sign-in."
                )
            check_secret(secret)
            # A phone sign-in may give way to the password, once: typed again, a refused one would count twice.
            chosen = (
                steps.sign_in_another_way(password=not password_typed)
                if shown.name == "approval"
                else steps.use_verification_code()
            )
            if not chosen:
                options = ", ".join(map(repr, steps.tile_texts())) or "none"
                raise MfaRequiredError(
                    f"The identity provider asks {username!r} to approve the sign-in on a phone or to choose how to "
                    f"verify it, and offers no verification code (its options: {options}): no script can answer. "
                    f"Register an authenticator app's code (TOTP) for this account, or use a saved sign-in."
                )
        elif shown.name == "password_change":
            raise SignInError(
                f"The identity provider asks {username!r} to change the password (it has expired, or was set for a "
                f"first sign-in), and nothing was typed: change it by hand, then sign in with the new one "
                f"({steps.message()})"
            )
        elif shown.name == "registration":
            skipped = skip_registration(steps, username, skipped)
        elif shown.name == "consent":
            raise SignInError(
                f"The identity provider asks {username!r} to consent to the permissions the portal's app requests, "
                f"and nothing was accepted: a script does not consent for anyone. Accept them by hand once (or have "
                f"an admin grant consent for the organization), then sign in again ({steps.message()})"
            )
        else:  # access refused (Conditional Access), an admin's consent needed, an account locked
            raise SignInError(f"The identity provider cannot sign {username!r} in: {steps.message()}")
    raise SignInError(f"The sign-in of {username!r} did not end after {MAX_STEPS} steps, at {address_of(page.url)}")


def sign_in_in_window(
    window: Page, steps: SignInPage, username: str, password: str, totp_secret: str | None, stay_signed_in: bool
) -> None:
    """Answer the sign-in steps in ``window``, opened by the portal's Sign in on ``steps``' page; then wait until that
    page no longer offers Sign in (the portal takes what the window handed back), so it is not selected twice. A
    window left open by a step that failed is closed."""
    log.info("The portal's Sign in opened a window at %s: signing in there", address_of(window.url))
    try:
        answer_steps(window, username, password, totp_secret=totp_secret, stay_signed_in=stay_signed_in, in_window=True)
    except BaseException:
        if not window.is_closed():
            window.close()
        raise
    try:
        steps.portal_sign_in.first.wait_for(state="hidden")
    except PlaywrightTimeoutError:
        raise steps.stopped(
            "the portal still offers Sign in after the sign-in window handed the sign-in back", SignInStalledError
        ) from None


def skip_registration(steps: SignInPage, username: str, skipped: str | None) -> str:
    """On "More information required", select "Skip for now" as a person would, once, warning that the grace period
    is counting down, and return what it said; raise ``MfaRequiredError`` when it offers none, or asks again."""
    if skipped is None:
        skipped = steps.skip_registration()
        if skipped is not None:
            log.warning(
                "The identity provider asks %r to register a way to verify the sign-in: selected %r, as a person "
                "would. The grace period is counting down: register an authenticator app's code (TOTP) for this "
                "account before it ends, or its sign-ins will stop there",
                username,
                skipped,
            )
            return skipped
        why = "and offers no 'Skip for now'"
    else:  # the portal sent the sign-in back for MFA, which no skip gives
        why = f"again after {skipped!r} was selected: the portal requires MFA of this sign-in"
    raise MfaRequiredError(
        f"The identity provider asks {username!r} to register a way to verify the sign-in first, {why}; no script can "
        f"register one: register an authenticator app's code (TOTP) for this account by hand, then give its secret "
        f"({SECRET_SOURCES}), or use a saved sign-in ({steps.message()})"
    )


class ClockOffError(SignInError):
    """Verification codes refused while this machine's clock is ``skew_s`` seconds off the identity provider's
    (ahead: positive), a code's step or more: the codes are refused however right the secret."""

    def __init__(self, message: str, skew_s: float) -> None:
        super().__init__(message)
        self.skew_s = skew_s


def check_refusal(username: str, shown: ShownStep, codes_tried: int, page: Page | None = None) -> None:
    """Raise ``SignInError`` quoting the provider's refusal at ``shown``, unless a next code may answer it.

    Only a refused code may be: not one that says the account is locked, nor one expired after the next
    code was tried too (``codes_tried`` of them sent), nor the last of ``MAX_CODES``. Codes refused for
    good while this machine's clock is off the provider's (at ``page``) raise ``ClockOffError``, saying by how much.
    """
    error = shown.error or ""
    refused = f"The identity provider refused the sign-in of {username!r}: {error}"
    expired = says(error, "code_expired") and codes_tried > 1
    final = shown.name != "code" or codes_tried == 0 or codes_tried >= MAX_CODES or says(error, "locked_out")
    if not (final or expired):
        return
    if shown.name == "code" and codes_tried > 0 and not says(error, "locked_out") and page is not None:
        skew = clock_skew(page)
        if skew is not None and abs(skew) >= CLOCK_SAID_FROM_S:
            direction = "ahead of" if skew > 0 else "behind"
            raise ClockOffError(
                f"{refused} (this machine's clock is {abs(skew):.0f} s {direction} the identity provider's, by the "
                "date of its answer: verification codes are made from the time, so set this machine's clock right, "
                "e.g. by NTP)",
                skew,
            )
    if expired:
        raise SignInError(f"{refused} (this machine's clock is likely behind the provider's: its next code failed too)")
    raise SignInError(refused)


def clock_skew(page: Page) -> float | None:
    """Return how many seconds this machine's clock (the one its codes are made from) is ahead of the clock of the
    server ``page`` shows (behind: negative), by the ``Date`` of its answer to a ``HEAD`` of its origin; None when
    it gives none (or no answer within 5 s)."""
    parts = urlsplit(page.url)
    if parts.scheme not in ("http", "https"):
        return None
    asked = time.time()
    try:
        answer = page.context.request.head(f"{parts.scheme}://{parts.netloc}/", max_redirects=0, timeout=5000)
    except PlaywrightError:
        return None
    answered, date = time.time(), answer.headers.get("date")
    answer.dispose()
    try:
        dated = email.utils.parsedate_to_datetime(date or "").timestamp()
    except (TypeError, ValueError):
        return None
    return (asked + answered) / 2 - (dated + 0.5)  # a Date is the second it began: half a second on, as likely
