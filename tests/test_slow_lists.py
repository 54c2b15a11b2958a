"""A deployment's list with no aria-busy: slow answers, rows drawn a few at a time, requests elsewhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Route, expect
from test_deployment_lists import ANSWER, SHOWN_FIRST

from pages import CustomersPage, UnknownPageError

pytestmark = pytest.mark.tooling

PORTAL = "http://portal.example/"
# A list as a single-page deployment draws it: rows fetched from its API, no aria-busy, no word of loading;
# each answer drawn CHUNK rows at a time, GAP ms apart (CHUNK 0: at once); Next enabled by the last answer.
# Each load asks /release RELEASE ms later (the portal then answers what it held), and, with BEACON, sends
# telemetry to another site as a search starts.
SLOW_LIST = """<!doctype html><html lang="en"><body><main><h1>Customers</h1>
<input type="search" aria-label="Search by company name or domain">
<table><tbody></tbody></table>
<nav aria-label="Pages"><button id="next">Next</button></nav></main>
<script>
const CHUNK = %(chunk)d, GAP = %(gap)d, RELEASE = %(release)d, BEACON = %(beacon)s;
const rows = document.querySelector("tbody"), next = document.getElementById("next");
let query = "", shown = 1;
const load = async () => {
  const [q, p] = [query, shown];
  if (RELEASE > 0) setTimeout(() => fetch("/release"), RELEASE);
  const answer = await (await fetch(`/api/customers?q=${encodeURIComponent(q)}&page=${p}`)).json();
  rows.innerHTML = "";
  for (const [i, name] of answer.names.entries()) {
    if (i && CHUNK && i %% CHUNK === 0) await new Promise((done) => setTimeout(done, GAP));
    if (q !== query || p !== shown) return;  // a later search or page move draws its own
    rows.insertAdjacentHTML("beforeend", `<tr><td><a href="#">${name}</a></td></tr>`);
  }
  next.disabled = !answer.more;
};
document.querySelector("input").addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  if (BEACON) fetch("http://telemetry.example/collect", { method: "POST", mode: "no-cors" }).catch(() => 0);
  [query, shown] = [event.target.value, 1];
  load();
});
next.onclick = () => { shown += 1; load(); };
load();
</script></body></html>"""


def serve_list(
    pages: dict[str, list[list[str]]], held: set[tuple[str, int]], **page: int | str
) -> Callable[[Route], None]:
    """Serve SLOW_LIST and its API: ``pages[query]`` are the answer's pages; those in ``held`` wait for /release."""
    waiting: list[Route] = []
    options = {"chunk": 0, "gap": 0, "release": 0, "beacon": "false"} | page

    def answer_api(route: Route) -> None:
        asked = parse_qs(urlsplit(route.request.url).query)
        query, number = asked.get("q", [""])[0], int(asked["page"][0])
        found = pages.get(query, [])
        names = found[number - 1] if number <= len(found) else []
        route.fulfill(content_type="application/json", body=json.dumps({"names": names, "more": number < len(found)}))

    def answer(route: Route) -> None:
        url = urlsplit(route.request.url)
        asked = parse_qs(url.query)
        if url.path == "/customers":
            route.fulfill(content_type="text/html", body=SLOW_LIST % options)
        elif url.path == "/release":
            while waiting:
                answer_api(waiting.pop())
            route.fulfill(body="")
        elif url.path == "/api/customers" and (asked.get("q", [""])[0], int(asked["page"][0])) in held:
            waiting.append(route)  # answered at the page's next /release, if any
        elif url.path == "/api/customers":
            answer_api(route)
        else:
            route.fulfill(status=404, body="")

    return answer


def open_list(page: Page, answer: Callable[[Route], None]) -> CustomersPage:
    """Open the served list and wait for its first page, as shown before any search."""
    page.route(f"{PORTAL}**", answer)
    page.set_default_timeout(10_000)
    page.goto(f"{PORTAL}customers")
    expect(page.get_by_role("link", name=SHOWN_FIRST[-1])).to_be_visible()
    return CustomersPage(page).wait_until_ready()


@pytest.mark.parametrize(
    ("held", "wanted"),
    [
        pytest.param(("a", 1), "Contoso", id="slow-search"),
        pytest.param(("a", 2), "Tailspin", id="slow-next-page"),
    ],
)
def test_a_slow_answer_to_a_list_that_shows_no_sign_of_loading_is_awaited(
    page: Page, held: tuple[str, int], wanted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a list with no sign of loading, whose portal answers one request only well after the grace time
    monkeypatch.setattr(CustomersPage, "GRACE_MS", 300)
    pages = {"": [SHOWN_FIRST], "a": [ANSWER, ["Litware", "Tailspin"]]}
    listed = open_list(page, serve_list(pages, {held}, release=2_000))

    # When a customer is looked for after a search, paging if needed
    found = listed.search("a").find(wanted)

    # Then the answer is read once it came, not the list shown before it
    assert found is not None
    assert listed.company_names() == pages["a"][held[1] - 1]


def test_a_request_of_the_list_never_answered_is_named_in_the_error(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a list with no sign of loading whose portal never answers the search
    monkeypatch.setattr(CustomersPage, "ANSWER_MS", 1_000)  # the wait that ends in the error, kept short
    listed = open_list(page, serve_list({"": [SHOWN_FIRST]}, {("Contoso", 1)}))

    # When a search is made
    # Then the error names the request unanswered, rather than the list before it being read as the answer
    with pytest.raises(UnknownPageError, match=r"never finished loading: .* GET http://portal\.example/api/customers"):
        listed.search("Contoso")


def test_a_request_to_another_site_never_answered_does_not_hold_the_list_up(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a list whose search also sends telemetry to another site, which never answers
    monkeypatch.setattr(CustomersPage, "ANSWER_MS", 1_000)  # held up, it would fail here
    page.route("http://telemetry.example/**", lambda route: None)  # never answered
    listed = open_list(page, serve_list({"": [SHOWN_FIRST], "Contoso": [ANSWER]}, set(), beacon="true"))

    # When Contoso is searched for
    found = listed.search("Contoso").find("Contoso")

    # Then the portal's answer is read: two of that name
    assert found is not None and listed.links_found == 2


def test_a_customer_in_rows_drawn_a_few_at_a_time_is_found(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a list with no sign of loading that draws its answer two rows at a time, a while apart (longer than
    # the quiet time, within the grace time), Next left enabled from the list before until the last rows
    monkeypatch.setattr(CustomersPage, "QUIET_MS", 200)
    monkeypatch.setattr(CustomersPage, "GRACE_MS", 2_500)
    answer = ["Contoso", "Contoso Pharma", "Contoso Retail", "Contoso Labs"]
    pages = {"": [SHOWN_FIRST, ["Litware"]], "Contoso": [answer]}
    listed = open_list(page, serve_list(pages, set(), chunk=2, gap=1_200))

    # When the customer of the last rows is looked for
    found = listed.search("Contoso").find("Contoso Labs")

    # Then it is found on the first page, once all its rows are drawn
    assert found is not None and listed.page_number() == 1
    assert listed.company_names() == answer
