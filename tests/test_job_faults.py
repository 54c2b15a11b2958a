"""The accounts job when things go wrong around it: stopped as a row finishes, stopped twice, a journal cut inside a
character, a full disk, a folder where the results go, a quote never closed in a large file, no API client."""

from __future__ import annotations

import argparse
import csv
import threading
from pathlib import Path
from typing import cast

import pytest
from playwright.sync_api import Page
from test_job_files import changes_file, update_accounts
from test_job_journal import OWNER
from test_journal_rows_alike import OneCustomerApi

from flows import account_row
from flows.accounts_cli import check_and_apply
from flows.accounts_plan import RowTask
from flows.journal import Journal
from flows.outcomes import RowOutcome
from flows.rest import PortalClient
from flows.sign_in import stop_waits_on, wait_for_next_code
from flows.spreadsheet import AccountRow, SpreadsheetError, read_rows, results_dialect, write_results
from flows.workers import WORKER_NAME, Pool, Workers, workers_running
from pages import CustomerNotFoundError

pytestmark = pytest.mark.tooling  # the library's own parts: no portal, no browser

NOWHERE = "http://127.0.0.1:9/"
RELEASED_WITHIN_S = 10  # a stand-in worker waits this long at most for the test to let it go


def stand_in_worker(pool: Pool, then: threading.Event, report: RowOutcome | None = None) -> threading.Thread:
    """Start a worker's thread that, as a worker does, finishes its row once the pool stops (reporting ``report``),
    then waits for ``then`` before it ends."""

    def work() -> None:
        pool.stop.wait(RELEASED_WITHIN_S)
        if report is not None:
            pool.results.put(report)
        then.wait(RELEASED_WITHIN_S)

    return pool.spawn(work)


def test_a_row_finished_as_the_pool_stops_is_among_its_outcomes() -> None:
    # Given a pool whose worker finishes its row once asked to stop, after the run stopped taking outcomes
    pool, released = Pool(Workers(NOWHERE, "admin-agent", "-")), threading.Event()
    released.set()
    finished = RowOutcome(4, "Contoso", "changed", "id-c", {"city": "Lyon"})
    stand_in_worker(pool, released, finished)

    # When it is stopped, then the row it finished meanwhile is said, not lost
    assert pool.finish() == [finished]
    assert not pool.abandoned
    pool.close()


def test_a_second_ctrl_c_ends_the_wait_for_the_rows_under_way(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a pool whose worker is still on its row after the run was asked to stop
    pool, released = Pool(Workers(NOWHERE, "admin-agent", "-")), threading.Event()
    worker = stand_in_worker(pool, released)

    # When a second Ctrl-C comes while the pool waits for it (raised in the wait itself, as Python raises it there:
    # a signal of the test's own would reach whichever thread and test the process runs then)
    def interrupted(timeout: float | None = None) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(pool.ended, "wait", interrupted)
    outcomes = pool.finish()

    # Then the wait ends, the rows under way left to the journal
    assert (outcomes, pool.abandoned, worker.is_alive()) == ([], True, True)
    released.set()
    worker.join(RELEASED_WITHIN_S)
    pool.close()


class StoppedPool:
    """A pool whose run is stopped (Ctrl-C) while a worker is on row 2, which it finishes as it stops."""

    def __init__(self, finished: RowOutcome) -> None:
        self.finished = finished

    def run(self, *_: object) -> list[RowOutcome]:
        raise KeyboardInterrupt

    def finish(self) -> list[RowOutcome]:
        return [self.finished]


def test_a_run_stopped_as_a_row_finishes_writes_that_row_s_outcome_not_not_run(tmp_path: Path) -> None:
    # Given a file of two rows, and a run stopped while row 2 is being applied, which it then finishes
    rows = [AccountRow(2, "Contoso", {"city": "Lyon"}), AccountRow(3, "Fabrikam", {"city": "Nice"})]
    finished = RowOutcome(2, "Contoso", "changed", "id-c", {"city": "Lyon"}, before={"city": "Paris"})
    args = argparse.Namespace(dry_run=False, skip_invalid=True, workers=1)
    results = tmp_path / "changes.results.csv"

    # When the run stops
    with pytest.raises(KeyboardInterrupt):
        check_and_apply(args, rows, StoppedPool(finished), cast(PortalClient, OneCustomerApi("Paris")),
                        Journal(None), results, (",", False))  # type: ignore[arg-type]  # fmt: skip

    # Then the results say row 2 changed; row 3 (no such customer) is the check's
    with results.open(encoding="utf-8-sig", newline="") as written:
        said = {row["row"]: row["outcome"] for row in csv.DictReader(written)}
    assert said == {"2": "changed", "3": "not-found"}


def test_a_journal_cut_inside_a_character_resumes(tmp_path: Path) -> None:
    # Given a journal whose last line a killed run cut in the middle of a Chinese character
    path, rows = tmp_path / "run.journal", [AccountRow(n, "联通时科网络有限公司", {"city": "上海市"}) for n in (2, 3)]
    with Journal(path, owner=OWNER) as first:
        first.number(rows)
        first.finished(rows[0], RowOutcome(2, rows[0].customer, "changed", "id-c"))
        first.started(rows[1], {"city": "北京市"})
    whole = path.read_bytes()
    cut = max(at for at, byte in enumerate(whole) if byte >= 0xE0) + 1  # one byte of the last character's three
    path.write_bytes(whole[:cut])

    # When the run resumes, then the journal is read: the finished row stays finished, the torn line dropped
    with Journal(path, resume=True, owner=OWNER) as resumed:
        resumed.number(rows)
        assert [getattr(resumed.final(row), "row", None) for row in rows] == [2, None]
    assert path.read_bytes().startswith(whole[:cut] + b"\n"), "the torn line is ended before the next entry"


class FullDisk:
    """A journal's file on a full disk: the line whose write failed is flushed again on close, failing again."""

    def close(self) -> None:
        raise OSError(28, "No space left on device")


def test_a_journal_on_a_full_disk_closes_without_a_second_error(tmp_path: Path) -> None:
    # Given a journal whose last write failed for want of space (said to the user as the run's error)
    journal = Journal(tmp_path / "run.journal", owner=OWNER)
    journal.file.close()  # type: ignore[union-attr]  # the real file goes; the full disk's takes its place
    journal.file = FullDisk()  # type: ignore[assignment]

    # When the run ends, then closing it raises nothing more (the traceback after the clean error), and its lock goes
    journal.close()
    assert journal.lock_file is None
    Journal(tmp_path / "run.journal", resume=True, owner=OWNER).close()  # the next run's, not JournalInUseError


def test_results_that_cannot_take_their_place_leave_no_temporary_file(tmp_path: Path) -> None:
    # Given a results path where a folder stands
    results = tmp_path / "results.csv"
    results.mkdir()

    # When the results are written, then the error is raised and no half-written file stays beside it
    with pytest.raises(OSError):
        write_results(results, [RowOutcome(2, "Contoso", "changed", "id-c", {"city": "Lyon"})])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["results.csv"]


def test_a_folder_given_as_results_is_refused_before_any_browser(tmp_path: Path) -> None:
    # Given a --results path that is a folder
    folder = tmp_path / "results.csv"
    folder.mkdir()

    # When the job runs, then it is a usage error naming it, said before any sign-in
    done = update_accounts(changes_file(tmp_path), "--results", str(folder))
    assert done.returncode == 2, done.stderr
    assert f"--results {folder} is a folder" in done.stderr


def test_a_job_without_an_api_client_says_which_option_to_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given no --api-client-id and no $PORTAL_API_CLIENT_ID
    monkeypatch.delenv("PORTAL_API_CLIENT_ID", raising=False)

    # When the job runs, then it names the option and the variable, as a usage error, before any browser
    done = update_accounts(changes_file(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "give --api-client-id" in done.stderr and "$PORTAL_API_CLIENT_ID" in done.stderr, done.stderr


def test_a_quote_never_closed_in_a_large_file_is_refused_naming_its_line(tmp_path: Path) -> None:
    # Given a CSV whose header opens a quote it never closes, above more than the csv module's field limit
    file = tmp_path / "huge.csv"
    file.write_text('customer,"city\n' + "x" * (csv.field_size_limit() + 1) + "\n", encoding="utf-8")

    # When it is read, then it is refused naming line 1; its results are split at commas all the same
    with pytest.raises(SpreadsheetError, match=r"huge\.csv, line 1: .*a quote opened and never closed"):
        read_rows(file)
    assert results_dialect(file) == (",", False)


def test_a_wait_for_the_next_code_ends_when_the_run_stops() -> None:
    # Given a worker's thread whose run has stopped
    stop = threading.Event()
    stop.set()
    stop_waits_on(stop)

    # When its sign-in would wait for the authenticator's next code, then it stops at once instead
    try:
        with pytest.raises(InterruptedError, match="the run stopped"):
            wait_for_next_code()
    finally:
        stop_waits_on(threading.Event())  # this thread's later waits as before


def test_a_worker_left_running_is_seen_so_the_command_ends_at_once() -> None:
    # Given a job's worker thread still inside its row (a second Ctrl-C stopped the wait for it), and no other (an
    # earlier test's, ending as its pool closed)
    for other in threading.enumerate():
        if other.name.startswith(WORKER_NAME):
            other.join(RELEASED_WITHIN_S)
    released = threading.Event()
    worker = threading.Thread(target=released.wait, args=(RELEASED_WITHIN_S,), name=f"{WORKER_NAME}-1", daemon=True)
    worker.start()

    # Then the command sees it (and ends with os._exit, not Python's shutdown under it); once it ends, no more
    assert workers_running() is True
    released.set()
    worker.join(RELEASED_WITHIN_S)
    assert workers_running() is False


class CheckStopped(OneCustomerApi):
    """The check's REST client, interrupted (Ctrl-C) as it looks for the second customer."""

    def customers_named(self, name: str) -> list[dict[str, str]]:
        if name != "Contoso":
            raise KeyboardInterrupt
        return super().customers_named(name)


def earlier_results(results: Path) -> Path:
    """Write at ``results`` what an earlier run of the same file wrote: every row changed."""
    results.write_text("row,customer,outcome\r\n2,Contoso,changed\r\n3,Fabrikam,changed\r\n", encoding="utf-8")
    return results


def outcomes_in(results: Path) -> list[tuple[str, str]]:
    """Return each row's number and outcome in a CSV results file."""
    with results.open(encoding="utf-8-sig", newline="") as written:
        return [(row["row"], row["outcome"]) for row in csv.DictReader(written)]


def test_a_run_stopped_during_its_check_replaces_an_earlier_run_s_results(tmp_path: Path) -> None:
    # Given the results an earlier run of this file wrote, and a run stopped (Ctrl-C) while its rows are checked
    rows = [AccountRow(2, "Contoso", {"city": "Lyon"}), AccountRow(3, "Fabrikam", {"city": "Nice"})]
    results = earlier_results(tmp_path / "changes.results.csv")
    args = argparse.Namespace(dry_run=False, skip_invalid=False, workers=1)

    # When the run stops
    with pytest.raises(KeyboardInterrupt):
        check_and_apply(args, rows, StoppedPool(RowOutcome(2, "", "")), cast(PortalClient, CheckStopped("Paris")),
                        Journal(None), results, (",", False))  # type: ignore[arg-type]  # fmt: skip

    # Then its results are its own: no row was run (the earlier run's "changed" would be taken for this run's)
    assert outcomes_in(results) == [("2", "not-run"), ("3", "not-run")]


def test_a_run_whose_sign_in_fails_replaces_an_earlier_run_s_results(tmp_path: Path) -> None:
    # Given the results an earlier run of this file wrote
    file = tmp_path / "changes.csv"
    file.write_text("customer,city\r\nContoso,Lyon\r\nFabrikam,Nice\r\n", encoding="utf-8")
    results = earlier_results(tmp_path / "changes.csv.results.csv")

    # When the job runs and the portal does not answer its sign-in
    done = update_accounts(file, "--api-client-id", "5c2e9d4b-7a1f-4e3c-8b6d-21f0a9c3e7d1")

    # Then it fails, and its results say that no row was run, not what the earlier run did
    assert done.returncode == 1, done.stderr
    assert outcomes_in(results) == [("2", "not-run"), ("3", "not-run")], done.stderr


class KnowsCustomer:
    """A REST client that knows the customers in ``known`` by their Microsoft IDs."""

    def __init__(self, *known: str) -> None:
        self.known = known

    def customer(self, customer_id: str) -> dict[str, str] | None:
        return {"id": customer_id} if customer_id in self.known else None


@pytest.mark.parametrize(
    ("known", "expected"), [(("id-c",), "failed"), ((), "not-found")], ids=["api-knows-it", "gone-from-the-api"]
)
def test_a_customer_the_list_does_not_show_is_final_only_when_the_api_no_longer_knows_it(
    monkeypatch: pytest.MonkeyPatch, known: tuple[str, ...], expected: str
) -> None:
    # Given a row whose customer the check found through the API, and a Customers list whose search does not show it
    def not_listed(page: object, task: RowTask) -> None:
        raise CustomerNotFoundError(company_name=task.company_name)

    monkeypatch.setattr(account_row, "open_form", not_listed)
    task = RowTask(AccountRow(2, "Contoso", {"city": "Lyon"}), "id-c", "Contoso", {"city": "Paris"})

    # When the row is applied
    outcome = account_row.apply_row(cast(Page, None), task, cast(PortalClient, KnowsCustomer(*known)), Journal(None))

    # Then a customer the API still knows is a failure, tried again on --resume; one it no longer knows is not found
    assert outcome.outcome == expected
    assert "No customer named 'Contoso' in the Customers list" in outcome.messages[-1]
    assert ("the portal's API knows it (id-c)" in outcome.messages[-1]) is bool(known)
