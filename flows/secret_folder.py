"""A folder of the job's own for what must not outlive it (the shared sign-in), and those left by runs killed hard.

A run stopped by Ctrl-C or SIGTERM deletes its folder; one killed with SIGKILL (the OOM killer, ``kill -9``, a
machine's reset of a container) cannot. Its folder is named by its process ID, so a later run of the same user
deletes it once that process is gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "accounts-job-"


def secret_folder() -> tempfile.TemporaryDirectory[str]:
    """Return this run's own folder, readable by its user only; first delete those of this user's runs now gone."""
    remove_orphans()
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-")


def remove_orphans(under: Path | None = None) -> list[Path]:
    """Delete the folders of this user's runs whose process is gone (POSIX only); return them."""
    if os.name != "posix":  # no process to ask without side effects, no owner to check
        return []
    removed = []
    for folder in Path(under or tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        pid = folder.name.removeprefix(PREFIX).split("-", 1)[0]
        try:
            mine = folder.is_dir() and folder.stat().st_uid == os.getuid()
        except OSError:
            continue
        if mine and pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def alive(pid: int) -> bool:
    """Tell whether a process ``pid`` exists (another user's counts: it cannot be asked, but it is there)."""
    try:
        os.kill(pid, 0)  # signal 0: only asks
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
