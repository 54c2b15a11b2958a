"""Run by tests/test_resilience.py beside browser_dies.py, on the other worker: untouched by the death there."""

from __future__ import annotations

from playwright.sync_api import Page

from flows import open_customers


def test_another_worker_goes_on(admin_page: Page) -> None:
    assert len(open_customers(admin_page).company_names()) > 0


def test_and_on(admin_page: Page) -> None:
    assert len(open_customers(admin_page).next_page().company_names()) > 0
