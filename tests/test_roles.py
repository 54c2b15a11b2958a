"""Roles: who may edit billing information, in the UI and against forged requests."""

from __future__ import annotations

import dataclasses
import json
import urllib.parse
from collections.abc import Callable

import pytest
from forged_requests import SentRequest, SessionValues, catch, send_as, stopped_submit
from playwright.sync_api import Page, Route, expect

from fixtures.api_client import ApiError, PortalApi
from fixtures.test_data import CustomerFactory, as_shown
from flows import (
    NewCustomer,
    NotAllowedError,
    PortalUnavailableError,
    edit_account,
    open_customer,
    open_customers,
    update_customer_account,
)
from pages import AccountEditPage, AccountPage
from plugins.portal_requests import PortalRequests

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]


@pytest.mark.parametrize("role", ["global-admin", "admin-agent", "sales-agent"])
def test_editing_roles_can_update_billing_info(
    role: str, page_as: Callable[..., Page], customers: CustomerFactory, api: PortalApi
) -> None:
    customer = customers.create("CN")

    update_customer_account(page_as(role), customer.companyName, {"city": "杭州市"})

    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="杭州市")


def test_help_desk_agent_sees_the_account_but_no_edit(page_as: Callable[..., Page], customers: CustomerFactory) -> None:
    customer = customers.create("CN")
    page = page_as("helpdesk-agent")

    account = open_customer(page, customer.companyName).account()

    shown = account.billing_profile()
    assert shown == as_shown(customer.billing, shown)
    expect(account.edit_link).to_have_count(0)
    with pytest.raises(NotAllowedError):
        form = edit_account(page, customer.companyName)
        pytest.fail(f"expected no edit form for the help desk agent; it opened at {form.page.url}")


def test_help_desk_agent_cannot_open_the_edit_form_by_its_address(
    page_as: Callable[..., Page], customers: CustomerFactory, edit_form_address: Callable[[str], str | None]
) -> None:
    customer = customers.create("US")
    address = edit_form_address(customer.id)
    page = page_as("helpdesk-agent")

    if address is None:  # the form opens in place, where the Account page is: there the agent finds no form
        account = AccountPage(page).open(customer.id)
        expect(account.edit_link).to_have_count(0)
        expect(AccountEditPage(page).submit_button).to_have_count(0)
    else:
        page.goto(address)
        with pytest.raises(NotAllowedError):
            AccountEditPage(page).wait_until_ready()
            pytest.fail(f"expected the portal to refuse the help desk agent; its edit form showed at {page.url}")


def test_help_desk_agent_forged_submit_is_refused_and_saves_nothing(
    page_as: Callable[..., Page],
    admin_page: Page,
    customers: CustomerFactory,
    api: PortalApi,
    portal_requests: PortalRequests,
) -> None:
    # Given the Submit a global admin's change sends, stopped on its way
    customer = customers.create("FR")
    admin = SessionValues.watching(admin_page)
    sent = stopped_submit(admin_page, portal_requests, customer, "Marseille")

    # When that request is sent in a help desk agent's name (its anti-forgery values and token, from its Account page)
    refused = send_as(sent, SessionValues.watching(page_as("helpdesk-agent")), customer)

    # Then the portal refuses it and nothing changed
    stored = api.billing_profile(customer.id)
    said = f"expected 401 or 403; the portal answered {refused.status} ({refused.url}): {stored}"
    assert refused.status in (401, 403), said
    assert stored == customer.billing
    # While the same request made out the same way in the admin's name saves: the refusal was of the agent
    saved = send_as(sent, admin, customer)
    assert saved.status < 400, f"the admin's own Submit, sent again, was answered {saved.status} ({saved.url})"
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="Marseille")


def test_an_admin_s_submit_sent_by_another_site_is_refused_and_saves_nothing(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given the Submit a global admin's change sends, stopped on its way
    customer = customers.create("CN")
    admin = SessionValues.watching(admin_page)
    sent = stopped_submit(admin_page, portal_requests, customer, "南京市")

    # When another site's page sends it from the admin's browser: with its cookies, without what only the portal's
    # pages hold (the form's anti-forgery values, the script's bearer token)
    refused = sent.from_site("https://pages.attacker.example").send_from(admin_page)

    # Then the portal refuses it and nothing changed
    stored = api.billing_profile(customer.id)
    said = f"expected 400, 401 or 403; the portal answered {refused.status} ({refused.url}): {stored}"
    assert refused.status in (400, 401, 403), said
    assert stored == customer.billing
    # While the same request made out the same way with the admin's page's own values saves: the refusal was of the site
    saved = send_as(sent, admin, customer)
    assert saved.status < 400, f"the admin's own Submit, sent again, was answered {saved.status} ({saved.url})"
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="南京市")


def test_help_desk_agent_api_change_is_refused_and_saves_nothing(
    customers: CustomerFactory, api: PortalApi, role_api: Callable[[str], PortalApi]
) -> None:
    # Given a help desk agent's own API token (the same client as the suite's, from its sign-in in the browser)
    customer = customers.create("CN")
    help_desk = role_api("helpdesk-agent")

    # When it changes the billing profile through the REST API, with the current etag
    with pytest.raises(ApiError) as refused:
        changed = help_desk.update_billing(customer.id, {"city": "杭州市"})
        pytest.fail(f"expected the API to refuse the help desk agent; it saved {changed}")

    # Then the API refuses with 403 and nothing changed
    assert refused.value.status == 403, f"expected 403; the API answered {refused.value}"
    assert api.billing_profile(customer.id) == customer.billing


def stop_sent(caught: list[SentRequest], holding: str) -> Callable[[Route], None]:
    """Return a route handler that notes each request sending ``holding`` (in a form's or a JSON body) and stops it
    there (``catch``); the rest (pages, a telemetry beacon, a token's renewal) go on."""
    stop_it = catch(caught)

    def stop(route: Route) -> None:
        body = route.request.post_data or ""
        if holding in urllib.parse.unquote_plus(body) or json.dumps(holding)[1:-1] in body:
            stop_it(route)
        else:
            route.fallback()

    return stop


def listed_named(page: Page, name: str) -> list[str]:
    """The company names the Customers list finds by a search for ``name``."""
    return open_customers(page).search(name).company_names()


def test_help_desk_agent_forged_add_customer_is_refused_and_creates_nothing(
    page_as: Callable[..., Page], admin_page: Page, customers: CustomerFactory
) -> None:
    # Given the request a global admin's Add customer sends, stopped on its way
    values = customers.values("CN")
    admin = SessionValues.watching(admin_page)
    form = open_customers(admin_page).add_customer().fill(NewCustomer(**values).form_values())
    caught: list[SentRequest] = []
    admin_page.route("**/*", stop_sent(caught, values["companyName"]))
    with pytest.raises(PortalUnavailableError):
        form.submit()
    admin_page.unroute("**/*")
    assert caught, "Add customer's request was never stopped"

    # When it is sent in a help desk agent's name (its anti-forgery values and token, from its Customers list)
    help_desk = SessionValues.watching(page_as("helpdesk-agent"))
    open_customers(help_desk.page)
    refused = caught[0].as_session(help_desk).send_from(help_desk.page)

    # Then the portal refuses it and no customer was made
    name = values["companyName"]
    assert refused.status in (401, 403), f"expected 401 or 403; the portal answered {refused.status} ({refused.url})"
    made = listed_named(admin_page, name)
    assert made == [], f"the help desk agent's forged Add customer was refused, yet the list finds {made}"
    # While the same request made out the same way in the admin's name makes it: the refusal was of the agent
    saved = caught[0].as_session(admin).send_from(admin_page)
    assert saved.status < 400, f"the admin's own Add customer, sent again, was answered {saved.status} ({saved.url})"
    made = listed_named(admin_page, name)
    assert made == [name], f"the admin's own Add customer, sent again, made no customer the list finds ({made})"
