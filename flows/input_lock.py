"""One run at a time applies a file of changes to a portal: a lock keyed by the file and the portal's address.

Two runs of one file given different ``--results`` keep two journals, each blind to the other's rows:
both would submit every row, and where two rows change one customer, the run lagging behind would
put the earlier row's values back over the later one's. The lock is a file in the temporary folder
named from the input's resolved path and the portal's address (a copy of the file is another file):
``flock`` on POSIX, released however the run ends; else a pid lock file, as the journal's. It holds
the run's pid and results, which a run refused is told.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from . import journal_lock
from .base_url import normalize_base_url


class InputInUseError(RuntimeError):
    """Another run is applying the same file to the same portal: both would submit its rows."""

    def __init__(self, file: Path, base_url: str, holder: dict[str, Any], lock_file: Path) -> None:
        pid, results = holder.get("pid"), holder.get("results")
        who = f"pid {pid}" if isinstance(pid, int) else "its pid not known"
        who += f", results {results}" if isinstance(results, str) else ""
        super().__init__(
            f"Another run ({who}) is applying {file} to {base_url}: wait for it to end, then --resume with its "
            f"--results; a second run keeps a journal of its own and would submit the same rows again "
            f"(if none runs, remove {lock_file})"
        )
        self.file, self.pid = file, pid


def lock_path(file: Path, base_url: str) -> Path:
    """Return the lock file of runs applying ``file`` to the portal at ``base_url``."""
    key = f"{file.resolve()}\n{normalize_base_url(base_url)}"
    return Path(tempfile.gettempdir()) / f"flows-accounts-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lock"


def holder_of(path: Path) -> dict[str, Any]:
    """Return what the run holding the lock file wrote in it (its pid and results), {} if nothing readable."""
    try:
        said = json.loads(path.read_text(encoding="utf-8", errors="replace") or "{}")
    except (OSError, ValueError):
        return {}
    return said if isinstance(said, dict) else {}


class InputLock:
    """Hold the lock of applying ``file`` to ``base_url`` until ``release``; ``InputInUseError`` if another run does."""

    def __init__(self, file: Path, base_url: str, results: Path) -> None:
        self.path = lock_path(file, base_url)
        self.descriptor: int | None = None
        self.lock_file: Path | None = None  # the pid lock file, where flock is not to be had
        said = json.dumps({"pid": os.getpid(), "results": str(results)}, ensure_ascii=False).encode()

        def refused(pid: int | None, lock_file: Path) -> InputInUseError:
            return InputInUseError(file, base_url, {"pid": pid}, lock_file)

        for _ in range(3) if journal_lock.fcntl is not None else ():
            try:  # another user's lock file can be locked, read only, all the same
                self.descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except PermissionError:
                self.descriptor, said = os.open(self.path, os.O_RDONLY), b""
            try:
                journal_lock.fcntl.flock(self.descriptor, journal_lock.fcntl.LOCK_EX | journal_lock.fcntl.LOCK_NB)
            except BlockingIOError:
                self.close()
                raise InputInUseError(file, base_url, holder_of(self.path), self.path) from None
            except OSError:  # a temporary folder without flock: the pid lock file instead
                self.close()
                break
            if not self.still_there():
                self.close()  # removed by the run that held it, as this one opened it: the lock is a new file's
                continue
            if said:
                os.ftruncate(self.descriptor, 0)
                os.write(self.descriptor, said)
            return
        self.lock_file = journal_lock.take_lock_file(self.path.with_name(self.path.name + ".pid"), file, refused)

    def still_there(self) -> bool:
        """Whether the file locked is the one at ``path``: not one its run removed as it let it go."""
        assert self.descriptor is not None
        try:
            there = os.stat(self.path)
        except FileNotFoundError:
            return False
        locked = os.fstat(self.descriptor)
        return (there.st_dev, there.st_ino) == (locked.st_dev, locked.st_ino)

    def close(self) -> None:
        """Close the lock's file, letting its flock go."""
        if self.descriptor is not None:
            os.close(self.descriptor)
            self.descriptor = None

    def release(self) -> None:
        """Let the next run apply the file: its lock file removed while still locked (a run that opened it meanwhile
        finds it gone, and makes a new one), then let go."""
        if self.descriptor is not None:
            with suppress(OSError):  # another user's, locked read only: it stays
                self.path.unlink()
            self.close()
        if self.lock_file is not None:
            journal_lock.release(self.lock_file)
            self.lock_file = None
