"""``python -m flows update-accounts FILE``: many customers' accounts from a spreadsheet, as one job.

Problems, progress and messages go to standard error; what would change (``--dry-run``) and the
run's summary to standard output. Exit codes: 0 every row changed or unchanged, 3 some rows
refused (or problems found before any change), 1 a row failed or the run itself did, 2 a bad command
line (argparse's, an input file that is not there, a results file or journal that is the input, a journal
another run is using, an input file or its rows another run is applying to the same portal, a ``--resume`` without
its journal beside another of the file's), 130 Ctrl-C, 143 SIGTERM
(a CI's cancel, ``timeout``, systemd), 129 SIGHUP (its terminal closed, an SSH session dropped; not under
``nohup``): each says how to resume.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from pages import PortalError

from .accounts_job import (
    InvalidRowsError,
    api_client,
    refuse_problems,
    run_plan,
    stopped_outcomes,
    unchecked_outcomes,
)
from .accounts_plan import check_rows
from .base_url import base_url_argument
from .browser import BrowserNotFoundError, RemoteBrowserError
from .cli_sign_in import add_sign_in_arguments, checked_password, in_option_terms, sign_in_options, user_argument
from .console import say
from .input_lock import InputInUseError, InputLock
from .journal import (
    Journal,
    JournalElsewhereError,
    JournalInUseError,
    journal_path,
    refuse_journal_elsewhere,
    run_owner,
)
from .outcomes import EXIT_FAILED, EXIT_REFUSED, STOPPED, RowOutcome, exit_code
from .progress import Progress, summary
from .rest import PortalClient
from .spreadsheet import SpreadsheetError, read_rows, results_dialect, write_results
from .stopping_signals import put_back_signals, stop_of, take_stopping_signals
from .workers import Pool, WorkerFailure, Workers

EXIT_USAGE = 2  # as argparse exits, and update-account
API_CLIENT_VARIABLE = "PORTAL_API_CLIENT_ID"
API_URL_VARIABLE = "PORTAL_API_URL"


def worker_count(text: str) -> int:
    """Parse ``--workers``: a whole number from 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1, got {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add update-accounts' own arguments (the browser's are added beside them)."""
    parser.add_argument(
        "file",
        metavar="FILE",
        type=Path,
        help="CSV (UTF-8) or XLSX: a 'customer' column (company name or Microsoft ID) and a column per billing "
        "field to change, named as the API names it (city, postalCode...); an empty cell leaves the field alone",
    )
    parser.add_argument(
        "--base-url", required=True, type=base_url_argument, help="the portal, e.g. http://127.0.0.1:8000/"
    )
    parser.add_argument("--user", required=True, type=user_argument, help="user name to sign in with")
    add_sign_in_options(parser)
    parser.add_argument(
        "--workers", type=worker_count, default=1, metavar="N", help="browsers at work at once (default: 1)"
    )
    parser.add_argument(
        "--results",
        type=Path,
        metavar="PATH",
        help="results file, CSV (for Excel: UTF-8 with a BOM) or JSON by its extension (default: FILE.results.csv; "
        "never FILE itself); the journal is PATH.journal, the traces of failed rows go to PATH.traces/",
    )
    parser.add_argument(
        "--resume", action="store_true", help="carry on from the journal; finished rows are not submitted again"
    )
    parser.add_argument("--dry-run", action="store_true", help="check every row, say what would change, change nothing")
    parser.add_argument(
        "--skip-invalid", action="store_true", help="apply the valid rows even when others have problems"
    )
    parser.add_argument("--verbose", action="store_true", help="log every step of every row")


def add_sign_in_options(parser: argparse.ArgumentParser) -> None:
    """Add how the workers sign in (as update-account does) and how the API gets its tokens."""
    add_sign_in_arguments(parser)
    parser.add_argument(
        "--api-client-id",
        default=os.environ.get(API_CLIENT_VARIABLE),
        metavar="ID",
        help="the public client (Secure Application Model) through which the check reads the REST API, "
        f"signed in by the first browser (default: ${API_CLIENT_VARIABLE})",
    )
    parser.add_argument(
        "--api-url",
        default=os.environ.get(API_URL_VARIABLE) or None,
        metavar="URL",
        help=f"the REST API's address, e.g. https://partner.partnercenterapi.microsoftonline.cn/ in 21Vianet "
        f"(default: ${API_URL_VARIABLE}, else --base-url, where the bundled portal serves it)",
    )


def session_options(args: argparse.Namespace) -> dict[str, Any]:
    """Return each worker's portal_session options: the browser's, then the sign-in's."""
    names = ("headed", "slowmo", "locale", "demo_mode", "ws_endpoint", "ignore_https_errors")
    browser = {name: getattr(args, name) for name in names}
    return {
        **browser,
        "browser_name": args.browser,
        "pause_on_failure": args.pause_on_failure,
        "close_banners": args.close_banner,
        **sign_in_options(args),
    }


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file: alike once resolved, or (both there) one file under two names."""
    if one.resolve() == other.resolve():
        return True
    try:
        return one.samefile(other)  # a hard link, or another case on a case-insensitive disk
    except OSError:
        return False  # one of them is not there (yet)


def overwritten_input(file: Path, results: Path) -> str | None:
    """Return why the run's own files would overwrite its input (or each other), else None."""
    journal = journal_path(results)
    if same_file(results, file):
        return f"--results {results} is the input file: the results would replace its rows; give another path"
    if same_file(journal, file) or same_file(journal, results):
        said = "the input file" if same_file(journal, file) else "the results file"
        return f"the journal {journal} (PATH.journal of --results) is {said}; give another --results"
    return None


def in_option_words(outcome: RowOutcome) -> RowOutcome:
    """Return the row's outcome, its messages naming the command line's option for the TOTP secret, as the command's
    own errors do (the library's name its argument)."""
    outcome.messages[:] = [in_option_terms(message) for message in outcome.messages]
    return outcome


def run(args: argparse.Namespace) -> int:
    """Run update-accounts; return its exit code."""
    if not args.verbose:
        logging.getLogger("flows").setLevel(logging.WARNING)  # N workers' steps would bury the progress
    try:  # first: its results' path follows from it
        missing = not args.file.is_file()
    except OSError as error:  # as a file that may not be read: its rows are not to be had
        print(f"error: Cannot read {args.file}: {error}", file=sys.stderr)
        return EXIT_REFUSED
    if missing:  # a typo in the command, not a file whose rows are refused
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return EXIT_USAGE
    results = args.results or args.file.with_name(args.file.name + ".results.csv")
    delimiter, sep_line = results_dialect(args.file)  # Excel splits the results where it split the changes
    overwrite = overwritten_input(args.file, results)
    if results.suffix.lower() not in (".csv", ".json"):  # an .xlsx would get CSV text under Excel's name
        overwrite = f"--results {results}: the results are written as CSV or JSON, named .csv or .json"
    try:  # a folder on the way that may not be entered raises, where nothing there would be False
        if results.is_dir():  # else found only once every row was applied
            overwrite = f"--results {results} is a folder: give the path of the file to write the results to"
    except OSError as error:
        print(f"error: the results cannot be written to {results}: {error}; nothing was run", file=sys.stderr)
        return EXIT_FAILED
    if overwrite:  # said before anything runs: even a file without rows writes its results
        print(f"error: {overwrite}", file=sys.stderr)
        return EXIT_USAGE
    try:
        rows = read_rows(args.file)
    except SpreadsheetError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_REFUSED
    if not rows:  # said at once, without signing in: a file of changes may be empty on a quiet day
        print(f"{args.file} has no rows below its header: nothing to do", file=sys.stderr)
        if not args.dry_run:
            try:
                write_results(results, [], delimiter, sep_line=sep_line)
            except OSError as error:
                print(f"error: the results cannot be written to {results}: {error}", file=sys.stderr)
                return EXIT_FAILED
            say(summary([], results))
        return 0
    try:  # no password to type here, a TOTP secret that is no base32: the command line's, said before any browser
        password = checked_password(args)
    except ValueError as error:
        print(f"error: {in_option_terms(error)}", file=sys.stderr)
        return EXIT_USAGE
    unwritable = None if args.dry_run else results_unwritable(results)
    if unwritable:  # else found once every row was applied, and their results lost with the temporary file
        print(f"error: the results cannot be written to {results}: {unwritable}; nothing was run", file=sys.stderr)
        return EXIT_FAILED
    try:  # before the journal, which a run afresh empties: a run refused leaves its journal as it was
        held = None if args.dry_run else InputLock(args.file, args.base_url, results, rows)
    except InputInUseError as error:  # the same file (or rows) run again with another --results
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"error: the lock of {args.file}'s runs cannot be taken: {error}", file=sys.stderr)
        return EXIT_FAILED
    try:
        return apply_file(args, rows, results, password, (delimiter, sep_line))
    finally:
        if held is not None:
            held.release()


def apply_file(
    args: argparse.Namespace, rows: list[Any], results: Path, password: str | None, dialect: tuple[str, bool]
) -> int:
    """Open the journal, sign in, check the rows and apply them (``run``'s part once the file is read and held)."""
    delimiter, sep_line = dialect
    traces = results.with_name(results.name + ".traces")
    try:  # another's journal, a folder that is not there: said before any browser
        journal = open_journal(args, rows, results)
    except JournalInUseError as error:  # the same command run twice, or two files given one --results
        print(f"error: {error} (another --results PATH writes PATH.journal)", file=sys.stderr)
        return EXIT_USAGE
    except JournalElsewhereError as error:  # resumed with other --results than the run it carries on
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not args.api_client_id:  # said before any browser; the library's own words name its arguments
        journal.close()
        print(
            f"error: the check before any change reads the portal's REST API: give --api-client-id (the public "
            f"client of the Secure Application Model) or set ${API_CLIENT_VARIABLE}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    workers = Workers(args.base_url, args.user, password, args.workers, session_options(args), traces)
    taken = take_stopping_signals()
    try:
        with Pool(workers) as pool:
            with not_checked(args, rows, journal, results, (delimiter, sep_line)):  # the sign-in failed, say
                client = api_client(args.base_url, pool, None, args.api_client_id, args.api_url)
            return check_and_apply(args, rows, pool, client, journal, results, (delimiter, sep_line))
    except (PortalError, BrowserNotFoundError, RemoteBrowserError, WorkerFailure, OSError, ValueError) as error:
        print(f"error: {in_option_terms(error)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as stopped:
        signum, said = stop_of(stopped)
        with suppress(OSError):  # a terminal that hung up takes no more words
            advice = f"carry on with --resume (the journal is {journal.path})"
            advice = "nothing was changed (a dry run)" if args.dry_run else advice
            print(f"\n{said}: {advice}", file=sys.stderr)
        return 128 + signum  # as a shell reports a command a signal stopped: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP
    finally:
        put_back_signals(taken)
        journal.close()


def results_unwritable(results: Path) -> str | None:
    """Return why the results could not be written at the end of the run, else None: a folder no file may be made
    in (read-only, a share), a results file another program holds (Windows' Excel locks the file it shows)."""
    temporary = results.with_name(results.name + ".tmp")  # as write_results makes it
    try:
        if not results.parent.is_dir():
            return None  # the journal, opened beside it, says so
        with temporary.open("a", encoding="utf-8"):
            pass
        temporary.unlink()
        if results.exists():
            with results.open("ab"):  # appending nothing: the file is left as it is
                pass
    except OSError as error:
        return f"{error} (a read-only folder, or the file open in another program?)"
    return None


def open_journal(args: argparse.Namespace, rows: list[Any], results: Path) -> Journal:
    """Open the run's journal: afresh, or to resume from (read only by a dry run, which writes none: afresh, it
    reads the Submits a stopped run left unfinished, as the run would).

    A resume without a journal beside one of the file's (other ``--results``) raises ``JournalElsewhereError``.
    """
    path, owner = journal_path(results), run_owner(args.base_url, args.user)
    if args.resume:
        refuse_journal_elsewhere(path, rows, (args.file.parent, path.parent), owner)
    journal = Journal(path, resume=args.resume, owner=owner, read_only=args.dry_run)
    if args.resume and not journal.found:
        print(f"note: no journal at {path}: nothing to resume, every row is checked afresh", file=sys.stderr)
    if journal.passed_over:  # afresh, a damaged journal's readable lines are kept all the same
        lines = ", ".join(map(str, journal.passed_over[:5])) + (", ..." if len(journal.passed_over) > 5 else "")
        print(f"note: {path} holds lines no entry can be read from (line {lines}): passed over", file=sys.stderr)
    if journal.unfinished:  # a run stopped, then this one begun afresh by mistake, say: its Submits are not forgotten
        print(
            f"note: {path} records {journal.unfinished} row(s) whose Submit a stopped run began and never finished: "
            "re-checked as --resume does, so one the portal took is not sent again",
            file=sys.stderr,
        )
    return journal


@contextmanager
def not_checked(
    args: argparse.Namespace, rows: list[Any], journal: Journal, results: Path, dialect: tuple[str, bool]
) -> Iterator[None]:
    """Write the results of a run stopped before its check ended (Ctrl-C, the portal down, a sign-in refused): no
    row run, or as the journal of a resumed run has it; never an earlier run's results left as if they were its own."""
    try:
        yield
    except BaseException:
        if not args.dry_run:  # a dry run writes no results
            with suppress(OSError):  # the reason it stopped is what is said
                write_results(results, unchecked_outcomes(rows, journal), dialect[0], sep_line=dialect[1])
                print(f"results in {results} (rows not run are marked {STOPPED})", file=sys.stderr)
        raise


def check_and_apply(
    args: argparse.Namespace,
    rows: list[Any],
    pool: Pool,
    client: PortalClient,
    journal: Journal,
    results: Path,
    dialect: tuple[str, bool],
) -> int:
    """Check every row, then (unless refused or a dry run) apply them with the progress shown; the results are
    written split as ``dialect`` says (``results_dialect``)."""
    delimiter, sep_line = dialect
    with not_checked(args, rows, journal, results, dialect):
        plan = check_rows(rows, client, journal)
    if journal.found:  # what a resume carries on from, said before what it does
        print(plan.resumed_from(journal.path), file=sys.stderr)
    if args.dry_run:
        for line in plan.describe():
            say(line)
        verdict = plan.stops_run(skip_invalid=args.skip_invalid)  # a row "would change" only if the run goes on
        if verdict:
            print(verdict, file=sys.stderr)
        return EXIT_REFUSED if plan.problems else 0
    try:
        refuse_problems(plan, skip_invalid=args.skip_invalid)
    except InvalidRowsError as refused:
        print(f"error: {refused}", file=sys.stderr)
        write_results(results, refused.outcomes, delimiter, sep_line=sep_line)
        return EXIT_REFUSED
    for problem in plan.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    customers = len({task.customer_id for task in plan.tasks})
    print(f"{len(plan.tasks)} of {len(rows)} rows to apply with {min(args.workers, customers)} worker(s); "
          f"the check settled {len(plan.settled)}" if plan.tasks else
          f"none of {len(rows)} rows to apply: the check settled them all", file=sys.stderr)  # fmt: skip
    progress, finished = Progress(len(plan.tasks)), []

    def noted(outcome: RowOutcome) -> None:
        in_option_words(outcome)
        finished.append(outcome)
        progress.update(outcome)

    try:
        outcomes = run_plan(plan, rows, pool, client, journal, noted)
    except BaseException:  # stopped (Ctrl-C, TERM, the portal gone for good): the results so far, never the last run's
        late = [in_option_words(outcome) for outcome in pool.finish()]  # the rows the workers finish as they stop
        # ... and any the stop came between a worker's handing over and its taking: the journal has it all the same
        tasks, taken = {task.row.number for task in plan.tasks}, {outcome.row for outcome in [*finished, *late]}
        late += [in_option_words(o) for row, o in journal.finished_now.items() if row in tasks and row not in taken]
        unshown = finished[progress.done :] + late  # shown as every other row was: a row done as it stopped is done
        finished += late
        so_far = stopped_outcomes(plan, finished)
        with suppress(OSError):  # a terminal that hung up takes no more words: the results are written all the same
            for outcome in unshown:
                progress.update(outcome)
            progress.finish()
        with suppress(OSError):  # the reason it stopped is what is said
            write_results(results, so_far, delimiter, sep_line=sep_line)
            print(f"so far, {summary(so_far, results)} (rows not run are marked {STOPPED})", file=sys.stderr)
        raise
    progress.finish()
    write_results(results, outcomes, delimiter, sep_line=sep_line)
    say(summary(outcomes, results))  # its reader gone: the rows were done, the results say so
    return exit_code(outcomes)
