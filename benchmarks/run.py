"""Run the whole benchmark and write its table: ``.venv/bin/python -m benchmarks.run``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import report
from .against import BEFORE_RETRIES, check_revision, compare
from .suite import ROOT, SuiteRun, run_suite
from .workflow import APPROACHES, run_workflows


def log(message: str) -> None:
    """Say how far the benchmark is, on standard error (the table goes to standard output)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load() -> str:
    """Return the 1-minute load average: above the core count, other work shared the machine."""
    return f"{os.getloadavg()[0]:.2f}"


def main(argv: list[str] | None = None) -> int:
    """Measure, write the markdown table to ``--out`` and standard output; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--repetitions", type=int, default=10, help="timed workflows per approach (default: %(default)s)"
    )
    parser.add_argument("--warmups", type=int, default=2, help="untimed rounds first (default: %(default)s)")
    parser.add_argument(
        "--suite-runs",
        type=int,
        default=1,
        help="suite runs of each kind (-n 1, -n 2, -n 2 traced throughout); 0 skips (default: %(default)s)",
    )
    parser.add_argument("--tests", nargs="*", default=[], help="run only these test paths, not the whole suite")
    parser.add_argument(
        "--against",
        default=BEFORE_RETRIES,
        metavar="REVISION",
        help="also run the tests this code and REVISION both hold, each as its CI did, --suite-runs times "
        "each, in turns; empty skips (default: %(default)s, the commit before CI retried failed tests)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md", help="markdown file to write")
    args = parser.parse_args(argv)

    if args.against:  # said now, not after the hour the runs before it take
        try:
            check_revision(args.against)
        except ValueError as error:
            parser.error(f"--against: {error}")
    started, load_before = time.perf_counter(), load()
    log(f"workflow: {args.warmups} warm-up + {args.repetitions} timed rounds of {len(APPROACHES)} approaches")
    workflow = run_workflows(args.repetitions, args.warmups, log=log)
    # Interleaved, so drift on the machine hits all alike: CI's evidence with one and two workers (each
    # on a core of its own, as they fill this machine), two workers left free to share the cores, and
    # two workers with a trace of every test, as before CI retried.
    kinds = ((1, "on-first-retry", True), (2, "on-first-retry", True), (2, "on-first-retry", False))
    kinds += ((2, "retain-on-failure", True),)
    runs: dict[tuple[int, str, bool], list[SuiteRun]] = {kind: [] for kind in kinds}
    for number in range(args.suite_runs):
        for workers, evidence, pinned in kinds:
            free = "" if pinned else ", --pin-workers=off"
            log(f"suite run {number + 1}/{args.suite_runs} with -n {workers}, --tracing={evidence}{free}")
            run = run_suite(workers, selection=args.tests, evidence=evidence, pinned=pinned)
            log(f"  {run.summary} (wall {run.wall:.1f} s)")
            runs[workers, evidence, pinned].append(run)
    one, two, two_free, every = (runs[kind] for kind in kinds)

    lines = ["# Benchmark results", "", *report.machine()]
    lines.append(
        f"- load average (1 min) before / after: {load_before} / {load()}; "
        f"benchmark took {(time.perf_counter() - started) / 60:.1f} min"
    )
    targets = []
    section, found = report.workflow_section(workflow)
    lines += ["", f"## 1. The documented workflow ({args.repetitions} runs each, signed in)", "", *section]
    targets += found
    if args.suite_runs:
        section, found = report.overhead_section(one)
        lines += ["", "## 2. Per-test overhead of the suite's fixtures", "", *section]
        targets += found
        section, found = report.scaling_section(one, two, two_free)
        suite = f"`{' '.join(args.tests)}`" if args.tests else "the whole suite"
        lines += ["", f"## 3. Scaling: {suite}, {args.suite_runs} run(s) each", "", *section]
        targets += found
        section, found = report.evidence_section(every, two)
        lines += ["", "## 4. Evidence of failures: a trace of every test, or of each retry", "", *section]
        targets += found
        if args.against:
            log(f"against {args.against}: the tests both hold, each as its CI ran them")
            section, found = report.against_section(*compare(args.against, args.tests, args.suite_runs, log))
            lines += ["", f"## 4b. This code against `{args.against}`", "", *section]
            targets += found
        section, found = report.server_section(one + two, workflow)
        lines += ["", "## 5. The portal's time per request", "", *section]
        targets += found
        lines += ["", "## 6. Memory of one worker (Python, Playwright driver, browser, portal)", ""]
        lines += report.memory_section(one + two)
    lines += ["", "## Targets", "", "| target | goal | measured | holds |", "|---|---|---|---|"]
    lines += [f"| {t.name} | {t.goal} | {t.measured} | {'yes' if t.holds else '**no**'} |" for t in targets]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)
    log(f"wrote {args.out}")
    return 0 if all(t.holds for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
