"""The quarantine file (``tests/quarantine.toml``): its entries read whole, or a usage error that says what to write.

The file's format and rules are plugins/quarantine.py's docstring's.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

KEYS = ("id", "reason", "owner", "until")
WHERE_IN_THE_FILE = re.compile(r"\(at line (\d+), column \d+\)")  # how tomllib says where it stopped


@dataclass(frozen=True)
class Entry:
    """One quarantined test."""

    id: str
    reason: str
    owner: str
    until: datetime.date

    def describe(self) -> str:
        return f"quarantined until {self.until} by {self.owner}: {self.reason}"


def read_entries(path: Path, today: datetime.date) -> dict[str, Entry]:
    """Return the quarantine's entries by test id; raise ``pytest.UsageError`` for a bad or expired one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:  # a folder, a file it may not read
        raise pytest.UsageError(f"--quarantine={path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise pytest.UsageError(f"{path} is not valid TOML: {error}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise pytest.UsageError(f"{path} is not valid TOML: {error}{hint(str(error), text)}") from None
    tests = raw.get("test", [])
    other = sorted(set(raw) - {"test"})
    if other:  # a typo ([[tests]]) would quarantine nothing
        raise pytest.UsageError(f"{path}: unknown {', '.join(other)}: each entry is a [[test]] table")
    if not isinstance(tests, list) or not all(isinstance(item, dict) for item in tests):
        raise pytest.UsageError(f"{path}: each entry is a [[test]] table (two brackets): found {tests!r}")
    entries: dict[str, Entry] = {}
    for number, item in enumerate(tests, 1):
        where = f"{path}, entry {number}"
        unknown = sorted(set(item) - set(KEYS))
        if unknown:  # a misspelt "until" would be no date at all
            raise pytest.UsageError(f"{where}: unknown {', '.join(unknown)} (an entry has {', '.join(KEYS)})")
        texts = [key for key in KEYS[:3] if not isinstance(item.get(key), str) or not item[key].strip()]
        if texts or type(item.get("until")) is not datetime.date:  # a date-time is no date: the day it ends is asked
            raise pytest.UsageError(
                f"{where}: needs id, reason and owner (words) and until (a date, as 2027-01-31): {item}"
            )
        entry = Entry(item["id"].strip(), item["reason"].strip(), item["owner"].strip(), item["until"])
        if entry.id in entries:
            raise pytest.UsageError(f"{where}: {entry.id} is quarantined twice: keep one entry")
        if entry.until < today:
            raise pytest.UsageError(
                f"{path}: the quarantine of {entry.id} ended on {entry.until} (owner {entry.owner}): fix the test, "
                "or extend its entry with a reason"
            )
        entries[entry.id] = entry
    return entries


def hint(error: str, text: str) -> str:
    """Say what the line tomllib stopped at should be, where its words alone do not: a test id as pytest prints it
    (``test_x[Z\\xfcrich]``) in double quotes, where a backslash starts an escape; a day that does not exist."""
    found = WHERE_IN_THE_FILE.search(error)
    lines = text.splitlines()
    line = lines[int(found.group(1)) - 1].strip() if found and int(found.group(1)) <= len(lines) else ""
    if "\\" in error and line.startswith("id"):
        return (
            ": an id holding a backslash, as pytest prints a parameter's letters beyond ASCII (Z\\xfcrich), goes "
            "in single quotes, which keep it as written (id = 'tests/test_x.py::test_x[Z\\xfcrich]'); or write the "
            "letters themselves (test_x[Zürich])"
        )
    if line.startswith("until"):
        return ": until is a day of the calendar, year-month-day (2027-01-31)"
    return ""
