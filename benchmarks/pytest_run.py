"""One pytest run of the benchmark's, in a process group of its own, its output kept in a log.

Needs none of the benchmark's own packages (psutil, selenium): the suite tests modules that use it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 2400  # seconds; a run that takes longer is stopped and reported as failed


def report_options(out: Path) -> list[str]:
    """Return the options that send a run's reports and evidence to ``out``, not to the tree's own folders."""
    return [f"--output={out / 'test-results'}", f"--junitxml={out / 'junit.xml'}", f"--html={out / 'report.html'}"]


def run_logged(
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    log_path: Path,
    on_start: Callable[[int], None] | None = None,
) -> tuple[float, int, list[str]]:
    """Run ``command``, its output to ``log_path``; return its wall time, exit code and output lines.

    ``on_start`` is given the process id as soon as it runs (to watch it). A run that outlasts
    ``RUN_TIMEOUT`` is stopped with its whole group (the workers, their browsers). A failed run's last
    lines go to standard error.
    """
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # so a run that hangs can be stopped with all its browsers
        )  # fmt: skip
        if on_start is not None:
            on_start(process.pid)
        try:
            exit_code = process.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            exit_code = process.wait()
        wall = time.perf_counter() - started
    lines = log_path.read_text(errors="replace").strip().splitlines()
    if exit_code != 0:
        print("\n".join(lines[-30:]), file=sys.stderr)
    return wall, exit_code, lines
