"""xdist's tests handed out longest first: the files holding the longest tests go to the workers first.

xdist hands out the tests in the order collected and keeps at least two queued on each worker. The suite's longest
tests (sub-runs of the suite, tens of seconds each) are in files named late in the alphabet; collected last, they ran
last, one worker busy with them minutes after the other had run out of work (its core idle: workers are kept on cores
of their own, plugins/worker_cores.py). Handed out first, the quick tests fill the run's end instead.

The times are those ``./run.sh durations`` records (pytest-split's ``.test_durations``); a test not recorded counts as
quick. Each file's tests stay together and in their order, so a module's fixtures are set up once per worker as
before. Only xdist's default way of handing out tests (``--dist load``) is changed; ``-p no:plugins.longest_first``
keeps the collection's order (scripts/mutation_check.py does, to run the tests aimed at a change first).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScheduling


def durations_file(config: pytest.Config) -> Path:
    """Return the file of recorded times: pytest-split's ``--durations-path`` where there is one, else the project's
    (pytest-split's default is in the folder pytest started from, which may be below the project's)."""
    given = getattr(config.option, "durations_path", None)
    return Path(given) if given and Path(given).is_file() else config.rootpath / ".test_durations"


def recorded_durations(path: Path) -> dict[str, float]:
    """Return the seconds ``path`` records for each test id; none when it cannot be read as such a record."""
    try:
        durations = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(durations, dict):
        return {}
    return {str(test): float(seconds) for test, seconds in durations.items() if isinstance(seconds, int | float)}


def longest_files_first(collection: Sequence[str], durations: Mapping[str, float]) -> list[int]:
    """Return the indexes of ``collection`` (test ids) with the files holding the longest tests first, each file's
    tests together in their own order; files alike in that keep the collection's order."""
    files = [test.split("::", 1)[0] for test in collection]
    longest: dict[str, float] = {}
    for file, test in zip(files, collection, strict=True):
        longest[file] = max(longest.get(file, 0.0), durations.get(test, 0.0))
    rank = {file: place for place, file in enumerate(sorted(longest, key=lambda file: -longest[file]))}
    return sorted(range(len(collection)), key=lambda index: (rank[files[index]], index))


class LongestFirstScheduling(LoadScheduling):
    """xdist's load scheduling, its pending tests put longest first before any is handed out."""

    def __init__(self, config: pytest.Config, log: Any = None) -> None:
        super().__init__(config, log)
        self.durations = recorded_durations(durations_file(config))
        self.ordered = False

    def _send_tests(self, node: Any, num: int) -> None:
        if not self.ordered and self.collection is not None:  # the first hand-out: every test still pending
            self.ordered = True
            self.pending[:] = longest_files_first(self.collection, self.durations)
        super()._send_tests(node, num)


@pytest.hookimpl(optionalhook=True)  # xdist's hook: a run without xdist (-p no:xdist) has no such hook
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScheduling | None:
    """Hand the tests out longest first under ``--dist load``; any other way of handing out is xdist's own."""
    return LongestFirstScheduling(config, log) if config.getoption("dist") == "load" else None
