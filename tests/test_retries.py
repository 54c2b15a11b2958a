"""Retries with evidence, flaky as a result of its own, the flaky budget and the quarantine.

Each test runs tests/runs/retried.py in a pytest of its own, with CI's settings: one retry, a
trace on the retry only (``--reruns 1 --tracing=on-first-retry``).
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from suite_run import ROOT, SuiteRun, junit_case, run_pytest

from plugins.screenshot_fallback import as_the_browser_shows

pytestmark = [pytest.mark.regression, pytest.mark.bundled]
MODULE = "tests/runs/retried.py"
EDGES = "tests/runs/retried_edges.py"  # no browser: quick
CI_RETRIES = ("--reruns", "1", "--tracing=on-first-retry")


def run_retried(folder: Path, *args: str, module: str = MODULE, env: dict[str, str] | None = None) -> SuiteRun:
    """Run the module with CI's retries, its failure marks and reports under ``folder``."""
    marks = folder / "marks"
    marks.mkdir(parents=True, exist_ok=True)
    return run_pytest(module, *CI_RETRIES, *args, folder=folder, env={"RETRY_MARKS": str(marks), **(env or {})})


def artifacts(folder: Path, test: str) -> dict[str, list[str]]:
    """Return each attempt folder of ``test`` under the run's output, with the files it kept."""
    kept = folder / "test-results"
    return {
        found.name: sorted(path.name for path in found.iterdir())
        for found in sorted(kept.glob(f"*{test.replace('_', '-')}*"))
    }


def test_a_test_that_fails_then_passes_is_flaky_with_its_first_error_and_the_retry_s_trace(tmp_path: Path) -> None:
    run = run_retried(tmp_path, "-k", "fails_once or test_passes", "--max-flaky", "1", "-n", "2")

    # Terminal: green under the budget, with the flaky test, its first error, and the retry's trace
    assert run.returncode == 0, run.report
    assert "1 flaky (failed, then passed on retry)" in run.output
    first_error = "AssertionError: fails on its first attempt only"
    assert f"FLAKY tests/runs/retried.py::test_fails_once_then_passes[chromium] - {first_error}" in run.output
    # Evidence: the first attempt's screenshot (no trace: it is cheap), the retry's trace
    kept = artifacts(tmp_path, "test_fails_once_then_passes")
    assert kept == {
        "tests-runs-retried-py-test-fails-once-then-passes-chromium": ["test-failed-1.png"],
        "tests-runs-retried-py-test-fails-once-then-passes-chromium-retry1": ["trace.zip"],
    }, kept
    # Only failed attempts were photographed: the passing ones' pages were never taken only to be deleted
    taken = {path.name: len(path.read_text().splitlines()) for path in (tmp_path / "marks").glob("screenshots-*")}
    assert taken == {"screenshots-test_fails_once_then_passes": 1}, taken
    # JUnit: one testcase, passed, with the first failure as a flakyFailure linking its screenshot
    case = junit_case(tmp_path, "test_fails_once_then_passes")
    (flaky,) = case.findall("flakyFailure")
    assert "fails on its first attempt only" in flaky.get("message", "")
    assert "test-failed-1.png" in (flaky.findtext("system-out") or "")
    assert case.find("failure") is None
    # HTML: tagged and counted
    html = (tmp_path / "report.html").read_text()
    assert "Flaky (passed on retry)" in html and "1 flaky" in html
    assert "counted among the Passed" in html  # pytest-html's own count has no flaky: the reader is told where


def test_the_html_report_links_the_retry_s_trace_from_an_output_folder_with_any_name(tmp_path: Path) -> None:
    # Given an output folder whose name a link must escape (a CI workspace's "#", a space)
    marks, output = tmp_path / "marks", tmp_path / "results #1"
    marks.mkdir()

    run = run_pytest(MODULE, *CI_RETRIES, "-k", "fails_once_then", "--max-flaky", "1", folder=tmp_path,
                     env={"RETRY_MARKS": str(marks)}, output=output)  # fmt: skip

    # Then the report's link to the retry's trace opens that file, as its link to the screenshot does
    assert run.returncode == 0, run.report
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    links = re.findall(r"&#34;content&#34;: &#34;([^&]*)&#34;", html)
    trace = [link for link in links if link.endswith("trace.zip")]
    assert trace and all(link.startswith("results%20%231/") for link in trace), links


def test_a_retry_makes_test_data_of_its_own(tmp_path: Path) -> None:
    # A test that made a customer, then failed: its retry makes another (names are unique on a portal)
    run = run_retried(tmp_path, "-k", "makes_a_customer", "--max-flaky", "1")

    assert run.returncode == 0, run.report
    assert "1 flaky (failed, then passed on retry)" in run.output
    made = (tmp_path / "marks" / "customers-made").read_text().splitlines()
    assert len(made) == 2, made  # one customer an attempt
    (first_id, first_name), (retry_id, retry_name) = (line.split(" ", 1) for line in made)
    assert first_id != retry_id and first_name != retry_name, made


def test_flaky_tests_over_the_budget_turn_the_run_red(tmp_path: Path) -> None:
    run = run_retried(tmp_path, "-k", "fails_once", "--max-flaky", "0")

    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    assert "1 flaky tests, more than --max-flaky=0: the run fails" in run.output


def test_a_test_that_fails_twice_is_failed_with_both_attempts_evidence(tmp_path: Path) -> None:
    run = run_retried(tmp_path, "-k", "fails_every_time")

    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    kept = artifacts(tmp_path, "test_fails_every_time")
    assert kept == {
        "tests-runs-retried-py-test-fails-every-time-chromium": ["test-failed-1.png"],
        "tests-runs-retried-py-test-fails-every-time-chromium-retry1": ["test-failed-1.png", "trace.zip"],
    }, kept
    case = junit_case(tmp_path, "test_fails_every_time")
    assert "fails on every attempt" in (
        case.find("failure").get("message", "") if case.find("failure") is not None else ""
    )
    (earlier,) = case.findall("rerunFailure")
    assert "fails on every attempt" in earlier.get("message", "")
    # The last attempt's files are linked as the first's are, for CI servers that read only those links
    last = re.findall(r"\[\[ATTACHMENT\|(.+?)\]\]", case.findtext("system-out") or "")
    assert sorted(Path(path).name for path in last) == ["test-failed-1.png", "trace.zip"], last
    assert all("-retry1" in path for path in last), last
    # Its files, screenshots and trace alike, named so as to be found from anywhere: the output is outside the
    # checkout here, so by their absolute paths
    linked = re.findall(r"\[\[ATTACHMENT\|(.+?)\]\]", ElementTree.tostring(case, encoding="unicode"))
    linked += [prop.get("value", "") for prop in case.iter("property") if prop.get("name") == "playwright_trace"]
    assert {Path(path).name for path in linked} == {"test-failed-1.png", "trace.zip"}, linked
    assert all(Path(path).is_absolute() and Path(path).exists() for path in linked), linked


def test_the_terminal_says_where_each_attempt_of_a_failed_test_kept_its_files(tmp_path: Path) -> None:
    run = run_retried(tmp_path, "-k", "fails_every_time or test_passes")

    # The folders are named after the test, not by its id: the terminal names each attempt's, its files, the last first
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    said = run.output[run.output.index("evidence of 1 failed test") :].splitlines()
    results = tmp_path / "test-results" / "tests-runs-retried-py-test-fails-every-time-chromium"
    assert said[1:4] == [
        "FAILED tests/runs/retried.py::test_fails_every_time[chromium]",
        f"      retry 1: {results}-retry1/ (test-failed-1.png, trace.zip)",
        f"      first attempt: {results}/ (test-failed-1.png)",
    ], run.report
    assert "test_passes" not in "\n".join(said[:5]), run.report  # a test that passed kept nothing to point to


def test_the_evidence_is_said_for_the_folder_run_sh_was_called_from(tmp_path: Path) -> None:
    # Given a run started by run.sh from the folder its reports go to (run.sh changes to the project first), on a worker
    run = run_retried(tmp_path, "-k", "fails_every_time", "-n", "1", env={"RUN_FROM": str(tmp_path)})

    # Then the terminal names each attempt's folder relative to that folder, as the person there finds it
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    said = run.output[run.output.index("evidence of 1 failed test") :].splitlines()
    results = "test-results/tests-runs-retried-py-test-fails-every-time-chromium"
    assert said[2:4] == [
        f"      retry 1: {results}-retry1/ (test-failed-1.png, trace.zip)",
        f"      first attempt: {results}/ (test-failed-1.png)",
    ], run.report


@pytest.mark.parametrize("called_from", ["project", "parent"])
def test_a_failed_test_s_trace_kept_by_default_is_scrubbed_wherever_run_sh_was_called_from(
    tmp_path: Path, called_from: str
) -> None:
    # Given the default tracing (each test's trace kept when it fails), run.sh called in the project or above it
    marks = tmp_path / "marks"
    marks.mkdir()
    caller = ROOT if called_from == "project" else tmp_path.parent
    run = run_pytest(MODULE, "-k", "fails_every_time", folder=tmp_path,
                     env={"RETRY_MARKS": str(marks), "RUN_FROM": str(caller)})  # fmt: skip

    # Then its trace holds no session of the portal's, and only its owner may read it
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    (trace,) = (tmp_path / "test-results").glob("*/trace.zip")
    with zipfile.ZipFile(trace) as kept:
        hidden = sum(kept.read(name).count(b"********") for name in kept.namelist() if name.endswith(".network"))
    assert hidden and trace.stat().st_mode & 0o077 == 0, (hidden, oct(trace.stat().st_mode))


def test_a_test_failing_while_its_page_waits_for_the_portal_keeps_a_screenshot_of_what_showed(tmp_path: Path) -> None:
    # Given a test whose page is still waiting for an answer as it fails (Playwright's screenshot waits on that page)
    marks = tmp_path / "marks"
    marks.mkdir()
    run = run_pytest(MODULE, "-k", "waits_for_an_answer", folder=tmp_path, env={"RETRY_MARKS": str(marks)})

    # Then its failure keeps a screenshot all the same, of the page the browser still shows, linked in JUnit
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    (folder,) = (tmp_path / "test-results").glob("*waits-for-an-answer*")
    assert sorted(path.name for path in folder.iterdir()) == ["test-failed-1.png", "trace.zip"]
    with Image.open(folder / "test-failed-1.png") as shot:
        darkest, _ = shot.convert("L").getextrema()
    assert darkest < 100, "the screenshot shows no text: not the page before the click"
    case = junit_case(tmp_path, "test_fails_while_its_page_waits_for_an_answer")
    assert "test-failed-1.png" in (case.findtext("system-out") or ""), ElementTree.tostring(case, encoding="unicode")


def test_a_test_failing_while_its_page_is_busy_in_a_script_ends_without_a_screenshot(tmp_path: Path) -> None:
    # Given a test whose page's renderer is stuck in a script as it fails: no capture of it can ever come
    marks = tmp_path / "marks"
    marks.mkdir()
    run = run_pytest(MODULE, "-k", "busy_in_a_script", folder=tmp_path, env={"RETRY_MARKS": str(marks)}, timeout=180)

    # Then the run ends, the test failed with its own error and its trace, and no screenshot is waited for
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    assert "AssertionError: fails while its page's script never ends" in run.output
    (folder,) = (tmp_path / "test-results").glob("*busy-in-a-script*")
    assert sorted(path.name for path in folder.iterdir()) == ["trace.zip"]


def test_the_browser_s_own_capture_is_not_asked_of_a_renderer_busy_in_a_script(page: Page) -> None:
    # Given a page whose renderer became busy after it last answered (as after Playwright's screenshot waited for
    # its fonts): the browser's own capture, which has no timeout, would never come
    page.set_content("<h1>Busy</h1>")
    page.evaluate("setTimeout(() => { while (true) {} }, 0)")
    with pytest.raises(PlaywrightTimeoutError):
        page.wait_for_function("() => true", timeout=500)  # it no longer answers

    # Then the fallback gives no picture, rather than waiting for ever (until --test-timeout ends the browser)
    assert as_the_browser_shows(page) is None


def test_only_the_first_retry_records_a_trace_as_playwright_s_own(tmp_path: Path) -> None:
    run = run_retried(tmp_path, "-k", "fails_every_time", "--reruns=2")  # the later --reruns wins

    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.report
    kept = artifacts(tmp_path, "test_fails_every_time")
    assert kept == {
        "tests-runs-retried-py-test-fails-every-time-chromium": ["test-failed-1.png"],
        "tests-runs-retried-py-test-fails-every-time-chromium-retry1": ["test-failed-1.png", "trace.zip"],
        "tests-runs-retried-py-test-fails-every-time-chromium-retry2": ["test-failed-1.png"],
    }, kept


def test_a_retry_stopped_midway_keeps_no_secret_it_typed_in_its_trace(tmp_path: Path) -> None:
    secret = "Typed-" + os.urandom(6).hex()

    run = run_retried(tmp_path, "-k", "secret_then", env={"RETRY_SECRET": secret})

    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    (trace,) = (tmp_path / "test-results").glob("*-retry1/trace.zip")  # written as the run stopped
    with zipfile.ZipFile(trace) as archive:
        assert not [name for name in archive.namelist() if secret.encode() in archive.read(name)]


def quarantine_file(folder: Path, until: datetime.date) -> Path:
    """Write a quarantine that lists the always-failing test until ``until``."""
    path = folder / "quarantine.toml"
    path.write_text(
        f'[[test]]\nid = "{MODULE}::test_fails_every_time"\nreason = "known to fail, tracked in #42"\n'
        f'owner = "qa@example.com"\nuntil = {until.isoformat()}\n'
    )
    return path


def test_a_quarantined_test_runs_without_deciding_the_result(tmp_path: Path) -> None:
    until = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=7)
    quarantine = quarantine_file(tmp_path, until)

    run = run_retried(tmp_path, "-k", "fails_every_time or test_passes", f"--quarantine={quarantine}")

    assert run.returncode == pytest.ExitCode.OK, run.report
    assert run.outcomes == {"test_fails_every_time": "skipped", "test_passes": "passed"}, run.report
    assert "known to fail, tracked in #42" in run.messages["test_fails_every_time"]
    assert not list((tmp_path / "test-results").glob("*retry1")), "a quarantined test is not retried"
    # Its failure's evidence is kept as any failure's, a trace too (recorded from its first attempt, never
    # retried): the material to mend it
    kept = artifacts(tmp_path, "test_fails_every_time")
    assert kept == {"tests-runs-retried-py-test-fails-every-time-chromium": ["test-failed-1.png", "trace.zip"]}, kept
    # ... and linked as any failure's: in JUnit, where CI servers read attachments, and in the terminal, said to be
    # quarantined (it did not decide the result)
    case = junit_case(tmp_path, "test_fails_every_time")
    linked = re.findall(r"\[\[ATTACHMENT\|(.+?)\]\]", case.findtext("system-out") or "")
    assert sorted(Path(path).name for path in linked) == ["test-failed-1.png", "trace.zip"], linked
    said = run.output[run.output.index("evidence of 1 failed test") :].splitlines()
    results = tmp_path / "test-results" / "tests-runs-retried-py-test-fails-every-time-chromium"
    assert said[0].startswith("evidence of 1 failed test, quarantined ="), run.report
    assert said[1:5] == [
        "QUARANTINED tests/runs/retried.py::test_fails_every_time[chromium]",
        f"      quarantined until {until} by qa@example.com: known to fail, tracked in #42",
        "      failed: AssertionError: fails on every attempt",
        f"      evidence: {results}/ (test-failed-1.png, trace.zip)",
    ], run.report


def test_an_expired_quarantine_stops_the_run_before_any_test(tmp_path: Path) -> None:
    quarantine = quarantine_file(tmp_path, datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1))

    run = run_retried(tmp_path, f"--quarantine={quarantine}")

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.report
    assert f"the quarantine of {MODULE}::test_fails_every_time ended on" in run.output
    assert run.outcomes == {}


def test_shards_keep_their_flaky_results_when_merged(tmp_path: Path) -> None:
    # Given the flaky test and a passing one, in two shards, each its own run
    for group in ("1", "2"):
        shard = ("--splits", "2", "--group", group)
        run = run_retried(tmp_path, "-k", "fails_once or test_passes", "--max-flaky", "1", *shard)
        assert run.returncode == 0, run.report

    # When their JUnit files are merged
    merged, summary = tmp_path / "merged.xml", tmp_path / "summary.md"
    inputs = str(tmp_path / "junit-*.xml")
    command = [sys.executable, "scripts/merge_junit.py", inputs, "-o", str(merged), "--summary", str(summary)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)

    # Then the merged file still says which test was flaky, and so does the summary
    assert done.returncode == 0, done.stderr
    cases = ElementTree.parse(merged).iter("testcase")
    flaky = [case.get("name") for case in cases if case.find("flakyFailure") is not None]
    assert flaky == ["test_fails_once_then_passes[chromium]"]
    assert "`tests.runs.retried::test_fails_once_then_passes[chromium]`" in summary.read_text()

    # The run's budget is checked across the shards (each checked only its own: 1 flaky, allowed 1)
    over = subprocess.run([*command, "--max-flaky", "0"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert over.returncode == 4, over.stderr
    assert "1 flaky tests, more than --max-flaky=0: the run fails" in over.stderr
    said = {prop.get("name"): prop.get("value") for prop in ElementTree.parse(merged).iter("property")}
    assert said.get("verdict") == "1 flaky tests, more than --max-flaky=0: the run fails", said  # the merged file too
    # A shard's file left empty (killed as it wrote) is named; the others are merged all the same
    (tmp_path / "junit-3.xml").write_text("")
    broken = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert broken.returncode == 3, broken.stderr
    assert f"{tmp_path / 'junit-3.xml'} could not be read, left out" in broken.stderr
    assert len(list(ElementTree.parse(merged).iter("testcase"))) == 2
