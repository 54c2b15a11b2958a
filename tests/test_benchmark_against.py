"""The benchmark's comparison with an earlier commit runs each commit's tests as that commit's CI did."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.against import ci_arguments, collected

pytestmark = pytest.mark.tooling


@pytest.mark.parametrize(
    ("ci_run", "expected"),
    [
        # This project's CI: two workers for -n auto, the rest as CI gave it
        (
            "set -e\nbash scripts/setup.sh\n./run.sh test -n auto --reruns 1 --tracing=on-first-retry\n",
            ["-n", "2", "--reruns", "1", "--tracing=on-first-retry"],
        ),
        # Variables set for the command alone, quoted or not, are not its arguments
        (
            'COLUMNS="${COLUMNS:-200}" PYTHONHASHSEED=0 ./run.sh test -n auto --reruns 1 --tracing=on-first-retry\n',
            ["-n", "2", "--reruns", "1", "--tracing=on-first-retry"],
        ),
        # An earlier CI that gave nothing but the workers; quoted arguments stay whole
        ("./run.sh test -n auto\n", ["-n", "2"]),
        ("./run.sh test -n 4 -k 'conflict or roles'\n", ["-n", "4", "-k", "conflict or roles"]),
        # A CI that leaves some tests to another run (the shared-portal proof): the whole suite all the same
        (
            './run.sh test -m "not (shared_data and not smoke)" -n auto --reruns 1 -m tooling\n',
            ["-n", "2", "--reruns", "1"],
        ),
        # A CI that ran other commands only: the suite with two workers
        ("./run.sh testing-something-else\n.venv/bin/python -m pytest\n", ["-n", "2"]),
    ],
    ids=["retries", "variables-first", "workers-only", "quoted", "marker-selections", "no-test-command"],
)
def test_each_commit_runs_as_its_ci_gave_the_suite(tmp_path: Path, ci_run: str, expected: list[str]) -> None:
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_text(ci_run)

    assert ci_arguments(tmp_path) == expected


def test_this_code_runs_as_its_own_ci_gives_the_suite() -> None:
    # Its CI retries a failed test and traces the retry only: run otherwise, it would trace every test.
    assert ci_arguments(Path(__file__).parent.parent)[-3:] == ["--reruns", "1", "--tracing=on-first-retry"]


def test_a_commit_without_ci_runs_with_two_workers(tmp_path: Path) -> None:
    assert ci_arguments(tmp_path) == ["-n", "2"]


def test_the_tests_a_tree_holds_are_listed_by_their_ids(tmp_path: Path) -> None:
    # Given a tree whose tests have ids with spaces and other scripts, and a path it does not have
    (tmp_path / "test_names.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.parametrize('city', ['New York', '北京市'])\n"
        "def test_city(city):\n    assert city\n\n"
        "def test_plain():\n    pass\n"
    )

    listed = collected(tmp_path, ["test_names.py", "test_gone.py"])

    # Then each test is listed once, by an id pytest takes back (its escaped form for other scripts)
    assert listed == [
        "test_names.py::test_city[New York]",
        "test_names.py::test_city[\\u5317\\u4eac\\u5e02]",
        "test_names.py::test_plain",
    ]
    assert collected(tmp_path, ["test_gone.py"]) == []


def test_a_tree_that_cannot_collect_its_tests_says_so(tmp_path: Path) -> None:
    (tmp_path / "test_broken.py").write_text("import a_module_no_one_wrote\n")

    with pytest.raises(RuntimeError, match="a_module_no_one_wrote"):
        collected(tmp_path, [])
