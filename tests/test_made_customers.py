"""A deployment keeps the customers a run makes: the run's summary counts them, across its workers."""

from __future__ import annotations

import atexit
import socket
from pathlib import Path

import pytest
from suite_run import run_pytest

pytestmark = pytest.mark.tooling
MODULE = "tests/runs/made_customers.py"
# Something that takes connections (a deployment's run refuses an address where nothing does) and answers nothing.
LISTENER = socket.create_server(("127.0.0.1", 0))
atexit.register(LISTENER.close)
DEPLOYMENT = f"http://127.0.0.1:{LISTENER.getsockname()[1]}/"
ALL_PASSED = ["test_makes_none", "test_makes_three", "test_makes_two"]  # the sub-run's tests: none may go missing


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "two-workers"])
def test_a_deployment_s_run_says_how_many_customers_it_made_and_how_they_are_named(
    workers: list[str], tmp_path: Path
) -> None:
    run = run_pytest(MODULE, *workers, "--base-url", DEPLOYMENT, "--run-tag", "c0ffee", folder=tmp_path / "run")

    assert (run.returncode, run.names("passed"), len(run.outcomes)) == (pytest.ExitCode.OK, ALL_PASSED, 3), run.report
    said = f"Customers made through the API at {DEPLOYMENT} during this run: 5, their company names ending in 'c0ffee-"
    assert said in run.output, run.report


def test_the_bundled_portal_s_run_says_nothing_of_them(tmp_path: Path) -> None:
    run = run_pytest(MODULE, folder=tmp_path / "run")

    assert (run.returncode, run.names("passed"), len(run.outcomes)) == (pytest.ExitCode.OK, ALL_PASSED, 3), run.report
    assert "Customers made through the API" not in run.output, run.report
