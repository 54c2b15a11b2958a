"""Run by tests/test_hang_watch.py, with -n 1 or none: a test hangs in Python, where ending its browser does not
reach, and is ended by its own short limit; its worker ends, and another runs the next test. The failure before it
keeps its evidence."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import Page

HANG_LIMIT_S = 10  # its setup too: a new page on a loaded machine takes a second or two


def test_1_fails_and_leaves_a_screenshot(page: Page) -> None:
    page.set_content("<p>before</p>")

    assert page.text_content("p") == "a failure on purpose"


@pytest.mark.test_timeout(HANG_LIMIT_S)
def test_2_hangs_in_python(page: Page) -> None:
    threading.Event().wait()  # never set


def test_3_the_next_test_runs_in_another_worker(page: Page) -> None:
    page.set_content("<p>after</p>")

    assert page.text_content("p") == "after"
