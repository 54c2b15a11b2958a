"""Bad set-ups refused at the start, before any browser: passwords, secrets, saved sign-ins, addresses, commands."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from flows import SavedSignInError, portal_session
from flows.__main__ import build_parser
from flows.cli_sign_in import password_for
from flows.saved_sign_in import check_saved_user

pytestmark = pytest.mark.tooling
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("base_url", "options", "typed"),
    [
        pytest.param("http://127.0.0.1:8000/", [], "portal-demo", id="bundled-portal-demo-password"),
        pytest.param("http://127.0.0.2:8000/", [], "portal-demo", id="bundled-portal-at-another-loopback-address"),
        pytest.param("http://LocalHost:8000/", [], "portal-demo", id="bundled-portal-as-written-otherwise"),
        pytest.param("https://partner.example.cn/", ["--password", "s3cret"], "s3cret", id="given"),
        pytest.param("https://partner.example.cn/", ["--storage-state", "saved.json"], None, id="saved-sign-in-only"),
        pytest.param(  # a deployment's, through a tunnel (kubectl port-forward) as likely as the bundled portal's
            "http://localhost:8000/",
            ["--storage-state", "saved.json"],
            None,
            id="saved-sign-in-at-this-machine-s-address",
        ),
    ],
)
def test_the_command_line_types_no_password_it_was_not_given_but_at_home(
    monkeypatch: pytest.MonkeyPatch, base_url: str, options: list[str], typed: str | None
) -> None:
    # A password that is not the user's counts against the account: enough of them lock it
    monkeypatch.delenv("PORTAL_PASSWORD", raising=False)
    command = ["update-account", "--base-url", base_url, "--user", "u", "--customer", "C", "--set", "city=X"]

    assert password_for(build_parser().parse_args([*command, *options])) == typed


@pytest.mark.parametrize(
    "command", [["update-account", "--customer", "C", "--set", "city=X"], ["update-accounts", "f.csv"]]
)
def test_a_saved_sign_in_is_one_file_or_one_folder_not_both(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    both = ["--storage-state", "saved.json", "--auth-dir", ".auth"]

    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args([*command, "--base-url", "https://partner.example.cn/", "--user", "u", *both])

    assert stopped.value.code == 2
    assert "not allowed with argument --storage-state" in capsys.readouterr().err


@pytest.mark.parametrize("base_url", ["https://partner.example.cn/", "http://localhost.partner.example.cn/"])
def test_a_deployment_without_a_password_or_saved_sign_in_is_told_before_any_browser(
    monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    monkeypatch.delenv("PORTAL_PASSWORD", raising=False)
    args = build_parser().parse_args(["update-accounts", "f.csv", "--base-url", base_url,
                                      "--user", "ops@contoso.cn"])  # fmt: skip

    with pytest.raises(ValueError, match=r"No password for ops@contoso.cn: give --password or \$PORTAL_PASSWORD"):
        password_for(args)


def test_the_suite_against_a_deployment_without_the_role_users_password_refuses_to_start() -> None:
    environment = {name: value for name, value in os.environ.items() if name != "PORTAL_PASSWORD"}
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_library.py",
               "--base-url", "https://partner.example.cn/"]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=environment)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "No password for the role users at https://partner.example.cn/: give --portal-password" in done.stderr


def test_a_totp_secret_that_is_no_base32_is_refused_at_the_start_once() -> None:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_library.py",
               "--portal-totp-secret", "not-base32!"]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "--portal-totp-secret: The authenticator's TOTP secret" in done.stderr
    assert "not a usable base32 secret" in done.stderr


@pytest.mark.parametrize("command", ["update-account", "update-accounts"])
@pytest.mark.parametrize(
    ("base_url", "options", "said"),
    [
        pytest.param("https://partner.example.cn/", [], "error: No password for ops: give --password",
                     id="no-password"),
        pytest.param("http://127.0.0.1:9/", ["--totp-secret", "not base32!"],
                     "error: The authenticator's TOTP secret (--totp-secret BASE32", id="secret-not-base32"),
    ],
)  # fmt: skip
def test_the_commands_refuse_a_sign_in_they_cannot_make_as_a_bad_command_line(
    tmp_path: Path, command: str, base_url: str, options: list[str], said: str
) -> None:
    changes = tmp_path / "offices.csv"
    changes.write_text("customer,city\nContoso,Lyon\n", encoding="utf-8")
    given = ["--customer", "Contoso", "--set", "city=Lyon"] if command == "update-account" else [str(changes)]
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}

    arguments = [sys.executable, "-m", "flows", command, *given, "--base-url", base_url, "--user", "ops", *options]
    done = subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True, timeout=120, env=environment)

    assert (done.returncode, done.stderr.splitlines()[-1][: len(said)]) == (2, said), done.stderr


def test_saved_sign_ins_without_the_deployment_they_were_saved_for_are_refused_at_the_start(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_library.py",
               "--auth-dir", str(tmp_path)]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "--auth-dir holds sign-ins saved for a deployment: give its --base-url too" in done.stderr


@pytest.mark.parametrize("tag", ["ci_job_123", "CI-Build.42", "has/slash", "last-", "x" * 33])
def test_a_run_tag_no_domain_prefix_can_hold_is_refused_at_the_start_not_in_every_test_s_setup(tag: str) -> None:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_library.py", "--run-tag", tag]

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert f"--run-tag: {tag!r} cannot go into a customer's domain prefix: give 1 to 32 letters" in done.stderr


def test_a_run_tag_of_letters_digits_and_hyphens_is_taken() -> None:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_library.py", "--run-tag", "CI-1234"]

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == pytest.ExitCode.OK, done.stdout + done.stderr


@pytest.mark.parametrize("option", ["--base-url", "--api-url"])
def test_the_suite_against_an_address_without_http_refuses_to_start(option: str) -> None:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_library.py",
               option, "127.0.0.1:8000"]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert f"{option} 127.0.0.1:8000: give the address whole, with http:// or https://" in done.stderr


@pytest.mark.parametrize(
    ("address", "said"),
    [("http://127.0.0.1:9/", "Nothing answers at http://127.0.0.1:9/: Connection refused. Is the portal up"),
     ("https://portal.invalid/", "Nothing answers at https://portal.invalid/: the host 'portal.invalid' is not known")],
)  # fmt: skip
def test_the_suite_against_an_address_where_nothing_answers_stops_before_any_test(address: str, said: str) -> None:
    environment = {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_library.py", "-k", "nothing",
               "--base-url", address, "--portal-password", "p", "--junitxml=", "--html="]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=environment)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert f"--base-url: {said}" in done.stderr, done.stderr


def test_a_run_refused_at_the_start_leaves_no_earlier_run_s_reports_to_be_taken_for_its_own(tmp_path: Path) -> None:
    # Given the reports of an earlier run where a CI job archives them
    junit, html = tmp_path / "junit.xml", tmp_path / "report.html"
    junit.write_text('<testsuites><testsuite tests="24" failures="1"/></testsuites>'), html.write_text("<html/>")
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_library.py", "-k", "nothing",
               "--base-url", "http://127.0.0.1:9/", f"--junitxml={junit}", f"--html={html}"]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert (junit.exists(), html.exists()) == (False, False), "the earlier run's reports would pass for this run's"


def test_a_failed_test_s_summary_line_keeps_its_message_in_a_log(tmp_path: Path) -> None:
    # Given a failure whose message is longer than a terminal's 80 columns, and pytest's output piped (no terminal)
    said = "the Account page showed Lyon where the row asked for Paris, for Contoso (row 7 of offices.csv)"
    (tmp_path / "test_fails.py").write_text(f"def test_fails():\n    assert False, {said!r}\n")
    environment = {name: value for name, value in os.environ.items() if name not in ("COLUMNS", "CI")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(tmp_path / "test_fails.py"),
               f"--rootdir={ROOT}", "-c", str(ROOT / "pyproject.toml"), "--junitxml=", "--html="]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=environment)

    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == 1 and said in failed[0], done.stdout


PIPED_RUN = """import os
import pytest

def test_after_the_reader_left():
    try:  # the outer test closes its end of this relay once it has closed the run's output
        while True:
            os.write(int(os.environ["RELAY_FD"]), b"waiting")
    except BrokenPipeError:
        pass

@pytest.mark.parametrize("number", range(150))
def test_then(number):
    pass
"""


def test_a_run_whose_output_reader_leaves_runs_every_test_and_writes_its_reports(tmp_path: Path) -> None:
    # Given a run piped to a reader that leaves after its first line (`| head -1`, a log shipper that died), its
    # first test held until the reader is gone, and 150 tests after it, with few files it may hold open
    module = tmp_path / "test_piped.py"
    module.write_text(PIPED_RUN)
    junit, html, said = tmp_path / "junit.xml", tmp_path / "report.html", tmp_path / "stderr.txt"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(module), f"--rootdir={ROOT}", "-c",
               str(ROOT / "pyproject.toml"), f"--junitxml={junit}", f"--html={html}"]  # fmt: skip
    relay, relayed = os.pipe()
    with said.open("w") as errors:
        run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True,
                               env={**os.environ, "RELAY_FD": str(relayed)}, pass_fds=(relayed,),
                               preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128)))  # fmt: skip
        os.close(relayed)
        assert run.stdout is not None
        first = run.stdout.readline()
        run.stdout.close()
        os.close(relay)  # the first test goes on
        code = run.wait(timeout=120)

    # Then every test ran, the reports say so, and the exit code is the tests' own
    assert "test session starts" in first, first
    assert code == pytest.ExitCode.OK and "Traceback" not in said.read_text(), said.read_text()
    assert junit.read_text(encoding="utf-8").count("<testcase ") == 151 and html.is_file()


def test_the_suite_whose_api_address_refuses_connections_stops_before_any_test() -> None:
    # Given the bundled portal, but its REST API said to be where nothing listens
    environment = {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_library.py", "-k", "nothing",
               "--api-url", "http://127.0.0.1:9/", "--junitxml=", "--html="]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=environment)

    # Then the run stops at once, naming the option, not one failure per test that makes data
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    said = "--api-url: Nothing answers at http://127.0.0.1:9/: Connection refused. Is the REST API up"
    assert said in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        (
            ["--base-url", "127.0.0.1:8000", "--set", "city=Lyon"],
            "The portal's address '127.0.0.1:8000' needs its http://",
        ),
        (["--base-url", "http://127.0.0.1:9/", "--set", "citty=Lyon"], "Not editable billing fields: citty"),
    ],
    ids=["address-without-http", "field-named-wrong"],
)
def test_a_command_line_mistake_is_said_first_with_the_usage_exit_code(mistake: list[str], said: str) -> None:
    # Given no password anywhere (the usual first complaint), and a mistake in the command line itself
    environment = {name: value for name, value in os.environ.items() if name != "PORTAL_PASSWORD"}
    command = [sys.executable, "-m", "flows", "update-account", "--user", "admin-agent", "--customer", "C", *mistake]

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, env=environment)

    assert done.returncode == 2 and said in done.stderr, done.stderr


SAVED_FOR = "https://partner.example.cn/"


def saved_for_partner(folder: Path) -> Path:
    """Write a sign-in saved for the portal at ``SAVED_FOR`` by user u; return its path."""
    saved = folder / "saved.json"
    saved.write_text(json.dumps({"cookies": [], "origins": [], "user": "u", "portal": SAVED_FOR}))
    return saved


@pytest.mark.parametrize(
    "given",
    ["https://other.example.cn/", "http://partner.example.cn/", "https://partner.example.cn:8443/"],
    ids=["another-host", "another-scheme", "another-port"],
)
def test_a_saved_sign_in_of_another_portal_is_refused_before_any_browser(tmp_path: Path, given: str) -> None:
    # When a script starts at another portal than the one a sign-in was saved for, then it is refused naming both
    with pytest.raises(SavedSignInError, match=rf"saved for the portal at {SAVED_FOR}, not {given}: save one for it"):
        portal_session(given, "u", None, storage_state=saved_for_partner(tmp_path)).__enter__()


def test_a_saved_sign_in_is_taken_at_its_portal_whatever_its_path_case_or_default_port(tmp_path: Path) -> None:
    # The same site (a path, a case, the default port aside): its cookies are that portal's
    assert (
        check_saved_user(saved_for_partner(tmp_path), "u", "https://PARTNER.example.cn:443/pc/")["portal"] == SAVED_FOR
    )
