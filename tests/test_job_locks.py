"""The accounts job's locks: one run per journal, one run per input file and portal, a gone run's taken over."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from test_job_files import NOWHERE, ROOT, changes_file, update_accounts
from test_job_journal import OWNER

from flows import journal_lock
from flows import update_accounts as library_update_accounts
from flows.input_lock import InputInUseError, InputLock, lock_path
from flows.journal import Journal, JournalElsewhereError, JournalInUseError
from flows.outcomes import RowOutcome
from flows.spreadsheet import AccountRow, read_rows

pytestmark = pytest.mark.tooling  # the library's own parts: no portal

# A run that holds its journal until it is killed; it says so once it does.
HOLDER = """
import sys
from flows.journal import Journal
journal = Journal(sys.argv[1], owner={"base_url": "http://127.0.0.1:8000/", "user": "admin-agent"})
print("holding", flush=True)
sys.stdin.read()  # until the test ends it
"""


def test_a_second_run_on_a_journal_in_use_is_refused_and_the_first_one_s_record_stays_whole(tmp_path: Path) -> None:
    # Given a run writing its journal, one row finished
    path = tmp_path / "run.journal"
    rows = [AccountRow(n, f"Customer {n}", {"city": "Lyon"}) for n in (2, 3)]
    with Journal(path, owner=OWNER) as first:
        first.number(rows)
        first.finished(rows[0], RowOutcome(2, "Customer 2", "changed"))

        # When another run opens it, afresh or resuming, then it is refused, naming the journal and the run
        said = rf"Another run \(pid {os.getpid()}\) is using the journal {re.escape(str(path))}: wait for it"
        for resume in (False, True):
            with pytest.raises(JournalInUseError, match=said):
                Journal(path, resume=resume, owner=OWNER)
        Journal(path, resume=True, owner=OWNER, read_only=True).close()  # a dry run only reads: not refused
        first.finished(rows[1], RowOutcome(3, "Customer 3", "changed"))

    # And the first run's record is whole: a resume knows both rows finished
    assert b"\0" not in path.read_bytes()
    with Journal(path, resume=True, owner=OWNER) as resumed:
        resumed.number(rows)
        assert [getattr(resumed.final(row), "outcome", None) for row in rows] == ["changed", "changed"]


def test_a_run_holds_its_journal_while_it_lives_and_a_crash_leaves_it_free(tmp_path: Path) -> None:
    path = tmp_path / "run.journal"
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as run:
        try:
            assert run.stdout is not None and run.stdout.readline() == "holding\n"
            with pytest.raises(JournalInUseError, match=rf"Another run \(pid {run.pid}\)"):
                Journal(path, owner=OWNER)
        finally:
            run.kill()  # as a crash: the journal is never closed
            run.wait()

    with Journal(path, resume=True, owner=OWNER) as next_run:
        assert next_run.found


def test_without_flock_a_pid_lock_file_holds_the_journal_and_a_gone_run_s_is_taken_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given no flock (as on Windows), and the lock file of a run that crashed
    monkeypatch.setattr(journal_lock, "fcntl", None)
    path, lock = tmp_path / "run.journal", tmp_path / "run.journal.lock"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock.write_text(gone.stdout)

    # Then a run takes the lock over, another is refused while it runs, and the lock goes with the run
    with Journal(path, owner=OWNER):
        assert lock.read_text() == f"{os.getpid()}\n"
        said = (
            rf"Another run \(pid {os.getpid()}\) is using the journal .* \(if none runs, remove {re.escape(str(lock))}"
        )
        with pytest.raises(JournalInUseError, match=said):
            Journal(path, resume=True, owner=OWNER)
    assert not lock.exists()


def test_the_same_job_started_twice_stops_at_once_naming_the_journal_and_the_first_job(tmp_path: Path) -> None:
    # Given the first job, still writing its journal
    file, journal = changes_file(tmp_path), tmp_path / "changes.csv.results.csv.journal"
    with Journal(journal, owner=OWNER):
        written = journal.read_bytes()

        # When the same command is run again
        done = update_accounts(file)

        # Then it stops before any browser, with a usage error's code, and leaves the journal alone
        said = f"error: Another run (pid {os.getpid()}) is using the journal {journal}: wait for it to end"
        assert (done.returncode, len(done.stderr.splitlines())) == (2, 1), done.stderr
        assert done.stderr.startswith(said), done.stderr
        assert journal.read_bytes() == written


@pytest.fixture
def held_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a file of changes whose runs' locks are in its own folder, as a run of ``update_accounts`` has them."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return changes_file(tmp_path)


@pytest.mark.parametrize("resume", [[], ["--resume"]], ids=["afresh", "resumed"])
@pytest.mark.parametrize(("spelled", "base_url"), [("changes.csv", NOWHERE), ("sub/../changes.csv", NOWHERE[:-1])])
def test_a_file_another_run_applies_to_the_same_portal_is_refused_whatever_its_results(
    held_file: Path, resume: list[str], spelled: str, base_url: str
) -> None:
    # Given a run applying the file, and the journal an earlier run left beside other results
    (held_file.parent / "sub").mkdir()
    other = held_file.parent / "other.csv"
    (held_file.parent / "other.csv.journal").write_text("{}\n")
    first = InputLock(held_file, base_url, held_file.parent / "first.csv")
    try:
        # When the file is run again with other results (its own journal, blind to the first run's rows)
        done = update_accounts(held_file.parent / spelled, "--results", str(other), *resume)
    finally:
        first.release()

    # Then it stops before any browser, naming the run and its results, and leaves its journal as it was
    said = f"error: Another run (pid {os.getpid()}, results {held_file.parent / 'first.csv'}) is applying "
    assert (done.returncode, len(done.stderr.splitlines())) == (2, 1), done.stderr
    assert done.stderr.startswith(said), done.stderr
    assert (held_file.parent / "other.csv.journal").read_text() == "{}\n"


def test_a_file_s_lock_is_the_portal_s_and_goes_with_its_run(held_file: Path) -> None:
    InputLock(held_file, NOWHERE, held_file.parent / "a.csv").release()
    with pytest.raises(InputInUseError):  # taken again once released, and held
        held = InputLock(held_file, NOWHERE, held_file.parent / "a.csv")
        InputLock(held_file, NOWHERE, held_file.parent / "b.csv")
    held.release()
    assert not lock_path(held_file, NOWHERE).exists()  # nothing left behind
    InputLock(held_file, "http://127.0.0.1:8000/", held_file.parent / "b.csv").release()  # another portal
    assert "is applying" not in update_accounts(held_file, "--dry-run").stderr  # a dry run changes nothing


@pytest.mark.parametrize(
    "written",
    ["http://localhost:9", "HTTP://LOCALHOST:9/", "http://[::1]:9/", "http://127.0.0.2:9", "http://127.0.0.1:9//"],
)
def test_the_same_portal_written_another_way_is_the_same_portal_to_a_file_s_lock(held_file: Path, written: str) -> None:
    held = InputLock(held_file, NOWHERE, held_file.parent / "a.csv", read_rows(held_file))
    try:
        with pytest.raises(InputInUseError, match=r"^Another run \(pid \d+"):
            InputLock(held_file, written, held_file.parent / "b.csv")
        with pytest.raises(InputInUseError, match="the same rows"):  # a copy of the file too
            InputLock(copy_of(held_file, "copy.csv"), written, held_file.parent / "b.csv", read_rows(held_file))
    finally:
        held.release()


@pytest.mark.parametrize("other", ["https://127.0.0.1:9/", "http://127.0.0.1:10/", "http://127.0.0.1:9/eu/"])
def test_another_scheme_port_or_path_is_another_portal_to_a_file_s_lock(held_file: Path, other: str) -> None:
    held = InputLock(held_file, NOWHERE, held_file.parent / "a.csv", read_rows(held_file))
    try:
        InputLock(held_file, other, held_file.parent / "b.csv", read_rows(held_file)).release()
    finally:
        held.release()


def test_without_flock_a_pid_lock_file_holds_the_input_file(held_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal_lock, "fcntl", None)
    held = InputLock(held_file, NOWHERE, held_file.parent / "a.csv")
    try:
        with pytest.raises(InputInUseError, match=rf"Another run \(pid {os.getpid()}\) is applying {held_file}"):
            InputLock(held_file, NOWHERE, held_file.parent / "b.csv")
    finally:
        held.release()
    InputLock(held_file, NOWHERE, held_file.parent / "b.csv").release()


def copy_of(file: Path, name: str) -> Path:
    """Return a copy of ``file``'s rows saved elsewhere: as it is, its rows the other way up, or as an XLSX."""
    copy = file.parent / name
    copy.parent.mkdir(exist_ok=True)
    rows = [row.split(",") for row in file.read_text(encoding="utf-8").splitlines()]
    if name.endswith(".xlsx"):
        workbook = Workbook()
        for row in [rows[0], *reversed(rows[1:])]:
            workbook.active.append(row)
        workbook.save(copy)
    else:
        copy.write_bytes(file.read_bytes())
    return copy


@pytest.mark.parametrize("name", ["elsewhere/changes.csv", "changes (2).csv", "changes.xlsx"])
def test_a_copy_of_a_file_another_run_applies_to_the_same_portal_is_refused_naming_that_run(
    held_file: Path, name: str
) -> None:
    # Given a run applying a file of two rows, and a copy of it saved elsewhere (an XLSX, its rows the other way up)
    held_file.write_text("customer,city\r\nContoso,Lyon\r\nFabrikam,Paris\r\n", encoding="utf-8")
    copy = copy_of(held_file, name)
    first = InputLock(held_file, NOWHERE, held_file.parent / "first.csv", read_rows(held_file))
    try:
        # When the copy is run
        done = update_accounts(copy, locks=held_file.parent)
    finally:
        first.release()

    # Then it stops before its journal is made, naming the run applying the rows and the file it applies
    said = (f"error: Another run (pid {os.getpid()}, results {held_file.parent / 'first.csv'}) is applying the same "
            f"rows as {copy} (from {held_file}) to {NOWHERE}: wait for it to end")  # fmt: skip
    assert (done.returncode, len(done.stderr.splitlines())) == (2, 1), done.stderr
    assert done.stderr.startswith(said), done.stderr
    assert not copy.with_name(copy.name + ".results.csv.journal").exists()
    assert not list(held_file.parent.glob("flows-accounts-*.lock"))  # the copy's own file lock went with it


def test_a_file_whose_rows_differ_in_one_value_is_another_file(held_file: Path) -> None:
    other = held_file.parent / "other.csv"
    other.write_text("customer,city\r\nContoso,Lille\r\n", encoding="utf-8")
    first = InputLock(held_file, NOWHERE, held_file.parent / "a.csv", read_rows(held_file))
    try:
        InputLock(other, NOWHERE, held_file.parent / "b.csv", read_rows(other)).release()
    finally:
        first.release()


def test_a_run_refused_in_another_folder_is_told_the_full_paths_of_the_run_applying_the_rows(
    held_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a run started in the file's folder, its file and results given by their names
    monkeypatch.chdir(held_file.parent)
    first = InputLock(Path(held_file.name), NOWHERE, Path("first.csv"), read_rows(held_file))
    try:
        # When a copy of the file is run from another folder, Then the message names the first run's files in full
        (held_file.parent / "sub").mkdir()
        monkeypatch.chdir(held_file.parent / "sub")
        copy = copy_of(held_file, "sub/copy.csv")
        said = f"results {held_file.parent / 'first.csv'}) is applying the same rows as {copy} (from {held_file})"
        with pytest.raises(InputInUseError, match=re.escape(said)):
            InputLock(copy, NOWHERE, Path("r.csv"), read_rows(copy))
    finally:
        first.release()


def test_a_script_applying_rows_another_run_applies_to_the_same_portal_is_refused_before_its_journal(
    held_file: Path,
) -> None:
    # Given the command applying a file, and a script's journal an earlier run of it left
    journal = held_file.parent / "script.journal"
    journal.write_text("{}\n")
    first = InputLock(held_file, NOWHERE, held_file.parent / "first.csv", read_rows(held_file))
    try:
        # When a script applies the same rows to the same portal
        said = rf"Another run \(pid {os.getpid()}, results .*first\.csv\) is applying the same rows \(from .*changes"
        with pytest.raises(InputInUseError, match=said):
            library_update_accounts([{"customer": "Contoso", "city": "Lyon"}], NOWHERE, "global-admin",
                                    api_client_id="x", journal=journal)  # fmt: skip
    finally:
        first.release()

    # Then its journal is left as it was, and nothing of the script's lock stays
    assert journal.read_text() == "{}\n"
    assert not list(held_file.parent.glob("flows-accounts-*.lock"))


def test_a_resume_with_other_results_than_the_run_it_carries_on_names_that_run_s_journal(tmp_path: Path) -> None:
    # Given a run of the file without --results, stopped as a row's Submit was under way
    file, earlier = changes_file(tmp_path), tmp_path / "changes.csv.results.csv.journal"
    [row] = read_rows(file)
    with Journal(earlier, owner={"base_url": NOWHERE, "user": "global-admin"}) as journal:
        journal.number([row])
        journal.started(row, {"city": "Paris"})

    # When it is resumed with other results (where no journal is)
    done = update_accounts(file, "--resume", "--results", str(tmp_path / "other.csv"))

    # Then it stops before any browser, naming the journal it would have forgotten and how to resume from it
    said = (f"error: no journal at {tmp_path / 'other.csv.journal'} to resume, but {earlier} records rows of this "
            f"file: resume with --results {tmp_path / 'changes.csv.results.csv'}")  # fmt: skip
    assert (done.returncode, len(done.stderr.splitlines())) == (2, 1), done.stderr
    assert done.stderr.startswith(said), done.stderr
    assert not (tmp_path / "other.csv.journal").exists()


def test_a_script_s_resume_naming_another_journal_than_the_run_it_carries_on_names_that_run_s_journal(
    tmp_path: Path,
) -> None:
    # Given a script's run of two rows that kept its journal as "monday.journal", stopped as a Submit was under way
    rows = [AccountRow(1, "Contoso", {"city": "Lyon"}), AccountRow(2, "Fabrikam", {"city": "Nice"})]
    earlier = tmp_path / "monday.journal"
    with Journal(earlier, owner={"base_url": NOWHERE, "user": "global-admin"}) as journal:
        journal.number(rows)
        journal.started(rows[1], {"city": "Nice"})
    before = earlier.read_text()

    # When the script resumes, naming a journal where none is
    elsewhere = tmp_path / "tuesday.journal"
    with pytest.raises(JournalElsewhereError) as raised:
        library_update_accounts(rows, NOWHERE, "global-admin", api_client_id="x", journal=elsewhere, resume=True)

    # Then it stops before any browser, naming the journal it would have forgotten in the script's own terms
    said = (f"no journal at {elsewhere} to resume, but {earlier} records these rows: resume with "
            f"journal={str(earlier)!r}, or run with resume=False to check every row afresh")  # fmt: skip
    assert str(raised.value) == said
    assert (raised.value.path, raised.value.found) == (elsewhere, [earlier])
    assert (earlier.read_text(), elsewhere.exists()) == (before, False)
    InputLock(None, NOWHERE, None, rows).release()  # its hold on the rows let go: another run may take them


def test_a_resume_without_a_journal_beside_another_portal_s_journal_checks_every_row_afresh(tmp_path: Path) -> None:
    file = changes_file(tmp_path)
    with Journal(tmp_path / "old.csv.journal", owner=OWNER) as journal:  # another portal's
        journal.finished(read_rows(file)[0], RowOutcome(2, "Contoso", "changed"))

    done = update_accounts(file, "--resume")

    assert "note: no journal at" in done.stderr and "records rows" not in done.stderr, done.stderr
