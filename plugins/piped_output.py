"""Piped output (a CI log, a file): the summary's "FAILED <test id> - <message>" lines keep their message, and a
reader that leaves (``| head``, a log shipper that died) ends nothing.

pytest cuts each to the terminal's width, and without a terminal that is 80 columns: a failure's reason, the line a
CI log is searched for, would end in "...". Loaded with ``-p`` (pyproject.toml's addopts), so it holds for any test a
run is given; a width set (``$COLUMNS``) is kept.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

import pytest

from flows.console import reader_gone

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
    """The terminal reporter's stream, that writes nowhere once its reader is gone: pytest's ``BrokenPipeError``
    ended the run there, without its reports and with exit code 1 whatever the tests did. The run goes on."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._unless_reader_gone(self._stream.write, text)
        return len(text)

    def flush(self) -> None:
        self._unless_reader_gone(self._stream.flush)

    def _unless_reader_gone(self, call: Any, *args: Any) -> None:
        try:
            call(*args)
        except OSError as error:
            if not reader_gone(error):
                raise
            # Its file now the null device: what the stream still holds, and Python's flush at exit, go there
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, fileno...: the stream's own
        return getattr(self._stream, name)
