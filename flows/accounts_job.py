"""Update many customers' accounts from rows of changes: checked first, then applied through the UI.

from flows import update_accounts

outcomes = update_accounts(
    [{"customer": "Contoso", "city": "上海市", "postalCode": "200000"}, {"customer": "Fabrikam", "city": "Lyon"}],
    "http://127.0.0.1:8000/", "global-admin", "portal-demo", session_options={"totp_secret": "..."},
    api_client_id="5c2e9d4b-7a1f-4e3c-8b6d-21f0a9c3e7d1", workers=2, journal="changes.journal",
)
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext

from . import portal_back
from .accounts_plan import AccountsPlan, Problem, check_rows
from .input_lock import InputLock
from .journal import Journal, refuse_journal_elsewhere, run_owner
from .outcomes import STOPPED, RowOutcome
from .rest import PortalClient, TokenSource
from .spreadsheet import AccountRow, rows_from_mappings
from .workers import Pool, Workers

UNCHECKED = "the run stopped before its check of the rows ended, so nothing was changed: run it again, or --resume"
NOT_RUN = "not run: the check found problems in the file, so nothing was changed (see them in its other rows)"


class InvalidRowsError(ValueError):
    """The check found problems, so nothing was changed; ``problems`` lists them all, with row numbers."""

    def __init__(self, plan: AccountsPlan) -> None:
        listed = "\n".join(f"  {problem}" for problem in plan.problems)
        super().__init__(f"{len(plan.problems)} problem(s) found before any change; nothing was changed:\n{listed}")
        self.problems: list[Problem] = plan.problems
        # The rows that would have run are in the results too (a line per row): not run, left as they were.
        held = [
            RowOutcome(task.row.number, task.row.customer, STOPPED, task.customer_id, task.changes,
                       before=dict(task.before), after=dict(task.before), messages=[NOT_RUN])
            for task in plan.tasks
        ]  # fmt: skip
        self.outcomes: list[RowOutcome] = sorted([*plan.settled, *held], key=lambda outcome: outcome.row)


def as_rows(rows: Iterable[AccountRow | Mapping[str, Any]]) -> list[AccountRow]:
    """Return ``rows`` as AccountRows; mappings (``{"customer": ..., "city": ...}``) are numbered from 1."""
    rows = list(rows)
    if all(isinstance(row, AccountRow) for row in rows):
        # The journal and the outcomes know a row by its number: two of one number would take each other's.
        numbers = Counter(row.number for row in rows)  # type: ignore[union-attr]  # checked just above
        if twice := sorted(number for number, count in numbers.items() if count > 1):
            raise ValueError(f"rows are told apart by their numbers: {', '.join(map(str, twice))} given twice")
        return rows  # type: ignore[return-value]  # checked just above
    if all(isinstance(row, Mapping) for row in rows):
        return rows_from_mappings(rows)  # type: ignore[arg-type]  # checked just above
    kinds = sorted({type(row).__name__ for row in rows})
    raise TypeError(f"rows must be all AccountRows or all mappings such as {{'customer': ...}}, not {', '.join(kinds)}")


def refuse_problems(plan: AccountsPlan, *, skip_invalid: bool) -> None:
    """Raise ``InvalidRowsError`` when the check found problems that may not be skipped.

    ``skip_invalid`` lets the other rows run; an unknown column never does (the whole file's), since every
    row would silently lose that change.
    """
    if any(problem.whole_file for problem in plan.problems) or (plan.problems and not skip_invalid):
        raise InvalidRowsError(plan)


def run_plan(
    plan: AccountsPlan,
    rows: Sequence[AccountRow],
    pool: Pool,
    client: PortalClient,
    journal: Journal,
    on_outcome: Callable[[RowOutcome], None] | None = None,
) -> list[RowOutcome]:
    """Record the rows the check settled, apply the others; return every row's outcome in row order."""
    by_number = {row.number: row for row in rows}
    for outcome in plan.settled:  # carried over ones too: a journal of an earlier version knew rows by number
        journal.finished(by_number[outcome.row], outcome)
    applied = pool.run(plan.tasks, client, journal, on_outcome)
    return sorted([*plan.settled, *applied], key=lambda outcome: outcome.row)


def stopped_outcomes(plan: AccountsPlan, finished: Sequence[RowOutcome]) -> list[RowOutcome]:
    """Return every row's outcome when a run stopped midway: what finished, and the rest ``STOPPED`` ("not-run")."""
    done = {outcome.row for outcome in [*plan.settled, *finished]}
    left = [
        RowOutcome(
            task.row.number, task.row.customer, STOPPED, task.customer_id, wanted=task.changes, before=task.before,
            messages=["the run stopped before this row finished: carry on with --resume"],
        )
        for task in plan.tasks
        if task.row.number not in done
    ]  # fmt: skip
    return sorted([*plan.settled, *finished, *left], key=lambda outcome: outcome.row)


def unchecked_outcomes(rows: Sequence[AccountRow], journal: Journal) -> list[RowOutcome]:
    """Return every row's outcome when a run stopped before its check ended: an earlier run's final one from the
    journal (a resumed run), else ``STOPPED`` ("not-run"): this run changed nothing."""
    journal.number(rows)
    return [
        journal.final(row) or RowOutcome(row.number, row.customer, STOPPED, wanted=row.changes, messages=[UNCHECKED])
        for row in sorted(rows, key=lambda row: row.number)
    ]


def api_client(
    base_url: str, pool: Pool, token: TokenSource | None, api_client_id: str | None, api_url: str | None = None
) -> PortalClient:
    """Return the REST API client of the check: with ``token``, else with the first worker's provider session.

    The API is at ``api_url``, else at the portal's own address (as the bundled portal serves it).
    """
    if token is None and not api_client_id:
        raise ValueError(
            "The check before any change reads the portal's REST API: pass token= (a callable returning an "
            "access token) or api_client_id= (the public client of the Secure Application Model)"
        )
    # A restart while the rows are checked, or as a row's conflict is read back, is waited out as a row's page is.
    tokens = token or pool.api_tokens(str(api_client_id))
    return PortalClient(api_url or base_url, tokens, unavailable_wait_s=portal_back.PORTAL_BACK_WAIT_S)


def update_accounts(
    rows: Iterable[AccountRow | Mapping[str, Any]],
    base_url: str,
    user: str,
    password: str | None = None,
    *,
    workers: int = 1,
    token: TokenSource | None = None,
    api_client_id: str | None = None,
    api_url: str | None = None,
    session_options: Mapping[str, Any] | None = None,
    journal: str | Path | None = None,
    resume: bool = False,
    skip_invalid: bool = False,
    traces: str | Path | None = None,
    on_outcome: Callable[[RowOutcome], None] | None = None,
    setup_context: Callable[[BrowserContext], None] | None = None,
) -> list[RowOutcome]:
    """Apply rows of billing changes through the portal's UI; return each row's outcome, in row order.

    Every row is checked first, through the REST API (columns, customer, the country's rules,
    values that already hold): with any problem, ``InvalidRowsError`` lists them all and nothing
    changes, unless ``skip_invalid`` (a problem of the whole file, an unknown column, raises all the
    same). The rest run in ``workers`` browsers signed in as ``user``: the first with ``password``
    (and the options in ``session_options``, passed to each ``portal_session``: ``totp_secret``,
    ``storage_state``, browser options), the others by single sign-on. The API's tokens come from
    ``token`` (a callable), else from the first browser's sign-in for the public client
    ``api_client_id`` (the Secure Application Model); the API is at ``api_url`` (Partner Center's in
    21Vianet: ``https://partner.partnercenterapi.microsoftonline.cn/``), else at ``base_url``, where
    the bundled portal serves it.

    ``journal`` is a file recording each row as it happens; with ``resume`` a run carries on from it,
    never submitting a finished row twice (rows are known by their content, wherever they moved in
    the file, rows alike by which of them they are). Before any browser starts: a journal of another
    user or portal, or with a line edited by hand, raises ``JournalMismatchError``; one another run is
    writing, ``JournalInUseError``; none there while one beside it records these rows,
    ``JournalElsewhereError``. Rows another run (a script, the command) is applying to the same
    portal, in any order, raise ``InputInUseError`` before the journal is touched. ``traces`` is a
    folder for the trace of each row that failed twice. A session that ends for good (signing in
    again refused, or not possible without a password) raises ``SignedOutError`` at once, the rows
    not done left for a resume. ``on_outcome`` hears each row the UI applied, as it finishes;
    ``setup_context`` is called on each worker's signed-in context (routes, init scripts).
    """
    account_rows = as_rows(rows)
    if not account_rows:
        return []  # nothing to check or apply: no browser is started
    settings = Workers(
        base_url, user, password, workers, dict(session_options or {}), Path(traces) if traces else None,
        setup_context,
    )  # fmt: skip
    # Before the journal, which a run afresh empties: a script, or the command, applying the same rows to the portal
    # keeps a journal of its own, blind to this run's rows, and would submit them again.
    held = InputLock(None, base_url, None, account_rows, journal=None if journal is None else Path(journal))
    owner = run_owner(base_url, user)
    try:
        if resume and journal is not None:
            refuse_journal_elsewhere(Path(journal), account_rows, (Path(journal).parent,), owner, library=True)
        log = Journal(journal, resume=resume, owner=owner)
    except BaseException:
        held.release()
        raise
    if resume and journal is not None and not log.found:
        logging.getLogger("flows").warning("No journal at %s: nothing to resume, every row is checked afresh", journal)
    try:
        with Pool(settings) as pool:
            client = api_client(base_url, pool, token, api_client_id, api_url)
            plan = check_rows(account_rows, client, log)
            refuse_problems(plan, skip_invalid=skip_invalid)
            return run_plan(plan, account_rows, pool, client, log, on_outcome)
    finally:
        log.close()
        held.release()
