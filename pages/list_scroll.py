"""Reading a list that draws its rows as it is scrolled: infinite scroll, or a virtualised grid.

A list with no pager at all (no Next, Previous, Load more, nor pages' numbers) may still hold rows not drawn yet:
one that appends rows when its last row scrolls into view, or a grid that draws only the rows in view (Fluent UI's
DetailsList), saying how many it holds with ``aria-rowcount`` (header rows counted). Such a list is read by scrolling
its last drawn row (the last it shows) to the top of the view and reading again, until no new rows come or its
last row is in view already, its own scrolling box (if any) at its bottom (its end), all the rows
``aria-rowcount`` tells have been seen, or ``ScrolledList.MAX_ROUNDS`` scrolls. A virtualised grid drops the rows
scrolled away: rows are noted by their ``aria-rowindex`` (else their words, and how many rows drawn before them have
the same: two namesakes' rows may read alike) as they are read, never assumed to stay.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from .errors import PortalError
from .list_controls import LOAD_MORE, numbered_page, pager_control
from .list_quiet import WATCH_LIST, ListRequests, wait_until_quiet

# Reads the rows drawn (each one's key, its aria-rowindex or else its words and how many rows before it have the same,
# and its links' and buttons' names, as their aria-label or words), then scrolls the
# last of them to the top of the view, its list's watch begun first (as ``watch_list``: what the scroll draws counts
# as the list's change). Scrolled with the page's own scrollIntoView: one round trip, and it fires the scroll events
# a list draws on, in each scrolling box around it. ``keep``: where the view was before the scroll is kept on the
# page, for ``SCROLL_BACK``.
READ_AND_SCROLL = """(grid, keep) => {
  (WATCH_LIST)();
  const rows = [...grid.querySelectorAll('[role="row"], tr')];
  const words = (el) => el.textContent.replace(/\\s+/g, " ").trim();
  const times = new Map();  // rows alike in every word so far: the second is no repeat of the first
  const read = rows.map((row) => {
    const nth = (times.get(words(row)) || 0) + 1;
    times.set(words(row), nth);
    const links = [...row.querySelectorAll('a[href], [role="link"], button, [role="button"]')];
    return [row.getAttribute("aria-rowindex") || `${nth} ${words(row)}`,
      links.map((link) => (link.getAttribute("aria-label") || link.textContent).replace(/\\s+/g, " ").trim())];
  });
  const told = Number(grid.getAttribute("aria-rowcount"));  // -1, or none: not told
  const last = rows.filter((row) => row.getClientRects().length > 0).at(-1);  // a hidden row ("Loading…") is none
  const boxes = [];
  for (let box = last ? last.parentElement : null; box; box = box.parentElement) {
    if (box.scrollHeight > box.clientHeight) boxes.push(box);
  }
  if (document.scrollingElement && !boxes.includes(document.scrollingElement)) boxes.push(document.scrollingElement);
  const before = boxes.map((box) => box.scrollTop);
  if (keep) window.__listPlace = boxes.map((box, i) => [box, before[i]]);
  // A last row already in view is the list's end: a list drawing its rows as they come into view has drawn what
  // follows it (were there more, a page that scrolls for another reason would be scrolled, and waited on, for nothing).
  // Not while a box of its own can scroll further: a virtualised grid may draw just the rows that fill its view.
  const bottom = last ? last.getBoundingClientRect().bottom : 0;
  const scrolls = (box) => /auto|scroll|overlay/.test(getComputedStyle(box).overflowY);
  const inView = bottom <= window.innerHeight && boxes.every((box) => box === document.scrollingElement
    || (bottom <= box.getBoundingClientRect().bottom + 1
      && (!scrolls(box) || box.scrollTop + box.clientHeight >= box.scrollHeight - 1)));
  if (last && !inView) last.scrollIntoView({ block: "start" });
  const moved = boxes.some((box, i) => box.scrollTop !== before[i]);
  return { rows: read, drawn: rows.length, told: Number.isInteger(told) && told > 0 ? told : 0, moved };
}""".replace("WATCH_LIST", WATCH_LIST)
# Scrolls each box back to where ``READ_AND_SCROLL`` kept it, the list's watch begun first.
SCROLL_BACK = """() => {
  (WATCH_LIST)();
  for (const [box, top] of window.__listPlace || []) box.scrollTop = top;
}""".replace("WATCH_LIST", WATCH_LIST)


def pagerless(page: Page, list_: Locator) -> Locator:
    """Return the page's body while it shows no pager at all; with ``list_``'s table shown (``.filter(has=table)``),
    the sign of a list read by scrolling.

    No Next or Previous (enabled or not), no Load more, no page's number in a navigation: a list with any of those
    is paged by it, and its last page is its end.
    """
    main = page.get_by_role("main").or_(list_)
    pager = pager_control(page, "next_page").or_(pager_control(page, "previous_page"))
    pager = pager.or_(main.get_by_role("button", name=LOAD_MORE)).or_(numbered_page(page, None, disabled=None))
    return page.locator("body").filter(has_not=pager)


class ScrolledList:
    """The rows of one list (one search's answer) read so far as it is scrolled."""

    MAX_ROUNDS = 200  # scrolls at most, each bringing new rows: a list that never ends is a PortalError

    def __init__(self, list_: Locator, table: Locator, *, quiet_ms: int, grace_ms: int, answer_ms: int) -> None:
        self.list = list_
        self.table = table
        self.quiet_ms, self.grace_ms, self.answer_ms = quiet_ms, grace_ms, answer_ms
        self.seen: dict[str, list[str]] = {}  # each row read: its key → its links' names
        self.rounds = 0  # scrolls that brought rows
        self.drawn = 0  # rows the list has drawn, as far as told apart
        self.ended = False  # scrolled to its end: a scroll on shows nothing more
        self.left_place = False  # the view moved since its place was kept (``keep_place``)

    def read_and_scroll(self, *, keep_place: bool) -> tuple[int, int, bool]:
        """Read the rows drawn and scroll on; return how many are new, how many the list tells it holds (0: not
        told) and whether the view moved."""
        said = self.table.first.evaluate(READ_AND_SCROLL, keep_place)
        new = 0
        for key, names in said["rows"]:
            if key not in self.seen:
                self.seen[key] = names
                new += 1
        self.drawn = max(len(self.seen), int(said["drawn"]))
        self.left_place = bool(said["moved"]) or (self.left_place and not keep_place)
        return new, int(said["told"]), bool(said["moved"])

    def scroll_on(self, *, keep_place: bool = False) -> bool:
        """Scroll the list's last drawn row into view and wait for what it draws; False at the list's end (nothing
        new came since the last scroll, nothing left to scroll, or all the rows it tells have been seen).
        ``keep_place``: where the view was is kept, for ``scroll_back``.

        Raises ``PortalError`` when the list tells more rows than it ever draws, or scrolls on past ``MAX_ROUNDS``;
        Playwright's ``TimeoutError`` when it is still busy or changing at the timeout.
        """
        if self.ended:
            return False
        first = not self.seen
        requests = ListRequests(self.list.page, answer_ms=self.answer_ms)
        try:
            new, told, moved = self.read_and_scroll(keep_place=keep_place)
            if (not first and not new) or not moved or (told and len(self.seen) >= told):
                self.check_all_drawn(told)
                self.ended = True
                return False
            if self.rounds >= self.MAX_ROUNDS:
                raise PortalError(
                    f"The Customers list at {self.list.page.url} still drew new rows after {self.MAX_ROUNDS} scrolls"
                )
            self.rounds += 1
            self.wait(requests)
        finally:
            requests.stop()
        return True

    def scroll_back(self) -> None:
        """Scroll the list back to where ``scroll_on`` kept its place, and wait for what it draws."""
        requests = ListRequests(self.list.page, answer_ms=self.answer_ms)
        try:
            self.list.page.evaluate(SCROLL_BACK)
            self.wait(requests)
        finally:
            requests.stop()

    def wait(self, requests: ListRequests) -> None:
        """Wait until the list has drawn what the scroll asked for: the watch begun, its requests noted before."""
        for _ in range(2):  # once more if the list was redrawn whole meanwhile
            if wait_until_quiet(
                self.list.first, quiet_ms=self.quiet_ms, grace_ms=self.grace_ms, watched=True, requests=requests
            ):
                return

    def check_all_drawn(self, told: int) -> None:
        """Raise ``PortalError`` when the list, at its end, tells it holds more rows than it drew."""
        if told > self.drawn:
            raise PortalError(
                f"The Customers list at {self.list.page.url} says it holds {told} rows (aria-rowcount) but drew "
                f"{self.drawn} when scrolled to its end: a customer among the others cannot be found"
            )

    def named(self, name: re.Pattern[str]) -> int:
        """Count the links named so in the rows read."""
        return sum(1 for names in self.seen.values() for found in names if name.match(found))
