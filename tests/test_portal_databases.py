"""The bundled apps' databases in the temporary folder: one killed hard (SIGKILL, a crash) leaves its folder, which
the next app made on this machine removes; a folder of a live process, of another machine or naming none stays."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from flask import Flask

from fixtures.sqlite import OWNER_FILE, temporary_database

pytestmark = pytest.mark.tooling  # the suite's own apps, not the portal under test

PREFIX = "portal-db-"
# A process that makes a database as the portal does, says where, then waits to be killed.
MAKES_ONE = (
    "from flask import Flask; from fixtures.sqlite import temporary_database; app = Flask('killed'); "
    f"print(temporary_database(app, {PREFIX!r}, 'portal.sqlite'), flush=True); input()"
)


@pytest.fixture
def temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make ``tmp_path`` the temporary folder, for this process and the ones it starts."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    return tmp_path


def folder_of(machine: str, pid: int, under: Path) -> Path:
    """Make a database folder naming ``machine`` and ``pid`` as its owner; return it."""
    folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=under))
    (folder / OWNER_FILE).write_text(f"{machine} {pid}", encoding="utf-8")
    return folder


def test_the_folder_of_a_portal_killed_hard_goes_when_the_next_app_makes_its_database(temporary_folder: Path) -> None:
    # Given a process that made a database as the portal does, then was killed hard (no clean-up of its own ran)
    root = Path(__file__).parent.parent
    command = [sys.executable, "-c", MAKES_ONE]
    with subprocess.Popen(command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as killed:
        assert killed.stdout is not None
        left = Path(killed.stdout.readline().strip()).parent
        killed.kill()  # SIGKILL; on Windows, TerminateProcess: no clean-up runs
        killed.wait(timeout=30)
    assert left.is_dir(), "the killed process left its folder"

    # When the next app makes its database
    app = Flask("next")  # its folder goes with it
    made = Path(temporary_database(app, PREFIX, "portal.sqlite")).parent

    # Then the killed one's folder is gone, the new one is there
    assert not left.exists() and made.is_dir()


def test_folders_of_live_processes_other_machines_or_naming_none_stay(temporary_folder: Path) -> None:
    # Given folders of a live process (this one's parent), of another machine, and one naming no process
    live = folder_of(socket.gethostname(), os.getppid(), temporary_folder)
    elsewhere = folder_of("another-machine", 1 << 22, temporary_folder)  # a pid no process of this machine has
    unnamed = Path(tempfile.mkdtemp(prefix=PREFIX, dir=temporary_folder))

    # When an app makes its database
    temporary_database(Flask("next"), PREFIX, "portal.sqlite")

    # Then all three stay
    assert live.is_dir() and elsewhere.is_dir() and unnamed.is_dir()
