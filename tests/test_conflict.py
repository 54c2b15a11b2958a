"""Concurrent edits: a Submit over a profile changed since the form opened saves nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from test_update_accounts import another_agent_at_submit

from fixtures.api_client import ApiError, PortalApi
from fixtures.test_data import CustomerFactory
from flows import EditConflictError, edit_account, submit_changes, update_customer_account
from pages import AccountEditPage
from plugins.portal_requests import PortalRequests
from plugins.portal_words import PortalWords

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]


def test_second_agent_submit_is_refused_and_first_agent_data_survives(
    page_as: Callable[..., Page],
    customers: CustomerFactory,
    api: PortalApi,
    portal_words: PortalWords,
) -> None:
    # Given two agents who opened the same customer's edit form
    customer = customers.create("CN")
    first = edit_account(page_as("global-admin"), customer.companyName)
    second = edit_account(page_as("admin-agent"), customer.companyName)

    # When the first submits, then the second
    submit_changes(first, {"city": "深圳市"})
    with pytest.raises(EditConflictError):
        overwritten = submit_changes(second, {"city": "广州市", "postalCode": "510000"})
        pytest.fail(f"expected a conflict; the stale form's Submit was saved over the first agent's: {overwritten}")

    # Then the second sees why, keeps what they typed, and the first agent's data stands
    expect(second.page.get_by_text(portal_words["en-US"]["conflict"]).filter(visible=True).first).to_be_visible()
    assert second.values()["city"] == "广州市"
    assert second.values()["postalCode"] == "510000"
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="深圳市")


def test_submit_after_an_api_change_is_refused_until_reloaded(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given an open form, and another client changing the profile through the API meanwhile
    customer = customers.create("US")
    form = edit_account(admin_page, customer.companyName)
    api.update_billing(customer.id, {"phoneNumber": "415-555-0100"})

    # When the form is submitted, it is refused; submitting the same form again is refused too
    with pytest.raises(EditConflictError):
        overwritten = submit_changes(form, {"city": "Seattle", "state": "WA", "postalCode": "98101"})
        pytest.fail(f"expected a conflict; the stale form's Submit was saved over the API's change: {overwritten}")
    with pytest.raises(EditConflictError):
        overwritten = submit_changes(form, {})
        pytest.fail(f"expected the same form refused again; its second Submit was saved: {overwritten}")

    # Then only after a reload does the change go through, on top of the API's change
    saved = update_customer_account(
        admin_page, customer.companyName, {"city": "Seattle", "state": "WA", "postalCode": "98101"}
    )
    expected = dataclasses.replace(
        customer.billing, phoneNumber="415-555-0100", city="Seattle", state="WA", postalCode="98101"
    )
    assert saved == expected
    assert api.billing_profile(customer.id) == expected


def test_api_put_with_the_etag_from_before_an_agent_s_save_is_refused_and_saves_nothing(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given an API client holding the billing profile, and an agent saving a change in the portal meanwhile
    customer = customers.create("FR")
    held = api.billing_resource(customer.id)
    held_etag = held["attributes"]["etag"]
    saved = update_customer_account(admin_page, customer.companyName, {"city": "Lyon", "postalCode": "69001"})

    # When the client replaces the profile with the etag it read before the agent's save
    held["defaultAddress"]["city"] = "Marseille"
    path = f"v1/customers/{customer.id}/profiles/billing"
    with pytest.raises(ApiError) as refused:
        api.call("PUT", path, held, headers={"If-Match": f'"{held_etag}"'})
        pytest.fail("expected 412 Precondition Failed; the PUT with the etag from before the agent's save was taken")

    # Then it is told the etag is no longer valid (412, code 2055), and the agent's save stands
    assert (refused.value.status, refused.value.body.get("code")) == (412, 2055), refused.value
    expected = dataclasses.replace(customer.billing, city="Lyon", postalCode="69001")
    assert saved == expected
    assert api.billing_profile(customer.id) == expected


# The bundled portal's order: the stale etag before the fields. A deployment may check the fields first, in the
# browser, before anything is sent; the spec says only that a stale Submit is a conflict.
@pytest.mark.bundled
def test_stale_submit_with_an_invalid_value_is_a_conflict_and_saves_nothing(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_words: PortalWords
) -> None:
    # Given an open form, and another client changing the profile through the API meanwhile
    customer = customers.create("CN")
    form = edit_account(admin_page, customer.companyName)
    api.update_billing(customer.id, {"city": "天津市"})
    changed = dataclasses.replace(customer.billing, city="天津市")

    # When the form is submitted with a new city and a postal code China refuses (5 digits, not 6)
    with pytest.raises(EditConflictError):
        overwritten = submit_changes(form, {"city": "广州市", "postalCode": "51000"})
        pytest.fail(f"expected a conflict; the stale form's invalid values were answered otherwise: {overwritten}")

    # Then the agent is told that someone else changed it, keeps what they typed, and nothing is saved
    # Said where a person sees it, in the portal's words: an alert, or a bar of a deployment's own
    expect(form.page.get_by_text(portal_words["en-US"]["conflict"]).filter(visible=True).first).to_be_visible()
    assert (form.values()["city"], form.values()["postalCode"]) == ("广州市", "51000")
    assert api.billing_profile(customer.id) == changed


def test_a_submit_the_browser_sent_again_after_it_saved_is_taken_as_saved_not_as_a_conflict(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given a Submit the portal saves whose answer is lost on the way: the browser sends the form again (as it does
    # when the connection drops before any answer), and the portal refuses the copy as a change over its own
    customer = customers.create("FR")
    answers = portal_requests.send_submit_twice(admin_page, customer.id)

    # When the account is updated
    saved = update_customer_account(admin_page, customer.companyName, {"city": "Lyon", "postalCode": "69001"})

    # Then the change is said saved, as it is: no conflict over the portal's own save
    assert answers[1] in (409, 412), f"expected the copy refused as a conflict, the portal answered {answers}"
    expected = dataclasses.replace(customer.billing, city="Lyon", postalCode="69001")
    assert saved == expected
    assert api.billing_profile(customer.id) == expected


def test_a_conflict_over_other_values_is_still_a_conflict_after_the_account_is_read_again(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given another client saving another city just before the agent's Submit arrives
    customer = customers.create("FR")
    another_agent_at_submit(api, customer, {"city": "Marseille"}, portal_requests)(admin_page.context)

    # When the account is updated, it is a conflict: the account holds theirs, not the values given
    with pytest.raises(EditConflictError):
        overwritten = update_customer_account(admin_page, customer.companyName, {"city": "Lyon"})
        pytest.fail(f"expected a conflict; the account read again was taken for the agent's save: {overwritten}")

    # Then theirs stands, and the form still holds what the agent typed
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="Marseille")
    assert AccountEditPage(admin_page).values()["city"] == "Lyon"


def test_a_conflict_over_a_change_of_accents_alone_is_not_taken_for_the_agent_s_save(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given an agent adding the accent to a city, and another client saving it in capitals just before the Submit
    customer = customers.create("FR", city="Besancon")
    another_agent_at_submit(api, customer, {"city": "BESANCON"}, portal_requests)(admin_page.context)

    # Then it is a conflict: capitals without the accent may be the portal's tidying of it, or theirs alone
    with pytest.raises(EditConflictError):
        overwritten = update_customer_account(admin_page, customer.companyName, {"city": "Besançon"})
        pytest.fail(f"expected a conflict; another client's capitals were taken for the agent's save: {overwritten}")
    assert api.billing_profile(customer.id).city == "BESANCON"
