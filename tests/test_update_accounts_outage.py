"""An accounts job through a portal that stops answering: it waits for it to come back, or stops for a resume.

A restart of a few seconds must not fail every row left in the file; a portal gone for good must not
fail them one by one either. The outage is the browser's: every page of the portal refused (as a
stopped server refuses connections) from the moment the second row starts.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from at_a_terminal import at_a_terminal
from playwright.sync_api import BrowserContext, Page, Route
from playwright.sync_api import Error as PlaywrightError
from test_update_accounts import ROOT, command, portal_changes, run, secrets_of, signed_in_as, write_csv

from fixtures.api_client import Customer, PortalApi
from fixtures.directory import User
from fixtures.test_data import CustomerFactory
from flows import PortalUnavailableError, update_accounts
from plugins.portal_requests import PortalRequests

pytestmark = pytest.mark.regression

CITIES = ["Lyon", "Nantes", "Lille"]


def outage_after_first_submit(
    first: Customer, refusals: int | None, portal: PortalRequests
) -> tuple[Callable[[BrowserContext], None], list]:
    """Return a context setup that refuses the pages starting a row (Customers, the Dashboard) once the first
    customer's Submit went through, ``refusals`` times (None: for good); and the list of the refusals made."""
    refused: list[str] = []

    def refuse(route: Route) -> None:
        refused.append(route.request.url)
        route.abort("connectionrefused")

    def setup(context: BrowserContext) -> None:
        def submit(route: Route) -> None:  # the first row's Submit: its answer (the Account page) still comes
            portal.route_screens(context, refuse, "customers", "dashboard", times=refusals)  # then it is back
            route.continue_()

        portal.route_submit(context, submit, first.id, times=1)

    return setup, refused


def refuse_connection(route: Route) -> None:
    route.abort("connectionrefused")


def submit_saved_then_unanswered(
    second: Customer, refusals: int, portal: PortalRequests
) -> Callable[[BrowserContext], None]:
    """Return a context setup where the second customer's Submit reaches the portal, which saves it, but its
    answer never comes (the connection reset, as a portal that stops does); the next ``refusals`` pages
    starting a row are refused."""

    def setup(context: BrowserContext) -> None:
        def submit(route: Route) -> None:
            route.fetch()  # the portal takes the form and saves it...
            portal.route_screens(context, refuse_connection, "customers", "dashboard", times=refusals)
            route.abort("connectionreset")  # ...and goes before its answer reaches the browser

        portal.route_submit(context, submit, second.id, times=1)

    return setup


def run_rows(
    customers: list[Customer], base_url: str, user: User, signed_in: dict[str, Any], setup: Callable
) -> list[Any]:
    """Run one row per customer, each a new city, in one browser."""
    rows = [{"customer": c.companyName, "city": city} for c, city in zip(customers, CITIES, strict=True)]
    return update_accounts(rows, base_url, user.name, **signed_in, setup_context=setup)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The job's waits, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr("flows.rest_waits.pause", waited.append)
    return waited


def test_a_portal_back_after_a_short_outage_is_waited_for_and_every_row_is_changed_once(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    waits: list[float],
    portal_requests: PortalRequests,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    # Given three rows, and a portal that refuses the second row's first page and the next two looks at it
    people, user = [customers.create("FR") for _ in CITIES], make_user("admin-agent")
    setup, refused = outage_after_first_submit(people[0], refusals=3, portal=portal_requests)

    # When the job runs
    outcomes = run_rows(people, base_url, user, signed_in_as(user, api), setup)

    # Then it waited for the portal (looking again after 0.5 s, then 1 s), tried the row again, and went on
    assert [o.outcome for o in outcomes] == ["changed"] * 3, [o.messages for o in outcomes]
    assert (len(refused), waits) == (3, [0.5, 1.0])
    assert outcomes[1].messages[0].startswith("tried again after: PortalUnavailableError"), outcomes[1].messages
    assert [api.billing_profile(c.id).city for c in people] == CITIES
    # And it said so as the wait began and as it ended: minutes without a word look like a run hung
    said = [record.getMessage() for record in caplog.records if record.name == "flows.account_row"]
    row = outcomes[1].row  # the second row's number, as the job numbers it
    waiting = f"row {row}: the portal did not answer; waiting up to 2 minutes for it, then the row is tried again"
    assert said[0] == waiting, said
    assert re.fullmatch(rf"row {row}: the portal answers again after \d+ s", said[1]), said


def test_a_portal_gone_for_good_stops_the_run_with_the_rows_left_for_a_resume(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    waits: list[float],
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given three rows, and a portal that refuses every page from the second row on
    people, user = [customers.create("FR") for _ in CITIES], make_user("admin-agent")
    setup, _ = outage_after_first_submit(people[0], refusals=None, portal=portal_requests)

    # When the job runs, then it stops after two minutes of waiting, saying where and how to carry on
    started = time.monotonic()
    with pytest.raises(PortalUnavailableError, match=r"did not answer for 2 minutes after row 2 failed.*--resume"):
        run_rows(people, base_url, user, signed_in_as(user, api), setup)
    looking = time.monotonic() - started  # the looks themselves count towards the two minutes: at most this long

    # (waits of 0.5, 1, 2, 4, then 8 s, two minutes with the looks themselves) and the other rows not changed
    assert waits[:5] == [0.5, 1.0, 2.0, 4.0, 8.0] and set(waits[4:]) == {8.0}, waits
    assert 120 - looking <= sum(waits) <= 128, (waits, looking)
    assert api.billing_profile(people[0].id).city == CITIES[0]
    assert [api.billing_profile(c.id) for c in people[1:]] == [c.billing for c in people[1:]]


def test_a_submit_left_unanswered_waits_for_the_portal_and_is_not_sent_again(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    waits: list[float],
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given three rows, and a portal that saves the second row's Submit, then goes for two looks before answering
    people, user = [customers.create("FR") for _ in CITIES], make_user("admin-agent")
    setup = submit_saved_then_unanswered(people[1], refusals=2, portal=portal_requests)

    # When the job runs
    outcomes = run_rows(people, base_url, user, signed_in_as(user, api), setup)

    # Then the row waited for the portal (0.5 s, 1 s), found its value saved, and did not submit it again
    assert [o.outcome for o in outcomes] == ["changed"] * 3, [o.messages for o in outcomes]
    assert waits == [0.5, 1.0]
    assert outcomes[1].messages[0].startswith("tried again after: UnknownPageError"), outcomes[1].messages
    assert [change["city"] for change in portal_changes(api, people[1])] == [CITIES[1]]
    assert [api.billing_profile(c.id).city for c in people] == CITIES


def page_crashes(second: Customer, portal: PortalRequests, *, after_save: bool) -> Callable[[BrowserContext], None]:
    """Return a context setup whose page crashes once, as it loads: the page answering the second row's Submit
    (``after_save``: the portal saved it), or the first Customers list a row opens."""

    shows_answer = portal.shows("account" if after_save else "customers")  # looked up in the test, not the job

    def setup(context: BrowserContext) -> None:
        armed = [not after_save]

        def arm(route: Route) -> None:
            armed[0] = True
            route.continue_()

        def crash(page: Page) -> None:
            if armed[0] and shows_answer(page.url):
                armed[0] = False
                with suppress(PlaywrightError):  # the answer to the crash never comes: the page is gone
                    context.new_cdp_session(page).send("Page.crash")

        portal.route_submit(context, arm, second.id)
        for page in context.pages:  # the job's page, and those it opens later
            page.on("domcontentloaded", crash)
        context.on("page", lambda page: page.on("domcontentloaded", crash))

    return setup


@pytest.mark.parametrize("after_save", [True, False], ids=["at-submit", "opening-a-row"])
def test_a_page_that_crashes_is_replaced_and_its_row_tried_again_without_submitting_it_twice(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    waits: list[float], after_save: bool,
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given three rows, and a browser page that crashes as the second row's Submit is answered (the portal saved
    # it), or as the first row opens the Customers list
    people, user = [customers.create("FR") for _ in CITIES], make_user("admin-agent")

    # When the job runs
    outcomes = run_rows(
        people, base_url, user, signed_in_as(user, api), page_crashes(people[1], portal_requests, after_save=after_save)
    )

    # Then the row it hit was tried again in a new page, and every row was changed, once
    assert [o.outcome for o in outcomes] == ["changed"] * 3, [o.messages for o in outcomes]
    crashed = re.compile(r"tried again after: (PageCrashedError|UnknownPageError: The browser's page crashed)")
    assert [o.row for o in outcomes if any(crashed.match(m) for m in o.messages)] != [], outcomes
    assert [len(portal_changes(api, person)) for person in people] == [1, 1, 1]
    assert [api.billing_profile(c.id).city for c in people] == CITIES


def session_ends_before_submit(second: Customer, portal: PortalRequests) -> Callable[[BrowserContext], None]:
    """Return a context setup where the portal's session ends as the second row's Submit is sent (its cookie gone:
    the portal asks to sign in and takes nothing); the provider's session lives on."""

    def setup(context: BrowserContext) -> None:
        def submit(route: Route) -> None:
            context.clear_cookies(domain=urlsplit(route.request.url).hostname)
            route.continue_(headers={k: v for k, v in route.request.headers.items() if k.lower() != "cookie"})

        portal.route_submit(context, submit, second.id, times=1)  # once: the row's second Submit goes through

    return setup


def test_a_row_whose_session_ended_at_submit_signs_in_again_and_says_it_was_tried_again(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given three rows, and a portal session that ends as the second row's Submit is sent
    people, user = [customers.create("FR") for _ in CITIES], make_user("admin-agent")

    # When the job runs
    outcomes = run_rows(
        people, base_url, user, signed_in_as(user, api), session_ends_before_submit(people[1], portal_requests)
    )

    # Then the row signed in again and was saved, once, its results saying the first try's end as a retry's
    assert [o.outcome for o in outcomes] == ["changed"] * 3, [o.messages for o in outcomes]
    assert outcomes[1].messages[0].startswith("signed in again after: The session ended"), outcomes[1].messages
    assert [len(portal_changes(api, person)) for person in people] == [1, 1, 1]


def browser_killed_once(second: Customer, portal: PortalRequests) -> Callable[[BrowserContext], None]:
    """Return a context setup whose browser is killed (SIGKILL, as under memory pressure) as the second row opens
    its customer's Account page, once: the next browser's context is set up alike and lives."""
    killed: list[int] = []

    def setup(context: BrowserContext) -> None:
        def kill(route: Route) -> None:
            if killed or context.browser is None:
                route.continue_()
                return
            processes = context.browser.new_browser_cdp_session().send("SystemInfo.getProcessInfo")["processInfo"]
            killed.extend(p["id"] for p in processes if p["type"] == "browser")
            os.kill(killed[0], signal.SIGKILL)

        portal.route_screens(context, kill, "account", customer_id=second.id)

    return setup


def test_a_browser_killed_under_a_row_is_replaced_and_the_row_tried_in_the_next(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User],
    portal_requests: PortalRequests,
) -> None:  # fmt: skip
    # Given three rows, and a browser killed as the second row opens its customer's Account page
    people, user = [customers.create("FR") for _ in CITIES], make_user("admin-agent")

    # When the job runs, then the row is tried in a new browser, and every row is changed, once
    outcomes = run_rows(
        people, base_url, user, signed_in_as(user, api), browser_killed_once(people[1], portal_requests)
    )
    assert [o.outcome for o in outcomes] == ["changed"] * 3, [o.messages for o in outcomes]
    assert [len(portal_changes(api, person)) for person in people] == [1, 1, 1]


@pytest.mark.parametrize(
    ("stop", "code", "said"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGHUP, 129, "hung up")],
    ids=["term", "hup"],
)
def test_a_run_terminated_says_how_to_resume_leaves_no_sign_in_behind_and_resumes_once(
    stop: signal.Signals,
    code: int,
    said: str,
    base_url: str,
    customers: CustomerFactory,
    api: PortalApi,
    make_user: Callable[[str], User],
    tmp_path: Path,
) -> None:
    # Given three customers to move, and a run whose temporary files go under this test's own folder
    created, user = [customers.create("CN") for _ in range(3)], make_user("admin-agent")
    file = write_csv(tmp_path / "changes.csv", [[c.companyName, "苏州市", f"21500{n}"] for n, c in enumerate(created)])
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    results = file.with_name(file.name + ".results.csv")
    results.write_text("row,customer,outcome\n2,an earlier run's customer,changed\n", encoding="utf-8")

    # When SIGTERM comes (a CI's cancel, timeout, systemd), or SIGHUP (its terminal closed), once a row is done, and
    # the run is resumed
    with subprocess.Popen(at_a_terminal(command(base_url, file, user)), cwd=ROOT, stderr=subprocess.PIPE, text=True,
                          env={**secrets_of(user), "TMPDIR": str(temporary)}) as process:  # fmt: skip
        watchdog = threading.Timer(120, process.kill)  # a run that never gets there fails instead of hanging
        watchdog.start()
        for line in process.stderr or ():
            if line.startswith("row "):
                process.send_signal(stop)
                break
        lines = (process.stderr.read() if process.stderr else "").strip().splitlines()
    watchdog.cancel()
    with results.open(encoding="utf-8-sig", newline="") as written:
        stopped = {row["customer"]: row["outcome"] for row in csv.DictReader(written)}
    resumed = run(command(base_url, file, user, "--resume"), user)

    # Then the run stopped as on Ctrl-C, saying how to carry on, its sign-in deleted; the resume did each row once
    assert process.returncode == code, lines
    assert lines[-1].startswith(f"{said}: carry on with --resume (the journal is "), lines
    # ... its results (never the earlier run's) saying what it did before it stopped, and which rows it did not
    assert set(stopped) == {c.companyName for c in created}, stopped
    assert "changed" in stopped.values() and set(stopped.values()) <= {"changed", "not-run"}, stopped
    # ... said as a tally, and each row it did shown (one done as it stopped too), as the results have them
    tally = ", ".join(f"{sum(o == name for o in stopped.values())} {name}" for name in ("changed", "not-run"))
    assert f"so far, 3 rows: {tally.removesuffix(', 0 not-run')}; results in {results} (rows not run are marked " \
        "not-run)" in lines, lines  # fmt: skip
    shown = sum(line.startswith("row ") and " changed " in line for line in lines) + 1  # the first, read above
    assert shown == list(stopped.values()).count("changed"), lines
    assert list(temporary.iterdir()) == [], "the shared sign-in (a secret) stays on disk"
    assert resumed.returncode == 0, resumed.stderr
    for n, customer in enumerate(created):
        assert [(c["city"], c["postalCode"]) for c in portal_changes(api, customer)] == [("苏州市", f"21500{n}")]


def test_ctrl_c_at_a_terminal_lets_the_row_under_way_finish_and_the_resume_does_the_rest_once(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path
) -> None:
    # Given four customers to move, the run in a process group of its own, as a terminal's foreground job
    created, user = [customers.create("CN") for _ in range(4)], make_user("admin-agent")
    file = write_csv(tmp_path / "changes.csv", [[c.companyName, "苏州市", f"21500{n}"] for n, c in enumerate(created)])
    results = file.with_name(file.name + ".results.csv")

    # When Ctrl-C is pressed as the second row is under way: the terminal sends SIGINT to every process of the group
    # (Playwright's driver too), and the run is resumed
    with subprocess.Popen(at_a_terminal(command(base_url, file, user, "--verbose")), cwd=ROOT, stderr=subprocess.PIPE,
                          text=True, env=secrets_of(user), start_new_session=True) as process:  # fmt: skip
        watchdog = threading.Timer(120, process.kill)  # a run that never gets there fails instead of hanging
        watchdog.start()
        first_done = False
        for line in process.stderr or ():
            first_done = first_done or line.startswith("row 2 ")
            if first_done and line.startswith("step: Edit"):  # the second row's form is opened
                os.killpg(process.pid, signal.SIGINT)
                break
        said = (process.stderr.read() if process.stderr else "").strip().splitlines()
    watchdog.cancel()
    with results.open(encoding="utf-8-sig", newline="") as written:
        stopped = [row["outcome"] for row in csv.DictReader(written)]
    resumed = run(command(base_url, file, user, "--resume"), user)

    # Then the row under way was finished, not cut short by its browser closing; the resume did each row once
    assert process.returncode == 130, said
    assert stopped[:2] == ["changed", "changed"] and set(stopped[2:]) <= {"changed", "not-run"}, (stopped, said)
    assert resumed.returncode == 0, resumed.stderr
    for n, customer in enumerate(created):
        assert [(c["city"], c["postalCode"]) for c in portal_changes(api, customer)] == [("苏州市", f"21500{n}")]


def test_a_run_whose_terminal_hung_up_still_writes_its_results_and_exits_129(
    base_url: str, customers: CustomerFactory, make_user: Callable[[str], User], tmp_path: Path
) -> None:
    # Given a run at a terminal (its progress bar drawn), whose terminal closes once a row is done: every write to it
    # fails from then on, and SIGHUP comes
    created, user = [customers.create("CN") for _ in range(3)], make_user("admin-agent")
    file = write_csv(tmp_path / "changes.csv", [[c.companyName, "苏州市", f"21500{n}"] for n, c in enumerate(created)])
    results = file.with_name(file.name + ".results.csv")
    terminal, held = os.openpty()
    with subprocess.Popen(
        at_a_terminal(command(base_url, file, user)), cwd=ROOT, stderr=held, env=secrets_of(user)
    ) as process:
        os.close(held)
        watchdog = threading.Timer(120, process.kill)
        watchdog.start()
        said = b""
        with suppress(OSError):  # the run ended before a row: said by its exit code below
            while b" 1/3 rows" not in said:  # the bar, once a row is done
                said += os.read(terminal, 4096)
        os.close(terminal)
        process.send_signal(signal.SIGHUP)
    watchdog.cancel()

    # Then it stops as on SIGHUP with a terminal to write to: its results so far written, exit 129
    assert process.returncode == 129, said
    with results.open(encoding="utf-8-sig", newline="") as written:
        stopped = {row["customer"]: row["outcome"] for row in csv.DictReader(written)}
    assert set(stopped) == {c.companyName for c in created}, stopped
    assert "changed" in stopped.values() and set(stopped.values()) <= {"changed", "not-run"}, stopped


def test_a_run_whose_output_reader_goes_does_every_row_all_the_same(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], tmp_path: Path
) -> None:
    # Given three customers to move, and a run watched through a pipe whose reader goes after the first line
    # (`| head -1`, a tee or a log shipper that died)
    created, user = [customers.create("CN") for _ in range(3)], make_user("admin-agent")
    file = write_csv(tmp_path / "changes.csv", [[c.companyName, "苏州市", f"21500{n}"] for n, c in enumerate(created)])
    with subprocess.Popen(command(base_url, file, user), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, env=secrets_of(user)) as process:  # fmt: skip
        watchdog = threading.Timer(180, process.kill)  # a run that hangs fails instead of holding the test
        watchdog.start()
        first = process.stdout.readline() if process.stdout else ""
        if process.stdout:
            process.stdout.close()
        code = process.wait()
    watchdog.cancel()

    # Then every row was done, once, as if it were watched to the end, and the run says so by its exit code
    assert (code, first.split(" ")[1:4]) == (0, ["of", "3", "rows"]), first
    with (tmp_path / "changes.csv.results.csv").open(encoding="utf-8-sig", newline="") as written:
        assert [row["outcome"] for row in csv.DictReader(written)] == ["changed"] * 3
    for n, customer in enumerate(created):
        assert [(c["city"], c["postalCode"]) for c in portal_changes(api, customer)] == [("苏州市", f"21500{n}")]
