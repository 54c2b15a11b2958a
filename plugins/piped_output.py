"""Piped output (a CI log, a file): the summary's "FAILED <test id> - <message>" lines keep their message, and a
reader that leaves (``| head``, a log shipper that died) ends nothing.

pytest cuts each to the terminal's width, and without a terminal that is 80 columns: a failure's reason, the line a
CI log is searched for, would end in "...". Loaded with ``-p`` (pyproject.toml's addopts), so it holds for any test a
run is given; a width set (``$COLUMNS``) is kept.
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from typing import Any, TextIO

import pytest

from flows.console import stdout_to_nowhere

PIPED_COLUMNS = "200"


@pytest.hookimpl(trylast=True)  # after pytest's terminal reporter is made, to take its stream
def pytest_configure(config: pytest.Config) -> None:
    if sys.stdout.isatty():
        return
    os.environ.setdefault("COLUMNS", PIPED_COLUMNS)  # read by pytest each time it writes a line
    writer = getattr(config.pluginmanager.get_plugin("terminalreporter"), "_tw", None)
    if writer is not None and hasattr(writer, "_file"):  # pytest's own writer: another's is left as it is
        writer._file = ReaderGoneStream(writer._file)


class ReaderGoneStream:
    """The terminal reporter's stream, that writes nothing more once its reader is gone: pytest's ``BrokenPipeError``
    ended the run there, without its reports and with exit code 1 whatever the tests did. The run goes on."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        self._unless_gone(self._stream.write, text)
        return len(text)

    def flush(self) -> None:
        self._unless_gone(self._stream.flush)

    def _unless_gone(self, call: Any, *args: Any) -> None:
        if self.gone:
            return
        try:
            call(*args)
        except (BrokenPipeError, ConnectionResetError):  # a file's or a disk's errors are not a reader gone
            self.gone = True
            self._empty()

    def _empty(self) -> None:
        """Send what the stream still holds nowhere, once: else Python flushes it as it exits, which fails again
        (exit code 120). Later writes are dropped: pytest's capture puts the pipe back on the file after each test."""
        stdout_to_nowhere(self._stream)
        with suppress(OSError):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, fileno...: the stream's own
        return getattr(self._stream, name)
