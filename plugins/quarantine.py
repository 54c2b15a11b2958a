"""Quarantine: a known flaky test runs, but its result does not decide the run's, until a date.

``tests/quarantine.toml`` (or ``--quarantine PATH``) lists entries::

    [[test]]
    id = "tests/test_conflict.py::test_second_agent_submit_is_refused_and_first_agent_data_survives"
    reason = "the portal's cache answers stale etags now and then (#123)"
    owner = "qa-team@example.com"
    until = 2027-01-31

A quarantined test that fails is reported as an expected failure naming its reason, owner and
date (and is not retried, nor is one whose xdist worker died under it), its error and evidence kept and linked as
any failure's; one that passes is reported passed.
An ``id`` may leave out the browser parameter (``test_x[fr-FR]`` for ``test_x[chromium-fr-FR]``), or write it
after the test's own (``test_x[fr-FR-chromium]``); a parameter's letters beyond ASCII as in the code
(``test_x[Zürich]``) or as pytest prints them, in single quotes (``id = '...test_x[Z\\xfcrich]'``).
An entry past its date is an error that stops the run before any test: a quarantine ends, by a fix
or by a decision to extend it. So is a file the quarantine cannot read whole: another table than
``[[test]]``, a key it does not know, an entry without its words or date, a test quarantined twice.
``until`` is an entry's last day in UTC, the date every machine has at once (a developer's, a CI runner's,
each shard's), read once as the run begins: xdist's workers take the controller's, so one restarted after
midnight judges as the run began.
An entry that matches no test of a file the run collected is said under the count of tests
collected, or at the end with xdist (a test renamed, a typo: it quarantines nothing).
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .quarantine_file import Entry, read_entries

DEFAULT_FILE = "tests/quarantine.toml"
BROWSERS = "chromium|firefox|webkit"
# pytest-playwright's browser among a test's parameters: alone, first, or after the test's own
BROWSER_PARAMETER = re.compile(rf"\[({BROWSERS})\]$|(?<=\[)({BROWSERS})-|-({BROWSERS})(?=[-\]])")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("retries").addoption(
        "--quarantine",
        default=DEFAULT_FILE,
        metavar="PATH",
        help="known flaky tests that run without deciding the result (default: %(default)s, if it exists)",
    )


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


def as_pytest_escapes(node_id: str) -> str:
    """Return ``node_id`` with its letters beyond ASCII escaped, as pytest writes them in a parameter's id
    (``Zürich`` is ``Z\\xfcrich``): an entry written either way names the test. Escaped whole, on both sides."""
    return "".join(letter if letter.isascii() else letter.encode("unicode_escape").decode() for letter in node_id)


def entry_of(config: pytest.Config, node_id: str) -> Entry | None:
    """Return the quarantine entry of the test ``node_id``: by its id, with or without the browser parameter, with
    the browser written anywhere among the parameters (``test_x[fr-FR-chromium]`` names ``test_x[chromium-fr-FR]``),
    and with a parameter's letters as written in the code or as pytest escapes them."""
    entries = config.stash.get(ENTRIES, {})
    found = entries.get(node_id)
    if found is not None:
        return found
    test, browser = without_browser(as_pytest_escapes(node_id))
    for id, entry in entries.items():
        named, its_browser = without_browser(as_pytest_escapes(id))
        if named == test and its_browser in (None, browser):
            return entry
    return None


def entry_for(item: pytest.Item) -> Entry | None:
    """Return the quarantine entry of ``item`` (``entry_of`` its node id)."""
    return entry_of(item.config, item.nodeid)


UNMATCHED = pytest.StashKey[list[str]]()
WORKER_UNMATCHED = "quarantine_unmatched"  # what a worker of xdist found, in what it sends the controller at its end


@pytest.hookimpl(tryfirst=True)  # before -k, -m and the shards deselect: every test of the files collected
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep quarantined tests from pytest-rerunfailures, which would retry a failure the quarantine decides nothing of
    (and, expecting a retry, hold back the module's and session's teardowns, or run one whose worker died again);
    note the entries that match no test of a file the run collected whole (a test renamed, a typo)."""
    # The closest marker is the one pytest-rerunfailures reads; with --reruns-mode=append it adds the run's count
    none = -(config.getoption("reruns", None) or 0) if config.getoption("reruns_mode", None) == "append" else 0
    for item in items:
        if entry_for(item) is not None:
            item.add_marker(pytest.mark.flaky(reruns=none), append=False)
    config.stash[UNMATCHED] = unmatched_entries(config, items)
    if hasattr(config, "workeroutput"):  # the controller of xdist collects nothing: it says what a worker found
        config.workeroutput[WORKER_UNMATCHED] = config.stash[UNMATCHED]


def unmatched_entries(config: pytest.Config, items: list[pytest.Item]) -> list[str]:
    """Say each entry that matches no test of a file collected whole, or names no file of the suite."""
    entries = config.stash.get(ENTRIES, {})
    matched = {entry.id for item in items if (entry := entry_for(item)) is not None}
    chosen = {chosen_file(config, arg) for arg in config.args if "::" in arg}  # a file's tests named one by one
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
    return unmatched


def chosen_file(config: pytest.Config, arg: str) -> str:
    """Return the file of a test named on the command line (``tests/x.py::test_y``, from the folder pytest ran in,
    or an absolute path) as a node id names it: from the project's root."""
    path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
    try:
        return path.relative_to(config.rootpath.resolve()).as_posix()
    except ValueError:  # outside the project: no entry names it
        return path.as_posix()


def pytest_report_collectionfinish(config: pytest.Config) -> list[str]:
    """Say which entries quarantine nothing, under the count of tests collected (with -n, at the end: workers
    collect)."""
    return config.stash.get(UNMATCHED, [])


@pytest.hookimpl(optionalhook=True)  # xdist's
def pytest_testnodedown(node: Any, error: object) -> None:
    """Take what the first worker to end found of the entries that match nothing: each collects the same tests."""
    found = getattr(node, "workeroutput", {}).get(WORKER_UNMATCHED)
    if found is not None and not node.config.stash.get(UNMATCHED, None):
        node.config.stash[UNMATCHED] = list(found)
        node.config.stash[SAID_AT_THE_END] = True


SAID_AT_THE_END = pytest.StashKey[bool]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if config.stash.get(SAID_AT_THE_END, False):
        for line in config.stash[UNMATCHED]:
            terminalreporter.write_line(line, yellow=True)


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
        quarantined(report, entry)
    return report


def quarantined(report: pytest.TestReport, entry: Entry) -> None:
    """Make a failed ``report`` an expected failure that names ``entry``, its error kept: not counted, not retried,
    its evidence listed as a failure's."""
    report.outcome = "skipped"
    report.wasxfail = entry.describe()  # xfail's shape: not counted, not retried, shown as such
    report.quarantine = entry.describe()  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True, optionalhook=True)  # xdist's; after pytest-rerunfailures chose whether to run it again
def pytest_handlecrashitem(crashitem: str, report: pytest.TestReport, sched: object) -> None:
    """A quarantined test whose worker died (a crash, the memory's killer) decides nothing either: the run's
    controller reports it, with no item to read its quarantine from."""
    config = getattr(sched, "config", None)  # each of xdist's schedulers keeps the run's
    entry = entry_of(config, crashitem) if config is not None else None
    if entry is not None and report.outcome == "failed":
        quarantined(report, entry)
