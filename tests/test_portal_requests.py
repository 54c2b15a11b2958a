"""--submit-request: the request a deployment's Submit sends, which tests of faults answer in its place."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from suite_run import junit_case, run_pytest

from plugins.portal_requests import PortalRequests, RequestShape, RoutedShape, matcher

pytestmark = pytest.mark.tooling

BASE = "https://pc.example/commerce/"
CUSTOMER = "9f1c-77"


def matches(shape: RequestShape, url: str, customer_id: str | None = CUSTOMER, body: str | None = None) -> bool:
    return matcher(shape, BASE, customer_id)(shape.method, url, body)


def request(method: str, url: str, body: str | None = None) -> Any:
    return SimpleNamespace(method=method, url=url, post_data=body)  # what is_submit reads of Playwright's Request


def test_an_address_below_the_base_url_matches_the_customer_s_own_with_any_query() -> None:
    shape = RequestShape.parse("post customers/{id}/account/edit")

    assert shape == RequestShape("POST", "customers/{id}/account/edit")
    assert matches(shape, f"{BASE}customers/{CUSTOMER}/account/edit")
    assert matches(shape, f"{BASE}customers/{CUSTOMER}/account/edit?lang=fr-FR")
    assert matches(shape, f"{BASE.upper()}customers/{CUSTOMER.upper()}/account/edit"), "whatever the case"
    assert not matches(shape, f"{BASE}customers/another/account/edit")
    assert not matches(shape, f"{BASE}customers/{CUSTOMER}/account/edit/history")
    assert not matches(shape, f"https://pc.example/customers/{CUSTOMER}/account/edit"), "outside the base URL"
    assert matches(shape, f"{BASE}customers/another/account/edit", customer_id=None), "any customer's"


def test_a_whole_address_at_another_origin_is_matched_there() -> None:
    shape = RequestShape.parse("PUT https://api.example/v1/customers/{id}/profiles/billing")

    assert matches(shape, f"https://api.example/v1/customers/{CUSTOMER}/profiles/billing")
    assert not matches(shape, f"{BASE}v1/customers/{CUSTOMER}/profiles/billing")


def test_an_address_without_the_customer_s_id_is_the_customer_s_where_its_body_names_the_customer() -> None:
    shape = RequestShape.parse("POST api/billing")

    assert matches(shape, f"{BASE}api/billing", body=f'{{"customerId": "{CUSTOMER}", "city": "Lyon"}}')
    assert not matches(shape, f"{BASE}api/billing", body='{"customerId": "another", "city": "Lyon"}')
    assert matches(shape, f"{BASE}api/billing", customer_id=None, body="{}"), "any customer's"


def test_submit_is_its_method_and_address_and_a_screen_is_its_address_without_a_search() -> None:
    portal = PortalRequests(BASE, RequestShape.parse("PATCH api/accounts/{id}"))
    is_submit, shows_account = portal.is_submit(CUSTOMER), portal.shows("account", CUSTOMER)

    assert is_submit(request("PATCH", f"{BASE}api/accounts/{CUSTOMER}"))
    assert not is_submit(request("GET", f"{BASE}api/accounts/{CUSTOMER}"))
    assert portal.shows("customers")(f"{BASE}customers")
    assert shows_account(f"{BASE}customers/{CUSTOMER}/account?saved=1"), "its query aside"
    assert not matches(portal.screen("customers"), f"{BASE}customers?search=Contoso", None), "a search is no load"


def test_what_no_request_matched_is_said_once_whatever_the_contexts_it_was_routed_in() -> None:
    portal = PortalRequests(BASE, RequestShape.parse("PUT v1/customers/{id}/profiles/billing"))
    portal.routed = [RoutedShape((portal.submit,), "a", ["url"]), RoutedShape((portal.submit,), "a"),
                     RoutedShape((portal.submit,), "b"), RoutedShape((portal.submit,), "b")]  # fmt: skip
    portal.other_requests = [f"POST {BASE}customers/b/account/edit"]

    said = portal.unmatched().splitlines()

    assert said[:3] == ["no request matched PUT v1/customers/{id}/profiles/billing (customer b)",
                        "requests other than GETs sent:", f"  POST {BASE}customers/b/account/edit"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param("customers/{id}/account/edit", "is not METHOD ADDRESS", id="no-method"),
        pytest.param("POST", "is not METHOD ADDRESS", id="no-address"),
        pytest.param("POST /customers/{id}", "without a leading /", id="leading-slash"),
        pytest.param("PUT v1/{id}/x/{id}", "may hold {id} once", id="two-ids"),
        pytest.param("PUT v1/{customer}/x", "no other braces", id="other-braces"),
    ],
)
def test_a_request_that_cannot_be_is_refused_saying_why(text: str, said: str) -> None:
    with pytest.raises(ValueError, match=re.escape(said)):
        RequestShape.parse(text)


def test_a_submit_request_no_request_matched_is_said_beside_the_requests_sent(tmp_path: Path) -> None:
    # When a test of a Submit never answered runs with a Submit the portal does not send, and with one that cannot be
    test = "tests/test_interrupted_edits.py::test_submit_the_portal_never_answers_is_unavailable_and_saves_nothing"
    run = run_pytest(test, "--submit-request=PUT v1/customers/{id}/profiles/billing", folder=tmp_path)
    refused = run_pytest(test, "--submit-request=/edit", folder=tmp_path / "refused")

    # Then the test fails (the portal's own Submit was answered), its report naming the route and what was sent
    assert run.names("failed") == ["test_submit_the_portal_never_answers_is_unavailable_and_saves_nothing"], run.report
    assert "no request matched PUT v1/customers/{id}/profiles/billing" in run.output, run.report
    assert re.search(r"requests other than GETs sent:\n  POST http://\S+/customers/\S+/account/edit\n", run.output)
    # ... in the failure itself: its message (the summary's FAILED line, JUnit's) and JUnit's <failure> text
    name = "test_submit_the_portal_never_answers_is_unavailable_and_saves_nothing"
    said = "(no request matched PUT v1/customers/{id}/profiles/billing: see 'portal requests routed')"
    assert said in run.messages[name], run.messages
    failure = junit_case(tmp_path, name).find("failure")
    assert failure is not None and "requests other than GETs sent:" in (failure.text or ""), run.report
    assert refused.returncode == pytest.ExitCode.USAGE_ERROR, refused.output
    assert "--submit-request: '/edit' is not METHOD ADDRESS" in refused.output
