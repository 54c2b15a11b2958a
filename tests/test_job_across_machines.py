"""One file run on two machines at once: no lock reaches across them, so the portal's own values protect the rows.

The other machine's run is played through the API, at the moment it would get ahead of this one: after this
run's check, before its form is loaded or its Submit arrives. The portal's activity log tells this run's changes
(made through its pages) from the other's (made through the API).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import pytest
from playwright.sync_api import BrowserContext, Route
from test_update_accounts import portal_changes, signed_in_as

from fixtures.api_client import Customer, PortalApi
from fixtures.directory import User
from fixtures.test_data import CustomerFactory
from flows import update_accounts
from plugins.portal_requests import PortalRequests

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]


def other_machine_at(
    moment: Literal["form", "submit"], api: PortalApi, customer: Customer, values: dict[str, str],
    portal: PortalRequests,
) -> Any:  # fmt: skip
    """Return a context setup in which the other machine saves ``values`` just before the customer's form is first
    loaded (``moment`` "form") or first submitted ("submit")."""

    shape = portal.submit if moment == "submit" else portal.screen("edit")  # looked up in the test, not in the job

    def setup(context: BrowserContext) -> None:
        def edit(route: Route) -> None:
            api.update_billing(customer.id, values)
            route.continue_()

        portal.route(context, edit, shape, customer_id=customer.id, times=1)

    return setup


@pytest.mark.parametrize("moment", ["form", "submit"], ids=["before-the-form", "before-submit"])
def test_a_row_the_other_machine_applied_after_the_check_is_unchanged_and_not_submitted_again(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    moment: Literal["form", "submit"],
    portal_requests: PortalRequests,
) -> None:
    # Given the other machine, which applies the row after this run's check
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")
    row = {"customer": customer.companyName, "city": "Lyon", "postalCode": "69001"}
    setup = other_machine_at(moment, api, customer, {"city": "Lyon", "postalCode": "69001"}, portal_requests)

    # When this run applies it
    [outcome] = update_accounts([row], base_url, user.name, **signed_in_as(user, api), setup_context=setup)

    # Then it finds the values held: unchanged, nothing submitted through the portal's pages
    assert outcome.outcome == "unchanged", outcome.messages
    assert portal_changes(api, customer) == []


def test_a_run_behind_the_other_machine_s_does_not_put_an_earlier_row_s_value_back(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    # Given two rows moving one customer, which the other machine applies after this run's check
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")
    rows = [{"customer": customer.companyName, "city": "Lyon"}, {"customer": customer.companyName, "city": "Nice"}]
    setup = other_machine_at("form", api, customer, {"city": "Nice"}, portal_requests)

    # When this run applies them
    outcomes = update_accounts(rows, base_url, user.name, **signed_in_as(user, api), setup_context=setup)

    # Then the first row leaves the later row's value alone, saying so, and neither row submits anything
    assert [outcome.outcome for outcome in outcomes] == ["unchanged", "unchanged"], outcomes
    said = "city: not applied, row 2 (later in the file) sets it to the value the portal now holds"
    assert said in outcomes[0].messages
    assert api.billing_profile(customer.id).city == "Nice" and portal_changes(api, customer) == []


def test_a_value_another_writer_saved_after_the_check_is_a_conflict_not_overwritten(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    # Given another writer, who saves another city after this run's check, before the form is loaded
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")
    setup = other_machine_at("form", api, customer, {"city": "Marseille"}, portal_requests)

    # When this run applies a row changing the city
    [outcome] = update_accounts([{"customer": customer.companyName, "city": "Lyon"}], base_url, user.name,
                                **signed_in_as(user, api), setup_context=setup)  # fmt: skip

    # Then their value is kept, the row a conflict with both values
    assert (outcome.outcome, outcome.before, outcome.after) == ("conflict", {"city": "Paris"}, {"city": "Marseille"})
    assert "city: yours 'Lyon', theirs 'Marseille'" in outcome.messages
    assert api.billing_profile(customer.id).city == "Marseille" and portal_changes(api, customer) == []
