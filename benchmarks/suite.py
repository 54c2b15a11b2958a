"""Run the whole suite as CI does (``pytest -n N``), timed, with each worker's memory sampled from outside."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from .pytest_run import ROOT, report_options, run_logged

OUTPUT_VARIABLE = "BENCH_SUITE_OUT"  # where benchmarks.suite_plugin writes its records
# How a run keeps evidence of failures: a trace of every test, kept on failure (pytest-playwright's
# way), or CI's: no trace on the first attempt, a failed test retried once with a trace.
EVIDENCE = {
    "retain-on-failure": ("--tracing=retain-on-failure",),
    "on-first-retry": ("--reruns", "1", "--tracing=on-first-retry"),
}
RSS_INTERVAL = 0.5  # seconds between samples of resident memory (cheap: /proc/PID/statm)
PSS_EVERY = 4  # samples; PSS reads smaps_rollup (~2 ms a process), so it is sampled less often


@dataclass
class SuiteRun:
    """One run of the suite: wall time, exit code, per-test records, portal request times, memory peaks."""

    workers: int
    evidence: str  # a key of EVIDENCE
    pinned: bool  # each worker kept on a core of its own when the workers fill the machine (--pin-workers=auto)
    wall: float
    exit_code: int
    summary: str
    tests: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, float]] = field(default_factory=list)  # portal requests: (endpoint, seconds)
    request_cpu: float = 0.0  # CPU seconds the portal's request threads used
    peak_rss: list[int] = field(default_factory=list)  # per worker: bytes, worker + browser + drivers
    peak_pss: list[int] = field(default_factory=list)
    sampler_cpu: float = 0.0  # seconds of CPU the sampler itself used
    # CPU seconds of the workers' trees by kind of process (Python, Node.js, Chromium...), as last sampled:
    # the kernel's child accounting misses browser processes that are reaped by init, not by us.
    cpu_by_kind: dict[str, float] = field(default_factory=dict)

    @property
    def cpu_seconds(self) -> float:
        """Return the CPU seconds the workers' trees used (sampled, so slightly low)."""
        return sum(self.cpu_by_kind.values())

    @property
    def request_seconds(self) -> list[float]:
        """Return the portal's time for each request of the run."""
        return [seconds for _, seconds in self.requests]


def kind_of(process: psutil.Process, worker: psutil.Process) -> str:
    """Name what a process in a worker's tree is, to say where the CPU goes."""
    if process.pid == worker.pid:
        return "pytest worker (Python, tests, portal thread)"
    command = " ".join(process.cmdline())
    if "playwright/driver" in command:
        return "Playwright driver (Node.js)"
    if "chrom" in process.name():
        kind = next((part.split("=", 1)[1] for part in process.cmdline() if part.startswith("--type=")), "browser")
        return f"Chromium {kind}"
    return "other processes"


class ProcessSampler(threading.Thread):
    """Samples each xdist worker's process tree (Python, Playwright's driver, the browser) until stopped.

    Memory: the summed RSS of the tree and, less often, its PSS (shared pages counted once).
    CPU: the last CPU time seen of every process, by kind.
    """

    def __init__(self, pytest_pid: int) -> None:
        super().__init__(name="process-sampler", daemon=True)
        self.root = psutil.Process(pytest_pid)
        self.peaks: dict[int, list[int]] = {}  # worker pid → [peak RSS, peak PSS]
        self.cpu_seen: dict[int, tuple[str, float]] = {}  # pid → (kind, CPU seconds so far)
        self.stopping = threading.Event()
        self.own_cpu = 0.0

    def run(self) -> None:
        started = time.thread_time()
        count = 0
        while not self.stopping.wait(RSS_INTERVAL):
            count += 1
            try:
                workers = self.root.children()  # under xdist the controller's children are the workers
                times = self.root.cpu_times()
            except psutil.NoSuchProcess:
                break
            self.cpu_seen[self.root.pid] = ("pytest controller (collection, reports)", times.user + times.system)
            for worker in workers:
                self.sample(worker, with_pss=count % PSS_EVERY == 0)
        self.own_cpu = time.thread_time() - started

    def sample(self, worker: psutil.Process, with_pss: bool) -> None:
        """Add one sample of a worker's tree."""
        rss = pss = 0
        try:
            tree = [worker, *worker.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for process in tree:
            try:
                with process.oneshot():
                    if with_pss:
                        full = process.memory_full_info()
                        rss, pss = rss + full.rss, pss + full.pss
                    else:
                        rss += process.memory_info().rss
                    times = process.cpu_times()
                    kind = self.cpu_seen[process.pid][0] if process.pid in self.cpu_seen else kind_of(process, worker)
                    self.cpu_seen[process.pid] = (kind, times.user + times.system)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue  # a process that ended between listing and reading
        peak = self.peaks.setdefault(worker.pid, [0, 0])
        peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)

    def cpu_by_kind(self) -> dict[str, float]:
        """Return the CPU seconds seen, summed by kind of process."""
        totals: dict[str, float] = {}
        for kind, seconds in self.cpu_seen.values():
            totals[kind] = totals.get(kind, 0.0) + seconds
        return totals

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self.stopping.set()
        self.join()


def pytest_command(
    workers: int, seed: int, out: Path, selection: Sequence[str], evidence: str, pinned: bool = True
) -> list[str]:
    """Return the suite's command line; reports and traces go to ``out``, not to the project's folders."""
    return [
        sys.executable,
        "-m",
        "pytest",
        "-n",
        str(workers),
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "benchmarks.suite_plugin",
        f"--data-seed={seed}",
        *report_options(out),
        *EVIDENCE[evidence],
        f"--pin-workers={'auto' if pinned else 'off'}",
        *selection,
    ]


def run_suite(
    workers: int,
    seed: int = 2026,
    selection: Sequence[str] = (),
    evidence: str = "on-first-retry",
    pinned: bool = True,
) -> SuiteRun:
    """Run the suite (or the tests in ``selection``) once with ``workers`` xdist workers; collect the records."""
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as folder:
        out = Path(folder)
        env = {**os.environ, OUTPUT_VARIABLE: str(out), "PYTHONPATH": str(ROOT)}
        samplers: list[ProcessSampler] = []

        def sample(pid: int) -> None:
            samplers.append(ProcessSampler(pid))
            samplers[0].start()

        command = pytest_command(workers, seed, out, selection, evidence, pinned)
        wall, exit_code, lines = run_logged(command, ROOT, env, out / "pytest.log", on_start=sample)
        sampler = samplers[0]
        sampler.stop()
        summary = lines[-1] if lines else ""
        run = SuiteRun(workers, evidence, pinned, wall, exit_code, summary, sampler_cpu=sampler.own_cpu)
        for path in sorted(out.glob("*.json")):
            data = json.loads(path.read_text())
            run.tests.extend(data["tests"])
            run.requests.extend((name, seconds) for name, seconds in data["requests"])
            run.request_cpu += data["request_cpu"]
        run.cpu_by_kind = sampler.cpu_by_kind()
        run.peak_rss = sorted((peak[0] for peak in sampler.peaks.values()), reverse=True)
        run.peak_pss = sorted((peak[1] for peak in sampler.peaks.values()), reverse=True)
    return run
