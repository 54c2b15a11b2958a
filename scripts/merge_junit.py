"""Merge the shards' JUnit XML files into one report, and check that no test ran in two shards.

    python scripts/merge_junit.py [JUNIT ...] [-o reports/junit.xml] [--summary FILE] [--max-flaky N]

JUNIT are files or glob patterns (default ``reports/junit-*.xml``, what ``--splits N --group G`` runs
write). The merged file keeps every test case with its result, output and attached artifacts; its
totals are the sums of the shards'. ``--max-flaky N`` is the run's flaky budget across all shards
(each shard checks only its own). Exit status: 0 merged; 1 a test appears in more than one file (the
shards overlapped); 2 no input file; 3 a file could not be read (a shard killed while writing it) or a
shard has no file (each file names its shard, "2/3"), the others merged; 4 more flaky tests than
``--max-flaky``, which the merged file says too (its first testsuite's properties and ``<system-err>``, in place
of each shard's verdict on its own share). The merged file is written whenever one file could be read; with
several problems, the first of 3, 1, 4 is the status.
"""

from __future__ import annotations

import argparse
import glob
import re
import sys
from collections import Counter
from pathlib import Path

from junitparser import JUnitXml, JUnitXmlError, Properties, Property, SystemErr

DEFAULT_INPUTS = "reports/junit-*.xml"
DEFAULT_OUTPUT = "reports/junit.xml"
SUMMARY_FAILURES = 50  # failed tests named in the summary; the merged file has them all
BUDGET_PROPERTIES = ("max_flaky", "flaky", "verdict")  # a run over its flaky budget, as plugins/flaky_junit.py says


def find_inputs(patterns: list[str], output: Path) -> list[Path]:
    """Expand the patterns into existing files, sorted, each once, never the output itself."""
    found = {Path(path) for pattern in patterns for path in glob.glob(pattern)}
    return sorted(path for path in found if path.resolve() != output.resolve())


def missing_shards(merged: JUnitXml) -> list[str]:
    """Return the shards ("2/3") that no merged file is, by the ``shard`` property each shard's file carries."""
    found = {prop.value for suite in merged for prop in suite.properties() if prop.name == "shard"}
    splits = {int(label.split("/")[1]) for label in found if re.fullmatch(r"\d+/\d+", label or "")}
    return [
        f"{group}/{count}"
        for count in sorted(splits)
        for group in range(1, count + 1)
        if f"{group}/{count}" not in found
    ]


def merge(paths: list[Path]) -> tuple[JUnitXml, list[str], dict[Path, str]]:
    """Merge the files; return the merged report, the ids of tests found in more than one file, and the
    files that could not be read (with why)."""
    merged = JUnitXml()
    seen: Counter[str] = Counter()
    unreadable: dict[Path, str] = {}
    for path in paths:
        try:
            report = JUnitXml.fromfile(str(path))
        except (OSError, SyntaxError, JUnitXmlError) as error:  # SyntaxError: either XML parser's
            unreadable[path] = str(error) or type(error).__name__
            continue
        seen.update({f"{case.classname}::{case.name}" for suite in report for case in suite})
        merged += report
    merged.update_statistics()
    return merged, sorted(test for test, count in seen.items() if count > 1), unreadable


def flaky_tests(merged: JUnitXml) -> list[str]:
    """Return the tests that passed on a retry: the Surefire ``<flakyFailure>``/``<flakyError>`` the suite writes;
    each once, though shards that overlapped both ran it."""
    return sorted(
        {
            f"{case.classname}::{case.name}"
            for suite in merged
            for case in suite
            if case.is_passed
            and (case._elem.find("flakyFailure") is not None or case._elem.find("flakyError") is not None)
        }
    )


def judge_flaky_budget(merged: JUnitXml, allowed: int) -> str:
    """Say in the merged file whether the run, all shards together, has more flaky tests than ``allowed``; return the
    verdict ("" within the budget).

    Each shard judged its own share against its own budget: its verdict (properties and ``<system-err>`` of its
    testsuite, plugins/flaky_junit.py) goes, and the run's is written as the plugin writes it, on the first testsuite.
    """
    for suite in merged:
        if not any(prop.name == "verdict" for prop in suite.properties()):
            continue
        properties = suite._elem.find("properties")  # there: it holds the verdict
        for found in list(properties):
            if found.get("name") in BUDGET_PROPERTIES:
                properties.remove(found)
        if not len(properties):
            suite._elem.remove(properties)
        for said in suite._elem.findall("system-err"):  # pytest writes none of its own on a testsuite
            suite._elem.remove(said)
    flaky = flaky_tests(merged)
    suites = list(merged)
    if len(flaky) <= allowed or not suites:
        return ""
    verdict = f"{len(flaky)} flaky tests, more than --max-flaky={allowed}: the run fails"
    first = suites[0]
    properties = first.child(Properties)
    if properties is None:
        properties = Properties()
        first._elem.insert(0, properties._elem)  # before the test cases, as pytest writes them
    for name, value in zip(BUDGET_PROPERTIES, (str(allowed), str(len(flaky)), verdict), strict=True):
        properties.add_property(Property(name, value))
    first.append(SystemErr("\n".join([f"{verdict} (all shards)", *(f"FLAKY {test}" for test in flaky)])))
    return verdict


def summary(merged: JUnitXml, paths: list[Path], missing: list[str]) -> str:
    """A Markdown summary (GitHub's job summary shows it): totals, missing shards, then each failed and flaky test."""
    cases = [(f"{case.classname}::{case.name}", case) for suite in merged for case in suite]
    failed = [name for name, case in cases if not case.is_passed and not case.is_skipped]
    flaky = flaky_tests(merged)
    passed = sum(case.is_passed for _, case in cases)  # a failed call with a failed teardown is 1 failure and 1 error
    lines = [
        "### Tests, all shards",
        "",
        "| shards | tests | passed | of which flaky | failed | errors | skipped | time (sum) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {len(paths)} | {merged.tests} | {passed} | {len(flaky)} | {merged.failures} | {merged.errors} "
        f"| {merged.skipped} | {merged.time:.0f} s |",
    ]
    if missing:  # their tests are in no total above
        lines += ["", f"**Missing: shard {', '.join(missing)}** (no readable file: not run, or stopped before the end)"]
    for title, tests in (("Failed", failed), ("Flaky (failed, then passed on retry)", flaky)):
        if tests:
            lines += ["", f"{title}:", "", *(f"- `{test}`" for test in tests[:SUMMARY_FAILURES])]
            if len(tests) > SUMMARY_FAILURES:
                lines.append(f"- … and {len(tests) - SUMMARY_FAILURES} more (see the merged JUnit file)")
    return "\n".join(lines) + "\n"


def budget(text: str) -> int:
    """Parse ``--max-flaky``: a count, 0 or more.

    Not ``plugins.flaky.budget``: the CI workflow's report job runs this script with junitparser alone.
    """
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a count of tests (0 or more)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Merge the shards' JUnit files named on the command line."""
    parser = argparse.ArgumentParser(description="Merge the shards' JUnit XML files into one report.")
    parser.add_argument("inputs", nargs="*", default=[DEFAULT_INPUTS], help=f"files or globs ({DEFAULT_INPUTS})")
    parser.add_argument("-o", "--output", type=Path, default=Path(DEFAULT_OUTPUT), help=f"default {DEFAULT_OUTPUT}")
    parser.add_argument("--summary", type=Path, help="append a Markdown summary to this file ($GITHUB_STEP_SUMMARY)")
    parser.add_argument("--max-flaky", type=budget, metavar="N", help="fail when the shards hold more flaky tests")
    args = parser.parse_args(argv)

    paths = find_inputs(args.inputs, args.output)
    if not paths:
        print(f"merge_junit: no file matches {' '.join(args.inputs)}; run the shards first", file=sys.stderr)
        return 2
    merged, duplicates, unreadable = merge(paths)
    for path, why in unreadable.items():
        print(f"merge_junit: {path} could not be read, left out: {why}", file=sys.stderr)
    if len(unreadable) == len(paths):
        return 3
    missing = missing_shards(merged)
    for shard in missing:
        print(f"merge_junit: no file of shard {shard}: its tests are missing from {args.output}", file=sys.stderr)
    verdict = judge_flaky_budget(merged, args.max_flaky) if args.max_flaky is not None else ""
    args.output.parent.mkdir(parents=True, exist_ok=True)
    merged.write(str(args.output))
    print(
        f"merged {len(paths) - len(unreadable)} files into {args.output}: {merged.tests} tests, "
        f"{merged.failures} failed, {merged.errors} errors, {merged.skipped} skipped"
    )
    if args.summary:
        with args.summary.open("a", encoding="utf-8") as out:
            out.write(summary(merged, [path for path in paths if path not in unreadable], missing))
    if duplicates:
        print(f"merge_junit: {len(duplicates)} of the tests ran in more than one shard, e.g.:", file=sys.stderr)
        print("\n".join(f"  {test}" for test in duplicates[:10]), file=sys.stderr)
    if verdict:
        print(f"merge_junit: {verdict}", file=sys.stderr)
    return 3 if unreadable or missing else 1 if duplicates else 4 if verdict else 0


if __name__ == "__main__":
    sys.exit(main())
