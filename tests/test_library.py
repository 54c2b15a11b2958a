"""The library's own pieces: locale-proof names, domain values, early refusal of bad input."""

from __future__ import annotations

import json
import logging
import re
import zipfile
from pathlib import Path

import pytest
from browser_words import REFUSED
from playwright.sync_api import Browser, Page, Route
from playwright.sync_api import Error as PlaywrightError
from ports import refused_port
from source_imports import absolute_imports

from fixtures.api_tokens import ProviderTokens
from fixtures.directory import User
from flows import BillingProfile, ValidationError, rest, sign_in, update_customer_account
from flows.saved_sign_in import read_sign_in, restore_session_storage, save_sign_in, saved_token_source, write_sign_in
from flows.session import renew_command
from flows.steps import step
from flows.trace_secrets import Secret
from flows.workers import Workers
from pages import (
    AccountEditPage,
    AccountPage,
    CustomerNotFoundError,
    CustomersPage,
    DashboardPage,
    NotAllowedError,
    PageError,
    PortalError,
    PortalUnavailableError,
    ReadBackError,
    UnknownPageError,
)
from pages.errors import error_for_status
from pages.exceptions import first_line
from pages.strings import LOCALES, SIGN_IN_STRINGS, UI_STRINGS, any_language, text

pytestmark = pytest.mark.tooling
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("table", [UI_STRINGS, SIGN_IN_STRINGS], ids=["portal", "sign-in"])
def test_no_string_names_two_different_things(table: dict[str, tuple[str, str, str]]) -> None:
    # A name shared by two keys would let a locator match the wrong element in some language.
    owners: dict[str, str] = {}
    for key, translations in table.items():
        for translation in set(translations):
            assert owners.setdefault(translation, key) == key, (
                f"{translation!r} is both {owners[translation]} and {key}"
            )


@pytest.mark.parametrize("locale", LOCALES)
def test_any_language_matches_each_locale_exactly_and_nothing_longer(locale: str) -> None:
    pattern = any_language("lastName")

    assert pattern.match(text("lastName", locale))
    assert not pattern.match(text("companyName", locale))  # "Nom" is inside "Nom de la société"


def test_billing_profile_reads_the_api_resource() -> None:
    resource = {
        "companyName": "Contoso 中国",
        "firstName": "丽",
        "lastName": "王",
        "email": "li@contoso.cn",
        "defaultAddress": {"country": "CN", "region": None, "city": "上海市", "state": "上海市",
                           "addressLine1": "世纪大道 100 号", "addressLine2": "", "postalCode": "200120",
                           "firstName": "丽", "lastName": "王", "phoneNumber": "13800138000"},
        "attributes": {"etag": "abc", "objectType": "CustomerBillingProfile"},
    }  # fmt: skip

    profile = BillingProfile.from_api(resource)

    assert profile == BillingProfile(
        "Contoso 中国",
        "丽",
        "王",
        "li@contoso.cn",
        "13800138000",
        "世纪大道 100 号",
        "",
        "上海市",
        "上海市",
        "200120",
        "CN",
    )


def test_a_validation_error_says_each_field_s_message_as_one_sentence_after_another() -> None:
    refused = {"postalCode": "Postal code is not valid.", "state": "unknown", "city": "城市为必填项。", "email": "bad"}

    said = str(ValidationError(refused))

    assert said == (
        "The portal refused the changes: postalCode: Postal code is not valid. state: unknown; city: 城市为必填项。 "
        "email: bad"
    )


def test_unknown_field_is_refused_before_the_browser_moves(page: Page) -> None:
    with pytest.raises(ValueError, match=r"Not editable billing fields: PostalCode \(postalCode\?\), country, town"):
        update_customer_account(page, "Contoso", {"city": "Paris", "town": "Paris", "country": "FR", "PostalCode": "1"})

    assert page.url == "about:blank"


def test_a_value_that_is_not_text_is_refused_before_the_browser_moves(page: Page) -> None:
    with pytest.raises(TypeError, match=r"pass strings, not postalCode=200000 \(int\), city=None \(NoneType\)"):
        update_customer_account(page, "Contoso", {"postalCode": 200000, "city": None, "state": "上海市"})  # type: ignore[dict-item]

    assert page.url == "about:blank"


@pytest.mark.parametrize(
    ("customer", "changes", "said"),
    [
        (None, {"city": "Lyon"}, r"customer is a company name or a Microsoft ID, as text: not None"),
        (42, {"city": "Lyon"}, r"customer is a company name or a Microsoft ID, as text: not 42"),
        ("Contoso", [("city", "Lyon")], r"changes maps field names to new values.*not \[\('city', 'Lyon'\)\]"),
        ("Contoso", "city=Lyon", r"changes maps field names to new values.*not 'city=Lyon'"),
    ],
    ids=["customer-none", "customer-number", "changes-list", "changes-text"],
)
def test_arguments_of_the_wrong_type_are_refused_before_the_browser_moves(
    page: Page, customer: object, changes: object, said: str
) -> None:
    with pytest.raises(TypeError, match=said):
        update_customer_account(page, customer, changes)  # type: ignore[arg-type]

    assert page.url == "about:blank"


@pytest.mark.parametrize("customer", ["", "  \u3000"], ids=["empty", "spaces"])
def test_a_blank_customer_is_refused_before_the_browser_moves(page: Page, customer: str) -> None:
    with pytest.raises(ValueError, match=r"customer is a company name or a Microsoft ID: not '"):
        update_customer_account(page, customer, {"city": "Lyon"})

    assert page.url == "about:blank"


def test_a_line_break_is_refused_before_the_browser_moves(page: Page) -> None:
    # A one-line field drops it as it is typed: what was saved would not be what was asked
    with pytest.raises(ValueError, match=r"no line breaks in addressLine1='Bât. A\\n12 rue de la Paix'"):
        update_customer_account(page, "Contoso", {"addressLine1": "Bât. A\n12 rue de la Paix"})

    assert page.url == "about:blank"


def test_no_change_at_all_is_refused_before_the_browser_moves(page: Page) -> None:
    with pytest.raises(ValueError, match="No changes given for 'Contoso'"):
        update_customer_account(page, "Contoso", {})

    assert page.url == "about:blank"


def test_an_error_the_library_found_itself_claims_no_answer_the_portal_did_not_give() -> None:
    # Given the errors for a name missing from the list and a role offered no Edit, and for the pages saying so
    missing, no_edit = CustomerNotFoundError(company_name="Contoso"), NotAllowedError(message="no Edit for Contoso")
    answered = error_for_status(404, "Customer not found")

    # Then only the portal's own answer is said to be one; the statuses stay the ones it would give
    assert (str(missing), missing.status) == ("No customer named 'Contoso' in the Customers list", 404)
    assert (str(no_edit), no_edit.status) == ("No Edit for Contoso", 403)
    assert str(answered) == "The portal answered 404: Customer not found"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PlaywrightError("Timeout 30000ms exceeded.\nCall log:\n  - waiting for locator"), "Timeout 30000ms exceeded."),
        (PlaywrightError(""), "Error"),
        (TimeoutError(), "TimeoutError"),
        (
            ReadBackError(PortalUnavailableError("\n")),
            "The changes were saved, but reading them back failed: PortalUnavailableError",
        ),
    ],
)
def test_an_error_s_first_line_is_its_words_without_the_call_log_or_its_kind_when_it_says_nothing(
    error: BaseException, expected: str
) -> None:
    # An error of no words (a browser's, a timeout's) is said by its kind, not an IndexError in the message built on it
    assert first_line(error) == expected


def test_a_totp_secret_that_is_not_base32_is_named_before_the_browser_moves(page: Page) -> None:
    with pytest.raises(ValueError, match=r"TOTP secret \(totp_secret=.*\) is not a usable base32 secret"):
        sign_in(page, "global-admin", "portal-demo", totp_secret="not base32!!")

    assert page.url == "about:blank"


def test_account_page_reads_a_section_by_its_terms_and_names_what_is_missing(page: Page) -> None:
    # Given markup of someone else's: a heading, then terms and their definitions, in French
    page.set_content(
        "<h2>Informations du compte client</h2><dl><dt>ID Microsoft</dt><dd> 1f0e </dd>"
        "<dt>Domaine</dt><dd>a.partner.onmschina.cn</dd></dl>"
        "<h2>Informations de facturation</h2><dl><dt>Nom de la société</dt><dd>Other</dd></dl>"
    )
    account = AccountPage(page)

    # Then a term missing from its section is named, not taken from the next section
    with pytest.raises(PortalError, match="does not show companyName at about:blank"):
        account.account_info()
    company = "<dt>Nom de la société</dt><dd>Contoso</dd>"
    page.set_content(page.content().replace("</dd></dl><h2>", f"</dd>{company}</dl><h2>", 1))
    info = account.account_info()

    assert (info.microsoftId, info.domain, info.companyName) == ("1f0e", "a.partner.onmschina.cn", "Contoso")


def test_field_errors_are_read_from_each_invalid_field_s_description(page: Page) -> None:
    # Given a form whose fields point at their errors, in Chinese, one label unknown to the library
    page.set_content(
        '<main><form><label for="c">城市</label><input id="c" aria-invalid="true" aria-describedby="e1 e2">'
        '<span id="e1">城市为必填项。</span><span id="e2">请重试。</span>'
        '<label for="v">增值税号</label><input id="v" aria-invalid="true" aria-describedby="e3"><p id="e3">无效</p>'
        '<label for="p">邮政编码</label><input id="p"><button>提交</button></form></main>'
    )

    errors = AccountEditPage(page).field_errors()

    assert errors == {"city": "城市为必填项。 请重试。", "增值税号": "无效"}


@pytest.mark.parametrize(
    ("status", "error"), [(200, UnknownPageError), (503, PageError)], ids=["answered-ok", "answered-503"]
)
def test_a_page_the_library_does_not_know_is_an_error_that_quotes_it(
    page: Page, status: int, error: type[Exception]
) -> None:
    # Given a page where the Dashboard should be that no screen check knows: a proxy's, say; with an error
    # status, the error is that status (a job waits out a gateway's 502-504 as a restart)
    body = "<h1>Service Unavailable</h1>"
    page.route("http://portal.example/**", lambda route: route.fulfill(status=status, body=body))
    page.goto("http://portal.example/dashboard")
    page.set_default_timeout(2_000)  # the wait that ends in the error, kept short

    # When the Dashboard is waited for
    # Then the error says where and what the page says, instead of Playwright's timeout
    expected = (
        r"Service Unavailable.*http://portal\.example/dashboard|http://portal\.example/dashboard.*'Service Unavailable'"
    )
    with pytest.raises(error, match=expected) as raised:
        DashboardPage(page).wait_until_ready()
    assert getattr(raised.value, "status", 0) == (status if status >= 400 else 0)


@pytest.mark.parametrize(
    ("markup", "offered"),
    [
        ("<a href='edit'>Modifier</a>", True),
        ("<button>Update</button>", True),
        ("<button>更新</button>", True),
        ("<a href='help'>Edit profile help</a><button>Submit</button>", False),
    ],
    ids=["link-fr", "update-button", "update-button-zh", "none"],
)
def test_edit_is_a_link_or_a_button_named_edit_or_update(page: Page, markup: str, offered: bool) -> None:
    # Given an Account page whose Edit is marked up by someone else (the global portal says Update)
    page.set_content(f"<main><h2>Bill-to info</h2>{markup}</main>")

    # When the library looks for Edit
    # Then it is offered exactly when a link or button of either name is there
    assert AccountPage(page).can_edit() is offered


def test_a_missing_page_is_a_customer_not_found_on_a_customer_s_screens_only(page: Page) -> None:
    # Given a deployment that answers 404 to every address
    page.route("http://portal.example/**", lambda route: route.fulfill(status=404, body="<h1>404 Page not found</h1>"))
    page.goto("http://portal.example/dashboard")

    # When the Dashboard, then an Account page, is waited for there
    with pytest.raises(PageError) as dashboard_missing:
        DashboardPage(page).wait_until_ready()
    with pytest.raises(CustomerNotFoundError) as customer_missing:
        AccountPage(page).wait_until_ready()

    # Then only the customer's screen says the customer is missing: the Dashboard's is a missing page
    assert dashboard_missing.value.status == 404 and not isinstance(dashboard_missing.value, CustomerNotFoundError)
    assert customer_missing.value.status == 404


def test_a_screen_that_shows_but_never_becomes_ready_is_said_to_be_so(page: Page) -> None:
    # Given a Customers list that stays busy (its API never answers)
    page.set_content('<section role="region" aria-label="Customers" aria-busy="true"><p>Loading</p></section>')
    page.set_default_timeout(2_000)  # the wait that ends in the error, kept short

    # When the list is waited for
    # Then the error says the screen is there but never became ready, not that the page is unknown
    with pytest.raises(UnknownPageError, match="shows, but it never finished loading"):
        CustomersPage(page).wait_until_ready()


def test_a_portal_that_does_not_answer_is_portal_unavailable(browser: Browser) -> None:
    # Given a base URL where nothing listens: a loopback port held, never listened on
    with refused_port() as port:
        context = browser.new_context(base_url=f"http://127.0.0.1:{port}/")

        # When the Dashboard is opened
        # Then the library's error says so, with the browser's reason
        with pytest.raises(PortalUnavailableError, match=rf"did not answer dashboard.*{REFUSED}"):
            DashboardPage(context.new_page()).open()
        context.close()


def test_a_saved_sign_in_puts_session_storage_back_on_its_own_origin_before_the_page_s_scripts(
    browser: Browser, tmp_path: Path
) -> None:
    # Given a portal page that keeps its tokens in session storage (as MSAL does), saved as a sign-in
    def serve(route: Route) -> None:
        script = "<script>document.title = sessionStorage.getItem('msal.token') || 'none'</script>"
        route.fulfill(content_type="text/html", body=script)

    first = browser.new_context()
    first.route("http://*.example/**", serve)
    page = first.new_page()
    page.goto("http://portal.example/")
    page.evaluate("() => sessionStorage.setItem('msal.token', 'token-1')")
    saved = save_sign_in(first, tmp_path / "admin.json")
    first.close()

    # When a new browser context starts from it
    second = browser.new_context(storage_state=saved)
    restore_session_storage(second, saved)
    second.route("http://*.example/**", serve)
    portal, elsewhere = second.new_page(), second.new_page()
    portal.goto("http://portal.example/account")
    elsewhere.goto("http://other.example/")

    # Then the portal's own script reads the token on load, and no other origin gets it
    assert (portal.title(), elsewhere.title()) == ("token-1", "none")
    second.close()


@pytest.mark.parametrize("package", ["pages", "flows"])
def test_the_library_never_imports_the_bundled_portal(package: str) -> None:
    # Installing the flows for a script must not drag in the mock, not even through a late import.
    root = Path(__file__).resolve().parent.parent
    imports = []
    for source in sorted((root / package).rglob("*.py")):
        modules = absolute_imports(source)
        imports += [f"{source.relative_to(root)}: {name}" for name in modules if name.split(".")[0] == "fixtures"]

    assert imports == [], "the library imports the bundled portal"


def test_a_step_is_a_group_in_the_trace_only_while_a_trace_records(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = browser.new_context()
    page = context.new_page()
    groups: list[str] = []
    group = context.tracing.group
    monkeypatch.setattr(context.tracing, "group", lambda name, **kw: (groups.append(name), group(name, **kw)))

    with step(page, "Untraced step"):
        page.set_content("<p>untraced</p>")
    context.tracing.start(snapshots=False)
    with step(page, "Traced step"):
        page.set_content("<p>traced</p>")
    context.tracing.stop(path=tmp_path / "trace.zip")
    context.close()

    assert groups == ["Traced step"], "a group costs two round trips: only a recording trace is sent one"
    with zipfile.ZipFile(tmp_path / "trace.zip") as trace:
        events = trace.read("trace.trace").decode()
    assert "Traced step" in events, "the trace shows the step as a group"


@pytest.mark.parametrize(
    ("saved", "where"),
    [
        ("team/.auth/portal.example_8443/u.json", " --auth-dir team/.auth`"),
        (".auth/portal.example_8443/u.json", "`"),
        ("my sign-ins/u.json", "`, then start from .auth/portal.example_8443/u.json"),  # not where it writes
    ],
    ids=["an-auth-dir", "the-default", "a-file-named-otherwise"],
)
def test_the_renewal_advice_for_a_saved_sign_in_saves_it_where_it_was_or_says_where(saved: str, where: str) -> None:
    command = renew_command("https://portal.example:8443/", "u", Path(saved))

    assert command == f"`python -m flows save-sign-in --base-url https://portal.example:8443/ --user u{where}"


def test_tokens_from_a_saved_sign_in_keep_the_rotated_refresh_token_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a saved sign-in's refresh token, and a provider that rotates it at each answer (refusing the old one)
    issued = iter(["refresh-2", "refresh-3"])
    sent: list[str] = []

    def provider(url: str, method: str, form: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        sent.append(form["refresh_token"])
        return {"access_token": f"access-for-{form['refresh_token']}", "refresh_token": next(issued)}, {}

    monkeypatch.setattr(rest, "discover_provider", lambda base_url: {"token_endpoint": "http://idp.example/token"})
    monkeypatch.setattr(rest, "send", provider)
    saved = write_sign_in(tmp_path / "u.json", {"cookies": [], "refresh_token": "refresh-1", "api_client_id": "c"})

    # When one run, then the next, takes a token from the file
    first = saved_token_source("http://portal.example/", saved)()
    second = saved_token_source("http://portal.example/", saved)()

    # Then each run redeemed the token the one before left, and the file stays its owner's only
    assert (first, second, sent) == ("access-for-refresh-1", "access-for-refresh-2", ["refresh-1", "refresh-2"])
    assert read_sign_in(saved)["refresh_token"] == "refresh-3" and saved.stat().st_mode & 0o777 == 0o600


def test_secrets_show_as_stars_in_a_repr_and_as_themselves_everywhere_else() -> None:
    password = Secret("Sekr1t-PW")

    assert (repr(password), f"{password}", password + "!", json.dumps(password)) == (
        "'********'", "Sekr1t-PW", "Sekr1t-PW!", '"Sekr1t-PW"'
    )  # fmt: skip
    # What carries one says neither it nor an authenticator's secret in its repr (a traceback's arguments)
    carriers = [User("u", "Sekr1t-PW", "TOTPSECRET"), Workers("http://x/", "u", "Sekr1t-PW"),
                ProviderTokens("http://x/", "u", "Sekr1t-PW", "TOTPSECRET", refresh_token="REFRESHTOKEN")]  # fmt: skip
    assert [word for carrier in carriers for word in ("Sekr1t", "TOTPSECRET", "REFRESH") if word in repr(carrier)] == []


def test_every_break_of_the_mutation_check_still_finds_the_text_it_changes_once() -> None:
    # The mutation check (scripts/mutation_check.py) runs by hand; a break whose text the portal no longer holds
    # would only be found then, the strength report gone stale in between; one whose text is there twice changes
    # the first, which need not be the one it means
    from scripts.breaks import BREAKS, HARMLESS

    stale = [
        f"{change.behaviour}: {edit.path} holds {edit.text!r} {found} times, not once"
        for change in (*BREAKS, *HARMLESS)
        for edit in change.edits
        if (found := (ROOT / edit.path).read_text().count(edit.text)) != 1
    ]
    assert stale == [], "update scripts/breaks.py:\n" + "\n".join(stale)


def test_the_readme_s_strength_report_has_a_row_for_each_change_of_the_mutation_check() -> None:
    # The report is pasted by hand from a run (`--markdown FILE`): a change added or renamed since would be missing
    from scripts.breaks import BREAKS, HARMLESS

    rows = re.findall(r"^\| (\S+) \| (.+?) \| (?:red|green) \| ", (ROOT / "README.md").read_text(), re.MULTILINE)
    changes = [(change.area, change.behaviour) for change in (*BREAKS, *HARMLESS)]
    assert (sorted(set(changes) - set(rows)), sorted(set(rows) - set(changes))) == ([], []), (
        "the README's strength report lacks (first) or has no longer (second) these changes of scripts/breaks.py"
    )


def test_the_commands_say_a_step_as_a_step_and_a_warning_as_a_warning() -> None:
    from flows.__main__ import StepFormatter

    def said(level: int, message: str) -> str:
        return StepFormatter().format(logging.LogRecord("flows", level, __file__, 1, message, None, None))

    assert said(logging.INFO, "Submit") == "step: Submit"
    assert said(logging.WARNING, "row 2: the portal did not answer") == "warning: row 2: the portal did not answer"
    assert said(logging.ERROR, "Task exception was never retrieved") == "error: Task exception was never retrieved"
