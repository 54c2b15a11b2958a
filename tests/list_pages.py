"""The Customers list's paging as a deployment has it: how many customers a page holds, how its pager says where
it is. Tests that cross a page break learn these, not the bundled portal's 20 and "Page 1 of 2"."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from flows import open_customers

BUNDLED_PAGE_SIZE = 20  # assumed only where the whole list fits on one page, so that it cannot tell


def page_size(page: Page) -> int:
    """Return how many customers a page of the list holds, as the unfiltered list's first page shows."""
    listed = open_customers(page)
    shown = len(listed.company_names())
    return shown if listed.enabled_next.count() else max(shown, BUNDLED_PAGE_SIZE)


def page_of(number: int, pages: int) -> re.Pattern[str]:
    """Match a pager saying page ``number`` of ``pages``, in any words ("Page 1 of 2", "Page 1 sur 2", "第 1/2 页")."""
    return re.compile(rf"(?<!\d){number}\D+{pages}(?!\d)")
