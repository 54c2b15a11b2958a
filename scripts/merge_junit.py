"""Merge the shards' JUnit XML files into one report, and check that no test ran in two shards.

    python scripts/merge_junit.py [JUNIT ...] [-o reports/junit.xml] [--summary FILE]

JUNIT are files or glob patterns (default ``reports/junit-*.xml``, what ``--splits N --group G`` runs
write). The merged file keeps every test case with its result, output and attached artifacts; its
totals are the sums of the shards'. Exit status: 0 merged, 1 a test appears in more than one file
(the shards overlapped; the merged file is written all the same), 2 no input file.
"""

from __future__ import annotations

import argparse
import glob
import sys
from collections import Counter
from pathlib import Path

from junitparser import JUnitXml

DEFAULT_INPUTS = "reports/junit-*.xml"
DEFAULT_OUTPUT = "reports/junit.xml"
SUMMARY_FAILURES = 50  # failed tests named in the summary; the merged file has them all


def find_inputs(patterns: list[str], output: Path) -> list[Path]:
    """Expand the patterns into existing files, sorted, each once, never the output itself."""
    found = {Path(path) for pattern in patterns for path in glob.glob(pattern)}
    return sorted(path for path in found if path.resolve() != output.resolve())


def merge(paths: list[Path]) -> tuple[JUnitXml, list[str]]:
    """Merge the files; return the merged report and the ids of tests found in more than one file."""
    merged = JUnitXml()
    seen: Counter[str] = Counter()
    for path in paths:
        report = JUnitXml.fromfile(str(path))
        seen.update({f"{case.classname}::{case.name}" for suite in report for case in suite})
        merged += report
    merged.update_statistics()
    return merged, sorted(test for test, count in seen.items() if count > 1)


def summary(merged: JUnitXml, paths: list[Path]) -> str:
    """A Markdown summary (GitHub's job summary shows it): totals, then each failed and flaky test."""
    cases = [(f"{case.classname}::{case.name}", case) for suite in merged for case in suite]
    failed = [name for name, case in cases if not case.is_passed and not case.is_skipped]
    # Passed on a retry: the Surefire <flakyFailure> children the suite writes (plugins/flaky.py).
    flaky = [name for name, case in cases if case.is_passed and case._elem.find("flakyFailure") is not None]
    passed = merged.tests - merged.failures - merged.errors - merged.skipped
    lines = [
        "### Tests, all shards",
        "",
        "| shards | tests | passed | of which flaky | failed | errors | skipped | time (sum) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {len(paths)} | {merged.tests} | {passed} | {len(flaky)} | {merged.failures} | {merged.errors} "
        f"| {merged.skipped} | {merged.time:.0f} s |",
    ]
    for title, tests in (("Failed", failed), ("Flaky (failed, then passed on retry)", flaky)):
        if tests:
            lines += ["", f"{title}:", "", *(f"- `{test}`" for test in tests[:SUMMARY_FAILURES])]
            if len(tests) > SUMMARY_FAILURES:
                lines.append(f"- … and {len(tests) - SUMMARY_FAILURES} more (see the merged JUnit file)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Merge the shards' JUnit files named on the command line."""
    parser = argparse.ArgumentParser(description="Merge the shards' JUnit XML files into one report.")
    parser.add_argument("inputs", nargs="*", default=[DEFAULT_INPUTS], help=f"files or globs ({DEFAULT_INPUTS})")
    parser.add_argument("-o", "--output", type=Path, default=Path(DEFAULT_OUTPUT), help=f"default {DEFAULT_OUTPUT}")
    parser.add_argument("--summary", type=Path, help="append a Markdown summary to this file ($GITHUB_STEP_SUMMARY)")
    args = parser.parse_args(argv)

    paths = find_inputs(args.inputs, args.output)
    if not paths:
        print(f"merge_junit: no file matches {' '.join(args.inputs)}; run the shards first", file=sys.stderr)
        return 2
    merged, duplicates = merge(paths)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    merged.write(str(args.output))
    print(
        f"merged {len(paths)} files into {args.output}: {merged.tests} tests, {merged.failures} failed, "
        f"{merged.errors} errors, {merged.skipped} skipped"
    )
    if args.summary:
        with args.summary.open("a", encoding="utf-8") as out:
            out.write(summary(merged, paths))
    if duplicates:
        print(f"merge_junit: {len(duplicates)} of the tests ran in more than one shard, e.g.:", file=sys.stderr)
        print("\n".join(f"  {test}" for test in duplicates[:10]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
