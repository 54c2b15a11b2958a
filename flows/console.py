"""Standard output that takes any text, whatever the locale's encoding.

The commands print customers' names and addresses, in Chinese and French. Under a locale whose encoding cannot
spell them (``LANG=en_US.ISO-8859-1``, ``PYTHONIOENCODING=latin-1``) ``print`` raised ``UnicodeEncodeError``
after the work was done: the account saved, then the command failed without its output. Standard error escapes
what it cannot spell (Python's ``backslashreplace``); standard output now does the same, and JSON is written
with ASCII escapes there, so it still reads back as the same values.
"""

from __future__ import annotations

import errno
import io
import json
import os
import sys
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any, TextIO


def escape_what_stdout_cannot_spell() -> None:
    """Make ``print`` escape a character the output's encoding lacks (``\\u8d8b``) instead of failing on it."""
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":  # a chosen handler is kept
        sys.stdout.reconfigure(errors="backslashreplace")


def lines_in_order_with_stderr() -> None:
    """Write each line of standard output as it is printed, as standard error does: piped to a file or a CI log beside
    it, a job's rows and progress (stderr) come in the order they happened, not its output last."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)


def shown_path(path: str | Path, env: Mapping[str, str] = os.environ) -> str:
    """Return ``path`` as the person who typed the command finds it: relative to their folder when inside it, else in
    full. A launcher that changes folder first (``run.sh``) names theirs in ``$RUN_FROM``; else it is the current."""
    absolute = Path(path).absolute()
    start = Path(env.get("RUN_FROM") or Path.cwd()).absolute()
    # $RUN_FROM keeps the links a person went through (the shell's $PWD), the current folder does not: either way
    for inside in (absolute, absolute.parent.resolve() / absolute.name):  # the file itself unresolved: a venv's python
        for folder in (start, start.resolve()):
            with suppress(ValueError):
                return str(inside.relative_to(folder))
    return str(absolute)


def json_for_stdout(data: Any) -> str:
    """Return ``data`` as indented JSON: its characters as they are where standard output spells them, else escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return json.dumps(data, indent=2)
    return text


def reader_gone(error: OSError) -> bool:
    """Tell whether ``error``, writing to a stream, says no one reads it any more: a pipe's reader gone (``| head``, a
    log shipper that died), or a terminal hung up (EIO, its SIGHUP ignored)."""
    closed_on_windows = sys.platform == "win32" and error.errno == errno.EINVAL  # Windows' word for a closed pipe
    return isinstance(error, BrokenPipeError | ConnectionResetError) or error.errno == errno.EIO or closed_on_windows


def say(*lines: str) -> None:
    """Print ``lines``; once no one reads standard output (``| head``, a log shipper that died), the work goes on and
    what is left of its words goes nowhere."""
    try:
        print(*lines, sep="\n", flush=True)
    except OSError as error:
        if not reader_gone(error):
            raise
        stdout_to_nowhere()


def stdout_to_nowhere(stream: TextIO | None = None) -> None:
    """Send what is left of standard output (or of ``stream``) nowhere, once its reader is gone: else Python says so
    again at exit."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(nowhere, (stream or sys.stdout).fileno())
    finally:
        os.close(nowhere)
