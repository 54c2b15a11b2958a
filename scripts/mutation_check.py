"""The suite's strength report: break one behaviour of the bundled portal at a time, serve the broken
portal as a deployment, run the suite against it (``--base-url``: only the tests that reach a
deployment), and expect a red run. A few harmless changes (a slower portal, a restyled page) must
stay green. Works on a temporary clone of HEAD, never the work tree.

    .venv/bin/python scripts/mutation_check.py                   # every change, a Markdown table
    .venv/bin/python scripts/mutation_check.py --only paging     # the changes whose area or name holds "paging"
    .venv/bin/python scripts/mutation_check.py --markdown FILE   # also write the table to FILE

Exit 0 only when every break was caught and every harmless change stayed green.
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
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from aimed_first import AIMED
from breaks import BREAKS, HARMLESS, Change  # scripts/ is on the path of a script run from it
from shared_portal import DEMO_TOTP_SECRET, served_portal

ROOT = Path(__file__).resolve().parent.parent
RUN_SECONDS = 1800
# A test's node id: its parameters' words in brackets may hold spaces and brackets ("[chromium-Pixel 7]",
# "[http://[::1]:8000/-True]"), up to the bracket before the error's " - " or the line's end.
FAILED = re.compile(r"^(?:FAILED|ERROR) ([^\s\[]+(?:\[.*?\](?= - |$))?)(?: - (.*))?$", re.MULTILINE)


class Outcome(NamedTuple):
    """What the suite made of one change."""

    change: Change
    exit_code: int
    seconds: float
    first_failure: str  # node id of the test that turned red ("" when none did)
    message: str  # its error's first line, or pytest's summary line

    @property
    def caught(self) -> bool:
        """Tell whether a test failed: exit 1, or 2 when xdist stopped the run at that failure (-x)."""
        return self.exit_code in (1, 2) and bool(self.first_failure)

    @property
    def as_expected(self) -> bool:
        """A break must turn the run red (a test failed); a harmless change must keep it green (exit 0)."""
        return self.exit_code == 0 if self.change.harmless else self.caught


@contextmanager
def portal_of(clone: Path, log: Path) -> Iterator[str]:
    """Serve the clone's (changed) portal with a fresh database (in the clone); yield its URL."""
    database = clone / f"{log.stem}.sqlite"
    database.unlink(missing_ok=True)
    with served_portal(clone, database, log) as base_url:
        yield base_url


def run_suite(clone: Path, base_url: str, change: Change, workers: str, log: Path) -> Outcome:
    """Run the deployment suite against ``base_url``, the tests aimed at the change first; stop at the first failure."""
    command = [
        *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", workers, "--reruns", "0"),
        *("--base-url", base_url, f"--portal-totp-secret={DEMO_TOTP_SECRET}", "--max-flaky", "0"),
        *("-m", "not tooling"),  # the tooling's tests reach no deployment
        *(() if change.harmless else ("-x",)),
        *("-p", "aimed_first"),  # scripts/aimed_first.py: the tests aimed at the change run first
        *("-p", "no:plugins.longest_first"),  # handed out as collected: the aimed tests first
        "tests",
    ]
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, (str(clone / "scripts"), os.environ.get("PYTHONPATH")))),
        AIMED: os.pathsep.join(change.aimed_at),
        "COLUMNS": "1000",  # pytest's short summary keeps the failure's words (cut at the terminal's width else)
    }
    started = time.perf_counter()
    run = subprocess.run(command, cwd=clone, env=environment, capture_output=True, text=True, timeout=RUN_SECONDS)
    seconds = time.perf_counter() - started
    log.write_text(run.stdout + run.stderr)
    failed = FAILED.search(run.stdout)
    lines = (run.stdout.strip() or run.stderr.strip() or "(no output)").splitlines()
    if failed:
        return Outcome(change, run.returncode, seconds, failed.group(1), (failed.group(2) or "").strip())
    return Outcome(change, run.returncode, seconds, "", lines[-1].strip("= "))


def apply(clone: Path, change: Change) -> dict[Path, str]:
    """Make the change in the clone; return the original text of each file it touched."""
    originals: dict[Path, str] = {}
    for edit in change.edits:
        target = clone / edit.path
        current = target.read_text()
        originals.setdefault(target, current)
        if edit.text not in current:
            for path, text in originals.items():  # leave the clone as it was for the next change
                path.write_text(text)
            raise LookupError(f"{edit.path} no longer holds {edit.text!r}: update scripts/breaks.py")
        target.write_text(current.replace(edit.text, edit.replacement, 1))
    return originals


def markdown(outcomes: list[Outcome]) -> str:
    """Return the report as a Markdown table."""
    rows = [
        "| area | change | expected | result | first test to fail | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        change = outcome.change
        if change.harmless:
            result = "green" if outcome.exit_code == 0 else f"RED (exit {outcome.exit_code})"
        else:
            result = "caught" if outcome.caught else f"MISSED (exit {outcome.exit_code})"
        test = f"`{outcome.first_failure.removeprefix('tests/')}`" if outcome.first_failure else outcome.message
        expected = "green" if change.harmless else "red"
        rows.append(f"| {change.area} | {change.behaviour} | {expected} | {result} | {test} | {outcome.seconds:.0f} |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Try each change in turn; print a line per change and the table; 0 when every one went as expected."""
    parser = argparse.ArgumentParser(prog="scripts/mutation_check.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="changes whose area or name holds this text")
    parser.add_argument("--workers", default="2", help="pytest -n for each run (default: %(default)s)")
    parser.add_argument("--markdown", type=Path, help="also write the result table to this file")
    parser.add_argument(
        "--logs", type=Path, default=ROOT / "reports" / "mutations", help="each run's output (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops what was started
    chosen = [c for c in (*BREAKS, *HARMLESS) if any(o in c.area or o in c.behaviour for o in args.only)]
    changes = chosen if args.only else [*BREAKS, *HARMLESS]
    if not changes:
        parser.error("no change matches --only")

    args.logs.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="mutation-check-") as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        for number, change in enumerate(changes, start=1):
            originals = apply(clone, change)
            try:
                with portal_of(clone, args.logs / f"{number:02d}-portal.log") as base_url:
                    outcome = run_suite(clone, base_url, change, args.workers, args.logs / f"{number:02d}-suite.log")
            finally:
                for path, text in originals.items():
                    path.write_text(text)
            outcomes.append(outcome)
            verdict = "ok  " if outcome.as_expected else "FAIL"
            shown = outcome.first_failure or outcome.message
            print(f"{verdict} {change.behaviour:<52} {outcome.seconds:5.0f} s  {shown}", flush=True)

    table = markdown(outcomes)
    print("\n" + table)
    if args.markdown:
        args.markdown.write_text(table)
    wrong = [o.change.behaviour for o in outcomes if not o.as_expected]
    print("every break caught, every harmless change green" if not wrong else f"not as expected: {', '.join(wrong)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
