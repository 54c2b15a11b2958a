"""Run by tests/test_banners.py: an Account page with a cookie banner over its Edit; with ``--close-banner Accept``
the suite's pages close it, and Edit is selected."""

from __future__ import annotations

from playwright.sync_api import Page
from test_banners import ACCOUNT_UNDER_A_BANNER, edit_selected


def test_edit_under_a_banner(page: Page) -> None:
    page.set_content(ACCOUNT_UNDER_A_BANNER)
    page.set_default_timeout(5_000)  # a banner left over Edit fails this at its timeout

    assert edit_selected(page)
