"""A deployment's Customers list that searches as it is typed into: its answer begins a moment after the typing."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from pages import CustomersPage

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
