"""A run stopped by SIGTERM (a CI job cancelled) reports the tests it ran, as on Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_run import run_pytest

pytestmark = pytest.mark.tooling


@pytest.mark.parametrize("workers", [[], ["-n", "1"]], ids=["no-workers", "one-worker"])
def test_a_run_sent_sigterm_ends_as_interrupted_with_its_reports_written(workers: list[str], tmp_path: Path) -> None:
    run = run_pytest(*workers, "-p", "no:randomly", "tests/runs/terminated.py", folder=tmp_path)

    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert run.outcomes.get("test_1_passes") == "passed", run.report  # read from the JUnit file written
    assert "test_3_never_runs" not in run.outcomes, run.report
    assert (tmp_path / "report.html").exists(), run.report
    assert "stopping_signals.Terminated: 15" in run.output, run.report  # said as a Ctrl-C is, by its signal
