"""The Customers list as shown: its table, its loading and its answers' waits, its rows read."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import Self
from weakref import WeakKeyDictionary

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .errors import (
    PortalError,
    PortalUnavailableError,
    UnknownPageError,
    address_of,
    gateway_answered,
    portal_unanswered,
)
from .list_busy import awaiting_answer
from .list_controls import (
    LOAD_MORE,
    ROW_NAMES,
    SEARCH_WORD,
    either_width,
    opened_by_controls,
    pager_control,
    with_domain,
)
from .list_quiet import ListRequests, wait_until_quiet, watch_list
from .list_scroll import ScrolledList, pagerless
from .screen import Screen, link_or_button
from .strings import any_language

# Whether a page's Customers list says when it is loading (aria-busy): asked once a page, as a
# deployment keeps its markup (a question less for each workflow).
LIST_MARKS_BUSY: WeakKeyDictionary[Page, bool] = WeakKeyDictionary()
# An alert anywhere in an ARIA snapshot: a line of its own, "- alert" (names are quoted, so no name fakes it).
ALERT_LINE = re.compile(r"^\s*- alert\b", re.MULTILINE)


class CustomerList(Screen):
    """The Customers list as shown: where it is, waiting for it to load or to answer a search, reading its rows.

    The list is a region named like the page ("Customers") holding a table or grid of customers,
    or else the main landmark holding one. It loads after the page itself, from the portal's REST
    API: while it does, the list says it is busy (``aria-busy``), as assistive technologies expect,
    and that is what this waits on. A list that never says so is waited on until the requests the
    page sent for it are answered and it stops changing (``pages.list_quiet``; ``QUIET_MS``, ``GRACE_MS``
    and ``ANSWER_MS`` tune it); before such a list is taken not to hold a customer, it must also have
    been unchanged for ``GRACE_MS`` (rows drawn a few at a time).
    """

    QUIET_MS = 500  # a list without aria-busy: unchanged this long after a change is its answer (as networkidle)
    GRACE_MS = 1500  # ... or this long after the search without any change (the same list again)
    LOOKS = 5  # ... looked at again at most this often when redrawn whole or loaded anew meanwhile
    ANSWER_MS = 30_000  # ... how long a request the page sent for it may go unanswered (Playwright's default timeout)

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        # Named as the bundled portal names it; else a deployment's: the main landmark's search box, or a
        # text box there whose name (or placeholder) speaks of searching.
        # The main landmark; on a page without one, the whole page (its header's search box then taken as well).
        main = page.get_by_role("main").or_(page.locator("body").filter(has_not=page.get_by_role("main")))
        named = page.get_by_role("searchbox", name=any_language("search_label"))
        any_search = main.get_by_role("searchbox").or_(main.get_by_role("textbox", name=SEARCH_WORD))
        self.search_box = named.or_(any_search).first
        region = page.get_by_role("region", name=any_language("customers"))
        grid = page.get_by_role("table").or_(page.get_by_role("grid"))
        # A search that finds nothing may show its words alone, no table: still the list's answer.
        none_found = page.get_by_text(any_language("no_customers"))
        self.results = region.or_(main.filter(has=grid.or_(none_found), has_not=region))
        self.table = self.results.get_by_role("table").or_(self.results.get_by_role("grid"))
        self.not_busy = page.locator(':not([aria-busy="true"])')
        self.no_results = self.results.get_by_text(any_language("no_customers"))
        self.load_error = self.results.get_by_role("alert")
        self.next_button = pager_control(page, "next_page").first
        self.previous_button = pager_control(page, "previous_page").first
        # Counted, not asked (a pager above and below the list has two; a list of one page may have none).
        self.enabled_next = pager_control(page, "next_page", disabled=False)
        self.enabled_previous = pager_control(page, "previous_page", disabled=False)
        # A list without Next may append its next rows to those shown instead (a button: a customer is a link); the
        # list's own, in its region or main landmark: a header's "Show more" (news, notifications) is no page of it.
        self.load_more_button = main.or_(self.results).get_by_role("button", name=LOAD_MORE, disabled=False)
        # Where the list says, in words, which page of how many it shows: the (first) navigation holding Next.
        self.pager = page.get_by_role("navigation").filter(has=self.next_button).first
        # A list with no pager at all may draw more rows as it is scrolled (``pages.list_scroll``).
        self.pagerless = pagerless(page, self.results)
        self.unpaged = self.pagerless.filter(has=self.table)
        self.scrolled: ScrolledList | None = None  # its rows read as it was scrolled since the last search
        self.by_numbers = False  # the last search's answer is paged by its pages' numbers
        self.add_customer_link = link_or_button(page, any_language("add_customer"))
        self.controls = page.get_by_role("link").or_(page.get_by_role("button"))  # within a row's cell
        self.shown_page = 1  # the list says which page it shows only in words: count the moves instead
        self.links_found = 0  # links named as the last find() looked for, on the page where it stopped
        self.shown_list: str | None = None  # the list as its last one look read it (None: it took a closer look)
        self.watching = False  # a list without aria-busy: watched for changes since the last search or page move
        self.requests: ListRequests | None = None  # ... and the requests the page sent since then

    def new_list(self) -> None:
        """Forget the list shown before (a new one opened, or searched): its page, its rows read, how it was paged."""
        self.shown_page, self.scrolled, self.by_numbers = 1, None, False

    def wait_until_ready(self, *, quiet_ms: int | None = None) -> Self:
        """Wait until the list has loaded: the list shown and no longer busy.

        The list loads from the portal's REST API after the page itself, so neither the URL nor
        "load" says it is ready. A search or a page move marks the list busy as it starts (in
        the same event), so "not busy" afterwards means its answer is shown. A list that has no
        ``aria-busy`` is waited on until the requests the page sent since ``before_change`` are
        answered and it has stopped changing (for ``quiet_ms``, ``QUIET_MS`` unless given).

        A list that says it could not be loaded raises ``PortalUnavailableError`` when the portal no longer
        answers the page's address (stopped, restarting) or a gateway answered the list's request in its place
        (502-504), else ``PortalError`` with what the list says.
        """
        watched, self.watching = self.watching, False
        requests, self.requests = self.requests, None
        try:
            shown = self.look(watched, requests, quiet_ms or self.QUIET_MS)
        finally:
            if requests is not None:
                requests.stop()
        self.shown_list = shown
        alerts = self.load_error.filter(visible=True)  # two at once (a toast, a live region), or one gone meanwhile
        failed = bool(ALERT_LINE.search(shown)) if shown is not None else alerts.count() > 0
        if failed:
            said = " ".join(words.strip() for words in alerts.all_inner_texts() if words.strip()) or "(gone unread)"
            gateway = gateway_answered(self.page)  # read first: the look at the page's address below is a request too
            if gateway is not None:  # the portal behind it restarting, say: waited for, as a portal not answering
                status, address = gateway
                raise PortalUnavailableError(
                    f"The Customers list could not be loaded: a gateway answered its request at {address_of(address)} "
                    f"with HTTP {status}, in the portal's place; the list says: {said}",
                    address=address,
                )
            unanswered = portal_unanswered(self.page)
            if unanswered:  # a portal stopped since the page loaded: not the list's own refusal
                raise PortalUnavailableError(
                    f"The Customers list could not be loaded: the portal does not answer at "
                    f"{address_of(self.page.url)} ({unanswered}); the list says: {said}"
                )
            raise PortalError(f"The Customers list could not be loaded: {said}")
        return self.found_ready()

    def look(self, watched: bool, requests: ListRequests | None, quiet_ms: int) -> str | None:
        """Wait until the list is shown, settled; return its ARIA snapshot (None when a closer look told)."""
        for _ in range(self.LOOKS):
            # One look: the list, not busy, read whole (a load error shows in it as an alert).
            shown = self.settle(self.results.and_(self.not_busy), present=self.results, whole=True)
            if self.marks_busy is None:
                LIST_MARKS_BUSY[self.page] = self.results.first.get_attribute("aria-busy") is not None
            if self.marks_busy:
                break
            try:
                quiet = wait_until_quiet(
                    self.results.first, quiet_ms=quiet_ms, grace_ms=self.GRACE_MS, watched=watched, requests=requests
                )
            except PlaywrightTimeoutError as error:
                raise self.unknown_page(self.results) from error
            if quiet:
                try:
                    return self.results.first.aria_snapshot()
                except PlaywrightTimeoutError as error:  # gone since it settled: no list the library knows
                    raise self.unknown_page(self.results) from error
            watched = True  # redrawn whole, or a new page: look again, still counting from the same start
        else:
            raise UnknownPageError(
                f"The Customers list at {self.page.url} was redrawn or loaded anew {self.LOOKS} times while waited on"
            )
        return shown

    @property
    def marks_busy(self) -> bool | None:
        """Whether the list says when it is loading (``aria-busy``); None while not known."""
        return LIST_MARKS_BUSY.get(self.page)

    def before_change(self) -> None:
        """Right before a search or page move: a list that never says it is loading is watched for changes,
        and the requests the page sends from now on are noted (its answer on the way).
        """
        if not self.marks_busy:
            watch_list(self.page)
            self.watching = True
            if self.requests is not None:  # a change begun before that never got to be waited on
                self.requests.stop()
            self.requests = ListRequests(self.page, answer_ms=self.ANSWER_MS)

    def answer_awaited(self) -> AbstractContextManager[None]:
        """Around a search's typing or a page move's click: wait after it until the list's answer began (it may turn
        busy a moment later: a debounced search, a router's transition), unless the list never says it is busy."""
        return awaiting_answer(self.results, self.GRACE_MS, watched=self.marks_busy is not False)

    def wait_until_searchable(self) -> Self:
        """Wait until the search box is shown, whether or not the list has loaded yet."""
        self.settle(self.search_box)
        return self.found_ready()

    def page_number(self) -> int:
        """Return the number of the page of results shown (1 for the first)."""
        return self.shown_page

    def customer_link(self, company_name: str) -> Locator:
        """Return the links to customers named ``company_name`` on the page shown: exactly, but for the width of
        its letters, digits and punctuation (``either_width``) and its runs of spaces."""
        return self.customers_named(either_width(company_name))

    def customers_named(self, name: str | re.Pattern[str], *, exact: bool | None = None) -> Locator:
        """Return what opens the customers named ``name`` in the list: their links; buttons so named (a component
        library's link without an address is one); or a cell so named that holds neither (a row opened by a click
        anywhere on it)."""
        # Or one named so and then by its domain (a persona: the name, its domain beneath): "Contoso contoso.cn".
        persona = with_domain(name)
        link = self.table.get_by_role("link", name=name, exact=exact).or_(self.table.get_by_role("link", name=persona))
        button = self.table.get_by_role("button", name=name, exact=exact)
        button = button.or_(self.table.get_by_role("button", name=persona))
        if isinstance(name, re.Pattern) and opened_by_controls(self.shown_list, name):  # the list as just read
            return link.or_(button)
        cell = self.table.get_by_role("cell", name=name, exact=exact)
        bare = cell.or_(self.table.get_by_role("gridcell", name=name, exact=exact)).filter(has_not=self.controls)
        return link.or_(button).or_(bare)

    def company_names(self) -> list[str]:
        """Return the company names on the page shown, in order: each row's first link's words, else its first
        button's (a component library's links without an address); of words on lines of their own, the first (a
        persona: the name, its domain beneath)."""
        self.still_shown(self.results, "Customers list")
        return [name.strip() for name in self.table.evaluate_all(ROW_NAMES)]  # none shown (no table): none

    def check_rows_read(self, company_name: str) -> None:
        """Raise ``UnknownPageError`` when the list shows the customer's link, but holds no table or grid (cards, a
        bulleted list): its rows are read from a table or grid, so "not found" would be a false answer."""
        if self.table.count():  # its rows were read: a link elsewhere ("Recently viewed") is no row
            return
        if self.results.get_by_role("link", name=either_width(company_name)).filter(visible=True).count():
            raise UnknownPageError(
                f"The Customers list at {self.page.url} shows {company_name!r}, but in no table or grid: the library "
                "reads the list's customers from the rows of a table or grid (role table, grid or row)"
            )
