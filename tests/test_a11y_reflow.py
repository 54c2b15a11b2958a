"""The accessibility layer's reflow rule (plugins/a11y_reflow.py): a page wider than its viewport is a finding.

The pages are the tests' own (``page.set_content``) at a phone's width, each test's baseline a file of its own.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from plugins.retries import NotTransient

pytestmark = pytest.mark.tooling

PHONE = {"width": 390, "height": 844}
# An Account page whose values sit in a grid of fixed columns, 600 px wide whatever the screen.
FIXED_COLUMNS = """<html lang="en-US"><head><title>Account</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<h1>Account</h1><dl class="values" style="display: grid; grid-template-columns: 300px 300px; margin: 0">
<dt>City</dt><dd>Lyon</dd></dl><a href="#edit">Edit</a></main></body></html>"""
# The same page laid out for any width: one column as wide as the screen.
ONE_COLUMN = FIXED_COLUMNS.replace("grid-template-columns: 300px 300px", "grid-template-columns: minmax(0, 1fr)")
# A data table wider than the screen, scrolled in a region of its own as WCAG allows tables: the page fits.
TABLE_IN_ITS_OWN_SCROLL = FIXED_COLUMNS.replace(
    '<dl class="values"', '<div role="region" aria-label="Values" tabindex="0" style="overflow-x: auto"><dl'
).replace("</dl>", "</dl></div>")
Check = Callable[..., object]


def test_a_page_wider_than_its_viewport_is_a_finding_naming_both_widths_and_what_reaches_past(
    page: Page, check_here: Check
) -> None:
    # Given a page whose grid is wider than a phone's screen
    page.set_viewport_size(PHONE)
    page.set_content(FIXED_COLUMNS)

    # When it is scanned, then the reflow rule finds it, saying how wide it is and what reaches past the edge
    with pytest.raises(NotTransient) as found:
        check_here(page, "account", "en-US", "narrow")

    said = str(found.value)
    assert "page-fits-viewport-width (serious)" in said, said
    assert "https://www.w3.org/WAI/WCAG21/Understanding/reflow.html" in said, said
    # 600 px of columns after the body's 8 px margin
    assert "The page is 608 CSS px wide at a viewport 390 px wide: it scrolls sideways" in said, said
    assert "main > dl.values > dd reaches 608 px" in said, said


@pytest.mark.parametrize("content", [ONE_COLUMN, TABLE_IN_ITS_OWN_SCROLL], ids=["one-column", "own-scroll"])
def test_a_page_that_fits_its_viewport_is_no_finding(content: str, page: Page, check_here: Check) -> None:
    page.set_viewport_size(PHONE)
    page.set_content(content)

    scan = check_here(page, "account", "en-US", "narrow")

    assert scan is not None and scan.findings == [], scan  # type: ignore[attr-defined]
