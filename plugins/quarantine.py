"""Quarantine: a known flaky test runs, but its result does not decide the run's, until a date.

``tests/quarantine.toml`` (or ``--quarantine PATH``) lists entries::

    [[test]]
    id = "tests/test_conflict.py::test_second_agent_submit_is_refused"
    reason = "the portal's cache answers stale etags now and then (#123)"
    owner = "qa-team@example.com"
    until = 2027-01-31

A quarantined test that fails is reported as an expected failure naming its reason, owner and
date (and is not retried); one that passes is reported passed. An entry past its date is an error
that stops the run before any test: a quarantine ends, by a fix or by a decision to extend it.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DEFAULT_FILE = "tests/quarantine.toml"
BROWSER_PARAMETER = re.compile(r"\[(chromium|firefox|webkit)\]$|(?<=\[)(chromium|firefox|webkit)-")


@dataclass(frozen=True)
class Entry:
    """One quarantined test."""

    id: str
    reason: str
    owner: str
    until: datetime.date

    def describe(self) -> str:
        return f"quarantined until {self.until} by {self.owner}: {self.reason}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("retries").addoption(
        "--quarantine",
        default=DEFAULT_FILE,
        metavar="PATH",
        help="known flaky tests that run without deciding the result (default: %(default)s, if it exists)",
    )


def read_entries(path: Path, today: datetime.date) -> dict[str, Entry]:
    """Return the quarantine's entries by test id; raise ``pytest.UsageError`` for a bad or expired one."""
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise pytest.UsageError(f"{path} is not valid TOML: {error}") from None
    entries = {}
    for number, item in enumerate(raw.get("test", []), 1):
        missing = [key for key in ("id", "reason", "owner", "until") if not item.get(key)]
        if missing or not isinstance(item["until"], datetime.date):
            raise pytest.UsageError(f"{path}, entry {number}: needs id, reason, owner and until (a date): {item}")
        entry = Entry(str(item["id"]), str(item["reason"]), str(item["owner"]), item["until"])
        if entry.until < today:
            raise pytest.UsageError(
                f"{path}: the quarantine of {entry.id} ended on {entry.until} (owner {entry.owner}): fix the test, "
                "or extend its entry with a reason"
            )
        entries[entry.id] = entry
    return entries


ENTRIES = pytest.StashKey[dict[str, Entry]]()


def pytest_configure(config: pytest.Config) -> None:
    path = Path(config.rootpath, config.getoption("--quarantine"))
    config.stash[ENTRIES] = read_entries(path, datetime.date.today()) if path.exists() else {}


def entry_for(item: pytest.Item) -> Entry | None:
    """Return the quarantine entry of ``item``, by its node id with or without the browser parameter."""
    entries = item.config.stash.get(ENTRIES, {})
    return entries.get(item.nodeid) or entries.get(BROWSER_PARAMETER.sub("", item.nodeid))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Turn a quarantined test's failure into an expected failure that names its quarantine."""
    report = yield
    entry = entry_for(item)
    if entry is not None and report.failed and report.when in ("setup", "call"):
        report.outcome = "skipped"
        report.wasxfail = entry.describe()  # xfail's shape: not counted, not retried, shown as such
    return report
