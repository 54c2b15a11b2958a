"""An accounts job whose session ends for good midway: it stops at once, its rows left for a resume.

Signing in again for every row left would fail each row alike, for hours in a large file; with the
password refused (changed, the account locked), each try would count against the account too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Request, Route
from test_update_accounts import portal_changes, signed_in_as

import flows.account
from fixtures.api_client import Customer, PortalApi
from fixtures.directory import User
from fixtures.test_data import CustomerFactory
from flows import SignedOutError, update_accounts
from plugins.portal_requests import PortalRequests

pytestmark = pytest.mark.regression

CITIES = ["Lyon", "Nantes", "Lille", "Nice"]


def signed_out_after_first_submit(
    first: Customer, user: User, typed: list[str], portal: PortalRequests
) -> Callable[[BrowserContext], None]:
    """Return a context setup where every session (the portal's and the provider's) ends once the first customer's
    Submit went through and its answer came, and the provider refuses the password from then on (as when it was
    changed meanwhile); each password sent after that is recorded in ``typed``."""

    is_first_submit = portal.is_submit(first.id)  # looked up in the test, not in the job

    def setup(context: BrowserContext) -> None:
        def refuse_password(route: Route) -> None:
            body = route.request.post_data or ""
            if route.request.method != "POST" or user.password not in body:
                route.continue_()
                return
            typed.append(route.request.url)
            route.continue_(post_data=body.replace(user.password, user.password + "-old"))

        def ended(request: Request) -> None:
            # Once the page the saved form led to has come (the redirect after the POST): ended sooner, that page's
            # request would meet sign-in, and the first row would be the one the session ended at. A Submit the
            # page's script sends (to an API) ends where its own answer came.
            posted = request.redirected_from
            sent_by_script = request.resource_type in ("fetch", "xhr") and is_first_submit(request)
            if sent_by_script or (posted is not None and is_first_submit(posted)):
                context.clear_cookies()
                context.route(re.compile(".*"), refuse_password)

        context.on("requestfinished", ended)

    return setup


def rows_of(people: list[Customer]) -> list[dict[str, str]]:
    """Return a row per customer, each a new city."""
    return [{"customer": c.companyName, "city": city} for c, city in zip(people, CITIES[: len(people)], strict=True)]


def test_a_password_refused_as_the_session_is_renewed_stops_the_run_after_one_try(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    # Given four rows, and every session ending after the first, the password refused from then on
    people, user, typed = [customers.create("FR") for _ in CITIES], make_user("admin-agent"), []
    setup = signed_out_after_first_submit(people[0], user, typed, portal_requests)

    # When the job runs, then it stops at the next row, saying why and how to carry on
    with pytest.raises(SignedOutError, match=r"signing in again failed: .*\. The run stops at row 2, .*--resume"):
        update_accounts(rows_of(people), base_url, user.name, **signed_in_as(user, api), setup_context=setup)

    # ... having sent the refused password once, not for every row left; only the first row changed
    assert len(typed) == 1, typed
    assert [len(portal_changes(api, person)) for person in people] == [1, 0, 0, 0]


def test_a_session_that_ends_without_a_way_to_sign_in_again_stops_the_run(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    # Given four rows, sessions that may not be renewed (as with a saved sign-in), ending after the first row
    people, user = [customers.create("FR") for _ in CITIES], make_user("admin-agent")
    signed_in: dict[str, Any] = signed_in_as(user, api)
    signed_in["session_options"] = {**signed_in["session_options"], "renew_sign_in": False}
    setup = signed_out_after_first_submit(people[0], user, [], portal_requests)

    # When the job runs, then it stops at the next row, not failing every row left one by one
    with pytest.raises(SignedOutError, match=r"the session has ended.*\. The run stops at row 2, "):
        update_accounts(rows_of(people), base_url, user.name, **signed_in, setup_context=setup)
    assert [len(portal_changes(api, person)) for person in people] == [1, 0, 0, 0]


# The provider's answer to a password, once: a page of no sign-in step, as a provider under load may show for a while.
STUCK = '<!doctype html><html lang="en"><title>Working</title><main><p>Please wait…</p></main></html>'


def test_a_sign_in_again_that_shows_no_step_once_does_not_stop_the_run(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    # Given four rows, every session ending after the first, and the provider answering the first password sent after
    # that with a page of no step (a hiccup: it answers the next as usual), the waits short so that this one runs out
    people, user, stuck = [customers.create("FR") for _ in CITIES], make_user("admin-agent"), []

    is_first_submit = portal_requests.is_submit(people[0].id)

    def setup(context: BrowserContext) -> None:
        context.set_default_timeout(10_000)

        def stuck_once(route: Route) -> None:
            if route.request.method == "POST" and user.password in (route.request.post_data or "") and not stuck:
                stuck.append(route.request.url)
                route.fulfill(content_type="text/html; charset=utf-8", body=STUCK)
                return
            route.continue_()

        def ended(request: Request) -> None:
            if is_first_submit(request):
                context.clear_cookies()
                context.route(re.compile(".*"), stuck_once)

        context.on("requestfinished", ended)

    # When the job runs
    outcomes = update_accounts(rows_of(people), base_url, user.name, **signed_in_as(user, api), setup_context=setup)

    # Then the sign-in that got nowhere was tried again, as one nobody refused may pass: every row changed, once
    assert len(stuck) == 1, stuck
    assert [outcome.outcome for outcome in outcomes] == ["changed"] * len(people), outcomes
    assert [len(portal_changes(api, person)) for person in people] == [1, 1, 1, 1]


def test_a_row_whose_session_ended_after_its_save_is_changed_once(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    # Given two rows, and the first row's Submit saved by the portal, its next page finding the session ended
    people, user = [customers.create("FR") for _ in CITIES[:2]], make_user("admin-agent")

    def setup(context: BrowserContext) -> None:
        def saved_then_signed_out(route: Route) -> None:
            saved = route.fetch(max_redirects=0)
            context.clear_cookies()
            route.fulfill(response=saved)

        portal_requests.route_submit(context, saved_then_signed_out, people[0].id)

    # When the job runs, signing in again as it goes
    outcomes = update_accounts(rows_of(people), base_url, user.name, **signed_in_as(user, api), setup_context=setup)

    # Then the first row is reported changed (by its own Submit, not sent again), not as a row that already held
    assert [outcome.outcome for outcome in outcomes] == ["changed", "changed"], outcomes
    assert outcomes[0].before["city"] == people[0].billing.city, outcomes[0]
    assert [len(portal_changes(api, person)) for person in people] == [1, 1]


def test_a_row_whose_read_back_met_an_ended_session_after_its_save_is_changed_once(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given two rows, and the first row's Submit saved, its Bill-to info then read back as the session ends
    people, user = [customers.create("FR") for _ in CITIES[:2]], make_user("admin-agent")
    read_back, read = flows.account.read_back, []

    def signed_out_once(saved: Any, changes: dict[str, str]) -> Any:
        read.append(dict(changes))
        if len(read) == 1:
            raise SignedOutError("The portal asked to sign in again at /account: the session has ended")
        return read_back(saved, changes)

    monkeypatch.setattr(flows.account, "read_back", signed_out_once)

    # When the job runs
    outcomes = update_accounts(rows_of(people), base_url, user.name, **signed_in_as(user, api))

    # Then the first row is met as an ended session is (signed in again, found held), not as a failure: each saved once
    assert [outcome.outcome for outcome in outcomes] == ["changed", "changed"], outcomes
    assert outcomes[0].messages[0].startswith("signed in again after: The portal asked to sign in again"), outcomes[0]
    assert read == [{"city": "Lyon"}, {"city": "Nantes"}]  # the first row's Submit not sent again
    assert [len(portal_changes(api, person)) for person in people] == [1, 1]
