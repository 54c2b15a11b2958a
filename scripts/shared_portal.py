"""Run the suite's tests of the portal several times at once against one running portal: the proof that
each run's data stays its own on a shared deployment (two CI jobs, or a team, on one test portal). The
tests of the suite's own code (marked tooling) never touch a portal: with --base-url, the suite leaves them out.

    .venv/bin/python scripts/shared_portal.py                 # the bundled portal, 2 runs at once
    .venv/bin/python scripts/shared_portal.py --base-url URL  # a portal already running elsewhere

Each run writes its own JUnit XML, HTML report, log and failure artifacts (reports/shared-run-N.*,
test-results/shared-run-N/); the bundled portal's request log goes to reports/shared-portal.log.
Exit 0 only when every run passed.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_TOTP_SECRET = "PORTALDEMOTOTP23"  # the bundled portal's demo users' authenticator (fixtures/identity)
STARTUP_SECONDS = 30
RUN_SECONDS = 3600


@contextmanager
def served_portal(root: Path, database: Path, log: Path) -> Iterator[str]:
    """Serve ``python -m fixtures.portal`` of ``root`` on a free port with ``database``; yield its URL.

    Its request log goes to ``log``, out of sight.
    """
    command = [sys.executable, "-m", "fixtures.portal", "--port", "0", "--db", str(database)]
    with log.open("w") as stderr:
        portal = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        assert portal.stdout is not None
        first_line = portal.stdout.readline()  # "Partner Center mock portal on http://..."
        found = re.search(r"http://\S+", first_line)
        if not found:
            raise RuntimeError(f"The portal did not start: {first_line!r} (exit code {portal.poll()}); see {log}")
        yield found.group(0)
    finally:
        stop(portal)


@contextmanager
def bundled_portal() -> Iterator[str]:
    """Start this project's portal on a free port with its own database; yield its URL."""
    with tempfile.TemporaryDirectory(prefix="shared-portal-") as folder:
        log = ROOT / "reports" / "shared-portal.log"
        with served_portal(ROOT, Path(folder) / "portal.sqlite", log) as base_url:
            yield base_url


def stop(process: subprocess.Popen[str], group: bool = False) -> None:
    """End ``process`` (with its process group: xdist workers, browsers); kill it if it lingers."""
    if process.poll() is not None:
        return
    send = partial(os.killpg, process.pid) if group else process.send_signal
    send(signal.SIGTERM)
    try:
        process.wait(timeout=STARTUP_SECONDS)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()


def start_run(number: int, base_url: str, workers: str, extra: list[str]) -> subprocess.Popen[str]:
    """Start one run of the portal's tests against ``base_url`` with outputs of its own."""
    name = f"shared-run-{number}"
    command = [
        *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", workers),
        *("--base-url", base_url, f"--junitxml=reports/{name}.xml", f"--html=reports/{name}.html"),
        *("--reruns", "1", "--tracing=on-first-retry"),  # CI's retry policy: a retry's trace says what happened
        *(f"--output=test-results/{name}", *extra),
    ]
    with (ROOT / "reports" / f"{name}.log").open("w") as log:  # the child keeps its own copy of the file
        # A session of its own, so a run stopped early takes its workers and browsers with it.
        return subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )


def summary(number: int) -> str:
    """Return pytest's last line of the run's log ("N passed in ..."), and each failed or flaky test's line."""
    lines = (ROOT / "reports" / f"shared-run-{number}.log").read_text(errors="replace").strip().splitlines()
    named = [f"\n    {line}" for line in lines if line.startswith(("FAILED ", "ERROR ", "FLAKY "))]
    return (lines[-1] if lines else "(no output)") + "".join(named)


def main(argv: list[str] | None = None) -> int:
    """Start the runs, wait for all, print each one's result; 0 when all passed."""
    parser = argparse.ArgumentParser(prog="scripts/shared_portal.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running portal (default: start the bundled one)")
    parser.add_argument("--runs", type=int, default=2, help="suite runs at once (default: %(default)s)")
    parser.add_argument("--workers", default="1", help="pytest -n for each run (default: %(default)s)")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments, after --")
    args = parser.parse_args(argv)
    (ROOT / "reports").mkdir(exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops what was started

    if args.base_url is None:  # the bundled portal's demo users answer their codes with its demo secret
        # Nothing may be flaky on the bundled portal, as in CI's main run.
        args.pytest_args = [f"--portal-totp-secret={DEMO_TOTP_SECRET}", "--max-flaky=0", *args.pytest_args]
    with bundled_portal() if args.base_url is None else nullcontext(args.base_url) as base_url:
        print(f"{args.runs} runs of the suite at once against {base_url}", flush=True)
        started = time.perf_counter()
        runs: list[subprocess.Popen[str]] = []
        try:
            runs += [start_run(number, base_url, args.workers, args.pytest_args) for number in range(1, args.runs + 1)]
            codes = finished_within(runs, RUN_SECONDS)
        finally:  # a run past the deadline, or Ctrl-C, leaves no run behind
            for run in runs:
                stop(run, group=True)
    for number, code in enumerate(codes, start=1):
        ended = f"exit {code}" if code is not None else f"not finished within {RUN_SECONDS} s, stopped"
        print(f"run {number}: {ended}: {summary(number)}")
    print(f"all runs ended in {time.perf_counter() - started:.0f} s")
    return 0 if all(code == 0 for code in codes) else 1


def finished_within(runs: list[subprocess.Popen[str]], seconds: float) -> list[int | None]:
    """Wait for the runs, all within ``seconds``; return each one's exit code, None for one still running then."""
    deadline = time.monotonic() + seconds
    codes: list[int | None] = []
    for run in runs:
        try:
            codes.append(run.wait(timeout=max(0.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            codes.append(None)
    return codes


if __name__ == "__main__":
    sys.exit(main())
