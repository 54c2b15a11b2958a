"""A portal that stops answering for a while (a restart) costs the attempt it happened under, not the tests after it.

A deployment restarts: seconds of refused connections, then its gateway's 502 and 503, then it answers again. A
test that meets that fails saying the portal did not answer (``PortalUnavailableError``, a gateway's error page,
a sign-in stopped at one). Retried at once, or followed at once by the next test, it would meet the same outage
and fail too. So after such a failure, before the retry or the next test, the run waits until the portal (and the
REST API, when it has an address of its own) answers again, looking after 0.5, 1, 2, 4, 8, 8... s: at most
``--portal-back-wait`` seconds (default 120; 0: no wait); still silent then, the run stops, saying so, rather than
fail every test left. The run's summary says how many tests met an outage, and how long was waited.
"""

from __future__ import annotations

import http.client
import logging
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from flows.rest import FIRST_LOOK_S, LONGEST_LOOK_S  # the library's looks at a portal restarting
from pages import SignInInterruptedError
from pages.errors import GATEWAY_DOWN, portal_silent
from plugins.option_values import number_between

log = logging.getLogger("suite")
BACK_WAIT_S = 120.0  # the longest a run waits for a portal that stopped answering
LOOK_TIMEOUT_S = 5.0  # one look: a portal that holds the request is still gone
OUTAGE_PROPERTY = "suite_portal_outage"  # carried on reports from xdist workers to the controller
GONE = pytest.StashKey[bool]()  # the attempt failed on a portal that did not answer: waited for after its teardown


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("retries").addoption(
        "--portal-back-wait",
        type=lambda text: number_between(text, 0, 3600, what="a number of seconds", bounds="0 (none) and 3600"),
        default=BACK_WAIT_S,
        metavar="SECONDS",
        help="after a test that failed on a portal that did not answer (a restart), wait this long at most for it "
        f"to answer again before the retry or the next test; still silent, the run stops (0: no wait). "
        f"Default: {BACK_WAIT_S:g}",
    )


def portal_gone(error: BaseException | None) -> bool:
    """Tell whether ``error`` (or what caused it) says the portal as a whole did not answer: not the test's doing."""
    seen = 0
    while error is not None and seen < 10:
        if portal_silent(error) or (isinstance(error, SignInInterruptedError) and error.status in GATEWAY_DOWN):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def answers(address: str) -> bool:
    """Tell whether the server at ``address`` answers below 500 (a redirect to sign-in followed, to its provider).

    Its certificate is not judged: an internal CA's, taken by the browser (``--ignore-https-errors``) or by the API
    client (``$SSL_CERT_FILE``), answers all the same; whom to trust is theirs to say, at the retry.
    """
    unjudged = ssl.create_default_context()
    unjudged.check_hostname, unjudged.verify_mode = False, ssl.CERT_NONE
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=unjudged))
    try:
        with opener.open(address, timeout=LOOK_TIMEOUT_S) as answer:
            return int(answer.status) < 500
    except urllib.error.HTTPError as error:
        error.close()
        return error.code < 500
    except (OSError, ValueError, http.client.HTTPException):  # refused, reset, timed out; cut short or no HTTP
        return False


def wait_until_answering(addresses: list[str], longest: float) -> float | None:
    """Wait until every one of ``addresses`` answers; return how long that took, None when they did not within
    ``longest`` seconds."""
    started, pause = time.monotonic(), FIRST_LOOK_S
    pending = list(addresses)
    while True:
        pending = [address for address in pending if not answers(address)]
        waited = time.monotonic() - started
        if not pending:
            return waited
        if waited >= longest:
            return None
        threading.Event().wait(min(pause, longest - waited))
        pause = min(2 * pause, LONGEST_LOOK_S)


def addresses_of(item: pytest.Item) -> list[str]:
    """Return the portal's address (the bundled one's, when no ``--base-url``) and the REST API's, if elsewhere.

    A ``--base-url`` a browser on a Playwright server (``--ws-endpoint``) opens is that machine's to reach, maybe
    not this one's (as the run's start check, in conftest.py, knows): it is not looked at from here. The REST API
    is asked from here, whoever runs the browser; the bundled portal runs here.
    """
    config = item.config
    given = config.getoption("base_url", None) or config.getini("base_url")
    base_url = getattr(item, "funcargs", {}).get("base_url") or given
    if given and config.getoption("--ws-endpoint", None):
        base_url = None
    api_url = config.getoption("--api-url", None)
    return [address for address in dict.fromkeys([base_url, api_url]) if address]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Note an attempt that failed on a portal that did not answer; once its teardown is done (outside its hang
    watch), wait for the portal before the retry or the next test."""
    report = yield
    failed_on_outage = report.failed and call.excinfo is not None and portal_gone(call.excinfo.value)
    if report.when in ("setup", "call") and failed_on_outage:
        item.stash[GONE] = True
    if report.when != "teardown" or GONE not in item.stash:
        return report
    del item.stash[GONE]
    addresses, longest = addresses_of(item), float(item.config.getoption("--portal-back-wait"))
    if not addresses or not longest or item.session.shouldstop:  # stopping: a retry left runs, waits no more
        return report
    said_waiting(item, f"{item.nodeid} met the portal down: waiting up to {longest:g} s for it to answer again")
    waited = wait_until_answering(addresses, longest)
    if waited is None:
        said = f"{' and '.join(addresses)} did not answer for {longest:g} s after {item.nodeid} met it down"
        log.error("%s: the run stops here", said)
        item.session.shouldstop = f"{said} (--portal-back-wait). The run stops here"
        report.user_properties.append((OUTAGE_PROPERTY, f"gone {longest:.1f}"))
    else:
        log.warning("The portal did not answer during %s: it answered again %.1f s later", item.nodeid, waited)
        report.user_properties.append((OUTAGE_PROPERTY, f"back {waited:.1f}"))
    return report


def said_waiting(item: pytest.Item, said: str) -> None:
    """Say at the terminal, in a run of one process, why it goes quiet for a while (a worker's terminal is xdist's:
    its controller says it with the summary)."""
    reporter = item.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not hasattr(item.config, "workerinput"):
        reporter.write_line("")
        reporter.write_line(f"{said} (--portal-back-wait)", yellow=True)


class OutageSummary:
    """Counts the attempts that met the portal down, and says so at the end of the run."""

    def __init__(self) -> None:
        self.waits: list[tuple[str, float]] = []  # ("back" or "gone", seconds waited)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == OUTAGE_PROPERTY:
                how, _, seconds = str(value).partition(" ")
                self.waits.append((how, float(seconds)))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.waits:
            return
        tests = f"{len(self.waits)} test{'s' * (len(self.waits) > 1)}"
        waited = sum(seconds for _, seconds in self.waits)
        if all(how == "back" for how, _ in self.waits):
            said = f"each waited until it answered again before going on ({waited:.0f} s in all)"
        else:
            said = f"{waited:.0f} s waited in all, and at last it did not answer again: the run stopped"
        terminalreporter.write_line(f"The portal did not answer during {tests}: {said}", yellow=True)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) sees every report
        config.pluginmanager.register(OutageSummary(), "suite-outage-summary")
