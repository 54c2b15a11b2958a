"""The run's warnings policy (pyproject.toml): every warning fails the run, but what pytest itself leaves behind.

Runs side by side (shards, the tests' own runs of pytest) tidy one temporary folder, pytest-of-<user>; pytest's listing
of it (``_pytest.pathlib.find_prefixed``) may then be left open, and the warning would fail a run whose tests passed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.tooling
ROOT = Path(__file__).resolve().parent.parent
# A test that leaves a folder's listing open: pytest's own (as a tidy-up raced by another run leaves it), or its own.
LEFT_OPEN = {
    "pytest's": "from _pytest.pathlib import find_prefixed\n    listing = find_prefixed(tmp_path, '')",
    "the test's": "listing = os.scandir(tmp_path)",
}
TEST = """import gc, os

def test_leaves_a_listing_open(tmp_path):
    (tmp_path / "file").touch()
    {left_open}
    next(listing)
    del listing
    gc.collect()
"""


def run_with_the_project_s_warnings(tmp_path: Path, left_open: str) -> subprocess.CompletedProcess[str]:
    """Run a test leaving a listing open, under the project's warnings policy and none of its other options."""
    test = tmp_path / "test_left_open.py"
    test.write_text(TEST.format(left_open=left_open), encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    command = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path),
               "-o", "addopts=", "-p", "no:cacheprovider", "-q", str(test)]  # fmt: skip
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_a_listing_pytest_left_open_fails_no_run(tmp_path: Path) -> None:
    done = run_with_the_project_s_warnings(tmp_path, LEFT_OPEN["pytest's"])

    assert done.returncode == 0, done.stdout + done.stderr
    assert "ScandirIterator" in done.stdout, "said, as a warning"


def test_a_listing_a_test_left_open_fails_its_run(tmp_path: Path) -> None:
    done = run_with_the_project_s_warnings(tmp_path, LEFT_OPEN["the test's"])

    assert done.returncode == 1, done.stdout + done.stderr
    assert "unclosed scandir iterator" in done.stdout
