"""The Customers page: its list searched and paged, a customer found and opened, Add customer."""

from __future__ import annotations

import logging

from playwright.sync_api import Locator
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .account import AddCustomerPage
from .addresses import screen_addresses
from .customer import CustomerPage
from .customer_list import CustomerList
from .errors import AmbiguousCustomerError, NotAllowedError, PortalError
from .list_controls import either_width, numbered_page
from .list_scroll import ScrolledList
from .watch import highlight

log = logging.getLogger("flows")


class CustomersPage(CustomerList):
    """The Customers page: the list (``CustomerList``) searched and paged, a customer found and opened, Add customer."""

    ENABLE_WAIT_MS = 2_000  # how long Next or Previous shown disabled may take to be enabled before it is a refusal

    def open(self) -> CustomersPage:
        """Go to the Customers list and wait for its first page."""
        self.goto(screen_addresses().customers)
        self.new_list()
        return self.wait_until_ready()

    def search(self, text: str) -> CustomersPage:
        """Search by the start of a company name or domain name; wait for the first page of results."""
        self.still_shown(self.search_box, "Customers list")
        self.before_change()  # before typing: a list may search as it is typed, a moment after it (debounced)
        with self.answer_awaited():  # not busy at once after Enter is then the old list
            highlight(self.search_box).fill(text)
            self.select(self.search_box, "the search", key="Enter")
        self.new_list()
        return self.wait_until_ready()

    def next_page(self) -> CustomersPage:
        """Show the next page of results; raise ``PortalError`` when Next shows the same list again.

        (A Next that never ends the list would keep a search for a customer paging forever.)
        """
        self.still_shown(self.results, "Customers list")
        if self.by_number_alone(self.next_button, self.shown_page + 1):
            return self
        self.check_enabled(self.enabled_next, self.next_button, "Next")
        return self.show_customers_after(self.enabled_next.first, "Next", pages=1)

    def previous_page(self) -> CustomersPage:
        """Show the previous page of results."""
        self.still_shown(self.results, "Customers list")
        if self.by_number_alone(self.previous_button, self.shown_page - 1):
            return self
        self.check_enabled(self.enabled_previous, self.previous_button, "Previous")
        self.before_change()
        with self.answer_awaited():
            self.select(self.enabled_previous.first, "Previous")
        self.shown_page -= 1
        return self.wait_until_ready()

    def by_number_alone(self, control: Locator, number: int) -> bool:
        """Where the pager has no ``control`` (Next, Previous) but page ``number``'s own (a pager of numbers alone),
        show that page and say so; else nothing, False."""
        numbered = numbered_page(self.page, number)
        if number < 1 or control.count() or not numbered.count():
            return False
        self.show_customers_after(numbered.first, f"page {number}", pages=number - self.shown_page)
        return True

    def load_more(self) -> CustomersPage:
        """Append the list's next rows to those shown ("Load more", where the list has no Next); raise
        ``PortalError`` when it then shows the same customers again."""
        self.still_shown(self.results, "Customers list")
        return self.show_customers_after(self.load_more_button.first, "Load more")

    def show_customers_after(self, control: Locator, what: str, *, pages: int = 0) -> CustomersPage:
        """Select ``control`` (Next, Load more, a page's number: ``pages`` on, or back) and wait for the list's answer;
        raise ``PortalError`` when it shows the same customers again (a Next that never ends the list would keep a
        search paging forever)."""
        if not self.showed_more_after(control, what, pages=pages):
            raise PortalError(f"The Customers list showed the same customers again after {what} at {self.page.url}")
        return self

    def showed_more_after(self, control: Locator, what: str, *, pages: int = 0) -> bool:
        """Select ``control`` as ``show_customers_after`` does; False when the list then shows the same customers
        again, the page not moved (a Next never disabled, at the list's end)."""
        before = self.shown_list
        self.before_change()
        with self.answer_awaited():  # no sign: the same customers again, or an answer that gives none
            self.select(control, what)
        self.wait_until_ready()
        if before is not None and self.shown_list == before:
            return False
        self.shown_page += pages
        return True

    def next_step(self) -> Locator | None:
        """Return what shows the list's next customers: Next, Load more (where the list has no Next), the next
        page's number (a pager of numbers alone), or ``unpaged`` (no pager at all: scrolling); None when there is
        none (the last page, or all rows shown)."""
        if self.scrolled is not None and not self.scrolled.ended:  # no pager came with this search's answer
            return self.unpaged
        numbered = numbered_page(self.page, self.shown_page + 1)
        # One look, the list's table not looked for again (it is shown): most searches end here.
        if not self.enabled_next.or_(self.load_more_button).or_(numbered).or_(self.pagerless).count():
            return None
        if self.enabled_next.count():
            return self.enabled_next
        if self.load_more_button.count():
            return self.load_more_button
        if self.by_numbers or not self.unpaged.count():  # asked at a search's first page move only
            if not (self.by_numbers or numbered.count()):
                return None  # no pager, and no table: a search answered in words alone
            self.by_numbers = True
            return numbered
        return self.unpaged

    def take_step(self, step: Locator) -> bool:
        """Select ``step`` (as ``next_step`` returned it) and wait for the customers it shows; False when it shows
        none (a list scrolled to its end), or the same again (a pager that never says it has reached the end)."""
        if step is self.unpaged:
            return self.scroll_on()
        if step is self.load_more_button:
            control, what, pages = step.first, "Load more", 0
        else:
            control, what, pages = step.first, "Next" if step is self.enabled_next else f"page {self.shown_page + 1}", 1
        if self.showed_more_after(control, what, pages=pages):
            return True
        log.warning("The Customers list showed the same customers again after %s at %s: its end", what, self.page.url)
        return False

    def show_more(self) -> bool:
        """Show the list's next customers (``next_step``); False, showing nothing, when it offers none."""
        step = self.next_step()
        if step is self.unpaged:
            if self.take_step(step):
                return True
            step = self.next_step()  # scrolled to its end, which may show a pager (Load more)
            if step is self.unpaged:
                return False
        return step is not None and self.take_step(step)

    def scroll_on(self, *, keep_place: bool = False) -> bool:
        """Scroll a list without a pager on (``pages.list_scroll``); False at its end.

        Raises ``PortalError`` when it tells more rows (``aria-rowcount``) than it ever draws.
        """
        try:
            return self.scrolling().scroll_on(keep_place=keep_place)
        except PlaywrightTimeoutError as error:  # still busy or changing: no list the library knows
            raise self.unknown_page(self.results) from error

    def scrolling(self) -> ScrolledList:
        """Return the rows read as the list was scrolled since the last search (a new record at its first scroll)."""
        if self.scrolled is None:
            self.scrolled = ScrolledList(
                self.results, self.table, quiet_ms=self.QUIET_MS, grace_ms=self.GRACE_MS, answer_ms=self.ANSWER_MS
            )
        return self.scrolled

    def back_to_page(self, number: int) -> None:
        """Show page ``number`` again, before the one shown: by Previous, else by its number."""
        numbered = numbered_page(self.page, number)
        if self.enabled_previous.count() or not numbered.count():
            while self.shown_page > number:
                self.previous_page()
            return
        self.show_customers_after(numbered.first, f"page {number}", pages=number - self.shown_page)

    def check_enabled(self, enabled: Locator, control: Locator, what: str) -> None:
        """Raise when the pager shows ``control`` only disabled, still so after ``ENABLE_WAIT_MS`` (a pager may
        enable it a moment after the list shows): the list says there is no page that way."""
        if enabled.count() or not control.count():
            return
        try:
            enabled.first.wait_for(timeout=self.ENABLE_WAIT_MS)
        except PlaywrightTimeoutError:
            raise PortalError(
                f"{what} is shown but disabled on page {self.shown_page} of the Customers list at {self.page.url}: "
                f"the list says there is no page that way"
            ) from None

    def find(self, company_name: str) -> Locator | None:
        """Page forward from the page shown (or load more rows, where the list has Load more instead of Next) until
        the customer's link appears; None if it never does.

        Returns the first such link of that page, one written exactly so if there is one (the name's other width is
        found too: ``customer_link``); ``links_found`` says how many the page has. A list
        without ``aria-busy`` may still be drawing rows a few at a time: a page that lacks the customer
        is looked at again once it has been unchanged for ``GRACE_MS``, before Next or None.
        """
        looked_again = bool(self.marks_busy)  # a list that says when it loads holds all its rows once not busy
        while True:
            link = self.customer_link(company_name)
            self.links_found = link.count()
            if self.links_found > 1:  # its namesakes too, perhaps: one written as asked first
                exact = self.customers_named(company_name, exact=True)
                return exact.first if exact.count() else link.first
            if self.links_found > 0:
                return link.first
            if not looked_again:
                self.watching = True  # still the watch begun before the search or page move
                self.wait_until_ready(quiet_ms=self.GRACE_MS)
                looked_again = True
                continue
            if not self.show_more():  # the last page, or all rows loaded
                self.check_rows_read(company_name)
                return None
            looked_again = bool(self.marks_busy) or self.scrolled is not None  # a scroll waited for its rows

    def namesakes_after(self, company_name: str) -> int:
        """Count the links named ``company_name`` on the pages after the one shown; none found, go back to it.

        Where the list has Load more instead of Next, those in the rows it appends: the rows shown stay shown.
        """
        step, found = self.next_step(), 0
        if step is self.unpaged:  # rows read as scrolled to the end, a virtualised grid's dropped ones too
            kept = self.scroll_on(keep_place=True)
            while kept and self.scroll_on():
                pass
            found = max(0, self.scrolling().named(either_width(company_name)) - self.links_found)
            step = self.next_step()  # what the list's end shows (Load more), if anything
            if step is None or step is self.unpaged:
                if not found and self.scrolling().left_place:
                    try:
                        self.scrolling().scroll_back()  # where the customer's row was drawn
                    except PlaywrightTimeoutError as error:  # still busy or changing, as ``scroll_on`` says
                        raise self.unknown_page(self.results) from error
                return found
        if step is self.load_more_button:
            shown_before = self.customer_link(company_name).count()
            while self.load_more_button.count() and self.take_step(self.load_more_button):
                pass
            return found + self.customer_link(company_name).count() - shown_before
        shown = self.shown_page
        while step is not None and self.take_step(step):  # by Next, or by the pages' numbers, to the list's end
            found += self.customer_link(company_name).count()
            step = self.next_step()
        if not found and self.shown_page > shown:
            self.back_to_page(shown)
        return found

    def add_customer(self) -> AddCustomerPage:
        """Select Add customer; raise ``NotAllowedError`` when it is not offered (the role may not add customers)."""
        self.still_shown(self.results.or_(self.search_box), "Customers list")
        if self.add_customer_link.count() == 0:  # drawn with the list, or never: no wait for a link never offered
            raise NotAllowedError(message="the signed-in user may not add customers: the list offers no Add customer")
        self.select(self.add_customer_link, "Add customer")
        return AddCustomerPage(self.page).wait_until_ready()

    def choose(self, company_name: str, *, only_one: bool = False) -> CustomerPage | None:
        """Search for the customer and open it, paging if needed; None when it is not in the list.

        Company names need not be unique: ``only_one=True`` raises ``AmbiguousCustomerError`` when the
        list shows the name more than once, on one page or across pages, instead of opening the first. A name is
        found in either width of its letters, digits and punctuation (U+FF08 for "("), as the portal's search
        finds it: two customers whose names differ only so are two of that name.
        """
        link = self.search(company_name).find(company_name)
        if link is None:
            return None
        if only_one:
            found = self.links_found + self.namesakes_after(company_name)
            if found > 1:
                raise AmbiguousCustomerError(company_name, found)
        self.select(link, f"the customer {company_name!r}")
        return CustomerPage(self.page).wait_until_ready()
