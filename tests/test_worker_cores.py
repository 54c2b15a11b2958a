"""Each xdist worker, with the driver and browser it starts, on a core of its own when the workers fill the machine."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from suite_run import run_pytest

from plugins.worker_cores import core_for

pytestmark = pytest.mark.tooling
WORKERS = 2


def listed_cores(listed: str) -> set[int]:
    """Return the cores Linux lists as "0-2,5"."""
    cores: set[int] = set()
    for part in listed.split(","):
        first, _, last = part.partition("-")
        cores.update(range(int(first), int(last or first) + 1))
    return cores


@contextmanager
def on_every_core() -> Iterator[list[int]]:
    """Let this process (and what it starts meanwhile) run on every core it may: this worker may be kept on one."""
    before = os.sched_getaffinity(0)
    with suppress(OSError):  # cores this machine keeps from us: those we had stay
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    try:
        yield sorted(os.sched_getaffinity(0))
    finally:
        os.sched_setaffinity(0, before)


@pytest.mark.parametrize(
    ("worker", "count", "mode", "expected"),
    [
        pytest.param("gw0", 1, "auto", None, id="one-worker-of-two-cores-left-free"),
        pytest.param("gw1", 2, "auto", 5, id="as-many-workers-as-cores"),
        pytest.param("gw2", 3, "auto", 3, id="more-workers-than-cores-round-robin"),
        pytest.param("gw0", 1, "on", 3, id="on-pins-even-one-worker"),
        pytest.param("gw1", 2, "off", None, id="off-never-pins"),
    ],
)
def test_the_core_a_worker_is_kept_on(worker: str, count: int, mode: str, expected: int | None) -> None:
    assert core_for(worker, count, [3, 5], mode) == expected


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="cores are chosen on Linux only")
def test_workers_filling_the_machine_each_run_on_one_core_with_their_driver_and_browser(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    with on_every_core() as cores:
        run = run_pytest(
            "tests/runs/cores.py", "-n", str(WORKERS), "--dist", "each", folder=tmp_path,
            env={"CORES_RECORDS": str(records)},
        )  # fmt: skip
    assert run.returncode == 0, run.report
    found = {path.stem: json.loads(path.read_text()) for path in records.glob("*.json")}
    assert sorted(found) == [f"gw{number}" for number in range(WORKERS)]
    pinned = len(cores) <= WORKERS  # the default, auto: only when the workers fill the machine
    for number in range(WORKERS):
        record = found[f"gw{number}"]
        assert listed_cores(record["controller"]) == set(cores)
        expected = {cores[number % len(cores)]} if pinned else set(cores)
        assert listed_cores(record["worker"]) == expected
        assert [listed_cores(listed) for listed in record["threads"]] == [expected] * len(record["threads"])
        assert len(record["started"]) >= 2, record  # Playwright's driver and at least the browser
        assert {pid: listed_cores(listed) for pid, listed in record["started"].items()} == dict.fromkeys(
            record["started"], expected
        )
