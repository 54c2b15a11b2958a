"""Check every row before any click: its columns, its customer, its values; say what would change.

Customers are found and their billing profiles read through the REST API; values are checked
with the field rules and the customer's published country rules. A row whose values already
hold needs no browser at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pages import EDITABLE_FIELDS
from pages.models import likely_field

from .account import alike, microsoft_id
from .field_rules import CountryRules, value_problems
from .journal import Journal
from .outcomes import CHANGED, CONFLICT, DONE, INVALID, NOT_FOUND, UNCHANGED, RowOutcome
from .rest import PortalClient
from .spreadsheet import CUSTOMER_COLUMN, AccountRow

APPLIED_BEFORE = "its Submit reached the portal on an earlier try (the run stopped, or it failed): not submitted again"


@dataclass(frozen=True)
class Problem:
    """Something that keeps a row (or, ``whole_file``, every row: said at row 1, the header) from running."""

    row: int
    message: str
    # Told so, not by the row: rows given as mappings are numbered from 1, their first row's problem its own.
    whole_file: bool = False

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class RowTask:
    """A row to apply through the UI, with what the check found."""

    row: AccountRow
    customer_id: str
    company_name: str
    before: dict[str, str]  # the row's fields as they will stand when it runs, as far as the check knows
    started_before: dict[str, str] | None = None  # what an earlier run found before its Submit, if it got there
    overtaken: frozenset[str] = frozenset()  # fields a later row of the customer set in an earlier run
    notes: tuple[str, ...] = ()  # said in the row's outcome, whatever it is
    listed: tuple[tuple[str, str], ...] = ()  # values as the portal's lists spell them: ("state", "上海市") for "SH"
    # Per field, the values the portal may hold when the row runs without another writer since the check: the one
    # the check read, then each an earlier row of the customer in this run sets. Another is someone else's.
    expected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    later: Mapping[str, tuple[int, str]] = field(default_factory=dict)  # per field, the file's last row setting it

    @property
    def changes(self) -> dict[str, str]:
        """Return the row's new values (as the portal's lists spell them), but for the fields a later row set."""
        values = {**self.row.changes, **dict(self.listed)}
        return {name: value for name, value in values.items() if name not in self.overtaken}


@dataclass
class AccountsPlan:
    """Rows to apply through the UI, rows already settled, and every problem found."""

    tasks: list[RowTask] = field(default_factory=list)
    settled: list[RowOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # whole_file ones: the file's own, which no row can skip
    finished_before: set[int] = field(default_factory=set)  # rows the journal says an earlier run finished
    begun_before: set[int] = field(default_factory=set)  # ... and rows whose Submit it began, never finished

    def describe(self) -> list[str]:
        """Return what a run would do, row by row: the file's own problems first, every problem of a row."""
        lines = [(problem.row, f"problem: {problem.message}") for problem in self.problems if problem.whole_file]
        lines += [(o.row, ("an earlier run's: " if o.row in self.finished_before else "") + f"{o.outcome} {o.customer}"
                   + (f" ({'; '.join(o.messages)})" if o.messages else "")) for o in self.settled]  # fmt: skip
        for task in self.tasks:  # a column the form does not have is the file's problem, said at row 1
            before = task.before
            changes = [(name, value) for name, value in task.changes.items() if before.get(name) != value]
            diff = ", ".join(f"{name} {before[name]!r} -> {value!r}" if name in before else f"{name} (not a field)"
                             for name, value in changes)  # fmt: skip
            lines.append((task.row.number, f"would change {task.row.customer}: {diff or 'nothing (its values hold)'}"))
            lines += [(task.row.number, note) for note in task.notes]
        return [f"row {number}: {line}" for number, line in sorted(lines, key=lambda line: line[0])]

    def resumed_from(self, journal: Path | None) -> str:
        """Say what a resumed run takes from its ``journal``: the rows finished, and those whose Submit was left
        unfinished."""
        said = f"resumed from {journal}: {len(self.finished_before)} row(s) an earlier run finished, not run again"
        if self.begun_before:
            said += f"; {len(self.begun_before)} whose Submit it began and never finished, checked for what it saved"
        return said

    def stops_run(self, *, skip_invalid: bool) -> str | None:
        """Say what the problems found would do to a run (None: there are none): stop it before any change (the
        file's own, or any without ``skip_invalid``), or skip their rows."""
        if not self.problems:
            return None
        found = f"{len(self.problems)} problem(s) found"
        if any(problem.whole_file for problem in self.problems):
            return f"{found}: a run would stop before any change, --skip-invalid or not"
        if not skip_invalid:
            return f"{found}: a run would stop before any change (--skip-invalid applies the other rows)"
        return f"{found}: a run with --skip-invalid would skip their rows and apply the others"


class LookupProblem(Exception):
    """A row's customer cannot be used: ``outcome`` says how the row ends."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


class Directory:
    """Customers, their billing profiles and their countries' rules, each read once through the API."""

    def __init__(self, client: PortalClient) -> None:
        self.client = client
        self.found: dict[str, tuple[str, str] | LookupProblem] = {}
        self.profiles: dict[str, dict[str, str]] = {}

    def customer(self, named: str) -> tuple[str, str]:
        """Return the Microsoft ID and company name of the customer a row names; raise ``LookupProblem``."""
        if named not in self.found:
            try:
                self.found[named] = self.look_up(named)
            except LookupProblem as problem:
                self.found[named] = problem
        found = self.found[named]
        if isinstance(found, LookupProblem):
            raise found
        return found

    def look_up(self, named: str) -> tuple[str, str]:
        """Find the customer by Microsoft ID (any case, in braces or not, as exports write it), else by exact name."""
        guid = microsoft_id(named)
        if guid is not None:
            customer = self.client.customer(guid)
            if customer is not None:
                return customer["id"], customer["companyProfile"]["companyName"]
        matches = self.client.customers_named(named)
        if not matches:
            raise LookupProblem(NOT_FOUND, f"no customer named or with the Microsoft ID {named!r}")
        if len(matches) > 1:
            raise LookupProblem(INVALID, f"{len(matches)} customers are named {named!r}: give the Microsoft ID instead")
        return matches[0]["id"], named

    def profile(self, customer_id: str) -> dict[str, str]:
        """Return the customer's billing profile as stored (the same dict each time)."""
        if customer_id not in self.profiles:
            self.profiles[customer_id] = self.client.billing_profile(customer_id).as_dict()
        return self.profiles[customer_id]

    def rules(self, country: str) -> CountryRules | None:
        """Return the country's published rules, or None when it publishes none."""
        resource = self.client.country_rules(country)
        return None if resource is None else CountryRules.from_resource(resource)


def held_already(stored: Mapping[str, str], changes: Mapping[str, str], found: Mapping[str, str] | None) -> bool:
    """Whether the portal holds every change: as asked, or, where the row's earlier Submit (which found ``found``)
    moved a field, as the portal tidied it ("LYON" for "Lyon"), as the run's read of the form takes it."""
    return all(
        stored.get(name) == value
        or (found is not None and name in found and stored.get(name) not in (None, found[name])
            and alike(stored[name], value))
        for name, value in changes.items()
    )  # fmt: skip


def saved_otherwise(wanted: Mapping[str, str], saved: Mapping[str, str]) -> list[str]:
    """Say, for each field the portal saved otherwise than the row asked (its own tidying, say), both values."""
    return [f"{name}: the portal saved {saved[name]!r}, not {value!r}" for name, value in wanted.items()
            if saved.get(name) != value]  # fmt: skip


def column_problems(rows: Sequence[AccountRow]) -> list[Problem]:
    """Return a problem for each column that is neither ``customer`` nor an editable billing field."""
    unknown = sorted({column for row in rows for column in row.cells} - set(EDITABLE_FIELDS))
    known = ", ".join(EDITABLE_FIELDS)
    likely = {name: likely_field(name, EDITABLE_FIELDS) for name in unknown}  # "postcode": postalCode?
    return [Problem(1, f"unknown column {name!r}{f' ({likely[name]}?)' if likely[name] else ''}; the columns are "
                       f"{CUSTOMER_COLUMN!r} and {known}", whole_file=True) for name in unknown]  # fmt: skip


def overtaken_by_later_rows(
    row: AccountRow,
    customer_id: str,
    rows: Sequence[AccountRow],
    finals: Mapping[int, RowOutcome],
    started: Mapping[int, str] | None = None,
) -> dict[str, str]:
    """Return the fields of ``row`` that a later row of the same customer settled in an earlier run, and how.

    Rows of a customer apply in file order, the last one winning: a row resumed after a later one
    finished must not put its older value back; nor over another agent's value that a later row's
    conflict kept; nor over what a later row began to Submit (``started``: row number -> customer ID), whose
    Submit may have been saved, and which runs again after this one all the same.
    """
    overtaken: dict[str, str] = {}
    started = started or {}
    for later in rows:
        done = finals.get(later.number)
        if later.number <= row.number or (done is None and started.get(later.number) != customer_id):
            continue
        if done is None:
            said = f"row {later.number} (later in the file) may have set it in an earlier run, and runs after this one"
        elif done.customer_id != customer_id:
            continue
        elif done.outcome in DONE:
            said = f"row {later.number} (later in the file) set it in an earlier run"
        elif done.outcome == CONFLICT:
            said = f"row {later.number} (later in the file) kept another agent's value in an earlier run"
        else:
            continue
        overtaken |= {name: said for name in later.changes if name in row.changes}
    return overtaken


def held_by_later_rows(
    row: AccountRow, customer_id: str, last_values: Mapping[tuple[str, str], tuple[int, str]], stored: Mapping[str, str]
) -> dict[str, str]:
    """Return the fields of ``row`` that a later row of the customer sets to the value the portal already holds.

    The file's last word on them holds: submitting this row's older value would undo it for a while (and for
    good, should the run stop between the two rows). A file run again changes nothing.
    """
    held: dict[str, str] = {}
    for name in row.changes:
        number, value = last_values.get((customer_id, name), (row.number, ""))
        if number > row.number and stored.get(name) == value:
            held[name] = f"row {number} (later in the file) sets it to the value the portal already holds"
    return held


def customer_ids(rows: Sequence[AccountRow], directory: Directory) -> dict[int, str]:
    """Return the Microsoft ID of each row's customer, by row number; rows whose customer is not found left out."""
    found: dict[int, str] = {}
    for row in rows:
        try:
            if row.customer:
                found[row.number] = directory.customer(row.customer)[0]
        except LookupProblem:  # said when the row is checked
            continue
    return found


def last_values(rows: Sequence[AccountRow], ids: Mapping[int, str]) -> dict[tuple[str, str], tuple[int, str]]:
    """Return, per customer and field, the last row of the file that sets it and its value."""
    last: dict[tuple[str, str], tuple[int, str]] = {}
    for row in rows:
        if row.number in ids:
            last |= {(ids[row.number], name): (row.number, value) for name, value in row.changes.items()}
    return last


def check_rows(rows: Sequence[AccountRow], client: PortalClient, journal: Journal | None = None) -> AccountsPlan:
    """Check every row through the API; nothing in the portal changes."""
    plan, directory = AccountsPlan(problems=column_problems(rows)), Directory(client)
    planned: set[str] = set()  # customers with a row to run: their later rows are checked on the form
    if journal is not None:
        journal.number(rows)
    finals = {row.number: final for row in rows if journal and (final := journal.final(row)) is not None}
    to_check = [row for row in rows if row.number not in finals]
    ids = customer_ids(to_check, directory)  # a finished row's customer is not asked for again
    started = {row.number: ids[row.number] for row in to_check if journal and row.number in ids
               and journal.started_before(row) is not None}  # fmt: skip
    plan.finished_before, plan.begun_before = set(finals), set(started)
    last = last_values(to_check, ids)
    # Per customer, the rows an earlier run finished or began: all a row's check looks at (not every row: a file
    # of 100,000 rows would take hours).
    earlier_run: dict[str, list[AccountRow]] = {}
    for row in rows:
        customer = finals[row.number].customer_id if row.number in finals else started.get(row.number)
        if customer:
            earlier_run.setdefault(customer, []).append(row)
    portal_values: dict[str, dict[str, str]] = {}  # each customer's profile as the API gave it
    planned_values: dict[str, dict[str, tuple[str, ...]]] = {}  # per customer and field, the values its tasks set
    for row in rows:
        earlier = finals.get(row.number)
        if earlier is not None:
            plan.settled.append(earlier)
            continue
        try:
            customer_id, company_name = directory.customer(row.customer) if row.customer else ("", "")
        except LookupProblem as problem:
            plan.problems.append(Problem(row.number, str(problem)))
            refused = RowOutcome(row.number, row.customer, problem.outcome, "", row.changes, messages=[str(problem)])
            plan.settled.append(refused)
            continue
        overtaken = (
            overtaken_by_later_rows(row, customer_id, earlier_run.get(customer_id, []), finals, started)
            if customer_id
            else {}
        )
        if customer_id:  # the portal's values, not as the rows planned before this one would leave them
            stored_now = portal_values.setdefault(customer_id, directory.profile(customer_id))
            if row.number not in started:  # a row that began its Submit says itself what it did
                overtaken = held_by_later_rows(row, customer_id, last, stored_now) | overtaken
        notes = tuple(f"{name}: not applied, {said}" for name, said in overtaken.items())
        spelled: tuple[tuple[str, str], ...] = ()
        changes = {name: value for name, value in row.changes.items() if name not in overtaken}
        outcome = RowOutcome(row.number, row.customer, INVALID, customer_id, changes)
        if not customer_id:
            outcome.messages = [f"no customer: the {CUSTOMER_COLUMN!r} cell is empty"]
        else:
            stored = directory.profile(customer_id)
            outcome.before = {name: stored[name] for name in changes if name in stored}
            partner_domain = client.partner_domain() if "email" in changes else None
            rules = directory.rules(stored["country"])
            bad = value_problems(changes, rules, partner_domain)
            outcome.messages = [f"{name}: {problem}" for name, problem in bad.items()]
            lists = {"state": rules.listed_state, "culture": rules.listed_culture} if rules else {}
            for name, spell in lists.items():
                if changes.get(name) and (listed := spell(changes[name])) != changes[name]:  # sent as it is stored
                    notes += (f"{name}: {changes[name]!r} is {listed!r} in the country's list",)
                    changes[name] = listed
                    spelled += ((name, listed),)
        if outcome.messages:
            plan.problems += [Problem(row.number, message) for message in outcome.messages]
            plan.settled.append(outcome)
            continue
        started_before = journal.started_before(row, changes) if journal else None
        if customer_id not in planned and held_already(outcome.before, changes, started_before):
            outcome.after, outcome.messages = dict(outcome.before), list(notes)
            if started_before is not None and started_before != changes:  # this row's own Submit, last run
                outcome.outcome, outcome.before = CHANGED, started_before
                outcome.messages.append(APPLIED_BEFORE)
                outcome.messages += saved_otherwise(changes, outcome.after)
            else:
                outcome.outcome = UNCHANGED
            plan.settled.append(outcome)
            continue
        set_before = planned_values.setdefault(customer_id, {})
        read = portal_values[customer_id]
        expected = {name: (read[name], *set_before.get(name, ())) for name in changes if name in read}
        if rules and "state" in expected:  # a list's field shows its option's name for the code the API may give
            expected["state"] += (rules.listed_state(read["state"]),)
        later = {name: last[(customer_id, name)] for name in changes if last[(customer_id, name)][0] > row.number}
        task = RowTask(
            row, customer_id, company_name, outcome.before, started_before, frozenset(overtaken), notes, spelled,
            expected, later,
        )  # fmt: skip
        plan.tasks.append(task)
        planned.add(customer_id)
        set_before |= {name: (*set_before.get(name, ()), value) for name, value in changes.items()}
        directory.profiles[customer_id] = {**directory.profile(customer_id), **changes}
    return plan
