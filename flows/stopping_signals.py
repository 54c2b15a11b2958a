"""A job's stop on SIGTERM or SIGHUP, taken as on Ctrl-C: the workers stop, the shared sign-in is deleted, and the
run says how to resume."""

from __future__ import annotations

import signal
import threading
from typing import Any

# Stopped as on Ctrl-C, with the shell's exit code and word for each. SIGHUP's default would end the run at once: no
# results file, the shared sign-in (a secret) left on disk. Not on Windows.
STOPPING_SIGNALS = {getattr(signal, name): said for name, said in (("SIGTERM", "terminated"), ("SIGHUP", "hung up"))
                    if hasattr(signal, name)}  # fmt: skip


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, taken as Ctrl-C is: the workers stop, the shared sign-in is deleted, the run says how to
    resume. ``signum`` is the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def terminate(signum: int, frame: object) -> None:
    """Stop the run on SIGTERM or SIGHUP as on Ctrl-C."""
    raise Terminated(signum)


def take_stopping_signals() -> dict[int, Any]:
    """Stop the run on ``STOPPING_SIGNALS`` as on Ctrl-C; return the handlers they had, to put back.

    One ignored (``nohup`` ignores SIGHUP) stays ignored; none is taken outside the main thread (where Python
    cannot).
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    taken = {signum: signal.getsignal(signum) for signum in STOPPING_SIGNALS}
    taken = {signum: handler for signum, handler in taken.items() if handler is not signal.SIG_IGN}
    for signum in taken:
        signal.signal(signum, terminate)
    return taken


def put_back_signals(taken: dict[int, Any]) -> None:
    """Put back the handlers ``take_stopping_signals`` took over. One set outside Python (an embedding program's),
    which Python knows as None and cannot set again, stays the run's."""
    for signum, handler in taken.items():
        if handler is not None:
            signal.signal(signum, handler)
