"""Run by tests/test_stopped_runs.py: the run is sent SIGTERM during its second test, as a CI job cancelled is."""

from __future__ import annotations

import os
import signal
import threading


def test_1_passes() -> None:
    assert os.getpid() > 0


def test_2_the_run_is_terminated() -> None:
    if "PYTEST_XDIST_WORKER" in os.environ:  # the run is the controller: this worker waits for it to end the run
        os.kill(os.getppid(), signal.SIGTERM)
        threading.Event().wait(60)
    else:
        os.kill(os.getpid(), signal.SIGTERM)


def test_3_never_runs() -> None:
    raise AssertionError("the run went on after SIGTERM")
