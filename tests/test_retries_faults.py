"""What the suite's own reports and retries must survive: a call and its teardown both failing, a quarantined test
among fixtures of a wider scope or under a worker that dies, parameters beyond ASCII, a test named as another's retry,
a JUnit path written with a variable, a debugger. No browser: tests/runs/retried_faults.py.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from suite_run import ROOT, SuiteRun, junit_case, run_pytest
from test_retries import CI_RETRIES

pytestmark = [pytest.mark.tooling]
FAULTS = "tests/runs/retried_faults.py"
UNTIL = (datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=7)).isoformat()


def run_faults(
    folder: Path,
    *args: str,
    retries: bool = True,
    env: dict[str, str] | None = None,
    junit_option: str | None = None,
    tests: str = FAULTS,
) -> SuiteRun:
    """Run ``tests`` (the module's, with CI's retries unless told otherwise), its failure marks and reports under
    ``folder``."""
    marks = folder / "marks"
    marks.mkdir(parents=True, exist_ok=True)
    given = (*CI_RETRIES, *args) if retries else args
    return run_pytest(
        tests, *given, folder=folder, env={"RETRY_MARKS": str(marks), **(env or {})}, junit_option=junit_option
    )


def quarantine(folder: Path, *tests: str, quote: str = '"') -> str:
    """Write a quarantine file of ``tests`` (ids written within ``quote``) into ``folder``; return its option."""
    path = folder / "quarantine.toml"
    entries = [f'[[test]]\nid = {quote}{test}{quote}\nreason = "r"\nowner = "qa"\nuntil = {UNTIL}\n' for test in tests]
    path.write_text("".join(entries), encoding="utf-8")
    return f"--quarantine={path}"


def logged(folder: Path) -> list[str]:
    """Return what the run's tests and fixtures noted, in order."""
    return (folder / "marks" / "log").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("retries", [False, True], ids=["no retry", "retried"])
def test_a_test_whose_call_and_teardown_fail_keeps_both_in_its_one_testcase(tmp_path: Path, retries: bool) -> None:
    run = run_faults(tmp_path, "-k", "call_and_teardown", retries=retries)

    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    case = junit_case(tmp_path, "test_call_and_teardown_fail")
    failure, error = case.find("failure"), case.find("error")
    assert failure is not None and "the call's own assertion" in failure.get("message", ""), case.attrib
    assert error is not None and "the teardown's cleanup failed" in error.get("message", ""), case.attrib


@pytest.mark.parametrize("mode", ["strict", "append"])  # append: a marker's count is added to the run's
def test_a_quarantined_failure_under_retries_lets_its_fixtures_end_in_order(tmp_path: Path, mode: str) -> None:
    option = quarantine(tmp_path, f"{FAULTS}::test_scoped_quarantined_fails")

    run = run_faults(tmp_path, "-k", "scoped", option, f"--reruns-mode={mode}")

    assert run.returncode == pytest.ExitCode.OK, run.report
    assert logged(tmp_path) == [
        "session setup",
        "module setup",
        "test_scoped_passes",
        "test_scoped_quarantined_fails",
        "module teardown",
        "session teardown",
    ]
    # Its error is in the reports, though it decides nothing: the terminal's evidence, and JUnit's <skipped>
    assert "failed: AssertionError: known to fail now and then" in run.output
    skipped = junit_case(tmp_path, "test_scoped_quarantined_fails").find("skipped")
    assert skipped is not None and "known to fail now and then" in (skipped.text or ""), run.report


def test_a_quarantined_test_whose_worker_dies_is_not_retried_and_decides_nothing(tmp_path: Path) -> None:
    run = run_faults(
        tmp_path, "-n", "1", "-k", "worker_dies", quarantine(tmp_path, f"{FAULTS}::test_quarantined_worker_dies")
    )

    assert run.returncode == pytest.ExitCode.OK, run.report
    assert logged(tmp_path) == ["test_quarantined_worker_dies"]
    assert run.outcomes == {"test_quarantined_worker_dies": "skipped"}, run.report


def test_a_quarantine_entry_names_a_parameter_beyond_ascii_as_written_or_as_pytest_escapes_it(tmp_path: Path) -> None:
    written = f"{FAULTS}::test_in_a_city_fails[Zürich]"  # as in the code
    escaped = f"{FAULTS}::test_in_a_city_fails[\\u5317\\u4eac]"  # as pytest prints it: kept so in single quotes
    option = quarantine(tmp_path, written, escaped, quote="'")

    run = run_faults(tmp_path, "-k", "city", option)

    assert run.returncode == pytest.ExitCode.OK, run.report
    assert sorted(run.outcomes.values()) == ["skipped", "skipped"], run.report
    assert "matches no test" not in run.output


def test_an_escaped_id_in_double_quotes_is_told_to_go_in_single_quotes(tmp_path: Path) -> None:
    run = run_faults(tmp_path, quarantine(tmp_path, f"{FAULTS}::test_in_a_city_fails[Z\\xfcrich]"))

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.report
    assert "goes in single quotes" in run.output and "INTERNALERROR" not in run.output


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (f'[[test]]\nid = "{FAULTS}::test_signs_in"\nreason = "r"\nowner = "qa"\nuntil = 2027-02-30\n', "a day"),
        (None, "cannot be read"),
    ],
    ids=["a day that is not", "a folder"],
)
def test_a_quarantine_that_cannot_be_read_says_why(tmp_path: Path, content: str | None, said: str) -> None:
    path = tmp_path / ("quarantine.toml" if content else "quarantine")
    path.write_text(content, encoding="utf-8") if content else path.mkdir()

    run = run_faults(tmp_path, f"--quarantine={path}")

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.report
    assert said in run.output and "INTERNALERROR" not in run.output


def test_a_stale_quarantine_entry_is_said_under_xdist_and_not_when_its_file_s_tests_are_named(tmp_path: Path) -> None:
    stale = quarantine(tmp_path, f"{FAULTS}::test_renamed_long_ago")

    with_workers = run_faults(tmp_path / "n", "-n", "1", "-k", "signs_in", stale)
    named = run_faults(tmp_path / "named", stale, tests=f"{ROOT / FAULTS}::test_signs_in")  # by its absolute path

    said = f"quarantine entry '{FAULTS}::test_renamed_long_ago' matches no test"
    assert said in with_workers.output, with_workers.output
    assert with_workers.outcomes == {"test_signs_in": "failed", "test_signs_in_retry1": "failed"}
    assert "matches no test" not in named.output, named.output  # the file's other tests were not asked for
    assert named.outcomes == {"test_signs_in": "failed"}


def test_a_test_named_as_another_s_retry_keeps_its_own_folders(tmp_path: Path) -> None:
    run = run_faults(tmp_path, "-k", "signs_in")

    assert run.outcomes == {"test_signs_in": "failed", "test_signs_in_retry1": "failed"}, run.report
    written = sorted((tmp_path / "test-results").rglob("attempt.txt"))
    assert len(written) == 4, written  # two attempts of each, each in a folder of its own
    assert sorted(path.read_text() for path in written) == sorted(
        f"{FAULTS}::{test} attempt {attempt}"
        for test in ("test_signs_in", "test_signs_in_retry1")
        for attempt in (1, 2)
    )


def test_a_flaky_test_is_kept_in_a_junit_file_named_with_a_variable(tmp_path: Path) -> None:
    run = run_faults(
        tmp_path, "-k", "once", "--max-flaky", "1", junit_option="$REPORTS/junit.xml", env={"REPORTS": str(tmp_path)}
    )

    assert run.returncode == pytest.ExitCode.OK, run.report
    assert len(junit_case(tmp_path, "test_fails_once").findall("flakyFailure")) == 1


def test_a_strict_expected_failure_that_passed_starts_no_debugger(tmp_path: Path) -> None:
    run = run_faults(tmp_path, "-k", "known_bug", "--pdb", retries=False)

    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    assert "[XPASS(strict)]" in run.output and "PDB post_mortem" not in run.output
