"""Run by tests/test_hang_watch.py: a test freezes its own browser and is ended by its own short limit; the next
test must pass. The first test starts the browser, so the short limit counts no launch."""

from __future__ import annotations

import os
import signal

import pytest
from playwright.sync_api import Browser, Page

HANG_LIMIT_S = 10  # its setup too: a new page on a loaded machine takes a second or two


def test_0_the_browser_starts(page: Page) -> None:
    page.set_content("<p>started</p>")

    assert page.text_content("p") == "started"


@pytest.mark.test_timeout(HANG_LIMIT_S)
def test_1_the_browser_freezes_under_this_test(page: Page, browser: Browser) -> None:
    page.set_content("<p>before</p>")

    os.kill(browser.process_id, signal.SIGSTOP)  # type: ignore[attr-defined]  # the suite's RecoveringBrowser

    page.evaluate("1")  # no Playwright timeout bounds this: only the watch ends it


def test_2_the_next_test_gets_a_new_browser(page: Page) -> None:
    page.set_content("<p>after</p>")

    assert page.text_content("p") == "after"
