"""The accessibility layer's reflow rule (plugins/a11y_reflow.py): a page wider than its viewport is a finding.

The pages are the tests' own (``page.set_content``) at a phone's width, each test's baseline a file of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from plugins.a11y_baseline import rewrite
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
# A menu drawer parked past the right edge until opened, the page clipping what overflows it: nothing scrolls.
PARKED_DRAWER = ONE_COLUMN.replace("<body>", "<body style='overflow-x: hidden'>").replace(
    "</main>", '</main><nav style="position: absolute; top: 0; left: 100%; width: 300px">Menu</nav>'
)
# A heading too wide for a phone beside a table scrolled in its own region: the heading widens the page.
WIDE_HEADING_BESIDE_TABLE = TABLE_IN_ITS_OWN_SCROLL.replace("<h1>Account</h1>", '<h1 style="width: 500px">Account</h1>')
# Right to left, a grid too wide reaches past the left edge.
RIGHT_TO_LEFT = FIXED_COLUMNS.replace('<html lang="en-US">', '<html lang="en-US" dir="rtl">')
Check = Callable[..., object]


def finding_at_a_phone_s_width(page: Page, check_here: Check, content: str) -> str:
    """Scan ``content`` at a phone's width, where it must fail; return what the failure said."""
    page.set_viewport_size(PHONE)
    page.set_content(content)
    with pytest.raises(NotTransient) as found:
        check_here(page, "account", "en-US", "narrow")
    return str(found.value)


def test_a_page_wider_than_its_viewport_is_a_finding_naming_both_widths_and_what_reaches_past(
    page: Page, check_here: Check
) -> None:
    # Given a page whose grid is wider than a phone's screen, when it is scanned there
    said = finding_at_a_phone_s_width(page, check_here, FIXED_COLUMNS)

    # Then the reflow rule finds it, saying how wide it is and what reaches past the edge
    assert "page-fits-viewport-width (serious)" in said, said
    assert "https://www.w3.org/WAI/WCAG21/Understanding/reflow.html" in said, said
    # 600 px of columns after the body's 8 px margin
    assert "The page is 608 CSS px wide at a viewport 390 px wide: it scrolls sideways" in said, said
    assert "main > dl.values > dd reaches 608 px" in said, said


@pytest.mark.parametrize(
    "content", [ONE_COLUMN, TABLE_IN_ITS_OWN_SCROLL, PARKED_DRAWER], ids=["one-column", "own-scroll", "parked-drawer"]
)
def test_a_page_that_fits_its_viewport_is_no_finding(content: str, page: Page, check_here: Check) -> None:
    page.set_viewport_size(PHONE)
    page.set_content(content)

    scan = check_here(page, "account", "en-US", "narrow")

    assert scan is not None and scan.findings == [], scan  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("content", "named", "not_named"),
    [
        (WIDE_HEADING_BESIDE_TABLE, "Past the edge: body > main > h1 reaches 508 px", "dd"),
        (RIGHT_TO_LEFT, "Past the edge: main > dl.values > dd reaches -218 px", "h1"),
    ],
    ids=["heading-beside-a-scrolled-table", "right-to-left"],
)
def test_a_finding_names_what_widens_the_page_not_what_scrolls_in_its_own_box(
    content: str, named: str, not_named: str, page: Page, check_here: Check
) -> None:
    said = finding_at_a_phone_s_width(page, check_here, content)

    assert named in said, said
    assert f"> {not_named} reaches" not in said, said


@pytest.mark.only_browser("chromium")  # a phone's layout viewport, as Chromium emulates one (is_mobile)
def test_a_page_a_phone_lays_out_at_a_desktop_s_width_is_a_finding_at_the_phone_s(
    new_context: Callable[..., Any], check_here: Check
) -> None:
    # Given a page without a viewport meta tag on a phone: laid out 980 px wide (a desktop's), shown on 390
    page = new_context(viewport=PHONE, is_mobile=True).new_page()
    page.set_content(FIXED_COLUMNS.replace('<meta name="viewport" content="width=device-width, initial-scale=1">', ""))

    with pytest.raises(NotTransient) as found:
        check_here(page, "account", "en-US", "narrow")

    assert "The page is 980 CSS px wide at a viewport 390 px wide" in str(found.value), str(found.value)


def test_a_finding_accepted_at_one_width_is_new_at_another(page: Page, check_here: Check, tmp_path: Path) -> None:
    # Given the page's sideways scroll at a phone's width, accepted in the test's baseline
    accepted = {"rule": "page-fits-viewport-width", "target": "html (a viewport 390 px wide)", "impact": "serious"}
    rewrite(tmp_path / "a11y.json", {("account", "en-US"): [accepted]}, "4.12.1")
    page.set_content(FIXED_COLUMNS)
    page.set_viewport_size(PHONE)
    check_here(page, "account", "en-US", "narrow")  # known: passes

    # When the page scrolls sideways at another width, then that is a finding of its own
    page.set_viewport_size({"width": 500, "height": 844})
    with pytest.raises(NotTransient, match=r"html \(a viewport 500 px wide\)"):
        check_here(page, "account", "en-US", "tablet")
