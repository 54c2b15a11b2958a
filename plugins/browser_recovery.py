"""A dead browser costs one test: the test in flight fails saying so, the next one gets a new browser.

pytest-playwright launches one browser per session (per xdist worker). When it dies (the kernel
kills it under memory pressure, it crashes, a Playwright server drops the connection) every
later test would fail with "Target page, context or browser has been closed". Here the session's
``browser`` is a ``RecoveringBrowser``: each new context asks for a live browser, launching (or
connecting) a new one when the last one died, and the failed test's message says what happened.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

log = logging.getLogger("suite")

# What the browser's launcher logs when it dies: Playwright's own line, or the shell of a wrapper script.
EXIT_SIGNAL = re.compile(r"signal=(SIG[A-Z]+)")
EXIT_CODE = re.compile(r"exitCode=(\d+)")
SHELL_REPORTS = {"Killed": "SIGKILL", "Segmentation fault": "SIGSEGV", "Aborted": "SIGABRT", "Terminated": "SIGTERM"}
SIGNAL_NAMES = {9: "SIGKILL", 11: "SIGSEGV", 6: "SIGABRT", 15: "SIGTERM"}
RECOVERING = pytest.StashKey["RecoveringBrowser"]()
STARTED = pytest.StashKey[float]()  # when a test's setup began


def browser_process_id(browser: Browser) -> int | None:
    """Return the process id of a Chromium's browser process (on the machine that runs it), else None."""
    if browser.browser_type.name != "chromium":
        return None
    session = browser.new_browser_cdp_session()
    try:
        processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    finally:
        session.detach()
    return next((process["id"] for process in processes if process["type"] == "browser"), None)


def exit_signal(logs: str) -> str | None:
    """Return the signal that ended the browser, from its launcher's logs, when they say."""
    if found := EXIT_SIGNAL.search(logs):
        return found.group(1)
    if (code := EXIT_CODE.search(logs)) and int(code.group(1)) > 128:
        return SIGNAL_NAMES.get(int(code.group(1)) - 128, f"signal {int(code.group(1)) - 128}")
    lines = [line.rsplit("]", 1)[-1].strip() for line in logs.splitlines()]
    return next((SHELL_REPORTS[line] for line in reversed(lines) if line in SHELL_REPORTS), None)


class RecoveringBrowser:
    """The session's browser, launched (or connected) again whenever the last one has died.

    Stands in for ``playwright.sync_api.Browser``: attributes are the live browser's.
    """

    def __init__(self, launch: Callable[[], Browser], where: str) -> None:
        self._launch = launch
        self._browser: Browser | None = None
        self.where = where  # "here", or the Playwright server's address
        self.process_id: int | None = None
        self.died_at: float | None = None  # when the last browser was seen to die

    @property
    def current(self) -> Browser:
        """Return a live browser, launching a new one if the last one died."""
        if self._browser is None or not self._browser.is_connected() or self.process_gone():
            if self._browser is not None:
                log.warning("The browser died since the last test: starting another (%s)", self.where)
            self._browser = self._launch()
            self._browser.on("disconnected", self._on_disconnected)
            self.process_id = browser_process_id(self._browser)
        return self._browser

    def process_gone(self) -> bool:
        """Tell whether the browser launched here has ended, asked of this machine (no round trip): Playwright says
        it disconnected only once asked something next, a new context for the next test, which then fails."""
        if self.where != "here" or not self.process_id or not Path("/proc/self").exists():  # Linux's /proc only
            return False
        try:
            state = Path(f"/proc/{self.process_id}/stat").read_text().rsplit(") ", 1)[1][:1]
        except FileNotFoundError:
            return True
        except (OSError, IndexError):
            return False
        return state == "Z"  # ended, not yet reaped by its launcher

    def _on_disconnected(self, browser: Browser) -> None:
        if browser is self._browser:
            self.died_at = time.monotonic()

    def is_dead(self) -> bool:
        """Tell whether the browser launched last has died (without launching another).

        Its "disconnected" event may not have arrived yet (a Playwright server tells it after the
        failed call), so a browser that looks alive is asked for a context, the cheapest proof of life.
        """
        return self._browser is not None and not alive(self._browser)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current, name)

    def close(self) -> None:
        """Close the live browser, if any."""
        if self._browser is not None and self._browser.is_connected():
            self._browser.close()

    def describe_death(self, error_text: str) -> str:
        """Say that the browser died during the test, with its process and exit signal where known."""
        process = f"pid {self.process_id}, " if self.process_id else ""
        signal = exit_signal(error_text)
        if signal:
            how = f"{process}ended by {signal}"
        elif self.where == "here":
            how = f"{process}exit signal unknown"
        else:
            how = f"{process}under the Playwright server at {self.where}, which did not say why"
        # Said here, not only in a captured warning: the failure's screenshot and trace are missing for this reason
        return (
            f"The browser died during this test ({how}), so its page was not photographed or traced; the next test "
            "starts another"
        )


@pytest.fixture(scope="session")
def browser(launch_browser: Callable[[], Browser], pytestconfig: pytest.Config) -> Iterator[Browser]:
    """The session's browser, started again for the next test when it dies (see the module)."""
    recovering = RecoveringBrowser(launch_browser, pytestconfig.getoption("--ws-endpoint") or "here")
    pytestconfig.stash[RECOVERING] = recovering
    yield recovering  # type: ignore[misc]  # a stand-in with Browser's attributes
    recovering.close()


def alive(browser: Browser | None) -> bool:
    """Tell whether ``browser`` lives: one just killed may look connected until asked something."""
    if browser is None or not browser.is_connected():
        return False
    try:
        browser.new_context().close()
    except PlaywrightError:
        return False
    return True


def tolerate_death(context: BrowserContext) -> BrowserContext:
    """Let closing ``context`` pass when its browser has died: there is nothing left to close or record.

    Otherwise the test that lost its browser would fail twice: once for the death, and again in
    its teardown, where pytest-playwright stops the trace of a context that no longer exists.
    """
    close = context.close

    def close_unless_dead(*args: Any, **kwargs: Any) -> None:
        try:
            close(*args, **kwargs)
        except PlaywrightError:
            if alive(context.browser):
                raise  # the browser lives: this is another problem
            log.warning("A context of the dead browser could not be closed or traced")

    context.close = close_unless_dead  # type: ignore[method-assign]
    return context


def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[STARTED] = time.monotonic()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Say in a failed test's report that the browser died under it."""
    report = yield
    recovering = item.config.stash.get(RECOVERING, None)
    if not report.failed or recovering is None or report.when == "teardown":
        return report
    died_at = recovering.died_at
    failed_in_playwright = call.excinfo is not None and isinstance(call.excinfo.value, PlaywrightError)
    died_during = died_at is not None and died_at >= item.stash.get(STARTED, float("inf"))
    if died_during or (failed_in_playwright and recovering.is_dead()):
        error_text = str(call.excinfo.value) if call.excinfo else ""
        headline = recovering.describe_death(error_text)
        crash = getattr(report.longrepr, "reprcrash", None)
        if crash is not None:
            crash.message = f"{headline}. {crash.message}"
        if hasattr(report.longrepr, "addsection"):
            report.longrepr.addsection("The browser died", headline)
        else:
            report.longrepr = f"{headline}\n{report.longrepr}"
        recovering.died_at = None  # reported: later failures are not this death's
    return report
