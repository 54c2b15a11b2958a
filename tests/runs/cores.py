"""Run by tests/test_worker_cores.py on each xdist worker (``--dist each``): where the worker, and what it
started, may run."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.sync_api import Browser


def allowed_cores(pid: int, thread: int | None = None) -> str:
    """Return the cores process ``pid`` (or one of its threads) may run on, as Linux lists them ("0-1", "3")."""
    status = Path(f"/proc/{pid}" + (f"/task/{thread}" if thread else "") + "/status").read_text()
    return next(line.split(":", 1)[1].strip() for line in status.splitlines() if line.startswith("Cpus_allowed_list"))


def descendants(pid: int) -> list[int]:
    """Return the processes started by ``pid``, and by those, and so on (the driver, the browser's)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:  # the command may hold spaces and parentheses: the parent's pid follows the last ")"
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):  # gone meanwhile
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def test_record_where_this_worker_runs(browser: Browser) -> None:
    assert browser.is_connected()  # the driver and the browser run: they are among the descendants
    record = {
        "controller": allowed_cores(os.getppid()),
        "worker": allowed_cores(os.getpid()),
        "threads": [allowed_cores(os.getpid(), int(task.name)) for task in Path("/proc/self/task").iterdir()],
        "started": {str(pid): allowed_cores(pid) for pid in descendants(os.getpid())},
    }
    folder = Path(os.environ["CORES_RECORDS"])
    (folder / f"{os.environ['PYTEST_XDIST_WORKER']}.json").write_text(json.dumps(record))
