"""How a Customers list is searched, paged and read, as deployments draw it: its search box's word, its pagers (Next
and Previous, Load more, the pages' numbers), a company name in either width, each row's name."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from .screen import snapshot_name
from .shown_values import ELEMENTS_IN_ORDER
from .strings import alternatives, any_language

SEARCH_WORD = re.compile(r"search|recherch|搜索", re.IGNORECASE)
# The button a list paged by appending offers below its rows instead of Next: "Load more", "Show more".
LOAD_MORE = re.compile(
    rf"^\s*(?:{alternatives(('Load more', 'Show more', 'Charger plus', 'Afficher plus', '加载更多', '显示更多'))})\s*$",
    re.IGNORECASE,
)
# A link, button or cell in an ARIA snapshot, with its name: - link "Contoso":
NAMED_LINE = re.compile(r'^\s*- (?P<role>link|button|cell|gridcell) "(?P<name>(?:[^"\\]|\\.)*)"', re.MULTILINE)
FULL_WIDTH_OFFSET = 0xFEE0  # U+FF01..U+FF5E are the full-width forms of "!".."~"
# Each row's first shown link's words, else (no row has a link) each one's first button's, header rows aside, in each
# table or grid: of words on lines of their own, the first (a persona: the name, its domain beneath; a domain cell's
# own link is not the name).
ROW_NAMES = """tables => tables.flatMap((table) => {
  ELEMENTS_IN_ORDER
  const shown = (el) => el.getClientRects().length > 0;
  const isRow = (el) => el.tagName === "TR" || el.getAttribute("role") === "row";
  const isHeader = (row) => !!row.closest("thead")
    || [...elementsInOrder(row)].some((el) => el.getAttribute("role") === "columnheader");
  const isLink = (el) => (el.tagName === "A" && el.hasAttribute("href")) || el.getAttribute("role") === "link";
  const isButton = (el) => el.tagName === "BUTTON" || el.getAttribute("role") === "button";
  const rows = [...elementsInOrder(table)].filter((el) => isRow(el) && !isHeader(el));
  const first = (is) => rows.map((row) => [...elementsInOrder(row)].find((el) => is(el) && shown(el))).filter(Boolean);
  const links = first(isLink);
  // Its first line but for what no one hears (a persona's initials, aria-hidden).
  const nameOf = (el) => {
    const unheard = new Set([...el.querySelectorAll('[aria-hidden="true"]')].map((hidden) => hidden.innerText.trim()));
    const lines = (el.innerText ?? el.textContent ?? "").split("\\n").map((line) => line.trim());
    return lines.find((line) => line && !unheard.has(line)) ?? "";
  };
  return (links.length ? links : first(isButton)).map(nameOf);
})""".replace("ELEMENTS_IN_ORDER", ELEMENTS_IN_ORDER)


def either_width(company_name: str) -> re.Pattern[str]:
    """Return a pattern matching the whole of ``company_name`` with any of its letters, digits and punctuation in
    either width (a Chinese name's parentheses, U+FF08 or "("), its spaces as any run of spaces (ideographic too).

    A list, a spreadsheet and a person may each write the same customer's name in its other width.
    """
    parts: list[str] = []
    for char in company_name.strip():
        code = ord(char)
        if char.isspace():
            if parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif 0x21 <= code <= 0x7E or 0xFF01 <= code <= 0xFF5E:  # in a class, so none is read as a pattern's own
            twin = chr(code + FULL_WIDTH_OFFSET if code <= 0x7E else code - FULL_WIDTH_OFFSET)
            parts.append("[" + "".join("\\" + c if c in "\\]^-[/" else c for c in (char, twin)) + "]")
        else:  # beyond ASCII, which holds every character a pattern reads as its own
            parts.append(char)
    return re.compile(r"^\s*" + "".join(parts) + r"\s*$")


def with_domain(name: str | re.Pattern[str]) -> re.Pattern[str]:
    """Return a pattern of ``name`` (a company name, or its pattern as ``either_width`` makes it) followed by a domain,
    as a persona names a customer's link: "Contoso contoso.partner.onmschina.cn"."""
    start = name.pattern.removesuffix(r"\s*$") if isinstance(name, re.Pattern) else rf"^\s*{re.escape(name)}"
    return re.compile(start + r"\s+[\w-]+(?:\.[\w-]+)+\s*$", name.flags if isinstance(name, re.Pattern) else 0)


def opened_by_controls(snapshot: str | None, name: re.Pattern[str]) -> bool:
    """Whether the ARIA ``snapshot`` of a list shows each cell named ``name`` holding a link or button so named: then
    those open its customers, and its cells need not be searched (each cell's name is read to match one). A cell
    so named without one (a row opened by a click) says no."""
    controls = cells = 0
    for line in NAMED_LINE.finditer(snapshot or ""):
        if name.search(snapshot_name(line)):
            if line["role"] in ("link", "button"):
                controls += 1
            else:
                cells += 1
    return controls > 0 and cells <= controls


# A pager's item named by its title alone, outside any table (Ant Design's: its button holds an icon named "right", its
# pages' numbers are links without an address), enabled or disabled as its markup or class says. In the main landmark,
# where the list is, if the page has one: a header's menu item titled "2" or a tour's "Next Page" is no pager's.
OUTSIDE_TABLES = ':not(table *, [role="grid"] *, [role="table"] *)'
TITLED_ITEM = (
    f':is(main, [role="main"]) li[title]{OUTSIDE_TABLES}, body:not(:has(main, [role="main"])) li[title]{OUTSIDE_TABLES}'
)
DISABLED_ITEM = '[aria-disabled="true"], [class*="disabled" i], :has(:disabled)'


def titled_item(page: Page, name: str | re.Pattern[str], disabled: bool | None) -> Locator:
    """Return a pager's items (``TITLED_ITEM``) titled ``name``; only the enabled or disabled ones unless ``disabled``
    is None."""
    # Shown, as get_by_role takes them: a hidden pager (an inactive tab's) is none.
    titled = page.locator(TITLED_ITEM).and_(page.get_by_title(name)).filter(visible=True)
    if disabled is None:
        return titled
    return titled.and_(page.locator(DISABLED_ITEM if disabled else f":not({DISABLED_ITEM})"))


def pager_control(page: Page, key: str, *, disabled: bool | None = None) -> Locator:
    """Return the pager's Next or Previous (``key``): a button in one portal, a link in a navigation in another, an
    item named by its title alone in a third (``TITLED_ITEM``).

    Links only in a navigation landmark, where pagers are: a customer named "Next" is a link in the list.
    """
    name = any_language(key)
    button = page.get_by_role("button", name=name, disabled=disabled)
    link = page.get_by_role("navigation").get_by_role("link", name=name, disabled=disabled)
    return button.or_(link).or_(titled_item(page, name, disabled))


def numbered_page(page: Page, number: int | None, *, disabled: bool | None = False) -> Locator:
    """Return the pager's link or button to page ``number`` ("2", "Page 2", "第2页"), in a navigation: the way to
    another page of a list paged by numbers alone (no Next). Its name holds that number and no other digit; with
    ``number`` None, any page's number. Only an enabled one unless ``disabled`` says otherwise (None: either)."""
    digits = r"\d+" if number is None else str(number)
    name = re.compile(rf"^\D*{digits}\D*$")
    pager = page.get_by_role("navigation")
    link = pager.get_by_role("link", name=name, disabled=disabled)
    titled = titled_item(page, re.compile(rf"^\s*{digits}\s*$"), disabled)  # not "Next 5 Pages": the number alone
    return link.or_(pager.get_by_role("button", name=name, disabled=disabled)).or_(titled)
