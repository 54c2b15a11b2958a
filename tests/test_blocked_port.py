"""A deployment on a port browsers keep from the web (6000 for X11, 6667 for IRC...): said as such, once, not as a
portal that did not answer, which a run would wait out or retry."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from suite_run import SMOKE, run_pytest
from test_base_url import served

from pages import BlockedPortError, PortalUnavailableError
from pages.screen import Screen

ROOT = Path(__file__).resolve().parent.parent
BLOCKED = 6000  # X11's: Chromium, Firefox and WebKit all refuse it, before any connection
pytestmark = pytest.mark.tooling  # the browser refuses the address before any server is asked: no portal


def test_a_port_the_browser_refuses_is_said_so_with_the_way_out(browser: Browser) -> None:
    context = browser.new_context(base_url=f"http://127.0.0.1:{BLOCKED}/")
    with pytest.raises(BlockedPortError) as refused:
        Screen(context.new_page()).goto("dashboard")
    context.close()

    assert not isinstance(refused.value, PortalUnavailableError)  # no outage to wait out: the portal was not asked
    said = str(refused.value)
    assert f"port {BLOCKED} of http://127.0.0.1:{BLOCKED}/" in said, said
    assert "another port" in said and f"--explicitly-allowed-ports={BLOCKED}" in said, said


def a_free_blocked_port() -> int:
    """Return the first port browsers refuse that is free here."""
    for port in (6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080, 5060, 5061, 4045, 3659):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:  # taken here
                continue
            return port
    raise AssertionError("every port browsers refuse is taken on this machine")


def test_the_suite_stops_once_on_a_port_the_browser_refuses(tmp_path: Path) -> None:
    # Given a portal's address that answers Python (the run's first look) but not a browser
    with served(port=a_free_blocked_port()) as port:
        run = run_pytest(*SMOKE, f"--base-url=http://127.0.0.1:{port}/", "--portal-password=unused",
                         folder=tmp_path / "run")  # fmt: skip

    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert f"The sign-in of global-admin at http://127.0.0.1:{port}/ stopped: The browser refuses port" in run.output
    assert len(run.outcomes) == 1, run.report  # the first test's, not one per test


def test_a_command_says_a_port_the_browser_refuses() -> None:
    address = f"http://127.0.0.1:{BLOCKED}/"
    command = [sys.executable, "-m", "flows", "update-account", "--base-url", address, "--user", "global-admin",
               "--password", "unused", "--customer", "Contoso", "--set", "city=Lyon"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == 1, done.stderr
    assert f"The browser refuses port {BLOCKED}" in done.stderr, done.stderr
    assert "did not answer" not in done.stderr, done.stderr
