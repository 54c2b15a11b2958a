"""Run by tests/test_worker_cores.py on each xdist worker (``--dist each``): where the worker, and what it
started, may run."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.sync_api import Browser

from benchmarks.cpu_sampler import processes, tree_of


def allowed_cores(pid: int, thread: int | None = None) -> str:
    """Return the cores process ``pid`` (or one of its threads) may run on, as Linux lists them ("0-1", "3")."""
    status = Path(f"/proc/{pid}" + (f"/task/{thread}" if thread else "") + "/status").read_text()
    return next(line.split(":", 1)[1].strip() for line in status.splitlines() if line.startswith("Cpus_allowed_list"))


def started_by(pid: int) -> set[int]:
    """Return the processes ``pid`` started, and those started, and so on (the driver, the browser's)."""
    return tree_of(pid, {found: parent for found, (parent, _, _) in processes().items()}) - {pid}


def test_record_where_this_worker_runs(browser: Browser) -> None:
    assert browser.is_connected()  # the driver and the browser run: they are among the descendants
    record = {
        "controller": allowed_cores(os.getppid()),
        "worker": allowed_cores(os.getpid()),
        "threads": [allowed_cores(os.getpid(), int(task.name)) for task in Path("/proc/self/task").iterdir()],
        "started": {str(pid): allowed_cores(pid) for pid in started_by(os.getpid())},
    }
    folder = Path(os.environ["CORES_RECORDS"])
    (folder / f"{os.environ['PYTEST_XDIST_WORKER']}.json").write_text(json.dumps(record))
