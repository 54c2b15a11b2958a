"""Quarantine: a known flaky test runs, but its result does not decide the run's, until a date.

``tests/quarantine.toml`` (or ``--quarantine PATH``) lists entries::

    [[test]]
    id = "tests/test_conflict.py::test_second_agent_submit_is_refused"
    reason = "the portal's cache answers stale etags now and then (#123)"
    owner = "qa-team@example.com"
    until = 2027-01-31

A quarantined test that fails is reported as an expected failure naming its reason, owner and
date (and is not retried), its evidence kept and linked as any failure's; one that passes is reported passed.
An ``id`` may leave out the browser parameter (``test_x[fr-FR]`` for ``test_x[chromium-fr-FR]``), or write it
after the test's own (``test_x[fr-FR-chromium]``).
An entry past its date is an error that stops the run before any test: a quarantine ends, by a fix
or by a decision to extend it. So is a file the quarantine cannot read whole: another table than
``[[test]]``, a key it does not know, an entry without its words or date, a test quarantined twice.
``until`` is an entry's last day in UTC, the date every machine has at once (a developer's, a CI runner's,
each shard's), read once as the run begins: xdist's workers take the controller's, so one restarted after
midnight judges as the run began.
An entry that matches no test of a file the run collected is said under the count of tests
collected (a test renamed, a typo: it quarantines nothing).
"""

from __future__ import annotations

import copy
import datetime
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DEFAULT_FILE = "tests/quarantine.toml"
KEYS = ("id", "reason", "owner", "until")
BROWSERS = "chromium|firefox|webkit"
# pytest-playwright's browser among a test's parameters: alone, first, or after the test's own
BROWSER_PARAMETER = re.compile(rf"\[({BROWSERS})\]$|(?<=\[)({BROWSERS})-|-({BROWSERS})(?=[-\]])")


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
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise pytest.UsageError(f"{path} is not valid TOML: {error}") from None
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


ENTRIES = pytest.StashKey[dict[str, Entry]]()
TODAY = pytest.StashKey[datetime.date]()  # the run's day, by which every entry's date is judged
WORKER_TODAY = "quarantine_today"  # the controller's day, in what xdist sends each worker


def run_day(config: pytest.Config) -> datetime.date:
    """Return the day the run judges expiry by: the controller's (UTC) as it began; a worker's is the controller's."""
    given = getattr(config, "workerinput", {}).get(WORKER_TODAY)
    return datetime.date.fromisoformat(given) if given else datetime.datetime.now(datetime.UTC).date()


def pytest_configure(config: pytest.Config) -> None:
    given = config.getoption("--quarantine")
    path = Path(config.rootpath, given)
    if not path.exists() and given != DEFAULT_FILE:  # named, so meant: a typo would quarantine nothing
        raise pytest.UsageError(f"--quarantine={given}: no such file")
    config.stash[TODAY] = run_day(config)
    config.stash[ENTRIES] = read_entries(path, config.stash[TODAY]) if path.exists() else {}


@pytest.hookimpl(optionalhook=True)  # xdist's: a run without it (-p no:xdist) has no such hook
def pytest_configure_node(node: Any) -> None:
    """Send each worker the run's day: one started after midnight (again, after a crash) would find an entry on its
    last day expired, and stop with a usage error midway through the run."""
    node.workerinput[WORKER_TODAY] = node.config.stash[TODAY].isoformat()


def without_browser(node_id: str) -> tuple[str, str | None]:
    """Return ``node_id`` without pytest-playwright's browser parameter, and that browser (None if it has none)."""
    found = BROWSER_PARAMETER.search(node_id)
    return BROWSER_PARAMETER.sub("", node_id), next((name for name in found.groups() if name), None) if found else None


def entry_for(item: pytest.Item) -> Entry | None:
    """Return the quarantine entry of ``item``: by its node id, with or without the browser parameter, and with the
    browser written anywhere among the parameters (``test_x[fr-FR-chromium]`` names ``test_x[chromium-fr-FR]``)."""
    entries = item.config.stash.get(ENTRIES, {})
    found = entries.get(item.nodeid)
    if found is not None:
        return found
    test, browser = without_browser(item.nodeid)
    for id, entry in entries.items():
        named, its_browser = without_browser(id)
        if named == test and its_browser in (None, browser):
            return entry
    return None


UNMATCHED = pytest.StashKey[list[str]]()


@pytest.hookimpl(tryfirst=True)  # before -k, -m and the shards deselect: every test of the files collected
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Note the entries that match no test of a file the run collected whole (a test renamed, a typo)."""
    entries = config.stash.get(ENTRIES, {})
    matched = {entry.id for item in items if (entry := entry_for(item)) is not None}
    chosen = {arg.split("::")[0] for arg in config.args if "::" in arg}  # a file's tests named one by one
    collected = {item.nodeid.split("::")[0] for item in items}
    unmatched = []
    for id in entries:
        file = id.split("::")[0]
        if id in matched or file in chosen:
            continue
        if file in collected:
            unmatched.append(f"quarantine entry {id!r} matches no test: it quarantines nothing")
        elif not Path(config.rootpath, file).is_file():  # a path mistyped: no run would ever match it
            like = sorted(path for path in collected if Path(path).name == Path(file).name)
            meant = f" (did you mean {like[0]}?)" if like else ""
            unmatched.append(
                f"quarantine entry {id!r} names {file}, which is no file of the suite (paths are from the project's "
                f"root){meant}: it quarantines nothing"
            )
    config.stash[UNMATCHED] = unmatched


def pytest_report_collectionfinish(config: pytest.Config) -> list[str]:
    """Say which entries quarantine nothing, under the count of tests collected (not with -n: workers collect)."""
    return config.stash.get(UNMATCHED, [])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Turn a quarantined test's failure into an expected failure that names its quarantine.

    A copy is turned: the report pytest-playwright kept still says failed, so the test's screenshots
    and trace are kept as any failure's.
    """
    report = yield
    entry = entry_for(item)
    if entry is not None and report.failed:  # in its fixtures' teardown too: nothing of it decides the run
        report = copy.copy(report)
        report.outcome = "skipped"
        report.wasxfail = entry.describe()  # xfail's shape: not counted, not retried, shown as such
        report.quarantine = entry.describe()  # type: ignore[attr-defined]  # its evidence listed as a failure's
    return report
