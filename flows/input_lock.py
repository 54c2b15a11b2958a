"""One run at a time applies a file of changes to a portal: locks keyed by the file, its rows and the portal.

Two runs of one file given different ``--results`` keep two journals, each blind to the other's rows:
both would submit every row, and where two rows change one customer, the run lagging behind would
put the earlier row's values back over the later one's. A copy of the file (under another name, in
another folder, saved as CSV from the XLSX) does the same, so a run takes two locks, files in the
temporary folder: one named from the input's resolved path and the portal's address, one from its
rows as read and the portal's address. Rows are compared as the journal knows them, by their
customer and the values they set, in any order: a CSV and an XLSX whose cells read alike hold the
same rows (a postal code an XLSX keeps as the number 1000 and a CSV as the text "01000" does not).
A file that holds some of another's rows, not all, is another file. ``update_accounts`` takes the
rows' lock too, so a script and the command applying the same rows are refused alike.

``flock`` on POSIX, released however the run ends; else a pid lock file, as the journal's. A lock file
holds the run's pid, results (or journal) and input file, which a run refused is told.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from . import journal_lock
from .base_url import portal_key
from .spreadsheet import AccountRow

Refusal = Callable[[dict[str, Any], Path], Exception]


class InputInUseError(RuntimeError):
    """Another run is applying the same file, or the same rows, to the same portal: both would submit its rows."""

    def __init__(
        self, file: Path | None, base_url: str, holder: dict[str, Any], lock_file: Path, *, same_rows: bool = False
    ) -> None:
        pid, results, journal, theirs = (holder.get(name) for name in ("pid", "results", "journal", "file"))
        who = f"pid {pid}" if isinstance(pid, int) else "its pid not known"
        who += f", results {results}" if isinstance(results, str) else ""
        who += f", journal {journal}" if isinstance(journal, str) and not isinstance(results, str) else ""
        what = str(file)
        if same_rows:
            what = "the same rows" + (f" as {file}" if file is not None else "")
            what += f" (from {theirs})" if isinstance(theirs, str) else ""
        resume = "--resume with its --results" if file is not None else "resume=True with its journal"
        super().__init__(
            f"Another run ({who}) is applying {what} to {base_url}: wait for it to end, then {resume}; a second "
            f"run keeps a journal of its own and would submit the same rows again (if none runs, remove {lock_file})"
        )
        self.file, self.pid = file, pid


def lock_name(key: str) -> Path:
    """Return the lock file in the temporary folder for ``key``."""
    return Path(tempfile.gettempdir()) / f"flows-accounts-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lock"


def lock_path(file: Path, base_url: str) -> Path:
    """Return the lock file of runs applying ``file`` to the portal at ``base_url``."""
    return lock_name(f"{file.resolve()}\n{portal_key(base_url)}")


def rows_lock_path(rows: Iterable[AccountRow], base_url: str) -> Path:
    """Return the lock file of runs applying ``rows`` (in any order, wherever they were read from) to ``base_url``."""
    contents = "\n".join(sorted(row.content_hash() for row in rows))
    return lock_name(f"rows\n{contents}\n{portal_key(base_url)}")


def holder_of(path: Path) -> dict[str, Any]:
    """Return what the run holding the lock file wrote in it (its pid and results), {} if nothing readable."""
    try:
        said = json.loads(path.read_text(encoding="utf-8", errors="replace") or "{}")
    except (OSError, ValueError):
        return {}
    return said if isinstance(said, dict) else {}


class HeldFile:
    """Hold one lock file until ``release``; ``refused(holder, lock_file)`` is raised when another run holds it."""

    def __init__(self, path: Path, said: dict[str, Any], refused: Refusal) -> None:
        self.path = path
        self.descriptor: int | None = None
        self.lock_file: Path | None = None  # the pid lock file, where flock is not to be had
        written = json.dumps(said, ensure_ascii=False).encode()
        for _ in range(3) if journal_lock.fcntl is not None else ():
            try:  # another user's lock file can be locked, read only, all the same
                self.descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except PermissionError:
                self.descriptor, written = os.open(self.path, os.O_RDONLY), b""
            try:
                journal_lock.fcntl.flock(self.descriptor, journal_lock.fcntl.LOCK_EX | journal_lock.fcntl.LOCK_NB)
            except BlockingIOError:
                self.close()
                raise refused(holder_of(self.path), self.path) from None
            except OSError:  # a temporary folder without flock: the pid lock file instead
                self.close()
                break
            if not self.still_there():
                self.close()  # removed by the run that held it, as this one opened it: the lock is a new file's
                continue
            if written:
                os.ftruncate(self.descriptor, 0)
                os.write(self.descriptor, written)
            return
        pid_file = self.path.with_name(self.path.name + ".pid")
        self.lock_file = journal_lock.take_lock_file(pid_file, self.path, lambda pid, at: refused({"pid": pid}, at))

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
        """Let the next run have it: its lock file removed while still locked (a run that opened it meanwhile
        finds it gone, and makes a new one), then let go."""
        if self.descriptor is not None:
            with suppress(OSError):  # another user's, locked read only: it stays
                self.path.unlink()
            self.close()
        if self.lock_file is not None:
            journal_lock.release(self.lock_file)
            self.lock_file = None


class InputLock:
    """Hold the locks of applying ``file`` (and its ``rows``) to ``base_url`` until ``release``.

    ``InputInUseError`` if another run holds either. Without ``file`` (rows a script gives), the rows' lock alone,
    the run named by its ``journal``.
    """

    def __init__(
        self, file: Path | None, base_url: str, results: Path | None, rows: Iterable[AccountRow] = (),
        journal: Path | None = None,
    ) -> None:  # fmt: skip
        said: dict[str, Any] = {"pid": os.getpid()}
        # Full paths: the run refused may be in another folder, or another user's shell
        said |= {name: str(value.absolute()) for name, value in (("results", results), ("journal", journal),
                 ("file", file)) if value is not None}  # fmt: skip
        rows = list(rows)
        self.held: list[HeldFile] = []
        try:
            if file is not None:
                self.held.append(HeldFile(lock_path(file, base_url), said, self.refusal(file, base_url, False)))
            if rows:
                path = rows_lock_path(rows, base_url)
                self.held.append(HeldFile(path, said, self.refusal(file, base_url, True)))
        except BaseException:
            self.release()  # the file's lock is let go when its rows' is refused
            raise

    @staticmethod
    def refusal(file: Path | None, base_url: str, same_rows: bool) -> Refusal:
        """Return how a lock another run holds is refused: naming the file, or the rows and the other run's file."""
        return lambda holder, lock_file: InputInUseError(file, base_url, holder, lock_file, same_rows=same_rows)

    def release(self) -> None:
        """Let the next run apply the file, or its rows."""
        for held in reversed(self.held):
            held.release()
        self.held.clear()
