"""Rows alike in a spreadsheet (the same customer and changes) across a resumed run: told apart by their order.

The journal knows a row by its content; rows whose content the file holds more than once, by which of them
they are. A resumed run skips the finished ones and never submits one twice; the check says which made a change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from test_job_journal import OWNER

from flows.accounts_plan import APPLIED_BEFORE, AccountsPlan, check_rows
from flows.journal import Journal, JournalMismatchError
from flows.outcomes import RowOutcome
from flows.rest import PortalClient
from flows.spreadsheet import AccountRow
from pages import BillingProfile

pytestmark = pytest.mark.tooling  # the library's own parts: no portal


def test_a_resumed_journal_knows_rows_alike_by_which_of_them_they_are_in_file_order(tmp_path: Path) -> None:
    # Given rows 2 and 4 alike, row 3 between them: 2 finished, 3 started its Submit when the run stopped
    path, lyon = tmp_path / "run.journal", {"city": "Lyon"}
    rows = [AccountRow(2, "Contoso", lyon), AccountRow(3, "Contoso", {"city": "Nice"}), AccountRow(4, "Contoso", lyon)]
    with Journal(path, owner=OWNER) as first:
        first.number(rows)
        first.finished(rows[0], RowOutcome(2, "Contoso", "changed"))
        first.started(rows[1], lyon)

    # When a row is inserted at the top of the file, and the run resumes
    moved = [AccountRow(2, "Woodgrove", {"city": "Brest"}), *(AccountRow(r.number + 1, r.customer, r.cells)
                                                              for r in rows)]  # fmt: skip
    with Journal(path, resume=True, owner=OWNER) as resumed:
        resumed.number(moved)

        # Then the first of the two alike is final at its new number, the second is not; row 3's Submit is known
        assert [getattr(resumed.final(row), "row", None) for row in moved] == [None, 3, None, None]
        assert [resumed.started_before(row) for row in moved] == [None, None, lyon, None]


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(None, id="no-key"),
        pytest.param("{hash}@{row}", id="hash-at-row"),
        pytest.param("{hash}*{row}", id="hash-star-row"),
        pytest.param("{hash}#2", id="hash-occurrence"),
    ],
)
def test_an_earlier_version_s_entries_are_the_rows_at_their_numbers_alike_or_not(
    tmp_path: Path, key: str | None
) -> None:
    # Given a journal an earlier version wrote, knowing rows by number, where row 3 of two alike changed
    path, rows = tmp_path / "run.journal", [AccountRow(n, "Contoso", {"city": "Lyon"}) for n in (2, 3)]
    content, outcome = rows[1].content_hash(), RowOutcome(3, "Contoso", "changed").as_dict()
    keyed = {} if key is None else {"key": key.format(hash=content, row=3)}
    path.write_text(json.dumps({"row": 3, "hash": content, **keyed, "event": "outcome", "outcome": outcome}) + "\n")

    # When the same file resumes, then row 3 is final, row 2 is not
    with Journal(path, resume=True, owner=OWNER) as resumed:
        resumed.number(rows)
        assert [getattr(resumed.final(row), "row", None) for row in rows] == [None, 3]


class OneCustomerApi:
    """The check's REST client, for one customer, Contoso, whose billing city is ``city``."""

    def __init__(self, city: str) -> None:
        self.city = city

    def customer(self, customer_id: str) -> None:
        return None  # rows name the customer, not its Microsoft ID

    def customers_named(self, name: str) -> list[dict[str, str]]:
        return [{"id": "id-c"}] if name == "Contoso" else []

    def billing_profile(self, customer_id: str) -> BillingProfile:
        return BillingProfile.from_mapping({"city": self.city, "country": "FR"})

    def country_rules(self, country: str) -> None:
        return None


def resumed_plan(
    path: Path, cities: list[str], city_now: str, first_run: Callable[[Journal, list[AccountRow]], None]
) -> AccountsPlan:
    """Return the check of a resumed run of Contoso's rows to ``cities``, after ``first_run`` wrote its journal."""
    rows = [AccountRow(n, "Contoso", {"city": city}) for n, city in enumerate(cities, start=2)]
    with Journal(path, owner=OWNER) as first:
        first.number(rows)
        first_run(first, rows)
    with Journal(path, resume=True, owner=OWNER) as resumed:
        return check_rows(rows, cast(PortalClient, OneCustomerApi(city_now)), resumed)


def test_a_resumed_check_skips_the_finished_one_of_rows_alike_and_the_saved_submit_between(tmp_path: Path) -> None:
    # Given rows 2 and 4 alike (Lyon), 3 (Nice) between them: 2 changed, 3's Submit saved as the run stopped
    def first_run(journal: Journal, rows: list[AccountRow]) -> None:
        journal.finished(rows[0], RowOutcome(2, "Contoso", "changed", "id-c", before={"city": "Paris"}))
        journal.started(rows[1], {"city": "Lyon"})

    # When the run resumes
    plan = resumed_plan(tmp_path / "run.journal", ["Lyon", "Nice", "Lyon"], "Nice", first_run)

    # Then 2 is as it ended, 3 changed (its Submit not sent again) from Lyon, not Paris; only 4 is left to run
    assert [(o.row, o.outcome, o.before) for o in plan.settled] == [
        (2, "changed", {"city": "Paris"}),
        (3, "changed", {"city": "Lyon"}),
    ]
    assert plan.settled[1].messages == [APPLIED_BEFORE]
    assert [task.row.number for task in plan.tasks] == [4]


def test_a_resumed_check_says_which_of_two_rows_alike_made_the_change(tmp_path: Path) -> None:
    # Given rows 2 and 3 alike: 2's Submit saved as the run stopped
    plan = resumed_plan(tmp_path / "run.journal", ["Lyon", "Lyon"], "Lyon",
                        lambda journal, rows: journal.started(rows[0], {"city": "Paris"}))  # fmt: skip

    # Then 2 changed the city (from Paris), 3 finds it holds; nothing is left to run
    assert [(o.row, o.outcome, o.before, o.after) for o in plan.settled] == [
        (2, "changed", {"city": "Paris"}, {"city": "Lyon"}),
        (3, "unchanged", {"city": "Lyon"}, {"city": "Lyon"}),
    ]
    assert plan.tasks == []


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda entry: {**entry, "row": "three"}, "its row is 'three', no number"),
        (lambda entry: {**entry, "event": "finished"}, "its event is 'finished'"),
        (lambda entry: {**entry, "outcome": {"outcome": "changed"}}, "its outcome is not one"),
    ],
    ids=["row-no-number", "unknown-event", "outcome-cut"],
)
def test_a_journal_line_edited_by_hand_is_refused_naming_it_not_a_traceback(
    tmp_path: Path, edit: Callable[[dict[str, object]], dict[str, object]], said: str
) -> None:
    # Given a journal whose row 3 finished, its line then edited by hand
    path, row = tmp_path / "run.journal", AccountRow(3, "Contoso", {"city": "Lyon"})
    with Journal(path, owner=OWNER) as first:
        first.number([row])
        first.finished(row, RowOutcome(3, "Contoso", "changed"))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[-1] = json.dumps(edit(json.loads(lines[-1])))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # When the run resumes, then it is refused, naming the line and what is wrong with it
    with pytest.raises(JournalMismatchError, match=f"at line {len(lines)} .*{re.escape(said)}"):
        Journal(path, resume=True, owner=OWNER)
