"""Run by tests/test_resilience.py against a portal of its own: down for seconds in the middle of a test (a restart)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from playwright.sync_api import Page
from portal_process import STATE_VARIABLE, PortalProcess

from pages import DashboardPage

OUTAGE_S = 5  # how long the restart leaves the portal refusing connections, as a deployment's does


def test_1_before_the_restart(admin_page: Page) -> None:
    DashboardPage(admin_page).open()


def test_2_the_portal_restarts_under_this_test(admin_page: Page) -> None:
    DashboardPage(admin_page).open()
    state = Path(os.environ[STATE_VARIABLE])
    restarted = state.with_name("restarted-under-test-2")
    if not restarted.exists():  # the first attempt only: its retry finds the portal back
        restarted.touch()
        PortalProcess.from_state(state).stop()
        threading.Timer(OUTAGE_S, lambda: PortalProcess.from_state(state).restart()).start()
        DashboardPage(admin_page).open()  # refused: PortalUnavailableError
    DashboardPage(admin_page).open().customers()


def test_3_after_the_restart(admin_page: Page) -> None:
    DashboardPage(admin_page).open().customers()
