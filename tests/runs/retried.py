"""Run by tests/test_retries.py: a test that fails once, one that fails every time, one that passes."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page

from pages import DashboardPage

MARKS = Path(os.environ.get("RETRY_MARKS", "."))  # a folder the outer test gives: what has failed once


def first_attempt(name: str) -> bool:
    """Tell whether this is the first attempt of the test ``name`` in this run (and remember it)."""
    mark = MARKS / name
    if mark.exists():
        return False
    mark.touch()
    return True


def test_fails_once_then_passes(admin_page: Page) -> None:
    DashboardPage(admin_page).open()

    assert not first_attempt("flaky"), "fails on its first attempt only"


def test_fails_every_time(admin_page: Page) -> None:
    DashboardPage(admin_page).open()

    raise AssertionError("fails on every attempt")


def test_passes(admin_page: Page) -> None:
    DashboardPage(admin_page).open()
