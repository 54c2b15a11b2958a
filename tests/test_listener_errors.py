"""A test's own route handler or event listener that raises fails that test, said with its traceback; the run goes
on (plugins/listener_errors.py). Playwright raises such an error from the next call: when the test made none, it
came from a report's call (pytest's INTERNALERROR, the run stopped) or from the next test's."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_run import ROOT, junit_case, run_pytest

pytestmark = [pytest.mark.regression, pytest.mark.tooling]
RUN = "tests/runs/listener_errors.py"


def line_of(code: str) -> int:
    lines = (ROOT / RUN).read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if code in line)


def test_each_test_whose_handler_or_listener_raised_fails_with_it_and_the_run_goes_on(tmp_path: Path) -> None:
    run = run_pytest(RUN, folder=tmp_path)

    assert run.returncode == 1, run.report  # failed tests: not 3, pytest's internal error
    assert run.names("passed") == ["test_4_the_next_test_is_not_charged_with_another_s_error"], run.report
    raised_at = line_of("raise ValueError(\"the test's route handler")
    handler = f'File "{ROOT / RUN}", line {raised_at}, in refuse_to_answer'
    broke = "ValueError: the test's route handler broke"
    timed_out = run.messages["test_1_a_route_handler_raises_and_the_page_never_loads"]
    assert timed_out.startswith("playwright._impl._errors.TimeoutError: Page.goto: Timeout"), timed_out
    assert f"raised during this test, likely the cause:\nTraceback (most recent call last):\n  {handler}" in timed_out
    assert timed_out.rstrip().endswith(broke), timed_out
    assert "site-packages/playwright" not in timed_out  # how Playwright called the handler is left out

    assert run.names("error") == ["test_2_a_fixture_s_route_handler_raises"], run.report
    in_setup = run.messages["test_2_a_fixture_s_route_handler_raises"]
    assert "raised during setting up this test, likely the cause:" in in_setup and handler in in_setup, in_setup

    # A listener raising on every event: heard in the report's own calls too (reported, not INTERNALERROR), and its
    # page closed after the teardown it broke, so the next test hears none of it.
    assert " Reporting this test failed " in run.output, run.report
    section = run.output.split(" Reporting this test failed ", 1)[1][:1000]
    assert "the test's console listener broke again" in section, run.report
    # Its call failed (the click's timeout) and its teardown's first call raised the listener's error: one testcase
    # keeps both, the failure first.
    keeps_raising = junit_case(tmp_path, "test_3b_a_listener_that_keeps_raising_while_the_failure_is_reported")
    assert [child.tag for child in keeps_raising if child.tag in ("failure", "error")] == ["failure", "error"]
    assert "the test's console listener broke again" in (keeps_raising.find("error").get("message") or "")  # type: ignore[union-attr]

    passed_but_broke = run.messages["test_3_a_listener_raises_in_a_test_that_passes"]
    assert passed_but_broke == (
        "plugins.listener_errors.ListenerError: A route handler or event listener raised during this test (ValueError: "
        "the test's console listener broke on 'hello'); Playwright holds such an error for the next call, and the "
        "test made none after it"
    )
