"""What a test printed or logged shows no credential in any report (plugins/hidden_secrets.py)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from suite_run import SuiteRun, run_pytest
from test_hidden_secrets import made_up_jwt

pytestmark = pytest.mark.tooling


@dataclass
class OutputRun:
    """A run of tests/runs/secrets_in_output.py: what it printed, its files, and the credentials its tests held."""

    run: SuiteRun
    folder: Path
    held: dict[str, str]

    def check_shows_none(self, text: str, where: str) -> None:
        """Check that no part of any credential held shows in ``text``."""
        for name, value in self.held.items():
            for piece in (value[:12], value[-12:]):  # no part of it: a log line may be cut short
                assert piece not in text, f"the {name.lower()} shows in {where}:\n{text}"


@pytest.fixture(scope="module")
def output_run(tmp_path_factory: pytest.TempPathFactory) -> OutputRun:
    """Run tests that print and log fresh credentials, every report kept: terminal, JUnit, HTML, live log, log file."""
    folder = tmp_path_factory.mktemp("output")
    held = {
        "TOKEN": made_up_jwt(),
        "REFRESH": secrets.token_urlsafe(48),
        "CODE": secrets.token_urlsafe(36),
        "PASSWORD": "Pa55-" + secrets.token_hex(6),
    }
    run = run_pytest(
        "tests/runs/secrets_in_output.py", "-p", "no:randomly", "-rA", "-o", "junit_logging=all",
        "--log-cli-level=INFO", f"--log-file={folder / 'run.log'}", "--log-file-level=INFO", folder=folder,
        env={f"HIDDEN_{name}": value for name, value in held.items()},
    )  # fmt: skip
    assert run.outcomes == {"test_passes_saying_credentials": "passed", "test_fails_saying_credentials": "failed"}
    return OutputRun(run, folder, held)


def test_the_terminal_shows_no_credential_a_test_printed_or_logged(output_run: OutputRun) -> None:
    output = output_run.run.output

    for section in ("Captured stdout call", "Captured stderr call", "Captured log call", "live log call", "PASSES"):
        assert section in output, output
    assert "signin-oidc?code=********&state=s-1 HTTP/1.1" in output, output  # the rest of the line stays
    output_run.check_shows_none(output, "the terminal")


def test_the_junit_file_shows_no_credential_a_test_printed_or_logged(output_run: OutputRun) -> None:
    junit = (output_run.folder / "junit.xml").read_text(encoding="utf-8")

    assert "<system-out>" in junit and "<system-err>" in junit and "Bearer ********" in junit, junit
    output_run.check_shows_none(junit, "the JUnit file")


def test_the_html_report_shows_no_credential_a_test_printed_or_logged(output_run: OutputRun) -> None:
    html = (output_run.folder / "report.html").read_text(encoding="utf-8")

    assert "Captured log call" in html and "refresh_token=********" in html, html[-3000:]
    output_run.check_shows_none(html, "the HTML report")


def test_the_log_file_shows_no_credential_a_test_logged(output_run: OutputRun) -> None:
    log = (output_run.folder / "run.log").read_text(encoding="utf-8")

    assert "signin-oidc?code=********" in log, log
    output_run.check_shows_none(log, "the log file")
