"""A deployment's ways of refusing Edit to a role that may not edit: shown disabled, or answered in place."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page
from single_page_form import PORTAL

from flows.account import edit_from
from pages import AccountPage, NotAllowedError, PortalError

pytestmark = pytest.mark.tooling

ACCOUNT = "<main><h2>Bill-to info</h2><dl><dt>City</dt><dd>Lyon</dd></dl>%s</main>"
TIMEOUT_MS = 10_000  # the usual wait, kept short: each refusal here must come well before it


@pytest.mark.parametrize(
    "edit",
    ["<button disabled>Edit</button>", '<a href="#edit" aria-disabled="true">Modifier</a>'],
    ids=["disabled-button", "aria-disabled-link-fr"],
)
def test_edit_shown_only_disabled_is_not_allowed_at_once(page: Page, edit: str) -> None:
    # Given an Account page that shows Edit to this role, but disabled
    page.set_content(ACCOUNT % edit)
    page.set_default_timeout(TIMEOUT_MS)
    account = AccountPage(page).wait_until_ready()

    # When Edit is asked for, then the role may not edit, said at once: a click waited out would end in a timeout
    assert not account.can_edit()
    with pytest.raises(NotAllowedError, match="may not edit the account of 'Contoso'"):
        edit_from(account, "Contoso")


def test_edit_enabled_a_moment_after_the_page_shows_is_offered(page: Page) -> None:
    # Given an Account page whose Edit is enabled once the portal has checked the role
    page.set_content(
        ACCOUNT % "<button disabled>Edit</button>"
        + "<script>setTimeout(() => { document.querySelector('button').disabled = false; }, 500)</script>"
    )
    page.set_default_timeout(TIMEOUT_MS)

    # Then Edit is offered
    assert AccountPage(page).wait_until_ready().can_edit()


def test_edit_drawn_a_moment_after_the_values_is_offered(page: Page) -> None:
    # Given an Account page that draws its Edit once the portal knows the role, after the values
    page.set_content(
        ACCOUNT % "" + "<script>setTimeout(() => document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<button>Edit</button>'), 500)</script>"
    )
    page.set_default_timeout(TIMEOUT_MS)

    # Then Edit is offered, not taken for a role that may not edit
    assert AccountPage(page).wait_until_ready().can_edit()


def test_edit_never_drawn_is_not_allowed_once_a_late_one_would_have_shown(page: Page) -> None:
    # Given an Account page without Edit (a role that may not edit), and a short wait for an Edit drawn late
    page.set_content(ACCOUNT % "")
    page.set_default_timeout(TIMEOUT_MS)
    account = AccountPage(page).wait_until_ready()
    account.DRAWN_LATE_MS = 300

    # Then the role may not edit, said once that wait is over rather than after the page's whole timeout
    with pytest.raises(NotAllowedError, match="may not edit the account of 'Contoso'"):
        edit_from(account, "Contoso")


@pytest.mark.parametrize(
    "said",
    [
        "Access denied: you do not have permission to edit billing information.",
        "Accès refusé : vous n’êtes pas autorisé à modifier ces informations.",
        "403 拒绝访问",
    ],
    ids=["en", "fr-typographic-apostrophe", "zh-status"],
)
def test_edit_answered_in_place_by_an_access_denied_alert_is_not_allowed_at_once(page: Page, said: str) -> None:
    # Given a single-page portal that answers Edit, for this role, by an alert in place of the form (its API's 403)
    alert = f"<div role='alert'>{said}</div>"
    page.set_content(
        ACCOUNT
        % "<button>Edit</button>"
        + f"<script>document.querySelector('button').onclick = () => document.querySelector('main')"
        f'.insertAdjacentHTML("beforeend", "{alert}")</script>'
    )
    page.set_default_timeout(TIMEOUT_MS)
    account = AccountPage(page).wait_until_ready()

    # When Edit is selected, then the refusal is said at once, in the portal's words (not a form waited out)
    with pytest.raises(NotAllowedError, match=said.split(":")[0]) as refused:
        edit_from(account, "Contoso")
    assert refused.value.status == 403


# A single-page portal's Account view at an address of its own: Edit answered in place, 200 ms later, by ``answer``
# (a script); ``banner`` is what the view shows above its sections before Edit is selected.
ACCOUNT_VIEW = """<!doctype html><html lang="en"><title>Account</title><body><header>{banner}</header><main>
<h1>Contoso Lyon</h1><section id="bill"><h2>Bill-to info</h2><dl><dt>City</dt><dd>Lyon</dd></dl>
<button id="edit">Edit</button></section></main><script>
const SAID = {said};
document.getElementById("edit").onclick = () => setTimeout(() => {{ {answer} }}, 200);
</script></body></html>"""
APPENDED = 'document.querySelector("main").insertAdjacentHTML("beforeend", `<div role="alert">${SAID}</div>`)'
FILLED = 'document.getElementById("problem").textContent = SAID'  # the view's own alert region, empty until then
EMPTY_REGION = '<div role="alert" id="problem"></div>'
FORM = (
    'document.getElementById("bill").innerHTML = `<h2>Edit Bill-to info</h2><form>${SAID}'
    '<label>City <input name="city" value="Lyon"></label><button type="submit">Submit</button></form>`'
)


def serve_account_view(page: Page, *, banner: str, answer: str, said: str = "") -> str:
    """Serve the Account view at its address and go there; return the address."""
    body = ACCOUNT_VIEW.format(banner=banner, answer=answer, said=json.dumps(said))
    page.route(PORTAL + "account", lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=body))
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(PORTAL + "account")
    return PORTAL + "account"


@pytest.mark.parametrize(
    ("said", "answer"),
    [
        ("Something went wrong. Please try again later.", APPENDED),
        ("Le service est indisponible. Réessayez plus tard.", FILLED),
        ("服务暂时不可用，请稍后再试。", APPENDED),
        ("Error 409: the billing profile is being changed by another request.", FILLED),
    ],
    ids=["en-appended", "fr-region-filled", "zh-appended", "status-409-region-filled"],
)
def test_edit_answered_in_place_by_an_error_alert_is_a_portal_error_in_its_words(
    page: Page, said: str, answer: str
) -> None:
    # Given a single-page portal that answers Edit by an alert of its own in place of the form
    address = serve_account_view(page, banner=EMPTY_REGION, answer=answer, said=said)
    account = AccountPage(page).wait_until_ready()

    # When Edit is selected, then the portal's words and where it said them: no timeout's UnknownPageError
    with pytest.raises(PortalError) as raised:
        account.edit()
    assert type(raised.value) is PortalError
    assert said in str(raised.value)
    assert address in str(raised.value)


@pytest.mark.parametrize(
    "banner",
    [
        "<div role='alert'><strong>Access denied:</strong>\n  you may not view this customer's payment methods.</div>",
        "<div role='alert'>拒绝访问：你无权查看此客户的付款方式。</div>",
        "<p><template shadowrootmode='open'><div role='alert'>Access denied: no payment methods.</div></template></p>",
    ],
    ids=["en-marked-up", "zh", "en-in-shadow-root"],
)
@pytest.mark.parametrize("read_first", [True, False], ids=["read-before-edit", "edit-at-once"])
def test_an_access_denied_alert_shown_before_edit_is_no_refusal_of_it(
    page: Page, banner: str, read_first: bool
) -> None:
    # Given an Account view refusing this role one of its parts, whose Edit then shows the form
    serve_account_view(page, banner=banner, answer=FORM)
    account = AccountPage(page)
    if read_first:
        account.wait_until_ready()

    # When Edit is selected, then the form comes and is typed into
    form = account.edit()
    form.fill({"city": "Paris"})
    assert form.field("city").input_value() == "Paris"


def test_a_new_alert_answering_edit_is_quoted_not_one_shown_before(page: Page) -> None:
    # Given an Account view refusing this role one of its parts, whose Edit then fails in place
    before = "Access denied: you may not view this customer's payment methods."
    serve_account_view(page, banner=f"<div role='alert'>{before}</div>", answer=APPENDED, said="Something went wrong.")
    account = AccountPage(page).wait_until_ready()

    # When Edit is selected, then Edit's answer is said, not the alert that stood before
    with pytest.raises(PortalError, match="Something went wrong") as raised:
        account.edit()
    assert not isinstance(raised.value, NotAllowedError)
    assert before not in str(raised.value)


def test_a_form_drawn_with_an_alert_of_its_own_above_submit_is_the_form(page: Page) -> None:
    # Given a portal whose edit form comes with an alert of its own, above its fields
    note = "<div role='alert'>Access denied to the tax ID: ask an administrator to change it.</div>"
    serve_account_view(page, banner="", answer=FORM, said=note)
    account = AccountPage(page).wait_until_ready()

    # When Edit is selected, then that alert is the form's, not a refusal of it
    form = account.edit()
    form.fill({"city": "Paris"})
    assert form.field("city").input_value() == "Paris"


@pytest.mark.parametrize(
    "said",
    ["Your session will end in 5 minutes: save your work.", "Nouveau message de votre administrateur."],
    ids=["en-session-notice", "fr-notice"],
)
def test_a_notice_shown_as_edit_is_selected_is_no_refusal_when_the_form_follows(page: Page, said: str) -> None:
    # Given a single-page portal that shows a notice as an alert as Edit is selected, then draws the form from its
    # API a moment later
    serve_account_view(page, banner="", answer=f"{APPENDED}; setTimeout(() => {{ {FORM} }}, 400)", said=said)
    account = AccountPage(page).wait_until_ready()

    # When Edit is selected, then the form that follows is the answer, typed into
    form = account.edit()
    form.fill({"city": "Paris"})
    assert form.field("city").input_value() == "Paris"
