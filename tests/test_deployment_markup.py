"""A deployment's own markup: unnamed menus, tabs, Account values in tables or rows, labels with marks, forms that
answer in their own way."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route
from test_deployment_lists import SERVER_LIST

import pages.form
from flows import EditConflictError, edit_account, submit_changes, update_customer_account
from pages import (
    AccountEditPage,
    AccountPage,
    CustomerPage,
    DashboardPage,
    PortalError,
    UnknownPageError,
)
from pages.countries import country_code
from pages.strings import UI_STRINGS

pytestmark = pytest.mark.tooling

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
    assert (profile.addressLine1, profile.city, profile.postalCode, profile.country) == (
        "1 rue de la Paix", "Paris", "75002", "FR"
    )  # fmt: skip
    assert (profile.phoneNumber, profile.addressLine2, profile.state) == ("", "", ""), profile  # not the next label


def test_account_values_beside_svg_drawings_are_read(page: Page) -> None:
    # Given an Account page drawn in rows of <div>s, the customer's initials in an SVG after its heading, and an icon
    # (an SVG) after a label: SVG elements have no innerText
    billing = {
        "Company name": "Contoso", "First name": "Anne", "Last name": "Roux", "Email": "anne@contoso.fr",
        "Phone number": "", "Address line 1": "1 rue de la Paix", "Address line 2": "", "City": "Lyon",
        "State/Province": "", "Postal code": "69001", "Country/Region": "France",
    }  # fmt: skip
    rows = "".join(f"<div><div>{label}</div><div>{value}</div></div>" for label, value in billing.items())
    page.set_content(
        '<main><h2>Customer account info</h2><svg width="40" height="20"><text x="0" y="15">AR</text></svg>'
        '<div><div>Microsoft ID</div><svg width="10" height="10"><title>verified</title><circle r="4"/></svg></div>'
        f"<h2>Bill-to info</h2><div>{rows}</div></main>"
    )

    # When its Bill-to info is read, then each value is the one after its label, the drawings read as any element
    profile = AccountPage(page).billing_profile()
    assert (profile.companyName, profile.email, profile.city, profile.postalCode, profile.country) == (
        "Contoso", "anne@contoso.fr", "Lyon", "69001", "FR"
    )  # fmt: skip


def test_a_screen_shown_whose_page_never_finishes_loading_is_read_as_it_shows(
    page: Page, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a Dashboard whose menu shows, then a blocking script from a host that never answers: the document never
    # finishes loading
    dashboard = (
        '<!doctype html><html lang="en"><title>Partner Center</title><body><nav aria-label="Dashboard">'
        '<a href="/customers">Customers</a></nav><script src="https://stalled.test/app.js"></script></body></html>'
    )
    page.route("https://portal.test/dashboard", lambda route: route.fulfill(content_type="text/html", body=dashboard))
    page.route("https://stalled.test/**", lambda route: None)  # never answered
    page.set_default_timeout(2_000)
    page.goto("https://portal.test/dashboard", wait_until="commit")

    # When it is waited for, then it is the Dashboard, said to be read before its page finished loading
    DashboardPage(page).wait_until_ready()
    assert page.evaluate("document.readyState") == "loading"
    assert "is shown, but its page never finished loading" in caplog.text


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
    page: Page, submit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a deployment that answers Submit with the form again, holding what was typed, and its alert later than
    # the grace a form shown anew without the typed values gets (made short here), well within the page's timeout
    monkeypatch.setattr(pages.form, "ANSWER_GRACE_MS", 300)
    answer = quiet_deployment(dict(BILLED), form_again=True, alert_after_ms=1_500, submit=submit)
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
