"""A deployment's own markup: unnamed menus, a list with no region and no aria-busy, a grid, pages the server draws."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from flows import EditConflictError, edit_account, submit_changes, update_customer_account
from pages import (
    AccountEditPage,
    AccountPage,
    AmbiguousCustomerError,
    CustomerPage,
    CustomersPage,
    DashboardPage,
    PortalError,
    UnknownPageError,
)
from pages.countries import country_code
from pages.strings import UI_STRINGS

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


# A deployment drawn by its server, with none of the bundled portal's names: the menus are unnamed
# navigations, the partner's own Account sits in the top menu beside Customers, the list is a table in main,
# searched in a text box with a placeholder.
TOP_MENU = '<nav><a href="/dashboard">Home</a><a href="/customers">Customers</a><a href="/partner">Account</a></nav>'
CUSTOMER_MENU = '<nav><a href="/customers/1/account">Account</a><a href="/customers/1/users">Users</a></nav>'
ACCOUNT = (
    '<main><h2>Bill-to info</h2><dl><dt>City</dt><dd>Lyon</dd></dl><a href="/customers/1/account/edit">Edit</a></main>'
)
EDIT_FORM = '<main><form><label>City <input name="city" value="Lyon"></label><button>Submit</button></form></main>'
DEPLOYMENT = {
    "/dashboard": "<main><h1>Home</h1></main>",
    "/partner": "<main><h1>Your partner account</h1></main>",
    "/customers/1": f"{CUSTOMER_MENU}<main><h1>Contoso</h1></main>",
    "/customers/1/account": CUSTOMER_MENU + ACCOUNT,
    "/customers/1/account/edit": EDIT_FORM,
}


def serve_deployment(route: Route) -> None:
    """Answer as the deployment: each page under its top menu; the list holds the search's answer."""
    url = urlsplit(route.request.url)
    if url.path == "/customers":
        query = parse_qs(url.query).get("q", [""])[0]
        found = [(1, "Contoso"), (2, "Contoso Pharma")] if query else [(1, "Contoso"), (3, "Fabrikam")]
        rows = "".join(f'<tr><td><a href="/customers/{id_}">{name}</a></td></tr>' for id_, name in found)
        body = SERVER_LIST.replace("<body>", f"<body>{TOP_MENU}") % rows
        body = body.replace('type="search" name="q" aria-label=', 'type="text" name="q" placeholder=')
    else:
        body = f"<!doctype html><html lang='en'><body>{TOP_MENU}{DEPLOYMENT[url.path]}</body></html>"
    route.fulfill(content_type="text/html", body=body)


def test_the_workflow_reaches_the_edit_form_through_a_deployment_s_own_menus_and_list(browser: Browser) -> None:
    # Given a deployment whose menus have no names and whose list has no region and no aria-busy
    context = browser.new_context(base_url="http://portal.example/")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.route("http://portal.example/**", serve_deployment)

        # When the workflow goes Dashboard → Customers → Contoso → Account → Edit
        form = edit_account(page, "Contoso")

        # Then it reaches Contoso's edit form, through the customer's Account (not the partner's)
        assert page.url == "http://portal.example/customers/1/account/edit"
        assert form.submit_button.is_visible()
    finally:
        context.close()


def test_menus_holding_customers_or_account_twice_lead_there(page: Page) -> None:
    # Given menus that hold each link twice: a section's heading and its first item
    page.set_content(
        '<nav><a href="#customers">Customers</a><div><a href="#customers">Customers</a><a href="#">Requests</a></div>'
        '</nav><main><h1>Dashboard</h1><input type="search" aria-label="Search by company name or domain"></main>'
    )
    page.set_default_timeout(5_000)

    # When Customers is selected from the Dashboard menu, then Account from the customer's
    DashboardPage(page).wait_until_ready().customers(wait_for_list=False)
    assert page.url.endswith("#customers")
    page.set_content(
        '<nav><a href="#account">Account</a><div><a href="#account">Account</a></div></nav>'
        "<main><h2>Bill-to info</h2><dl><dt>City</dt><dd>Lyon</dd></dl></main>"
    )
    CustomerPage(page).wait_until_ready().account()

    # Then each is followed, not refused as two links
    assert page.url.endswith("#account")


def test_account_values_shown_in_a_table_of_row_headers_are_read(page: Page) -> None:
    # Given an Account page that shows each value in a table row, after its header (in Chinese)
    rows = {"Microsoft ID": "1f0e-77", "域": "a.partner.onmschina.cn", "公司名称": "Contoso 中国"}
    page.set_content(
        "<main><h2>客户帐户信息</h2><table><thead><tr><th>属性</th><th>值</th></tr></thead>"
        + "".join(f'<tr><th scope="row">{term}</th><td> {value} </td></tr>' for term, value in rows.items())
        + "</table><h2>帐单寄送信息</h2><dl><dt>城市</dt><dd>上海市</dd></dl></main>"
    )

    # When its Customer Account Info is read
    info = AccountPage(page).account_info()

    # Then each value is the one in its header's row
    assert (info.microsoftId, info.domain, info.companyName) == tuple(rows.values())


def test_account_values_shown_in_rows_of_divs_after_their_labels_are_read(page: Page) -> None:
    # Given an Account page drawn by a design system: no terms, no table, each label in a <div> (or a <span> in one)
    # with its value in the element after it, or after its colon; in French, labels marked as forms mark them
    billing = {
        "Nom de la société": "Contoso SARL", "Prénom": "Anne", "Nom": "Roux", "Adresse e-mail": "anne@contoso.fr",
        "Numéro de téléphone": "", "Adresse ligne 1": "1 rue de la Paix", "Adresse ligne 2": "",
        "Ville": "Paris", "État/Province": "", "Code postal": "75002", "Pays/Région": "France",
    }  # fmt: skip
    rows = [f'<div class="row"><div class="label"><span>{label} :</span></div><div class="value">{value}</div></div>'
            for label, value in billing.items() if label != "Ville"]  # fmt: skip
    page.set_content(
        "<main><h2>Informations du compte client</h2><div><p>ID Microsoft : 1f0e-77</p></div>"
        '<h2>Informations de facturation</h2><div class="grid">' + "".join(rows) + "<p>Ville: Paris</p></div></main>"
    )

    # When its Bill-to info is read
    profile = AccountPage(page).billing_profile()

    # Then each value is the one after its label, empty ones included, the country by its code as the API names it
    assert (profile.companyName, profile.firstName, profile.lastName, profile.email) == (
        "Contoso SARL", "Anne", "Roux", "anne@contoso.fr"
    )  # fmt: skip
    assert (profile.addressLine1, profile.city, profile.postalCode, profile.country, profile.phoneNumber) == (
        "1 rue de la Paix", "Paris", "75002", "FR", ""
    )  # fmt: skip


LATE_VALUES = """<script>setTimeout(() => {
  for (const [label, value] of Object.entries(%s)) {
    const field = document.querySelector(`[data-for="${label}"]`);
    if (field.tagName === "INPUT") field.value = value; else field.textContent = value;
  }
}, 300)</script>"""


@pytest.mark.parametrize("markup", ["terms", "form"])
def test_an_account_page_still_filling_its_values_is_waited_for_whatever_else_it_shows(page: Page, markup: str) -> None:
    # Given an Account page whose Bill-to values come a moment after it shows, beside labelled words that are not
    # them: a footer's "Email: ..." after its terms, or each form label's required mark in an element of its own
    values = {"Company name": "Contoso", "First name": "Anne", "Last name": "Roux", "Email": "anne@contoso.fr",
              "Phone number": "", "Address line 1": "1 Main St", "Address line 2": "", "City": "Shanghai",
              "State/Province": "上海市", "Postal code": "200000", "Country/Region": "CN"}  # fmt: skip
    if markup == "terms":
        rows = "".join(f'<dt>{label}</dt><dd data-for="{label}"></dd>' for label in values)
        body = f"<main><h2>Bill-to info</h2><dl>{rows}</dl></main><p>Email: support@21vianet.example</p>"
    else:
        rows = "".join(f'<label for="f{n}"><span>{label}</span><span class="required">*</span></label>'
                       f'<input id="f{n}" data-for="{label}">' for n, label in enumerate(values))  # fmt: skip
        body = f"<main><h2>Bill-to info</h2><form>{rows}</form></main>"
    page.set_content(body + LATE_VALUES % json.dumps(values))

    # When its Bill-to info is read
    profile = AccountPage(page).billing_profile()

    # Then the values read are the ones that came, not blanks taken for a page already loaded
    assert (profile.companyName, profile.email, profile.city) == ("Contoso", "anne@contoso.fr", "Shanghai")


@pytest.mark.parametrize(
    ("shown", "code"),
    [("CN", "CN"), ("cn", "CN"), ("China", "CN"), ("Chine", "CN"), ("中国", "CN"), ("États-Unis", "US"),
     (" united  states ", "US"), ("美国", "US"), ("中國", "CN"), ("中国大陆", "CN"), ("Mainland China", "CN"),
     ("China (CN)", "CN"), ("CN - China", "CN"), ("中国（CN）", "CN"), ("USA", "US"), ("Atlantis", "Atlantis")],
)  # fmt: skip
def test_a_country_shown_by_name_in_any_of_the_three_languages_is_read_as_its_code(shown: str, code: str) -> None:
    assert country_code(shown) == code


def test_a_named_customer_menu_is_used_before_an_unnamed_navigation_holding_account(page: Page) -> None:
    # Given a customer's page whose user menu (unnamed, first) holds the partner's own Account
    page.set_content(
        '<nav><a href="/me/account">Account</a><a href="/sign-out">Sign out</a></nav>'
        '<nav aria-label="Customer menu"><a href="/customers/1/account">Account</a></nav><main><h1>Contoso</h1></main>'
    )

    # When the customer menu's Account is found
    account = CustomerPage(page).wait_until_ready().account_link

    # Then it is the customer's, in the menu named so
    assert account.get_attribute("href") == "/customers/1/account"


def test_a_customer_menu_drawn_as_tabs_opens_the_account(page: Page) -> None:
    # Given a single-page customer's page whose menu is a list of tabs, Account showing its panel in place
    page.set_content(
        '<main><h1>Société Alpha</h1><div role="tablist"><button role="tab" aria-selected="true">Abonnements'
        '</button><button role="tab" id="account" onclick="document.getElementById(\'panel\').hidden = false">'
        'Compte</button></div><section role="tabpanel" id="panel" hidden><h2>Informations de facturation</h2>'
        "<dl><dt>Ville</dt><dd>Lyon</dd></dl></section></main>"
    )

    # When Account is selected from the customer's menu, then its panel is the Account page
    account = CustomerPage(page).wait_until_ready().account()

    assert account.shown_values("billing", ("city",)) == {"city": "Lyon"}


def test_labels_with_a_required_mark_or_a_colon_name_their_fields(page: Page) -> None:
    # Given a form whose labels carry required marks, an error at one of them, terms that end in colons, a meter
    page.set_content(
        "<main><h2>Bill-to info</h2><dl><dt>City:</dt><dd>Lyon</dd><dt>Postal code：</dt><dd>69001</dd></dl>"
        '<label for="m">Profile complete</label><meter id="m" value="0.8"></meter>'
        '<form><label for="c">City *</label><input id="c" value="Lyon">'
        '<label for="p">Postal code*</label><input id="p" aria-invalid="true" aria-describedby="e">'
        '<span id="e">Enter 5 digits.</span><button>Submit</button></form></main>'
    )
    form = AccountEditPage(page)

    # When the city is typed, and the errors and the shown values are read
    form.fill({"city": "Villeurbanne"})

    # Then each label names its field
    assert form.field("city").input_value() == "Villeurbanne"
    assert form.field_errors() == {"postalCode": "Enter 5 digits."}
    assert AccountPage(page).shown_values("billing", ("city", "postalCode")) == {"city": "Lyon", "postalCode": "69001"}


def test_labels_with_the_required_mark_first_name_their_fields(page: Page) -> None:
    # Given a Chinese form that writes the required mark before its labels, as many do
    page.set_content(
        '<main><form><label for="c">* 城市：</label><input id="c" value="上海市">'
        '<label for="p">*邮政编码</label><input id="p" aria-invalid="true" aria-describedby="e">'
        '<span id="e">邮政编码必须为 6 位数字。</span><button>提交</button></form></main>'
    )
    form = AccountEditPage(page)

    # When the city is typed, and the errors read, then each label names its field
    form.fill({"city": "杭州市"})

    assert form.field("city").input_value() == "杭州市"
    assert form.field_errors() == {"postalCode": "邮政编码必须为 6 位数字。"}


def test_a_field_the_form_does_not_show_is_named_in_the_error(page: Page) -> None:
    # Given a form without a postal code
    page.set_content('<main><form><label>City <input name="city"></label><button>Submit</button></form></main>')
    page.set_default_timeout(1_000)  # the wait that ends in the error, kept short

    # When a postal code is typed
    # Then the error names the field and its labels, not only a timeout
    with pytest.raises(PortalError, match=r"no field 'postalCode' .*\(labelled Postal code, Code postal, 邮政编码\)"):
        AccountEditPage(page).fill({"city": "Lyon", "postalCode": "69001"})


# A deployment whose form posts and, saved, answers with the Account page, saying nothing more.
BILLED = {"companyName": "Contoso", "firstName": "Anne", "lastName": "Martin", "email": "anne@contoso.test",
          "phoneNumber": "0102030405", "addressLine1": "1 rue Royale", "addressLine2": "", "city": "Lyon",
          "state": "", "postalCode": "69001"}  # fmt: skip


CONFLICT_WORDS = "Someone else changed this billing profile. Nothing was saved."


def quiet_deployment(
    saved: dict[str, str],
    form_again: bool = False,
    alert_after_ms: int = 0,
    posts: list[str] | None = None,
    submit: str = "<button>Submit</button>",
    draft: dict[str, str] | None = None,
) -> Callable[[Route], None]:
    """Answer as a deployment whose Submit posts the form; saved, it answers with the Account page, no status.

    ``saved`` is what it holds, and what each POST changes (noted in ``posts``); ``form_again``: it answers with
    the form once more, saying nothing either (neither saved nor refused, as far as the page tells), or, given
    ``alert_after_ms``, drawing a conflict's alert so long after. The Account page offers Edit; the form no Cancel,
    its ``submit`` as given, and its fields filled from ``draft`` once shown (a draft of the page's own).
    """

    def answer(route: Route) -> None:
        request, path = route.request, urlsplit(route.request.url).path
        if request.method == "POST":
            (posts if posts is not None else []).append(request.url)
            posted = parse_qs(request.post_data or "").items()
            saved.update({key: values[0] for key, values in posted if key != "country"})  # shown, not editable
        if path.endswith("/edit") and (request.method == "GET" or form_again):
            fields = "".join(
                f'<label>{UI_STRINGS[name][0]} <input name="{name}" value="{value}"></label>'
                for name, value in saved.items()
            )
            late = (
                ""
                if not (alert_after_ms and request.method == "POST")
                else (
                    f"<script>setTimeout(() => document.querySelector('main').insertAdjacentHTML('beforeend', "
                    f"'<p role=alert>{CONFLICT_WORDS}</p>'), {alert_after_ms})</script>"
                )
            )
            fields += '<label>Country/Region <input name="country" value="FR" readonly></label>'
            main = f'<main><h1>Edit Bill-to info</h1><form method="post">{fields}{submit}</form></main>'
            main += late
            for name, value in (draft or {}).items():
                main += f"<script>document.querySelector('[name={name}]').value = {json.dumps(value)}</script>"
        else:
            terms = "".join(f"<dt>{UI_STRINGS[name][0]}</dt><dd>{value}</dd>" for name, value in saved.items())
            edit = f'<a href="{path.rstrip("/")}/edit">Edit</a>'
            main = f"<main><h2>Bill-to info</h2>{edit}<dl>{terms}<dt>Country/Region</dt><dd>FR</dd></dl></main>"
        route.fulfill(content_type="text/html", body=f"<!doctype html><html lang='en'><body>{main}</body></html>")

    return answer


def test_a_save_answered_by_the_account_page_saying_nothing_is_read_there(page: Page) -> None:
    # Given a deployment that, saved, shows the Account page without a word of confirmation
    saved = dict(BILLED)
    page.route("http://portal.example/**", quiet_deployment(saved))
    page.set_default_timeout(5_000)  # a wait for a confirmation that never comes fails here, not 30 s later
    page.goto("http://portal.example/customers/1/account/edit")

    # When the city is changed and submitted
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Villeurbanne"})

    # Then the change is taken as saved, and read back from the Account page shown
    assert saved["city"] == "Villeurbanne"
    assert (profile.city, profile.postalCode, profile.country) == ("Villeurbanne", BILLED["postalCode"], "FR")


def test_the_form_drawn_again_saying_nothing_after_submit_is_not_taken_for_a_save(page: Page) -> None:
    # Given a deployment that answers Submit with the same form again, saying nothing
    page.route("http://portal.example/**", quiet_deployment(dict(BILLED), form_again=True))
    page.set_default_timeout(2_000)  # the wait that ends in the error, kept short
    page.goto("http://portal.example/customers/1/account/edit")

    # When the city is changed and submitted
    # Then whether it was saved is not known: a page without the form is what says the portal went on
    with pytest.raises(UnknownPageError, match="whether anything was saved is not known"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Villeurbanne"})


@pytest.mark.parametrize("submit", ["<button>Submit</button>", '<input type="submit" value="Submit">'],
                         ids=["button", "input"])  # fmt: skip
def test_a_form_shown_again_with_the_typed_values_is_waited_on_for_its_answer_drawn_later(
    page: Page, submit: str
) -> None:
    # Given a deployment that answers Submit with the form again, holding what was typed, and its alert 6 s later
    answer = quiet_deployment(dict(BILLED), form_again=True, alert_after_ms=6_000, submit=submit)
    page.route("http://portal.example/**", answer)
    page.set_default_timeout(10_000)
    page.goto("http://portal.example/customers/1/account/edit")

    # When the city is changed and submitted, the late alert is its answer: not "the form anew, nothing said"
    with pytest.raises(EditConflictError, match="Someone else changed this billing profile"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Villeurbanne"})


def test_changes_a_deployment_already_holds_are_returned_without_submit_or_cancel(browser: Browser) -> None:
    # Given a deployment whose form has no Cancel, holding the city asked for already
    posts: list[str] = []
    context = browser.new_context(base_url="http://portal.example/")
    try:
        page = context.new_page()
        page.route("http://portal.example/**", quiet_deployment(dict(BILLED), posts=posts))
        page.set_default_timeout(5_000)  # a Cancel looked for in vain fails here

        profile = update_customer_account(page, "{5ECB2629-A56D-4A0E-9A3F-2F4F6A0B1C2D}", {"city": BILLED["city"]})

        assert (profile.city, profile.postalCode, posts) == (BILLED["city"], BILLED["postalCode"], [])
    finally:
        context.close()


def test_a_draft_the_form_shows_is_no_reason_to_skip_submit(browser: Browser) -> None:
    # Given a deployment whose form shows a draft of its own (the city asked for) over the stored city
    posts: list[str] = []
    saved = dict(BILLED)
    context = browser.new_context(base_url="http://portal.example/")
    try:
        page = context.new_page()
        page.route("http://portal.example/**", quiet_deployment(saved, posts=posts, draft={"city": "Villeurbanne"}))
        page.set_default_timeout(5_000)

        profile = update_customer_account(page, "5ecb2629-a56d-4a0e-9a3f-2f4f6a0b1c2d", {"city": "Villeurbanne"})

        # Then what the portal stored decides: Submit is sent, and the saved city returned
        assert (len(posts), saved["city"], profile.city) == (1, "Villeurbanne", "Villeurbanne")
    finally:
        context.close()
