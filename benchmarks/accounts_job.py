"""The accounts job's throughput, side by side: rows per minute with 1, 2 and 4 workers, and the REST API.

    .venv/bin/python -m benchmarks.accounts_job [--rows 40] [--repetitions 1]

Serves the bundled portal in a process of its own (as a deployment is: its requests do not share
this process's interpreter with the job's workers), makes fresh customers through the API for
every run (not timed), and applies the same changes (city and postal code) each way, in turns:
``update_accounts`` as the command runs it (browsers started and signed in, the API's token from
the first one's sign-in, the check before any change, the journal: all timed), and the REST API
doing the same updates one after the other (GET, then PUT with the etag): the floor. Every change
is checked.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

from fixtures.api_client import PortalApi
from fixtures.identity import DEMO_TOTP_SECRET, PARTNER_AUTOMATION_CLIENT_ID
from fixtures.test_data import CustomerFactory
from flows import update_accounts
from flows.browser import chromium_launch_options

from .cpu_sampler import CpuSampler
from .timing import median

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "global-admin", "portal-demo"
WORKERS = (1, 2, 4)
REST = "REST API (the floor)"
SPEED_UP = 1.6  # the target for 2 workers over 1 on the 2-core CI machine


def log(message: str) -> None:
    """Say how far the benchmark is, on standard error."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def portal_process(folder: Path) -> Iterator[str]:
    """Serve the bundled portal as ``python -m fixtures.portal`` on a free port; yield its URL."""
    command = [sys.executable, "-m", "fixtures.portal", "--port", "0", "--db", str(folder / "portal.sqlite")]
    # Its request log would bury the benchmark's own lines.
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            first_line = process.stdout.readline() if process.stdout else ""
            listening = re.search(r"(http://\S+)", first_line)
            if not listening:
                raise RuntimeError(f"the portal did not start: {first_line!r}")
            yield listening.group(1)
        finally:
            process.terminate()


def machine() -> list[str]:
    """Describe the machine, the browser and the packages, as markdown list items."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    browser = chromium_launch_options("/nonexistent", headless=True).get("executable_path", "Playwright's Chromium")
    packages = ", ".join(f"{name} {version(name)}" for name in ("playwright", "flask", "werkzeug"))
    return [
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; Linux {platform.release()}, Python {platform.python_version()}",
        f"- browser, headless: {browser}; packages: {packages}",
    ]


def rows_for(customers: CustomerFactory, count: int) -> list[dict[str, str]]:
    """Make ``count`` customers in China and return a row moving each to Suzhou."""
    made = [customers.create("CN") for _ in range(count)]
    return [{"customer": c.companyName, "city": "苏州市", "postalCode": f"215{n:03}"} for n, c in enumerate(made)]


def through_the_ui(base_url: str, workers: int, folder: Path) -> Callable[[list[dict[str, str]]], None]:
    """Return a run of the rows by ``update_accounts`` with ``workers``, as the command runs it."""

    def run(rows: list[dict[str, str]]) -> None:
        journal, traces = folder / f"run-{secrets.token_hex(3)}.journal", folder / "traces"
        outcomes = update_accounts(
            rows, base_url, USER, PASSWORD, workers=workers, journal=journal, traces=traces,
            session_options={"totp_secret": DEMO_TOTP_SECRET}, api_client_id=PARTNER_AUTOMATION_CLIENT_ID,
        )  # fmt: skip
        wrong = [o for o in outcomes if o.outcome != "changed"]
        if wrong:
            raise RuntimeError(f"{workers} worker(s): {len(wrong)} rows not changed, e.g. {wrong[0]}")

    return run


def through_the_api(api: PortalApi) -> Callable[[list[dict[str, str]]], None]:
    """Return a run of the same updates through the REST API, one after the other."""

    def run(rows: list[dict[str, str]]) -> None:
        for row in rows:
            spec = {"Field": "CompanyName", "Value": row["customer"], "Operator": "starts_with"}
            [found] = api.call("GET", "v1/customers?" + urlencode({"filter": json.dumps(spec)}))["items"]
            api.update_billing(found["id"], {"city": row["city"], "postalCode": row["postalCode"]})

    return run


def table(seconds: dict[str, list[float]], cpu: dict[str, Counter[str]], rows: int) -> list[str]:
    """Return the markdown table: time per run, rows per minute, speed-up over one worker, CPU per row."""
    one = median(seconds["1 worker"])
    lines = [
        "| approach | seconds per run, median (min–max) | rows/min | × 1 worker | CPU per row | cores busy |",
        "|---|---|---|---|---|---|",
    ]
    for name, values in seconds.items():
        middle, used = median(values), sum(cpu[name].values()) / len(values)
        lines.append(
            f"| {name} | {middle:.1f} ({min(values):.1f}–{max(values):.1f}) | {rows / middle * 60:.1f} "
            f"| {one / middle:.2f} | {used / rows:.2f} s | {used / middle:.2f} |"
        )
    return lines


def cpu_table(cpu: Counter[str], runs: int, rows: int) -> list[str]:
    """Return where one worker's CPU goes, per row, by kind of process."""
    lines = ["| process (1 worker) | CPU per row |", "|---|---|"]
    lines += [f"| {kind} | {used / runs / rows:.3f} s |" for kind, used in cpu.most_common() if used > 0]
    return lines


def measure(args: argparse.Namespace, scratch: Path) -> tuple[dict[str, list[float]], dict[str, Counter[str]]]:
    """Run every approach ``args.repetitions`` times, in a rotating order; return their times and CPU."""
    names = [f"{n} worker{'s' if n > 1 else ''}" for n in WORKERS] + [REST]
    seconds: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, Counter[str]] = {name: Counter() for name in names}
    with portal_process(scratch) as base_url:
        api = PortalApi(base_url, USER, PASSWORD, totp_secret=DEMO_TOTP_SECRET)
        customers = CustomerFactory(api, seed=2026, run_id=secrets.token_hex(3))
        runs = {name: through_the_ui(base_url, n, scratch) for name, n in zip(names, WORKERS, strict=False)}
        runs[REST] = through_the_api(api)
        for repetition in range(args.repetitions):
            shift = repetition % len(names)  # drift on the machine hits all alike
            for name in names[shift:] + names[:shift]:
                rows = rows_for(customers, args.rows)
                with CpuSampler(os.getpid()) as sampler:
                    begun = time.perf_counter()
                    runs[name](rows)
                    seconds[name].append(time.perf_counter() - begun)
                cpu[name] += sampler.by_kind()
                log(f"{name}: {args.rows} rows in {seconds[name][-1]:.1f} s")
    return seconds, cpu


def main(argv: list[str] | None = None) -> int:
    """Measure, print the tables and write them to ``--out``; exit 1 when 2 workers miss the target."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accounts_job", description=__doc__)
    parser.add_argument("--rows", type=int, default=40, help="rows per run (default: %(default)s)")
    parser.add_argument("--repetitions", type=int, default=1, help="runs of each approach (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-accounts-job.md")
    args = parser.parse_args(argv)
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="accounts-bench-") as scratch:
        seconds, cpu = measure(args, Path(scratch))
    ratio = median(seconds["1 worker"]) / median(seconds["2 workers"])
    one_busy = sum(cpu["1 worker"].values()) / sum(seconds["1 worker"])  # cores one worker keeps busy
    lines = ["# Accounts job: rows per minute", "", *machine()]
    lines.append(
        f"- {args.rows} rows per run, {args.repetitions} run(s) each; load average (1 min) before / after: "
        f"{load_before:.2f} / {os.getloadavg()[0]:.2f}; took {(time.perf_counter() - started) / 60:.1f} min"
    )
    lines += ["", *table(seconds, cpu, args.rows), "", *cpu_table(cpu["1 worker"], args.repetitions, args.rows), ""]
    holds = "holds" if ratio >= SPEED_UP else "**missed**"
    lines.append(f"2 workers ÷ 1 worker: {ratio:.2f}× (target ≥ {SPEED_UP}×: {holds}). One worker keeps "
                 f"{one_busy:.2f} cores busy (its browser, driver, the job and the portal), so {os.cpu_count()} "
                 f"cores allow at most {os.cpu_count() / one_busy:.2f}×.")  # fmt: skip
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)
    return 0 if ratio >= SPEED_UP else 1


if __name__ == "__main__":
    sys.exit(main())
