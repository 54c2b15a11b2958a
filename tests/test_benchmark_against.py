"""The benchmark's comparison with an earlier commit runs each commit's tests as that commit's CI did."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.against import ci_arguments

pytestmark = pytest.mark.tooling


@pytest.mark.parametrize(
    ("ci_run", "expected"),
    [
        # This project's CI: two workers for -n auto, the rest as CI gave it
        (
            "set -e\nbash scripts/setup.sh\n./run.sh test -n auto --reruns 1 --tracing=on-first-retry\n",
            ["-n", "2", "--reruns", "1", "--tracing=on-first-retry"],
        ),
        # An earlier CI that gave nothing but the workers; quoted arguments stay whole
        ("./run.sh test -n auto\n", ["-n", "2"]),
        ("./run.sh test -n 4 -k 'conflict or roles'\n", ["-n", "4", "-k", "conflict or roles"]),
        # A CI that ran other commands only: the suite with two workers
        ("./run.sh testing-something-else\n.venv/bin/python -m pytest\n", ["-n", "2"]),
    ],
    ids=["retries", "workers-only", "quoted", "no-test-command"],
)
def test_each_commit_runs_as_its_ci_gave_the_suite(tmp_path: Path, ci_run: str, expected: list[str]) -> None:
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_text(ci_run)

    assert ci_arguments(tmp_path) == expected


def test_a_commit_without_ci_runs_with_two_workers(tmp_path: Path) -> None:
    assert ci_arguments(tmp_path) == ["-n", "2"]
