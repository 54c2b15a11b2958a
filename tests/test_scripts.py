"""The flows outside pytest: the command line, portal_session and a plain script."""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote_plus

import pyotp
import pytest
from playwright.sync_api import Playwright

from fixtures.api_client import PortalApi
from fixtures.demo import customer_to_update
from fixtures.directory import User
from fixtures.test_data import CustomerFactory
from flows import PortalError, SignedOutError, SignInError, portal_session, trace_secrets, update_customer_account
from flows import __main__ as flows_main
from flows.browser import BrowserNotFoundError, headed_without_display
from flows.saved_sign_in import saved_sign_in_path
from flows.sign_in import check_secret
from pages import sign_out

pytestmark = pytest.mark.regression
ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, user: User | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command of the project in a fresh interpreter, as a user would, with ``user``'s secrets in its env."""
    env = dict(os.environ)
    if user is not None:
        env.update(PORTAL_USER=user.name, PORTAL_PASSWORD=user.password, PORTAL_TOTP_SECRET=user.totp_secret or "")
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def test_command_line_updates_the_account_and_prints_the_profile(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User]
) -> None:
    customer = customers.create("CN")
    user = make_user("sales-agent")

    done = run("-m", "flows", "update-account", "--base-url", base_url, "--user", user.name, "--customer",
               customer.companyName, "--set", "city=苏州市", "--set", "postalCode=215000", user=user)  # fmt: skip

    assert done.returncode == 0, done.stderr
    expected = dataclasses.replace(customer.billing, city="苏州市", postalCode="215000")
    assert json.loads(done.stdout) == expected.as_dict()
    assert api.billing_profile(customer.id) == expected
    assert "step: Submit" in done.stderr


@pytest.mark.parametrize(
    ("role", "customer", "change", "code", "said"),
    [
        pytest.param("global-admin", None, "postalCode=1", 3, "error: The portal refused the changes:\n  postalCode: ",
                     id="validation-3"),
        pytest.param("helpdesk-agent", None, "city=Paris", 5, "error: The signed-in user may not edit the account of",
                     id="not-allowed-5"),
        pytest.param("global-admin", "No Such Company", "city=Paris", 6,
                     "error: No customer named 'No Such Company' in the Customers list", id="not-found-6"),
        pytest.param(None, None, "city=Paris", 7, "error: The identity provider refused the sign-in of 'nobody-",
                     id="sign-in-refused-7"),
        pytest.param("global-admin", None, "country=FR", 2, "error: Not editable billing fields: country.",
                     id="not-editable-2"),
        pytest.param("global-admin", None, "no-equals-sign", 2, "error: argument --set: expected FIELD=VALUE",
                     id="bad-command-line-2"),
    ],
)  # fmt: skip
def test_command_line_exit_code_tells_what_went_wrong(
    role: str | None, customer: str | None, change: str, code: int, said: str, base_url: str,
    customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], run_id: str,
) -> None:  # fmt: skip
    created = customers.create("FR")
    user = make_user(role) if role else User(f"nobody-{run_id}", "x", None)

    done = run("-m", "flows", "update-account", "--base-url", base_url, "--user", user.name,
               "--customer", customer or created.companyName, "--set", change, user=user)  # fmt: skip

    assert done.returncode == code, done.stderr
    assert said in done.stderr, done.stderr
    assert api.billing_profile(created.id) == created.billing


@pytest.mark.bundled  # the bundled portal's words
def test_command_line_says_each_refused_field_once(
    base_url: str, customers: CustomerFactory, make_user: Callable[[str], User]
) -> None:
    customer = customers.create("CN")
    user = make_user("global-admin")

    done = run("-m", "flows", "update-account", "--base-url", base_url, "--user", user.name, "--customer",
               customer.companyName, "--set", "postalCode=1", "--set", "phoneNumber=x", user=user)  # fmt: skip

    said = [line for line in done.stderr.splitlines() if not line.startswith("step: ")]
    assert (done.returncode, said) == (3, [
        "error: The portal refused the changes:",
        "  phoneNumber: Phone number is not a valid phone number for China.",
        "  postalCode: Postal code is not a valid postal code for China.",
    ]), done.stderr  # fmt: skip


def test_command_line_asks_for_a_missing_totp_secret_by_its_option(
    base_url: str, make_user: Callable[[str], User]
) -> None:
    user = make_user("global-admin")

    done = run("-m", "flows", "update-account", "--base-url", base_url, "--user", user.name, "--customer", "Contoso",
               "--set", "city=Lyon", user=dataclasses.replace(user, totp_secret=None))  # fmt: skip

    assert done.returncode == 7, done.stderr
    assert (
        f"error: The identity provider asks {user.name!r} for a verification code: give the authenticator's TOTP "
        "secret (--totp-secret BASE32, or $PORTAL_TOTP_SECRET), or use a saved sign-in."
    ) in done.stderr.splitlines(), done.stderr


@pytest.mark.tooling
@pytest.mark.parametrize(
    ("given", "expected"),
    [("City=Lyon", ("city", "Lyon")), ("POSTALCODE=69001", ("postalCode", "69001")), ("nope=1", ("nope", "1"))],
    ids=["capital", "upper-case", "unknown-left-to-refuse"],
)
def test_set_takes_a_field_s_name_in_any_case_as_the_spreadsheet_job_does(given: str, expected: tuple) -> None:
    assert flows_main.field_assignment(given) == expected


@pytest.mark.tooling
def test_auth_dir_help_shows_where_saved_sign_ins_are() -> None:
    commands = ("update-account", "update-accounts", "save-sign-in")
    helped = [run("-m", "flows", command, "--help") for command in commands]

    written = saved_sign_in_path("http://127.0.0.1:8000/", "global-admin", ".auth")
    assert written == Path(".auth/127.0.0.1_8000/global-admin.json")
    shown = [" ".join(done.stdout.split()) for done in helped]  # as one line: argparse wraps the help
    assert ["DIR/<host>[_<port>]/<user>.json" in text for text in shown] == [True, True, True], shown
    assert ["DIR/<host>/<user>.json" in text for text in shown] == [False, False, False], shown


@pytest.mark.tooling
def test_command_line_names_its_option_for_a_totp_secret_that_is_not_base32() -> None:
    done = run("-m", "flows", "update-account", "--base-url", "http://127.0.0.1:9/", "--user", "u", "--customer", "c",
               "--set", "city=Lyon", "--totp-secret", "not base32!")  # fmt: skip

    assert (done.returncode, done.stderr.splitlines()[-1]) == (2, (
        "error: The authenticator's TOTP secret (--totp-secret BASE32, or $PORTAL_TOTP_SECRET) is not a usable base32 "
        "secret: Non-base32 digit found"
    )), done.stderr  # fmt: skip
    # A script's caller still reads the name of the library's argument
    with pytest.raises(ValueError, match=re.escape("TOTP secret (totp_secret=..., or $PORTAL_TOTP_SECRET) is not")):
        check_secret("not base32!")


@pytest.mark.tooling
@pytest.mark.parametrize(
    ("args", "said"),
    [
        pytest.param(["Contoso", "cty=Paris"], "error: not editable: cty (editable: companyName", id="field-typo"),
        pytest.param(["Contoso", "Paris"], "error: not FIELD=VALUE: Paris", id="no-equals"),
        pytest.param(["Contoso"], "error: no change given", id="no-change"),
        pytest.param([], "error: a portal's address and a customer are needed", id="nothing"),
    ],
)
def test_example_script_says_what_is_wrong_with_its_arguments_before_any_browser(args: list[str], said: str) -> None:
    given = ["http://127.0.0.1:9/", *args] if args else []  # nothing answers there: no browser may start

    done = run("examples/update_account.py", *given)

    usage, error = done.stderr.splitlines()
    assert (done.returncode, usage) == (2, "usage: update_account.py BASE_URL CUSTOMER FIELD=VALUE [FIELD=VALUE ...]")
    assert error.startswith(said), error


@pytest.mark.tooling
def test_example_script_refuses_an_address_without_http_as_a_usage_error() -> None:
    done = run("examples/update_account.py", "127.0.0.1:9", "Contoso", "city=Paris")

    assert done.returncode == 2, done.stderr
    usage, error = done.stderr.splitlines()
    assert usage == "usage: update_account.py BASE_URL CUSTOMER FIELD=VALUE [FIELD=VALUE ...]"
    assert error.startswith("error: The portal's address '127.0.0.1:9' needs its http://"), error


@pytest.mark.tooling
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_example_script_help_prints_its_usage_and_exits_0(flag: str) -> None:
    done = run("examples/update_account.py", flag)

    usage = "usage: update_account.py BASE_URL CUSTOMER FIELD=VALUE [FIELD=VALUE ...]"
    assert (done.returncode, done.stdout.splitlines()[0], done.stderr) == (0, usage, "")
    assert "Exit codes as" in done.stdout


@pytest.mark.tooling
@pytest.mark.parametrize(("error", "code"), [(SignedOutError("signed out"), 7), (SignInError("refused"), 7)])
def test_example_script_exits_as_the_command_line_does(
    monkeypatch: pytest.MonkeyPatch, error: Exception, code: int
) -> None:
    spec = importlib.util.spec_from_file_location("update_account_example", ROOT / "examples" / "update_account.py")
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)

    @contextlib.contextmanager
    def session(*args: object, **options: object) -> Iterator[None]:
        raise error
        yield

    monkeypatch.setattr(example, "portal_session", session)

    assert example.main("http://127.0.0.1:9/", "Contoso", {"city": "Lyon"}) == code
    assert flows_main.EXIT_CODES[type(error)] == code


def test_example_script_updates_a_customer(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User]
) -> None:
    customer = customers.create("US")

    done = run(
        "examples/update_account.py", base_url, customer.companyName, "city=Austin", "state=TX", "postalCode=73301",
        user=make_user("global-admin"),
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "saved: " in done.stdout
    assert api.billing_profile(customer.id) == dataclasses.replace(
        customer.billing, city="Austin", state="TX", postalCode="73301"
    )


def test_portal_session_signs_in_and_records_named_steps(
    base_url: str, customers: CustomerFactory, make_user: Callable[[str], User], tmp_path: Path, playwright: Playwright,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    customer = customers.create("CN")
    user = make_user("admin-agent")
    trace = tmp_path / "trace.zip"
    monkeypatch.setattr(trace_secrets, "SECRETS", set())  # what the library scrubs by itself, not the suite's secrets

    session = portal_session(
        base_url, user.name, user.password, totp_secret=user.totp_secret, locale="zh-CN", trace=trace,
        playwright=playwright,
    )  # fmt: skip
    began = time.time()
    with session as page:
        update_customer_account(page, customer.companyName, {"city": "南京市"})
        sessions = [cookie["value"] for cookie in page.context.cookies() if len(cookie["value"]) >= 16]

    with zipfile.ZipFile(trace) as archive:
        events = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".trace"))
        everything = b"".join(archive.read(name) for name in archive.namelist())
    for step in (f"Sign in as {user.name}", f"Select customer {customer.companyName}", "Edit", "Submit"):
        assert json.dumps(step, ensure_ascii=False) in events
    # The trace travels (a bug report, CI's artifacts): the password typed at sign-in is not in it, in any form
    assert user.password.encode() not in everything and quote_plus(user.password).encode() not in everything
    assert b'"value":"********"' in everything.replace(b" ", b"")  # what the sign-in typed, replaced
    # ... nor the authenticator's secret, nor the sessions it carries (the portal's and the provider's, live for hours)
    assert str(user.totp_secret).encode() not in everything
    assert sessions and [value for value in sessions if value.encode() in everything] == [], "a session in the trace"
    # ... nor the verification code typed (any the authenticator showed meanwhile), as a value or a form's field
    authenticator = pyotp.TOTP(str(user.totp_secret))
    codes = {authenticator.at(began + step) for step in range(-30, int(time.time() - began) + 31, 30)}
    typed = [code for code in codes if f'"{code}"'.encode() in everything or f"otc={code}".encode() in everything]
    assert typed == [], f"verification codes in the trace: {typed}"
    assert trace.stat().st_mode & 0o777 == 0o600


def test_command_line_says_which_browser_it_will_use() -> None:
    done = run("-m", "flows", "browser")

    assert done.returncode == 0, done.stdout
    assert "chrom" in done.stdout.lower()


def test_portal_session_signs_in_again_when_the_portal_ends_its_session(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User], playwright: Playwright
) -> None:
    customer = customers.create("FR")
    user = make_user("admin-agent")

    with portal_session(
        base_url, user.name, user.password, totp_secret=user.totp_secret, playwright=playwright
    ) as page:
        sign_out(page)  # as an expired session would
        update_customer_account(page, customer.companyName, {"city": "Rennes", "postalCode": "35000"})

    expected = dataclasses.replace(customer.billing, city="Rennes", postalCode="35000")
    assert api.billing_profile(customer.id) == expected


@pytest.mark.tooling
def test_headed_without_a_display_is_one_error_at_the_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "PW_TEST_CONNECT_WS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert headed_without_display(platform="darwin") is None and headed_without_display({"DISPLAY": ":1"}) is None

    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}  # not this run's

    reports = [
        f"--junitxml={tmp_path / 'junit.xml'}",
        f"--html={tmp_path / 'report.html'}",
        f"--output={tmp_path / 'test-results'}",
    ]
    suite_args = ["pytest", "tests/test_screens.py", "--headed", "-p", "no:cacheprovider", *reports]
    demo, suite, listed = (
        subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
        for args in (
            ["fixtures.demo", "--headed", "--output", str(tmp_path)],
            [*suite_args, "-k", "nothing"],
            [*suite_args, "--collect-only", "-q", "-k", "dashboard"],  # no browser to open: only named
        )
    )

    assert (demo.returncode, demo.stderr.splitlines()) == (1, [f"error: {headed_without_display()}"]), demo.stderr
    assert suite.returncode == pytest.ExitCode.USAGE_ERROR and "(--headed; headed=True" in suite.stderr, suite
    assert listed.returncode == pytest.ExitCode.OK and "test_screens.py::" in listed.stdout, listed
    # A script's own session likewise, before any browser starts
    with pytest.raises(BrowserNotFoundError, match=r"\(--headed; headed=True in a script\) needs a display"):
        portal_session("http://127.0.0.1:9/", "u", "p", headed=True).__enter__()


@pytest.mark.tooling
def test_the_demo_updates_the_first_customer_whose_name_no_other_customer_shares() -> None:
    # Seed 7 lists 海创科技有限公司 first and again on its second page: opened by that name, it is ambiguous
    listed = ["海创科技有限公司", "彩虹网络有限公司", "Fischer Bertrand SA", "彩虹网络有限公司", "海创科技有限公司"]

    assert customer_to_update(listed) == "Fischer Bertrand SA"
    with pytest.raises(PortalError, match="Each of the 2 customers in the Customers list shares its name"):
        customer_to_update(["Contoso", "Contoso"])


@pytest.mark.tooling
def test_run_sh_help_exits_0_and_an_unknown_command_is_named() -> None:
    helped = [subprocess.run(["bash", "run.sh", word], cwd=ROOT, capture_output=True, text=True) for word in
              ("help", "--help")]  # fmt: skip
    typo = subprocess.run(["bash", "run.sh", "tset"], cwd=ROOT, capture_output=True, text=True)

    assert [(done.returncode, "./run.sh test" in done.stdout) for done in helped] == [(0, True), (0, True)]
    assert (typo.returncode, typo.stderr.splitlines()[0]) == (2, "unknown command 'tset'")


@pytest.mark.tooling
def test_run_sh_takes_a_folder_given_to_an_option_of_the_suite_as_its_value(tmp_path: Path) -> None:
    # An existing folder after --auth-dir: pytest would take it for a test path, and the run's root with it
    saved, snapshots = tmp_path / "auth", tmp_path / "snapshots"
    saved.mkdir(), snapshots.mkdir()
    args = ["--collect-only", "-q", "-m", "smoke", "--base-url", "http://127.0.0.1:9/", "-p", "no:cacheprovider"]
    args += ["--junitxml=", "--html=", "--auth-dir", str(saved), "--snapshot-dir", str(snapshots)]

    done = subprocess.run(["bash", "run.sh", "test", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "tests against http://127.0.0.1:9/" in done.stdout, done.stdout


@pytest.mark.tooling
def test_run_sh_joins_every_option_of_the_suite_that_takes_a_value_and_names_no_other() -> None:
    registering = [ROOT / "conftest.py", ROOT / "tests" / "conftest.py", *sorted((ROOT / "plugins").glob("*.py"))]
    valued = set()
    for path in registering:
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "addoption":
                action = next((word.value for word in call.keywords if word.arg == "action"), None)
                flag = isinstance(action, ast.Constant) and action.value in ("store_true", "store_false", "count")
                valued |= set() if flag else {arg.value for arg in call.args if isinstance(arg, ast.Constant)}
    joined = re.search(r'^VALUED="(.*?)"', (ROOT / "run.sh").read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)

    assert joined is not None, "run.sh holds no VALUED list"
    listed = set(joined[1].split())
    assert (sorted(valued - listed), sorted(listed - valued)) == ([], []), "run.sh's VALUED: (to add, to remove)"


@pytest.mark.bundled  # it types the bundled portal's demo password
@pytest.mark.parametrize(
    ("where", "said"),
    [("portal", "give the authenticator's secret: --totp-secret BASE32 or $PORTAL_TOTP_SECRET"),
     ("nowhere", "error: The portal did not answer http://127.0.0.1:9/")],
)  # fmt: skip
def test_the_token_command_says_what_went_wrong_in_words(base_url: str, where: str, said: str) -> None:
    environment = {name: value for name, value in os.environ.items() if name != "PORTAL_TOTP_SECRET"}
    address = base_url if where == "portal" else "http://127.0.0.1:9/"

    done = subprocess.run([sys.executable, "-m", "fixtures.api_client", "token", "--base-url", address], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env=environment)  # fmt: skip

    assert done.returncode == 1, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.tooling
def test_the_token_command_types_no_demo_password_at_another_address() -> None:
    # Given no password anywhere, and a portal that is not at this machine's own address
    environment = {name: value for name, value in os.environ.items() if name != "PORTAL_PASSWORD"}

    # When a token is asked for there, then it asks for the password before signing in (exit 2, a usage error)
    done = subprocess.run([sys.executable, "-m", "fixtures.api_client", "token", "--base-url", "https://portal.invalid/"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env=environment)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "give --password or $PORTAL_PASSWORD" in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.tooling
def test_a_negative_slowmo_is_a_usage_error_before_any_browser() -> None:
    commands = [
        ["fixtures.demo", "--slowmo", "-5"],
        ["flows", "update-account", "--base-url", "http://127.0.0.1:9/", "--user", "u", "--customer", "c", "--set",
         "city=Lyon", "--slowmo", "-5"],
        ["pytest", "tests/test_library.py", "-k", "nothing", "--slowmo", "-5", "-p", "no:cacheprovider",
         "--junitxml=", "--html="],
    ]  # fmt: skip

    done = [subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
            for args in commands]  # fmt: skip

    assert [run.returncode for run in done] == [2, 2, pytest.ExitCode.USAGE_ERROR], [run.stderr for run in done]
    assert all("--slowmo" in run.stderr and "0 or more" in run.stderr for run in done), [run.stderr for run in done]


@pytest.mark.tooling
def test_options_that_would_do_nothing_as_given_are_said_at_the_top() -> None:
    base = [sys.executable, "-m", "pytest", "tests/test_library.py", "-k", "nothing", "-p", "no:cacheprovider",
            "--junitxml=", "--html="]  # fmt: skip
    alone, with_reruns = (
        subprocess.run([*base, *extra], cwd=ROOT, capture_output=True, text=True, timeout=120)
        for extra in (["--tracing=on-first-retry", "--pause-on-failure"], ["--tracing=on-first-retry", "--reruns=1"])
    )

    assert "note: --tracing=on-first-retry without --reruns: a failure is not retried (only a test marked" in (
        alone.stdout
    )
    assert "note: --pause-on-failure needs --headed (a window to pause in): ignored" in alone.stdout
    assert "note:" not in with_reruns.stdout, with_reruns.stdout
