"""Roles: who may edit billing information, in the UI and against forged requests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from fixtures.api_client import ApiError, PortalApi
from fixtures.test_data import CustomerFactory
from flows import NotAllowedError, edit_account, open_customer, update_customer_account
from pages import AccountEditPage

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

    assert account.billing_profile() == customer.billing
    expect(account.edit_link).to_have_count(0)
    with pytest.raises(NotAllowedError):
        form = edit_account(page, customer.companyName)
        pytest.fail(f"expected no edit form for the help desk agent; it opened at {form.page.url}")


def test_help_desk_agent_cannot_open_the_edit_form_by_its_address(
    page_as: Callable[..., Page], customers: CustomerFactory, edit_form_address: Callable[[str], str]
) -> None:
    customer = customers.create("US")
    page = page_as("helpdesk-agent")

    page.goto(edit_form_address(customer.id))

    with pytest.raises(NotAllowedError):
        AccountEditPage(page).wait_until_ready()
        pytest.fail(f"expected the portal to refuse the help desk agent; its edit form showed at {page.url}")


def test_help_desk_agent_forged_submit_is_refused_and_saves_nothing(
    page_as: Callable[..., Page], customers: CustomerFactory, api: PortalApi, edit_form_address: Callable[[str], str]
) -> None:
    # Given a help desk agent's session, with its valid CSRF token (from the sign-out form)
    customer = customers.create("FR")
    page = page_as("helpdesk-agent")
    open_customer(page, customer.companyName).account()
    token = page.get_by_role("banner").locator("input[name=csrf_token]").input_value()
    etag = api.billing_resource(customer.id)["attributes"]["etag"]

    # When it posts the edit form directly
    form = {**customer.billing.as_dict(), "city": "Marseille", "csrf_token": token, "etag": etag}
    response = page.request.post(edit_form_address(customer.id), form=form)

    # Then the portal refuses and nothing changed
    stored = api.billing_profile(customer.id)
    assert response.status == 403, f"expected 403; the portal answered {response.status} ({response.url}): {stored}"
    assert stored == customer.billing


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
