"""Saved sign-ins, for deployments where a person approves MFA: save-sign-in, then a run on them.

A script plays the person: it drives the browser that ``save-sign-in`` opened, through the
Chrome DevTools port the command was asked to open, as a password manager could.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright
from portal_process import PortalProcess
from ports import unlent_port
from suite_run import ROOT, SMOKE, run_pytest

from fixtures.identity import DEMO_PASSWORD, DEMO_TOTP_SECRET, PARTNER_AUTOMATION_CLIENT_ID
from flows import SavedSignInError, complete_sign_in, portal_session
from pages import PageCrashedError

pytestmark = [pytest.mark.regression, pytest.mark.bundled]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[PortalProcess]:
    """A second portal, already running, as a team's deployment is."""
    started = PortalProcess.start(tmp_path)
    yield started
    PortalProcess.from_state(started.state).stop()


def save_sign_in_as_a_person(
    portal: PortalProcess, auth_dir: Path, playwright: Playwright, user: str = "global-admin", signs_in_as: str = ""
) -> tuple[int, str]:
    """Run save-sign-in for ``user`` while this test signs in in its browser (as ``signs_in_as``, the same user
    unless given); return its exit code and output."""
    port = unlent_port()  # Chrome listens there
    command = [
        sys.executable, "-m", "flows", "save-sign-in", "--base-url", portal.url, "--user", user,
        "--auth-dir", str(auth_dir), "--headless", "--remote-debugging-port", str(port),
        "--api-client-id", PARTNER_AUTOMATION_CLIENT_ID, "--wait", "120",
    ]  # fmt: skip
    saving = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert saving.stdout is not None
        said = saving.stdout.readline()  # printed once its page shows the portal's sign-in
        assert said.startswith("Sign in to "), said
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        (page,) = [page for context in browser.contexts for page in context.pages if "/oauth2/" in page.url]
        try:
            complete_sign_in(page, signs_in_as or user, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
        except PageCrashedError:  # the command closes its browser as the portal shows: at once when it saves nothing
            if not signs_in_as:
                raise
        output, _ = saving.communicate(timeout=120)
        output = said + output
    finally:
        if saving.poll() is None:
            saving.kill()
            saving.wait()
    return saving.returncode, output


def test_save_sign_in_waits_for_the_person_then_saves_a_secret_file_the_suite_runs_on(
    portal: PortalProcess, tmp_path: Path, playwright: Playwright
) -> None:
    # Given a person who signs in, in the browser save-sign-in opened
    auth_dir = tmp_path / ".auth"
    code, output = save_sign_in_as_a_person(portal, auth_dir, playwright)

    # Then the sign-in is saved where the suite looks, readable by its owner only, with what it takes
    assert code == 0, output
    host = portal.url.split("//")[1].rstrip("/").replace(":", "_")
    saved = auth_dir / host / "global-admin.json"
    assert f"saved: {saved}" in output
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    state = json.loads(saved.read_text())
    assert (state["user"], state["portal"]) == ("global-admin", portal.url)  # used as another's, it is refused
    assert {cookie["name"] for cookie in state["cookies"]} >= {"session", "ESTSAUTH"}
    assert "sessionStorage" in state and state["refresh_token"]

    # When the smoke tests run against that portal on the saved sign-in (and sign in nowhere)
    run = run_pytest(*SMOKE, f"--base-url={portal.url}", f"--auth-dir={auth_dir}", folder=tmp_path / "run")

    # Then they pass
    assert len(run.outcomes) >= 5, run.report
    assert run.names("passed") == sorted(run.outcomes), run.report

    # And once the deployment no longer accepts it, the next run stops at once, saying how to renew it
    for database, table in ((portal.database, "sessions"), (portal.identity_database, "sso_sessions")):
        with sqlite3.connect(database) as conn:
            conn.execute(f"DELETE FROM {table}")
    again = run_pytest(*SMOKE, f"--base-url={portal.url}", f"--auth-dir={auth_dir}", folder=tmp_path / "again")
    assert again.returncode == pytest.ExitCode.INTERRUPTED, again.output
    renew = f"python -m flows save-sign-in --base-url {portal.url} --user global-admin --auth-dir {auth_dir}"
    assert renew in again.output
    assert len(again.names("failed")) <= 2, again.output  # the tests in flight, not one failure per test


def test_a_sign_in_as_another_user_than_named_is_not_saved_under_that_name(
    portal: PortalProcess, tmp_path: Path, playwright: Playwright
) -> None:
    # Given a person who signs in as global-admin where save-sign-in was told admin-agent
    auth_dir = tmp_path / ".auth"
    code, output = save_sign_in_as_a_person(portal, auth_dir, playwright, "Admin-Agent", signs_in_as="global-admin")

    # Then nothing is saved (used as admin-agent's, it would act as global-admin), and it says who signed in
    assert code == 7, output  # sign-in refused
    assert "Signed in as 'global-admin', not as 'Admin-Agent' (--user): nothing was saved" in output
    assert not list(auth_dir.rglob("*.json"))


def test_the_suite_makes_its_data_through_the_api_at_the_address_given(portal: PortalProcess, tmp_path: Path) -> None:
    # Given a deployment whose REST API is at an address of its own (here one of the portal's, which serves no API)
    elsewhere = f"{portal.url}elsewhere/"

    # When the smoke tests run against it, then the first test that makes data asks that address, and says so
    options = (*SMOKE, "-x", f"--base-url={portal.url}", f"--api-url={elsewhere}")
    run = run_pytest(*options, folder=tmp_path / "run", env={"PORTAL_TOTP_SECRET": DEMO_TOTP_SECRET})

    assert run.returncode == pytest.ExitCode.TESTS_FAILED and f"{elsewhere}v1/" in run.output, run.report
    assert run.names("error") and not run.names("failed"), run.report  # stopped at its data (a fixture), by -x


def test_save_sign_in_gives_up_with_a_clear_message_when_nobody_signs_in(portal: PortalProcess, tmp_path: Path) -> None:
    auth_dir = tmp_path / ".auth"
    command = [sys.executable, "-m", "flows", "save-sign-in", "--base-url", portal.url, "--user", "global-admin",
               "--auth-dir", str(auth_dir), "--headless", "--wait", "2"]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=dict(os.environ))

    assert done.returncode == 7, done.stdout + done.stderr  # sign-in refused or signed out
    assert "No signed-in portal page within 2 s: nothing was saved" in done.stderr
    assert not auth_dir.exists() or not list(auth_dir.rglob("*.json"))


def test_a_saved_sign_in_cut_short_or_another_user_s_is_refused_without_quoting_it(
    portal: PortalProcess, tmp_path: Path
) -> None:
    # Given saved sign-ins cut short as a copy killed midway leaves them, each holding a cookie's secret value
    auth_dir, secret = tmp_path / ".auth", "ESTSAUTH-0Ghy6Y6v-secret"
    host = portal.url.split("//")[1].rstrip("/").replace(":", "_")
    for role in ("global-admin", "admin-agent", "sales-agent", "helpdesk-agent"):
        saved = auth_dir / host / f"{role}.json"
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text('{"cookies": [{"name": "ESTSAUTH", "value": "' + secret + '", "dom')

    # When the smoke tests run on them
    run = run_pytest(*SMOKE, f"--base-url={portal.url}", f"--auth-dir={auth_dir}", folder=tmp_path / "run")

    # Then the run stops at once saying which file and what to do, and the secret is in no output or report
    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert "cannot be read (JSONDecodeError: cut short, or not one): save it again with" in run.output
    reports = [path.read_text(errors="replace") for path in tmp_path.joinpath("run").glob("*.*")]
    assert all(secret not in text for text in [run.output, *reports])

    # And a script given another user's saved sign-in is refused before any browser starts
    other = tmp_path / "saved.json"
    other.write_text(json.dumps({"cookies": [], "origins": [], "user": "global-admin"}))
    with pytest.raises(SavedSignInError, match="is global-admin's, not helpdesk-agent's"):
        portal_session(portal.url, "helpdesk-agent", None, storage_state=other).__enter__()


def test_a_run_without_xdist_signs_in_as_one_with_it(tmp_path: Path) -> None:
    # When a screen that needs a signed-in role is checked in a run with xdist left out (-p no:xdist)
    run = run_pytest("tests/test_screens.py", "-p", "no:xdist", "-m", "a11y", "-k", "dashboard-en-US",
                     folder=tmp_path / "run")  # fmt: skip

    # Then it signs in and passes, as with -n 0
    assert run.returncode == 0 and run.names("passed") == sorted(run.outcomes), run.report


def test_a_run_on_saved_sign_ins_names_every_role_missing_at_the_start_and_when_it_stops(
    portal: PortalProcess, tmp_path: Path
) -> None:
    # Given a folder of saved sign-ins holding none yet
    auth_dir = tmp_path / ".auth"
    auth_dir.mkdir()

    run = run_pytest(*SMOKE, f"--base-url={portal.url}", f"--auth-dir={auth_dir}", folder=tmp_path / "run")

    # Then the run says at its start which roles it lacks, and stops at the first test that needs one, naming them
    # all with the commands that save them: not one role found missing per run
    roles = "global-admin, admin-agent, sales-agent, helpdesk-agent"
    assert f"--auth-dir {auth_dir} has no saved sign-in of {roles}: the first test" in run.output, run.report
    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert f"(missing: {roles})" in run.output, run.report
    for role in roles.split(", "):
        assert f"--user {role} --auth-dir {auth_dir}`" in run.output, role
