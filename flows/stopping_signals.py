"""A job's stop on SIGTERM or SIGHUP, taken as on Ctrl-C: the workers stop, the shared sign-in is deleted, and the
run says how to resume."""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType
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


def stop_of(stopped: KeyboardInterrupt) -> tuple[int, str]:
    """Return the signal that stopped the run and the shell's word for it: Ctrl-C's "interrupted", else its own."""
    signum = stopped.signum if isinstance(stopped, Terminated) else signal.SIGINT
    return signum, STOPPING_SIGNALS.get(signum, "interrupted")


# Playwright's connection sends a call before it notes the answer it waits for: a stop between the two leaves an answer
# no call waits for, which fails the next call ("Cannot find command to respond"), the trace's stop among them.
AGAIN_AFTER_S = 0.01  # a stop that came within the connection's own code comes again this much later
deferred: set[int] = set()  # the stops waiting to come again


def connection_files() -> set[str]:
    """Return the files of Playwright's connection module as imported (``connection``; ``_connection`` before)."""
    modules = (sys.modules.get(f"playwright._impl.{name}") for name in ("connection", "_connection"))
    return {module.__file__ for module in modules if module is not None and module.__file__}


def within_playwright_connection(frame: FrameType | None) -> bool:
    """Tell whether ``frame``, or one that called it, is Playwright's connection at work."""
    files = connection_files()
    while frame is not None:
        if frame.f_code.co_filename in files:
            return True
        frame = frame.f_back
    return False


def terminate(signum: int, frame: FrameType | None) -> None:
    """Stop the run on SIGTERM, SIGHUP or Ctrl-C (``KeyboardInterrupt``), once out of Playwright's connection."""
    if within_playwright_connection(frame):
        if signum not in deferred:  # one stop, however many times it comes meanwhile
            deferred.add(signum)
            again = threading.Timer(AGAIN_AFTER_S, come_again, (signum,))
            again.daemon = True
            again.start()
        return
    deferred.discard(signum)
    raise KeyboardInterrupt if signum == signal.SIGINT else Terminated(signum)


def come_again(signum: int) -> None:
    """Send the main thread the stop put off (its wait for the browser's answer wakes only for its own signals), while
    the run still takes it: one ended meanwhile has put back the handlers it had, and ends as it was ending."""
    if signum not in deferred or signal.getsignal(signum) is not terminate:
        return
    deferred.discard(signum)
    if hasattr(signal, "pthread_kill"):
        signal.pthread_kill(threading.main_thread().ident or 0, signum)
    else:  # Windows: its event loop wakes for a signal raised in any thread
        signal.raise_signal(signum)


def take_stopping_signals() -> dict[int, Any]:
    """Stop the run on ``STOPPING_SIGNALS`` as on Ctrl-C, and on Ctrl-C, never within Playwright's connection;
    return the handlers they had, to put back.

    One ignored (``nohup`` ignores SIGHUP) stays ignored; none is taken outside the main thread (where Python
    cannot).
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    taken = {signum: signal.getsignal(signum) for signum in STOPPING_SIGNALS}
    taken = {signum: handler for signum, handler in taken.items() if handler is not signal.SIG_IGN}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # Python's own, not another program's choice
        taken[signal.SIGINT] = signal.default_int_handler
    for signum in taken:
        signal.signal(signum, terminate)
    return taken


def put_back_signals(taken: dict[int, Any]) -> None:
    """Put back the handlers ``take_stopping_signals`` took over. One set outside Python (an embedding program's),
    which Python knows as None and cannot set again, stays the run's."""
    for signum, handler in taken.items():
        deferred.discard(signum)
        if handler is not None:
            signal.signal(signum, handler)
