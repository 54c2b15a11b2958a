"""Shards across CI machines: ``--splits N --group G`` runs every test exactly once, balanced by .test_durations.

Each check runs pytest as CI does, in a fresh interpreter; all but the merge only collect, so they are quick.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from junitparser import JUnitXml

pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parent.parent
DURATIONS = ROOT / ".test_durations"
REFRESH = "refresh it with `./run.sh durations` (a full run) and commit it"
NODE_ID = re.compile(r"^\S+\.py::\S.*$", re.MULTILINE)
ESTIMATE = re.compile(r"\[pytest-split\] Running group \d+/\d+ \(estimated duration: ([\d.]+)s\)")
# Small and browser-free: the shards of the merge check really run it.
MERGE_SAMPLE = "tests/portal/test_countries.py"


COUNTED = re.compile(
    r"(\d+) tests? of the portal's workflow and (\d+) of its own code, against the bundled portal; (\d+) of"
)


def pytest_run(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run pytest from the repository root with the project's configuration, its outputs under ``out``.

    The parent run's own pytest variables (PYTEST_ADDOPTS, xdist's) are left out so that every
    collection here sees the same suite.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={out}/junit.xml",
               f"--html={out}/report.html", f"--output={out}/test-results", *args]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def collect(out: Path, *args: str) -> tuple[list[str], str]:
    """The node ids pytest would run with ``args`` (``--collect-only``), and its output."""
    done = pytest_run(out, "--collect-only", "-q", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return NODE_ID.findall(done.stdout), done.stdout


def estimated_seconds(output: str) -> float:
    """The duration pytest-split expects of the shard it selected, from its own report line."""
    found = ESTIMATE.search(output)
    assert found, f"no pytest-split estimate in:\n{output[-2000:]}"
    return float(found[1])


@pytest.fixture(scope="module")
def full_collection(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every test of the suite, as one machine would run it."""
    node_ids, _ = collect(tmp_path_factory.mktemp("full"))
    assert len(node_ids) > 100, "the collection looks wrong: too few tests"
    return node_ids


def recorded_durations() -> dict[str, float]:
    """The recorded durations that pytest-split balances shards by."""
    assert DURATIONS.is_file(), f"{DURATIONS.name} is missing: {REFRESH}"
    return json.loads(DURATIONS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("splits", [2, 3])
def test_shards_together_run_every_test_exactly_once(splits: int, full_collection: list[str], tmp_path: Path) -> None:
    def shard(group: int) -> tuple[list[str], str]:
        return collect(tmp_path / f"shard-{group}", "--splits", str(splits), "--group", str(group))

    with ThreadPoolExecutor(max_workers=splits) as pool:
        shards = list(pool.map(shard, range(1, splits + 1)))

    ran = [node_id for node_ids, _ in shards for node_id in node_ids]
    twice = [node_id for node_id, count in Counter(ran).items() if count > 1]
    assert not twice, f"tests in more than one shard: {twice[:10]}"
    assert sorted(ran) == sorted(full_collection), (
        f"shards left out {sorted(set(full_collection) - set(ran))[:10]}, "
        f"added {sorted(set(ran) - set(full_collection))[:10]}"
    )
    assert all(node_ids for node_ids, _ in shards), "a shard got no test"
    for node_ids, output in shards:  # each shard's header counts its own tests, not the whole suite's
        counted = COUNTED.search(output)
        assert counted and sum(map(int, counted.groups())) == len(node_ids), output[-600:]

    # Balanced by the recorded times, not by count: the estimates add up to the file's times (pytest-split
    # gives a test missing from the file the mean), and greedy balancing keeps the spread under the longest test.
    durations = recorded_durations()
    known = [durations[node_id] for node_id in full_collection if node_id in durations]
    mean = sum(known) / len(known)
    expected_total = sum(durations.get(node_id, mean) for node_id in full_collection)
    estimates = [estimated_seconds(output) for _, output in shards]
    assert sum(estimates) == pytest.approx(expected_total, rel=0.01), f"shards not split by {DURATIONS.name}"
    assert max(estimates) - min(estimates) <= max(known) + 0.01, f"shards out of balance: {estimates}"


def test_durations_file_covers_the_suite(full_collection: list[str]) -> None:
    """A few new tests are fine (they count as the mean), a stale file is not: shards would drift apart."""
    durations = recorded_durations()
    collected = set(full_collection)
    new = sorted(collected - durations.keys())
    gone = sorted(durations.keys() - collected)
    assert all(isinstance(seconds, float) and seconds >= 0 for seconds in durations.values())
    assert len(new) <= 0.1 * len(collected), (
        f"{len(new)} of {len(collected)} tests have no recorded duration, e.g. {new[:5]}; {REFRESH}"
    )
    assert len(gone) <= 0.1 * len(durations), (
        f"{len(gone)} of {len(durations)} recorded tests no longer exist, e.g. {gone[:5]}; {REFRESH}"
    )


def merge_reports(*args: str) -> subprocess.CompletedProcess[str]:
    """The merge command (``./run.sh merge-reports`` runs it with the virtual environment's Python)."""
    command = [sys.executable, "scripts/merge_junit.py", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_merge_reports_adds_up_the_shards(full_collection: list[str], tmp_path: Path) -> None:
    sample = [node_id for node_id in full_collection if node_id.startswith(f"{MERGE_SAMPLE}::")]

    def shard(group: int) -> subprocess.CompletedProcess[str]:
        return pytest_run(tmp_path, "--splits", "2", "--group", str(group), MERGE_SAMPLE)

    with ThreadPoolExecutor(max_workers=2) as pool:  # real shards of a small file, side by side in one folder
        runs = list(pool.map(shard, (1, 2)))
    for done in runs:
        assert done.returncode == 0, done.stdout + done.stderr
    # Each shard numbered its outputs without being told, so neither overwrote the other's.
    assert f"failure artifacts in {tmp_path}/test-results/shard-2" in runs[1].stdout
    assert (tmp_path / "report-1.html").is_file() and (tmp_path / "report-2.html").is_file()
    shards = [JUnitXml.fromfile(str(tmp_path / f"junit-{group}.xml")) for group in (1, 2)]
    assert all(shard.tests for shard in shards) and sum(shard.tests for shard in shards) == len(sample)

    merged_path, summary = tmp_path / "merged" / "junit.xml", tmp_path / "summary.md"
    done = merge_reports(str(tmp_path / "junit-*.xml"), "-o", str(merged_path), "--summary", str(summary))

    assert done.returncode == 0, done.stderr
    assert f"merged 2 files into {merged_path}: {len(sample)} tests, 0 failed" in done.stdout
    merged = JUnitXml.fromfile(str(merged_path))
    assert (merged.tests, merged.failures, merged.errors) == (len(sample), 0, 0)
    cases = sorted(f"{case.classname}::{case.name}" for suite in merged for case in suite)
    assert cases == sorted(f"{case.classname}::{case.name}" for shard in shards for suite in shard for case in suite)
    assert len(set(cases)) == len(sample)
    assert f"| 2 | {len(sample)} | {len(sample)} | 0 | 0 | 0 |" in summary.read_text(encoding="utf-8")

    # Each file says which shard it is, so one that never came (a job killed by its timeout) is missed, not merged
    # away into a smaller run that looks green.
    assert [(p.name, p.value) for suite in shards[1] for p in suite.properties()] == [("shard", "2/2")]
    partial = merge_reports(str(tmp_path / "junit-1.xml"), "-o", str(merged_path), "--summary", str(summary))
    assert partial.returncode == 3, partial.stderr
    assert "no file of shard 2/2" in partial.stderr
    assert "Missing: shard 2/2" in summary.read_text(encoding="utf-8")


def test_merge_reports_names_failures_and_refuses_overlaps_and_no_input(tmp_path: Path) -> None:
    case = '<testcase classname="tests.test_a" name="{name}" time="1.5">{result}</testcase>'
    for name, result in (("test_passes", ""), ("test_fails", '<failure message="assert 1 == 2"/>')):
        suite = f'<testsuite name="pytest" tests="1">{case.format(name=name, result=result)}</testsuite>'
        (tmp_path / f"{name}.xml").write_text(f"<testsuites>{suite}</testsuites>", encoding="utf-8")
    out = str(tmp_path / "merged.xml")

    done = merge_reports(str(tmp_path / "test_*.xml"), "-o", out, "--summary", str(tmp_path / "summary.md"))
    assert done.returncode == 0, done.stderr
    assert "2 tests, 1 failed" in done.stdout
    assert "- `tests.test_a::test_fails`" in (tmp_path / "summary.md").read_text(encoding="utf-8")

    (tmp_path / "again.xml").write_bytes((tmp_path / "test_fails.xml").read_bytes())
    overlapping = merge_reports(str(tmp_path / "test_fails.xml"), str(tmp_path / "again.xml"), "-o", out)
    assert overlapping.returncode == 1, overlapping.stderr
    assert "1 of the tests ran in more than one shard" in overlapping.stderr
    assert "tests.test_a::test_fails" in overlapping.stderr

    # A test whose call failed and whose teardown failed too holds a failure and an error: one test, not two
    both = '<failure message="assert 1 == 2"/><error message="failed on teardown"/>'
    suite = f'<testsuite name="pytest" tests="1">{case.format(name="test_fails_twice_over", result=both)}</testsuite>'
    (tmp_path / "test_fails.xml").write_text(f"<testsuites>{suite}</testsuites>", encoding="utf-8")
    summary = tmp_path / "summary-both.md"
    done = merge_reports(str(tmp_path / "test_*.xml"), "-o", out, "--summary", str(summary))
    assert done.returncode == 0, done.stderr
    assert "| 2 | 2 | 1 | 0 | 1 | 1 | 0 |" in summary.read_text(encoding="utf-8")

    nothing = merge_reports(str(tmp_path / "no-such-*.xml"), "-o", out)
    assert nothing.returncode == 2 and "run the shards first" in nothing.stderr


def shard_file(path: Path, shard: str, test: str, verdict: str = "") -> None:
    """Write a shard's JUnit file holding one flaky test, and the verdict of a shard over its own budget (as
    plugins/flaky_junit.py writes it), if given."""
    said = ""
    properties = f'<property name="shard" value="{shard}"/>'
    if verdict:
        properties += '<property name="max_flaky" value="0"/><property name="flaky" value="1"/>'
        properties += f'<property name="verdict" value="{verdict}"/>'
        said = f"<system-err>{verdict}\nFLAKY tests/test_a.py::{test}</system-err>"
    flaky = '<flakyFailure message="failed once" type="AssertionError"><stackTrace>...</stackTrace></flakyFailure>'
    case = f'<testcase classname="tests.test_a" name="{test}" time="1.0">{flaky}</testcase>'
    suite = f'<testsuite name="pytest" tests="1"><properties>{properties}</properties>{case}{said}</testsuite>'
    path.write_text(f"<testsuites>{suite}</testsuites>", encoding="utf-8")


def budget_verdicts(path: Path) -> list[tuple[str | None, str | None, str]]:
    """Return each testsuite's flaky budget verdict in a JUnit file: the property, its count, its system-err."""
    found = []
    for suite in ElementTree.parse(path).iter("testsuite"):
        properties = {prop.get("name"): prop.get("value") for prop in suite.iter("property")}
        found.append((properties.get("verdict"), properties.get("flaky"), suite.findtext("system-err") or ""))
    return found


def test_merge_reports_says_the_flaky_budget_s_verdict_on_the_whole_run_in_the_merged_file(tmp_path: Path) -> None:
    # Given two shards each with one flaky test, each within its own budget of 1
    for group, test in ((1, "test_one"), (2, "test_two")):
        shard_file(tmp_path / f"junit-{group}.xml", f"{group}/2", test)
    out = tmp_path / "merged.xml"

    # When merged with the run's budget of 1, the run is over it, and the merged file says so: its counts untouched
    over = merge_reports(str(tmp_path / "junit-*.xml"), "-o", str(out), "--max-flaky", "1")
    assert over.returncode == 4, over.stderr
    verdict = "2 flaky tests, more than --max-flaky=1: the run fails"
    assert budget_verdicts(out) == [
        (verdict, "2", f"{verdict} (all shards)\nFLAKY tests.test_a::test_one\nFLAKY tests.test_a::test_two"),
        (None, None, ""),
    ]
    merged = JUnitXml.fromfile(str(out))
    assert (merged.tests, merged.failures, merged.errors) == (2, 0, 0)

    # Given shards each over its own budget of 0 (each a red job)
    for group, test in ((1, "test_one"), (2, "test_two")):
        said = "1 flaky tests, more than --max-flaky=0: the run fails"
        shard_file(tmp_path / f"junit-{group}.xml", f"{group}/2", test, verdict=said)

    # When merged within the run's budget of 2, no shard's verdict on its own share is left to say otherwise
    within = merge_reports(str(tmp_path / "junit-*.xml"), "-o", str(out), "--max-flaky", "2")
    assert within.returncode == 0, within.stderr
    assert budget_verdicts(out) == [(None, None, ""), (None, None, "")]
    assert [prop.get("name") for prop in ElementTree.parse(out).iter("property")] == ["shard", "shard"]
    # ... and without a budget of the run's, each shard's own stays, on its testsuite
    kept = merge_reports(str(tmp_path / "junit-*.xml"), "-o", str(out))
    assert kept.returncode == 0, kept.stderr
    assert [found[1] for found in budget_verdicts(out)] == ["1", "1"]
