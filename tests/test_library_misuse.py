"""A script's mistakes with the library: each said at once, in the library's words, with what to do.

A page object used after its page left the screen, a page used from another thread or inside asyncio,
values of the wrong kind, a trace the block made impossible: none waits out Playwright's timeout or
ends in one of Playwright's own errors.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright
from test_list_pagers import paged_list

from fixtures.api_client import PortalApi
from fixtures.directory import User
from fixtures.test_data import CustomerFactory
from flows import (
    PortalError,
    ScreenLeftError,
    SignedOutError,
    UnknownPageError,
    WrongThreadError,
    edit_account,
    open_customer,
    open_customers,
    portal_session,
    session,
    submit_changes,
    update_customer_account,
)
from pages import AccountEditPage, AccountPage, CustomersPage, DashboardPage
from pages.screen import Screen
from plugins.portal_requests import PortalRequests

pytestmark = pytest.mark.regression
QUICK_MS = 5_000  # every mistake here is said at once: the old ways waited out the timeout, or returned
PLAYWRIGHT_TIMEOUT_MS = 30_000  # Playwright's own default, the suite's


@contextmanager
def said_at_once(page: Page) -> Iterator[None]:
    """Wait ``QUICK_MS`` at most for what is done within; Playwright's default wait again after."""
    page.set_default_timeout(QUICK_MS)
    try:
        yield
    finally:
        page.set_default_timeout(PLAYWRIGHT_TIMEOUT_MS)


def test_a_form_submitted_once_is_said_to_be_left_when_used_again(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    customer = customers.create("FR")
    form = edit_account(admin_page, customer.companyName)
    submit_changes(form, {"city": "Lyon", "postalCode": "69001"})
    admin_page.set_default_timeout(QUICK_MS)

    with pytest.raises(ScreenLeftError) as left:
        submit_changes(form, {"city": "Nantes", "postalCode": "44000"})

    assert "form is no longer shown" in str(left.value) and "Open it again" in str(left.value), left.value
    assert customer.companyName in str(left.value), "expected what the page shows instead (the Account page)"
    with pytest.raises(ScreenLeftError, match="form is no longer shown"):
        form.submit()  # Submit alone, nothing typed: not Submit waited for until the timeout
    saved = api.billing_profile(customer.id)
    assert (saved.city, saved.postalCode) == ("Lyon", "69001"), "the second Submit must send nothing"


def test_an_edit_form_left_by_cancel_is_said_to_be_left(admin_page: Page, customers: CustomerFactory) -> None:
    customer = customers.create("US")
    form = AccountEditPage(admin_page).open(customer.id)
    form.cancel()
    admin_page.set_default_timeout(QUICK_MS)

    with pytest.raises(ScreenLeftError, match="edit form is no longer shown"):
        form.values()
    with pytest.raises(ScreenLeftError, match="edit form is no longer shown"):
        form.fill({"city": "Denver"})
    with pytest.raises(ScreenLeftError, match="edit form is no longer shown"):
        form.submit()


def test_a_list_or_account_page_object_after_the_page_went_elsewhere_says_so(
    admin_page: Page, customers: CustomerFactory
) -> None:
    customer = customers.create("CN")
    account = AccountPage(admin_page).open(customer.id)
    assert account.can_edit(), "the global admin may edit"
    listed = open_customers(admin_page)
    DashboardPage(admin_page).open()  # a deployment's pages may come slowly: waited for as ever
    admin_page.set_default_timeout(QUICK_MS)

    # Neither a quiet wrong answer (no customers; "may not edit") nor a timeout: the screen was left
    with pytest.raises(ScreenLeftError, match="Customers list is no longer shown"):
        listed.company_names()
    with pytest.raises(ScreenLeftError, match="Customers list is no longer shown"):
        listed.search(customer.companyName)
    with pytest.raises(ScreenLeftError, match="Account page is no longer shown"):
        account.can_edit()


def test_an_account_page_object_read_after_the_page_went_to_its_form_says_it_was_left(
    admin_page: Page, customers: CustomerFactory
) -> None:
    customer = customers.create("CN")
    account = AccountPage(admin_page).open(customer.id)
    account.edit()

    # Not "the Account page does not show companyName, ...": the page shows the form now, not that Account page
    with said_at_once(admin_page), pytest.raises(ScreenLeftError, match="Account page is no longer shown") as left:
        account.billing_profile()
    assert "Open it again" in str(left.value), left.value

    DashboardPage(admin_page).open()  # a deployment's pages may come slowly: waited for as ever
    with said_at_once(admin_page), pytest.raises(ScreenLeftError, match="Account page is no longer shown"):
        account.account_info()


@pytest.mark.parametrize(
    ("values", "error", "said"),
    [
        pytest.param({"City": "Paris"}, ValueError, "knows no label of the fields City", id="unknown-name"),
        pytest.param({"postal_code": "75001"}, ValueError, r"postal_code \(postalCode\?\)", id="spelled-otherwise"),
        pytest.param({"city": 5}, TypeError, "city=5", id="not-text"),
        pytest.param({"country": "FR"}, ValueError, "Not editable billing fields: country", id="read-only"),
        pytest.param("city=Paris", TypeError, "maps field names to text", id="not-a-mapping"),
    ],
)
def test_a_form_s_fill_refuses_values_it_cannot_type_before_typing(
    page: Page, values: object, error: type[Exception], said: str
) -> None:
    page.set_default_timeout(QUICK_MS)  # nothing to wait for: the page is blank

    with pytest.raises(error, match=said):
        AccountEditPage(page).fill(values)  # type: ignore[arg-type]


def test_a_page_used_from_another_thread_is_refused_before_anything_is_sent(page: Page) -> None:
    page.set_content("<title>mine</title>")

    with ThreadPoolExecutor(1) as other:
        flow = other.submit(update_customer_account, page, "Contoso", {"city": "Lyon"})
        screen = other.submit(AccountPage, page)
        for attempt in (flow, screen):
            with pytest.raises(WrongThreadError, match="open a portal_session in each thread"):
                attempt.result()

    assert page.title() == "mine", "the page still answers its own thread, nothing queued from the other"


def test_a_session_inside_asyncio_says_to_run_it_in_a_thread() -> None:
    raised: list[BaseException] = []

    async def job() -> None:
        with portal_session("http://127.0.0.1:9/", "global-admin", "password"):
            pass

    def run_job() -> None:  # a thread of its own: this one may run Playwright's loop already
        try:
            asyncio.run(job())
        except BaseException as error:
            raised.append(error)

    worker = threading.Thread(target=run_job)
    worker.start()
    worker.join(60)

    assert len(raised) == 1 and isinstance(raised[0], WrongThreadError), raised
    assert "asyncio.to_thread" in str(raised[0])


def test_a_session_in_a_thread_running_playwright_says_to_pass_it(playwright: Playwright) -> None:
    with pytest.raises(WrongThreadError, match=r"playwright=\.\.\."):
        portal_session("http://127.0.0.1:9/", "global-admin", "password").__enter__()


@pytest.mark.parametrize(
    ("arguments", "refused", "said"),
    [
        pytest.param({"username": None}, TypeError, "username is str: not NoneType", id="no-username"),
        pytest.param({"slowmo": "100"}, TypeError, "slowmo is int or float: not str", id="slowmo-text"),
        pytest.param({"password": 1234}, TypeError, "password is str or None: not int", id="password-number"),
        pytest.param({"trace": True}, TypeError, "trace is str or Path or None: not bool", id="trace-flag"),
        pytest.param({"headed": "no"}, TypeError, "headed is bool: not str", id="headed-text"),
        pytest.param({"renew_sign_in": 0}, TypeError, "renew_sign_in is bool: not int", id="renew-sign-in-number"),
        pytest.param({"ignore_https_errors": "yes"}, TypeError, "ignore_https_errors is bool: not str",
                     id="https-text"),
        pytest.param({"username": " "}, ValueError, "username is empty", id="blank-username"),
        pytest.param({"password": ""}, ValueError, "password is empty: give the user's password, or None",
                     id="empty-password"),
    ],
)  # fmt: skip
def test_session_arguments_that_cannot_work_are_refused_before_a_browser_starts(
    arguments: dict[str, object], refused: type[Exception], said: str
) -> None:
    given = {"username": "global-admin", "password": "password", **arguments}

    with pytest.raises(refused, match=said):
        portal_session("http://127.0.0.1:9/", **given).__enter__()  # type: ignore[arg-type]


def test_no_password_and_no_saved_sign_in_is_refused_before_a_browser_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session, "sync_playwright", lambda: pytest.fail("a browser started"))

    with pytest.raises(ValueError, match=r"needs a password, or a saved sign-in \(storage_state\)"):
        portal_session("http://127.0.0.1:9/", "global-admin", None).__enter__()  # as os.environ.get(...) gives


def test_the_block_s_own_error_goes_on_when_it_closed_what_the_trace_records(
    base_url: str, make_user: Callable[[str], User], tmp_path: Path, playwright: Playwright
) -> None:
    user = make_user("admin-agent")
    trace = tmp_path / "trace.zip"

    session = portal_session(
        base_url, user.name, user.password, totp_secret=user.totp_secret, trace=trace, playwright=playwright
    )
    with pytest.raises(KeyError, match="the script's own") as raised, session as page:
        page.context.close()
        raise KeyError("the script's own")

    assert any(f"No trace written to {trace}" in note for note in raised.value.__notes__), raised.value.__notes__
    assert not trace.exists()


def test_a_trace_is_written_when_the_block_ends_well(
    base_url: str, make_user: Callable[[str], User], tmp_path: Path, playwright: Playwright
) -> None:
    user = make_user("admin-agent")
    trace = tmp_path / "trace.zip"

    with portal_session(
        base_url, user.name, user.password, totp_secret=user.totp_secret, trace=trace, playwright=playwright
    ):
        pass

    assert zipfile.is_zipfile(trace)


def test_changes_the_account_already_holds_are_not_submitted(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    customer = customers.create("CN")
    submitted = portal_requests.submits_seen(admin_page)

    profile = update_customer_account(admin_page, customer.id, {"city": customer.billing.city})

    assert profile == customer.billing
    assert submitted == [], f"expected no Submit for values already held; sent {submitted}"
    assert api.billing_profile(customer.id) == customer.billing
    # A change among them is submitted, the held values with it
    changed = update_customer_account(admin_page, customer.id, {"city": customer.billing.city, "addressLine2": "B7"})
    assert changed == dataclasses.replace(customer.billing, addressLine2="B7") and len(submitted) == 1


def test_a_value_held_but_for_the_spaces_around_it_is_not_submitted(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    customer = customers.create("CN")  # the portal trims what a paste leaves around a value: " X " is saved "X"
    submitted = portal_requests.submits_seen(admin_page)

    profile = update_customer_account(admin_page, customer.id, {"city": f" {customer.billing.city}\t"})

    assert profile == customer.billing
    assert submitted == [], f"expected no Submit for a value already held; sent {submitted}"
    # ... where a change is one Submit, seen as such
    update_customer_account(admin_page, customer.id, {"city": f" {customer.billing.city}X"})
    assert len(submitted) == 1, f"expected the change's Submit to be seen; sent {submitted}"
    assert api.billing_profile(customer.id).city == f"{customer.billing.city}X", "saved trimmed, as a paste is"


def test_a_culture_held_but_for_its_case_is_not_submitted(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    customer = customers.create("CN", culture="en-US", language="en")  # a code: "en-us" names the same culture
    submitted = portal_requests.submits_seen(admin_page)

    profile = update_customer_account(admin_page, customer.id, {"culture": "EN-us"})

    assert profile == customer.billing
    assert submitted == [], f"expected no Submit for a culture already held; sent {submitted}"
    # ... where another culture written so is one Submit, saved as the country's list spells it
    update_customer_account(admin_page, customer.id, {"culture": "ZH-cn"})
    assert len(submitted) == 1, f"expected the change's Submit to be seen; sent {submitted}"
    stored = api.billing_profile(customer.id)
    assert (stored.culture, stored.language) == ("zh-CN", "zh")


def test_a_form_given_no_change_at_all_is_not_submitted(
    admin_page: Page, customers: CustomerFactory, portal_requests: PortalRequests
) -> None:
    customer = customers.create("CN")
    form = edit_account(admin_page, customer.id)
    submitted = portal_requests.submits_seen(admin_page)

    with pytest.raises(ValueError, match="No changes given"):
        submit_changes(form, {})

    assert submitted == [], f"expected no Submit without a change; sent {submitted}"
    assert form.values()["city"] == customer.billing.city, "the form is still open, as it was"
    submit_changes(form, {"addressLine2": "B7"})  # ... and a change is one Submit, seen as such
    assert len(submitted) == 1, f"expected the change's Submit to be seen; sent {submitted}"


def test_a_customer_opened_by_its_microsoft_id(admin_page: Page, customers: CustomerFactory) -> None:
    customer = customers.create("US")

    opened = open_customer(admin_page, "{" + customer.id.upper() + "}")

    assert opened.account().account_info().microsoftId == customer.id


def test_signed_out_names_the_sign_in_page_without_its_query_and_says_what_to_do(page: Page) -> None:
    with pytest.raises(SignedOutError) as signed_out:
        DashboardPage(page).open()  # a context that never signed in, with no way to sign in again

    said = str(signed_out.value)
    assert "?" not in said and "code_challenge" not in said, "the sign-in page's query is noise, and private"
    assert "Sign in again (flows.complete_sign_in)" in said, said


@pytest.mark.parametrize(
    ("markup", "said"),
    [
        pytest.param('<a href="#">Éditer</a><button>Annuler</button>', "nothing of that name is shown (the page "
                     "offers 'Éditer', 'Annuler')", id="label-changed"),
        pytest.param("<button disabled>Edit</button>", "it is shown, but disabled", id="disabled"),
    ],
)  # fmt: skip
def test_a_control_that_cannot_be_selected_says_why(page: Page, markup: str, said: str) -> None:
    page.set_content(markup)
    page.set_default_timeout(1_000)

    with pytest.raises(UnknownPageError) as refused:
        Screen(page).select(page.get_by_role("link", name="Edit").or_(page.get_by_role("button", name="Edit")), "Edit")

    assert str(refused.value).endswith(said), refused.value


def test_next_shown_only_disabled_is_said_at_once(page: Page) -> None:
    pager = '<nav aria-label="Pages"><button disabled>Previous</button><button disabled>Next</button></nav>'
    page.set_content(f'{pager}<section role="region" aria-label="Customers"><table><tr><td>Fabrikam</td></tr></table>')
    page.set_default_timeout(QUICK_MS)
    listed = CustomersPage(page)

    for move, what in ((listed.next_page, "Next"), (listed.previous_page, "Previous")):
        with pytest.raises(PortalError, match=f"^{what} is shown but disabled on page 1 of the Customers list"):
            move()


def test_the_last_state_of_a_control_is_said_and_a_page_too_busy_to_list_its_controls_still_answers(
    browser: Browser,
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(2_000)
        # A button disabled, then hidden: the last state is said
        page.set_content(
            "<button disabled>Edit</button>"
            "<script>setTimeout(() => { document.querySelector('button').hidden = true }, 500)</script>"
        )
        with pytest.raises(UnknownPageError, match=r"it is there, but hidden$"):
            Screen(page).select(page.get_by_role("button", name="Edit", include_hidden=True), "Edit")
        # A page whose script never lets go: the timeout is said, without the names it cannot give
        page.set_content("<a href='#'>Éditer</a><script>setTimeout(() => { for (;;) {} }, 100)</script>")
        with pytest.raises(UnknownPageError, match=r"nothing of that name is shown$"):
            Screen(page).select(page.get_by_role("link", name="Edit"), "Edit")
    finally:
        context.close()


def test_next_enabled_a_moment_after_the_list_shows_is_selected(page: Page) -> None:
    markup = paged_list([["Fabrikam"], ["Northwind"]]).replace(
        "draw();\n</script>",
        "draw();\nconst nexts = document.querySelectorAll('.next');\nnexts.forEach(next => next.disabled = true);\n"
        "setTimeout(() => nexts.forEach(next => next.disabled = false), 800);\n</script>",
    )
    page.set_content(markup)
    page.set_default_timeout(QUICK_MS)

    assert CustomersPage(page).next_page().company_names() == ["Northwind"]
