"""Failure reports never show a credential a test held (plugins/hidden_secrets.py), even with ``-l``."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

import pytest
from suite_run import SuiteRun, run_pytest

from plugins.hidden_secrets import masked

pytestmark = pytest.mark.tooling


def made_up_jwt() -> str:
    """Return a token shaped as the identity provider's (a JWT), signed with nothing."""
    part = lambda data: base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part({'typ': 'JWT', 'alg': 'RS256'})}.{part({'sub': secrets.token_hex(8)})}.{secrets.token_urlsafe(64)}"


def run_holding_secrets(tmp_path: Path, *options: str) -> tuple[SuiteRun, str]:
    """Run tests/runs/secrets_in_locals.py holding fresh credentials; check that no part of any shows in its terminal
    output, JUnit file or HTML report; return the run and those reports' text."""
    held = {
        "COOKIE": secrets.token_urlsafe(32),
        "TOKEN": made_up_jwt(),
        "REFRESH": secrets.token_urlsafe(48),
        "PASSWORD": "Pa55-" + secrets.token_hex(6),
    }
    run = run_pytest(
        "tests/runs/secrets_in_locals.py", *options, "-p", "no:randomly", folder=tmp_path,
        env={f"HIDDEN_{name}": value for name, value in held.items()},
    )  # fmt: skip
    report = run.output + (tmp_path / "junit.xml").read_text(encoding="utf-8")
    report += (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "AssertionError: signed in as [{'name': 'esctx', 'value': '********'" in run.output, run.report
    for name, value in held.items():
        for piece in (value[:12], value[-12:]):  # no part of it: a repr may cut a long value short
            assert piece not in report, f"the {name.lower()} shows in the report:\n{run.output}"
    return run, report


def test_a_failure_shown_with_its_locals_shows_no_credential(tmp_path: Path) -> None:
    run, _ = run_holding_secrets(tmp_path, "-l")

    assert "ConnectionError: the portal did not answer" in run.output, run.report
    # The names stay, so the failure still reads
    assert "state      = {'cookies': [{'name': 'esctx', 'value': '********'" in run.output, run.report
    assert "'Authorization': 'Bearer ********'" in run.output, run.report
    assert "refresh_token = '********'" in run.output and "refresh_token=********&" in run.output, run.report


def test_a_failure_shown_as_python_shows_it_shows_no_credential(tmp_path: Path) -> None:
    run_holding_secrets(tmp_path, "--tb=native")


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("{'name': 'sid', 'value': 'abc123'}", "{'name': 'sid', 'value': '********'}"),
        ('{"refresh_token": "r-1.2_3"}', '{"refresh_token": "********"}'),
        ("'Authorization': 'Basic dXNlcjpwYXNz'", "'Authorization': 'Basic ********'"),
        ("token = 'eyJhbGciOi.eyJzdWIi...sig'", "token = '********'"),
        ("{'name': 'Contoso', 'city': 'Lyon'}", "{'name': 'Contoso', 'city': 'Lyon'}"),
        ("b'refresh_token=r-1.2_3&client_id=c'", "b'refresh_token=********&client_id=c'"),
        ("/signin-oidc?code=abc-123&state=s", "/signin-oidc?code=********&state=s"),
        # The identity provider's sign-in under way, and its nonce; a billing profile's state is no credential
        ("POST /login flowToken=AQAB-x_1&ctx=rQIIA&otc=", "POST /login flowToken=********&ctx=********&otc="),
        ("/authorize?nonce=n-0S6&state=WA", "/authorize?nonce=********&state=WA"),
    ],
)
def test_only_the_credential_in_a_value_is_masked(shown: str, expected: str) -> None:
    assert masked(shown) == expected
