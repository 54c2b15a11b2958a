"""An edit interrupted by the portal: an ended session, an error page, no answer at all.

Each is saved whole or not at all, and the script (or person) is told which, by a typed error
at once, never a timeout or a misread "validation error".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from forged_requests import SessionValues, answer_headers, send_as, stopped_submit
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from test_lost_pages import crash

import flows.account
from fixtures.api_client import PortalApi
from fixtures.directory import User
from fixtures.test_data import CustomerFactory
from flows import (
    EditConflictError,
    NotAllowedError,
    PageCrashedError,
    PageError,
    PortalUnavailableError,
    ReadBackError,
    SignedOutError,
    ThrottledError,
    UnknownPageError,
    edit_account,
    open_customer,
    sign_in,
    sign_out,
    submit_changes,
    update_customer_account,
)
from flows.saved_sign_in import save_sign_in
from pages import AccountEditPage, AccountPage, DashboardPage, SignInPage, screen_addresses
from pages.strings import LOCALES
from plugins.portal_requests import PortalRequests
from plugins.portal_words import PortalWords
from plugins.sign_ins import SavedSignIns

pytestmark = pytest.mark.regression


@pytest.mark.parametrize("locale", LOCALES)
def test_submit_after_the_session_ended_saves_nothing_and_says_so(
    locale: str,
    new_context: Callable[..., BrowserContext],
    make_user: Callable[[str], User],
    customers: CustomerFactory,
    api: PortalApi,
    portal_words: PortalWords,
) -> None:
    # Given an edit form open in a session of its own, in this language, which is then signed out in another tab
    customer = customers.create("CN")
    user = make_user("admin-agent")
    page = new_context(locale=locale).new_page()
    sign_in(page, user.name, user.password, totp_secret=user.totp_secret)
    form = edit_account(page, customer.companyName)
    other_tab = page.context.new_page()
    DashboardPage(other_tab).open()
    sign_out(other_tab)

    # When the form is submitted, Then the script is told nothing was saved, and so is the person
    with pytest.raises(SignedOutError, match="nothing was saved"):
        submit_changes(form, {"city": "珠海市"})
    expect(SignInPage(page).error).to_contain_text(portal_words[locale]["session_ended"])
    assert api.billing_profile(customer.id) == customer.billing


def test_submit_answered_by_the_portal_s_403_page_is_not_allowed(
    admin_page: Page,
    page_as: Callable[..., Page],
    customers: CustomerFactory,
    api: PortalApi,
    portal_requests: PortalRequests,
) -> None:
    # Given the portal's own answer to a Submit it refuses: the admin's, sent again in a help desk agent's name
    customer = customers.create("FR")
    sent = stopped_submit(admin_page, portal_requests, customer, "Lille")
    refused = send_as(sent, SessionValues.watching(page_as("helpdesk-agent")), customer)
    assert refused.status == 403, f"expected the help desk agent to be refused, got {refused.status}"
    body = refused.body()
    # And a portal that gives it to the admin's next Submit
    portal_requests.route_submit(
        admin_page, lambda route: route.fulfill(status=403, body=body, headers=answer_headers(refused))
    )
    form = edit_account(admin_page, customer.companyName)

    with pytest.raises(NotAllowedError) as error:
        submit_changes(form, {"city": "Lille"})

    assert error.value.status == 403
    assert api.billing_profile(customer.id) == customer.billing


@pytest.mark.bundled  # the bundled portal's fault header makes it crash; a deployment crashes on its own
def test_submit_answered_by_a_crash_says_whether_it_saved_is_not_known_and_it_saved_nothing(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given a portal that crashes on this Submit (the bundled portal's fault header)
    customer = customers.create("US")
    portal_requests.route_submit(
        admin_page, lambda route: route.continue_(headers={**route.request.headers, "x-portal-fault": "500"})
    )
    form = edit_account(admin_page, customer.companyName)

    with pytest.raises(UnknownPageError) as error:
        submit_changes(form, {"city": "Denver", "state": "CO", "postalCode": "80202"})

    # Then its page's words are said, with what they leave open (a 5xx may come after the save: not here)
    said = str(error.value)
    assert "whether anything was saved is not known" in said and "The portal answered 500" in said, said
    assert "could not complete this request" in said and not error.value.unanswered
    assert api.billing_profile(customer.id) == customer.billing


def test_a_session_that_ends_as_the_saved_changes_are_read_back_says_they_were_saved(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a Submit the portal saves, and a session that ends before the Bill-to info is read back
    customer = customers.create("FR")
    form = edit_account(admin_page, customer.companyName)
    ended = SignedOutError("The portal asked to sign in again at /account: the session has ended")

    def signed_out(saved: object, changes: object) -> None:
        raise ended

    monkeypatch.setattr(flows.account, "read_back", signed_out)

    with pytest.raises(ReadBackError) as error:
        submit_changes(form, {"city": "Lille"})

    # Then the script is told the changes were saved (not "signed out", which says nothing was), and why it read nothing
    assert (error.value.error, error.value.__cause__) == (ended, ended)
    assert not isinstance(error.value, SignedOutError)
    said = "The changes were saved, but reading them back failed: The portal asked to sign in again at /account"
    assert str(error.value).startswith(said), str(error.value)
    assert api.billing_profile(customer.id).city == "Lille"


def test_a_page_the_network_broke_after_the_save_says_the_changes_were_saved(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a Submit the portal saves, and the page it goes on to cut off on the way, before the Account page shows
    customer = customers.create("FR")
    form = edit_account(admin_page, customer.companyName)
    cut = UnknownPageError("Waiting for the Account page: the portal's page was cut off (net::ERR_X)", unanswered=True)

    def broken(self: AccountEditPage) -> None:
        raise cut

    monkeypatch.setattr(AccountEditPage, "shown_after_save", broken)

    with pytest.raises(ReadBackError) as error:
        submit_changes(form, {"city": "Lille"})

    # Then the script is told the changes were saved, and why nothing was read (not a page the library does not know)
    assert error.value.error is cut and str(error.value).startswith("The changes were saved"), str(error.value)
    assert api.billing_profile(customer.id).city == "Lille"


@pytest.mark.bundled  # the bundled portal's fault header throttles it; a deployment throttles on its own
def test_a_throttled_submit_says_when_to_come_back_and_saves_nothing(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given a portal that answers this Submit with its "too many requests" page, asking to come back in 1 s
    customer = customers.create("US")
    portal_requests.route_submit(
        admin_page, lambda route: route.continue_(headers={**route.request.headers, "x-portal-fault": "429"})
    )
    form = edit_account(admin_page, customer.companyName)

    with pytest.raises(ThrottledError) as error:
        submit_changes(form, {"city": "Denver", "state": "CO", "postalCode": "80202"})

    # Then the error says so, with the wait the answer's Retry-After asked for, and nothing was saved
    assert (error.value.status, error.value.retry_after) == (429, 1.0)
    assert "come back in 1 s" in str(error.value)
    assert api.billing_profile(customer.id) == customer.billing


@pytest.mark.bundled  # the bundled portal's fault header throttles it; a deployment throttles on its own
def test_a_throttled_page_a_link_opened_says_when_to_come_back(admin_page: Page, customers: CustomerFactory) -> None:
    # Given a customer's page, and a portal that from now on answers every page "too many requests, come back in 1 s"
    customer = customers.create("US")
    customer_page = open_customer(admin_page, customer.companyName)
    admin_page.context.set_extra_http_headers({"x-portal-fault": "429"})

    # When its Account link is selected
    with pytest.raises(ThrottledError) as error:
        customer_page.account()

    # Then the error carries the wait the portal asked for, though the browser keeps no header of a link's page
    assert (error.value.status, error.value.retry_after) == (429, 1.0)
    assert "come back in 1 s" in str(error.value)


def test_submit_answered_with_a_busy_page_saying_when_to_come_back_is_throttled_and_saves_nothing(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given a portal whose Submit answers "503 Service unavailable", come back in 30 s (down for maintenance)
    customer = customers.create("CN")
    busy = "<!doctype html><title>503</title><h1>503 Service unavailable</h1><p role=alert>Down for maintenance.</p>"
    portal_requests.route_submit(
        admin_page,
        lambda route: route.fulfill(status=503, headers={"Retry-After": "30"}, content_type="text/html", body=busy),
    )
    form = edit_account(admin_page, customer.companyName)

    with pytest.raises(ThrottledError) as error:
        submit_changes(form, {"city": "厦门市"})

    assert (error.value.status, error.value.retry_after) == (503, 30.0)
    assert "Down for maintenance" in str(error.value)
    assert api.billing_profile(customer.id) == customer.billing


def test_submit_the_portal_never_answers_is_unavailable_and_saves_nothing(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    customer = customers.create("CN")
    portal_requests.route_submit(admin_page, lambda route: route.abort("connectionrefused"))
    form = edit_account(admin_page, customer.companyName)

    with pytest.raises(PortalUnavailableError, match="did not answer Submit"):
        submit_changes(form, {"city": "厦门市"})

    assert api.billing_profile(customer.id) == customer.billing


@pytest.fixture
def own_sign_ins(
    browser: Browser,
    base_url: str,
    new_context: Callable[..., BrowserContext],
    make_user: Callable[[str], User],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> SavedSignIns:
    """Saved sign-ins of a sales agent of this test's own, made anew: the run's are shared by its tests and workers
    (and with ``--auth-dir``, by the team), which signing them out would sign out too. Signed in here, through the
    UI: one that fails fails this test alone (a run's own sign-in that fails stops the run)."""
    user = make_user("sales-agent")
    users = {"sales-agent": user.name}
    own = SavedSignIns(browser, base_url, user.password, user.totp_secret, tmp_path, request.session, users=users)
    context = new_context()
    sign_in(context.new_page(), user.name, user.password, totp_secret=user.totp_secret)
    save_sign_in(context, own.run_copy("sales-agent"), {"user": user.name})
    context.close()
    return own


@pytest.mark.ends_sessions
def test_a_saved_sign_in_the_portal_ended_is_renewed_once_and_the_workflow_goes_on(
    new_context: Callable[..., BrowserContext], own_sign_ins: SavedSignIns, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a sales agent's saved sign-in, which the portal then ends (signed out on the server)
    customer = customers.create("CN")
    page = own_sign_ins.open_context(new_context, "sales-agent", locale="en-US").new_page()
    DashboardPage(page).open()
    sign_out(page)

    # When the workflow runs on that page
    update_customer_account(page, customer.companyName, {"city": "温州市"})

    # Then the role signed in again, once, and the change went through
    assert own_sign_ins.renewed == ["sales-agent"]
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="温州市")


def test_a_submit_sent_back_to_a_fresh_form_says_the_typed_values_are_gone(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given a gateway that answers Submit by sending the browser back to the form's address, the form unsent
    # (a sign-in in between, passed at once by single sign-on)
    customer = customers.create("FR")
    portal_requests.route_submit(
        admin_page, lambda route: route.fulfill(status=302, headers={"Location": route.request.url})
    )
    form = edit_account(admin_page, customer.companyName)

    with pytest.raises(UnknownPageError) as error:
        submit_changes(form, {"city": "Lille", "postalCode": "59000"})

    said = str(error.value)
    assert "showed the form anew" in said and "no longer holds the typed values" in said, said
    assert api.billing_profile(customer.id) == customer.billing


def test_a_page_after_submit_the_library_does_not_know_is_named_as_submit_s_answer(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given a Submit the portal saves, answered with a page cut short (neither the Account page nor the form)
    customer = customers.create("FR")
    cut_short = "<!doctype html><title>Account</title><main><h1>Compte</h1><p>Chargement"

    def saved_then_cut_short(route: Route) -> None:
        route.fetch(max_redirects=0)  # the portal saves it
        route.fulfill(body=cut_short, content_type="text/html")

    portal_requests.route_submit(admin_page, saved_then_cut_short)
    form = edit_account(admin_page, customer.companyName)
    admin_page.set_default_timeout(3_000)  # no page will come: the wait's length is not what is tried

    with pytest.raises(UnknownPageError) as error:
        submit_changes(form, {"city": "Lille", "postalCode": "59000"})

    said = str(error.value)
    assert "whether anything was saved is not known" in said and "Waiting for the answer to Submit" in said, said
    assert api.billing_profile(customer.id).city == "Lille", "the portal saved it: only its next page was cut short"


def test_an_account_page_answering_submit_saying_the_changes_were_not_saved_is_no_save(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given a portal that answers Submit, unsaved, with its Account page saying so
    customer = customers.create("FR")
    refused = "Your changes were not saved. Try again later."
    form = edit_account(admin_page, customer.companyName)
    account = admin_page.request.get(screen_addresses().of("account", customer.id)).text()
    saying_not_saved = account.replace("</main>", f'<p role="status">{refused}</p></main>')  # below the view
    portal_requests.route_submit(
        admin_page, lambda route: route.fulfill(body=saying_not_saved, content_type="text/html")
    )

    with pytest.raises(EditConflictError, match=refused):
        submit_changes(form, {"city": "Lille", "postalCode": "59000"})

    assert api.billing_profile(customer.id) == customer.billing


@pytest.mark.bundled  # the bundled portal's fault header makes it crash; a deployment crashes on its own
def test_a_crash_shows_the_500_page_and_the_screen_raises_at_once(admin_page: Page, customers: CustomerFactory) -> None:
    customer = customers.create("CN")
    crash = {"x-portal-fault": "500"}
    admin_page.route(
        re.compile(r"/account$"), lambda route: route.continue_(headers={**route.request.headers, **crash})
    )

    with pytest.raises(PageError) as error:
        AccountPage(admin_page).open(customer.id)

    assert error.value.status == 500
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("500 Something went wrong")


def test_a_session_that_ends_after_submit_was_saved_says_whether_it_saved_is_not_known(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given a Submit the portal saves, whose next page finds the session ended (the browser's cookies gone meanwhile)
    customer = customers.create("FR")

    def saved_then_signed_out(route: Route) -> None:
        saved = route.fetch(max_redirects=0)  # the portal saves it, and sends the browser on to its next page
        admin_page.context.clear_cookies()
        route.fulfill(response=saved)

    portal_requests.route_submit(admin_page, saved_then_signed_out)
    form = edit_account(admin_page, customer.companyName)

    with pytest.raises(SignedOutError) as error:
        submit_changes(form, {"city": "Lille", "postalCode": "59000"})

    # Then the script is not told that nothing was saved, which a retry would believe: it was
    said = str(error.value)
    assert "nothing was saved" not in said and "whether the changes were saved is not known" in said, said
    assert api.billing_profile(customer.id).city == "Lille", "the portal saved it: only its next page was signed out"


def test_a_page_that_crashes_between_the_account_page_and_edit_is_said_crashed_and_saves_nothing(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a page that crashes once the customer's Account page shows, before the flow reads it
    customer = customers.create("MX")
    opened = flows.account.open_account

    def opened_then_crashed(page: Page, name: str) -> AccountPage:
        account = opened(page, name)
        crash(page)
        return account

    monkeypatch.setattr(flows.account, "open_account", opened_then_crashed)

    # Then the flow says the page crashed where it was, in the library's error, not Playwright's bare one
    with pytest.raises(PageCrashedError, match=r"^Read the account: the browser's page crashed"):
        update_customer_account(admin_page, customer.id, {"city": "Essen"})
    assert api.billing_profile(customer.id) == customer.billing
