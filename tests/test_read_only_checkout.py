"""The suite in a checkout it may not write (mounted read-only, another user's): reports go where told."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from plugins.evidence import root_defaults

pytestmark = pytest.mark.tooling
ROOT = Path(__file__).resolve().parent.parent


def test_a_cache_folder_that_cannot_be_written_leaves_a_passing_run_green_with_its_reports(tmp_path: Path) -> None:
    # Given a cache that cannot be made (as .pytest_cache in a read-only checkout): a file where its folder would be
    (tmp_path / "a-file").touch()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    command = [sys.executable, "-m", "pytest", "tests/test_base_url.py", "-k", "a_base_url_without_http",
               "-o", f"cache_dir={tmp_path / 'a-file' / 'cache'}", f"--junitxml={tmp_path / 'junit.xml'}",
               f"--html={tmp_path / 'report.html'}", f"--output={tmp_path / 'test-results'}"]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=environment)

    # Then pytest's warning about its cache is said, and neither fails the run nor loses its reports
    assert done.returncode == pytest.ExitCode.OK, done.stdout + done.stderr
    assert "PytestCacheWarning" in done.stdout
    assert (tmp_path / "junit.xml").exists() and (tmp_path / "report.html").exists()


@pytest.mark.parametrize("option", ["--junitxml", "--html"])
def test_a_report_that_cannot_be_written_stops_the_run_at_its_start_saying_where_reports_can_go(
    option: str, tmp_path: Path
) -> None:
    # Given a report's path through a file (as a read-only checkout's reports/ cannot be written either)
    (tmp_path / "a-file").touch()
    reports = {"--junitxml": tmp_path / "junit.xml", "--html": tmp_path / "report.html"}
    reports[option] = tmp_path / "a-file" / "report"
    given = [f"{name}={path}" for name, path in reports.items()]
    command = [sys.executable, "-m", "pytest", "tests/test_base_url.py", "-k", "a_base_url_without_http", *given,
               f"--output={tmp_path / 'test-results'}"]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    # Then the run stops before any test, naming the report and the options that put reports elsewhere
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    said = f"{option} {reports[option]} cannot be written ({tmp_path / 'a-file'} is no folder): give the reports"
    assert said in done.stderr and "INTERNALERROR" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert "--junitxml=DIR/junit.xml --html=DIR/report.html --output=DIR/test-results" in done.stderr


def test_the_default_reports_go_to_the_repository_s_folders_wherever_pytest_starts(tmp_path: Path) -> None:
    # Given pyproject's defaults, and a path given on the command line, as pytest read them in tests/ (an IDE's start)
    option = SimpleNamespace(xmlpath="reports/junit.xml", htmlpath="mine/report.html", output="test-results")

    root_defaults(option, tmp_path)

    # Then the defaults are the repository's folders; what was given stays as given
    assert (option.xmlpath, option.output) == (str(tmp_path / "reports/junit.xml"), str(tmp_path / "test-results"))
    assert option.htmlpath == "mine/report.html"
