"""A deployment that keeps its screens at other addresses (Partner Center keeps Customers under /commerce/): the
tests that open screens by address pass against it once told where (``--screen-addresses``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from portal_process import PortalProcess
from suite_run import ROOT, run_pytest

from fixtures.api_client import PortalApi
from fixtures.identity import DEMO_PASSWORD, DEMO_TOTP_SECRET
from pages.addresses import ScreenAddresses

pytestmark = pytest.mark.regression
UNDER = "/commerce"
LAID_OUT = (
    "dashboard=commerce/dashboard,customers=commerce/customers,customer=commerce/customers/{id},"
    "account=commerce/customers/{id}/account,edit="  # the form opened by the Account page's Edit
)
SUBMIT = "POST commerce/customers/{id}/account/edit"  # the form's Submit, which has no screen address here
# Tests that reach a deployment and open a screen by its address (sign-in at the Dashboard's); of the invalid
# values' 40 cases, which all open the Account page alike, two.
BY_ADDRESS = (
    "tests/test_validation.py",
    "tests/test_roles.py",
    "tests/test_sign_in.py",
    "tests/test_interrupted_edits.py",
    "-k",
    " or ".join((
        "several_invalid_fields", "cancel_after_a_refused_submit", "required_fields_are_announced", "blank-email",
        "cn-postal-5-digits", "plain_playwright_script", "without_mfa_is_sent_back", "signed_out_visitor",
        "wrong_code_is_refused", "sign_in_journey_in_each", "cannot_open_the_edit_form", "forged_submit",
        "answered_by_the_portal_s_403", "sent_by_another_site",
    )),
)  # fmt: skip


@pytest.fixture(scope="module")
def commerce_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalProcess]:
    """The bundled portal serving its screens below /commerce, as a deployment may."""
    portal = PortalProcess.start(tmp_path_factory.mktemp("commerce"), "--screens-under", UNDER)
    yield portal
    portal.stop()


@pytest.mark.bundled
def test_tests_that_open_screens_by_address_pass_where_told_the_deployment_s_addresses(
    commerce_portal: PortalProcess, tmp_path: Path
) -> None:
    target = [f"--base-url={commerce_portal.url}", f"--portal-totp-secret={DEMO_TOTP_SECRET}"]

    # When the tests that open screens by address run, told where its screens are, and then not told
    told = run_pytest(*BY_ADDRESS, *target, f"--screen-addresses={LAID_OUT}", f"--submit-request={SUBMIT}",
                      folder=tmp_path / "a")  # fmt: skip
    not_told = run_pytest("tests/test_validation.py", *target, "-x", folder=tmp_path / "b")

    # Then they pass where told, and fail where not, the Dashboard's address the first to miss
    assert len(told.outcomes) >= 14, told.output  # each test named above, in each language where it has them
    assert told.names("passed") == sorted(told.outcomes), told.output
    assert not_told.names("passed") == [], not_told.output
    assert "/dashboard" in not_told.output, not_told.output


@pytest.mark.bundled
def test_the_command_opens_a_customer_given_by_id_where_told(commerce_portal: PortalProcess) -> None:
    api = PortalApi(commerce_portal.url, "global-admin", DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
    with closing(api):
        customer = api.call("GET", "v1/customers?size=1")["items"][0]["id"]
        command = [sys.executable, "-m", "flows", "update-account", "--base-url", commerce_portal.url,
                   "--user", "global-admin", "--customer", customer, "--set", "city=Lyon"]  # fmt: skip
        environment = {**os.environ, "PORTAL_PASSWORD": DEMO_PASSWORD, "PORTAL_TOTP_SECRET": DEMO_TOTP_SECRET}

        done = subprocess.run([*command, "--screen-addresses", LAID_OUT], cwd=ROOT, env=environment,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

        assert done.returncode == 0, done.stderr
        assert api.billing_profile(customer).city == "Lyon"


@pytest.mark.tooling
def test_screens_not_named_keep_the_bundled_portal_s_addresses() -> None:
    addresses = ScreenAddresses.parse(" account = commerce/customers/{id}/account , edit= ")

    assert addresses == ScreenAddresses(account="commerce/customers/{id}/account", edit="")
    assert addresses.of("account", "a b/c") == "commerce/customers/a%20b%2Fc/account"
    assert addresses.of("customer", "42") == "customers/42"


@pytest.mark.tooling
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("account=commerce/account", "must hold {id} once"),
        ("customer=c/{id}/{id}", "must hold {id} once"),
        ("account=a/{id}/{tenant}", "braces other than {id}"),
        ("dashboard=", "empty"),
        ("customers=/commerce/customers", "below the base URL: without a leading /"),
        ("account=https://elsewhere/customers/{id}", "below the base URL"),
        ("home=x", "SCREEN=ADDRESS with SCREEN one of dashboard, customers, customer, account, edit"),
        ("account", "SCREEN=ADDRESS"),
    ],
)
def test_addresses_the_page_objects_cannot_use_are_refused(text: str, said: str) -> None:
    with pytest.raises(ValueError, match=f".*{said.replace('{', '[{]')}"):
        ScreenAddresses.parse(text)


@pytest.mark.tooling
def test_a_wrong_screen_addresses_option_is_a_usage_error(tmp_path: Path) -> None:
    run = run_pytest("--screen-addresses=account=nowhere", "--collect-only", folder=tmp_path)

    assert run.returncode == 4, run.report
    assert "the account screen's address 'nowhere' must hold {id} once" in run.output, run.report


FAULTS_PLAYED = (  # tests that answer Submit, or a screen's load, in the portal's place
    "tests/test_unanswered_links.py",
    "tests/test_interrupted_edits.py",
    "-k",
    "submit_the_portal_leaves_unanswered or address_the_portal_leaves_unanswered or submit_the_portal_never_answers",
)


@pytest.mark.bundled
def test_tests_that_answer_submit_in_the_portal_s_place_route_the_request_they_are_told(
    commerce_portal: PortalProcess, tmp_path: Path
) -> None:
    target = [f"--base-url={commerce_portal.url}", f"--portal-totp-secret={DEMO_TOTP_SECRET}",
              f"--screen-addresses={LAID_OUT}"]  # fmt: skip

    # When the tests that play faults run where the form has no address of its own, told its Submit, and then not
    told = run_pytest(*FAULTS_PLAYED, *target, f"--submit-request={SUBMIT}", folder=tmp_path / "a")
    not_told = run_pytest(*FAULTS_PLAYED, *target, folder=tmp_path / "b")

    # Then they pass where told (a screen's load routed at its address there too); not told, Submit's fail saying so
    assert len(told.outcomes) == 3 and told.names("passed") == sorted(told.outcomes), told.output
    submits = sorted(name for name in not_told.outcomes if "submit" in name)
    assert len(submits) == 2 and not_told.names("failed") == submits, not_told.output
    assert "name the request its Submit sends with --submit-request" in not_told.output, not_told.output
