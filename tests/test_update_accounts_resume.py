"""An accounts job stopped midway (killed hard, a Submit unanswered) and resumed: every row applied exactly once.

Checked where Partner Center keeps each change, its activity log (``GET /v1/auditrecords``): a row applied once
leaves exactly one record made through the portal's pages; nothing a later row set is put back.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import unicodedata
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from forged_requests import with_field
from playwright.sync_api import BrowserContext, Route
from test_update_accounts import (  # api_address: autouse, the job's command line reads the suite's API
    ROOT,
    api_address,  # noqa: F401
    command,
    portal_changes,
    results_of,
    run,
    secrets_of,
    signed_in_as,
    write_csv,
)

from fixtures.api_client import Customer, PortalApi
from fixtures.directory import User
from fixtures.test_data import CustomerFactory
from flows import PortalUnavailableError, update_accounts
from flows.account_row import OVERTAKEN
from flows.accounts_plan import APPLIED_BEFORE
from flows.journal import Journal
from flows.spreadsheet import AccountRow
from plugins.portal_requests import PortalRequests

pytestmark = pytest.mark.regression


def test_a_run_killed_hard_and_resumed_applies_every_row_exactly_once(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path
) -> None:
    # Given four customers and a file that moves each of them
    created, user = [customers.create("CN") for _ in range(4)], make_user("admin-agent")
    file = write_csv(tmp_path / "changes.csv", [[c.companyName, "苏州市", f"21500{n}"] for n, c in enumerate(created)])

    # When the run is killed (SIGKILL) once two rows are done, then resumed
    temporary = tmp_path / "tmp"  # where the killed run leaves its sign-in folder (the next run deletes it)
    temporary.mkdir()
    with subprocess.Popen(command(base_url, file, user), cwd=ROOT, stderr=subprocess.PIPE, text=True,
                          env={**secrets_of(user), "TMPDIR": str(temporary)}) as process:  # fmt: skip
        watchdog = threading.Timer(120, process.kill)  # a run that never gets there fails instead of hanging
        watchdog.start()
        finished = 0
        for line in process.stderr or ():
            finished += line.startswith("row ")
            if finished == 2:
                os.kill(process.pid, signal.SIGKILL)
                break
    watchdog.cancel()
    left = list(temporary.glob("accounts-job-*"))
    resumed = subprocess.run(command(base_url, file, user, "--resume"), cwd=ROOT, capture_output=True, text=True,
                             timeout=180, env={**secrets_of(user), "TMPDIR": str(temporary)})  # fmt: skip

    # Then every row was applied, each exactly once; the killed run's sign-in was deleted by the resumed one
    assert finished == 2, f"the run ended (or the watchdog killed it) after {finished} row(s), not killed after 2"
    assert process.returncode == -signal.SIGKILL and resumed.returncode == 0, resumed.stderr
    assert len(left) == 1 and not left[0].exists(), left
    assert set(results_of(tmp_path / "changes.csv.results.csv").values()) == {"changed"}
    for n, customer in enumerate(created):
        assert [(c["city"], c["postalCode"]) for c in portal_changes(api, customer)] == [("苏州市", f"21500{n}")]
    # ... and the resumed run said what it carried on from: at least the two rows seen finished
    journal = re.escape(str(tmp_path / "changes.csv.results.csv.journal"))
    took = rf"^resumed from {journal}: [234] row\(s\) an earlier run finished, not run again"
    assert re.search(took, resumed.stderr, re.MULTILINE), resumed.stderr


def test_a_row_whose_submit_reached_the_portal_before_the_crash_is_not_submitted_again(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path
) -> None:
    # Given a journal whose run died after the row's Submit, which the portal had saved
    customer = customers.create("FR", city="Paris")
    row = AccountRow(2, customer.companyName, {"city": "Lyon"})
    journal = Journal(tmp_path / "run.journal")
    journal.started(row, {"city": "Paris"})
    journal.close()
    api.update_billing(customer.id, {"city": "Lyon"})

    # When the run resumes
    user = make_user("admin-agent")
    [outcome] = update_accounts([row], base_url, user.name, **signed_in_as(user, api),
                                journal=tmp_path / "run.journal", resume=True)  # fmt: skip

    # Then the row counts as changed, and the portal saw no second Submit
    assert (outcome.outcome, outcome.before, outcome.after) == ("changed", {"city": "Paris"}, {"city": "Lyon"})
    assert portal_changes(api, customer) == []


def test_a_resumed_row_does_not_put_back_what_a_later_row_of_its_customer_set(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given two rows of one customer, the first failing twice (its Submit refused), the second changed
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")
    rows = [AccountRow(2, customer.companyName, {"city": "Ancienne", "addressLine2": "Bâtiment B"}),
            AccountRow(3, customer.companyName, {"city": "Nouvelle"})]  # fmt: skip
    journal, signed_in = tmp_path / "run.journal", signed_in_as(user, api)
    monkeypatch.setattr("flows.rest_waits.pause", lambda seconds: None)  # the waits for a portal that is there

    def refuse_first_row(context: BrowserContext) -> None:
        def submit(route: Route) -> None:
            if "Ancienne" in (route.request.post_data or ""):
                route.abort("connectionrefused")
            else:
                route.continue_()

        portal_requests.route_submit(context, submit, customer.id)

    first = update_accounts(rows, base_url, user.name, **signed_in, journal=journal, setup_context=refuse_first_row)

    # When the run resumes
    resumed = update_accounts(rows, base_url, user.name, **signed_in, journal=journal, resume=True)

    # Then the first row applies only what the later row did not set, and says so; the city stays the later row's
    assert [o.outcome for o in first] == ["failed", "changed"]
    assert [o.outcome for o in resumed] == ["changed", "changed"]
    assert resumed[0].messages[0] == "city: not applied, row 3 (later in the file) set it in an earlier run"
    assert (api.billing_profile(customer.id).city, api.billing_profile(customer.id).addressLine2) == (
        "Nouvelle",
        "Bâtiment B",
    )
    assert [change["city"] for change in portal_changes(api, customer)] == ["Nouvelle", "Nouvelle"]


def saved_then_gone(customer: Customer, city: str, portal: PortalRequests) -> Callable[[BrowserContext], None]:
    """Return a context setup where the Submit setting ``city`` is saved, then the portal goes for good before
    answering it: the run stops there, that row started and without an outcome, as after Ctrl-C."""

    def setup(context: BrowserContext) -> None:
        def submit(route: Route) -> None:
            if dict(urllib.parse.parse_qsl(route.request.post_data or "")).get("city") != city:
                route.continue_()
                return
            route.fetch()  # the portal saves it...
            portal.route_screens(context, lambda look: look.abort("connectionrefused"), "dashboard")
            route.abort("connectionreset")  # ...and goes before its answer reaches the browser

        portal.route_submit(context, submit, customer.id)

    return setup


def test_a_resumed_run_submits_nothing_twice_when_rows_alike_surround_the_row_it_stopped_at(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given rows 2 and 4 alike (Lyon), 3 (Nice) between them; a run stopped once row 3's Submit was saved
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")
    rows = [{"customer": customer.companyName, "city": city} for city in ("Lyon", "Nice", "Lyon")]
    journal, signed_in = tmp_path / "run.journal", signed_in_as(user, api)
    monkeypatch.setattr("flows.portal_back.PORTAL_BACK_WAIT_S", 0.0)  # no waiting for a portal gone for good
    with pytest.raises(PortalUnavailableError):
        update_accounts(rows, base_url, user.name, **signed_in, journal=journal,
                        setup_context=saved_then_gone(customer, "Nice", portal_requests))  # fmt: skip

    # When the run resumes
    resumed = update_accounts(rows, base_url, user.name, **signed_in, journal=journal, resume=True)

    # Then the portal took each row's change once, and each row says what it changed from, row 3 that it was saved
    assert [change["city"] for change in portal_changes(api, customer)] == ["Lyon", "Nice", "Lyon"]
    assert [(o.outcome, o.before["city"], o.after["city"]) for o in resumed] == [
        ("changed", "Paris", "Lyon"),
        ("changed", "Lyon", "Nice"),
        ("changed", "Nice", "Lyon"),
    ]
    assert resumed[1].messages == [APPLIED_BEFORE]


def test_a_file_run_again_without_resuming_after_a_stopped_run_does_not_send_its_unanswered_submit_again(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given a run stopped once the row's Submit was saved, which the portal stored tidied ("LYON")
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")
    file = tmp_path / "changes.csv"
    file.write_text(f"customer,city\n{customer.companyName},Lyon\n", encoding="utf-8")
    monkeypatch.setattr("flows.portal_back.PORTAL_BACK_WAIT_S", 0.0)  # no waiting for a portal gone for good
    with pytest.raises(PortalUnavailableError):
        update_accounts([{"customer": customer.companyName, "city": "Lyon"}], base_url, user.name,
                        **signed_in_as(user, api), journal=tmp_path / "changes.csv.results.csv.journal",
                        setup_context=saved_then_gone(customer, "Lyon", portal_requests))  # fmt: skip
    api.update_billing(customer.id, {"city": "LYON"})

    # When the same command is run again without --resume, first as a dry run
    dry = run(command(base_url, file, user, "--dry-run"), user)
    again = subprocess.run(command(base_url, file, user), cwd=ROOT, capture_output=True, text=True, timeout=180,
                           env=secrets_of(user))  # fmt: skip

    # Then the row is the change the stopped run made, not sent a second time, and the command says why; the dry run
    # said so before, as the portal stored it
    assert again.returncode == 0, again.stderr
    said = f"row 2: changed {customer.companyName} ({APPLIED_BEFORE}; city: the portal saved 'LYON', not 'Lyon')"
    assert said in dry.stdout.splitlines(), dry.stdout
    assert [change["city"] for change in portal_changes(api, customer)] == ["Lyon"], "a second Submit was sent"
    assert results_of(tmp_path / "changes.csv.results.csv") == {"2": "changed"}
    unfinished = "records 1 row(s) whose Submit a stopped run began and never finished"
    assert unfinished in again.stderr and unfinished in dry.stderr and dry.returncode == 0, (dry.stderr, again.stderr)
    assert "none of 1 rows to apply: the check settled them all" in again.stderr.splitlines(), again.stderr


def test_a_value_the_portal_saved_otherwise_than_asked_is_said(
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:
    # Given a portal that saves the city in capitals, whatever was typed
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")

    def capitals(context: BrowserContext) -> None:
        def submit(route: Route) -> None:
            route.continue_(post_data=with_field(route.request.post_data or "", "city", str.upper))

        portal_requests.route_submit(context, submit, customer.id)

    # When a row changes the city
    [outcome] = update_accounts([{"customer": customer.companyName, "city": "Lyon"}], base_url, user.name,
                                **signed_in_as(user, api), setup_context=capitals)  # fmt: skip

    # Then it is changed, and says the portal saved another value than the row's
    assert (outcome.outcome, outcome.after) == ("changed", {"city": "LYON"})
    assert outcome.messages == ["city: the portal saved 'LYON', not 'Lyon'"]


def capitals(value: str) -> str:
    """Return ``value`` as a portal that stores capitals without accents would: "BESANCON" for "Besançon"."""
    return unicodedata.normalize("NFKD", value.upper()).encode("ascii", "ignore").decode()


def test_a_tidied_value_whose_submit_went_unanswered_is_not_sent_again(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    monkeypatch: pytest.MonkeyPatch,
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given a portal that saves the city in capitals without accents, and whose answer to the first Submit never
    # arrives
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")
    monkeypatch.setattr("flows.rest_waits.pause", lambda seconds: None)  # the waits for a portal that is there
    submits: list[str] = []

    def capitals_then_silence(context: BrowserContext) -> None:
        def submit(route: Route) -> None:
            route.fetch(post_data=with_field(route.request.post_data or "", "city", capitals))
            submits.append(route.request.url)
            route.abort("connectionreset")  # saved, but the answer is lost

        portal_requests.route_submit(context, submit, customer.id)

    # When a row changes the city
    [outcome] = update_accounts([{"customer": customer.companyName, "city": "Besançon"}], base_url, user.name,
                                **signed_in_as(user, api), setup_context=capitals_then_silence)  # fmt: skip

    # Then the retry finds the city moved from what the Submit found, takes it as saved, and sends nothing again
    assert len(submits) == 1 and len(portal_changes(api, customer)) == 1
    assert (outcome.outcome, outcome.before, outcome.after) == ("changed", {"city": "Paris"}, {"city": "BESANCON"})
    assert outcome.messages[-2:] == [APPLIED_BEFORE, "city: the portal saved 'BESANCON', not 'Besançon'"]


def test_a_value_another_agent_saved_after_an_unanswered_submit_is_a_conflict_not_the_row_s(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    monkeypatch: pytest.MonkeyPatch,
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given a first Submit that never reaches the portal, and another agent who changes the city meanwhile
    customer, user = customers.create("FR", city="Paris"), make_user("admin-agent")
    monkeypatch.setattr("flows.rest_waits.pause", lambda seconds: None)  # the waits for a portal that is there
    lost: list[str] = []

    def lost_then_theirs(context: BrowserContext) -> None:
        def submit(route: Route) -> None:
            if lost:
                route.continue_()
                return
            lost.append(route.request.url)
            api.update_billing(customer.id, {"city": "Marseille"})
            route.abort("connectionreset")  # not sent: the row's value never reached the portal

        portal_requests.route_submit(context, submit, customer.id)

    # When a row changes the city
    [outcome] = update_accounts([{"customer": customer.companyName, "city": "Lyon"}], base_url, user.name,
                                **signed_in_as(user, api), setup_context=lost_then_theirs)  # fmt: skip

    # Then the retry neither overwrites their value nor takes it for the row's: a conflict, both values said
    assert len(lost) == 1 and portal_changes(api, customer) == [], "no Submit of the row's may reach the portal"
    assert api.billing_profile(customer.id).city == "Marseille"
    assert (outcome.outcome, outcome.after) == ("conflict", {"city": "Marseille"})
    assert outcome.messages[-2:] == [OVERTAKEN, "city: yours 'Lyon', theirs 'Marseille'"]
