"""A deployment's Customers list that searches as it is typed into: its answer begins a moment after the typing."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from pages import CustomersPage
from pages.list_busy import await_answer, watch_answer

pytestmark = pytest.mark.tooling

SHOWN_FIRST = ["Contoso", "Fabrikam", "Northwind"]
# A list marked busy while it loads, in a region named Customers; it searches DEBOUNCE ms after the typing pauses (or
# at once, DEBOUNCE < 0, on Enter), then takes 200 ms to answer; Enter does nothing of its own but for that.
TYPED_LIST = """<!doctype html><html lang="en"><body><main><h1>Customers</h1>
<input type="search" aria-label="Search by company name or domain">
<section aria-label="Customers" aria-busy="false"><div role="grid" aria-label="Customer list"></div></section>
</main>
<script>
const ALL = %(all)s, DEBOUNCE = %(debounce)d;
const region = document.querySelector("section"), grid = document.querySelector("[role=grid]");
const input = document.querySelector("input");
const draw = (rows) => {
  grid.innerHTML = rows.map(name => `<div role="row"><span role="gridcell"><a href="#">${name}</a></span></div>`)
    .join("");
};
const search = () => {
  region.setAttribute("aria-busy", "true");
  const rows = ALL.filter(name => name.toLowerCase().startsWith(input.value.toLowerCase()));
  setTimeout(() => { draw(rows); region.setAttribute("aria-busy", "false"); }, 200);
};
let timer;
const typed = () => { clearTimeout(timer); timer = setTimeout(search, DEBOUNCE); };
if (DEBOUNCE >= 0) input.addEventListener("input", typed);
else input.addEventListener("keydown", (event) => { if (event.key === "Enter") search(); });
draw(ALL);
</script></body></html>"""


@pytest.mark.parametrize(
    "debounce", [pytest.param(300, id="a-300-ms-pause"), pytest.param(600, id="a-600-ms-pause"), -1], ids=str
)
@pytest.mark.parametrize("waited_first", [True, False], ids=["list-waited-on-first", "searched-at-once"])
def test_a_list_searching_a_moment_after_the_typing_is_read_once_its_answer_shows(
    page: Page, debounce: int, waited_first: bool
) -> None:
    # Given a list that says when it loads, searching once the typing pauses (or at once, on Enter: the control)
    page.set_content(TYPED_LIST % {"all": json.dumps(SHOWN_FIRST), "debounce": debounce})
    listed = CustomersPage(page)
    if waited_first:  # as a script that opened the list and waited on it; else searched at once, as the flows do
        assert listed.wait_until_ready().company_names() == SHOWN_FIRST

    # When Fabrikam is searched for
    listed.search("Fab")

    # Then its answer is what is read, not the list shown before it
    assert listed.company_names() == ["Fabrikam"]
    assert listed.find("Contoso") is None


WIDGET_BUSY_AS_TYPED = """<script>document.querySelector("input").addEventListener("input", () => {
  const drafts = document.querySelector("#drafts");
  drafts.setAttribute("aria-busy", "true");
  setTimeout(() => drafts.setAttribute("aria-busy", "false"), 50);
});</script>"""


@pytest.mark.parametrize("app_root", [False, True], ids=["a-region-in-the-page", "the-main-landmark-in-an-app-s-root"])
def test_something_busy_beside_the_list_is_not_taken_for_the_search_s_answer_beginning(
    page: Page, app_root: bool
) -> None:
    # Given a debounced list (600 ms), and a header's widget that turns busy for a moment as anything is typed; the
    # list a region, or the main landmark itself (no region), both in the root element a single-page app draws in
    content = TYPED_LIST % {"all": json.dumps(SHOWN_FIRST), "debounce": 600}
    widget = '<header><div id="drafts" aria-busy="false">Drafts saved</div></header><main>'
    if app_root:
        content = (
            content.replace("<main>", f'<div id="root">{widget}', 1).replace("</main>", "</main></div>", 1)
            .replace('<section aria-label="Customers" aria-busy="false">', "<section>")
            .replace("<main>", '<main aria-busy="false">', 1)
            .replace('document.querySelector("section")', 'document.querySelector("main")')
        )  # fmt: skip
    else:
        content = content.replace("<main>", widget, 1)
    page.set_content(content + WIDGET_BUSY_AS_TYPED)
    listed = CustomersPage(page)
    assert listed.wait_until_ready().company_names() == SHOWN_FIRST

    # When Fabrikam is searched for, then the list's own answer is read, not the list shown before it
    assert listed.search("Fab").company_names() == ["Fabrikam"]


def test_a_row_s_cell_changing_on_its_own_is_not_taken_for_the_search_s_answer_beginning(page: Page) -> None:
    # Given a debounced list (600 ms) whose rows show, beside each customer's link, a time that changes on its own
    page.set_content(
        TYPED_LIST % {"all": json.dumps(SHOWN_FIRST), "debounce": 600}
        + """<script>let tick = 0; setInterval(() => { tick++;
          for (const row of document.querySelectorAll("[role=row]")) {
            const cell = row.querySelector(".seen") || row.appendChild(document.createElement("span"));
            cell.className = "seen"; cell.setAttribute("role", "gridcell"); cell.textContent = `seen ${tick} s ago`;
          }
        }, 50);</script>"""
    )
    listed = CustomersPage(page)
    assert listed.wait_until_ready().company_names() == SHOWN_FIRST

    # When Fabrikam is searched for, then the list's answer is read, not the list shown before it
    assert listed.search("Fab").company_names() == ["Fabrikam"]


def test_a_list_inside_a_shadow_root_is_read_once_its_search_s_answer_shows(page: Page) -> None:
    # Given the debounced list (300 ms) drawn inside a component's shadow root, the search box outside it
    content = TYPED_LIST % {"all": json.dumps(SHOWN_FIRST), "debounce": 300}
    section = content[content.index("<section") : content.index("</section>") + len("</section>")]
    host = '<customer-list></customer-list><script>const shadow = document.querySelector("customer-list")' + (
        f".attachShadow({{mode: 'open'}}); shadow.innerHTML = {json.dumps(section)};</script>"
    )
    page.set_content(
        content.replace(section, host).replace('document.querySelector("section")', 'shadow.querySelector("section")')
        .replace('document.querySelector("[role=grid]")', 'shadow.querySelector("[role=grid]")')
    )  # fmt: skip
    listed = CustomersPage(page)
    assert listed.wait_until_ready().company_names() == SHOWN_FIRST

    # When Fabrikam is searched for, then its answer is what is read
    assert listed.search("Fab").company_names() == ["Fabrikam"]


def test_a_list_filtering_in_the_browser_without_turning_busy_answers_at_once(page: Page) -> None:
    # Given a list marked not busy that filters its rows as it is typed into, never turning busy
    page.set_content(
        (TYPED_LIST % {"all": json.dumps(SHOWN_FIRST), "debounce": 0}).replace(
            "const search = () => {", "const search = () => { draw(ALL.filter(name => name.startsWith(input.value)));"
            " return;"
        ).replace("setTimeout(search, DEBOUNCE)", "search()")
    )  # fmt: skip
    listed = CustomersPage(page).wait_until_ready()
    assert listed.company_names() == SHOWN_FIRST

    # When a search is typed, then its answer is seen to have begun (its rows changed), no grace waited out
    watch_answer(listed.results)
    page.get_by_role("searchbox").fill("Fab")
    assert await_answer(listed.results, grace_ms=100)
    assert listed.search("North").company_names() == ["Northwind"]


def test_a_search_box_inside_a_list_never_saying_it_is_busy_is_not_taken_for_its_answer(page: Page) -> None:
    # Given a list that never says it is busy, its search box inside it (DevExtreme's data grid), whose wrapper's
    # class changes as soon as it is typed into; the list searches 700 ms after the typing pauses
    page.set_content(
        """<main><h1>Customers</h1><div class="dx-texteditor dx-texteditor-empty">
        <input type="text" aria-label="Search in the data grid"></div><table><tbody></tbody></table></main><script>
        const ALL = ["Contoso", "Fabrikam", "Litware"], input = document.querySelector("input");
        const draw = (typed) => { document.querySelector("tbody").innerHTML = ALL.filter(name => name.toLowerCase()
          .includes(typed.toLowerCase())).map(name => `<tr><td><a href="#">${name}</a></td></tr>`).join(""); };
        let timer;
        input.addEventListener("input", () => {
          document.querySelector(".dx-texteditor").classList.toggle("dx-texteditor-empty", !input.value);
          clearTimeout(timer);
          timer = setTimeout(() => draw(input.value), 700);
        });
        draw("");
        </script>"""
    )
    listed = CustomersPage(page)
    assert listed.wait_until_ready().company_names() == ["Contoso", "Fabrikam", "Litware"]

    # When Litware is searched for, then the list's answer is read, not the list as the typing changed it
    assert listed.search("Lit").company_names() == ["Litware"]
