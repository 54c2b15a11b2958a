"""Run by tests/test_hang_watch.py with a short --test-timeout: a test freezes its own browser, the next must pass."""

from __future__ import annotations

import os
import signal

from playwright.sync_api import Browser, Page


def test_1_the_browser_freezes_under_this_test(page: Page, browser: Browser) -> None:
    page.set_content("<p>before</p>")

    os.kill(browser.process_id, signal.SIGSTOP)  # type: ignore[attr-defined]  # the suite's RecoveringBrowser

    page.evaluate("1")  # no Playwright timeout bounds this: only the watch ends it


def test_2_the_next_test_gets_a_new_browser(page: Page) -> None:
    page.set_content("<p>after</p>")

    assert page.text_content("p") == "after"
