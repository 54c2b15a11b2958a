"""A test that hangs ends, and the run goes on.

Playwright's own timeouts bound what waits on a page, but not everything: closing a context, an
``evaluate`` or any call to a browser that froze (its process stopped, not gone) or to a
Playwright server gone silent waits for ever, and so would the run until CI's job timeout ends it
without a report. Each attempt of a test (setup, call and teardown) is watched: past
``--test-timeout`` seconds (or a test's own ``@pytest.mark.test_timeout(seconds)``) its browser is
ended, so the call it hangs in fails as a dead browser's would (the test fails saying where it hung;
the next test starts another browser). If the test still does not end (a browser elsewhere, or a
hang in Python), the process writes every thread's stack and exits: with ``-n``, xdist reports the
test as crashed and starts another worker; without, the run stops there, saying why.

pytest-timeout does either of its two things, not this: raising from a signal handler inside
Playwright's event loop leaves the worker's Playwright broken for every later test, and ending the
process at once costs the worker when ending the browser would do.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import re
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import greenlet
import pytest

from flows.browser import inspector_debugging
from plugins.browser_recovery import RECOVERING
from plugins.option_values import number_between

log = logging.getLogger("suite")

DEFAULT_LIMIT_S = 300.0
GRACE_S = 30.0  # after the browser is ended, for the hung call to fail and the test to end
WATCH = pytest.StashKey["HangWatch"]()
UNSAFE_IN_NAMES = re.compile(r"[^\w.-]+")
PROJECT = Path(__file__).resolve().parent.parent
NO_BROWSER_ENDED = "no browser of this machine to end"


def limit_value(text: str) -> float:
    """Parse ``--test-timeout``: seconds, 0 for none."""
    return number_between(text, 0, 86_400, what="a number of seconds", bounds="0 (no limit) and 86400 seconds")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("retries").addoption(
        "--test-timeout",
        type=limit_value,
        default=DEFAULT_LIMIT_S,
        metavar="SECONDS",
        help="end a test (each attempt: setup, call and teardown) that runs longer, first by ending its browser, "
        "then its process (0: no limit; none under --pdb, --trace, PWDEBUG or a headed --pause-on-failure). "
        f"Default: {DEFAULT_LIMIT_S:g}",
    )


def limit_of(config: pytest.Config) -> float:
    """Return the limit a test runs under, 0 when a person may be holding it (a debugger, a paused browser)."""
    option = config.option
    if getattr(option, "usepdb", False) or getattr(option, "trace", False) or inspector_debugging():
        return 0.0
    if getattr(option, "pause_on_failure", False) and getattr(option, "headed", False):
        return 0.0
    return float(config.getoption("--test-timeout"))


def where_in_project(frames: traceback.StackSummary) -> str:
    """Return the innermost frame of the project's own code, as ``path:line in function``."""
    for frame in reversed(frames):
        path = Path(frame.filename)
        if path.is_relative_to(PROJECT) and ".venv" not in path.parts and path.name != Path(__file__).name:
            return f"{path.relative_to(PROJECT)}:{frame.lineno} in {frame.name}"
    return "outside the project's code"


class HangWatch:
    """The watch over one attempt of a test, from its setup to the end of its teardown."""

    def __init__(self, item: pytest.Item, limit: float, limit_named: str) -> None:
        self.item = item
        self.limit = limit
        self.limit_named = limit_named  # "--test-timeout=300 s", or the test's own mark
        self.hung_at: str | None = None  # where the main thread was when the limit passed
        self.ended = ""  # what ending its browser did: "" when there was none of this machine to end
        self.stack = ""
        self.phase = "setup"  # then "call", "teardown": said in xdist's report of a worker it ended
        self.grace = min(GRACE_S, limit)
        self._done = threading.Event()
        self.fired = threading.Event()  # set once the limit has passed and the browser, if any, was ended
        # Playwright's sync API runs its event loop in a greenlet of the main thread: waiting on it, the test's own
        # greenlet is suspended, and its frame says where the test waits; the thread's says only "in the loop".
        self._test_greenlet = greenlet.getcurrent()
        self._thread = threading.Thread(target=self._watch, name=f"hang watch of {item.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()

    def _watch(self) -> None:
        if self._done.wait(self.limit):
            return
        frame = self._test_greenlet.gr_frame or sys._current_frames().get(threading.main_thread().ident or 0)
        frames = traceback.extract_stack(frame) if frame else traceback.StackSummary()
        self.hung_at, self.stack = where_in_project(frames), "".join(frames.format())
        self.ended = self._end_browser()
        log.error(
            "%s ran past %s, at %s: %s",
            self.item.nodeid,
            self.limit_named,
            self.hung_at,
            self.ended or NO_BROWSER_ENDED,
        )
        self.fired.set()
        if self._done.wait(self.grace):
            return
        self._exit()

    def _end_browser(self) -> str:
        recovering = self.item.config.stash.get(RECOVERING, None)
        if recovering is None or recovering.where != "here" or not recovering.process_id:
            return ""
        try:
            os.kill(recovering.process_id, signal.SIGKILL)
        except OSError:
            return ""
        return f"its browser (pid {recovering.process_id}) ended"

    def _exit(self) -> None:
        """The last resort: the hung call did not fail when its browser ended. Say where, then end the process.

        A worker's own output is not shown by xdist: what it says goes to a file beside the test results too,
        which the controller puts in the crashed test's report (``pytest_handlecrashitem``).
        """
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        after = "after its browser was ended" if self.ended else f"later ({NO_BROWSER_ENDED})"
        said = (
            f"{self.item.nodeid} ran past {self.limit_named}, at {self.hung_at}, and had not ended "
            f"{self.grace:g} s {after}: "
            + (f"its worker {worker} was ended, and another started" if worker else "the run stops here")
        )
        stacks = stacks_file(self.item.config, worker)
        stacks.parent.mkdir(parents=True, exist_ok=True)
        with stacks.open("w") as file:
            file.write(f"{said}.\nwhen: {self.phase}\n\nEvery thread's stack:\n")
            file.flush()
            faulthandler.dump_traceback(file=file, all_threads=True)
        capture = self.item.config.pluginmanager.getplugin("capturemanager")
        with suppress(Exception):  # pytest holds the test's output, which os._exit would lose: the terminal's own
            capture.suspend_global_capture(in_=True)
        sys.stderr.write(f"\n{said}. Every thread's stack: {stacks}\n")
        sys.stderr.flush()
        os._exit(1)


def stacks_file(config: pytest.Config, worker: str | None) -> Path:
    """Return where a hung test's process writes every thread's stack before it ends."""
    return Path(config.option.output or "test-results") / f"hung-{worker or 'run'}.txt"


@pytest.hookimpl(optionalhook=True)
def pytest_handlecrashitem(crashitem: str, report: pytest.TestReport, sched: object) -> None:
    """xdist's report of a crashed worker: say that its test hung, and where, when the worker said so."""
    worker = getattr(getattr(report.node, "gateway", None), "id", None)  # type: ignore[attr-defined]
    stacks = stacks_file(report.node.config, worker) if worker else None  # type: ignore[attr-defined]
    if stacks is None or not stacks.exists():
        return
    said, phase, *_ = [*stacks.read_text(errors="replace").split("\n", 2), "", ""]
    if said.startswith(crashitem):
        phase = phase.removeprefix("when: ")
        report.when = phase if phase in ("setup", "call", "teardown") else report.when  # xdist's is "???"
        moved = stacks.with_name(f"hung-{UNSAFE_IN_NAMES.sub('_', crashitem)[-150:]}.txt")
        stacks.replace(moved)
        report.longrepr = f"{said} Every thread's stack: {moved}\n{report.longrepr}"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    limit = limit_of(item.config)
    named = f"--test-timeout={limit:g} s"
    marker = item.get_closest_marker("test_timeout")
    if limit and marker is not None:  # a test's own limit, where one is known to need more (or less)
        limit = limit_value(str(marker.args[0]))
        named = f"its test_timeout mark's {limit:g} s"
    if limit:
        item.stash[WATCH] = HangWatch(item, limit, named)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    if watch := item.stash.get(WATCH, None):
        watch.phase = "call"


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    if watch := item.stash.get(WATCH, None):
        watch.phase = "teardown"
    try:
        return (yield)
    finally:
        if watch := item.stash.get(WATCH, None):
            watch.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: its headline leads the browser's death
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Say in the report of a test that hung where it hung; a later attempt is watched anew."""
    report = yield
    watch = item.stash.get(WATCH, None)
    if watch is None or watch.hung_at is None or not report.failed:
        return report
    ended = "its browser was ended" if watch.ended else NO_BROWSER_ENDED  # a remote browser, or none: ran on
    headline = f"The test ran past {watch.limit_named}, at {watch.hung_at}: {ended}"
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        crash.message = f"{headline}. {crash.message}"
    if hasattr(report.longrepr, "addsection"):
        report.longrepr.addsection("Where the test hung", watch.stack)
    else:
        report.longrepr = f"{headline}\n{report.longrepr}"
    watch.hung_at = None  # said once: a teardown's failure after it is its own
    return report
