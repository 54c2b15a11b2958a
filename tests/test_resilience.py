"""What a run survives: a restarted portal, expired sign-ins and tokens, a browser that dies.

Each test runs some of tests/runs/ in a pytest of its own, against a portal started the way a
user starts one (``python -m fixtures.portal --db ...``), and checks every test's outcome.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright_server import run_server
from portal_process import STATE_VARIABLE, PortalProcess
from suite_run import SMOKE, SuiteRun, run_pytest

from fixtures.identity import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = [pytest.mark.regression, pytest.mark.bundled]
BROWSER_DIED = "The browser died during this test (pid "


@pytest.fixture
def portal(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[PortalProcess]:
    """A portal of this test's own, in its own process; ``portal_options`` marks its options."""
    marker = request.node.get_closest_marker("portal_options")
    started = PortalProcess.start(tmp_path, *(marker.args if marker else ()))
    yield started
    PortalProcess.from_state(started.state).stop()  # the one running now, after any restart


def run_against(portal: PortalProcess, module: str, folder: Path, *args: str) -> SuiteRun:
    """Run ``tests/runs/<module>.py`` against ``portal``, which its tests may restart."""
    env = {STATE_VARIABLE: str(portal.state)}
    return run_pytest(f"tests/runs/{module}.py", *against(portal), *args, folder=folder, env=env)


def against(portal: PortalProcess) -> list[str]:
    """Return the options that point a run at ``portal``: its address and its demo users' secret."""
    return [f"--base-url={portal.url}", f"--portal-totp-secret={DEMO_TOTP_SECRET}"]


def test_a_run_goes_on_when_the_portal_restarts_between_two_tests(portal: PortalProcess, tmp_path: Path) -> None:
    run = run_against(portal, "restart_between", tmp_path / "run")

    assert run.outcomes == dict.fromkeys(
        ["test_1_before_the_restart", "test_2_the_portal_restarts", "test_3_after_the_restart"], "passed"
    ), run.report
    # Sign-ins and tokens live in the portal's database: the restart ended none of them.
    assert "Renewed during this run" not in run.output, run.report


def test_a_portal_that_restarts_under_a_test_costs_that_attempt_only(portal: PortalProcess, tmp_path: Path) -> None:
    # Given a run allowed one retry, and a test under which the portal stops for seconds, then comes back
    run = run_against(portal, "restart_during", tmp_path / "run", "--reruns=1", "--max-flaky=1")

    # Then that test fails saying the portal did not answer, its retry waits for the portal and passes, as do the rest
    assert run.names("passed") == [
        "test_1_before_the_restart", "test_2_the_portal_restarts_under_this_test", "test_3_after_the_restart"
    ], run.report  # fmt: skip
    assert run.returncode == pytest.ExitCode.OK, run.report
    flaky = "FLAKY tests/runs/restart_during.py::test_2_the_portal_restarts_under_this_test[chromium] - "
    assert f"{flaky}pages.errors.PortalUnavailableError: The portal did not answer" in run.output, run.report
    assert "The portal did not answer during 1 test: each waited until it answered again" in run.output, run.report


def test_a_renewal_by_a_test_that_ends_a_session_on_purpose_is_not_said_to_be_the_portal_s(tmp_path: Path) -> None:
    # When a test marked ends_sessions signs a role out, and the workflow renews its sign-in
    run = run_pytest("tests/test_interrupted_edits.py", "-k", "renewed_once_and_the_workflow_goes_on", folder=tmp_path)

    # Then the run's summary says so apart, not as sessions the portal ended
    assert run.names("passed") == ["test_a_saved_sign_in_the_portal_ended_is_renewed_once_and_the_workflow_goes_on"]
    assert "Renewed by tests that end sessions on purpose: sign-in of sales-agent ×1" in run.output, run.report
    assert "Renewed during this run" not in run.output, run.report


# Long enough for a sign-in journey on a loaded machine (the provider's session lasts as long), short to wait out.
@pytest.mark.portal_options("--session-lifetime", "10", "--token-lifetime", "10")
def test_sign_ins_and_tokens_whose_lifetimes_run_out_are_renewed_once(portal: PortalProcess, tmp_path: Path) -> None:
    run = run_against(portal, "lifetimes", tmp_path / "run")

    assert run.names("passed") == [
        "test_1_workflow_while_everything_is_fresh",
        "test_2_the_lifetimes_run_out",
        "test_3_workflow_after_everything_expired",
    ], run.report
    summary = next(line for line in run.output.splitlines() if line.startswith("Renewed during this run"))
    assert "sign-in of global-admin" in summary, run.report
    assert "API token of global-admin" in summary, run.report


def assert_one_test_paid_for_the_dead_browser(run: SuiteRun) -> None:
    """Check that the test that killed its browser failed saying so, and every other test passed."""
    killer = "test_2_the_browser_is_killed_under_this_test"
    assert run.names("failed") == [killer], run.report
    assert run.messages[killer].startswith(BROWSER_DIED), run.messages[killer]
    assert "so its page was not photographed or traced" in run.messages[killer], "why its evidence is missing"
    assert set(run.outcomes) - {killer} == set(run.names("passed")), run.report


def test_a_dead_browser_costs_one_test_with_parallel_workers(tmp_path: Path) -> None:
    run = run_pytest(
        "-n", "2", "--dist", "loadfile", "tests/runs/browser_dies.py", "tests/runs/browser_lives.py",
        folder=tmp_path,
    )  # fmt: skip

    assert_one_test_paid_for_the_dead_browser(run)
    assert len(run.outcomes) == 6, run.report


def test_a_dead_browser_under_a_playwright_server_costs_one_test(tmp_path: Path) -> None:
    with run_server(tmp_path, "--unsafe") as server:
        run = run_pytest("tests/runs/browser_dies.py", f"--ws-endpoint={server.endpoint}", folder=tmp_path / "run")

        assert_one_test_paid_for_the_dead_browser(run)
        assert server.launches() == 2, server.log.read_text()  # the first browser, and the one after its death


@pytest.mark.portal_options("--strip-test-ids")
def test_the_smoke_tests_pass_on_pages_without_any_test_id(portal: PortalProcess, tmp_path: Path) -> None:
    # Given the bundled portal serving markup as a real deployment's: no data-testid anywhere
    with pytest.raises(urllib.error.HTTPError) as not_found:
        urllib.request.urlopen(f"{portal.url}no-such-page", timeout=30)
    assert not_found.value.code == 404
    assert "data-testid" not in not_found.value.read().decode()  # the error page has one otherwise

    run = run_pytest(*SMOKE, *against(portal), folder=tmp_path / "run")

    assert len(run.outcomes) >= 5, run.report  # the workflow in three languages, sign-in, update
    assert run.names("passed") == sorted(run.outcomes), run.report


def test_a_refused_renewal_stops_the_run_with_one_message(portal: PortalProcess, tmp_path: Path) -> None:
    run = run_against(portal, "renewal_refused", tmp_path / "run")

    refused = "The portal no longer accepts the sign-in of global-admin"
    assert run.names("passed") == ["test_1_signed_in_as_usual", "test_2_every_session_ends_and_the_password_changes"]
    assert run.names("failed") == ["test_3_the_renewal_is_refused"], run.report
    assert refused in run.messages["test_3_the_renewal_is_refused"]
    assert "test_4_never_runs" not in run.outcomes, run.report
    assert "1 of 4 selected tests not run: the run stopped early" in run.output, run.report
    assert f"Interrupted: {refused}" in run.output, run.report
    assert run.returncode == pytest.ExitCode.INTERRUPTED


def test_a_refused_password_is_typed_once_however_many_retries_the_run_allows(
    portal: PortalProcess, tmp_path: Path
) -> None:
    # Given a run with the wrong password for the role users, allowed two retries of each failure
    wrong = ["--portal-password=not-the-password", "--reruns=2"]
    run = run_pytest(*SMOKE, *against(portal), *wrong, folder=tmp_path / "run")

    # Then the first sign-in stops the run, never retried: each retry would count against the account (lockout)
    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert "Interrupted: The portal refused the sign-in of global-admin" in run.output, run.report
    assert len(run.names("error")) + len(run.names("failed")) == 1, run.outcomes
    assert not re.search(r"\d+ rerun", run.output), run.report
    assert re.search(r"\d+ of \d+ selected tests not run: the run stopped early", run.output), run.report
    # ... keeping a picture of the page it stopped at, named in the message (no test's folder would keep it)
    shot = tmp_path / "run" / "test-results" / "sign-in-global-admin-stopped.png"
    assert shot.stat().st_size > 0 and f"(the page then: {shot})" in run.output, run.report


def test_a_sign_in_asking_for_a_code_the_run_was_not_given_says_which_option_gives_it(
    portal: PortalProcess, tmp_path: Path
) -> None:
    # Given a deployment whose provider asks for a verification code, and a run given no TOTP secret
    run = run_pytest(*SMOKE, f"--base-url={portal.url}", folder=tmp_path / "run")

    # Then the run stops at the first sign-in, saying what to give it: nothing was refused
    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert "Interrupted: The sign-in of " in run.output and "needs what the run was not given" in run.output
    assert "--portal-totp-secret (or $PORTAL_TOTP_SECRET)" in run.output
    assert "refused the sign-in" not in run.output


def test_the_api_s_client_is_the_one_given_and_one_the_provider_refuses_stops_the_run(
    portal: PortalProcess, tmp_path: Path
) -> None:
    # Given a run told to ask the provider for the API's tokens as a client it does not know
    run = run_pytest(
        *SMOKE, "-k", "workflow", *against(portal), "--api-client-id=no-such-client", folder=tmp_path / "run"
    )

    # Then the first test that needs the API stops the run, saying the API took no token
    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert "Interrupted: The portal's API takes no token for global-admin" in run.output, run.report


def test_an_api_address_that_is_no_api_stops_the_run_with_one_message(portal: PortalProcess, tmp_path: Path) -> None:
    # Given a run whose --api-url is a web page's address (the portal's own pages), not the REST API's
    wrong = f"{portal.url}customers/"
    run = run_pytest(*SMOKE, *against(portal), f"--api-url={wrong}", folder=tmp_path / "run")

    # Then the first test that needs the API stops the run, naming the address and what to check
    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert f"Interrupted: {wrong} is not the portal's REST API" in run.output
    assert "is this the REST API's address?" in run.output
    # ... and its traceback, which shows the arguments of the fixtures it goes through, shows no secret
    assert DEMO_PASSWORD not in run.output and DEMO_TOTP_SECRET not in run.output, run.report
    assert len(run.names("error")) + len(run.names("failed")) == 1, run.outcomes


def test_a_portal_down_at_the_run_s_first_api_call_fails_that_test_only(portal: PortalProcess, tmp_path: Path) -> None:
    # No wait for the portal after test 2 (plugins/portal_outage.py): here the next test brings it back, not time
    run = run_against(portal, "api_down_at_first", tmp_path / "run", "--portal-back-wait=0")

    assert run.outcomes == {
        "test_1_the_portal_goes_down": "passed",
        "test_2_needs_the_api_while_the_portal_is_down": "error",
        "test_3_the_portal_comes_back": "passed",
        "test_4_needs_the_api_once_it_is_back": "passed",
    }, run.report
    # ... test 2 for the portal's silence, said as such: not a fixture's own fault
    assert "PortalUnavailableError: The portal did not answer" in run.output, run.report


def test_a_browser_that_dies_as_a_traced_retry_ends_fails_nothing(tmp_path: Path) -> None:
    # Given a test that fails once and kills its browser at the end of its retry, before the trace is written
    run = run_pytest(
        "tests/runs/browser_dies_after_retry.py", "--reruns=1", "--tracing=on-first-retry", "--max-flaky=1",
        folder=tmp_path,
    )  # fmt: skip

    # Then the test is flaky (its retry passed; the trace is lost with the browser), and the next test passes
    assert run.outcomes == {
        "test_1_the_browser_dies_as_the_retry_ends": "passed",
        "test_2_the_next_test_gets_a_new_browser": "passed",
    }, run.report
    assert "FLAKY tests/runs/browser_dies_after_retry.py::test_1_the_browser_dies_as_the_retry_ends" in run.output
    assert run.returncode == pytest.ExitCode.OK, run.report
