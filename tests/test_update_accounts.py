"""Many customers' accounts from a spreadsheet: checked before any change, resumable, parallel, conflicts.

Each change is checked where Partner Center keeps it, its activity log (``GET /v1/auditrecords``):
a row applied once leaves exactly one record made through the portal's pages.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import urllib.parse
import zipfile
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import BrowserContext, Route

from fixtures.api_client import Customer, PortalApi
from fixtures.api_tokens import ProviderTokens
from fixtures.directory import User
from fixtures.identity import PARTNER_AUTOMATION_CLIENT_ID, PARTNER_DOMAIN
from fixtures.test_data import CustomerFactory
from flows import InvalidRowsError, TokenWithoutMfaError, update_accounts
from plugins.portal_requests import PortalRequests

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]
ROOT = Path(__file__).resolve().parent.parent
HEADER = ["customer", "city", "postalCode"]


def command(base_url: str, file: Path, user: User, *options: str) -> list[str]:
    """Return the update-accounts command line for ``file``, signing in as ``user``."""
    return [sys.executable, "-m", "flows", "update-accounts", str(file), "--base-url", base_url, "--user", user.name,
            "--api-client-id", PARTNER_AUTOMATION_CLIENT_ID, *options]  # fmt: skip


def secrets_of(user: User) -> dict[str, str]:
    """Return the environment with ``user``'s password and authenticator secret, as a person's shell has them."""
    return {**os.environ, "PORTAL_PASSWORD": user.password, "PORTAL_TOTP_SECRET": user.totp_secret or ""}


def run(command: list[str], user: User) -> subprocess.CompletedProcess[str]:
    """Run the command as ``user`` would, in a fresh interpreter."""
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180, env=secrets_of(user))


def signed_in_as(user: User, api: PortalApi) -> dict[str, Any]:
    """Return update_accounts' sign-in arguments for ``user``; the API's tokens come as the suite's own do."""

    def token() -> str:
        api.renew_token()
        return str(api.token)

    return {"password": user.password, "token": token, "session_options": {"totp_secret": user.totp_secret},
            "api_url": api.base_url}  # fmt: skip


@pytest.fixture(autouse=True)
def api_address(api: PortalApi, monkeypatch: pytest.MonkeyPatch) -> None:
    """The job's command line reads the REST API where the suite does (``--api-url``, else the portal)."""
    monkeypatch.setenv("PORTAL_API_URL", api.base_url)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    """Write a CSV as Excel saves one: UTF-8 with a BOM."""
    with path.open("w", newline="", encoding="utf-8-sig") as file:
        csv.writer(file).writerows([HEADER, *rows])
    return path


def results_of(path: Path) -> dict[str, str]:
    """Return each row's outcome in a CSV results file (UTF-8 with a BOM, for Excel), by row number."""
    with path.open(encoding="utf-8-sig") as file:
        return {line["row"]: line["outcome"] for line in csv.DictReader(file)}


def portal_changes(api: PortalApi, customer: Customer) -> list[dict[str, Any]]:
    """Return the customer's billing changes made through the portal's pages, as its activity log has them: those
    of any application but the suite's own API client (its test data, another agent played through the API).

    Partner Center's audit records (GET /v1/auditrecords) name the application that made each change; its
    startDate is required (yesterday's, UTC: the customer was made by this test).
    """
    since = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    spec = {"Field": "CustomerId", "Value": customer.id, "Operator": "substring"}
    query = urllib.parse.urlencode({"startDate": since, "filter": json.dumps(spec)})
    records = api.call("GET", f"v1/auditrecords?{query}")["items"]
    suite = api.tokens.client_id
    return [json.loads(r["resourceNewValue"]) for r in records if r["applicationId"] != suite]


def test_every_problem_is_listed_before_any_change_and_nothing_changes(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path
) -> None:
    # Given a good row, a row that already holds, an invalid value, an unknown customer and a shared name
    good, held, bad = customers.create("CN"), customers.create("CN", city="杭州市"), customers.create("CN")
    twin = customers.create("CN", companyName=good.companyName + " 分公司")
    customers.create("CN", companyName=twin.companyName)
    rows = [[good.companyName, "苏州市", "215000"], [held.companyName, "杭州市", ""],
            [bad.companyName, "南京市", "2100"], ["No Such Company Ltd", "上海市", ""],
            [twin.companyName, "上海市", ""]]  # fmt: skip
    file = write_csv(tmp_path / "changes.csv", rows)

    # When the command runs
    user = make_user("admin-agent")
    done = run(command(base_url, file, user), user)

    # Then the three problems are listed with their rows, and no customer changed
    assert done.returncode == 3, done.stderr
    assert "row 4: postalCode: '2100' is not a valid postal code in CN" in done.stderr
    assert "row 5: no customer named or with the Microsoft ID 'No Such Company Ltd'" in done.stderr
    assert f"row 6: 2 customers are named '{twin.companyName}': give the Microsoft ID instead" in done.stderr
    assert [api.billing_profile(c.id) for c in (good, held, bad)] == [good.billing, held.billing, bad.billing]
    outcomes = results_of(tmp_path / "changes.csv.results.csv")
    assert outcomes == {
        "2": "not-run",  # held back by the others' problems
        "3": "unchanged",  # already held
        "4": "invalid",
        "5": "not-found",
        "6": "invalid",
    }  # all rows


def test_skipping_invalid_rows_applies_the_good_one_and_submits_nothing_for_the_rest(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User]
) -> None:
    good = customers.create("CN", city="天津市", postalCode="300000")
    held, bad = customers.create("CN", city="杭州市"), customers.create("CN")
    rows = [{"customer": good.companyName, "city": "苏州市", "postalCode": "215000"},
            {"customer": f"{{{held.id.upper()}}}", "city": "杭州市"},  # its ID as a PowerShell export writes it
            {"customer": bad.companyName, "postalCode": "2100"},
            {"customer": "No Such Company Ltd", "city": "上海市"}]  # fmt: skip

    user = make_user("sales-agent")
    outcomes = update_accounts(rows, base_url, user.name, **signed_in_as(user, api), skip_invalid=True)

    assert [o.outcome for o in outcomes] == ["changed", "unchanged", "invalid", "not-found"]
    assert (outcomes[0].before, outcomes[0].after) == ({"city": "天津市", "postalCode": "300000"},
                                                       {"city": "苏州市", "postalCode": "215000"})  # fmt: skip
    assert [c["city"] for c in portal_changes(api, good)] == ["苏州市"]
    assert portal_changes(api, held) == [] and portal_changes(api, bad) == []


def test_a_culture_column_sets_one_of_the_country_s_cultures_and_refuses_another_before_any_change(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User]
) -> None:
    # Given Chinese customers (China's cultures: zh-CN and en-US), rows with a new culture, one in another case, one
    # already held but for its case, and one of another country's
    english, french, user = customers.create("CN"), customers.create("CN"), make_user("admin-agent")
    held = customers.create("CN", culture="en-US", language="en")
    rows = [{"customer": english.companyName, "culture": "EN-us"},
            {"customer": held.companyName, "culture": "en-us"},
            {"customer": french.companyName, "culture": "fr-FR"}]  # fmt: skip

    outcomes = update_accounts(rows, base_url, user.name, **signed_in_as(user, api), skip_invalid=True)

    # Then the first is changed as the list spells it, its language following; the second is not submitted; the
    # third is refused, naming China's cultures
    assert [o.outcome for o in outcomes] == ["changed", "unchanged", "invalid"]
    assert (outcomes[0].before, outcomes[0].after) == ({"culture": "zh-CN"}, {"culture": "en-US"})
    assert outcomes[0].messages == ["culture: 'EN-us' is 'en-US' in the country's list"]
    stored = api.billing_profile(english.id)
    assert (stored.culture, stored.language) == ("en-US", "en")
    assert portal_changes(api, held) == []
    assert "culture: 'fr-FR' is not a culture of CN (its cultures: zh-CN, en-US)" in " ".join(outcomes[2].messages)
    assert api.billing_profile(french.id) == french.billing


def test_an_unknown_column_stops_the_run_even_when_invalid_rows_may_be_skipped(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User]
) -> None:
    customer, user = customers.create("FR"), make_user("admin-agent")

    with pytest.raises(InvalidRowsError, match=r"row 1: unknown column 'postcode' \(postalCode\?\)"):
        update_accounts([{"customer": customer.companyName, "city": "Lyon", "postcode": "69001"}], base_url,
                        user.name, **signed_in_as(user, api), skip_invalid=True)  # fmt: skip

    assert api.billing_profile(customer.id) == customer.billing


def test_a_billing_email_at_the_partner_s_own_domain_is_refused_before_any_change(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User]
) -> None:
    first, second, user = customers.create("CN"), customers.create("CN"), make_user("admin-agent")
    rows = [{"customer": first.companyName, "city": "苏州市"},
            {"customer": second.companyName, "email": f"billing@{PARTNER_DOMAIN.upper()}"}]  # fmt: skip

    said = rf"row 2: email: .* is at the partner's own domain \({re.escape(PARTNER_DOMAIN)}\)"
    with pytest.raises(InvalidRowsError, match=said):
        update_accounts(rows, base_url, user.name, **signed_in_as(user, api))

    assert [api.billing_profile(c.id) for c in (first, second)] == [first.billing, second.billing]


def test_dry_run_says_what_would_change_and_changes_nothing(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path
) -> None:
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")
    file = write_csv(tmp_path / "changes.csv", [[customer.companyName, "Lyon", "69001"]])

    done = run(command(base_url, file, user, "--dry-run"), user)

    assert done.returncode == 0, done.stderr
    assert f"row 2: would change {customer.companyName}: city 'Paris' -> 'Lyon'" in done.stdout
    assert api.billing_profile(customer.id) == customer.billing
    assert not (tmp_path / "changes.csv.results.csv.journal").exists()


def another_agent_at_submit(api: PortalApi, customer: Customer, theirs: dict[str, str], portal: PortalRequests) -> Any:
    """Return a context setup in which another agent saves ``theirs`` just before the first Submit arrives."""

    def setup(context: BrowserContext) -> None:
        def submit(route: Route) -> None:
            if not changed:
                changed.append(api.update_billing(customer.id, theirs))
            route.continue_()

        changed: list[object] = []
        portal.route_submit(context, submit, customer.id)

    return setup


def test_a_conflict_on_other_fields_is_tried_again_on_a_fresh_form(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    customer = customers.create("CN")
    setup = another_agent_at_submit(api, customer, {"firstName": "丽"}, portal_requests)

    user = make_user("admin-agent")
    [outcome] = update_accounts([{"customer": customer.companyName, "city": "苏州市"}], base_url, user.name,
                                **signed_in_as(user, api), setup_context=setup)  # fmt: skip

    assert outcome.outcome == "changed", outcome.messages
    assert "another agent changed firstName meanwhile: tried again on a fresh form" in outcome.messages
    stored = api.billing_profile(customer.id)
    assert (stored.city, stored.firstName) == ("苏州市", "丽")


def test_a_submit_the_browser_sent_again_after_it_saved_is_said_so_and_made_once(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    # Given a Submit the portal saves whose answer is lost: the browser sends it again, the copy refused as a conflict
    customer = customers.create("CN")

    def sent_twice(context: BrowserContext) -> None:
        portal_requests.send_submit_twice(context, customer.id)

    user = make_user("admin-agent")
    [outcome] = update_accounts([{"customer": customer.companyName, "city": "苏州市"}], base_url, user.name,
                                **signed_in_as(user, api), setup_context=sent_twice)  # fmt: skip

    # Then the row's values are held, saved once, and no other agent is blamed for them
    assert (outcome.outcome, outcome.after) == ("unchanged", {"city": "苏州市"}), outcome.messages
    assert any("sent twice by the browser" in message for message in outcome.messages), outcome.messages
    assert not any("another agent" in message for message in outcome.messages), outcome.messages
    assert [change["city"] for change in portal_changes(api, customer)] == ["苏州市"]


def test_a_conflict_that_moved_a_field_the_row_did_not_submit_is_a_conflict_though_its_submitted_one_is_held(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    # Given a row whose city the form already shows (only its postal code is submitted), and another agent saving
    # the row's postal code and another city just before the Submit arrives
    customer = customers.create("FR", city="Paris")
    setup = another_agent_at_submit(api, customer, {"postalCode": "69001", "city": "Lyon"}, portal_requests)

    user = make_user("admin-agent")
    [outcome] = update_accounts([{"customer": customer.companyName, "city": "Paris", "postalCode": "69001"}], base_url,
                                user.name, **signed_in_as(user, api), setup_context=setup)  # fmt: skip

    # Then it is their change, said as a conflict with both cities, not the row's values held
    assert outcome.outcome == "conflict", outcome.messages
    assert "city: yours 'Paris', theirs 'Lyon'" in outcome.messages, outcome.messages
    assert api.billing_profile(customer.id).city == "Lyon" and portal_changes(api, customer) == []


def test_a_conflict_on_the_row_s_own_field_is_reported_with_both_values_and_theirs_kept(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    customer = customers.create("CN")
    setup = another_agent_at_submit(api, customer, {"city": "无锡市"}, portal_requests)

    user = make_user("admin-agent")
    [outcome] = update_accounts([{"customer": customer.companyName, "city": "苏州市"}], base_url, user.name,
                                **signed_in_as(user, api), setup_context=setup)  # fmt: skip

    assert (outcome.outcome, outcome.after) == ("conflict", {"city": "无锡市"})
    assert "city: yours '苏州市', theirs '无锡市'" in outcome.messages
    assert api.billing_profile(customer.id).city == "无锡市" and portal_changes(api, customer) == []


def test_a_row_that_fails_twice_is_reported_failed_with_the_trace_of_its_second_try(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    tmp_path: Path,
    portal_requests: PortalRequests,
) -> None:
    # Given a portal that never answers the customer's Submit
    customer, user = customers.create("FR"), make_user("admin-agent")
    unanswered: list[str] = []

    def no_answer(context: BrowserContext) -> None:
        portal_requests.route_submit(
            context, lambda route: (unanswered.append(route.request.url), route.abort()), customer.id
        )

    # When the row runs
    [outcome] = update_accounts([{"customer": customer.companyName, "city": "Lyon"}], base_url, user.name,
                                **signed_in_as(user, api), setup_context=no_answer, traces=tmp_path)  # fmt: skip

    # Then it failed, saying why, after two Submits, and nothing was saved
    assert (outcome.outcome, outcome.trace) == ("failed", str(tmp_path / "row-1.zip"))
    assert len(unanswered) == 2, f"expected a Submit and its retry, not {unanswered}"
    assert outcome.messages[0].startswith("tried again after: ") and "did not answer Submit" in outcome.messages[0]
    assert "did not answer Submit" in outcome.messages[-1], outcome.messages
    assert api.billing_profile(customer.id) == customer.billing
    # And its trace is the second try's (a first try is not traced): it holds that try's Submit
    with zipfile.ZipFile(outcome.trace) as archive:
        events = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".trace"))
    assert json.dumps("Submit") in events, "the trace holds no Submit step"


def run_throttled_row(
    retry_after: str, customers: CustomerFactory, api: PortalApi, base_url: str, user: User,
    monkeypatch: pytest.MonkeyPatch, portal: PortalRequests,
) -> tuple[Customer, Any, list[float], list[str | None]]:  # fmt: skip
    """Run one row whose first Submit the portal answers "too many requests, come back in ``retry_after``".

    Returns the customer, the row's outcome, the waits the job asked for (recorded, not slept) and the Submits sent.
    """
    customer = customers.create("CN")
    posted: list[str | None] = []
    waits: list[float] = []
    monkeypatch.setattr("flows.rest_waits.pause", waits.append)

    def setup(context: BrowserContext) -> None:
        def submit(route: Route) -> None:
            posted.append(route.request.post_data)
            if len(posted) > 1:
                return route.continue_()
            page = "<!doctype html><title>429</title><h1>429 Too many requests</h1><p role=alert>Try again later.</p>"
            return route.fulfill(status=429, headers={"Retry-After": retry_after}, content_type="text/html", body=page)

        portal.route_submit(context, submit, customer.id)

    [outcome] = update_accounts([{"customer": customer.companyName, "city": "扬州市"}], base_url, user.name,
                                **signed_in_as(user, api), setup_context=setup)  # fmt: skip
    return customer, outcome, waits, posted


def test_a_throttled_row_is_tried_again_once_the_wait_the_portal_asked_for_is_over(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    monkeypatch: pytest.MonkeyPatch,
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given a portal that answers the row's first Submit "too many requests: come back in 2 s"
    customer, outcome, waits, posted = run_throttled_row("2", customers, api, base_url, make_user("admin-agent"),
                                                         monkeypatch, portal_requests)  # fmt: skip

    # Then the row waited what was asked, was tried again and changed, saying why it took two tries
    assert outcome.outcome == "changed", outcome.messages
    assert waits == [2.0] and len(posted) == 2
    assert outcome.messages[0].startswith("tried again after: ThrottledError"), outcome.messages
    assert api.billing_profile(customer.id).city == "扬州市"


def test_a_throttled_row_asked_to_wait_too_long_is_left_failed_for_a_resume(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    monkeypatch: pytest.MonkeyPatch,
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given a portal that answers the row's Submit "come back in an hour"
    customer, outcome, waits, posted = run_throttled_row("3600", customers, api, base_url, make_user("admin-agent"),
                                                         monkeypatch, portal_requests)  # fmt: skip

    # Then the run does not wait an hour, nor submit again meanwhile: the row is failed, to be resumed
    assert (outcome.outcome, outcome.retry_after, waits, len(posted)) == ("failed", 3600.0, [], 1)
    assert "not tried again: the portal asked to wait 3600 s" in outcome.messages[-1]
    assert api.billing_profile(customer.id) == customer.billing


@pytest.mark.bundled  # a sign-in without MFA, which Entra's conditional access may refuse outright
def test_tokens_refused_for_want_of_mfa_stop_the_job_before_any_change(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User]
) -> None:
    # Given API tokens from a sign-in that passed the password only (it asked the provider no more)
    customer, user = customers.create("CN"), make_user("admin-agent")
    without_mfa = ProviderTokens(base_url, user.name, user.password, mfa=False)

    # When a job is run with them, Then it stops at its check, saying why, and changes nothing
    rows = [{"customer": customer.companyName, "city": "扬州市"}]
    with closing(without_mfa), pytest.raises(TokenWithoutMfaError, match="multi-factor"):
        update_accounts(
            rows, base_url, user.name, user.password,
            token=without_mfa.new_access_token, session_options={"totp_secret": user.totp_secret},
        )  # fmt: skip
    assert api.billing_profile(customer.id) == customer.billing


def test_a_role_that_may_not_edit_gets_not_allowed_and_changes_nothing(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path
) -> None:
    customer, user = customers.create("US"), make_user("helpdesk-agent")
    file = write_csv(tmp_path / "changes.csv", [[customer.companyName, "Austin", "73301"]])

    done = run(command(base_url, file, user), user)

    assert done.returncode == 3, done.stderr
    assert results_of(tmp_path / "changes.csv.results.csv") == {"2": "not-allowed"}
    assert api.billing_profile(customer.id) == customer.billing


def test_two_workers_apply_an_xlsx_file_and_a_customer_s_rows_in_file_order(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path
) -> None:
    # Given a workbook: three customers, the first one moved twice
    first, second, third = customers.create("CN"), customers.create("CN"), customers.create("FR")
    workbook = Workbook()
    for values in (HEADER, [first.companyName, "苏州市", 215000], [second.companyName, "南京市", 210000],
                   [third.companyName, "Lyon", "69001"], [first.companyName, "无锡市", 214000]):  # fmt: skip
        workbook.active.append(values)
    workbook.save(tmp_path / "changes.xlsx")

    # When two workers apply it, writing JSON results
    user = make_user("sales-agent")
    done = run(
        command(base_url, tmp_path / "changes.xlsx", user, "--workers", "2", "--results", str(tmp_path / "r.json")),
        user,
    )

    # Then every row is changed, and the first customer's two rows ran one after the other, in order
    assert done.returncode == 0, done.stderr
    assert [row["outcome"] for row in json.loads((tmp_path / "r.json").read_text())] == ["changed"] * 4
    assert [(c["city"], c["postalCode"]) for c in portal_changes(api, first)] == [("苏州市", "215000"),
                                                                                  ("无锡市", "214000")]  # fmt: skip
    assert api.billing_profile(third.id).city == "Lyon"
