"""xdist hands the tests out longest first (plugins/longest_first.py): the files holding the longest tests first, each
file's tests together and in order, so that quick tests, not a sub-run of minutes, end a parallel run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plugins.longest_first import longest_files_first, recorded_durations

pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parent.parent
COLLECTED = [  # a suite in the order collected: files by name
    "tests/test_a.py::test_a1", "tests/test_a.py::test_a2",
    "tests/test_b.py::test_b1", "tests/test_b.py::test_b2",
    "tests/test_c.py::test_c1[x]", "tests/test_c.py::test_c1[y]",
    "tests/test_d.py::test_d1",
]  # fmt: skip


def test_the_files_holding_the_longest_tests_go_first_each_whole_and_in_its_order() -> None:
    # Given times recorded for some tests: b's second the longest, c's first case next, d's never recorded
    durations = {"tests/test_a.py::test_a1": 0.2, "tests/test_a.py::test_a2": 0.3, "tests/test_b.py::test_b1": 0.1,
                 "tests/test_b.py::test_b2": 40.0, "tests/test_c.py::test_c1[x]": 6.0}  # fmt: skip

    # When the collection is put in the order handed out
    order = [COLLECTED[index] for index in longest_files_first(COLLECTED, durations)]

    # Then b (its 40 s test) leads, then c, a, and d last as quick; each file's tests as collected
    assert order == [*COLLECTED[2:4], *COLLECTED[4:6], *COLLECTED[0:2], COLLECTED[6]]


def test_files_without_any_recorded_time_keep_the_collection_s_order() -> None:
    assert longest_files_first(COLLECTED, {}) == list(range(len(COLLECTED)))


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"tests/test_a.py::test_a1": "slow"}'])
def test_a_record_that_cannot_be_read_counts_every_test_as_quick(tmp_path: Path, text: str) -> None:
    record = tmp_path / ".test_durations"
    record.write_text(text)

    assert recorded_durations(record) == {}
    assert recorded_durations(tmp_path / "nowhere") == {}


SUITE = {  # a suite whose tests each write their name down as they run
    "test_a.py": "def test_a1(ran): ran('a1')\n\ndef test_a2(ran): ran('a2')\n",
    "test_b.py": "def test_b1(ran): ran('b1')\n\ndef test_b2(ran): ran('b2')\n",
    "test_c.py": "def test_c1(ran): ran('c1')\n",
    "conftest.py": "import pytest\n\n@pytest.fixture\ndef ran():\n"
    "    return lambda name: open('ran.txt', 'a').write(name + '\\n')\n",
    "pytest.ini": "[pytest]\n",
}
RECORDED = {"test_b.py::test_b2": 30.0, "test_c.py::test_c1": 2.0, "test_a.py::test_a1": 0.5}


@pytest.mark.parametrize(
    ("plugin", "started_in", "expected"),
    [
        ("plugins.longest_first", ".", "b1 b2 c1 a1 a2"),
        ("plugins.longest_first", "below", "b1 b2 c1 a1 a2"),  # the record is the project's, not the folder's
        ("no:plugins.longest_first", ".", "a1 a2 b1 b2 c1"),
    ],
    ids=["longest-first", "started-below", "blocked"],
)
def test_an_xdist_worker_is_handed_the_longest_file_first_unless_the_plugin_is_blocked(
    tmp_path: Path, plugin: str, started_in: str, expected: str
) -> None:
    # Given a suite with times recorded, b's the longest
    for name, text in SUITE.items():
        (tmp_path / name).write_text(text)
    (tmp_path / ".test_durations").write_text(json.dumps(RECORDED))
    folder = tmp_path / started_in
    folder.mkdir(exist_ok=True)

    # When it runs on one xdist worker (one worker runs the tests in the order handed out), started in the folder
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "plugins.longest_first",
               "-p", plugin, "-n", "1", "-q", str(tmp_path)]  # fmt: skip
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)

    # Then the tests ran in that order: the file of the longest first, or as collected with the plugin blocked
    assert done.returncode == 0, done.stdout + done.stderr
    assert (folder / "ran.txt").read_text().split() == expected.split(), done.stdout
