"""A run stopped by SIGTERM or SIGHUP (a CI job cancelled, ``timeout``, a closed terminal) ends as on Ctrl-C: the
tests run so far are summed up and reported (JUnit, HTML), not lost with the process, which exits 2 (interrupted).

Taken in the run's own process only: with ``-n``, the controller's reports are the run's, and its workers end with it.
"""

from __future__ import annotations

from typing import Any

import pytest

from flows.stopping_signals import put_back_signals, take_stopping_signals

TAKEN = pytest.StashKey[dict[int, Any]]()


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        config.stash[TAKEN] = take_stopping_signals()


def pytest_unconfigure(config: pytest.Config) -> None:
    put_back_signals(config.stash.get(TAKEN, {}))
