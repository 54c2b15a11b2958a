"""One row of an accounts job through the UI: the documented workflow, a re-check, Submit, conflicts.

Dashboard menu → Customers → the customer → Account → Edit; the form's values are checked once
more right before Submit (values that already hold are not submitted). When another agent
changed the customer meanwhile, the row is tried once more on a fresh form if their change
touched none of its fields; otherwise it is a conflict, reported with both values.

No lock reaches a run of the same file on another machine: the form itself tells. A field at a value
saved since the check (neither the one the check read, nor one an earlier row of the customer in this
run sets) is someone else's: kept, the row a conflict; one at the value a later row of the file sets
is left alone, as the check leaves it (a run elsewhere got there first).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from contextlib import suppress
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages import (
    EDITABLE_FIELDS,
    AccountEditPage,
    AccountPage,
    CustomerNotFoundError,
    CustomerPage,
    DashboardPage,
    EditConflictError,
    NotAllowedError,
    PageCrashedError,
    PortalError,
    PortalUnavailableError,
    ReadBackError,
    SignedOutError,
    SignInError,
    SignInInterruptedError,
    SignInStalledError,
    ThrottledError,
    ValidationError,
)
from pages.errors import portal_silent
from pages.exceptions import first_line
from pages.models import always_shown
from pages.renewal import renewal_for

from . import portal_back, rest, rest_waits
from .account import alike, holds, submit_changes
from .accounts_plan import APPLIED_BEFORE, RowTask, saved_otherwise
from .journal import Journal
from .outcomes import CHANGED, CONFLICT, FAILED, INVALID, NOT_ALLOWED, NOT_FOUND, UNCHANGED, RowOutcome
from .portal_back import browser_gone, wait_for_portal
from .rest import PortalClient
from .steps import lost_page_said, step
from .trace_secrets import stop_tracing

log = logging.getLogger(__name__)

THROTTLED_WAIT_S = 5.0  # a throttled page that did not say how long: waited before the row's one retry
SAVED_SINCE = (
    "another value was saved since the run's check (by someone else, or a run of this file elsewhere): not "
    "submitted, theirs kept"
)
OVERTAKEN = (
    "its Submit on an earlier try got no answer, and another value was saved since (whether the row's was, before "
    "it, is not known): not submitted again"
)
# Which of the two, the activity log alone could tell: a browser sends a form again, unasked, when the connection it
# went on dropped before any answer (the portal saved the first, refused the copy as a change over its own).
CONFLICT_YET_HELD = (
    "Submit was answered as a conflict, yet the portal holds the row's values: saved by this Submit, sent twice by "
    "the browser, or by someone else meanwhile; not submitted again"
)


def portal_gone(error: Exception) -> bool:
    """Whether ``error`` says the portal as a whole did not answer (not the row's doing, nor a throttle).

    A Submit left without an answer is one too: the retry that follows re-checks the form, so what the
    unanswered Submit saved is not submitted again. So is a page that crashed: the wait opens another.
    """
    # A crashed page is the page's, not the portal's: the wait for the portal opens another page all the same.
    return portal_silent(error) or isinstance(error, PageCrashedError)


def signed_out_for_good(page: Page, error: SignedOutError) -> bool:
    """Whether ``error`` says no screen can sign in again: the session may not be renewed (a saved sign-in, no
    password), or renewing it was refused (a password changed, an account locked); not a gateway's error page, nor
    a sign-in that got nowhere within the timeout (the provider slow, a page of no step once)."""
    refused = error.__cause__
    if renewal_for(page) is None:
        return True
    return isinstance(refused, SignInError) and not isinstance(refused, SignInInterruptedError | SignInStalledError)


def form_values(form: AccountEditPage) -> dict[str, str]:
    """Return what the form's editable fields hold, found by their labels, in one browser round trip."""
    shown = form.shown_fields(EDITABLE_FIELDS)
    # A label the library does not know: ask field by field, as the page object does.
    shown_all = all(name in shown for name in always_shown(EDITABLE_FIELDS))
    return shown if shown_all else form.values()


def open_customer(page: Page, company_name: str) -> CustomerPage:
    """From the Dashboard menu, select Customers, then the customer named ``company_name`` (``CustomersPage.choose``).

    The menu is on every signed-in screen: from the last row's page it is one click, without
    loading the Dashboard first (a page load per row saved); a page without it opens the Dashboard.
    The name is looked for composed (NFC), as the portal lists names: a row written decomposed (macOS,
    some exports) names the same customer, and the link's exact name would not match it.
    """
    company_name = rest.nfc(company_name)
    dashboard = DashboardPage(page)
    with step(page, "Open Customers"):
        if not dashboard.customers_link.is_visible():
            if dashboard.menu_button.is_visible():  # the menu folded on this row's page: unfolded there, no page load
                dashboard.folded = True
            else:
                dashboard.open()
        customers = dashboard.customers(wait_for_list=False)  # the search replaces the first page anyway
    with step(page, f"Select customer {company_name}"):
        chosen = customers.choose(company_name)
        if chosen is None:
            raise CustomerNotFoundError(company_name=company_name)
        return chosen


def open_form(page: Page, task: RowTask) -> AccountEditPage:
    """Dashboard menu → Customers → the customer → Account → Edit; by its Microsoft ID when a namesake is listed."""
    customer = open_customer(page, task.company_name)
    with step(page, "Open Account"):
        account = customer.account()
        if account.account_info().microsoftId != task.customer_id:  # another customer of the same name
            account = AccountPage(page).open(task.customer_id)
    with step(page, "Edit"):
        if not account.can_edit():
            raise NotAllowedError(message=f"the signed-in user may not edit the account of {task.row.customer!r}")
        return account.edit()


def conflict_messages(task: RowTask, theirs: Mapping[str, str]) -> list[str]:
    """Say, for each of the row's fields another agent changed, both values."""
    return [f"{name}: yours {task.changes[name]!r}, theirs {theirs[name]!r}" for name in task.changes if name in theirs]


def attempt(
    page: Page, task: RowTask, outcome: RowOutcome, client: PortalClient, journal: Journal, *, may_retry: bool
) -> bool:
    """Apply the row once on a fresh form, filling in ``outcome``; False when it should be tried again."""
    form = open_form(page, task)
    with lost_page_said(page, "Read the form"):
        shown = form_values(form)
    outcome.before = outcome.before or {name: shown[name] for name in task.changes}  # a retry keeps the first
    # A field no longer as the row's earlier Submit found it was saved by that Submit, perhaps tidied ('LYON'):
    # sending it again would make the row twice. One that holds another value altogether was changed by someone
    # else since (the Submit reached the portal or not): theirs is not overwritten, nor taken for the row's.
    found = task.started_before or {}
    moved = {name for name, value in task.changes.items() if name in found and shown[name] not in (found[name], value)}
    theirs = {name: shown[name] for name in moved if not alike(shown[name], task.changes[name])}
    if theirs:
        outcome.before = {name: found.get(name, shown[name]) for name in task.changes}  # as that Submit found it
        outcome.after = {name: shown[name] for name in task.changes}
        outcome.outcome = CONFLICT
        outcome.messages += [OVERTAKEN, *conflict_messages(task, theirs)]
        return True
    held = held_by_later_rows(task, shown, moved)
    outcome.messages += [note for note in held.values() if note not in outcome.messages]  # a retry says it once
    since = saved_since_check(task, shown, moved | set(held))
    if since:  # another writer's, or this file's run elsewhere: kept, as a conflict at Submit keeps it
        outcome.before = {name: task.before.get(name, shown[name]) if name in since else shown[name]
                          for name in task.changes}  # fmt: skip
        outcome.after = {name: shown[name] for name in task.changes}
        outcome.outcome = CONFLICT
        outcome.messages += [SAVED_SINCE, *conflict_messages(task, since)]
        return True
    left_alone = moved | set(held)
    pending = {name: value for name, value in task.changes.items() if shown[name] != value and name not in left_alone}
    if not pending:
        outcome.after = {name: shown[name] for name in task.changes}
        outcome.outcome = UNCHANGED
        if task.started_before is not None and task.started_before != task.changes:  # this row's, last run
            outcome.outcome, outcome.before = CHANGED, task.started_before
            outcome.messages.append(APPLIED_BEFORE)
            outcome.messages += saved_otherwise(task.changes, outcome.after)
        return True
    journal.started(task.row, {name: shown[name] for name in task.changes})
    try:
        saved = submit_changes(form, pending).as_dict()
    except ReadBackError as unread:
        # Saved, then signed out or the portal gone: met as at any other step (the row's retry finds its values held)
        cause = unread.error
        if isinstance(cause, PortalError) and type(cause) is not PortalError:
            raise cause from cause.__cause__
        raise
    except EditConflictError as error:
        now = client.billing_profile(task.customer_id).as_dict()
        theirs = {name: now[name] for name in EDITABLE_FIELDS if name in shown and now[name] != shown[name]}
        # Of the row's fields, only those submitted moved, each to the row's value: the Submit sent twice, or the same
        # change by someone else. Another of its fields moved is another agent's change: a conflict, below.
        mine = set(theirs) & set(task.changes) <= set(pending)
        if mine and all(holds(now[name], value, name) for name, value in pending.items()):
            outcome.outcome, outcome.after = UNCHANGED, {name: now[name] for name in task.changes}
            outcome.messages.append(CONFLICT_YET_HELD)
            return True
        clash = {name: value for name, value in theirs.items() if name in task.changes and value != task.changes[name]}
        outcome.after = {name: now[name] for name in task.changes}
        if clash or not may_retry:
            outcome.outcome = CONFLICT
            outcome.messages += [str(error), *conflict_messages(task, clash)]
            return True
        changed = ", ".join(theirs) or "the profile"
        outcome.messages.append(f"another agent changed {changed} meanwhile: tried again on a fresh form")
        return False
    outcome.outcome = CHANGED
    outcome.after = {name: saved[name] for name in task.changes}
    outcome.messages += saved_otherwise(task.changes, outcome.after)
    return True


def unexpected(task: RowTask, name: str, shown: str) -> bool:
    """Whether the form shows ``name`` at a value the check did not read and no earlier row of the customer in this
    run sets: saved since the check by someone else (a run of this file elsewhere, say)."""
    return name in task.expected and not any(alike(shown, known) for known in task.expected[name])


def held_by_later_rows(task: RowTask, shown: Mapping[str, str], moved: Iterable[str]) -> dict[str, str]:
    """Return, for each of the row's fields saved since the check at the value a later row of the file sets (a run
    of the file elsewhere got there first), why it is not applied: putting the row's older value back would undo it."""
    return {
        name: f"{name}: not applied, row {number} (later in the file) sets it to the value the portal now holds"
        for name, (number, value) in task.later.items()
        if name not in moved and unexpected(task, name, shown[name]) and alike(shown[name], value)
        and not alike(shown[name], task.changes[name])
    }  # fmt: skip


def saved_since_check(task: RowTask, shown: Mapping[str, str], left_alone: Iterable[str]) -> dict[str, str]:
    """Return the row's fields the form shows at a value someone else saved since the check, the row's own aside."""
    skipped = set(left_alone)
    return {
        name: shown[name]
        for name, value in task.changes.items()
        if name not in skipped and unexpected(task, name, shown[name]) and not alike(shown[name], value)
    }


def apply_row(page: Page, task: RowTask, client: PortalClient, journal: Journal) -> RowOutcome:
    """Apply one row through the UI and return its outcome; only the browser's death escapes."""
    started = time.perf_counter()
    outcome = RowOutcome(task.row.number, task.row.customer, FAILED, task.customer_id, task.changes)
    outcome.messages += task.notes
    for signed_in_again in (False, True):
        try:
            if not attempt(page, task, outcome, client, journal, may_retry=True):
                attempt(page, task, outcome, client, journal, may_retry=False)
        except ValidationError as error:
            outcome.outcome = INVALID
            outcome.messages += [f"{name}: {text}" for name, text in error.field_errors.items()] or [str(error)]
        except NotAllowedError as error:
            outcome.outcome, outcome.messages = NOT_ALLOWED, [*outcome.messages, str(error)]
        except CustomerNotFoundError as error:
            outcome.outcome, outcome.messages = NOT_FOUND, [*outcome.messages, str(error)]
            if error.company_name and still_known(client, task.customer_id):  # not final: tried again on --resume
                outcome.outcome = FAILED
                outcome.messages[-1] += (
                    f", though the portal's API knows it ({task.customer_id}): the list's search may not hold it yet "
                    "(a customer made moments ago, an index behind)"
                )
        except SignedOutError as error:  # the next screen signs in again, once; Submit may have saved before
            if signed_out_for_good(page, error):  # every row left would meet it: the run stops
                said = first_line(error).rstrip(".")
                raise SignedOutError(
                    f"{said}. The run stops at row {task.row.number}, not to sign in again for every row left (each "
                    f"refused password counts against the account): once signing in works, carry on with --resume "
                    f"(resume=True with the same journal)"
                ) from error
            if not signed_in_again:  # said as a retry is: what follows is the second try's outcome
                outcome.messages.append(f"signed in again after: {first_line(error)}")
                task = again(task, journal)  # a save that came before the sign-in is this row's, not found held
                continue
            outcome.outcome, outcome.messages = FAILED, [*outcome.messages, str(error)]
        except (PortalError, PlaywrightError) as error:
            if browser_gone(page):
                raise  # the browser died: its worker starts another
            outcome.outcome = FAILED
            outcome.messages.append(f"{type(error).__name__}: {first_line(error)}")
            if isinstance(error, ThrottledError):  # it did nothing: tried again once the wait is over
                outcome.retry_after = THROTTLED_WAIT_S if error.retry_after is None else error.retry_after
            outcome.portal_gone = portal_gone(error)
            outcome.gone_at = getattr(error, "address", None) or ""
        break
    outcome.seconds = time.perf_counter() - started
    return outcome


def still_known(client: PortalClient, customer_id: str) -> bool:
    """Tell whether the portal's API still knows the customer the Customers list did not show; not when it cannot
    say (it is the list's word then)."""
    if not customer_id:
        return False
    try:
        return client.customer(customer_id) is not None
    except PortalError:
        return False


def again(task: RowTask, journal: Journal) -> RowTask:
    """Return the task to try once more, knowing what its Submit would have changed if one was sent."""
    return dataclasses.replace(task, started_before=journal.started_before(task.row, task.changes))


def traced(
    page: Page, task: RowTask, client: PortalClient, journal: Journal, traces: Path | None,
    stop: threading.Event | None = None, secrets: Iterable[str | None] = (),
) -> tuple[RowOutcome, Page]:  # fmt: skip
    """Apply the row; a row that fails is tried once more, recording a Playwright trace of that try, with
    ``secrets`` (typed by a sign-in renewed in it) and the sessions it carries scrubbed before it is in ``traces``.

    Playwright's own "on first retry": a trace of every row (a snapshot and a screenshot at each
    action) made the rows about 1.6 times as slow, so only a failure, tried again, is traced. The
    retry re-checks the form first, so a change that was saved is not submitted twice.
    """
    first = apply_row(page, task, client, journal)
    if first.outcome != FAILED:
        return first, page
    if first.retry_after is not None:  # throttled: come back when the portal asked, unless that is too far off
        if first.retry_after > rest.LONGEST_WAIT_S:
            first.messages.append(f"not tried again: the portal asked to wait {first.retry_after:g} s (run --resume)")
            return first, page
        rest_waits.pause(first.retry_after)
    if first.portal_gone:  # a restart, say: waited for, then the row tried again in the page that found it back
        # Said as it begins: a run waiting minutes without a word looks hung
        log.warning(
            "row %d: the portal did not answer; waiting up to %g minutes for it, then the row is tried again",
            task.row.number, portal_back.PORTAL_BACK_WAIT_S / 60,
        )  # fmt: skip
        waiting = time.monotonic()
        back = wait_for_portal(page.context, stop, first.gone_at or None)
        if back is None:
            raise PortalUnavailableError(
                f"The portal did not answer for {portal_back.PORTAL_BACK_WAIT_S / 60:g} minutes after row "
                f"{task.row.number} failed ({'; '.join(first.messages)}): the run stops, the rows not done left for a "
                f"resume (--resume, or resume=True with the same journal) once it answers"
            )
        log.warning("row %d: the portal answers again after %.0f s", task.row.number, time.monotonic() - waiting)
        with suppress(PlaywrightError):
            page.close()
        page = back
    if traces is not None:
        title = f"row {task.row.number}: {task.row.customer}"
        page.context.tracing.start(title=title, screenshots=True, snapshots=True)
    outcome = apply_row(page, again(task, journal), client, journal)
    if traces is not None:
        if outcome.outcome == FAILED:
            outcome.trace = str(traces / f"row-{task.row.number}.zip")
            stop_tracing(page.context, outcome.trace, secrets)
        else:
            page.context.tracing.stop()
    failure = [message for message in first.messages if message not in task.notes]  # the notes are said once
    outcome.messages.insert(len(task.notes), f"tried again after: {'; '.join(failure) or 'a failure'}")
    outcome.seconds += first.seconds
    return outcome, page
