"""Commands a test stops as a terminal or a CI job would (Ctrl-C, SIGTERM, SIGHUP), started with those signals as a
terminal gives them, whatever the run was started with.

An ignored signal stays ignored through ``exec``: a suite started by ``nohup`` (SIGHUP) or in the background of a
script without job control (``./run.sh test &``: SIGINT) would start commands deaf to the stop their test sends, and
the test would fail for how the run was started, not for the command. The run itself keeps what it was given.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence

STOPS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
# Run as `python -c LAUNCHER command...`: the stops put back to their defaults, then the command in its place (its
# process id, so a signal sent to it reaches the command).
LAUNCHER = f"""import os, signal, sys
for stop in {[int(stop) for stop in STOPS]!r}:
    signal.signal(stop, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])"""


def ignored_stops() -> list[signal.Signals]:
    """Return the stops this process was started ignoring (and ignores still)."""
    return [signal.Signals(stop) for stop in STOPS if signal.getsignal(stop) is signal.SIG_IGN]


def at_a_terminal(command: Sequence[str]) -> list[str]:
    """Return ``command`` so that it starts with Ctrl-C, SIGTERM and SIGHUP at their defaults (Python's own Ctrl-C),
    as at a terminal; unchanged where this process ignores none of them."""
    if not ignored_stops():
        return list(command)
    return [sys.executable, "-c", LAUNCHER, *command]
