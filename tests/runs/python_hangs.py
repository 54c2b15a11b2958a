"""Run by tests/test_hang_watch.py with a short --test-timeout and -n 1: a test hangs in Python, where ending its
browser does not reach; its worker ends, and another runs the next test. The failure before it keeps its evidence."""

from __future__ import annotations

import threading

from playwright.sync_api import Page


def test_1_fails_and_leaves_a_screenshot(page: Page) -> None:
    page.set_content("<p>before</p>")

    assert page.text_content("p") == "a failure on purpose"


def test_2_hangs_in_python(page: Page) -> None:
    threading.Event().wait()  # never set


def test_3_the_next_test_runs_in_another_worker(page: Page) -> None:
    page.set_content("<p>after</p>")

    assert page.text_content("p") == "after"
