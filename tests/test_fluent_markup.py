"""A deployment drawn with a component library's markup (Fluent UI's, as Microsoft's portals are): Edit in a
command bar or as an icon button named at length, an Edit for each section of the Account page.

The library against pages of its own: no portal.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from fluent_pages import COMBOBOX, COUNTRY, DROPDOWN, KEEPS_ITS_VALUE, REFUSES_THE_STATE, edit_panel, serve_panel
from playwright.sync_api import Page, Route, expect

from flows import submit_changes
from pages import (
    AccountEditPage,
    AccountPage,
    AmbiguousCustomerError,
    CustomerPage,
    CustomersPage,
    DashboardPage,
    ValidationError,
)

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

BILL_TO = (
    "<h2>Bill-to info</h2><dl><dt>Company name</dt><dd>Contoso</dd><dt>First name</dt><dd>Wei</dd><dt>Last name</dt>"
    "<dd>Zhang</dd><dt>Email</dt><dd>wei@contoso.cn</dd><dt>Phone number</dt><dd></dd><dt>Address line 1</dt>"
    "<dd>1 Main</dd><dt>Address line 2</dt><dd></dd><dt>City</dt><dd>Lyon</dd><dt>State/Province</dt><dd></dd>"
    "<dt>Postal code</dt><dd>69001</dd><dt>Country/Region</dt><dd>FR</dd></dl>"
)
FORM = "<h1>{title}</h1><form><label>City <input name=city value=Lyon></label><button>Save</button></form>"


def opens(title: str) -> str:
    """Return an ``onclick`` that replaces the page's main with a form headed ``title``."""
    return f"document.querySelector('main').innerHTML = `{FORM.format(title=title)}`"


@pytest.mark.parametrize(
    "edit",
    [
        '<div role="menubar"><button role="menuitem"><i aria-hidden="true"></i>Edit</button></div>',
        '<button aria-label="Edit bill-to info"><i aria-hidden="true">\ue70f</i></button>',
        '<a role="button" tabindex="0" title="Edit billing information"><svg aria-hidden="true"></svg></a>',
        '<button aria-label="编辑账单信息"><i aria-hidden="true"></i></button>',
    ],
    ids=["command-bar", "icon-named-at-length", "link-titled-at-length", "chinese-at-length"],
)
def test_edit_drawn_as_a_component_library_draws_it_is_offered(page: Page, edit: str) -> None:
    page.set_content(f"<main>{BILL_TO}{edit}</main>")

    assert AccountPage(page).wait_until_ready().can_edit()


def test_a_control_only_beginning_like_edit_is_no_edit(page: Page) -> None:
    page.set_content(f"<main>{BILL_TO}<button>Editor settings</button></main>")

    assert not AccountPage(page).wait_until_ready().can_edit()


def test_an_edit_for_each_section_opens_the_bill_to_info_s(page: Page) -> None:
    # Given an Account page with an Edit for its account info, then one for its Bill-to info
    page.set_content(
        f"<main><section><h2>Customer Account Info</h2><dl><dt>Microsoft ID</dt><dd>1f0e</dd></dl>"
        f'<button onclick="{opens("Edit domain")}">Edit</button></section>'
        f'<section>{BILL_TO}<button onclick="{opens("Edit Bill-to info")}">Edit</button></section></main>'
    )

    # When Edit is selected, then the form opened is the Bill-to info's
    account = AccountPage(page).wait_until_ready()
    assert account.can_edit()
    account.edit()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Bill-to info")


@pytest.mark.parametrize(
    "title",
    [
        '<div class="ms-Card-title"><span>{name}</span></div>',
        "<p><strong>{name}</strong></p>",
        "<legend>{name}</legend>",
    ],
    ids=["card-title", "bold-words", "legend"],
)
def test_sections_titled_by_no_heading_are_read_and_the_bill_to_info_s_edit_opened(page: Page, title: str) -> None:
    # Given an Account page whose sections' titles are no headings (a card's, bold words, a fieldset's legend), tabs
    # named after them above, and an Edit for each section
    tabs = (
        '<div role="tablist"><button role="tab">Customer Account Info</button><button role="tab">Bill-to info</button>'
        "</div>"
    )
    page.set_content(
        f"<main>{tabs}<fieldset>{title.format(name='Customer Account Info')}<dl><dt>Microsoft ID</dt><dd>1f0e</dd>"
        f"<dt>Company name</dt><dd>Contoso Account</dd></dl>"
        f'<button onclick="{opens("Edit domain")}">Edit</button></fieldset>'
        f"<fieldset>{BILL_TO.replace('<h2>Bill-to info</h2>', title.format(name='Bill-to info'))}"
        f'<button onclick="{opens("Edit Bill-to info")}">Edit</button></fieldset></main>'
    )

    # When it is read, then the Bill-to info's values are its section's, not the account info's
    account = AccountPage(page).wait_until_ready()
    profile = account.billing_profile()
    assert (profile.companyName, profile.city, profile.country) == ("Contoso", "Lyon", "FR")

    # When Edit is selected, then the form opened is the Bill-to info's
    account.edit()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Bill-to info")


def grid_list(rows: str, page: str = "") -> Callable[[Route], None]:
    """Serve a Customers list drawn as a grid of ``rows`` (each with {name} and {id}), its search in its main
    (``page``: the page it is in, ``GRID_LIST`` by default)."""

    def serve(route: Route) -> None:
        query = parse_qs(urlsplit(route.request.url).query).get("q", [""])[0]
        names = [(number, name) for number, name in enumerate(NAMES) if name.startswith(query)]
        drawn = "".join(rows.format(name=name, id=number) for number, name in names)
        route.fulfill(content_type="text/html", body=(page or GRID_LIST) % drawn)

    return serve


NAMES = ("Contoso", "Contoso Lyon", "Fabrikam")
GRID_LIST = """<!doctype html><html lang="en"><body><main><h1>Customers</h1>
<form action="/customers"><input type="search" name="q" aria-label="Search by company name or domain"></form>
<div role="grid"><div role="row"><span role="columnheader">Company</span><span role="columnheader">Actions</span></div>
%s</div></main></body></html>"""
GO = "location.assign('/customers/{id}')"


@pytest.mark.parametrize(
    "row",
    [
        f'<div role="row"><span role="gridcell"><button onclick="{GO}">{{name}}</button></span>'
        '<span role="gridcell"><button aria-label="More actions">…</button></span></div>',
        f'<div role="row" tabindex="0" onclick="{GO}"><span role="gridcell">{{name}}</span>'
        '<span role="gridcell">contoso.onmschina.cn</span></div>',
    ],
    ids=["a-link-drawn-as-a-button", "a-row-opened-by-a-click"],
)
def test_a_customer_listed_in_a_grid_as_a_component_library_draws_it_is_found_and_opened(page: Page, row: str) -> None:
    # Given a list whose customers are buttons, or rows opened by a click anywhere on them
    page.route("http://portal.example/**", grid_list(row))
    page.goto("http://portal.example/customers")
    page.set_default_timeout(10_000)

    # When Contoso is searched for, then it is found once (not "Contoso Lyon"), and opens its own page
    listed = CustomersPage(page).wait_until_ready()
    found = listed.search("Contoso").find("Contoso")
    assert found is not None and listed.links_found == 1
    found.click()
    page.wait_for_url("**/customers/0")


def test_a_namesake_in_a_row_opened_by_a_click_beside_a_link_is_still_a_namesake(page: Page) -> None:
    # Given a list where one Contoso is a link and another a row opened by a click anywhere on it
    link = '<div role="row"><span role="gridcell"><a href="/customers/{id}">{name}</a></span></div>'
    clicked = f'<div role="row" tabindex="0" onclick="{GO}"><span role="gridcell">{{name}}</span></div>'
    page.route("http://portal.example/**", grid_list(link + clicked))
    page.goto("http://portal.example/customers")
    page.set_default_timeout(10_000)

    # When the one Contoso is asked for, then both are counted: which one was meant is not known
    listed = CustomersPage(page).wait_until_ready()
    with pytest.raises(AmbiguousCustomerError, match=r"^2 customers are named 'Contoso'"):
        listed.choose("Contoso", only_one=True)


def test_the_company_names_of_a_list_of_buttons_are_read(page: Page) -> None:
    row = '<div role="row"><span role="gridcell"><button>{name}</button></span></div>'
    page.route("http://portal.example/**", grid_list(row))
    page.goto("http://portal.example/customers")

    assert CustomersPage(page).wait_until_ready().company_names() == list(NAMES)


LANGUAGE_PICKER = (
    '<header><select aria-label="Language"><option>English</option><option>中文 (简体)</option></select></header>'
)


@pytest.mark.parametrize(
    ("state", "before"),
    [(DROPDOWN, ""), (DROPDOWN, LANGUAGE_PICKER), (COMBOBOX, "")],
    ids=["a-dropdown", "a-dropdown-beside-a-language-picker", "a-combobox-typed-into"],
)
def test_a_state_drawn_as_a_component_library_s_list_is_picked_and_sent(page: Page, state: str, before: str) -> None:
    # Given an edit panel whose state is a list of the library's own (a page's language picker holding options too)
    sent = serve_panel(page, edit_panel(state, before=before))

    # When a new state is submitted, then the portal is sent that state
    submit_changes(AccountEditPage(page).wait_until_ready(), {"state": "北京市", "city": "北京"})
    assert [(values["state"], values["city"]) for values in sent] == [("北京市", "北京")]


def test_a_field_that_keeps_its_own_value_whatever_is_typed_is_refused_before_submit(page: Page) -> None:
    # Given a panel whose state keeps its value whatever is typed into it
    sent = serve_panel(page, edit_panel(KEEPS_ITS_VALUE))

    # When a new state is submitted, then it is said not taken, and nothing is sent (the old state would have been)
    with pytest.raises(ValidationError) as refused:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"state": "北京市"})
    assert "shows '上海市' after '北京市' was typed twice" in refused.value.field_errors["state"], refused.value
    assert sent == []


def test_a_refusal_said_at_a_component_library_s_list_is_that_field_s(page: Page) -> None:
    # Given a panel whose Save refuses the state, marking its own list invalid with the reason beside it
    serve_panel(page, edit_panel(DROPDOWN, save=REFUSES_THE_STATE))

    # When a new state is submitted, then the refusal is the state field's, in the portal's words
    with pytest.raises(ValidationError) as refused:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"state": "北京市"})
    assert refused.value.field_errors == {"state": "Select a province."}


def test_an_account_page_showing_its_values_in_read_only_text_boxes_named_apart_is_read(page: Page) -> None:
    # Given an Account page whose values are read-only text boxes, each named by a label element apart from it
    shown = {"Company name": "Contoso", "First name": "Wei", "Last name": "Zhang", "Email": "wei@contoso.cn",
             "Phone number": "", "Address line 1": "1 Main", "Address line 2": "", "City": "Lyon",
             "State/Province": "", "Postal code": "69001", "Country/Region": "France"}  # fmt: skip
    boxes = "".join(
        f'<div><div class="ms-Label" id="l{at}">{label}</div><input readonly aria-labelledby="l{at}" value="{value}">'
        "</div>"
        for at, (label, value) in enumerate(shown.items())
    )
    page.set_content(f"<main><h2>Bill-to info</h2>{boxes}</main>")

    # When its Bill-to info is read, then each value is the one its text box holds
    profile = AccountPage(page).wait_until_ready().billing_profile()
    assert (profile.companyName, profile.city, profile.postalCode, profile.country) == (
        "Contoso",
        "Lyon",
        "69001",
        "FR",
    )


def test_an_account_page_under_a_loading_overlay_is_read_once_it_is_gone(page: Page) -> None:
    # Given an Account page under a progress bar laid over the whole window, outside its main content, which shows
    # the last customer's city until its own comes
    page.set_content(
        '<div id="overlay" role="progressbar" aria-label="Loading" style="position:fixed;inset:0"></div>'
        f"<main>{BILL_TO.replace('<dd>Lyon</dd>', '<dd id=city>Paris</dd>')}</main>"
        "<script>setTimeout(() => { document.getElementById('city').textContent = 'Lyon';"
        " document.getElementById('overlay').remove(); }, 500);</script>"
    )

    # When it is read, then the customer's own city is
    assert AccountPage(page).wait_until_ready().billing_profile().city == "Lyon"


@pytest.mark.parametrize("save", ["Save changes", "Save and close", "Enregistrer les modifications", "保存更改"])
def test_a_form_whose_submit_is_named_as_other_portals_name_it_is_submitted(page: Page, save: str) -> None:
    sent = serve_panel(page, edit_panel(DROPDOWN).replace(">Save</button>", f">{save}</button>"))

    submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "北京"})

    assert [values["city"] for values in sent] == ["北京"]


SEARCH = '<main><h1>Home</h1><input type="search" aria-label="Search by company name or domain"></main>'


@pytest.mark.parametrize(
    "menu",
    [
        '<nav aria-label="Main"><button>Home</button><button id="go">Customers</button></nav>',
        '<div role="menubar"><div role="menuitem" tabindex="0">Home</div>'
        '<div role="menuitem" tabindex="0" id="go">Customers</div></div>',
        '<nav aria-label="Main"><a href="#home">Home</a>'
        '<a href="#customers" id="go">Customers <span>12</span></a></nav>',
    ],
    ids=["navigation-of-buttons", "menu-bar", "item-with-a-count-badge"],
)
def test_a_dashboard_menu_of_buttons_or_menu_items_leads_to_customers(page: Page, menu: str) -> None:
    # Given a Dashboard whose menu's items have no address (a single-page portal's), its Customers one noting it
    page.set_content(
        f"{menu}{SEARCH}<script>document.getElementById('go').onclick = () => {{ window.went = 1; }};</script>"
    )

    # When Customers is selected from it, then that item was
    DashboardPage(page).wait_until_ready().customers(wait_for_list=False)
    assert page.evaluate("window.went") == 1


def test_a_customer_menu_of_buttons_leads_to_the_account(page: Page) -> None:
    # Given a customer's page whose menu's items are buttons, Account showing the Account view in place
    page.set_content(
        '<nav aria-label="Contoso"><button>Subscriptions</button>'
        "<button onclick=\"document.getElementById('view').hidden = false\">Account</button></nav>"
        f'<div id="view" hidden><main>{BILL_TO}</main></div>'
    )

    # When Account is selected, then the Account view is read
    assert CustomerPage(page).wait_until_ready().account().billing_profile().city == "Lyon"


def test_a_list_in_a_page_without_a_main_landmark_is_found_and_searched(page: Page) -> None:
    # Given a Customers list in a page that marks no main content (an app's root <div> instead)
    unmarked = GRID_LIST.replace("<main>", '<div class="app-root">').replace("</main>", "</div>")
    row = '<div role="row"><span role="gridcell"><a href="/customers/{id}">{name}</a></span></div>'
    page.route("http://portal.example/**", grid_list(row, unmarked))
    page.goto("http://portal.example/customers")
    page.set_default_timeout(10_000)

    # When Fabrikam is searched for, then it is found
    listed = CustomersPage(page).wait_until_ready()
    assert listed.search("Fabrikam").find("Fabrikam") is not None and listed.company_names() == ["Fabrikam"]


def test_a_kept_form_showing_the_country_as_words_is_read_back_with_it(page: Page) -> None:
    # Given a panel that shows the country (not editable) as words beside its label, and stays after saving
    shown_as_words = '<div><div class="ms-Label">Country/Region</div><div>China</div></div>'
    sent = serve_panel(page, edit_panel(DROPDOWN).replace(COUNTRY, shown_as_words))

    # When a change is submitted, then what it saved is read back, the country with it
    saved = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "北京"})
    assert (saved.city, saved.country) == ("北京", "CN") and len(sent) == 1
