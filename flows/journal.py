"""The journal of an accounts job: what happened to each row, on disk the moment it happens.

JSON lines, each appended and fsynced before the job goes on: ``started`` just before a row's
Submit (with the values it found), then the row's outcome. After a crash or Ctrl-C, a resumed
run skips the rows whose outcome is final and whose content is unchanged, and re-checks a row
that had started without an outcome: its Submit may or may not have reached the portal.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .outcomes import FINAL, RowOutcome
from .spreadsheet import AccountRow

STARTED, OUTCOME = "started", "outcome"


def journal_path(results: str | Path) -> Path:
    """Return where the journal of a run writing ``results`` lives: beside it."""
    results = Path(results)
    return results.with_name(results.name + ".journal")


class Journal:
    """An append-only record of rows started and finished; safe to share between threads."""

    def __init__(self, path: str | Path | None, *, resume: bool = False) -> None:
        """Open the journal at ``path``: carry on from it with ``resume``, else start it afresh; None keeps none."""
        self.path = None if path is None else Path(path)
        self.lock = threading.Lock()
        self.entries: dict[int, list[dict[str, Any]]] = {}  # a previous run's, by row number
        self.file: TextIO | None = None
        if self.path is None:
            return
        text = self.path.read_text(encoding="utf-8") if resume and self.path.exists() else ""
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:  # the last line of a run killed while writing it
                continue
            self.entries.setdefault(entry["row"], []).append(entry)
        self.file = self.path.open("a" if resume else "w", encoding="utf-8")
        if text and not text.endswith("\n"):
            self.file.write("\n")  # end the torn line, or the next entry would be lost with it

    def previous(self, row: AccountRow) -> list[dict[str, Any]]:
        """Return what an earlier run recorded for this row, if it had the same content."""
        return [entry for entry in self.entries.get(row.number, []) if entry["hash"] == row.content_hash()]

    def final(self, row: AccountRow) -> RowOutcome | None:
        """Return the row's final outcome from an earlier run, if it has one."""
        outcomes = [entry for entry in self.previous(row) if entry["event"] == OUTCOME]
        if outcomes and outcomes[-1]["outcome"]["outcome"] in FINAL:
            return RowOutcome.from_dict(outcomes[-1]["outcome"])
        return None

    def started_before(self, row: AccountRow) -> dict[str, str] | None:
        """Return the values found when an earlier try (this run's, or an earlier run's) started its Submit."""
        started = [entry for entry in self.previous(row) if entry["event"] == STARTED]
        return dict(started[0]["before"]) if started else None  # the first: what the row found untouched

    def started(self, row: AccountRow, before: Mapping[str, str]) -> None:
        """Record, before its Submit, that the row is about to change ``before`` (the fields it found)."""
        entry = {"row": row.number, "hash": row.content_hash(), "event": STARTED, "before": dict(before)}
        self.append(entry)
        with self.lock:  # a retry in this run must know it too: its Submit may have been saved
            self.entries.setdefault(row.number, []).append(entry)

    def finished(self, row: AccountRow, outcome: RowOutcome) -> None:
        """Record the row's outcome."""
        self.append({"row": row.number, "hash": row.content_hash(), "event": OUTCOME, "outcome": outcome.as_dict()})

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

    def close(self) -> None:
        """Close the file."""
        if self.file is not None:
            self.file.close()
