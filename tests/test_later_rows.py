"""What the job plans for a customer's rows (the file's last word holds, resumed or run again), for a refused file."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from test_journal_rows_alike import OneCustomerApi, resumed_plan

from flows.account_row import saved_since_check
from flows.accounts_job import NOT_RUN, InvalidRowsError, as_rows, refuse_problems
from flows.accounts_plan import APPLIED_BEFORE, check_rows
from flows.journal import Journal
from flows.outcomes import FAILED, RowOutcome
from flows.rest import PortalClient
from flows.spreadsheet import AccountRow
from pages import BillingProfile

pytestmark = pytest.mark.tooling  # the library's own parts: no portal


def test_a_resumed_row_leaves_alone_what_a_later_row_began_to_submit(tmp_path: Path) -> None:
    # Given row 2 (Lyon) failed before its Submit, then row 3 (Nice) of the same customer saved as the run stopped
    def first_run(journal: Journal, rows: list[AccountRow]) -> None:
        journal.finished(rows[0], RowOutcome(2, "Contoso", FAILED, "id-c", messages=["HTTP 500"]))
        journal.started(rows[1], {"city": "Paris"})

    # When the run resumes
    plan = resumed_plan(tmp_path / "run.journal", ["Lyon", "Nice"], "Nice", first_run)

    # Then row 2 does not put Lyon back over row 3's Nice, and says why; row 3's Submit was saved: nothing to run
    assert [(o.row, o.outcome) for o in plan.settled] == [(2, "unchanged"), (3, "changed")], plan.describe()
    assert plan.settled[0].messages == [
        "city: not applied, row 3 (later in the file) may have set it in an earlier run, and runs after this one"
    ]
    assert plan.settled[1].messages == [APPLIED_BEFORE]
    assert plan.tasks == []


def test_a_resumed_row_still_runs_when_the_later_row_s_submit_never_got_there(tmp_path: Path) -> None:
    # Given the same run, but row 3's Submit lost on its way: the portal still holds Paris
    def first_run(journal: Journal, rows: list[AccountRow]) -> None:
        journal.finished(rows[0], RowOutcome(2, "Contoso", FAILED, "id-c", messages=["HTTP 500"]))
        journal.started(rows[1], {"city": "Paris"})

    plan = resumed_plan(tmp_path / "run.journal", ["Lyon", "Nice"], "Paris", first_run)

    # Then row 3 runs again (the last word), row 2's city is left to it
    assert [task.row.number for task in plan.tasks] == [3], plan.describe()
    assert [(o.row, o.outcome) for o in plan.settled] == [(2, "unchanged")]


@pytest.mark.parametrize(
    ("city_now", "to_run"), [("Nice", []), ("Paris", [2, 3])], ids=["file-already-applied", "file-not-applied"]
)
def test_a_file_run_again_submits_nothing_once_its_last_rows_hold(city_now: str, to_run: list[int]) -> None:
    rows = [AccountRow(2, "Contoso", {"city": "Lyon"}), AccountRow(3, "Contoso", {"city": "Nice"})]

    plan = check_rows(rows, cast(PortalClient, OneCustomerApi(city_now)))

    # Then an earlier row does not put back, even for a while, a value a later row set; a new file runs in order
    assert [task.row.number for task in plan.tasks] == to_run, plan.describe()
    if not to_run:
        assert [(o.row, o.outcome) for o in plan.settled] == [(2, "unchanged"), (3, "unchanged")]
        assert plan.settled[0].messages == [
            "city: not applied, row 3 (later in the file) sets it to the value the portal already holds"
        ]


def test_a_refused_file_s_results_have_a_line_for_every_row_the_valid_ones_left_as_they_were() -> None:
    # Given a valid row and one whose value breaks a rule
    rows = [AccountRow(2, "Contoso", {"city": "Lyon"}), AccountRow(3, "Contoso", {"addressLine1": "1 rue\n2"})]
    plan = check_rows(rows, cast(PortalClient, OneCustomerApi("Paris")))

    # When the file is refused (no --skip-invalid)
    refused = InvalidRowsError(plan)

    # Then its results hold both rows: the problem, and the valid row not run, its city as it was
    assert [(o.row, o.outcome) for o in refused.outcomes] == [(2, "not-run"), (3, "invalid")]
    assert (refused.outcomes[0].messages, refused.outcomes[0].after) == ([NOT_RUN], {"city": "Paris"})


def test_the_first_of_rows_given_as_mappings_is_skipped_alone_when_invalid_not_taken_for_the_file() -> None:
    # Given rows as mappings (numbered from 1), the first naming no customer the portal has
    rows = as_rows([{"customer": "Nobody", "city": "Lyon"}, {"customer": "Contoso", "city": "Lyon"}])
    plan = check_rows(rows, cast(PortalClient, OneCustomerApi("Paris")))

    # When the invalid rows are skipped, then the other row runs: row 1's problem is its own, not the file's
    refuse_problems(plan, skip_invalid=True)
    assert [task.row.number for task in plan.tasks] == [2]
    assert plan.describe()[0] == "row 1: not-found Nobody (no customer named or with the Microsoft ID 'Nobody')"


class ChineseCustomerApi(OneCustomerApi):
    """The check's REST client, for one customer in China, Contoso, whose billing state is ``state``."""

    def __init__(self, state: str) -> None:
        super().__init__("北京市")
        self.state = state

    def billing_profile(self, customer_id: str) -> BillingProfile:
        return BillingProfile.from_mapping({"city": self.city, "state": self.state, "country": "CN"})

    def country_rules(self, country: str) -> dict[str, object]:
        return {"iso2Code": "CN", "supportedStatesList": ["北京市", "上海市"]}  # by name, as China's list is


@pytest.mark.parametrize("code", ["SH", "cn-sh"])
def test_a_file_run_again_with_a_province_given_by_its_code_submits_nothing(code: str) -> None:
    # Given a row giving Shanghai by its code, a customer the portal already holds in 上海市 (it stores the name)
    rows = [AccountRow(2, "Contoso", {"state": code})]

    plan = check_rows(rows, cast(PortalClient, ChineseCustomerApi("上海市")))

    # Then the row is unchanged: nothing to submit, and it says how it read the code
    assert ([task.row.number for task in plan.tasks], [o.outcome for o in plan.settled]) == ([], ["unchanged"])
    assert plan.settled[0].messages == [f"state: {code!r} is '上海市' in the country's list"]


def test_a_province_given_by_its_code_is_sent_as_the_country_s_list_names_it() -> None:
    # Given a customer in 北京市 and a row moving it to Shanghai, by its code
    plan = check_rows([AccountRow(2, "Contoso", {"state": "SH"})], cast(PortalClient, ChineseCustomerApi("北京市")))

    # Then the Submit will carry the name the portal stores, so the next run finds it held
    [task] = plan.tasks
    assert (task.changes, task.before) == ({"state": "上海市"}, {"state": "北京市"})


@pytest.mark.parametrize(("shown", "theirs"), [("北京市", {}), ("BJ", {}), ("广东省", {"state": "广东省"})])
def test_a_province_the_api_gives_by_its_code_is_the_one_the_form_shows_by_its_name(
    shown: str, theirs: dict[str, str]
) -> None:
    # Given a customer the API gives in "BJ", its code, and a row moving it to Shanghai
    [task] = check_rows([AccountRow(2, "Contoso", {"state": "SH"})], cast(PortalClient, ChineseCustomerApi("BJ"))).tasks

    # Then a form showing Beijing by its name or code shows the value the check read; another is saved since
    assert saved_since_check(task, {"state": shown}, ()) == theirs
