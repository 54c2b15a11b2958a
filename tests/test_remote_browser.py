"""Remote browsers: the suite and the flows drive a browser that a Playwright server launched."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Playwright, expect

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import RemoteBrowserError, portal_session
from flows import browser as flows_browser
from flows.browser import WS_ENDPOINT_VARIABLE, launch_options_for
from pages import DashboardPage

pytestmark = pytest.mark.regression
ROOT = Path(__file__).resolve().parent.parent
MARKER_VARIABLE = "PORTAL_SUITE_PLAYWRIGHT_SERVER"  # set on the server: its processes, Chromium too, inherit it
LAUNCH_LINE = 'engaged launch mode for "chromium"'  # what the server logs (DEBUG=pw:server) per browser it launches
START_TIMEOUT_S = 60
RUN_TIMEOUT_S = 300
QUICK_S = 5  # "at once": far below the 30 s or more an unguarded connect could hang
# Linux shows each process's environment; elsewhere the log line alone proves where the browser runs.
HAS_PROC = Path("/proc/self/environ").exists()


@dataclass
class PlaywrightServer:
    """A ``playwright run-server`` started for these tests."""

    endpoint: str
    log: Path
    marker: str

    def launches(self) -> int:
        """How many browsers the server has launched for its clients so far."""
        return self.log.read_text(errors="replace").count(LAUNCH_LINE)

    def processes(self) -> list[str]:
        """The command lines of the live processes started by the server (Linux), itself included."""
        return [command for _, command in processes_marked(self.marker)]


def processes_marked(marker: str) -> list[tuple[int, str]]:
    """Return (pid, command line) of the live processes whose environment carries ``marker``."""
    found = []
    tag = f"{MARKER_VARIABLE}={marker}".encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if tag in (entry / "environ").read_bytes().split(b"\0"):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append((int(entry.name), command))
        except OSError:  # gone meanwhile, or someone else's
            continue
    return found


def wait_until_listening(server: subprocess.Popen[bytes], log: Path) -> str:
    """Return the endpoint the server prints once it listens; fail if it exits or stays silent."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (listening := re.search(r"^Listening on (\S+)", log.read_text(errors="replace"), re.MULTILINE)):
        if time.monotonic() > deadline:
            pytest.fail(f"playwright run-server did not listen within {START_TIMEOUT_S} s:\n{log.read_text()}")
        with contextlib.suppress(subprocess.TimeoutExpired):  # the pause between looks, cut short by an exit
            server.wait(timeout=0.1)
            pytest.fail(f"playwright run-server exited with {server.returncode}:\n{log.read_text()}")
    return listening.group(1)


def stop(server: subprocess.Popen[bytes], marker: str) -> None:
    """Stop the server and everything it started, even a browser it left behind."""
    # SIGINT makes the server close its browsers and exit; its Python wrapper exits with it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)
    # A browser runs in a process group of its own, so the signal above never reached it.
    for pid, _ in processes_marked(marker) if HAS_PROC else []:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def run_server(folder: Path, *options: str) -> Iterator[PlaywrightServer]:
    """Run ``playwright run-server`` on 127.0.0.1 while the block runs, logging into ``folder``."""
    log = folder / "server.log"
    marker = secrets.token_hex(8)
    env = {**os.environ, "DEBUG": "pw:server", MARKER_VARIABLE: marker}
    # --port 0: the server takes a free port and prints it, so parallel workers never collide.
    command = [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1", "--port", "0", *options]
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        yield PlaywrightServer(wait_until_listening(server, log), log, marker)
    finally:
        stop(server, marker)


@pytest.fixture(scope="module")
def playwright_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlaywrightServer]:
    """A Playwright server, as Playwright's container image runs one."""
    # --unsafe: a server uses a client's executablePath and args only when started with it, since
    # they make it run any program. Where Playwright's Chromium cannot be downloaded (Debian here),
    # the client must name the system Chromium, so the server has to accept it.
    with run_server(tmp_path_factory.mktemp("run-server"), "--unsafe") as server:
        yield server


def run_pytest(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run the suite's smoke tests in a fresh pytest, its reports and artifacts kept under ``tmp_path``."""
    # Nothing of the calling run (its options, its xdist worker) may leak into this one.
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST", WS_ENDPOINT_VARIABLE)
        and not name.startswith("PYTEST_XDIST")
    }
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-m", "smoke", *args,
               f"--junitxml={tmp_path / 'junit.xml'}", f"--html={tmp_path / 'report.html'}",
               f"--output={tmp_path / 'test-results'}"]  # fmt: skip
    return subprocess.run(
        command, cwd=ROOT, env={**inherited, **env}, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )


def test_smoke_tests_pass_with_the_browser_under_a_playwright_server(
    playwright_server: PlaywrightServer,
    base_url: str,
    portal_password: str,
    pytestconfig: pytest.Config,
    tmp_path: Path,
) -> None:
    launched = playwright_server.launches()

    done = run_pytest(
        f"--base-url={base_url}",
        f"--data-seed={pytestconfig.getoption('--data-seed')}",
        env={WS_ENDPOINT_VARIABLE: playwright_server.endpoint, "PORTAL_PASSWORD": portal_password},
        tmp_path=tmp_path,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    suite = ElementTree.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    counts = {name: int(suite.get(name, "0")) for name in ("tests", "failures", "errors", "skipped")}
    assert counts["tests"] >= 5, counts  # the documented workflow in three languages, sign-in, update
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    assert f"browser: launched by the Playwright server at {playwright_server.endpoint}" in done.stdout
    # One session, one browser, launched by the server: a browser launched here would not show.
    assert playwright_server.launches() == launched + 1, playwright_server.log.read_text()


def test_portal_session_signs_in_with_the_browser_under_a_playwright_server(
    playwright_server: PlaywrightServer, base_url: str, portal_password: str, playwright: Playwright
) -> None:
    launched = playwright_server.launches()

    with portal_session(
        base_url, "sales-agent", portal_password, ws_endpoint=playwright_server.endpoint, playwright=playwright
    ) as page:
        expect(DashboardPage(page).menu).to_be_visible()
        assert playwright_server.launches() == launched + 1
        running = playwright_server.processes()

    if HAS_PROC:  # the server's Chromium inherited the server's environment; one launched here would not
        assert any("chrom" in Path(command.split()[0]).name for command in running), running


def test_command_line_runs_the_browser_under_a_playwright_server(
    playwright_server: PlaywrightServer, base_url: str, customers: CustomerFactory, api: PortalApi
) -> None:
    customer = customers.create("FR")
    launched = playwright_server.launches()

    done = subprocess.run(
        [sys.executable, "-m", "flows", "update-account", "--base-url", base_url, "--user", "admin-agent",
         "--customer", customer.companyName, "--set", "city=Lyon", "--ws-endpoint", playwright_server.endpoint],
        cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
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


def test_portal_session_says_at_once_that_no_server_answers(
    closed_endpoint: str, base_url: str, portal_password: str, playwright: Playwright
) -> None:
    started = time.monotonic()

    with (
        pytest.raises(RemoteBrowserError, match=rf"(?s){re.escape(closed_endpoint)}.*playwright run-server"),
        portal_session(base_url, "global-admin", portal_password, ws_endpoint=closed_endpoint, playwright=playwright),
    ):
        pytest.fail("signed in without a browser")

    assert time.monotonic() - started < QUICK_S


def test_a_silent_endpoint_fails_after_the_short_reach_timeout(
    silent_endpoint: str, base_url: str, portal_password: str, playwright: Playwright, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flows_browser, "REACH_TIMEOUT_S", 0.5)
    started = time.monotonic()

    with (
        pytest.raises(RemoteBrowserError, match=rf"No Playwright server answers at {re.escape(silent_endpoint)}"),
        portal_session(base_url, "global-admin", portal_password, ws_endpoint=silent_endpoint, playwright=playwright),
    ):
        pytest.fail("signed in without a browser")

    assert 0.5 <= time.monotonic() - started < QUICK_S


def test_suite_refuses_to_start_when_no_server_answers(closed_endpoint: str, tmp_path: Path) -> None:
    done = run_pytest("tests/test_sign_in.py", f"--ws-endpoint={closed_endpoint}", env={}, tmp_path=tmp_path)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert f"No Playwright server answers at {closed_endpoint}" in done.stdout + done.stderr
    assert "playwright run-server" in done.stdout + done.stderr


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
    if "executable_path" not in launch_options_for("chromium", playwright.chromium.executable_path):
        pytest.skip("Playwright's own Chromium is installed: a server launches it without --unsafe")

    with run_server(tmp_path) as server:
        with (
            pytest.raises(RemoteBrowserError, match=r"(?s)gave no browser.*--unsafe"),
            portal_session(
                base_url, "global-admin", portal_password, ws_endpoint=server.endpoint, playwright=playwright
            ),
        ):
            pytest.fail("signed in without a browser")
        done = run_pytest("tests/test_sign_in.py", f"--ws-endpoint={server.endpoint}", env={}, tmp_path=tmp_path)

    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout + done.stderr
    assert f"The Playwright server at {server.endpoint} gave no browser" in done.stdout
