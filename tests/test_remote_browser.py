"""Remote browsers: the suite and the flows drive a browser that a Playwright server launched."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright, expect
from playwright_server import HAS_PROC, QUICK_S, RUN_TIMEOUT_S, PlaywrightServer, run_server
from suite_run import SMOKE, run_pytest

from fixtures.api_client import PortalApi
from fixtures.directory import User
from fixtures.test_data import CustomerFactory
from flows import RemoteBrowserError, portal_session
from flows import browser as flows_browser
from flows.browser import WS_ENDPOINT_VARIABLE
from flows.sign_in import TOTP_SECRET_VARIABLE
from pages import DashboardPage

pytestmark = pytest.mark.regression
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def playwright_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlaywrightServer]:
    """A Playwright server, as Playwright's container image runs one."""
    # --unsafe: a server uses a client's executablePath and args only when started with it, since
    # they make it run any program. Where Playwright's Chromium cannot be downloaded (Debian here),
    # the client must name the system Chromium, so the server has to accept it.
    with run_server(tmp_path_factory.mktemp("run-server"), "--unsafe") as server:
        yield server


def test_smoke_tests_pass_with_the_browser_under_a_playwright_server(
    playwright_server: PlaywrightServer,
    base_url: str,
    portal_password: str,
    totp_secret: str | None,
    pytestconfig: pytest.Config,
    tmp_path: Path,
) -> None:
    launched = playwright_server.launches()

    done = run_pytest(
        *SMOKE,
        f"--base-url={base_url}",
        f"--data-seed={pytestconfig.getoption('--data-seed')}",
        env={
            WS_ENDPOINT_VARIABLE: playwright_server.endpoint,
            "PORTAL_PASSWORD": portal_password,
            TOTP_SECRET_VARIABLE: totp_secret or "",
        },
        folder=tmp_path,
    )

    assert done.returncode == 0, done.output
    assert len(done.outcomes) >= 5, done.outcomes  # the documented workflow in three languages, sign-in, update
    assert done.names("passed") == sorted(done.outcomes), done.outcomes
    assert f"browser: launched by the Playwright server at {playwright_server.endpoint}" in done.output
    # One session, one browser, launched by the server: a browser launched here would not show.
    assert playwright_server.launches() == launched + 1, playwright_server.log.read_text()


def test_portal_session_signs_in_with_the_browser_under_a_playwright_server(
    playwright_server: PlaywrightServer, base_url: str, make_user: Callable[[str], User], playwright: Playwright
) -> None:
    launched = playwright_server.launches()
    user = make_user("sales-agent")

    with portal_session(
        base_url, user.name, user.password, totp_secret=user.totp_secret, ws_endpoint=playwright_server.endpoint,
        playwright=playwright,
    ) as page:  # fmt: skip
        expect(DashboardPage(page).menu).to_be_visible()
        assert playwright_server.launches() == launched + 1
        running = playwright_server.processes()

    if HAS_PROC:  # the server's Chromium inherited the server's environment; one launched here would not
        assert any("chrom" in Path(command.split()[0]).name for command in running), running


def test_command_line_runs_the_browser_under_a_playwright_server(
    playwright_server: PlaywrightServer, base_url: str, customers: CustomerFactory, api: PortalApi,
    make_user: Callable[[str], User],
) -> None:  # fmt: skip
    customer = customers.create("FR")
    user = make_user("admin-agent")
    launched = playwright_server.launches()

    secrets = {"PORTAL_PASSWORD": user.password, "PORTAL_TOTP_SECRET": user.totp_secret or ""}
    done = subprocess.run(
        [sys.executable, "-m", "flows", "update-account", "--base-url", base_url, "--user", user.name,
         "--customer", customer.companyName, "--set", "city=Lyon", "--ws-endpoint", playwright_server.endpoint],
        cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env={**os.environ, **secrets},
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["city"] == "Lyon"
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="Lyon")
    assert playwright_server.launches() == launched + 1


@pytest.fixture
def closed_endpoint() -> Iterator[str]:
    """A ws:// endpoint on which nothing listens: the port is bound here, never listened on, so none can take it."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        yield f"ws://127.0.0.1:{unused.getsockname()[1]}/"


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A ws:// endpoint that accepts connections and never answers."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        yield f"ws://127.0.0.1:{silent.getsockname()[1]}/"


@pytest.fixture
def silent_after_one_answer() -> Iterator[str]:
    """A ws:// endpoint that answers its first request (403, as a proxy in front of a server may), then falls silent:
    a Playwright server that stopped answering once the run had begun (its container paused, its machine stalled)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def answer_once() -> None:
            try:
                connection, _ = server.accept()
            except OSError:  # the test ended first
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

        threading.Thread(target=answer_once, daemon=True).start()
        yield f"ws://127.0.0.1:{server.getsockname()[1]}/"


LONG_REACH_S = 60.0  # how long the library may wait for a server's first answer, far above QUICK_S


def refused_session(endpoint: str, said: str, base_url: str, password: str, playwright: Playwright) -> float:
    """Open a portal session under ``endpoint``, which must raise ``RemoteBrowserError`` saying ``said`` (a pattern);
    return the seconds it took to."""
    started = time.monotonic()
    with (
        pytest.raises(RemoteBrowserError, match=said),
        portal_session(base_url, "global-admin", password, ws_endpoint=endpoint, playwright=playwright),
    ):
        pytest.fail("signed in without a browser")
    return time.monotonic() - started


def test_portal_session_says_at_once_that_no_server_answers(
    closed_endpoint: str, base_url: str, portal_password: str, playwright: Playwright, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flows_browser, "REACH_TIMEOUT_S", LONG_REACH_S)  # at once: not after a wait for an answer
    said = rf"(?s){re.escape(closed_endpoint)}.*playwright run-server"

    assert refused_session(closed_endpoint, said, base_url, portal_password, playwright) < QUICK_S


def test_a_silent_endpoint_fails_after_the_short_reach_timeout(
    silent_endpoint: str, base_url: str, portal_password: str, playwright: Playwright, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flows_browser, "REACH_TIMEOUT_S", 0.5)
    said = rf"No Playwright server answers at {re.escape(silent_endpoint)}"

    assert 0.5 <= refused_session(silent_endpoint, said, base_url, portal_password, playwright) < QUICK_S


def test_suite_refuses_to_start_when_no_server_answers(closed_endpoint: str, tmp_path: Path) -> None:
    done = run_pytest("-m", "smoke", "tests/test_sign_in.py", f"--ws-endpoint={closed_endpoint}", folder=tmp_path)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.output
    assert f"No Playwright server answers at {closed_endpoint}" in done.output
    assert "playwright run-server" in done.output


def test_a_web_page_s_address_given_as_the_server_is_refused_at_once(
    base_url: str, portal_password: str, playwright: Playwright, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flows_browser, "REACH_TIMEOUT_S", LONG_REACH_S)  # at once: not after a wait for an answer
    # Given the portal's own address where the Playwright server's belongs (an easy mix-up of two ports)
    endpoint = "ws://" + base_url.split("://", 1)[1]
    said = rf"{re.escape(endpoint)} answers, but not as a Playwright server"

    assert refused_session(endpoint, said, base_url, portal_password, playwright) < QUICK_S


def test_command_line_says_that_no_server_answers(closed_endpoint: str, base_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flows", "update-account", "--base-url", base_url, "--user", "global-admin",
         "--customer", "Anyone", "--set", "city=Lyon", "--ws-endpoint", closed_endpoint],
        cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
    )  # fmt: skip

    assert done.returncode == 1, done.stderr
    assert f"error: No Playwright server answers at {closed_endpoint}" in done.stderr


def test_without_unsafe_a_server_refuses_the_system_chromium_and_says_so(
    base_url: str, portal_password: str, playwright: Playwright, tmp_path: Path
) -> None:
    # Given a server on a machine without Playwright's own browsers (where they are, it launches its Chromium)
    with run_server(tmp_path, own_browsers=False) as server:
        with (
            pytest.raises(RemoteBrowserError, match=r"(?s)gave no browser.*--unsafe"),
            portal_session(
                base_url, "global-admin", portal_password, ws_endpoint=server.endpoint, playwright=playwright
            ),
        ):
            pytest.fail("signed in without a browser")
        done = run_pytest("-m", "smoke", "tests/test_sign_in.py", f"--ws-endpoint={server.endpoint}", folder=tmp_path)

    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.output
    assert f"The Playwright server at {server.endpoint} gave no browser" in done.output


def test_a_server_fallen_silent_after_the_start_fails_each_connect_in_seconds(
    silent_after_one_answer: str, tmp_path: Path
) -> None:
    # The check at the start passed; a connect of Playwright's own would then wait two minutes per test.
    done = run_pytest(
        "tests/test_sign_in.py", "-k", "lands_on_the_dashboard", f"--ws-endpoint={silent_after_one_answer}",
        folder=tmp_path, timeout=60,
    )  # fmt: skip

    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.output
    assert f"No Playwright server answers at {silent_after_one_answer}" in done.output


def test_the_browser_command_says_that_no_server_answers(closed_endpoint: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flows", "browser"], cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
        env={**os.environ, WS_ENDPOINT_VARIABLE: closed_endpoint},
    )  # fmt: skip

    assert done.returncode == 1, done.stdout
    assert f"error: No Playwright server answers at {closed_endpoint}" in done.stderr, done.stderr
