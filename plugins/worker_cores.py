"""A core of its own for each xdist worker, when the workers fill the machine.

A worker's test is a chain of processes (pytest, Playwright's driver, the browser, its renderer)
each waiting on the next. With as many workers as cores, the scheduler moves those chains between
cores and the workers wait on each other's; each worker (and every process it starts: the driver,
the browser) kept on a core of its own runs the suite faster (the benchmark measures it). Fewer
workers than cores are left free: one worker gains from a second core. Linux only (``sched_setaffinity``).
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

import pytest

MODES = ("auto", "on", "off")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("xdist").addoption(
        "--pin-workers",
        choices=MODES,
        default="auto",
        help="keep each xdist worker, with the driver and browser it starts, on one core: 'auto' (default) when "
        "there are at least as many workers as cores, 'on' always, 'off' never",
    )


def core_for(worker: str, worker_count: int, cores: list[int], mode: str) -> int | None:
    """Return the core worker ``gwN`` of ``worker_count`` is kept on (of the usable ``cores``); None: free."""
    if mode == "off" or not cores or (mode == "auto" and worker_count < len(cores)):
        return None
    return cores[int(worker.removeprefix("gw")) % len(cores)]


@pytest.hookimpl(tryfirst=True)  # before any fixture starts the driver or a browser, which inherit the core
def pytest_configure(config: pytest.Config) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not hasattr(os, "sched_setaffinity"):
        return
    cores = sorted(os.sched_getaffinity(0))
    core = core_for(worker, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")), cores, config.option.pin_workers)
    if core is not None:
        keep_on(core)


def keep_on(core: int) -> None:
    """Keep this process on ``core``: each of its threads (xdist's own are running already), and all it starts."""
    os.sched_setaffinity(0, {core})  # this thread, whose children inherit it
    for thread in Path("/proc/self/task").glob("*"):
        with suppress(OSError, ValueError):  # ended meanwhile
            os.sched_setaffinity(int(thread.name), {core})
