"""The flows outside pytest: the command line, portal_session and a plain script."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Playwright, expect

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import portal_session, update_customer_account
from pages import SignInPage

pytestmark = pytest.mark.regression
ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run a command of the project in a fresh interpreter, as a user would."""
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_command_line_updates_the_account_and_prints_the_profile(
    base_url: str, customers: CustomerFactory, api: PortalApi
) -> None:
    customer = customers.create("CN")

    done = run("-m", "flows", "update-account", "--base-url", base_url, "--user", "sales-agent",
               "--customer", customer.companyName, "--set", "city=苏州市", "--set", "postalCode=215000")  # fmt: skip

    assert done.returncode == 0, done.stderr
    expected = dataclasses.replace(customer.billing, city="苏州市", postalCode="215000")
    assert json.loads(done.stdout) == expected.as_dict()
    assert api.billing_profile(customer.id) == expected
    assert "step: Submit" in done.stderr


@pytest.mark.parametrize(
    ("user", "customer", "change", "code"),
    [
        pytest.param("global-admin", None, "postalCode=1", 3, id="validation-3"),
        pytest.param("helpdesk-agent", None, "city=Paris", 5, id="not-allowed-5"),
        pytest.param("global-admin", "No Such Company", "city=Paris", 6, id="not-found-6"),
        pytest.param("nobody", None, "city=Paris", 7, id="sign-in-refused-7"),
        pytest.param("global-admin", None, "country=FR", 1, id="not-editable-1"),
        pytest.param("global-admin", None, "no-equals-sign", 2, id="bad-command-line-2"),
    ],
)
def test_command_line_exit_code_tells_what_went_wrong(
    user: str, customer: str | None, change: str, code: int, base_url: str, customers: CustomerFactory, api: PortalApi
) -> None:
    created = customers.create("FR")

    done = run("-m", "flows", "update-account", "--base-url", base_url, "--user", user,
               "--customer", customer or created.companyName, "--set", change)  # fmt: skip

    assert done.returncode == code, done.stderr
    assert "error" in done.stderr
    assert api.billing_profile(created.id) == created.billing


def test_example_script_updates_a_customer(base_url: str, customers: CustomerFactory, api: PortalApi) -> None:
    customer = customers.create("US")

    done = run(
        "examples/update_account.py", base_url, customer.companyName, "city=Austin", "state=TX", "postalCode=73301"
    )

    assert done.returncode == 0, done.stderr
    assert "saved: " in done.stdout
    assert api.billing_profile(customer.id) == dataclasses.replace(
        customer.billing, city="Austin", state="TX", postalCode="73301"
    )


def test_portal_session_signs_in_and_records_named_steps(
    base_url: str, customers: CustomerFactory, portal_password: str, tmp_path: Path, playwright: Playwright
) -> None:
    customer = customers.create("CN")
    trace = tmp_path / "trace.zip"

    session = portal_session(
        base_url, "admin-agent", portal_password, locale="zh-CN", trace=trace, playwright=playwright
    )
    with session as page:
        update_customer_account(page, customer.companyName, {"city": "南京市"})

    with zipfile.ZipFile(trace) as archive:
        events = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".trace"))
    for step in ("Sign in as admin-agent", f"Select customer {customer.companyName}", "Edit", "Submit"):
        assert json.dumps(step, ensure_ascii=False) in events


def test_command_line_says_which_browser_it_will_use() -> None:
    done = run("-m", "flows", "browser")

    assert done.returncode == 0, done.stdout
    assert "chrom" in done.stdout.lower()


def test_portal_session_signs_in_again_when_the_portal_ends_its_session(
    base_url: str, customers: CustomerFactory, api: PortalApi, portal_password: str, playwright: Playwright
) -> None:
    customer = customers.create("FR")

    with portal_session(base_url, "admin-agent", portal_password, playwright=playwright) as page:
        page.get_by_role("button", name="Sign out").click()  # as an expired session would
        expect(SignInPage(page).sign_in_button).to_be_visible()
        update_customer_account(page, customer.companyName, {"city": "Rennes", "postalCode": "35000"})

    expected = dataclasses.replace(customer.billing, city="Rennes", postalCode="35000")
    assert api.billing_profile(customer.id) == expected
