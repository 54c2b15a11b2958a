"""The journal of an accounts job: what happened to each row, on disk the moment it happens.

JSON lines, each appended and fsynced before the job goes on: first who ran against which portal,
then ``started`` just before a row's Submit (with the values it found), then the row's outcome.
After a crash or Ctrl-C, a resumed run skips the rows whose outcome is final, and re-checks a row
that had started without an outcome: its Submit may or may not have reached the portal. A row is
known by its content (and, for rows of the same content, which of them it is in file order), not
by its number: a row inserted or removed above it between the runs changes nothing.

One run at a time writes a journal: it holds an exclusive lock on it until it closes (``flock`` on
POSIX, released by the system however the run ends; elsewhere a ``.lock`` file with its pid, taken
over once that process is gone). A second run, resumed or not, raises ``JournalInUseError``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from . import journal_lock
from .base_url import normalize_base_url, portal_key
from .journal_entries import (
    LINE,
    OUTCOME,
    RUN,
    START_AFRESH,
    STARTED,
    begun_unfinished,
    cut_by_a_kill,
    damaged,
    journal_lines,
    journal_text,
    keyed_by_content,
    line_order,
)
from .journal_lock import JournalInUseError as JournalInUseError  # raised here, named here too
from .journal_lock import running
from .outcomes import FINAL, RowOutcome
from .spreadsheet import AccountRow


class JournalMismatchError(ValueError):
    """The journal to resume from was written by a run as another user, or against another portal, or holds a line
    this job did not write (edited, damaged)."""


def recorded_pid(journal: Path) -> int | None:
    """Return the pid the last run recorded in ``journal``, if that process is still there."""
    for line in reversed(journal_lines(journal_text(journal))):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("event") == RUN:
            pid = entry.get("pid")
            return pid if isinstance(pid, int) and running(pid) else None
    return None


def run_owner(base_url: str, user: str) -> dict[str, str]:
    """Return who runs against which portal, as a journal records it: a resume must be the same."""
    return {"base_url": normalize_base_url(base_url), "user": user}


def owner_differs(earlier: Mapping[str, Any], owner: Mapping[str, str] | None) -> dict[str, Any]:
    """Return what of ``owner`` a journal's ``earlier`` run entry records otherwise (its portal compared as one
    however its address is written: ``base_url.portal_key``), by name."""
    return {
        name: earlier.get(name)
        for name, value in (owner or {}).items()
        if earlier.get(name) != value
        and not (name == "base_url" and isinstance(earlier.get(name), str) and same_portal(earlier[name], value))
    }


def same_portal(earlier: str, base_url: str) -> bool:
    """Whether ``earlier`` (a journal's portal, as written) and ``base_url`` name one portal; an address not read
    as one is another's."""
    try:
        return portal_key(earlier) == portal_key(base_url)
    except ValueError:
        return False


def journal_path(results: str | Path) -> Path:
    """Return where the journal of a run writing ``results`` lives: beside it."""
    results = Path(results)
    return results.with_name(results.name + ".journal")


class JournalElsewhereError(ValueError):
    """A resume finds no journal where it looks, while one beside the file or its results records the file's rows.

    Said in the command's options, or with ``library`` in ``update_accounts``' arguments."""

    def __init__(self, path: Path, found: list[Path], *, library: bool = False) -> None:
        named = ", ".join(str(journal) for journal in found)
        if library:
            rows, afresh = "these rows", "with resume=False"
            resume = " or ".join(f"journal={str(journal)!r}" for journal in found)
        else:
            rows, afresh = "rows of this file", "without --resume"
            resume = " or ".join(f"--results {journal.with_suffix('')}" for journal in found)
            resume += " (its journal is PATH.journal)"
        super().__init__(
            f"no journal at {path} to resume, but {named} records {rows}: resume with {resume}, or run {afresh} "
            "to check every row afresh"
        )
        self.path, self.found = path, found


def records_rows(path: Path, hashes: set[str], owner: Mapping[str, str]) -> bool:
    """Whether the journal at ``path`` is of a run as ``owner`` and records one of the rows whose content is
    ``hashes``."""
    with suppress(OSError), path.open(encoding="utf-8", errors="replace") as file:
        for line in file:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict):
                continue
            if entry.get("event") == RUN and owner_differs(entry, owner):
                return False  # another user's or portal's: not one to resume from
            if entry.get("hash") in hashes:
                return True
    return False


def journals_of(rows: Iterable[AccountRow], folders: Iterable[Path], owner: Mapping[str, str]) -> list[Path]:
    """Return the journals in ``folders`` of runs as ``owner`` that record one of ``rows``: an earlier run's of the
    file, with other ``--results``."""
    hashes = {row.content_hash() for row in rows}
    found: list[Path] = []
    for folder in dict.fromkeys(folder.resolve() for folder in folders):
        found += [path for path in sorted(folder.glob("*.journal")) if records_rows(path, hashes, owner)]
    return found


def refuse_journal_elsewhere(
    path: Path, rows: Iterable[AccountRow], folders: Iterable[Path], owner: Mapping[str, str], *, library: bool = False
) -> None:
    """Raise ``JournalElsewhereError`` for a resume with no journal at ``path`` while one in ``folders`` records one
    of ``rows`` as ``owner``: an earlier run's, named otherwise, which a run afresh would forget."""
    if not path.exists() and (found := journals_of(rows, folders, owner)):
        raise JournalElsewhereError(path, found, library=library)


class Journal:
    """An append-only record of rows started and finished; safe to share between threads."""

    def __init__(
        self, path: str | Path | None, *, resume: bool = False, owner: Mapping[str, str] | None = None,
        read_only: bool = False,
    ) -> None:  # fmt: skip
        """Open the journal at ``path``: carry on from it with ``resume``, else start it afresh (but for the Submits
        it records as started and never finished: ``keep_unfinished``); None keeps none.

        ``owner`` says who runs against which portal (``{"base_url": ..., "user": ...}``): a journal an
        earlier run wrote for another raises ``JournalMismatchError``. ``read_only`` reads it (a dry run).
        A journal another run is writing raises ``JournalInUseError`` before anything in it changes.
        """
        self.path = None if path is None else Path(path)
        self.lock = threading.Lock()
        self.earlier: dict[str, list[dict[str, Any]]] = {}  # a previous run's entries, by row key, in file order
        # ...and an earlier version's, which knew a row by its number (and content): "hash@row", "hash*row", no key
        self.by_number: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.current: dict[str, list[dict[str, Any]]] = {}  # this run's Submits started, by row key
        self.keys: dict[int, str] = {}  # this run's rows' keys, by row number
        self.file: TextIO | None = None
        self.lock_file: Path | None = None  # the pid lock file, where flock is not to be had
        self.found = False  # something to resume from
        self.unfinished = 0  # rows whose Submit an earlier run started and never finished, re-checked by a run afresh
        self.passed_over: list[int] = []  # ... and the lines of its journal no entry could be read from
        self.finished_now: dict[int, RowOutcome] = {}  # this run's outcomes, by row number
        if self.path is None:
            return
        if read_only and not resume:  # a dry run afresh: a journal it cannot read only leaves it nothing to keep
            with suppress(OSError):
                self.keep_unfinished(journal_text(self.path), owner)
            return
        existed = self.path.exists()
        self.found = resume and existed
        if not read_only:
            # "a", not "w": the journal is emptied only once this run holds it, never under another's feet
            self.file = self.path.open("a", encoding="utf-8")
        try:
            self.hold()
            text = journal_text(self.path) if existed else ""
            if resume:
                self.read(text, owner)
            else:
                self.keep_unfinished(text, owner)
        except BaseException:
            self.close()  # a journal refused (another's, another owner's) is let go at once
            raise
        if self.file is None:
            return
        if not resume:
            self.file.truncate(0)
        elif text and not text.endswith("\n"):
            self.file.write("\n")  # end the torn line, or the next entry would be lost with it
        if owner is not None:
            self.append({"event": RUN, **owner, "pid": os.getpid()})  # the pid: named to a run refused meanwhile
        if not resume:  # written again: a run afresh stopped in its turn still knows them
            kept = sorted(
                (*self.earlier.values(), *self.by_number.values()), key=lambda entries: line_order(entries[0])
            )
            for entry in (entry for entries in kept for entry in entries):
                self.append({name: value for name, value in entry.items() if name != LINE})

    def hold(self) -> None:
        """Hold the journal for this run alone until it closes; raise ``JournalInUseError`` if another run does.

        A dry run, which only reads, holds nothing.
        """
        if self.file is not None and self.path is not None:
            self.lock_file = journal_lock.hold(self.file, self.path, recorded_pid)

    def read(self, text: str, owner: Mapping[str, str] | None, *, lenient: bool = False) -> None:
        """Take in an earlier run's entries; raise ``JournalMismatchError`` for another owner's journal, or one that
        holds text no entry can be read from but where a killed run leaves it (a cut line), or nothing this job
        wrote. ``lenient`` passes over such text (``passed_over``), as a run afresh may."""
        lines, runs_recorded = journal_lines(text), f'"event": "{RUN}"' in text
        read_any, foreign = False, False
        for number, line in enumerate(lines):
            try:
                entry = json.loads(line)
            except ValueError:
                if not line.strip() or cut_by_a_kill(lines, number, runs_recorded):
                    continue
                if not lenient:  # passed over, it could hide a Submit made
                    raise JournalMismatchError(
                        f"The journal {self.path} holds at line {number + 1} text this job did not write (no entry "
                        f"can be read from it): put the line back as it was, or {START_AFRESH}"
                    ) from None
                self.passed_over.append(number + 1)
                continue
            if not isinstance(entry, dict) or ("hash" not in entry and entry.get("event") != RUN):
                foreign = True
                continue  # not a line this journal wrote
            read_any = True
            if entry.get("event") == RUN:
                self.check_owner(entry, owner)
                continue
            damage = damaged(entry)
            if damage:  # skipped, it could hide a Submit made: one more might save the row twice
                raise JournalMismatchError(
                    f"The journal {self.path} holds at line {number + 1} an entry this job did not write as it "
                    f"is ({damage}): put the line back as it was, or {START_AFRESH}"
                )
            if keyed_by_content(entry.get("key"), str(entry["hash"])):
                self.earlier.setdefault(entry["key"], []).append({**entry, LINE: number})
            else:
                known_as = (entry["hash"], int(entry.get("row", 0)))
                self.by_number.setdefault(known_as, []).append({**entry, LINE: number})
        if foreign and not read_any and not lenient:  # not even the line a run starts with: no journal of this job's
            raise JournalMismatchError(f"The journal {self.path} holds nothing this job wrote: {START_AFRESH}")

    def keep_unfinished(self, text: str, owner: Mapping[str, str] | None) -> None:
        """Of an earlier run's entries, keep only the Submits it started without a final outcome after them (a run
        stopped, or failed, meanwhile): a run afresh re-checks those rows as a resumed run does, so a Submit the
        portal took, perhaps saving its value otherwise ("LYON"), is not sent again. Another user's or portal's
        journal, or one holding an entry this job did not write as it is, leaves nothing to keep; lines no entry can
        be read from are passed over (``passed_over``: said by the command)."""
        try:
            self.read(text, owner, lenient=True)
        except JournalMismatchError:
            self.earlier.clear()
            self.by_number.clear()
            return
        self.earlier = {key: kept for key, found in self.earlier.items() if (kept := begun_unfinished(found))}
        self.by_number = {key: kept for key, found in self.by_number.items() if (kept := begun_unfinished(found))}
        self.unfinished = len(self.earlier) + len(self.by_number)

    def check_owner(self, earlier: Mapping[str, Any], owner: Mapping[str, str] | None) -> None:
        """Refuse to resume a journal an earlier run wrote as another user or against another portal."""
        differ = owner_differs(earlier, owner)
        if differ:
            was = ", ".join(f"{name} {value!r}" for name, value in differ.items())
            now = ", ".join(f"{name} {owner[name]!r}" for name in differ) if owner else ""
            raise JournalMismatchError(
                f"The journal {self.path} is of a run with {was}, not {now}: resume with the same, or {START_AFRESH}"
            )

    def number(self, rows: Iterable[AccountRow]) -> None:
        """Know the run's rows by their content, wherever they are in the file.

        Rows of the same content are interchangeable: the k-th of them in file order is the k-th in
        an earlier run (a row inserted or removed elsewhere leaves their order as it was), as long as
        the file holds as many of them. When it holds more or fewer, which copy ran cannot be told:
        they take nothing from an earlier run and are checked again (values that hold are not submitted).
        """
        rows = sorted(rows, key=lambda row: row.number)  # file order
        counts, seen = Counter(row.content_hash() for row in rows), Counter[str]()
        for row in rows:
            content = row.content_hash()
            seen[content] += 1
            self.keys[row.number] = content if counts[content] == 1 else f"{content}#{seen[content]}/{counts[content]}"

    def key(self, row: AccountRow) -> str:
        """Return the row's key: its content (``content#k/n``, the k-th of n alike), else content and number."""
        return self.keys.get(row.number) or f"{row.content_hash()}@{row.number}"

    def previous(self, row: AccountRow) -> list[dict[str, Any]]:
        """Return what earlier runs, then this run, recorded for this row, each in the order written.

        An earlier version's entry, known by number, is the row's when it has its number and content.
        """
        earlier = [*self.earlier.get(self.key(row), []), *self.by_number.get((row.content_hash(), row.number), [])]
        earlier.sort(key=line_order)
        with self.lock:
            return earlier + list(self.current.get(self.key(row), []))

    def final(self, row: AccountRow) -> RowOutcome | None:
        """Return the row's final outcome from an earlier run, if it has one."""
        outcomes = [entry for entry in self.previous(row) if entry["event"] == OUTCOME]
        if outcomes and outcomes[-1]["outcome"]["outcome"] in FINAL:
            return dataclasses.replace(RowOutcome.from_dict(outcomes[-1]["outcome"]), row=row.number)
        return None

    def started_before(self, row: AccountRow, fields: Iterable[str] | None = None) -> dict[str, str] | None:
        """Return the values found when an earlier try (this run's, or an earlier run's) started its Submit.

        ``fields`` keeps those of the fields the row still sets.
        """
        started = [entry for entry in self.previous(row) if entry["event"] == STARTED]
        if not started:
            return None
        before = dict(started[0]["before"])  # the first: what the row found untouched
        return before if fields is None else {name: before[name] for name in fields if name in before}

    def started(self, row: AccountRow, before: Mapping[str, str]) -> None:
        """Record, before its Submit, that the row is about to change ``before`` (the fields it found)."""
        entry = {**self.known_as(row), "event": STARTED, "before": dict(before)}
        self.append(entry)
        with self.lock:  # a retry in this run must know it too: its Submit may have been saved
            self.current.setdefault(self.key(row), []).append(entry)

    def finished(self, row: AccountRow, outcome: RowOutcome) -> None:
        """Record the row's outcome; ``finished_now`` keeps it too (a run stopped as a worker handed it over)."""
        self.append({**self.known_as(row), "event": OUTCOME, "outcome": outcome.as_dict()})
        with self.lock:
            self.finished_now[row.number] = outcome

    def known_as(self, row: AccountRow) -> dict[str, Any]:
        """Return how an entry names its row: number (for people), content and key."""
        return {"row": row.number, "hash": row.content_hash(), "key": self.key(row)}

    def append(self, entry: dict[str, Any]) -> None:
        """Write one line and make sure it is on disk before going on."""
        line = json.dumps({**entry, "at": datetime.now(UTC).isoformat(timespec="milliseconds")}, ensure_ascii=False)
        line += "\n"
        with self.lock:
            if self.file is None:
                return
            self.file.write(line)
            self.file.flush()
            os.fsync(self.file.fileno())

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file, and let the next run have it."""
        if self.file is not None:
            with suppress(OSError):  # a line whose write failed (a full disk) is flushed again, failing again: said
                self.file.close()  # flock's lock goes with it
        if self.lock_file is not None:
            journal_lock.release(self.lock_file)
            self.lock_file = None
