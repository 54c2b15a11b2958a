"""A link or Submit the portal does not answer: refused at once, or left hanging until the timeout.

Either way the script gets the library's typed error, saying what was selected and where, never
Playwright's own timeout or a wait on the browser's error page as if it were a screen.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator

import pytest
from browser_words import REFUSED_BY_ROUTE
from forged_requests import answer_headers
from playwright.sync_api import Page, Route

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import PageError, PortalUnavailableError, UnknownPageError, edit_account, submit_changes
from pages import AccountPage, CustomerPage, screen_addresses
from plugins.portal_requests import PortalRequests

pytestmark = pytest.mark.regression

SHORT_TIMEOUT_MS = 2_000  # a hang is waited on this long, not the default 30 s; also the test's bound for "at once"
# A Submit passed on to the portal before the gateway answers it: its save in the click's wait, on a loaded machine
# too (that none of the wait was waited out is told by the error's causes: no timeout among them)
PASSED_ON_TIMEOUT_MS = 15_000


@pytest.fixture
def held(admin_page: Page) -> Iterator[list[Route]]:
    """Requests kept unanswered (a portal that hangs); let go, refused, when the test ends."""
    routes: list[Route] = []
    yield routes
    for route in routes:
        route.abort()


def test_a_link_whose_connection_is_refused_is_unavailable_at_once(
    admin_page: Page, customers: CustomerFactory, portal_requests: PortalRequests
) -> None:
    # Given the Account page, and a portal that refuses the connection Edit opens
    customer = customers.create("CN")
    account = AccountPage(admin_page).open(customer.id)
    portal_requests.route_screens(admin_page, lambda route: route.abort("connectionrefused"), "edit")
    admin_page.set_default_timeout(SHORT_TIMEOUT_MS)

    # When Edit is selected, then the error says the portal did not answer Edit, from where
    # (its reason, or, should the browser's word come late, the browser's own error page it shows)
    answer = rf"did not answer Edit at http\S+/account: ({REFUSED_BY_ROUTE}|the browser shows its own)"
    with pytest.raises(PortalUnavailableError, match=answer):
        account.edit()


def test_a_screen_awaited_on_the_browser_s_error_page_is_unavailable(
    admin_page: Page, customers: CustomerFactory, portal_requests: PortalRequests
) -> None:
    # Given a customer's menu whose Account link the portal refuses, selected by hand
    customer = customers.create("FR")
    customer_page = CustomerPage(admin_page).open(customer.id)
    portal_requests.route_screens(admin_page, lambda route: route.abort("connectionreset"), "account")
    admin_page.set_default_timeout(SHORT_TIMEOUT_MS)
    customer_page.account_link.click()  # the menu as the page object finds it, on any deployment's markup

    # When the Account page is awaited there, then it is the portal's silence, not an unknown page
    with pytest.raises(PortalUnavailableError, match="where the AccountPage was awaited"):
        AccountPage(admin_page).wait_until_ready()


def test_a_link_the_portal_leaves_unanswered_is_unavailable_after_the_timeout(
    admin_page: Page, customers: CustomerFactory, held: list[Route], portal_requests: PortalRequests
) -> None:
    # Given the customer's page, and a portal that takes the Account page's request and never answers
    customer = customers.create("US")
    page = CustomerPage(admin_page).open(customer.id)
    portal_requests.route_screens(admin_page, held.append, "account")
    admin_page.set_default_timeout(SHORT_TIMEOUT_MS)

    # When Account is selected, then the library's error names it and the timeout, not Playwright's own
    with pytest.raises(PortalUnavailableError, match=rf"did not answer Account at \S+: .*Timeout {SHORT_TIMEOUT_MS}ms"):
        page.account()
    assert len(held) == 1, "the Account page was asked for once"


def test_an_address_the_portal_leaves_unanswered_is_unavailable_after_the_timeout(
    admin_page: Page, customers: CustomerFactory, held: list[Route], portal_requests: PortalRequests
) -> None:
    # Given a portal that takes the Account page's request and never answers
    customer = customers.create("CN")
    portal_requests.route_screens(admin_page, held.append, "account")
    admin_page.set_default_timeout(SHORT_TIMEOUT_MS)

    # When the Account page is opened by its address, then the library's error names it and the timeout
    address = re.escape(screen_addresses().of("account", customer.id))  # the deployment's (--screen-addresses)
    unanswered = rf"did not answer {address}: .*Timeout {SHORT_TIMEOUT_MS}ms"
    with pytest.raises(PortalUnavailableError, match=unanswered):
        AccountPage(admin_page).open(customer.id)
    assert len(held) == 1, "the Account page was asked for once"


def test_an_address_whose_page_waits_on_another_site_s_resource_is_opened(
    admin_page: Page, customers: CustomerFactory, held: list[Route], portal_requests: PortalRequests
) -> None:
    # Given an Account page that shows an image from another site (a CDN) that never answers
    customer = customers.create("FR")

    def with_image(route: Route) -> None:
        answer, image = route.fetch(), '<img src="https://cdn.unanswered.test/logo.png" alt="">'
        html = answer.text()  # a single-page portal's too: its shell's body holds the image as the screen is drawn
        html = html.replace("</body>", f"{image}</body>") if "</body>" in html else html + image
        route.fulfill(status=answer.status, headers=answer_headers(answer), body=html)

    portal_requests.route_screens(admin_page, with_image, "account")
    admin_page.route("https://cdn.unanswered.test/**", lambda route: held.append(route))
    # Waited for as ever: a page awaiting its load event would wait out the navigation's timeout, and fail

    # When it is opened by its address, then it is read: the portal answered, its page shows
    info = AccountPage(admin_page).open(customer.id).account_info()
    assert info.companyName == customer.companyName
    assert len(held) == 1, "the page asked the other site for its image, which never answered"


def test_a_submit_the_portal_leaves_unanswered_is_not_known_and_saves_nothing(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, held: list[Route], portal_requests: PortalRequests
) -> None:
    # Given the edit form, and a portal that takes the form and never answers
    customer = customers.create("CN")
    form = edit_account(admin_page, customer.companyName)
    portal_requests.route_submit(admin_page, held.append)
    admin_page.set_default_timeout(SHORT_TIMEOUT_MS)

    # When it is submitted, then whether it was saved is said to be unknown (it was sent), as a typed error
    with pytest.raises(UnknownPageError, match=r"did not answer Submit at \S+ \(.*Timeout.*\): whether anything"):
        submit_changes(form, {"city": "厦门市"})
    assert len(held) == 1, "the form was sent once"
    assert api.billing_profile(customer.id) == customer.billing  # held, it never reached the portal


def test_a_submit_redirected_to_an_address_that_refuses_is_said_at_once(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given an open form, and a gateway that passes its Submit on, then answers it with a redirect to an address
    # refusing connections
    customer = customers.create("CN")
    form = edit_account(admin_page, customer.id)
    gone = {"Location": "http://127.0.0.1:1/account"}  # port 1: nothing listens there
    portal_requests.route_submit(admin_page, saved_then_answered(lambda route: route.fulfill(status=303, headers=gone)))
    admin_page.set_default_timeout(PASSED_ON_TIMEOUT_MS)

    # When it is submitted, the browser's own error page is said at once, not after the timeout waited out on it
    with pytest.raises(UnknownPageError, match="the browser shows its own error page") as said:
        submit_changes(form, {"city": "Shanghai"})
    assert "TimeoutError" not in causes_of(said.value), f"waited the timeout out first: {causes_of(said.value)}"
    assert "whether anything was saved is not known" in str(said.value), said.value
    # ... as it must be: the portal saved the changes
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="Shanghai")


def causes_of(error: BaseException) -> list[str]:
    """Return the names of the errors ``error`` was raised from, nearest first."""
    causes, cause = [], error.__cause__
    while cause is not None:
        causes.append(type(cause).__name__)
        cause = cause.__cause__
    return causes


def saved_then_answered(answer: Callable[[Route], None]) -> Callable[[Route], None]:
    """Return a gateway's handling of Submit that passes it on to the portal (which saves it), then answers it with
    ``answer`` instead of the portal's page: the library cannot know the changes were saved."""

    def handle(route: Route) -> None:
        route.fetch(max_redirects=0)
        answer(route)

    return handle


def test_a_submit_answered_without_a_page_is_said_at_once(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given an open form, and a gateway that passes its Submit on, then answers it with 204 No Content (the browser
    # stays on the form)
    customer = customers.create("CN")
    form = edit_account(admin_page, customer.id)
    portal_requests.route_submit(admin_page, saved_then_answered(lambda route: route.fulfill(status=204)))
    admin_page.set_default_timeout(PASSED_ON_TIMEOUT_MS)

    # When it is submitted, the answer without a page is said at once, not after the timeout waited out for one
    unknown = r"with HTTP 204 and no page: whether anything was saved is not known"
    with pytest.raises(UnknownPageError, match=unknown) as said:
        submit_changes(form, {"city": "Shanghai"})
    assert "TimeoutError" not in causes_of(said.value), f"waited the timeout out first: {causes_of(said.value)}"
    # ... as it must be: the portal saved the changes
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="Shanghai")


def test_a_gateway_s_plain_text_answer_is_its_status_at_once(
    admin_page: Page, customers: CustomerFactory, portal_requests: PortalRequests
) -> None:
    # Given a gateway in front of the portal (Envoy's) that answers the Account page with its own plain text
    customer = customers.create("CN")
    page = CustomerPage(admin_page).open(customer.id)
    words = "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
    portal_requests.route_screens(
        admin_page, lambda route: route.fulfill(status=503, content_type="text/plain", body=words), "account"
    )

    # When Account is selected, then the error is the gateway's status and words, read as soon as shown
    with pytest.raises(PageError, match=rf"answered 503: {words} \(shown as plain text, at \S+/account\)") as raised:
        page.account()
    assert raised.value.status == 503


def test_an_error_answer_without_a_heading_is_its_status(
    admin_page: Page, customers: CustomerFactory, portal_requests: PortalRequests
) -> None:
    # Given a proxy that answers the Account page's address with a bare page of its own, no heading, no title
    customer = customers.create("US")
    bare = "<html><body>Service Unavailable</body></html>"
    portal_requests.route_screens(
        admin_page, lambda route: route.fulfill(status=502, content_type="text/html", body=bare), "account"
    )
    admin_page.set_default_timeout(SHORT_TIMEOUT_MS)

    # When the Account page is opened, then the error is that status (a restart, to a job), with the page's words
    with pytest.raises(
        PageError, match=r"answered 502: Service Unavailable \(a page the library does not know, at \S+/account\)"
    ):
        AccountPage(admin_page).open(customer.id)


def test_a_submit_answered_with_a_download_is_said_at_once(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given an open form, and a gateway that passes its Submit on, then answers it with a file to download (the
    # browser stays on the form)
    customer = customers.create("CN")
    form = edit_account(admin_page, customer.id)
    download = {"Content-Disposition": 'attachment; filename="account.csv"'}
    portal_requests.route_submit(
        admin_page,
        saved_then_answered(
            lambda route: route.fulfill(status=200, headers=download, content_type="text/csv", body="city\nShanghai\n")
        ),
    )
    admin_page.set_default_timeout(PASSED_ON_TIMEOUT_MS)

    # When it is submitted, the download in place of a page is said at once, not after the timeout waited out for one
    unknown = r"with a download \(account\.csv\) and no page: whether anything"
    with pytest.raises(UnknownPageError, match=unknown) as said:
        submit_changes(form, {"city": "Shanghai"})
    assert "TimeoutError" not in causes_of(said.value), f"waited the timeout out first: {causes_of(said.value)}"
    # ... as it must be: the portal saved the changes
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="Shanghai")
