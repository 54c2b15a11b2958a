"""A test that hangs ends, and the run goes on (plugins/hang_watch.py), its evidence and the last failures' kept.

Each test runs some of tests/runs/ in a pytest of its own, where the test that hangs has a short limit of its own.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from suite_run import ROOT, run_pytest

from plugins.evidence import empty_folder
from plugins.hang_watch import limit_of, limit_value

pytestmark = [pytest.mark.regression, pytest.mark.tooling]
LIMIT = "its test_timeout mark's 10 s"  # the hanging tests' own (tests/runs/*_hangs.py): the others' the default


def line_of(module: str, code: str) -> int:
    """Return the number of the line of ``tests/runs/<module>.py`` that holds ``code``."""
    lines = (ROOT / "tests" / "runs" / f"{module}.py").read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if code in line)


def test_a_frozen_browser_costs_one_test_which_says_where_it_hung(tmp_path: Path) -> None:
    run = run_pytest("tests/runs/browser_hangs.py", folder=tmp_path)

    frozen = "test_1_the_browser_freezes_under_this_test"
    where = f"tests/runs/browser_hangs.py:{line_of('browser_hangs', 'page.evaluate(')} in {frozen}"
    assert run.names("failed") == [frozen], run.report
    assert run.messages[frozen].startswith(
        f"The test ran past {LIMIT}, at {where}: its browser was ended. The browser died"
    ), run.messages[frozen]
    assert run.names("passed") == ["test_0_the_browser_starts", "test_2_the_next_test_gets_a_new_browser"], run.report


def test_a_hang_in_python_costs_its_worker_and_the_run_goes_on(tmp_path: Path) -> None:
    run = run_pytest("-n", "1", "tests/runs/python_hangs.py", folder=tmp_path)

    hung = "test_2_hangs_in_python"
    where = f"tests/runs/python_hangs.py:{line_of('python_hangs', '.wait()')} in {hung}"
    assert run.names("failed") == ["test_1_fails_and_leaves_a_screenshot", hung], run.report
    assert f"ran past {LIMIT}, at {where}" in run.messages[hung], run.messages[hung]
    assert "its worker gw0 was ended, and another started" in run.messages[hung], run.messages[hung]
    assert run.names("passed") == ["test_3_the_next_test_runs_in_another_worker"], run.report
    stacks = next((tmp_path / "test-results").glob("hung-*test_2_hangs_in_python*.txt"))
    assert f"line {line_of('python_hangs', '.wait()')} in {hung}" in stacks.read_text()
    # The worker started again did not empty the output folder: the failure before the hang keeps its evidence.
    assert list((tmp_path / "test-results").glob("*test-1-fails-and-leaves-a-screenshot*/test-failed-1.png"))


def test_an_output_folder_that_holds_the_project_is_refused_not_emptied(tmp_path: Path) -> None:
    project, kept = tmp_path / "project", tmp_path / "a-file-of-the-user-s.txt"  # as "--output ." holds the repository
    project.mkdir()
    kept.write_text("kept")

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--rootdir={project}", f"--output={tmp_path}",
         "-k", "no_such_test", "tests/test_hang_watch.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert done.returncode == 4, done.stdout + done.stderr
    assert f"--output {tmp_path} holds the project ({project})" in done.stderr, done.stdout + done.stderr
    assert kept.exists() and project.is_dir()


def test_an_output_folder_of_someone_else_s_files_is_refused_not_emptied_and_one_of_the_suite_s_is_emptied(
    tmp_path: Path,
) -> None:
    # Given an output folder of the user's own files (the tests' folder, a home folder), and one the suite wrote before
    theirs, ours = tmp_path / "theirs", tmp_path / "ours"
    (theirs / "notes").mkdir(parents=True)
    (theirs / "notes" / "a-file-of-the-user-s.txt").write_text("kept")

    def run_with_output(folder: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--output={folder}", "-k", "no_such_test",
             "tests/test_hang_watch.py"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    # When a run is given the user's folder, then it stops at once, saying so, and deletes nothing
    done = run_with_output(theirs)
    assert done.returncode == 4, done.stdout + done.stderr
    assert f"--output {theirs} holds files this suite did not write (notes)" in done.stderr, done.stderr
    assert (theirs / "notes" / "a-file-of-the-user-s.txt").read_text() == "kept"

    # ... and a folder a run of the suite wrote is emptied by the next run, as the default one is
    assert run_with_output(ours).returncode == pytest.ExitCode.NO_TESTS_COLLECTED
    (ours / "test-x-chromium").mkdir()
    assert run_with_output(ours).returncode == pytest.ExitCode.NO_TESTS_COLLECTED
    assert [entry.name for entry in ours.iterdir()] == [".suite-output"]


def test_a_hang_in_python_without_workers_stops_the_run_saying_why(tmp_path: Path) -> None:
    run = run_pytest("tests/runs/python_hangs.py", folder=tmp_path)

    assert run.returncode == 1, run.report
    assert f"test_2_hangs_in_python[chromium] ran past {LIMIT}" in run.output, run.report
    assert "the run stops here" in run.output, run.report
    assert "test_3" not in run.output, run.report


def test_a_test_past_its_limit_with_no_browser_to_end_says_none_was_ended(tmp_path: Path) -> None:
    run = run_pytest("tests/runs/python_slow.py", folder=tmp_path)

    slow = "test_slow_without_a_browser"
    where = f"tests/runs/python_slow.py:{line_of('python_slow', '.fired.wait()')} in {slow}"
    assert run.names("failed") == [slow], run.report
    assert run.messages[slow].startswith(
        f"The test ran past its test_timeout mark's 3 s, at {where}: no browser of this machine to end. "
        "AssertionError: a failure of its own"
    ), run.messages[slow]


@pytest.mark.parametrize(
    ("options", "environment", "expected"),
    [
        ({}, {}, 3.0),
        ({"usepdb": True}, {}, 0.0),
        ({"trace": True}, {}, 0.0),
        ({}, {"PWDEBUG": "1"}, 0.0),
        ({}, {"PWDEBUG": "console"}, 3.0),  # playwright.$ in the page's console: nothing pauses
        ({}, {"PWDEBUG": "0"}, 3.0),
        ({"pause_on_failure": True, "headed": True}, {}, 0.0),
        ({"pause_on_failure": True}, {}, 3.0),  # headless: nothing pauses
    ],
    ids=["unwatched", "pdb", "trace", "pwdebug", "pwdebug-console", "pwdebug-off", "paused", "pause-ignored"],
)
def test_no_limit_while_a_person_may_hold_the_test(
    options: dict[str, bool], environment: dict[str, str], expected: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PWDEBUG", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    option = SimpleNamespace(**{"usepdb": False, "trace": False, "pause_on_failure": False, "headed": False, **options})
    config = SimpleNamespace(option=option, getoption=lambda name: {"--test-timeout": 3.0}[name])

    assert limit_of(config) == expected  # type: ignore[arg-type]  # the attributes limit_of reads


@pytest.mark.parametrize("text", ["-1", "soon", "86401"])
def test_a_limit_that_is_no_number_of_seconds_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="seconds"):
        limit_value(text)


def test_the_last_run_s_files_that_cannot_be_deleted_are_said_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the last run's evidence, two files of which this user may not delete (another user's, read-only)
    (tmp_path / "shot.png").write_bytes(b"a picture")
    (tmp_path / "kept.png").write_bytes(b"another's picture")
    (tmp_path / "test-a").mkdir()
    (tmp_path / "test-a" / "trace.zip").write_bytes(b"a trace")
    (tmp_path / "test-a" / "kept.zip").write_bytes(b"another's trace")
    unlink = os.unlink

    def refused_for_kept(path: str | Path, *args: object, **kwargs: object) -> None:
        if Path(path).name.startswith("kept"):
            raise PermissionError(13, "Permission denied", str(path))
        unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", refused_for_kept)

    kept = empty_folder(tmp_path)

    assert sorted(Path(error.filename).name for error in kept) == ["kept.png", "kept.zip"]
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["kept.png", "kept.zip", "test-a"]
