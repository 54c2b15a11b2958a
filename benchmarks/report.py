"""Turn the measurements into the markdown table: medians, ranges, ratios, and which targets hold."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil
from playwright.sync_api import sync_playwright

from flows.browser import chromium_launch_options
from plugins.worker_cores import core_for

from .against import Side
from .suite import SuiteRun
from .timing import median, percentile
from .workflow import APPROACHES, WorkflowResults

# The targets.
FLOWS_VS_RAW = 1.10
OVERHEAD_VS_WORKFLOW = 0.5
SPEED_UP = 1.6
SERVER_SHARE = 0.05
EVIDENCE_SHARE = 0.5  # the suite's wall time with CI's evidence ÷ with a trace of every test
AGAINST_SHARE = 0.5  # the suite's wall time, -n 2, ÷ the commit's before CI retried (benchmarks.against)


@dataclass(frozen=True)
class Target:
    """One of the issue's targets, with the value measured."""

    name: str
    goal: str
    measured: str
    holds: bool


def spread(values: Sequence[float], unit: str = "s", digits: int = 2) -> str:
    """Return the median of ``values`` followed by their range in brackets."""
    if not values:
        return "–"
    unit = unit if unit in ("", "%", "×") else f" {unit}"
    return f"{median(values):.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def mib(value: float) -> str:
    """Return bytes as MiB."""
    return f"{value / 2**20:,.0f} MiB"


def command_output(*command: str) -> str:
    """Return a command's first output line, or "?" when it cannot run."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "?"
    return (result.stdout.strip().splitlines() or ["?"])[0]


def headless_browser() -> str:
    """Name and version of the Chromium that headless runs launch here."""
    with sync_playwright() as playwright:
        managed = playwright.chromium.executable_path
    path = chromium_launch_options(managed, headless=True).get("executable_path")
    return f"{path}, {command_output(path, '--version')}" if path else f"Playwright's own Chromium ({managed})"


def machine() -> list[str]:
    """Describe the machine and the tools' versions, as markdown list items."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    release = Path("/etc/os-release").read_text().splitlines()
    system = next(
        (line.split("=", 1)[1].strip('"') for line in release if line.startswith("PRETTY")), platform.system()
    )
    tools = ", ".join(
        f"{name} {version(name)}" for name in ("playwright", "selenium", "pytest", "pytest-xdist", "flask", "werkzeug")
    )
    return [
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; memory {mib(psutil.virtual_memory().total)}",
        f"- system: {system}, Linux {platform.release()}, Python {platform.python_version()}",
        f"- browser, headless, for all three approaches and the suite: {headless_browser()}; "
        f"{command_output('chromedriver', '--version').split(' (')[0]}",
        f"- packages: {tools}",
    ]


def workflow_tests(runs: Iterable[SuiteRun]) -> list[dict[str, Any]]:
    """Return the passed tests that made customers and ran the whole workflow exactly once."""
    chosen = []
    for run in runs:
        for test in run.tests:
            whats = [(what, phase) for what, phase, _ in test.get("calls", [])]
            made_customer = any(what == "create customer" for what, _ in whats)
            if test["outcome"] == "passed" and whats.count(("workflow", "call")) == 1 and made_customer:
                chosen.append(test)
    return chosen


def seconds_in(test: dict[str, Any], what: str, phase: str) -> float:
    """Return the seconds a test spent in the timed calls ``what`` during ``phase``."""
    return sum(seconds for name, when, seconds in test["calls"] if name == what and when == phase)


def workflow_section(results: WorkflowResults) -> tuple[list[str], list[Target]]:
    """Item 1: the workflow three ways."""
    raw, ours = median(results.seconds["raw Playwright"]), median(results.seconds["our flows"])
    selenium = min(median(results.seconds[a]) for a in APPROACHES if a.startswith("Selenium"))
    lines = [
        "| approach | workflow time, median (min–max) | × raw Playwright | portal time per workflow | requests |",
        "|---|---|---|---|---|",
    ]
    for approach in APPROACHES:
        seconds = results.seconds[approach]
        lines.append(
            f"| {approach} | {spread(seconds, digits=3)} | {median(seconds) / raw:.2f} | "
            f"{spread(results.server_seconds[approach], digits=3)} | {median(results.requests[approach]):.0f} |"
        )
    ratio = ours / raw
    targets = [
        Target("our flows vs raw Playwright", f"≤ {FLOWS_VS_RAW:.2f}×", f"{ratio:.2f}×", ratio <= FLOWS_VS_RAW),
        Target("our flows vs the faster Selenium", "faster (< 1.00×)", f"{ours / selenium:.2f}×", ours < selenium),
    ]
    return lines, targets


SETUP_PARTS = {
    "new context": "browser context, saved sign-in loaded",
    "start trace": "trace started (none on a first attempt with `--tracing=on-first-retry`)",
    "new page": "page",
    "customer factory": "customer factory (a seeded faker per country)",
}
TEARDOWN_PARTS = {
    "stop trace": "trace stopped and written (only when one was started)",
    "screenshot": "screenshot of each page (of a failed test's only: a passing test closes its pages first)",
    "close context": "context closed",
}


def overhead_section(runs: Sequence[SuiteRun]) -> tuple[list[str], list[Target]]:
    """Item 2: what a test costs around the workflow, from the tests that run it once (``-n 1`` runs)."""
    tests = workflow_tests(runs)
    parts: dict[str, list[float]] = {}
    for what, label in SETUP_PARTS.items():
        parts[f"setup: {label}"] = [seconds_in(t, what, "setup") for t in tests]
    parts["setup: the rest (pytest, other fixtures)"] = [
        t["setup"] - sum(seconds_in(t, what, "setup") for what in (*SETUP_PARTS, "sign in")) for t in tests
    ]
    parts["call: customer created through the API"] = [seconds_in(t, "create customer", "call") for t in tests]
    for what, label in TEARDOWN_PARTS.items():
        parts[f"teardown: {label}"] = [seconds_in(t, what, "teardown") for t in tests]
    parts["teardown: the rest"] = [
        t["teardown"] - sum(seconds_in(t, what, "teardown") for what in TEARDOWN_PARTS) for t in tests
    ]
    overhead = [sum(values) for values in zip(*parts.values(), strict=True)]
    workflow = [seconds_in(t, "workflow", "call") for t in tests]
    ratios = [o / w for o, w in zip(overhead, workflow, strict=True)]
    sign_ins = [s for run in runs for t in run.tests for w, _, s in t["calls"] if w == "sign in"]
    saves = median(
        [sum(w == "save sign-in" for run_test in run.tests for w, _, _ in run_test["calls"]) for run in runs]
    )
    lines = ["| per test | median (min–max) |", "|---|---|"]
    lines += [f"| {name} | {spread(values, digits=3)} |" for name, values in parts.items()]
    lines += [
        f"| **overhead, total** | {spread(overhead, digits=3)} |",
        f"| the workflow itself (in the suite, traced) | {spread(workflow, digits=3)} |",
        f"| **overhead ÷ workflow** | {spread(ratios, unit='×')} |",
        f"| not per test: a sign-in through the UI, saved for reuse {saves:.0f} times a run | "
        f"{spread(sign_ins, digits=3)} |",
    ]
    lines.append(
        f"\n{len(tests)} tests that run the whole workflow once, over {len(runs)} run(s) with `-n 1` "
        f"and `--tracing={runs[0].evidence}`."
    )
    ratio = median(ratios)
    target = Target("fixture overhead ÷ workflow", f"< {OVERHEAD_VS_WORKFLOW}×", f"{ratio:.2f}×", ratio < 0.5)
    return lines, [target]


def scaling_section(
    one: Sequence[SuiteRun], two: Sequence[SuiteRun], two_free: Sequence[SuiteRun]
) -> tuple[list[str], list[Target]]:
    """Item 3: the whole suite with one worker and with two (kept on a core each, and free), and the CPU it takes."""
    lines = [
        "| workers | wall time, median (min–max) | CPU time, all processes | cores busy | result of each run |",
        "|---|---|---|---|---|",
    ]
    for runs in (one, two, two_free):
        summaries = "; ".join(f"`{run.summary}`" for run in runs)
        cores = [r.cpu_seconds / r.wall for r in runs]
        if not runs[0].pinned:
            kept = ", free to share the cores (`--pin-workers=off`)"
        elif core_for("gw0", runs[0].workers, sorted(os.sched_getaffinity(0)), "auto") is not None:
            kept = ", each on a core of its own"  # as the plugin decides it, with --pin-workers=auto
        else:
            kept = ""
        lines.append(
            f"| `-n {runs[0].workers}`{kept} | {spread([r.wall for r in runs], digits=1)} | "
            f"{spread([r.cpu_seconds for r in runs], digits=0)} | {spread(cores, unit='', digits=2)} | {summaries} |"
        )
    speed_up = median([r.wall for r in one]) / median([r.wall for r in two])
    free_speed_up = median([r.wall for r in one]) / median([r.wall for r in two_free])
    busy = median([r.cpu_seconds / r.wall for r in one])
    lines.append(
        f"\nSpeed-up: **{speed_up:.2f}×** on {os.cpu_count()} cores ({free_speed_up:.2f}× with the workers free to "
        f"share them). One worker already keeps {busy:.2f} cores busy, so two cannot beat "
        f"{(os.cpu_count() or 1) / busy:.2f}× unless the work itself shrinks."
    )
    lines += ["", "| where the CPU goes (`-n 1`, sampled) | CPU seconds per run | share |", "|---|---|---|"]
    kinds = {kind for run in one for kind in run.cpu_by_kind}
    total = median([sum(run.cpu_by_kind.values()) for run in one]) or 1.0
    for kind in sorted(kinds, key=lambda k: -median([run.cpu_by_kind.get(k, 0.0) for run in one])):
        seconds = median([run.cpu_by_kind.get(kind, 0.0) for run in one])
        lines.append(f"| {kind} | {seconds:.1f} | {seconds / total:.0%} |")
    targets = [Target("suite speed-up -n 2 vs -n 1", f"≥ {SPEED_UP}×", f"{speed_up:.2f}×", speed_up >= SPEED_UP)]
    if any(r.exit_code != 0 for r in (*one, *two, *two_free)):
        targets.append(Target("every suite run passed", "exit 0", "a run failed, see above", False))
    return lines, targets


def evidence_section(every: Sequence[SuiteRun], retried: Sequence[SuiteRun]) -> tuple[list[str], list[Target]]:
    """Item 3b: the same suite, same workers, with a trace of every test against CI's trace on the retry only."""
    lines = [
        "| evidence of failures | wall time, median (min–max) | per test | CPU time, all processes "
        "| result of each run |",
        "|---|---|---|---|---|",
    ]
    for runs in (every, retried):
        tests = max(len(run.tests) for run in runs) or 1
        summaries = "; ".join(f"`{run.summary}`" for run in runs)
        lines.append(
            f"| `--tracing={runs[0].evidence}` | {spread([r.wall for r in runs], digits=1)} | "
            f"{median([r.wall for r in runs]) / tests:.3f} s | {spread([r.cpu_seconds for r in runs], digits=0)} | "
            f"{summaries} |"
        )
    ratio = median([r.wall for r in retried]) / median([r.wall for r in every])
    lines.append(
        f"\nWith `-n {every[0].workers}`, run in turns. CI's way (`--reruns 1 --tracing=on-first-retry`) takes "
        f"**{ratio:.2f}×** the time of a trace of every test, and keeps a trace of every failure all the same."
    )
    target = Target(
        "suite, CI's evidence ÷ a trace of every test", f"≤ {EVIDENCE_SHARE}×", f"{ratio:.2f}×",
        ratio <= EVIDENCE_SHARE,
    )  # fmt: skip
    return lines, [target]


def against_section(earlier: Side, this: Side, tests: int) -> tuple[list[str], list[Target]]:
    """Item 4b: the tests both commits hold, each run as its own CI ran them (``-n 2`` for ``-n auto``), in turns."""
    if not tests:
        return [f"No test id is held by both {earlier.name} and this code."], []
    lines = [
        "| code | arguments its CI gave (beside its pyproject's) | wall time, median (min–max) | per test "
        "| result of each run |"
    ]
    lines.append("|---|---|---|---|---|")
    for side in (earlier, this):
        summaries = "; ".join(f"`{summary}`" for summary in side.summaries)
        lines.append(
            f"| {side.name} | `{' '.join(side.arguments)}` | {spread(side.walls, digits=1)} | "
            f"{median(side.walls) / tests:.3f} s | {summaries} |"
        )
    ratio = median(this.walls) / median(earlier.walls)
    lines.append(
        f"\nThe {tests} tests both hold, run in turns. This code takes **{ratio:.2f}×** the time {earlier.name} took, "
        "keeping a trace of every failure as both do."
    )
    targets = [Target(f"suite -n 2, ÷ {earlier.name}", f"≤ {AGAINST_SHARE}×", f"{ratio:.2f}×", ratio <= AGAINST_SHARE)]
    if earlier.failed or this.failed:
        targets.append(Target("every run of both commits passed", "exit 0", "a run failed, see above", False))
    return lines, targets


def server_section(runs: Sequence[SuiteRun], workflow: WorkflowResults) -> tuple[list[str], list[Target]]:
    """Item 4: the portal's time per request, and its share of the workers' wall time."""
    lines = [
        "| where | requests per run | p50 | p99 | max | portal time ÷ (wall × workers) | its CPU ÷ (wall × workers) |",
        "|---|---|---|---|---|---|---|",
    ]
    shares = []
    for workers in sorted({r.workers for r in runs}):
        chosen = [r for r in runs if r.workers == workers]
        seconds = [s for r in chosen for s in r.request_seconds]
        share = [sum(r.request_seconds) / (r.wall * workers) for r in chosen]
        cpu_share = [r.request_cpu / (r.wall * workers) * 100 for r in chosen]
        shares.extend(share)
        lines.append(
            f"| suite `-n {workers}` | {median([len(r.request_seconds) for r in chosen]):,.0f} | "
            f"{percentile(seconds, 0.5) * 1000:.1f} ms | {percentile(seconds, 0.99) * 1000:.1f} ms | "
            f"{max(seconds, default=0) * 1000:.0f} ms | {spread([s * 100 for s in share], unit='%', digits=1)} | "
            f"{spread(cpu_share, unit='%', digits=1)} |"
        )
    seconds = [seconds for _, seconds in workflow.requests_served]
    lines.append(
        f"| workflow alone (item 1) | – | {percentile(seconds, 0.5) * 1000:.1f} ms | "
        f"{percentile(seconds, 0.99) * 1000:.1f} ms | {max(seconds, default=0) * 1000:.0f} ms | – | – |"
    )
    lines += ["", *endpoint_table([request for run in runs for request in run.requests], len(runs))]
    worst = max(shares, default=float("nan"))
    measured = f"{worst:.1%} (worst run)"
    return lines, [Target("portal share of suite time", f"< {SERVER_SHARE:.0%}", measured, worst < SERVER_SHARE)]


def endpoint_table(requests: Sequence[tuple[str, float]], runs: int, top: int = 8) -> list[str]:
    """Return where the portal's time goes: the endpoints that take most of it."""
    by_endpoint: dict[str, list[float]] = {}
    for name, seconds in requests:
        by_endpoint.setdefault(name, []).append(seconds)
    total = sum(seconds for _, seconds in requests) or 1.0
    ranked = sorted(by_endpoint.items(), key=lambda item: -sum(item[1]))[:top]
    lines = [
        "| endpoint (all suite runs) | requests per run | p50 | p99 | share of portal time |",
        "|---|---|---|---|---|",
    ]
    for name, seconds in ranked:
        lines.append(
            f"| `{name}` | {len(seconds) / runs:,.0f} | {percentile(seconds, 0.5) * 1000:.1f} ms | "
            f"{percentile(seconds, 0.99) * 1000:.1f} ms | {sum(seconds) / total:.0%} |"
        )
    return lines


def memory_section(runs: Sequence[SuiteRun]) -> list[str]:
    """Item 5: the peak memory of one worker with its browser, driver and portal."""
    lines = [
        "| workers | peak RSS of a worker, median of runs (min–max) | peak PSS | sampler's own CPU |",
        "|---|---|---|---|",
    ]
    for workers in sorted({r.workers for r in runs}):
        chosen = [r for r in runs if r.workers == workers]
        rss = [max(r.peak_rss, default=0) / 2**20 for r in chosen]
        pss = [max(r.peak_pss, default=0) / 2**20 for r in chosen]
        cpu = [r.sampler_cpu / r.wall * 100 for r in chosen]
        lines.append(f"| `-n {workers}` | {spread(rss, 'MiB', 0)} | {spread(pss, 'MiB', 0)} | {spread(cpu, '%', 1)} |")
    return lines
