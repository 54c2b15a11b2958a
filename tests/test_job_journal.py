"""The accounts job's journal: what a resumed run skips, keeps and refuses, without a portal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.accounts_plan import AccountsPlan, overtaken_by_later_rows
from flows.journal import Journal, JournalMismatchError
from flows.outcomes import RowOutcome
from flows.spreadsheet import AccountRow

pytestmark = pytest.mark.tooling  # the library's own parts: no portal

OWNER = {"base_url": "http://127.0.0.1:8000/", "user": "admin-agent"}


def test_a_resumed_journal_skips_finished_rows_of_the_same_content_only(tmp_path: Path) -> None:
    # Given a journal where row 2 finished, row 3 started and failed, row 4 started with no outcome
    path, row = tmp_path / "run.journal", AccountRow(2, "Contoso", {"city": "Lyon"})
    first = Journal(path)
    first.finished(row, RowOutcome(2, "Contoso", "changed"))
    first.finished(AccountRow(3, "Fabrikam", {"city": "Nice"}), RowOutcome(3, "Fabrikam", "failed"))
    first.started(AccountRow(4, "Tailspin", {"city": "Metz"}), {"city": "Paris"})
    first.close()
    with path.open("a") as torn:
        torn.write('{"row": 5, "hash"')  # killed while writing

    # When a run resumes from it
    resumed = Journal(path, resume=True)

    # Then only the finished row is final, and only with the content it had; the started row is re-checked
    assert resumed.final(row) == RowOutcome(2, "Contoso", "changed")
    assert resumed.final(AccountRow(2, "Contoso", {"city": "Lille"})) is None
    assert resumed.final(AccountRow(3, "Fabrikam", {"city": "Nice"})) is None
    assert resumed.started_before(AccountRow(4, "Tailspin", {"city": "Metz"})) == {"city": "Paris"}
    resumed.close()


def test_a_journal_started_afresh_keeps_only_the_submits_a_stopped_run_never_finished(tmp_path: Path) -> None:
    # Given a journal where rows 2-4 started their Submit and 2 changed, 3 failed, 4 has no outcome; 5 was unchanged
    path = tmp_path / "run.journal"
    rows = [AccountRow(2, "Contoso", {"city": "Lyon"}), AccountRow(3, "Fabrikam", {"city": "Nice"}),
            AccountRow(4, "Tailspin", {"city": "Metz"}), AccountRow(5, "Woodgrove", {"city": "Brest"})]  # fmt: skip
    first = Journal(path, owner=OWNER)
    first.number(rows)
    for row in rows[:3]:
        first.started(row, {"city": "Paris"})
    first.finished(rows[0], RowOutcome(2, "Contoso", "changed"))
    first.finished(rows[1], RowOutcome(3, "Fabrikam", "failed"))
    first.finished(rows[3], RowOutcome(5, "Woodgrove", "unchanged"))
    first.close()

    # When the file is run again without resuming, twice (the first of them stopped before any row)
    Journal(path, owner=OWNER).close()
    with Journal(path, owner=OWNER) as afresh:
        afresh.number(rows)

        # Then no row is final, and the two whose Submit may have reached the portal are re-checked as begun
        assert [afresh.final(row) for row in rows] == [None] * 4
        assert [afresh.started_before(row) for row in rows] == [None, {"city": "Paris"}, {"city": "Paris"}, None]
        assert afresh.unfinished == 2

    # And a dry run afresh reads them too, writing nothing
    written = path.read_bytes()
    with Journal(path, owner=OWNER, read_only=True) as dry_run:
        dry_run.number(rows)
        assert dry_run.unfinished == 2 and dry_run.started_before(rows[2]) == {"city": "Paris"}
    assert path.read_bytes() == written

    # And run afresh as another user, they are not that run's to carry
    with Journal(path, owner={**OWNER, "user": "sales-agent"}) as another:
        another.number(rows)
        assert another.unfinished == 0 and [another.started_before(row) for row in rows] == [None] * 4


def test_a_resumed_journal_knows_its_rows_by_content_wherever_they_moved(tmp_path: Path) -> None:
    # Given a run of four rows, two of them alike, where the first three finished
    path = tmp_path / "run.journal"
    rows = [AccountRow(2, "Contoso", {"city": "Lyon"}), AccountRow(3, "Fabrikam", {"city": "Nice"}),
            AccountRow(4, "Fabrikam", {"city": "Nice"}), AccountRow(5, "Tailspin", {"city": "Metz"})]  # fmt: skip
    first = Journal(path, owner=OWNER)
    first.number(rows)
    for row in rows[:3]:
        first.finished(row, RowOutcome(row.number, row.customer, "changed"))
    first.close()

    # When the file gets a row inserted at the top and one of the two alike removed, and the run resumes
    moved = [AccountRow(2, "Woodgrove", {"city": "Brest"}), AccountRow(3, "Contoso", {"city": "Lyon"}),
             AccountRow(4, "Fabrikam", {"city": "Nice"}), AccountRow(5, "Tailspin", {"city": "Metz"})]  # fmt: skip
    resumed = Journal(path, resume=True, owner=OWNER)
    resumed.number(moved)

    # Then the finished row is final at its new number; the one left of the two alike, which of them it was
    # cannot be told, is checked again, as are the new row and the unfinished one
    assert [getattr(resumed.final(row), "row", None) for row in moved] == [None, 3, None, None]
    resumed.close()


def test_an_old_journal_s_outcome_is_overtaken_by_a_newer_one_of_the_same_row(tmp_path: Path) -> None:
    # Given a journal an earlier version wrote (rows known by number), where row 2 failed; then a resume ended it
    path, row = tmp_path / "run.journal", AccountRow(2, "Contoso", {"city": "Lyon"})
    old = {"row": 2, "hash": row.content_hash(), "event": "outcome", "outcome": RowOutcome(2, "Contoso", "failed")}
    path.write_text(json.dumps({**old, "outcome": old["outcome"].as_dict()}) + "\n")
    with Journal(path, resume=True, owner=OWNER) as second:
        second.number([row])
        second.finished(row, RowOutcome(2, "Contoso", "conflict"))

    # When the run resumes once more, then the row's last outcome is the one that counts
    with Journal(path, resume=True, owner=OWNER) as third:
        third.number([row])
        assert getattr(third.final(row), "outcome", None) == "conflict"


def test_a_resumed_row_leaves_alone_what_later_rows_of_its_customer_settled() -> None:
    # Given rows 2-5 of one customer (6: another's), where 3 changed, 4 met another agent's value, 5 was refused
    rows = [AccountRow(2, "Contoso", {"city": "Lyon", "state": "Rhône", "postalCode": "69001", "email": "a@b.cn"}),
            AccountRow(3, "Contoso", {"city": "Nice"}), AccountRow(4, "Contoso", {"state": "Var"}),
            AccountRow(5, "Contoso", {"postalCode": "6900"}),
            AccountRow(6, "Fabrikam", {"email": "c@d.cn"})]  # fmt: skip
    finals = {3: RowOutcome(3, "Contoso", "changed", "id-c"), 4: RowOutcome(4, "Contoso", "conflict", "id-c"),
              5: RowOutcome(5, "Contoso", "invalid", "id-c"),
              6: RowOutcome(6, "Fabrikam", "changed", "id-f")}  # fmt: skip

    # Then row 2 leaves alone the field row 3 set and the one row 4 kept another agent's value of
    assert overtaken_by_later_rows(rows[0], "id-c", rows, finals) == {
        "city": "row 3 (later in the file) set it in an earlier run",
        "state": "row 4 (later in the file) kept another agent's value in an earlier run",
    }


def test_a_journal_is_resumed_only_as_its_user_against_its_portal_and_a_dry_run_writes_none(tmp_path: Path) -> None:
    path = tmp_path / "run.journal"
    Journal(path, owner=OWNER).close()
    with path.open("a") as edited:
        edited.write("null\n[1, 2]\n")  # lines this journal did not write: passed over
    written = path.read_text()

    for other in ({**OWNER, "user": "helpdesk-agent"}, {**OWNER, "base_url": "https://partner.example.cn/"}):
        with pytest.raises(JournalMismatchError, match="start afresh without resuming"):
            Journal(path, resume=True, owner=other)
    with Journal(path, resume=True, owner=OWNER, read_only=True) as dry_run:
        assert dry_run.found and path.read_text() == written
    with Journal(path, resume=True, owner=OWNER) as resumed:
        assert resumed.found and path.read_text().startswith(written)
    with Journal(tmp_path / "none.journal", resume=True, owner=OWNER) as nothing:
        assert not nothing.found


@pytest.mark.parametrize(
    ("written", "same"),
    [
        ("http://localhost:8000", True),
        ("http://[::1]:8000/", True),
        ("HTTP://127.0.0.1:8000/", True),
        ("http://127.0.0.1:8001/", False),  # another port
        ("https://127.0.0.1:8000/", False),  # another scheme
        ("http://127.0.0.1:8000/other/", False),  # another path: another portal behind the same server
    ],
)
def test_a_journal_is_resumed_against_its_portal_however_its_address_is_written(
    tmp_path: Path, written: str, same: bool
) -> None:
    # Given a journal of a run against http://127.0.0.1:8000/
    path = tmp_path / "run.journal"
    Journal(path, owner=OWNER).close()

    # When it is resumed with the portal's address written otherwise
    # Then the same portal (a loopback name, the scheme in capitals) resumes it; another port, scheme or path is refused
    if same:
        with Journal(path, resume=True, owner={**OWNER, "base_url": written}) as resumed:
            assert resumed.found
    else:
        with pytest.raises(JournalMismatchError, match="start afresh without resuming"):
            Journal(path, resume=True, owner={**OWNER, "base_url": written})


def test_a_line_no_entry_can_be_read_from_but_where_a_kill_leaves_one_is_refused_by_its_number(tmp_path: Path) -> None:
    # Given a journal where rows 2 and 3 finished, row 2's line then overwritten (passed over, row 2 would run again)
    path, rows = tmp_path / "run.journal", [AccountRow(n, f"Customer {n}", {"city": "Lyon"}) for n in (2, 3)]
    with Journal(path, owner=OWNER) as first:
        first.number(rows)
        first.finished(rows[0], RowOutcome(2, "Customer 2", "changed"))
        first.finished(rows[1], RowOutcome(3, "Customer 3", "changed"))
    lines = path.read_text().splitlines()
    garbled = next(number for number, line in enumerate(lines) if '"Customer 2"' in line)
    path.write_text("\n".join([*lines[:garbled], "{garbage", *lines[garbled + 1 :]]) + "\n")

    # When a run resumes from it, or a dry run reads it, Then it is refused, naming the line
    said = rf"holds at line {garbled + 1} text this job did not write \(no entry can be read from it\)"
    for read_only in (False, True):
        with pytest.raises(JournalMismatchError, match=said):
            Journal(path, resume=True, owner=OWNER, read_only=read_only)


@pytest.mark.parametrize("content", [b"\x8f\x00garbage\x13", b"\xff\xfe\n\x01\x02\nzz"], ids=["one-line", "lines"])
def test_a_journal_of_nothing_this_job_wrote_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "run.journal"
    path.write_bytes(content)

    with pytest.raises(JournalMismatchError, match=r"holds (nothing this job wrote|at line 1 text this job did not)"):
        Journal(path, resume=True, owner=OWNER)


def test_a_line_cut_by_a_kill_then_ended_by_the_next_run_is_resumed_over_again(tmp_path: Path) -> None:
    # Given a journal whose last line a kill cut, resumed once (the cut line ended, the new run's line after it)
    path, row = tmp_path / "run.journal", AccountRow(2, "Contoso", {"city": "Lyon"})
    with Journal(path, owner=OWNER) as first:
        first.number([row])
        first.finished(row, RowOutcome(2, "Contoso", "changed"))
    with path.open("a") as torn:
        torn.write('{"row": 3, "hash"')
    Journal(path, resume=True, owner=OWNER).close()

    # When it is resumed again, Then the cut line, now within it, is passed over and the finished row known
    with Journal(path, resume=True, owner=OWNER) as again:
        again.number([row])
        assert again.final(row) == RowOutcome(2, "Contoso", "changed")


def test_a_dry_run_says_a_row_an_earlier_run_finished_is_that_run_s_doing() -> None:
    # Given a plan where row 2 was finished by an earlier run (its journal says so) and row 3 is settled by the check
    plan = AccountsPlan(finished_before={2})
    plan.settled += [RowOutcome(2, "Contoso", "changed"), RowOutcome(3, "Fabrikam", "unchanged")]

    # Then a dry run says whose the change was: not the dry run's, which changes nothing
    assert plan.describe() == ["row 2: an earlier run's: changed Contoso", "row 3: unchanged Fabrikam"]


def test_a_value_holding_a_line_separator_is_one_entry_read_back(tmp_path: Path) -> None:
    # Given a row whose Submit began over a value holding U+2028 and U+0085 (json.dumps leaves them as they are)
    path, row = tmp_path / "run.journal", AccountRow(2, "Contoso", {"city": "Lyon"})
    with Journal(path, owner=OWNER) as first:
        first.number([row])
        first.started(row, {"city": "Paris\u2028Cedex\x85 8"})

    # When a run resumes from it, Then it knows what that Submit found
    with Journal(path, resume=True, owner=OWNER) as resumed:
        resumed.number([row])
        assert resumed.started_before(row) == {"city": "Paris\u2028Cedex\x85 8"}


def test_a_journal_of_an_earlier_version_cut_by_a_kill_then_resumed_is_read(tmp_path: Path) -> None:
    # Given a journal as the job's first version wrote it (no run's line), a line a kill cut, then the rows the next
    # run wrote after ending it
    row, later = AccountRow(2, "Contoso", {"city": "Lyon"}), AccountRow(3, "Fabrikam", {"city": "Nice"})
    path = tmp_path / "run.journal"
    with Journal(path) as first:
        first.finished(row, RowOutcome(2, "Contoso", "changed"))
    with path.open("a") as cut:
        cut.write('{"row": 3, "hash": "ab\n')
    with Journal(path, resume=True) as second:
        second.finished(later, RowOutcome(3, "Fabrikam", "changed"))
    assert '"event": "run"' not in path.read_text(), "a journal of the first version holds no run's line"

    # When it is resumed again, Then both rows are known finished
    with Journal(path, resume=True) as resumed:
        assert [getattr(resumed.final(r), "outcome", None) for r in (row, later)] == ["changed", "changed"]


def test_a_journal_whose_only_line_a_kill_cut_resumes_with_nothing_to_skip(tmp_path: Path) -> None:
    path = tmp_path / "run.journal"
    path.write_text('{"event": "run", "base_url": "http://127.0.0.1:8000/", "us')

    with Journal(path, resume=True, owner=OWNER) as resumed:
        assert resumed.found and resumed.earlier == {}


def test_a_run_afresh_over_a_damaged_journal_keeps_its_unfinished_submits_and_says_which_lines_it_passed_over(
    tmp_path: Path,
) -> None:
    # Given a journal with a line overwritten, and a row whose Submit began without an outcome
    path, row = tmp_path / "run.journal", AccountRow(3, "Fabrikam", {"city": "Nice"})
    with Journal(path, owner=OWNER) as first:
        first.number([AccountRow(2, "Contoso", {"city": "Lyon"}), row])
        first.finished(AccountRow(2, "Contoso", {"city": "Lyon"}), RowOutcome(2, "Contoso", "changed"))
        first.started(row, {"city": "Paris"})
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "{garbage", *lines[2:]]) + "\n")

    # When a run starts afresh on it
    with Journal(path, owner=OWNER) as afresh:
        afresh.number([row])

        # Then the begun Submit is still re-checked (it may have been saved), and the line passed over is named
        assert (afresh.unfinished, afresh.passed_over) == (1, [2])
        assert afresh.started_before(row) == {"city": "Paris"}
