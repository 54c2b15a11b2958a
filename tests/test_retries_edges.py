"""Retries at their edges: a failure's words and phases, each attempt's files, skips, names alike, the
budget's option and its verdict in JUnit, a worker that dies, the quarantine file's mistakes. No browser:
tests/runs/retried_edges.py.
"""

from __future__ import annotations

import datetime
import re
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from suite_run import SuiteRun, junit_case
from test_retries import EDGES, artifacts, run_retried

from plugins import quarantine as quarantine_plugin

pytestmark = [pytest.mark.tooling]
MAX_NAME = 255  # bytes of a file name on Linux, macOS and Windows alike


def run_edges(folder: Path, *args: str) -> SuiteRun:
    return run_retried(folder, *args, module=EDGES)


def test_a_failure_s_control_characters_leave_the_junit_file_valid(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "colour", "--max-flaky", "1")

    assert run.returncode == 0, run.report
    (flaky,) = junit_case(tmp_path, "test_fails_once_in_colour").findall("flakyFailure")  # the file parses
    assert "#x1B[31mERROR#x1B[0m and #x00" in flaky.get("message", ""), flaky.attrib
    # The HTML report has a row of each attempt, once: the failed one's, and the passing retry's tagged flaky
    assert html_rows(tmp_path, "test_fails_once_in_colour") == ["Rerun", "Flaky (passed on retry)"]
    assert "1 Rerun" in (tmp_path / "report.html").read_text(encoding="utf-8")


def html_rows(folder: Path, test: str) -> list[str]:
    """Return the results of the HTML report's rows of ``test`` (its call's and its fixtures'), in order."""
    html = (folder / "report.html").read_text(encoding="utf-8")
    row = rf"&#34;result&#34;: &#34;([^&]+)&#34;, &#34;testId&#34;: &#34;[^&]*::{test}(?:::\w+)?&#34;"  # its data
    return re.findall(row, html)


def test_an_attempt_that_failed_in_its_call_and_its_teardown_is_one_flaky_failure(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "teardown_too", "--max-flaky", "1")

    assert run.returncode == 0, run.report
    case = junit_case(tmp_path, "test_fails_once_and_its_teardown_too")
    (flaky,) = case.findall("flakyFailure")
    assert "its call fails on the first attempt only" in flaky.get("message", "")
    assert "its teardown fails on the first attempt only" in (flaky.findtext("stackTrace") or "")
    assert case.find("flakyError") is None


def test_a_test_skipped_on_its_retry_is_not_flaky(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "then_skips", "--max-flaky", "0")

    assert run.returncode == 0, run.report
    assert "FLAKY" not in run.output
    assert run.outcomes == {"test_fails_then_skips": "skipped"}
    case = junit_case(tmp_path, "test_fails_then_skips")
    assert case.find("flakyFailure") is None and len(case.findall("rerunFailure")) == 1


def test_each_failed_attempt_links_the_files_it_attached(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "attaches", "--max-flaky", "1")

    assert run.returncode == 0, run.report
    case = junit_case(tmp_path, "test_attaches_then_fails_once")
    (flaky,) = case.findall("flakyFailure")
    links = (flaky.findtext("system-out") or "").split()
    assert len(links) == 1 and links[0].endswith("-test-attaches-then-fails-once/scan.json]]"), links
    # The test's own properties are its passing attempt's: the first attempt's file is not listed again there
    listed = [found.get("value", "") for found in case.iter("property") if found.get("name") == "attachment: scan"]
    assert len(listed) == 1 and listed[0].endswith("-test-attaches-then-fails-once-retry1/scan.json"), listed


def test_a_long_test_name_keeps_a_folder_for_each_attempt(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "long_name", "--max-flaky", "1")

    assert run.returncode == 0, run.report
    assert "1 flaky (failed, then passed on retry)" in run.output
    folders = [path for path in (tmp_path / "test-results").iterdir() if path.is_dir()]
    assert len(folders) == 2 and all((folder / "scan.json").exists() for folder in folders), folders
    assert all(len(folder.name.encode()) <= MAX_NAME for folder in folders)


def test_tests_whose_names_differ_only_in_case_keep_their_files_apart(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "names_alike")

    assert sorted(run.outcomes.values()) == ["failed", "failed"], run.report
    kept = {name: files for name, files in artifacts(tmp_path, "names_alike").items() if not name.endswith("retry1")}
    assert len(kept) == 2 and all(files == ["scan.json"] for files in kept.values()), kept


def test_a_failed_test_s_system_out_lists_each_file_of_its_last_attempt_once(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "names_alike")

    assert sorted(run.outcomes.values()) == ["failed", "failed"], run.report
    for case in ElementTree.parse(tmp_path / "junit.xml").iter("testcase"):
        said = "".join(out.text or "" for out in case.findall("system-out")).split()
        assert len(said) == 1 and said[0].endswith("-retry1/scan.json]]"), (case.get("name"), said)


def test_a_finding_is_not_retried_under_a_marker_s_own_retry_rules(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "retry_rules")

    assert run.outcomes == {"test_finding_under_retry_rules_of_its_own": "failed"}, run.report
    assert junit_case(tmp_path, "test_finding_under_retry_rules_of_its_own").find("rerunFailure") is None


def test_flaky_tests_are_counted_apart_and_kept_with_a_junit_prefix(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "colour", "--max-flaky", "1", "--junit-prefix=nightly")

    assert run.returncode == 0, run.report
    assert "1 rerun, 1 flaky in" in run.output  # the last line counts it apart from the passed
    (case,) = ElementTree.parse(tmp_path / "junit.xml").iter("testcase")
    assert case.get("classname", "").startswith("nightly.") and case.find("flakyFailure") is not None


@pytest.mark.parametrize("error", ["usage_error", "untrusted_certificate"])
def test_an_error_that_is_the_same_every_time_is_not_retried(error: str, tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", f"{error}_inside")

    assert run.outcomes == {f"test_{error}_inside": "failed"}, run.report
    assert junit_case(tmp_path, f"test_{error}_inside").find("rerunFailure") is None, run.report


def test_a_strict_expected_failure_that_passed_is_not_retried_into_a_green_run(tmp_path: Path) -> None:
    # The known bug did not show: a strict xfail's pass fails the run, as it does without retries
    run = run_edges(tmp_path, "-k", "expected_to_fail", "--max-flaky", "0")

    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    assert run.outcomes == {"test_expected_to_fail_passes_at_first": "failed"}, run.report
    assert "[XPASS(strict)] the portal's known bug #7" in run.messages["test_expected_to_fail_passes_at_first"]
    assert junit_case(tmp_path, "test_expected_to_fail_passes_at_first").find("rerunFailure") is None


def test_a_worker_that_dies_leaves_one_testcase_per_test(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "worker_dies or colour", "-n", "2", "--max-flaky", "2")

    assert run.returncode == 0, run.report
    suite = next(ElementTree.parse(tmp_path / "junit.xml").iter("testsuite"))
    names = [case.get("name") for case in suite.iter("testcase")]
    assert sorted(names) == ["test_fails_once_in_colour", "test_worker_dies_at_first"], names
    assert suite.get("tests") == "2"


def test_a_run_that_only_lists_the_tests_keeps_the_last_run_s_reports(tmp_path: Path) -> None:
    # Given the reports of a run that failed
    failed = run_edges(tmp_path, "-k", "colour", "--max-flaky", "0")
    assert failed.returncode == 1, failed.output
    written = {name: (tmp_path / name).read_bytes() for name in ("junit.xml", "report.html")}

    # When the tests are only listed, with the same report options
    listed = run_edges(tmp_path, "--collect-only", "-q")

    # Then the failed run's reports are as it left them
    assert listed.returncode == 0, listed.output
    assert "test_fails_once_in_colour" in listed.output
    assert {name: (tmp_path / name).read_bytes() for name in written} == written


def test_a_run_over_its_flaky_budget_says_so_in_its_junit_file_with_the_same_counts(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "colour", "--max-flaky", "0")

    # The run is red for its flaky test alone: a dashboard reading only JUnit finds why, on the testsuite, beside the
    # counts of a run that passed
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    suite = next(ElementTree.parse(tmp_path / "junit.xml").iter("testsuite"))
    assert [suite.get(count) for count in ("tests", "failures", "errors")] == ["1", "0", "0"], suite.attrib
    properties = {found.get("name"): found.get("value") for found in suite.findall("properties/property")}
    verdict = "1 flaky tests, more than --max-flaky=0: the run fails"
    assert properties == {"max_flaky": "0", "flaky": "1", "verdict": verdict}, properties
    assert suite[0].tag == "properties" and suite[-1].tag == "system-err", [child.tag for child in suite]
    assert (suite.findtext("system-err") or "").splitlines() == [verdict, f"FLAKY {EDGES}::test_fails_once_in_colour"]


def test_a_run_within_its_flaky_budget_leaves_no_verdict_in_its_junit_file(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "colour", "--max-flaky", "1")

    assert run.returncode == 0, run.report
    suite = next(ElementTree.parse(tmp_path / "junit.xml").iter("testsuite"))
    assert suite.find("properties") is None and suite.find("system-err") is None, ElementTree.tostring(suite)


def test_a_negative_flaky_budget_is_a_usage_error(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "colour", "--max-flaky=-1")

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.report
    assert "--max-flaky: -1 is below 0" in run.output


UNTIL = (datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=7)).isoformat()
ENTRY = f'id = "{EDGES}::test_in_a_language_fails[fr-FR]"\nreason = "r"\nowner = "qa"\n'


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (f"[[test]]\n{ENTRY}until = {UNTIL}T23:59:00Z\n", "until (a date, as 2027-01-31)"),
        (f"[test]\n{ENTRY}until = {UNTIL}\n", "each entry is a [[test]] table"),
        ('test = "oops"\n', "each entry is a [[test]] table"),
        (f"[[tests]]\n{ENTRY}until = {UNTIL}\n", "unknown tests: each entry is a [[test]] table"),
        (f"[[test]]\n{ENTRY}untill = {UNTIL}\n", "entry 1: unknown untill"),
        (f"[[test]]\n{ENTRY}until = {UNTIL}\n[[test]]\n{ENTRY}until = {UNTIL}\n", "quarantined twice"),
        (f'[[test]]\nid = ["x"]\nreason = "r"\nowner = "qa"\nuntil = {UNTIL}\n', "needs id, reason and owner"),
        (f'[[test]]\nid = "x"\nreason = " "\nowner = "qa"\nuntil = {UNTIL}\n', "needs id, reason and owner"),
    ],
    ids=["a date-time", "one table", "a string", "tables misnamed", "a key misspelt", "twice", "a list", "blank"],
)
def test_a_quarantine_file_s_mistake_is_a_usage_error(tmp_path: Path, content: str, said: str) -> None:
    quarantine = tmp_path / "quarantine.toml"
    quarantine.write_text(content)

    run = run_edges(tmp_path, f"--quarantine={quarantine}")

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.report
    assert said in run.output and "INTERNALERROR" not in run.output


def test_a_failure_only_in_teardown_counts_each_test_once(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "teardown_fails", "--max-flaky", "1")

    # One flaky (its teardown failed once), one error (its teardown failed twice): no attempt's call counted as passed
    # but the erroring test's last, as pytest counts a teardown's error beside its call
    last_line = run.output.strip().splitlines()[-1]
    assert re.search(r"\b1 passed, .*1 error, 2 rerun, 1 flaky\b", last_line), run.report
    assert "FLAKY tests/runs/retried_edges.py::test_teardown_fails_once" in run.output
    assert html_rows(tmp_path, "test_teardown_fails_once") == ["Flaky (passed on retry)", "Rerun"]
    assert html_rows(tmp_path, "test_teardown_fails_every_time") == ["Passed", "Rerun", "Error"]


def test_a_run_stopped_at_its_first_failure_still_counts_its_flaky_tests(tmp_path: Path) -> None:
    # A flaky test, a failing one that stops the run, and one never run after it
    run = run_edges(tmp_path, "-k", "colour or language or finding", "--maxfail=1", "--max-flaky", "1")

    last_line = run.output.strip().splitlines()[-1]
    assert run.returncode == pytest.ExitCode.TESTS_FAILED and "stopping after 1 failures" in run.output, run.report
    assert "1 flaky" in last_line and "FLAKY tests/runs/retried_edges.py::test_fails_once_in_colour" in run.output, (
        run.output
    )


def test_a_run_stopped_during_a_retry_leaves_that_test_neither_passed_nor_flaky(tmp_path: Path) -> None:
    run = run_edges(tmp_path, "-k", "run_stops", "--max-flaky", "0")

    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert "FLAKY" not in run.output
    assert "RETRY INTERRUPTED tests/runs/retried_edges.py::test_fails_once_then_the_run_stops" in run.output
    case = junit_case(tmp_path, "test_fails_once_then_the_run_stops")
    assert case.find("flakyFailure") is None and len(case.findall("rerunFailure")) == 1
    assert case.find("error") is not None and case.find("error").get("type") == "Interrupted"  # type: ignore[union-attr]


def test_a_quarantined_test_whose_teardown_fails_decides_nothing_and_is_not_retried(tmp_path: Path) -> None:
    quarantine = tmp_path / "quarantine.toml"
    entry = f'id = "{EDGES}::test_teardown_fails_every_time"\nreason = "r"\nowner = "qa"\nuntil = {UNTIL}\n'
    quarantine.write_text(f"[[test]]\n{entry}")

    run = run_edges(tmp_path, "-k", "every_time", f"--quarantine={quarantine}")

    assert run.returncode == pytest.ExitCode.OK, run.report
    case = junit_case(tmp_path, "test_teardown_fails_every_time")
    assert case.find("rerunError") is None and case.find("error") is None, ElementTree.tostring(case)


def test_a_quarantine_file_named_but_missing_is_a_usage_error(tmp_path: Path) -> None:
    run = run_edges(tmp_path, f"--quarantine={tmp_path / 'quarantine.tomll'}")

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.report
    assert "quarantine.tomll: no such file" in run.output


@pytest.mark.parametrize("written", ["fr-FR", "fr-FR-chromium", "chromium-fr-FR"])
def test_a_quarantine_entry_matches_with_the_browser_anywhere_or_none_and_a_stale_one_is_said(
    tmp_path: Path, written: str
) -> None:
    quarantine = tmp_path / "quarantine.toml"
    entry = f'id = "{EDGES}::test_in_a_language_fails[{written}]"\nreason = "r"\nowner = "qa"\n'
    stale = f'id = "{EDGES}::test_renamed_long_ago"\nreason = "r"\nowner = "qa"\n'
    mistyped = f'id = "{EDGES.removeprefix("tests/")}::test_in_a_language_fails"\nreason = "r"\nowner = "qa"\n'
    quarantine.write_text("".join(f"[[test]]\n{one}until = {UNTIL}\n" for one in (entry, stale, mistyped)))

    run = run_edges(tmp_path, "-k", "language", f"--quarantine={quarantine}")

    assert run.returncode == pytest.ExitCode.OK, run.report
    assert run.outcomes == {"test_in_a_language_fails[fr-FR]": "skipped"}, run.report
    assert f"quarantine entry '{EDGES}::test_renamed_long_ago' matches no test" in run.output
    # ... and so is one whose file is mistyped (a path not from the project's root), with the file it may mean
    assert f"names {EDGES.removeprefix('tests/')}, which is no file of the suite" in run.output, run.report
    assert f"(did you mean {EDGES}?)" in run.output, run.report
    assert "test_in_a_language_fails" not in "".join(line for line in run.output.splitlines() if "matches no" in line)


def quarantine_config(path: Path, **worker: str) -> SimpleNamespace:
    """A run's configuration as the quarantine reads it: a worker's, given what xdist's controller sent (``worker``)."""
    config = SimpleNamespace(getoption=lambda _: str(path), rootpath=path.parent, stash=pytest.Stash())
    if worker:
        config.workerinput = worker
    return config


def test_each_worker_judges_the_quarantine_s_dates_by_the_day_the_run_began(tmp_path: Path) -> None:
    # Given a run that began on an entry's last day, days ago
    began = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=2)
    (tmp_path / "none.toml").write_text("")
    controller = quarantine_config(tmp_path / "none.toml")
    quarantine_plugin.pytest_configure(controller)  # type: ignore[arg-type]
    controller.stash[quarantine_plugin.TODAY] = began
    quarantine = tmp_path / "quarantine.toml"
    quarantine.write_text(f"[[test]]\n{ENTRY}until = {began.isoformat()}\n")

    # When the controller starts a worker now (one restarted after a crash), which reads the quarantine
    node = SimpleNamespace(config=controller, workerinput={})
    quarantine_plugin.pytest_configure_node(node)
    worker = quarantine_config(quarantine, **node.workerinput)
    quarantine_plugin.pytest_configure(worker)  # type: ignore[arg-type]

    # Then the worker judged the entry by the run's day, as the controller did: quarantined, not a usage error midway
    assert list(worker.stash[quarantine_plugin.ENTRIES]) == [f"{EDGES}::test_in_a_language_fails[fr-FR]"]


@pytest.fixture
def local_date_not_utc_s(monkeypatch: pytest.MonkeyPatch) -> Iterator[float]:
    """Put this process in a time zone whose date is not UTC's at the instant yielded: 14 hours ahead, or 12 behind."""
    instant = time.time()
    ahead = datetime.datetime.fromtimestamp(instant, datetime.UTC).hour >= 12
    monkeypatch.setenv("TZ", "AHEAD-14" if ahead else "BEHIND+12")  # POSIX's sign: what to add to reach UTC
    time.tzset()
    yield instant
    monkeypatch.undo()
    time.tzset()


def test_the_quarantine_s_dates_are_days_in_utc(tmp_path: Path, local_date_not_utc_s: float) -> None:
    (tmp_path / "none.toml").write_text("")
    controller = quarantine_config(tmp_path / "none.toml")
    instant = local_date_not_utc_s  # the machine's own date then is not UTC's
    assert datetime.date.fromtimestamp(instant) != datetime.datetime.fromtimestamp(instant, datetime.UTC).date()

    before = datetime.datetime.now(datetime.UTC).date()
    quarantine_plugin.pytest_configure(controller)  # type: ignore[arg-type]
    after = datetime.datetime.now(datetime.UTC).date()  # the same day, unless midnight (UTC) passed meanwhile

    assert controller.stash[quarantine_plugin.TODAY] in (before, after)
