"""A deployment's Customers list with no pager, drawing its rows as it is scrolled: infinite scroll, a virtualised
grid (as Fluent UI's DetailsList draws Partner Center's)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from flows import AmbiguousCustomerError, CustomerNotFoundError, open_customer
from pages import CustomersPage, PortalError, UnknownPageError

pytestmark = pytest.mark.tooling

TOP_MENU = '<nav><a href="/dashboard">Home</a><a href="/customers">Customers</a></nav>'
SEARCH = '<input type="search" aria-label="Search by company name or domain">'
# Appends the next ten customers 100 ms after its last row scrolls into view (the region busy meanwhile), in a box
# that shows eight; no pager, no Load more. A search (Enter) draws the first ten again, as the list's answer.
INFINITE_LIST = """<main><h1>Customers</h1>%(search)s
<section role="region" aria-label="Customers" aria-busy="false">
<div id="box" style="height:240px;overflow:auto"><table><tbody></tbody>%(tail)s</table></div></section></main>
<script>
const ALL = %(names)s, region = document.querySelector("section"), tbody = document.querySelector("tbody");
const box = document.getElementById("box");
let shown = 0, asked = 0;
const seen = new IntersectionObserver((entries) => {
  if (entries.some((entry) => entry.isIntersecting) && shown < ALL.length) more();
}, { root: box });
const more = () => {
  const ask = ++asked;  // a search drops the rows asked before it
  region.setAttribute("aria-busy", "true");
  setTimeout(() => {
    if (ask !== asked) return;
    tbody.insertAdjacentHTML("beforeend", ALL.slice(shown, shown + 10).map((name, i) =>
      `<tr style="height:30px"><td><a href="/customers/${shown + i + 1}">${name}</a></td></tr>`).join(""));
    shown = Math.min(ALL.length, shown + 10);
    seen.disconnect();
    seen.observe(tbody.lastElementChild);
    region.setAttribute("aria-busy", "false");
  }, 100);
};
document.querySelector("input").addEventListener("keydown", (event) => {
  if (event.key === "Enter") { tbody.innerHTML = ""; shown = 0; more(); }
});
more();
</script>"""
# Draws only the rows in view (and ``before`` and ``after`` more either side) of a grid that says how many rows it
# holds, its header among them: rows scrolled away are dropped, each drawn row numbered by aria-rowindex; no aria-busy.
# ``STUCK``: it never draws past its first rows, however far it is scrolled.
VIRTUAL_GRID = """<main><h1>Customers</h1>%(search)s
<div role="grid" aria-label="Customer list" aria-rowcount="%(told)d">
<div role="row" aria-rowindex="1"><span role="columnheader">Company name</span></div>
<div id="box" style="height:300px;overflow:auto"><div id="rows" style="position:relative;height:%(height)dpx"></div>
</div></div></main>
<script>
const ALL = %(names)s, STUCK = %(stuck)s, H = 30, box = document.getElementById("box");
const draw = () => {
  const top = STUCK ? 0 : Math.floor(box.scrollTop / H), from = Math.max(0, top - %(before)d);
  document.getElementById("rows").innerHTML = ALL.slice(from, top + 10 + %(after)d).map((name, i) =>
    `<div role="row" aria-rowindex="${from + i + 2}" style="position:absolute;top:${(from + i) * H}px;height:${H}px">`
    + `<span role="gridcell"><a href="/customers/${from + i + 1}">${name}</a></span></div>`).join("");
};
box.addEventListener("scroll", () => requestAnimationFrame(draw));
document.querySelector("input").addEventListener("keydown", (event) => {
  if (event.key === "Enter") { box.scrollTop = 0; setTimeout(draw, 50); }
});
draw();
</script>"""
# Draws the next rows as the last scrolls into view up to 20, then offers Load more for the rest (a list's ``offer``).
OFFER_LOAD_MORE = """const offer = () => {
  if (shown < 20) return more();
  if (document.getElementById("more")) return;
  region.insertAdjacentHTML("beforeend", '<button id="more">Load more</button>');
  document.getElementById("more").onclick = (event) => { if (shown + 10 >= ALL.length) event.target.remove(); more(); };
};"""
# Counts the scroll events of the page and of every box in it (they do not bubble: caught on their way down).
SCROLLS_COUNTED = "window.scrolls = 0; document.addEventListener('scroll', () => window.scrolls++, true)"
NAMES = [f"Contoso {n:03}" for n in range(1, 101)]  # a search for any of them answers them all (by its first word)


def infinite_list(names: list[str], *, tail: str = "") -> str:
    return INFINITE_LIST % {"search": SEARCH, "names": json.dumps(names), "tail": tail}


def virtual_grid(names: list[str], *, stuck: bool = False, before: int = 2, after: int = 2) -> str:
    told = len(names) + 1
    return VIRTUAL_GRID % {
        "before": before,
        "after": after,
        "search": SEARCH,
        "names": json.dumps(names),
        "told": told,
        "height": 30 * len(names),
        "stuck": json.dumps(stuck),
    }


def deployment(customers: str) -> Callable[[Route], None]:
    """Answer as a deployment whose Customers list is ``customers``; each customer's page has the customer menu."""

    def answer(route: Route) -> None:
        path = urlsplit(route.request.url).path
        if path == "/customers":
            main = customers
        elif path.startswith("/customers/"):
            menu = f'<nav aria-label="Customer menu"><a href="{path}/account">Account</a></nav>'
            main = f"{menu}<main><h1>Customer {path.rsplit('/', 1)[1]}</h1></main>"
        else:
            main = "<main><h1>Home</h1></main>"
        route.fulfill(
            content_type="text/html", body=f"<!doctype html><html lang='en'><body>{TOP_MENU}{main}</body></html>"
        )

    return answer


@pytest.fixture
def portal_page(browser: Browser) -> Iterator[Page]:
    """A page of a deployment at http://portal.example/, answered by the test's ``deployment``."""
    context = browser.new_context(base_url="http://portal.example/")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
    finally:
        context.close()


def test_a_customer_below_the_rows_an_infinitely_scrolled_list_draws_is_found_and_opened(portal_page: Page) -> None:
    # Given a list of 40 customers that draws ten and appends ten more each time its last row scrolls into view
    portal_page.route("http://portal.example/**", deployment(infinite_list(NAMES[:40])))

    # When the 35th is opened by its name
    customer = open_customer(portal_page, "Contoso 035")

    # Then the list was scrolled until it showed, to its end to be sure it is the only one, and it opened
    assert portal_page.url == "http://portal.example/customers/35"
    expect(customer.account_link).to_be_visible()


def test_a_namesake_whose_row_reads_as_the_customer_s_further_down_a_scrolled_list_makes_it_ambiguous(
    portal_page: Page,
) -> None:
    # Given a list drawn ten rows at a time as it is scrolled, two of its rows alike in every word, ten rows apart
    names = [*NAMES[:44], "Contoso 035", *NAMES[44:50]]
    portal_page.route("http://portal.example/**", deployment(infinite_list(names)))

    # When the customer of that name is opened
    # Then the list is said to hold it twice, not the first opened
    with pytest.raises(AmbiguousCustomerError, match=r"^2 customers are named"):
        open_customer(portal_page, "Contoso 035")


# Marks the list busy for good once it is scrolled back up: a list that never settles where the customer's row was.
BUSY_ONCE_SCROLLED_BACK = """<script>
let lowest = 0;
box.addEventListener("scroll", () => {
  if (box.scrollTop < lowest - 5) region.setAttribute("aria-busy", "true");
  lowest = Math.max(lowest, box.scrollTop);
});
</script>"""


def test_a_list_still_busy_once_scrolled_back_to_the_customer_is_said_not_a_bare_timeout(portal_page: Page) -> None:
    # Given a list drawn as it is scrolled, which stays busy once scrolled back to the customer's row after its end
    portal_page.set_default_timeout(3_000)
    portal_page.route("http://portal.example/**", deployment(infinite_list(NAMES[:40]) + BUSY_ONCE_SCROLLED_BACK))

    # When the customer is opened, then the list is said never to have finished loading
    with pytest.raises(UnknownPageError, match="it shows, but it never finished loading"):
        open_customer(portal_page, "Contoso 035")


def test_a_customer_in_a_virtualised_grid_is_found_though_rows_are_dropped_as_it_scrolls(portal_page: Page) -> None:
    # Given a grid that says it holds 100 customers and a header, drawing only the dozen or so in view
    portal_page.route("http://portal.example/**", deployment(virtual_grid(NAMES)))

    # When the 87th is opened by its name (the rows after it read too, the first no longer drawn by then)
    open_customer(portal_page, "Contoso 087")

    # Then it is found where the grid draws it, and opened
    assert portal_page.url == "http://portal.example/customers/87"


def test_a_list_whose_last_row_is_hidden_is_scrolled_by_the_last_row_it_shows(portal_page: Page) -> None:
    # Given a list drawn ten rows at a time as it is scrolled, below them a row it shows only while it loads
    tail = "<tbody><tr hidden><td>Loading…</td></tr></tbody>"
    portal_page.route("http://portal.example/**", deployment(infinite_list(NAMES[:40], tail=tail)))

    # When the 35th is opened by its name
    open_customer(portal_page, "Contoso 035")

    # Then it was found by scrolling its last shown row, not taken for the end of a list ending in view
    assert portal_page.url == "http://portal.example/customers/35"


def test_a_virtualised_grid_drawing_just_the_rows_that_fill_its_view_is_scrolled(portal_page: Page) -> None:
    # Given a grid of 100 customers whose box shows ten rows, and which draws those ten only, its last at its edge
    portal_page.route("http://portal.example/**", deployment(virtual_grid(NAMES, before=0, after=0)))

    # When the 87th is opened by its name
    open_customer(portal_page, "Contoso 087")

    # Then it is found below the first ten, its box not yet at its bottom though its last row drawn is in view
    assert portal_page.url == "http://portal.example/customers/87"


def test_a_load_more_shown_at_the_end_of_a_scrolled_list_is_selected(portal_page: Page) -> None:
    # Given a list drawn ten rows at a time as it is scrolled up to 20, whose end then offers Load more for the rest
    markup = infinite_list(NAMES[:40]).replace("shown < ALL.length) more();", "shown < ALL.length) offer();")
    markup = markup.replace("</script>", OFFER_LOAD_MORE + "</script>")
    portal_page.route("http://portal.example/**", deployment(markup))

    # When the 35th is opened by its name
    open_customer(portal_page, "Contoso 035")

    # Then Load more was selected once scrolling brought nothing more, and it opened
    assert portal_page.url == "http://portal.example/customers/35"


def test_a_customer_near_a_grid_s_end_is_opened_where_it_was_drawn_once_its_namesakes_are_counted(
    portal_page: Page,
) -> None:
    # Given a grid of 97 customers drawing the ten rows in view and three below, its 87th in view with its last rows
    portal_page.route("http://portal.example/**", deployment(virtual_grid(NAMES[:97], before=0, after=3)))

    # When the 87th is opened by its name (the grid scrolled to its end, where the 87th is no longer drawn)
    open_customer(portal_page, "Contoso 087")

    # Then the grid was scrolled back to it, and it opened
    assert portal_page.url == "http://portal.example/customers/87"


def test_a_scrolled_list_opened_again_is_read_anew(portal_page: Page) -> None:
    # Given a list drawn ten rows at a time as it is scrolled, scrolled to its 25th customer
    portal_page.route("http://portal.example/**", deployment(infinite_list(NAMES[:40])))
    customers = CustomersPage(portal_page).open()
    customers.find("Contoso 025")

    # When it is opened again, and a customer below its first rows is looked for
    found = customers.open().find("Contoso 035")

    # Then it is found: the rows read before were not taken for this list's
    assert found is not None
    expect(found).to_have_text("Contoso 035")


def test_a_customer_absent_from_an_infinitely_scrolled_list_is_not_found_once_its_end_is_read(
    portal_page: Page,
) -> None:
    # Given a list of 40 customers drawn ten at a time as it is scrolled, none named as asked
    portal_page.route("http://portal.example/**", deployment(infinite_list(NAMES[:40])))

    # When a customer it does not hold is opened
    with pytest.raises(CustomerNotFoundError):
        open_customer(portal_page, "Contoso 041")

    # Then it is said not found only once all 40 rows have been drawn
    expect(portal_page.get_by_role("row")).to_have_count(40)


def test_a_grid_that_tells_more_rows_than_it_ever_draws_is_a_portal_error_not_a_hang(portal_page: Page) -> None:
    # Given a grid that says it holds 100 customers and a header, but draws the first dozen however it is scrolled
    portal_page.route("http://portal.example/**", deployment(virtual_grid(NAMES, stuck=True)))

    # When a customer beyond them is opened
    # Then the list is said to hold rows it never draws, not "not found" (nor the page's timeout, 10 s)
    with pytest.raises(PortalError, match=r"says it holds 101 rows \(aria-rowcount\) but drew 1[0-9]"):
        CustomersPage(portal_page).open().search("Contoso 087").find("Contoso 087")


@pytest.mark.parametrize("page_scrolls", [False, True], ids=["short-page", "long-page"])
def test_a_list_without_a_pager_whose_rows_all_show_is_not_scrolled(page: Page, page_scrolls: bool) -> None:
    # Given a list of three customers, all drawn and in view, no pager; below it, on a long page, more of the page
    below = '<footer style="height:3000px">Contact us</footer>' if page_scrolls else ""
    page.set_content(infinite_list(NAMES[:3]) + below)
    page.evaluate(SCROLLS_COUNTED)
    listed = CustomersPage(page).wait_until_ready()

    # When a customer it does not hold is looked for
    found = listed.find("Contoso 004")

    # Then it is not found, and nothing was scrolled: its last row in view is its end, nothing more to wait for
    assert found is None
    assert page.evaluate("window.scrolls") == 0
