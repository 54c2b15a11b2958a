"""How reports name the files they link: one rule for screenshots, traces and findings alike.

Paths are said for the person who started the run: relative to their folder when inside it, else in full. ``run.sh``
changes to the project first, naming the folder it was called from in ``$RUN_FROM``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from flows.console import shown_path as shown_to_caller

CALLER = pytest.StashKey[Path]()
WORKER_CALLER = "run_from"


def remember_caller(config: pytest.Config) -> None:
    """Keep the folder the run was started from; a worker has the controller's. Taken out of the environment: the
    commands the tests start, each in a folder of its own, say paths for theirs."""
    given = getattr(config, "workerinput", {}).get(WORKER_CALLER) or os.environ.pop("RUN_FROM", None)
    config.stash[CALLER] = Path(given).resolve() if given else config.invocation_params.dir


def send_caller(node: Any) -> None:
    """Give an xdist worker the folder the run was started from."""
    node.workerinput[WORKER_CALLER] = str(node.config.stash[CALLER])


def shown_path(config: pytest.Config, path: str) -> str:
    """Return ``path`` relative to the folder the run was started from when inside it, else absolute (resolved)."""
    started_from = config.stash.get(CALLER, config.invocation_params.dir)
    return shown_to_caller(Path(path).resolve(), {"RUN_FROM": str(started_from)})


def path_shown(config: pytest.Config, shown: str) -> Path:
    """Return the file a path ``shown_path`` gave names (relative to the folder the run was started from)."""
    return Path(config.stash.get(CALLER, config.invocation_params.dir), shown)
