"""Piped output (a CI log, a file): the summary's "FAILED <test id> - <message>" lines keep their message.

pytest cuts each to the terminal's width, and without a terminal that is 80 columns: a failure's reason, the line a
CI log is searched for, would end in "...". Loaded with ``-p`` (pyproject.toml's addopts), so it holds for any test a
run is given; a width set (``$COLUMNS``) is kept.
"""

from __future__ import annotations

import os
import sys

import pytest

PIPED_COLUMNS = "200"


def pytest_configure(config: pytest.Config) -> None:
    if not sys.stdout.isatty():
        os.environ.setdefault("COLUMNS", PIPED_COLUMNS)  # read by pytest each time it writes a line
