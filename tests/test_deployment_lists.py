"""A deployment's own Customers list: a grid with no region and no aria-busy, placeholders, Load more, pages the
server draws."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from pages import (
    AmbiguousCustomerError,
    CustomersPage,
    UnknownPageError,
)

pytestmark = pytest.mark.tooling

SHOWN_FIRST = ["Contoso", "Fabrikam", "Loading Docks"]  # the list before any search: one Contoso; a name, not words
ANSWER = ["Contoso", "Contoso", "Contoso Pharma"]  # the search's answer: two of that name
ROWS = """rows => rows.map(name => `<div role="row"><span role="gridcell"><a href="#">${name}</a></span></div>`)
  .join("")"""
# A single-page list as a deployment may draw it: a grid in the main landmark, no region, no aria-busy;
# a clock ticking outside the list; the answer drawn DELAY ms after Enter, LOADING meanwhile.
UNMARKED_LIST = """<!doctype html><html lang="en"><body>
<header>Time: <span id="clock">0</span></header>
<main><h1>Customers</h1>
<input type="search" aria-label="Search by company name or domain">
<div role="grid" aria-label="Customer list"></div>
<nav aria-label="Pages"><button id="next">Next</button></nav>
</main>
<script>
const PAGES = %(pages)s, DELAY = %(delay)d, LOADING = "%(loading)s", draw = %(rows)s;
const grid = document.querySelector("[role=grid]"), next = document.getElementById("next");
let shown = 0;
const show = (rows) => {
  grid.innerHTML = draw(rows);
  next.disabled = shown >= PAGES.length - 1;
  document.querySelector("main [role=progressbar]")?.remove();
};
setInterval(() => { document.getElementById("clock").textContent = Date.now(); }, 40);
const load = (rows) => {
  if (LOADING === "text") grid.textContent = "Loading…";
  const bar = '<div role="progressbar" aria-label="Loading">…</div>';
  if (LOADING === "progressbar") grid.insertAdjacentHTML("afterend", bar);
  if (DELAY >= 0) setTimeout(() => show(rows), DELAY);
};
document.querySelector("input").addEventListener("keydown", (event) => {
  if (event.key === "Enter") { shown = 1; load(PAGES[1]); }
});
next.onclick = () => { shown += 1; load(PAGES[shown]); };
show(PAGES[0]);
</script></body></html>"""


def unmarked_list(pages: list[list[str]], *, delay: int, loading: str) -> str:
    """The stub list: ``pages[0]`` before a search, ``pages[1]`` its answer, later pages after Next."""
    return UNMARKED_LIST % {"pages": json.dumps(pages), "delay": delay, "loading": loading, "rows": ROWS}


@pytest.mark.parametrize(
    ("loading", "delay"),
    [
        pytest.param("text", 900, id="rows-replaced-by-loading-words-longer-than-the-quiet-time"),
        pytest.param("progressbar", 900, id="progressbar-longer-than-the-quiet-time"),
        pytest.param("none", 100, id="nothing-shown-until-a-quick-answer"),
        pytest.param("none", 900, id="nothing-shown-until-an-answer-slower-than-the-quiet-time"),
    ],
)
def test_a_list_without_aria_busy_is_read_once_the_search_s_answer_shows(
    page: Page, loading: str, delay: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a deployment's list that never says it is loading, showing one Contoso before the search
    monkeypatch.setattr(CustomersPage, "GRACE_MS", 5_000)  # every answer here changes the list: well within
    page.set_content(unmarked_list([SHOWN_FIRST, ANSWER], delay=delay, loading=loading))
    page.set_default_timeout(10_000)
    listed = CustomersPage(page).wait_until_ready()
    assert listed.company_names() == SHOWN_FIRST

    # When Contoso is searched for
    found = listed.search("Contoso").find("Contoso")

    # Then the answer is what is read, not the list shown before it: two of that name
    assert found is not None and listed.links_found == 2
    assert listed.company_names() == ANSWER


def test_a_list_without_aria_busy_answering_with_the_list_shown_is_read_all_the_same(page: Page) -> None:
    # Given a deployment's list whose search changes nothing on the page (its answer is the list shown)
    page.set_content(unmarked_list([SHOWN_FIRST, SHOWN_FIRST], delay=-1, loading="none"))
    page.set_default_timeout(10_000)

    # When Fabrikam is searched for
    listed = CustomersPage(page)
    found = listed.search("Fabrikam").find("Fabrikam")

    # Then it is found there, once
    assert found is not None and listed.links_found == 1


@pytest.mark.parametrize(
    "next_button",
    ['<button id="next">Next</button>', '<button id="next" aria-label="Page suivante"><svg></svg></button>'],
    ids=["words", "an-icon-named-page-suivante"],
)
def test_a_list_without_aria_busy_pages_to_a_later_customer(page: Page, next_button: str) -> None:
    # Given a deployment's list of three pages, each drawn a while after Next (in words, or an icon named so)
    pages = [SHOWN_FIRST, ["Adatum", "Contoso"], ["Litware", "Tailspin"]]
    shown = unmarked_list(pages, delay=150, loading="text").replace('<button id="next">Next</button>', next_button)
    page.set_content(shown)
    page.set_default_timeout(10_000)

    # When a customer on the last page is looked for after a search
    listed = CustomersPage(page)
    found = listed.search("a").find("Tailspin")

    # Then Next is followed to it, each page read once drawn
    assert found is not None and listed.page_number() == 2
    assert listed.company_names() == ["Litware", "Tailspin"]


def test_a_list_without_aria_busy_that_stays_busy_is_said_never_to_finish_loading(page: Page) -> None:
    # Given a deployment's list whose answer never comes: a progress bar stays
    page.set_content(unmarked_list([SHOWN_FIRST, ANSWER], delay=-1, loading="progressbar"))
    page.set_default_timeout(3_000)  # the wait that ends in the error, kept short
    listed = CustomersPage(page).wait_until_ready()

    # When a search is made
    # Then the error says the list shows but never finished loading
    with pytest.raises(UnknownPageError, match="never finished loading"):
        listed.search("Contoso")


# A list that shows two customers at a time and appends the next two with Load more (no Next), drawn 100 ms after.
LOAD_MORE_LIST = """<!doctype html><html lang="en"><body><main><h1>Customers</h1>
<input type="search" aria-label="Search by company name or domain">
<div role="grid" aria-label="Customer list"></div><button id="more">%(more)s</button></main>
<script>
const ALL = %(names)s, grid = document.querySelector("[role=grid]"), more = document.getElementById("more");
let shown = 2, typed = "";
const draw = () => {
  const found = ALL.filter((name) => name.toLowerCase().startsWith(typed.toLowerCase()));
  grid.innerHTML = found.slice(0, shown)
    .map((name) => `<div role="row"><span role="gridcell"><a href="#">${name}</a></span></div>`).join("");
  more.hidden = shown >= found.length;
};
document.querySelector("input").addEventListener("keydown", (event) => {
  if (event.key === "Enter") { typed = event.target.value; shown = 2; setTimeout(draw, 100); }
});
more.onclick = () => { shown += 2; setTimeout(draw, 100); };
draw();
</script></body></html>"""


@pytest.mark.parametrize("more", ["Load more", "Afficher plus"])
def test_a_customer_in_rows_a_list_appends_with_load_more_is_found(page: Page, more: str) -> None:
    # Given a deployment's list that has no Next but appends its next customers with Load more
    names = ["Adatum", "Contoso", "Fabrikam", "Litware", "Tailspin"]
    page.set_content(LOAD_MORE_LIST % {"names": json.dumps(names), "more": more})
    page.set_default_timeout(10_000)

    # When a customer among the last rows is looked for after a search
    listed = CustomersPage(page)
    found = listed.search("").find("Tailspin")

    # Then more rows are loaded until it shows, the rows before it kept
    assert found is not None and listed.company_names() == names


def test_a_name_shown_again_in_rows_appended_by_load_more_is_ambiguous(page: Page) -> None:
    # Given a deployment's list with Load more, two customers named Contoso: one shown first, one appended later
    names = ["Contoso", "Contoso Pharma", "Fabrikam", "Litware", "Contoso"]
    page.set_content(LOAD_MORE_LIST % {"names": json.dumps(names), "more": "Load more"})
    page.set_default_timeout(10_000)

    # When Contoso is chosen as the only one of its name
    # Then both are counted, the second found among the rows Load more appended
    with pytest.raises(AmbiguousCustomerError, match="2 customers are named 'Contoso'"):
        CustomersPage(page).choose("Contoso", only_one=True)


def test_a_show_more_button_outside_the_list_is_no_page_of_it(page: Page) -> None:
    # Given a list of all its customers (no Next, no Load more of its own) under a header offering "Show more"
    shown_more = LOAD_MORE_LIST.replace("<body>", '<body><header><button onclick="this.remove()">Show more</button>')
    page.set_content(shown_more % {"names": json.dumps(["Adatum", "Contoso"]), "more": "Load more"})
    page.set_default_timeout(10_000)

    # When a customer it does not list is looked for
    # Then it is not found: the header's button is left alone
    assert CustomersPage(page).search("").find("Tailspin") is None
    expect(page.get_by_role("button", name="Show more")).to_be_visible()


PLACEHOLDER_ROWS = {
    "textless-rows": '<div role="row"><span role="gridcell"><span class="bar"></span></span></div>',
    "shimmer": '<div class="ms-Shimmer-container"><div class="ms-Shimmer-shimmerWrapper"></div></div>',
    # A picture that says, by its name alone, that the rows are loading: a spinner, no words in the row
    "spinner-picture": '<div role="row"><span role="gridcell"><img alt="Loading…" src="data:,"'
    ' style="width:16px;height:16px"></span></div>',
    "spinner-icon": '<div role="row"><span role="gridcell"><i class="icon" aria-label="Chargement des clients…"'
    ' style="display:inline-block;width:16px;height:16px"></i></span></div>',
}
# A list drawn as Fluent UI's shimmered list draws it: its grid first holds placeholders (rows without words, or
# shimmers outside any row), no aria-busy, no progress bar, no words; the customers come 1.2 s later.
PLACEHOLDER_LIST = """<!doctype html><html lang="en"><body><main><h1>Customers</h1>
<input type="search" aria-label="Search by company name or domain">
<div role="grid" aria-label="Customer list"><div role="row"><span role="columnheader">Company name</span></div>
<div id="rows">%(placeholders)s</div></div></main>
<script>
setTimeout(() => {
  document.getElementById("rows").innerHTML = %(names)s
    .map((name) => `<div role="row"><span role="gridcell"><a href="#">${name}</a></span></div>`).join("");
}, 1200);
</script></body></html>"""


@pytest.mark.parametrize("placeholder", PLACEHOLDER_ROWS)
def test_a_list_showing_placeholders_until_its_customers_come_is_read_once_they_have(
    page: Page, placeholder: str
) -> None:
    # Given a deployment's list that shows placeholders, longer than the quiet time, before its customers
    page.set_content(
        PLACEHOLDER_LIST % {"placeholders": PLACEHOLDER_ROWS[placeholder] * 5, "names": json.dumps(SHOWN_FIRST)}
    )
    page.set_default_timeout(10_000)

    # When the list is read
    listed = CustomersPage(page).wait_until_ready()

    # Then the customers that came are read, not the placeholders taken for an empty list
    assert listed.company_names() == SHOWN_FIRST
    assert listed.find("Fabrikam") is not None


# Rows as a deployment may draw them once loaded, no aria-busy anywhere: each cell kept in Fluent UI's Shimmer
# (``isDataLoaded``: its container and data wrapper stay, around the words), or, for a search that found nothing, one
# row showing a picture that says so.
LOADED_ROWS = {
    "shimmer-kept-around-its-data": (
        SHOWN_FIRST,
        '<div role="row"><span role="gridcell"><div class="ms-Shimmer-container" aria-busy="false">'
        '<div class="ms-Shimmer-dataWrapper"><a href="#">%s</a></div></div></span></div>',
    ),
    "empty-state-picture": (
        [],
        '<div role="row"><span role="gridcell"><img alt="No customers match" src="data:,"'
        ' style="width:40px;height:40px">%s</span></div>',
    ),
}


@pytest.mark.parametrize("drawn", LOADED_ROWS)
def test_rows_that_hold_no_placeholder_are_read_at_once(page: Page, drawn: str) -> None:
    # Given a list of customers that came, or of none, its rows drawn so
    names, row = LOADED_ROWS[drawn]
    rows = "".join(row % name for name in names) if names else row % ""
    page.set_content(PLACEHOLDER_LIST.split("<script>")[0] % {"placeholders": rows})  # drawn so for good
    page.set_default_timeout(5_000)  # the wait that would end in "never finished loading", kept short

    # When the list is read, and a customer looked for
    listed = CustomersPage(page).wait_until_ready()

    # Then what it shows is read, not taken for placeholders until the timeout
    assert listed.company_names() == names
    assert (listed.find("Fabrikam") is not None) == bool(names)


SERVER_LIST = """<!doctype html><html lang="en"><body><main><h1>Customers</h1>
<form action="/customers"><input type="search" name="q" aria-label="Search by company name or domain"></form>
<table><tbody>%s</tbody></table></main></body></html>"""


def server_list(route: Route) -> None:
    """Answer /customers with the list the server draws: the search's answer, or the first list."""
    query = parse_qs(urlsplit(route.request.url).query).get("q", [""])[0]
    names = [name for name in ANSWER if name.startswith(query)] if query else SHOWN_FIRST
    rows = "".join(f'<tr><td><a href="#">{name}</a></td></tr>' for name in names)
    route.fulfill(content_type="text/html", body=SERVER_LIST % rows)


def test_a_list_the_server_draws_on_each_search_is_read_from_the_new_page(page: Page) -> None:
    # Given a deployment whose search loads a new page holding the answer (no script at all)
    page.route("http://portal.example/**", server_list)
    page.goto("http://portal.example/customers")
    page.set_default_timeout(10_000)

    # When Contoso is searched for
    listed = CustomersPage(page).wait_until_ready()
    found = listed.search("Contoso").find("Contoso")

    # Then the new page's answer is read: two of that name
    assert found is not None and listed.links_found == 2
    assert page.url.endswith("?q=Contoso")


def test_a_list_whose_search_loads_a_new_page_a_while_later_is_read_from_that_page(page: Page) -> None:
    # Given a deployment whose search goes to the answer's page only a while after Enter, the wait begun
    page.route("http://portal.example/**", server_list)
    page.goto("http://portal.example/customers")
    page.evaluate("""() => document.querySelector("input").addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      setTimeout(() => location.assign("/customers?q=" + encodeURIComponent(event.target.value)), 300);
    })""")
    page.set_default_timeout(10_000)

    # When Contoso is searched for
    listed = CustomersPage(page).wait_until_ready()
    found = listed.search("Contoso").find("Contoso")

    # Then the new page's answer is read, not the list before it
    assert found is not None and listed.links_found == 2
    assert page.url.endswith("?q=Contoso")


def server_list_empty_without_table(route: Route) -> None:
    """Answer /customers as ``server_list``, but a search that finds nothing with words alone: no table at all."""
    if parse_qs(urlsplit(route.request.url).query).get("q", [""])[0].startswith("Northwind"):
        words = "<p>Aucun client ne correspond à votre recherche.</p>"  # French, as the user's language may be
        body = SERVER_LIST.replace('lang="en"', 'lang="fr"').replace("<table><tbody>%s</tbody></table>", words)
        route.fulfill(content_type="text/html; charset=utf-8", body=body)
    else:
        server_list(route)


def test_a_search_answered_by_no_results_words_without_a_table_finds_no_customer_at_once(page: Page) -> None:
    # Given a deployment whose page for a search that finds nothing says so, and draws no table
    page.route("http://portal.example/**", server_list_empty_without_table)
    page.goto("http://portal.example/customers")
    page.set_default_timeout(10_000)
    listed = CustomersPage(page).wait_until_ready()

    # When a customer it does not have is looked for, then it is not there: its words are the list's answer (a table
    # waited for would end in the timeout)
    assert listed.choose("Northwind") is None
    expect(listed.no_results).to_be_visible()


def test_a_list_whose_table_goes_for_words_the_library_does_not_know_is_an_unknown_page(page: Page) -> None:
    # Given a single-page list whose search replaces its table by words no language table has
    page.set_content(
        '<main><h1>Customers</h1><input type="search" aria-label="Search by company name or domain">'
        '<div id="list"><table><tr><td><a href="#">Fabrikam</a></td></tr></table></div></main><script>'
        "document.querySelector('input').addEventListener('keydown', (event) => { if (event.key === 'Enter') "
        "setTimeout(() => { document.getElementById('list').innerHTML = '<p>Nothing here.</p>'; }, 200); });</script>"
    )
    page.set_default_timeout(3_000)  # the wait that ends in the error, kept short
    listed = CustomersPage(page).wait_until_ready()

    # When a customer is looked for, then the library says the list is not one it knows, not Playwright's timeout
    with pytest.raises(UnknownPageError, match="Waiting for the CustomersPage"):
        listed.choose("Contoso")
