"""One run at a time writes a journal: an exclusive lock held until the run closes it.

``flock`` on POSIX, which the system releases however the run ends (a crash, a kill); where there is
none (Windows, some network shares), a ``.lock`` file beside the journal holding the run's pid, taken
over once that process is gone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

try:
    import fcntl
except ImportError:  # Windows: the pid lock file instead
    fcntl = None  # type: ignore[assignment]


class JournalInUseError(RuntimeError):
    """Another run holds the journal: two runs writing it would interleave their entries and lose rows."""

    def __init__(self, path: Path, pid: int | None, lock_file: Path | None = None) -> None:
        who = f"Another run (pid {pid})" if pid else "Another run"
        stale = f" (if none runs, remove {lock_file})" if lock_file else ""
        super().__init__(
            f"{who} is using the journal {path}{stale}: wait for it to end, or give this run another journal"
        )
        self.path, self.pid = path, pid


def running(pid: int) -> bool:
    """Whether the process ``pid`` is still there: a lock file of one that is gone is taken over."""
    if pid <= 0:
        return False  # 0 and -1 name groups of processes, never a run
    if sys.platform == "win32":  # os.kill(pid, 0) would send Ctrl-C there
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # ERROR_ACCESS_DENIED: another user's process
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, the process is only looked up
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def pid_in(path: Path) -> int | None:
    """Return the pid a lock file holds, or None when it holds none (yet)."""
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    return int(text) if text.isdigit() else None


def take_lock_file(path: Path, journal: Path, refused: Callable[[int | None, Path], Exception] | None = None) -> Path:
    """Create the lock file ``path`` with this process's pid, taking it over from a process that is gone.

    Held by a live process, ``refused(pid, path)`` is raised: ``JournalInUseError`` for ``journal`` unless given.
    """
    refused = refused or (lambda pid, lock_file: JournalInUseError(journal, pid, lock_file))
    for _ in range(3):
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                pid = pid_in(path)
            except FileNotFoundError:
                continue  # its run just ended
            if pid is None or running(pid):  # no pid: one being written now, or a crash between; said
                raise refused(pid, path) from None
            path.unlink(missing_ok=True)  # its run crashed or was killed: the lock is stale
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(f"{os.getpid()}\n")
        return path
    raise refused(None, path)


def hold(file: TextIO, journal: Path, holder: Callable[[Path], int | None]) -> Path | None:
    """Lock ``journal`` (open as ``file``) for this run; return the lock file taken, None when ``flock`` holds it.

    Raises ``JournalInUseError`` when another run holds it, naming its pid (``holder`` reads it from the journal).
    """
    if fcntl is not None:
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return None
        except BlockingIOError:
            raise JournalInUseError(journal, holder(journal)) from None
        except OSError:
            pass  # a file system without flock (some network shares): the lock file instead
    return take_lock_file(journal.with_name(journal.name + ".lock"), journal)


def release(lock_file: Path) -> None:
    """Remove this run's lock file (not one another run took over meanwhile)."""
    try:
        if pid_in(lock_file) == os.getpid():
            lock_file.unlink()
    except FileNotFoundError:
        pass
