"""scripts/shared_portal.py's own logic: a run that does not end within its time is stopped and said, the others'
results kept."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.tooling
ROOT = Path(__file__).resolve().parent.parent


def shared_portal_script() -> ModuleType:
    """Import scripts/shared_portal.py (a script, not a package's module)."""
    spec = importlib.util.spec_from_file_location("shared_portal", ROOT / "scripts" / "shared_portal.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_run_still_going_at_the_deadline_is_stopped_and_said_beside_the_others_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given two runs against a running portal: one that ends with its tests passed, one that never ends
    script = shared_portal_script()
    (tmp_path / "reports").mkdir()
    never_ends = "import threading; threading.Event().wait()"
    programs = {1: "print('3 passed in 1.00s')", 2: never_ends}
    started: list[subprocess.Popen[str]] = []

    def start_run(number: int, *_: object) -> subprocess.Popen[str]:
        with (tmp_path / "reports" / f"shared-run-{number}.log").open("w") as log:
            command = [sys.executable, "-c", programs[number]]
            run = subprocess.Popen(command, stdout=log, text=True, start_new_session=True)  # stopped as a group
        if number == 1:
            run.wait()  # ended before the deadline, whatever this machine's load
        started.append(run)
        return run

    monkeypatch.setattr(script, "ROOT", tmp_path)
    monkeypatch.setattr(script, "RUN_SECONDS", 0.5)
    monkeypatch.setattr(script, "start_run", start_run)
    monkeypatch.setattr(script.signal, "signal", lambda *_: None)  # the script's own SIGTERM handling: not this one's

    # When the script waits for them
    code = script.main(["--base-url", "http://127.0.0.1:9/"])

    # Then it says each run's end, stops the one still going, and fails
    said = capsys.readouterr().out
    assert "run 1: exit 0: 3 passed in 1.00s" in said
    assert "run 2: not finished within 0.5 s, stopped: (no output)" in said
    assert code == 1 and all(run.poll() is not None for run in started)
