"""The command line and ``portal_session`` where a machine or a hand gets it wrong: a browser that is no browser or
does not start, an address with no port or with a password in it, a saved sign-in the browser cannot load, a trace
that cannot be written, a stop by a signal. Each is one line in the library's words, never a traceback, and the
demo password is never typed where a saved sign-in says whose portal it is.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from at_a_terminal import at_a_terminal
from playwright.sync_api import Playwright
from ports import refused_port
from test_scripts import ROOT, run

from fixtures.api_client import PortalApi
from fixtures.directory import User
from fixtures.test_data import CustomerFactory
from flows import __main__ as flows_main
from flows import portal_session
from flows.accounts_cli import session_options
from flows.browser import CHROMIUM_PATH_VARIABLE
from flows.cli_sign_in import checked_password, password_for, sign_in_options
from flows.saved_sign_in import SavedSignInError, saved_sign_in_path, sign_in_lock

pytestmark = pytest.mark.regression
UPDATE = ("-m", "flows", "update-account", "--customer", "Contoso", "--set", "city=Lyon")


@pytest.mark.tooling  # no portal reached
@pytest.mark.parametrize(
    ("executable", "said"),
    [
        pytest.param("/tmp", f"{CHROMIUM_PATH_VARIABLE}='/tmp' is not an executable file", id="a-folder"),
        pytest.param("/bin/false", "The browser /bin/false did not start", id="not-a-browser"),
    ],
)
def test_a_browser_that_is_none_or_does_not_start_is_one_line(
    executable: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a machine whose Chromium setting names a folder, or a program that is no browser
    monkeypatch.setenv(CHROMIUM_PATH_VARIABLE, executable)

    # When the command runs (it would sign in at the portal once its browser started)
    done = run(*UPDATE, "--base-url", "https://partner.example/", "--user", "u", "--password", "x")

    # Then it says so on one line, exit 1, without Playwright's traceback
    assert done.returncode == 1 and said in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr


@pytest.mark.tooling  # no portal reached
@pytest.mark.parametrize(
    "address",
    ["http://127.0.0.1:99999/", "http://127.0.0.1:abc/", "http://:8000/", "https://bob:s3cret@portal.example/"],
    ids=["port-out-of-range", "port-not-a-number", "no-host", "password-in-it"],
)
def test_an_address_the_browser_cannot_go_to_is_a_usage_error_quoting_no_password(address: str) -> None:
    done = run(*UPDATE, "--base-url", address, "--user", "agent@contoso.test", "--password", "x")

    assert done.returncode == 2 and "--base-url" in done.stderr, done.stderr
    assert "s3cret" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def saved_sign_in(path: Path, user: str, base_url: str, cookies: list[dict[str, object]]) -> Path:
    """Write a saved sign-in of ``user`` at ``base_url`` holding ``cookies``, as ``save-sign-in`` names its files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cookies": cookies, "origins": [], "user": user, "portal": base_url}))
    return path


@pytest.mark.tooling  # no portal reached
def test_a_saved_sign_in_the_browser_cannot_load_is_said_naming_the_file(
    tmp_path: Path, playwright: Playwright
) -> None:
    # Given a saved sign-in of this user and portal whose cookie lacks its domain (edited by hand, say)
    base_url = "https://partner.example/"
    saved = saved_sign_in(tmp_path / "agent.json", "agent", base_url, [{"name": "session", "value": "x"}])

    # When a script opens a session with it, then it is the library's error naming the file, before any page
    loaded = r"^The saved sign-in .*agent\.json cannot be loaded into the browser"
    with (
        pytest.raises(SavedSignInError, match=loaded),
        portal_session(base_url, "agent", None, storage_state=saved, playwright=playwright),
    ):
        pass


def test_a_trace_that_cannot_be_written_leaves_the_session_s_outcome_as_it_was(
    base_url: str, make_user: Callable[[str], User], tmp_path: Path, playwright: Playwright,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    # Given a trace asked for where a folder is
    user = make_user("admin-agent")
    folder = tmp_path / "traces"
    folder.mkdir()

    # When the session's block ends well, then it ends well, saying the trace was not written
    with (
        caplog.at_level(logging.WARNING, logger="flows"),
        portal_session(
            base_url, user.name, user.password, totp_secret=user.totp_secret, trace=folder, playwright=playwright
        ),
    ):
        pass
    assert any(f"No trace written to {folder}" in record.getMessage() for record in caplog.records), caplog.text


@pytest.mark.tooling  # no portal reached
def test_the_demo_password_is_not_typed_at_this_machine_s_address_with_a_saved_sign_in(tmp_path: Path) -> None:
    # Given a deployment reached through a tunnel at this machine's address, and the user's saved sign-in for it
    base_url, user = "http://127.0.0.1:18443/", "agent@contoso.test"
    saved_sign_in(saved_sign_in_path(base_url, user, tmp_path), user, base_url, [])
    args = flows_main.build_parser().parse_args(
        [*UPDATE[2:], "--base-url", base_url, "--user", user, "--auth-dir", str(tmp_path)]
    )

    # Then no password is typed when it expires: the saved sign-in says how to renew it
    assert password_for(args) is None


def setting_lyon(base_url: str, customer: str, user: User) -> subprocess.Popen[str]:
    """Start update-account setting ``customer``'s city to Lyon as ``user``, its output and steps piped to the test."""
    env = {**os.environ, "PORTAL_PASSWORD": user.password, "PORTAL_TOTP_SECRET": user.totp_secret or ""}
    command = [sys.executable, "-m", "flows", "update-account", "--base-url", base_url, "--user", user.name,
               "--customer", customer, "--set", "city=Lyon"]  # fmt: skip
    return subprocess.Popen(
        at_a_terminal(command), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_a_command_stopped_by_sigterm_says_so_in_one_line(
    base_url: str, customers: CustomerFactory, make_user: Callable[[str], User]
) -> None:
    # Given the command at work on a customer
    customer = customers.create("FR")
    with setting_lyon(base_url, customer.companyName, make_user("admin-agent")) as job:
        assert job.stderr is not None
        first = job.stderr.readline()  # its first step: signing in

        # When it is terminated (a CI job cancelled, a container stopped)
        job.send_signal(signal.SIGTERM)
        said = first + job.stderr.read()
        code = job.wait(timeout=60)

    # Then it stops with the shell's code for SIGTERM, saying so in one line and what may be left
    assert first.startswith("step: "), said
    assert code == 128 + signal.SIGTERM and "error: terminated: stopped before the command was done" in said, said
    assert "Traceback" not in said, said


def test_a_command_whose_output_reader_is_gone_makes_its_change_and_says_nothing_of_the_pipe(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User]
) -> None:
    # Given update-account piped to a reader gone before its answer (`| head -0`, a log shipper that died)
    customer = customers.create("FR")
    with setting_lyon(base_url, customer.companyName, make_user("admin-agent")) as job:
        assert job.stdout is not None
        job.stdout.close()
        said = job.communicate(timeout=120)[1]

    # Then the change is made, and the command ends as a change made ends, without a word of the pipe
    assert job.returncode == 0 and "Traceback" not in said and "BrokenPipe" not in said, said
    assert api.billing_profile(customer.id).city == "Lyon"


@pytest.mark.tooling  # no portal reached
@pytest.mark.parametrize(
    ("saved_at", "asked_at"),
    [
        pytest.param("https://portal.example/", "https://PORTAL.example.:443/", id="host-as-written-otherwise"),
        pytest.param("http://127.0.0.1:8000/", "http://127.0.0.1:8000", id="without-its-slash"),
    ],
)
def test_a_saved_sign_in_is_found_however_its_portal_and_user_are_written(
    tmp_path: Path, saved_at: str, asked_at: str
) -> None:
    # Given a sign-in saved for "sales-agent" at a portal
    saved = saved_sign_in(saved_sign_in_path(saved_at, "sales-agent", tmp_path), "sales-agent", saved_at, [])

    # When the command is given the portal's address written otherwise, and the user in capitals
    args = flows_main.build_parser().parse_args(
        [*UPDATE[2:], "--base-url", asked_at, "--user", "Sales-Agent", "--auth-dir", str(tmp_path)]
    )

    # Then it is the one found
    assert sign_in_options(args)["storage_state"] == saved


@pytest.mark.tooling  # no portal reached
def test_a_user_name_that_would_name_another_folder_is_refused_before_anything(tmp_path: Path) -> None:
    done = run(*UPDATE, "--base-url", "http://127.0.0.1:9/", "--user", "../../etc/agent", "--auth-dir", str(tmp_path))

    assert done.returncode == 2 and "cannot name a file of saved sign-ins" in done.stderr, done.stderr


@pytest.mark.tooling  # no portal reached
def test_save_sign_in_at_an_address_where_nothing_answers_says_so_in_one_line(tmp_path: Path) -> None:
    with refused_port() as port:  # nothing listens there
        done = run("-m", "flows", "save-sign-in", "--base-url", f"http://127.0.0.1:{port}/", "--user", "global-admin",
                   "--auth-dir", str(tmp_path), "--headless", "--wait", "5")  # fmt: skip

    assert done.returncode == 1 and "The portal did not answer" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not list(tmp_path.rglob("*.json")), done.stderr


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_save_sign_in_stopped_while_waiting_for_the_person_says_so_in_one_line(
    base_url: str, tmp_path: Path, stop: signal.Signals
) -> None:
    # Given save-sign-in waiting for a person to sign in
    command = [sys.executable, "-m", "flows", "save-sign-in", "--base-url", base_url, "--user", "global-admin",
               "--auth-dir", str(tmp_path), "--headless", "--wait", "60"]  # fmt: skip
    with subprocess.Popen(
        at_a_terminal(command), cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as saving:
        assert saving.stderr is not None
        first = saving.stderr.readline()  # "Sign in to …": its browser shows the sign-in

        # When it is stopped (Ctrl-C at its terminal, a job cancelled)
        saving.send_signal(stop)
        said = first + saving.stderr.read()
        code = saving.wait(timeout=60)

    # Then it says so in one line, with the shell's code, no asyncio or Playwright words after it, nothing saved
    assert first.startswith("Sign in to "), said
    assert code == 128 + stop and said.count("\n") == 2 and "nothing was saved" in said.splitlines()[1], said
    assert not list(tmp_path.rglob("*.json")), said


@pytest.mark.tooling  # no portal reached
@pytest.mark.parametrize("wait", ["0", "-1", "nan", "soon"])
def test_save_sign_in_refuses_a_wait_that_is_no_time_to_wait(wait: str) -> None:
    done = run("-m", "flows", "save-sign-in", "--base-url", "http://127.0.0.1:9/", "--user", "u", "--wait", wait)

    assert done.returncode == 2 and "--wait: expected a number of seconds above 0" in done.stderr, done.stderr


@pytest.mark.tooling  # no portal reached
@pytest.mark.parametrize(("typed", "expected"), [("s3cret", "s3cret"), ("", None)], ids=["typed", "nothing-typed"])
def test_a_person_at_a_terminal_is_asked_for_the_password_none_was_given(
    monkeypatch: pytest.MonkeyPatch, typed: str, expected: str | None
) -> None:
    # Given no password given for a deployment, and a person at a terminal
    monkeypatch.delenv("PORTAL_PASSWORD", raising=False)
    args = flows_main.build_parser().parse_args([*UPDATE[2:], "--base-url", "https://partner.example/", "--user", "u"])
    prompts: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: prompts.append(prompt) or typed)

    # When the command takes its password, then it is the one typed, asked for naming the user and the portal;
    # nothing typed is no password
    if expected is None:
        with pytest.raises(ValueError, match="No password for u"):
            checked_password(args)
    else:
        assert checked_password(args) == expected
    assert prompts == ["Password for u at https://partner.example/: "]


@pytest.mark.tooling  # no portal reached
def test_the_folder_of_a_saved_sign_in_is_its_owner_s_only(tmp_path: Path) -> None:
    # When a saved sign-in's lock is taken in a folder not there yet (a first save-sign-in for the portal)
    path = saved_sign_in_path("https://portal.example/", "u", tmp_path)
    with sign_in_lock(path):
        pass

    # Then the folder that holds the user's file and its lock is readable by its owner only (the users' names)
    assert path.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.tooling  # no portal reached
@pytest.mark.parametrize("command", [UPDATE[2:], ("update-accounts", "rows.csv"), ("save-sign-in",)])
def test_an_empty_user_is_a_usage_error_of_the_option(command: tuple[str, ...]) -> None:
    done = run("-m", "flows", *command, "--base-url", "http://127.0.0.1:9/", "--user", " ")

    assert done.returncode == 2 and "--user: expected the user name to sign in with" in done.stderr, done.stderr


@pytest.mark.tooling  # no portal reached
def test_which_browser_says_none_can_be_used_on_standard_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHROMIUM_PATH_VARIABLE, "/tmp")

    done = run("-m", "flows", "browser")

    assert done.returncode == 1 and done.stdout == "" and "error: CHROMIUM_PATH='/tmp'" in done.stderr, done


@pytest.mark.tooling  # no portal reached
@pytest.mark.parametrize(
    ("command", "browser"),
    [(UPDATE[2:], "firefox"), (("save-sign-in", "--headless"), "webkit")],
    ids=["update-account", "save-sign-in"],
)
def test_a_browser_playwright_has_not_installed_is_said_with_how_to_install_it(
    command: tuple[str, ...], browser: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a machine where Playwright has installed no browser of its own
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))

    # When a command is asked for one of them
    done = run("-m", "flows", *command, "--browser", browser, "--base-url", "http://127.0.0.1:9/", "--user", "u",
               *(["--password", "x"] if command[0] == "update-account" else []))  # fmt: skip

    # Then it says which, and how to install it, on one line
    said = f"error: Playwright's {browser} is not installed here ({tmp_path}"
    assert done.returncode == 1 and said in done.stderr, done.stderr
    assert f"playwright install --with-deps {browser}`" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.tooling  # no browser started
@pytest.mark.parametrize(("chosen", "browser"), [((), "chromium"), (("--browser", "webkit"), "webkit")])
def test_the_job_s_browser_is_each_worker_s(chosen: tuple[str, ...], browser: str) -> None:
    command = ["update-accounts", "rows.csv", "--base-url", "http://127.0.0.1:9/", "--user", "u", *chosen]

    assert session_options(flows_main.build_parser().parse_args(command))["browser_name"] == browser


@pytest.mark.tooling  # no browser started
def test_the_banners_a_command_closes_are_each_worker_s() -> None:
    command = ["update-accounts", "rows.csv", "--base-url", "http://127.0.0.1:9/", "--user", "u",
               "--close-banner", "Accept", "--close-banner", "Tout accepter"]  # fmt: skip

    options = session_options(flows_main.build_parser().parse_args(command))

    assert options["close_banners"] == ["Accept", "Tout accepter"]
