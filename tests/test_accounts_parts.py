"""The accounts job's parts without a portal: spreadsheets, the checks, the progress shown (its journal:
``test_job_journal``)."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from flows import update_accounts
from flows.accounts_cli import in_option_words
from flows.accounts_plan import AccountsPlan, Problem, RowTask
from flows.field_rules import CountryRules, value_problems
from flows.outcomes import RowOutcome, exit_code
from flows.progress import Progress
from flows.spreadsheet import AccountRow, SpreadsheetError, read_rows
from flows.stopping_signals import put_back_signals, take_stopping_signals, terminate

pytestmark = pytest.mark.tooling  # the library's own parts: no portal

CN_RULES = CountryRules.from_resource(
    {"iso2Code": "CN", "supportedStatesList": ["上海市", "江苏省"], "postalCodeRegex": r"^\d{6}$",
     "phoneNumberRegex": r"^1[3-9]\d{9}$"}
)  # fmt: skip


def test_csv_with_a_bom_reads_like_a_spreadsheet_shows_it(tmp_path: Path) -> None:
    # Given a CSV saved by Excel: a BOM, a blank line, trailing spaces
    path = tmp_path / "changes.csv"
    path.write_bytes("customer,city,postalCode\r\nContoso ,上海市,\r\n,,\r\nFabrikam,, 200000\r\n".encode("utf-8-sig"))

    rows = read_rows(path)

    assert rows == [
        AccountRow(2, "Contoso", {"city": "上海市", "postalCode": ""}),
        AccountRow(4, "Fabrikam", {"city": "", "postalCode": "200000"}),
    ]
    assert rows[0].changes == {"city": "上海市"}


def test_xlsx_cells_read_as_text_numbers_without_a_decimal_point(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["customer", "postalCode", "city"])
    workbook.active.append(["Contoso", 215000, "苏州市"])
    workbook.active.append(["Fabrikam", 200000.0, None])
    workbook.save(tmp_path / "changes.xlsx")

    rows = read_rows(tmp_path / "changes.xlsx")

    assert [row.changes for row in rows] == [{"postalCode": "215000", "city": "苏州市"}, {"postalCode": "200000"}]


def test_a_file_with_only_its_header_is_nothing_to_do_said_without_signing_in(tmp_path: Path) -> None:
    (tmp_path / "changes.csv").write_text("customer,city\r\n,\r\n")
    command = [sys.executable, "-m", "flows", "update-accounts", str(tmp_path / "changes.csv"),
               "--base-url", "http://127.0.0.1:9/", "--user", "global-admin"]  # fmt: skip  # nothing listens there

    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent)

    assert done.returncode == 0, done.stderr
    assert "has no rows below its header: nothing to do" in done.stderr
    assert done.stdout.startswith("0 rows: none; results in ")
    assert (tmp_path / "changes.csv.results.csv").read_text(encoding="utf-8-sig").startswith("row,customer,outcome")


def test_no_rows_start_no_browser_and_mixed_rows_are_refused() -> None:
    nowhere = "http://127.0.0.1:9/"  # nothing listens there: any sign-in would fail

    assert update_accounts([], nowhere, "global-admin") == []
    with pytest.raises(TypeError, match="all AccountRows or all mappings"):
        update_accounts([AccountRow(2, "Contoso", {"city": "Lyon"}), {"customer": "Fabrikam"}], nowhere, "x")
    # Two rows of one number would share their journal entries: one's outcome taken for the other's on a resume
    with pytest.raises(ValueError, match="rows are told apart by their numbers: 2 given twice"):
        update_accounts([AccountRow(2, "Contoso", {"city": "Lyon"}), AccountRow(2, "Fabrikam", {})], nowhere, "x")


@pytest.mark.parametrize(
    ("options", "error", "said"),
    [
        ({"workers": 0}, ValueError, "workers is how many browsers apply the rows: 1 or more, not 0"),
        ({"workers": "2"}, TypeError, "workers is a whole number of browsers, 1 or more: not '2'"),
        ({"base_url": "127.0.0.1:9"}, ValueError, "The portal's address '127.0.0.1:9' needs its http://"),
    ],
    ids=["no-workers", "workers-as-text", "address-without-http"],
)
def test_a_wrong_count_or_address_is_refused_before_any_browser(
    options: dict[str, object], error: type[Exception], said: str
) -> None:
    arguments = {"base_url": "http://127.0.0.1:9/", **options}  # nothing listens there: a browser would fail later
    with pytest.raises(error, match=re.escape(said)):
        update_accounts([{"customer": "Contoso", "city": "Lyon"}], user="x", **arguments)  # type: ignore[arg-type]


def saved_by_excel(path: Path, results: dict[str, str]) -> Path:
    """Return a copy of an openpyxl workbook as Excel saves it: each named formula cell with its text result."""
    saved = path.with_name("saved-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename).decode()
            for cell, result in results.items():  # openpyxl writes <c r="B2"><f>...</f><v /></c>
                data = re.sub(rf'<c r="{cell}">(<f>.*?</f>)<v />', rf'<c r="{cell}" t="str">\1<v>{result}</v>', data)
            target.writestr(item, data)
    return saved


def test_xlsx_formulas_read_as_excel_saved_them_and_unsaved_ones_are_named(tmp_path: Path) -> None:
    # Given formulas as a program writes them (no results), and the same file as Excel saves it
    workbook = Workbook()
    workbook.active.append(["customer", "postalCode", "city"])
    workbook.active.append(["Contoso", '="2150"&"00"', '=IF(TRUE,"","x")'])
    workbook.save(tmp_path / "changes.xlsx")
    excel = saved_by_excel(tmp_path / "changes.xlsx", {"B2": "215000", "C2": ""})

    # Then Excel's results are the values (an empty result leaves its field alone); a program's are refused
    assert [row.changes for row in read_rows(excel)] == [{"postalCode": "215000"}]
    with pytest.raises(SpreadsheetError, match="formulas without a saved value in B2, C2: open the file in Excel"):
        read_rows(tmp_path / "changes.xlsx")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("company,city\nContoso,Paris\n", "No 'customer' column", id="no-customer-column"),
        pytest.param("customer,city,city\nContoso,Paris,Lyon\n", "Columns named twice: city", id="column-twice"),
        pytest.param("", "is empty", id="empty-file"),
    ],
)
def test_a_file_that_is_no_table_of_changes_is_refused(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "changes.csv").write_text(content)

    with pytest.raises(SpreadsheetError, match=message):
        read_rows(tmp_path / "changes.csv")


def test_values_are_checked_with_the_country_s_published_rules() -> None:
    changes = {"postalCode": "2150", "state": "Bavaria", "phoneNumber": "13800138000", "email": "nobody", "city": "x"}

    problems = value_problems(changes, CN_RULES)

    assert set(problems) == {"postalCode", "state", "email"}
    assert "expected ^\\d{6}$" in problems["postalCode"]


@pytest.mark.parametrize("state", ["SH", "cn-js", "31"])
def test_a_state_code_is_left_to_the_portal_where_the_country_lists_names(state: str) -> None:
    # China's served list has names only; the portal may also take their codes, which the list cannot tell
    us_rules = CountryRules("US", states=("CA", "NY"))

    assert value_problems({"state": state}, CN_RULES) == {}
    assert set(value_problems({"state": state}, us_rules)) == {"state"}  # a list of codes tells every code
    assert set(value_problems({"state": "Shanghai"}, CN_RULES)) == {"state"}  # a name not listed is refused


@pytest.mark.parametrize(
    ("email", "refused"),
    [("billing@contoso-partner.cn", True), ("Billing@EU.Contoso-Partner.cn.", True), ("billing@partner.cn", False),
     ("billing@notcontoso-partner.cn", False)],
)  # fmt: skip
def test_an_email_at_the_partner_s_own_domain_is_refused_when_the_domain_is_known(email: str, refused: bool) -> None:
    assert set(value_problems({"email": email}, CN_RULES, "contoso-partner.cn")) == ({"email"} if refused else set())
    assert value_problems({"email": email}, CN_RULES) == {}  # not known: left to the portal


@pytest.mark.parametrize("email", ["a\u200b@example.com", "anne@exam\u00adple.com", "anne@example.com\ufeff"])
def test_an_email_holding_an_invisible_character_is_refused_before_any_change(email: str) -> None:
    # The portal refuses it as invalid; a person sees a good address, so the check says why
    problems = value_problems({"email": email}, CN_RULES)

    assert problems == {"email": f"{email!r} is not an email address: it holds an invisible character"}


@pytest.mark.parametrize(
    ("company", "refused"),
    [("e\u0301", True), ("A\u200b", True), ("-- !", True), ("++", False), ("\U0001f600\U0001f600", False),
     ("3M", False)],
)  # fmt: skip
def test_a_company_name_is_counted_as_a_person_counts_its_characters(company: str, refused: bool) -> None:
    # One character with its accent, or beside a zero-width space, is one; symbols are no punctuation
    assert set(value_problems({"companyName": company}, CN_RULES)) == ({"companyName"} if refused else set())


@pytest.mark.parametrize("value", ["#N/A", "#REF!", "#VALEUR!", " #n/a "])
def test_a_spreadsheet_s_error_is_no_value(value: str) -> None:
    assert set(value_problems({"city": value, "addressLine2": value}, CN_RULES)) == {"city", "addressLine2"}


def test_a_length_limit_counts_an_accented_letter_once_however_it_was_typed() -> None:
    decomposed = "e\u0301" * 50  # 50 characters, 100 code points (as macOS may write them)

    assert value_problems({"firstName": decomposed}, CN_RULES) == {}
    assert set(value_problems({"firstName": decomposed + "e"}, CN_RULES)) == {"firstName"}


def test_a_value_with_a_line_break_is_refused_for_the_one_line_field() -> None:
    problems = value_problems({"addressLine1": "Bât. A\n12 rue de la Paix", "city": "Paris"}, CN_RULES)

    assert problems == {"addressLine1": "'Bât. A\\n12 rue de la Paix' holds a line break: the field holds one line"}


@pytest.mark.parametrize("value", ["   ", "\u200b", "\u00a0\u200b\u00a0"], ids=["spaces", "zero-width", "both"])
def test_a_required_field_s_cell_that_shows_nothing_is_refused(value: str) -> None:
    # Typed into the form, it would blank a required field: the portal refuses it, after the rows before it ran
    rules = CountryRules.from_resource({"iso2Code": "CN", "isCityRequired": True, "isStateRequired": False})
    cells = {"firstName": value, "companyName": value, "city": value, "addressLine2": value, "state": value}

    problems = value_problems(cells, rules)

    assert set(problems) == {"firstName", "companyName", "city"}, problems  # the others may be blank
    assert "shows nothing (spaces or invisible characters): the field is required" in problems["firstName"]


def test_digits_of_another_script_are_no_postal_code() -> None:
    # A spreadsheet typed with a full-width keyboard: six digits to a person, none to the portal's pattern
    assert set(value_problems({"postalCode": "２１５０００"}, CN_RULES)) == {"postalCode"}
    assert value_problems({"postalCode": "215000"}, CN_RULES) == {}


def test_a_results_file_in_a_folder_that_is_not_there_is_said_before_any_browser(tmp_path: Path) -> None:
    (tmp_path / "changes.csv").write_text("customer,city\r\nContoso,Lyon\r\n")
    results = tmp_path / "none" / "r.csv"
    command = [sys.executable, "-m", "flows", "update-accounts", str(tmp_path / "changes.csv"), "--base-url",
               "http://127.0.0.1:9/", "--user", "global-admin", "--results", str(results)]  # fmt: skip

    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent)

    said = f"error: [Errno 2] No such file or directory: '{results}.journal'"
    assert (done.returncode, done.stderr.splitlines()[-1:]) == (1, [said])


def test_progress_without_a_terminal_prints_a_line_per_row_with_rate_and_time_left() -> None:
    stream, now = io.StringIO(), iter([0.0, 30.0, 60.0])
    progress = Progress(4, stream, clock=lambda: next(now))

    progress.update(RowOutcome(2, "Contoso", "changed", seconds=2.5))
    progress.update(RowOutcome(3, "Fabrikam", "conflict", messages=["city: yours 'A', theirs 'B'"]))

    lines = stream.getvalue().splitlines()
    assert lines[0] == "row 2 changed Contoso (2.5 s)  [1/4 rows, 2.0/min, 1:30 left]"
    assert lines[1].startswith("row 3 conflict Fabrikam (0.0 s): city: yours 'A', theirs 'B'  [2/4 rows, 2.0/min")


@pytest.mark.parametrize(
    ("outcomes", "code"),
    [
        pytest.param(["changed", "unchanged"], 0, id="all-done-0"),
        pytest.param(["changed", "conflict", "not-allowed"], 3, id="refused-3"),
        pytest.param(["changed", "invalid", "failed"], 1, id="failed-1"),
    ],
)
def test_exit_code_says_whether_every_row_was_done(outcomes: list[str], code: int) -> None:
    assert exit_code([RowOutcome(n, "c", outcome) for n, outcome in enumerate(outcomes, start=2)]) == code


def test_a_dry_run_shows_the_file_s_problems_and_every_problem_of_a_row() -> None:
    # Given a plan whose file has a column the portal does not have, a row refused twice, and a row to run
    to_run = AccountRow(3, "Fabrikam", {"citty": "Lyon", "city": "Lyon", "state": "Rhône"})
    note = "postalCode: not applied, row 4 (later in the file) set it in an earlier run"
    plan = AccountsPlan(
        tasks=[RowTask(to_run, "id-3", "Fabrikam", {"city": "Paris", "state": "Rhône"}, notes=(note,))],
        settled=[RowOutcome(2, "Contoso", "invalid", messages=["email: not an address", "postalCode: not valid"])],
        problems=[Problem(1, "unknown column 'citty'", whole_file=True), Problem(2, "email: not an address")],
    )

    # When it is described, then nothing is left out, the column the form does not have is no change, and a
    # value that already holds is not said to change
    assert plan.describe() == [
        "row 1: problem: unknown column 'citty'",
        "row 2: invalid Contoso (email: not an address; postalCode: not valid)",
        "row 3: would change Fabrikam: citty (not a field), city 'Paris' -> 'Lyon'",
        f"row 3: {note}",
    ]
    # and the run it stands for would stop: the file's own problem stops it whatever
    stops = "2 problem(s) found: a run would stop before any change, --skip-invalid or not"
    assert plan.stops_run(skip_invalid=True) == stops


@pytest.mark.parametrize(
    ("skip_invalid", "said"),
    [(False, "1 problem(s) found: a run would stop before any change (--skip-invalid applies the other rows)"),
     (True, "1 problem(s) found: a run with --skip-invalid would skip their rows and apply the others")],
)  # fmt: skip
def test_a_dry_run_says_whether_a_row_s_problem_would_stop_the_run(skip_invalid: bool, said: str) -> None:
    plan = AccountsPlan(problems=[Problem(2, "email: not an address")])

    assert plan.stops_run(skip_invalid=skip_invalid) == said
    assert AccountsPlan().stops_run(skip_invalid=skip_invalid) is None


def test_a_row_s_sign_in_failure_names_the_command_s_option_for_the_totp_secret() -> None:
    # The library's message names its own argument; the command's results name the option a user types
    asked = "The portal asks for a verification code: give the authenticator's TOTP secret ({}), or a saved sign-in."
    failed = RowOutcome(4, "Contoso", "failed", messages=[asked.format("totp_secret=..., or $PORTAL_TOTP_SECRET")])

    in_option_words(failed)

    assert failed.messages == [asked.format("--totp-secret BASE32, or $PORTAL_TOTP_SECRET")]


def test_a_job_under_nohup_keeps_sighup_ignored_and_takes_sigterm(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a job started under nohup (SIGHUP ignored), as this process is for a moment
    handlers = {signal.SIGHUP: signal.SIG_IGN, signal.SIGTERM: signal.SIG_DFL}
    handlers[signal.SIGINT] = signal.default_int_handler  # Python's own
    monkeypatch.setattr(signal, "getsignal", handlers.__getitem__)
    monkeypatch.setattr(signal, "signal", handlers.__setitem__)

    taken = take_stopping_signals()

    # Then SIGHUP stays ignored: its terminal closing does not stop it; SIGTERM stops it as Ctrl-C does
    assert handlers[signal.SIGHUP] is signal.SIG_IGN and handlers[signal.SIGTERM] is not signal.SIG_DFL
    assert taken == {signal.SIGTERM: signal.SIG_DFL, signal.SIGINT: signal.default_int_handler}, "to put back"


def test_a_handler_set_outside_python_is_left_as_the_job_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a SIGTERM handler set by C code (an embedding program's): Python reads it as None, and cannot set None
    handlers: dict[int, object] = {signal.SIGTERM: None, signal.SIGHUP: signal.SIG_DFL, signal.SIGINT: signal.SIG_IGN}
    monkeypatch.setattr(signal, "getsignal", handlers.__getitem__)

    def set_handler(signum: int, handler: object) -> None:
        if handler is None:  # as signal.signal refuses it
            raise TypeError("signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object")
        handlers[signum] = handler

    monkeypatch.setattr(signal, "signal", set_handler)

    put_back_signals(take_stopping_signals())  # a TypeError here would hide the job's exit code

    # Then SIGHUP is Python's default again, and SIGTERM stays the job's (its C handler cannot be put back from Python)
    assert handlers[signal.SIGHUP] is signal.SIG_DFL
    assert handlers[signal.SIGTERM] is terminate
