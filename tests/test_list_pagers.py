"""The Customers list's pagers as a deployment may draw them: none, above and below, links, a Next never disabled."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages import CustomersPage, PortalError

pytestmark = pytest.mark.tooling


def test_a_list_without_a_pager_ends_the_search_on_its_one_page(page: Page) -> None:
    # Given a list of one page that shows no pager at all (a deployment's markup), without the customer
    page.set_content(
        '<section role="region" aria-label="Customers"><table><tr><td><a href="/c/1">Fabrikam</a></td></tr>'
        "</table></section>"
    )
    page.set_default_timeout(2_000)  # a wait for the missing Next would end in a timeout, not None

    # When the customer is looked for
    # Then the answer is "not in the list", and a listed one is found
    assert CustomersPage(page).find("Contoso") is None
    assert CustomersPage(page).find("Fabrikam") is not None


def test_a_list_with_a_pager_above_and_below_ends_the_search_on_its_last_page(page: Page) -> None:
    # Given a list of one page whose pager shows above and below it (a deployment's markup), Next disabled
    pager = '<nav aria-label="Pages"><button disabled>Previous</button><button disabled>Next</button></nav>'
    page.set_content(
        f'{pager}<section role="region" aria-label="Customers"><table><tr><td><a href="/c/1">Fabrikam</a></td></tr>'
        f"</table></section>{pager}"
    )
    page.set_default_timeout(2_000)

    # When a customer it does not list is looked for
    # Then the answer is "not in the list" (two Next buttons are no strict-mode error)
    assert CustomersPage(page).find("Contoso") is None


# A list that pages in place (``PAGES``, one list of names per page), with a pager above and below it
# whose Next is enabled while ``STUCK`` or a later page exists.
PAGED_LIST = """<!doctype html><html lang="en"><body>{pager}
<section role="region" aria-label="Customers" aria-busy="false"><table><tbody></tbody></table></section>{pager}
<script>
const PAGES = {pages}, STUCK = {stuck};
let shown = 0;
const draw = () => {{
  const rows = PAGES[shown].map(name => `<tr><td><a href="#">${{name}}</a></td></tr>`);
  document.querySelector("tbody").innerHTML = rows.join("");
  document.querySelectorAll(".next").forEach(next => next.disabled = !STUCK && shown === PAGES.length - 1);
  document.querySelectorAll(".previous").forEach(previous => previous.disabled = shown === 0);
}};
const move = (by) => {{
  const region = document.querySelector("section");
  region.setAttribute("aria-busy", "true");
  setTimeout(() => {{
    shown = Math.min(PAGES.length - 1, shown + by);
    draw();
    region.setAttribute("aria-busy", "false");
  }}, 20);
}};
document.querySelectorAll(".next").forEach(next => next.onclick = () => move(1));
document.querySelectorAll(".previous").forEach(previous => previous.onclick = () => move(-1));
draw();
</script></body></html>"""
PAGER = '<nav aria-label="Pages"><button class="previous">Previous</button><button class="next">Next</button></nav>'


def paged_list(pages: list[list[str]], *, stuck: bool = False) -> str:
    return PAGED_LIST.format(pager=PAGER, pages=pages, stuck=str(stuck).lower())


def test_a_list_with_two_pagers_pages_forward_and_back(page: Page) -> None:
    # Given a list of two pages whose pager shows above and below it
    page.set_content(paged_list([["Fabrikam", "Contoso"], ["Contoso", "Northwind"]]))
    page.set_default_timeout(5_000)
    listed = CustomersPage(page)

    # When a name on the second page is looked for, and a name on both pages is chosen as the only one
    found = listed.find("Northwind")
    # Then the second page shows it; and the name on both pages is found twice
    assert found is not None and listed.page_number() == 2
    listed.previous_page()
    assert listed.page_number() == 1
    assert listed.links_found == 1 and listed.namesakes_after("Contoso") == 1


def test_a_pager_of_links_pages_too_and_a_customer_named_next_is_not_taken_for_it(page: Page) -> None:
    # Given a list of two pages whose pager is made of links (a deployment's markup), a customer named "Next"
    links = (
        '<nav aria-label="Pages"><a href="#" class="previous" role="link">Previous</a>'
        '<a href="#" class="next" role="link">Next</a></nav>'
    )
    markup = paged_list([["Next", "Fabrikam"], ["Northwind"]]).replace(PAGER, links)
    # A link has no disabled property: it says so with aria-disabled.
    markup = markup.replace(".disabled = ", ".ariaDisabled = ")
    page.set_content(markup)
    page.set_default_timeout(5_000)
    listed = CustomersPage(page)

    # When a name on the second page is looked for
    # Then the pager's Next shows it (not the customer named Next), and the list ends there
    assert listed.find("Northwind") is not None and listed.page_number() == 2
    assert listed.find("Contoso") is None


def test_a_next_never_disabled_at_the_list_s_end_ends_the_search_there_not_in_an_endless_one(page: Page) -> None:
    # Given a list of two pages whose Next stays enabled on the last, showing the same customers again
    page.set_content(paged_list([["Fabrikam", "Contoso"], ["Contoso", "Northwind"]], stuck=True))
    page.set_default_timeout(5_000)
    listed = CustomersPage(page)

    # When customers are looked for, then one on no page is not in the list, once its last page is shown; one on
    # both pages is counted once on the pages after the first, not again at the end; one on the last page is found
    assert listed.find("Litware") is None and listed.page_number() == 2
    listed.previous_page()
    assert listed.find("Contoso") is not None and listed.namesakes_after("Contoso") == 1
    assert listed.find("Northwind") is not None and listed.page_number() == 2

    # And Next asked for by name there says it showed the same customers again
    with pytest.raises(PortalError, match="showed the same customers again after Next"):
        listed.next_page()


# A list paged by its pages' numbers alone (no Next, no Previous): links named as a deployment may name them, the page
# shown marked aria-current. ``NUMBERED`` draws them; clicking one shows that page in place.
NUMBERED = """<!doctype html><html lang="{lang}"><body><nav aria-label="Pages"></nav>
<section role="region" aria-label="{customers}" aria-busy="false"><table><tbody></tbody></table></section>
<script>
const PAGES = {pages}, NAME = (n) => {name};
const show = (n) => {{
  const rows = PAGES[n - 1].map(c => `<tr><td><a href="#">${{c}}</a></td></tr>`);
  document.querySelector("tbody").innerHTML = rows.join("");
  document.querySelector("nav").innerHTML = PAGES.map((_, i) =>
    `<a href="#" data-page="${{i + 1}}"${{i + 1 === n ? ' aria-current="page"' : ""}}>${{NAME(i + 1)}}</a>`).join(" ");
  document.querySelectorAll("nav a").forEach(a => a.onclick = () => {{ show(Number(a.dataset.page)); return false; }});
}};
show(1);
</script></body></html>"""


@pytest.mark.parametrize(
    ("lang", "customers", "name"),
    [("en", "Customers", "`${n}`"), ("en", "Customers", "`Page ${n}`"), ("zh-CN", "客户", "`第${n}页`")],
    ids=["numbers", "page-n", "chinese"],
)
def test_a_pager_of_page_numbers_alone_pages_forward_and_back(page: Page, lang: str, customers: str, name: str) -> None:
    # Given a list of twelve pages paged only by their numbers, its customers on the second, the tenth and the twelfth
    pages = [[f"Fabrikam {n}"] for n in range(1, 13)]
    pages[1].append("Contoso")
    pages[9].append("Northwind")
    pages[11].append("Northwind")
    page.set_content(NUMBERED.format(lang=lang, customers=customers, pages=pages, name=name))
    page.set_default_timeout(5_000)
    listed = CustomersPage(page)

    # When a customer on the second page is looked for, Then that page shows it; no other of its name on the pages
    # after it, the list is back on the second page
    assert listed.find("Contoso") is not None and listed.page_number() == 2
    assert listed.namesakes_after("Contoso") == 0
    assert listed.page_number() == 2 and page.locator("nav a[aria-current]").get_attribute("data-page") == "2"
    # ... and one on the tenth page is found there, the other of its name counted on the twelfth
    assert listed.find("Northwind") is not None and listed.page_number() == 10
    assert listed.namesakes_after("Northwind") == 1
    # ... and a customer on no page is not in the list, once its last page is shown
    assert listed.find("Litware") is None and listed.page_number() == 12


def test_next_and_previous_asked_for_by_name_page_by_the_numbers_of_a_pager_without_them(page: Page) -> None:
    # Given a list of three pages paged only by their numbers ("Page 2")
    pages = [["Contoso"], ["Fabrikam"], ["Northwind"]]
    page.set_content(NUMBERED.format(lang="en", customers="Customers", pages=pages, name="`Page ${n}`"))
    listed = CustomersPage(page).wait_until_ready()

    # When Next is asked for twice, then Previous, then each shows the page after or before it
    assert listed.next_page().company_names() == ["Fabrikam"]
    assert listed.next_page().company_names() == ["Northwind"] and listed.page_number() == 3
    assert listed.previous_page().company_names() == ["Fabrikam"] and listed.page_number() == 2


# Pagers as component libraries draw them by default: Material UI's icon buttons named "Go to next page"; Ant Design's
# items named by their titles alone ("Next Page", its button an icon named "right"; its pages' numbers links without
# an address; its jump of five pages, "Next 5 Pages", titled with a number too), disabled by class and attribute.
MUI_PAGER = (
    '<div class="MuiTablePagination-actions"><button class="previous" aria-label="Go to previous page"><svg></svg>'
    '</button><button class="next" aria-label="Go to next page"><svg></svg></button></div>'
    '<script>document.querySelector(".next").onclick = () => move(1);'
    'document.querySelector(".previous").onclick = () => move(-1); draw();</script>'
)
ANTD_PAGER = """<ul class="ant-pagination"></ul><script>
const item = (title, to, inner, off) => `<li title="${title}" aria-disabled="${off}"`
  + ` class="ant-pagination-item${off ? " ant-pagination-disabled" : ""}" onclick="${off ? "" : `move(${to})`}">`
  + `${inner}</li>`;
const icon = (name, off) => `<button type="button" tabindex="-1"${off ? " disabled" : ""}>`
  + `<span role="img" aria-label="${name}"><svg aria-hidden="true"></svg></span></button>`;
const drawPager = () => { const last = PAGES.length - 1; document.querySelector("ul.ant-pagination").innerHTML =
  item("Previous Page", -1, icon("left", shown === 0), shown === 0)
  + PAGES.map((_, i) => item(`${i + 1}`, i - shown, `<a rel="nofollow">${i + 1}</a>`, false)).join("")
  + item("Next 5 Pages", 5, "•••", false) + item("Next Page", 1, icon("right", shown === last), shown === last); };
new MutationObserver(drawPager).observe(document.querySelector("tbody"), {childList: true});
drawPager();
</script>"""


# Another list's pager, hidden (an inactive tab's), drawn before the list's own.
HIDDEN_PAGER = (
    '<div hidden><ul><li title="Previous Page">‹</li><li title="2">2</li><li title="Next Page">›</li></ul></div>'
)


@pytest.mark.parametrize(
    "pager",
    [MUI_PAGER, ANTD_PAGER, HIDDEN_PAGER + ANTD_PAGER],
    ids=["material-ui", "ant-design", "ant-design-after-a-hidden-one"],
)
def test_component_libraries_pagers_page_forward_and_back(page: Page, pager: str) -> None:
    # Given a list of three pages under a component library's pager, a customer on the second
    content = PAGED_LIST.format(pager="", pages=[["Contoso"], ["Fabrikam", "Northwind"], ["Litware"]], stuck="false")
    page.set_content(content + pager)  # its items drawn with each page's rows
    listed = CustomersPage(page)

    # When a customer on the second page is looked for, then it is found there
    assert listed.find("Northwind") is not None and listed.page_number() == 2
    # ... and Next and Previous asked for by name show the pages after and before it
    assert listed.next_page().company_names() == ["Litware"]
    assert listed.previous_page().previous_page().company_names() == ["Contoso"] and listed.page_number() == 1
    # ... and a customer on no page is not in the list, once its last page is shown
    assert listed.find("Tailspin") is None and listed.page_number() == 3


# Items titled as a pager's are, outside the main landmark: a header's unread count, a guided tour's steps.
HEADER_ITEMS = (
    '<header><ul><li title="2" onclick="window.header = true">2</li></ul>'
    '<ul><li title="Previous Page" onclick="window.header = true">‹</li>'
    '<li title="Next Page" onclick="window.header = true">›</li></ul></header>'
)


def test_items_titled_as_a_pager_s_outside_the_main_landmark_are_not_taken_for_the_list_s_pager(page: Page) -> None:
    # Given a list of three pages under Ant Design's pager in the main landmark, after a header's items titled alike
    content = PAGED_LIST.format(pager="", pages=[["Contoso"], ["Fabrikam", "Northwind"], ["Litware"]], stuck="false")
    page.set_content(HEADER_ITEMS + content.replace("<section ", "<main><section ") + ANTD_PAGER)
    listed = CustomersPage(page)

    # When a customer on the second page is looked for, then it is found there, by the list's pager
    assert listed.find("Northwind") is not None and listed.page_number() == 2
    # ... and Next and Previous asked for by name are the list's, never the header's
    assert listed.next_page().company_names() == ["Litware"]
    assert listed.previous_page().company_names() == ["Fabrikam", "Northwind"]
    assert page.evaluate("window.header") is None, "a header's item was clicked for the list's pager"


def test_a_list_turning_busy_a_moment_after_next_is_read_once_it_shows_the_next_page(page: Page) -> None:
    # Given a list of two pages whose Next starts its answer 100 ms after the click (a router's transition)
    page.set_content(paged_list([["Contoso", "Fabrikam"], ["Northwind", "Contoso"]]).replace(
        ".onclick = () => move(1)", ".onclick = () => setTimeout(() => move(1), 100)"
    ))  # fmt: skip
    page.set_default_timeout(5_000)
    listed = CustomersPage(page)

    # When a customer on the second page is looked for, then it is found there, not taken for absent
    assert listed.find("Northwind") is not None and listed.page_number() == 2


def test_a_list_turning_busy_a_moment_after_previous_is_read_once_it_shows_the_previous_page(page: Page) -> None:
    # Given a list of two pages whose Previous starts its answer 100 ms after the click (a router's transition)
    page.set_content(paged_list([["Contoso", "Fabrikam"], ["Northwind", "Litware"]]).replace(
        ".onclick = () => move(-1)", ".onclick = () => setTimeout(() => move(-1), 100)"
    ))  # fmt: skip
    listed = CustomersPage(page).wait_until_ready()
    assert listed.next_page().company_names() == ["Northwind", "Litware"]

    # When the previous page is asked for, then the first page is what is read
    assert listed.previous_page().company_names() == ["Contoso", "Fabrikam"]
    assert listed.page_number() == 1
