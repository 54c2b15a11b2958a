"""Run by tests/test_resilience.py: a test fails once, and its browser dies as its traced retry ends."""

from __future__ import annotations

import os
import signal

import pytest
from playwright.sync_api import Browser, Page

from pages import DashboardPage
from plugins.retries import attempt


def test_1_the_browser_dies_as_the_retry_ends(
    admin_page: Page, browser: Browser, request: pytest.FixtureRequest
) -> None:
    DashboardPage(admin_page).open()
    assert attempt(request.node) > 1, "the first attempt fails"

    os.kill(browser.process_id, signal.SIGKILL)  # type: ignore[attr-defined]  # the suite's RecoveringBrowser


def test_2_the_next_test_gets_a_new_browser(admin_page: Page) -> None:
    DashboardPage(admin_page).open().customers()
