"""Flaky is a result of its own: a test that failed, then passed on its retry, neither passed nor failed.

Playwright Test reports such a test as flaky; pytest-rerunfailures counts it as passed and its
JUnit file hides the first failure (pytest-rerunfailures #170). Here, on the run's controller:
- the terminal lists each flaky test, its first error and where the retry's trace is, and each failed test's
  files, attempt by attempt (its folder's name is not its id), a quarantined one's said so;
- JUnit gets one ``<testcase>`` per test with a ``<flakyFailure>`` (passed on a retry) or
  ``<rerunFailure>`` (failed again) per failed attempt, as Maven Surefire writes them and CI
  dashboards read them, their artifacts linked;
- the HTML report tags flaky tests and counts them;
- the policy: a failed test turns the run red; flaky tests keep it green but are listed, unless
  there are more than ``--max-flaky`` (default 0 against the bundled portal, where nothing should
  be flaky, and ``DEPLOYMENT_MAX_FLAKY`` against a deployment given by ``--base-url``), which JUnit says too.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass, field
from html import escape

import pytest
from _pytest import junitxml

from .flaky_junit import budget_verdict, write_attempts_to_junit

DEPLOYMENT_MAX_FLAKY = 3
EXCEPTION_NAME = re.compile(r"([A-Za-z_][\w.]*)(?::|$)")  # how pytest's crash line starts: "TimeoutError: ..."


def is_artifact(name: object) -> bool:
    """Tell whether a report's property names a file of the test's: pytest-playwright's, or one it attached."""
    return str(name).startswith(("playwright_", "attachment: "))


@dataclass
class Failure:
    """One failed attempt: its first error (a later phase's failure of the same attempt is added to its text)."""

    message: str
    text: str
    kind: str  # the exception's name, as Surefire's ``type``
    in_call: bool  # a failure of the test itself; else an error of its setup or teardown

    @classmethod
    def of(cls, report: pytest.TestReport) -> Failure:
        crash = getattr(report.longrepr, "reprcrash", None)
        message = (crash.message if crash else str(report.longrepr)).strip()
        kind = EXCEPTION_NAME.match(message)
        first = message.splitlines()[0] if message else "failed"
        return cls(first, str(report.longrepr), kind.group(1) if kind else "Error", report.when == "call")


@dataclass
class Attempts:
    """What happened to one test over its attempts, by attempt (0 for the first)."""

    failures: dict[int, Failure] = field(default_factory=dict)  # the attempts that failed
    artifacts: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # (property, path) per attempt
    # How the last attempt ended: passed, failed or skipped; "" until its teardown is reported (a run stopped by
    # Ctrl-C or pytest.exit during a retry never reports it: that test neither passed nor failed).
    final: str = ""
    passed_calls: list[pytest.TestReport] = field(default_factory=list)  # each attempt's passing call, in order
    quarantine: str = ""  # the quarantine that turned a failure of the test into an expected one (plugins.quarantine)
    quarantined: Failure | None = None  # the failure it turned: no report shows it otherwise

    @property
    def flaky(self) -> bool:
        return bool(self.failures) and self.final == "passed"

    @property
    def failed(self) -> bool:
        """Tell whether the test ended failed: deciding the result, or under its quarantine (deciding nothing)."""
        return self.final == "failed" or bool(self.quarantine)

    @property
    def has_artifacts(self) -> bool:
        return any(self.artifacts.values())

    @property
    def interrupted(self) -> bool:
        """Tell whether the test failed, and the run stopped before its retry ended."""
        return bool(self.failures) and not self.final

    def note(self, report: pytest.TestReport) -> None:
        """Take one report of one attempt's phase."""
        index = int(getattr(report, "rerun", 0) or 0)
        if report.when == "call" and report.passed:
            self.passed_calls.append(report)
        if getattr(report, "quarantine", ""):
            self.quarantine = report.quarantine
            self.quarantined = self.quarantined or Failure.of(report)
        # A test's own attachments stay on it across attempts: an earlier attempt's are not this one's.
        earlier = {path for other, kept in self.artifacts.items() if other != index for _, path in kept}
        kept = self.artifacts.setdefault(index, [])
        for name, value in report.user_properties:
            if is_artifact(name) and str(value) not in earlier and (str(name), str(value)) not in kept:
                kept.append((str(name), str(value)))
        if report.outcome == "rerun":
            failure = Failure.of(report)
            if index in self.failures:  # its call failed, and then a fixture's teardown too
                self.failures[index].text += f"\n\nThen, in {report.when}:\n{failure.text}"
            else:
                self.failures[index] = failure
        elif report.failed:
            self.final = "failed"
        elif report.skipped and report.when in ("setup", "call") and self.final != "failed":
            self.final = "skipped"  # the retry skipped (or an expected failure): it never passed
        elif report.when == "teardown" and not self.final and index not in self.failures:  # not one retried
            self.final = "passed"

    def evidence(self) -> list[str]:
        """Say where each attempt's files are, the last attempt's first: each folder, and the files kept there."""
        kept = [index for index in sorted(self.artifacts, reverse=True) if self.artifacts[index]]
        lines = []
        for index in kept:
            folders: dict[str, list[str]] = {}
            for _, path in self.artifacts[index]:
                folder, _, name = path.replace(os.sep, "/").rpartition("/")
                folders.setdefault(f"{folder}/" if folder else "", []).append(name)
            attempt = f"retry {index}" if index else ("first attempt" if len(self.artifacts) > 1 else "evidence")
            lines.append(
                f"{attempt}: " + "; ".join(f"{folder} ({', '.join(names)})" for folder, names in folders.items())
            )
        return lines

    def traces(self) -> str:
        """Say where the traces are: the retry's, else the first attempt's."""
        traces = {
            index: [path for name, path in kept if name == "playwright_trace"] for index, kept in self.artifacts.items()
        }
        retried = [path for index, paths in sorted(traces.items()) if index for path in paths]
        if retried:
            return f"trace of the retry: {', '.join(retried)}"
        first = traces.get(0)
        return f"trace of the first attempt: {', '.join(first)}" if first else "trace of the retry: none kept"


def budget(text: str) -> int:
    """Parse ``--max-flaky``: a count, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is below 0: give how many flaky tests the run tolerates")
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("retries", "Retries and flaky tests").addoption(
        "--max-flaky",
        type=budget,
        default=None,
        metavar="N",
        help="fail the run when more than N tests are flaky (failed, then passed on a retry); default: 0 against "
        f"the bundled portal, {DEPLOYMENT_MAX_FLAKY} against a deployment (--base-url)",
    )


class FlakyReport:
    """Collects every attempt's reports (on the controller under xdist) and reports flaky tests."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.tests: dict[str, Attempts] = {}
        self.over_budget = ""  # the verdict, once the run is known to have more flaky tests than allowed
        self.drawn_reruns: set[int] = set()  # the failed attempts' reports the HTML report has a row of

    def max_flaky(self) -> int:
        """Return how many flaky tests the run tolerates."""
        given = self.config.getoption("--max-flaky")
        if given is not None:
            return int(given)
        deployment = self.config.getoption("base_url", None) or self.config.getini("base_url")
        return DEPLOYMENT_MAX_FLAKY if deployment else 0

    def flaky(self) -> dict[str, Attempts]:
        """Return the flaky tests, by node id."""
        return {nodeid: attempts for nodeid, attempts in self.tests.items() if attempts.flaky}

    @pytest.hookimpl(tryfirst=True)  # before pytest-html reads the report's extras
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        attempts = self.tests.setdefault(report.nodeid, Attempts())
        attempts.note(report)
        if report.when == "teardown" and attempts.flaky and attempts.passed_calls:  # pytest-html draws it next
            self.tag_for_html(attempts.passed_calls[-1], attempts)

    def tag_for_html(self, report: pytest.TestReport, attempts: Attempts) -> None:
        """Mark a flaky test's passing call report in the HTML report, its first failure beside it."""
        html = self.config.pluginmanager.getplugin("html")
        if html is None:
            return
        first = attempts.failures[min(attempts.failures)].message
        note = html.extras.html(
            f'<p class="flaky"><strong>Flaky:</strong> failed first ({escape(first)}), passed on retry</p>'
        )
        report.extras = [*getattr(report, "extras", []), note]
        report.flaky = True  # type: ignore[attr-defined]

    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        if report.outcome == "rerun":
            # pytest-html draws a test's rows at each teardown it is told of, and pytest-rerunfailures tells it
            # of a retried attempt's own: a failed attempt's row drawn again (and counted again) at the test's end.
            if id(report) in self.drawn_reruns:
                del cells[:]  # no row
            self.drawn_reruns.add(id(report))
        if getattr(report, "flaky", False) and cells:
            cells[0] = cells[0].replace("Passed", "Flaky (passed on retry)")

    def pytest_html_results_summary(self, prefix: list[str], summary: list[str], postfix: list[str]) -> None:
        flaky = self.flaky()
        if flaky:
            listed = "".join(f"<li>{escape(nodeid)}</li>" for nodeid in sorted(flaky))
            prefix.append(
                # pytest-html's counts know no flaky: they stay among its Passed, which says so
                f"<p><strong>{len(flaky)} flaky</strong> (failed, then passed on retry; counted among the Passed "
                f"below):</p><ul>{listed}</ul>"
            )

    @pytest.hookimpl(trylast=True)  # last before the counts' line: the verdict right above it
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        flaky = self.flaky()
        if flaky:
            terminalreporter.write_sep("=", f"{len(flaky)} flaky (failed, then passed on retry)", yellow=True)
            for nodeid, attempts in sorted(flaky.items()):
                first = attempts.failures[min(attempts.failures)]
                terminalreporter.write_line(f"FLAKY {nodeid} - {first.message}", yellow=True)
                terminalreporter.write_line(f"      {attempts.traces()}")
        self.say_evidence(terminalreporter)
        interrupted = {nodeid: attempts for nodeid, attempts in self.tests.items() if attempts.interrupted}
        for nodeid, attempts in sorted(interrupted.items()):
            first = attempts.failures[min(attempts.failures)]
            terminalreporter.write_line(f"RETRY INTERRUPTED {nodeid} - {first.message}", red=True)
        self.count_apart(terminalreporter, flaky)
        if self.over_budget:
            terminalreporter.write_sep("=", self.over_budget, red=True)

    def say_evidence(self, terminalreporter: pytest.TerminalReporter) -> None:
        """List each failed test's files, attempt by attempt: the folder of each, as pytest-playwright names it, is not
        the test's id. A quarantined one's too, said to be quarantined with its error: its failure decides nothing."""
        failed = {nodeid: a for nodeid, a in self.tests.items() if a.failed and (a.quarantine or a.has_artifacts)}
        if not failed:
            return
        quarantined = sum(bool(attempts.quarantine) for attempts in failed.values())
        title = f"evidence of {len(failed)} failed test{'s' * (len(failed) > 1)}"
        if quarantined:
            title += f", {quarantined} of them quarantined" if quarantined < len(failed) else ", quarantined"
        terminalreporter.write_sep("=", title)
        for nodeid, attempts in sorted(failed.items()):
            if attempts.quarantine:
                terminalreporter.write_line(f"QUARANTINED {nodeid}", yellow=True)
                terminalreporter.write_line(f"      {attempts.quarantine}")
                if attempts.quarantined:
                    terminalreporter.write_line(f"      failed: {attempts.quarantined.message}")
            else:
                terminalreporter.write_line(f"FAILED {nodeid}", red=True)
            for line in attempts.evidence():
                terminalreporter.write_line(f"      {line}")

    def count_apart(self, terminalreporter: pytest.TerminalReporter, flaky: dict[str, Attempts]) -> None:
        """Count flaky tests apart in the last line ("1 passed, 1 flaky"), as Playwright Test counts them, and an
        attempt that was retried (its call passed, its teardown failed) not as passed."""
        retried = {id(report) for attempts in self.tests.values() for report in attempts.passed_calls[:-1]}
        retried |= {id(a.passed_calls[-1]) for a in self.tests.values() if a.interrupted and a.passed_calls}
        passed = [report for report in terminalreporter.stats.get("passed", []) if id(report) not in retried]
        terminalreporter.stats["passed"] = [report for report in passed if report.nodeid not in flaky]
        if flaky:
            terminalreporter.stats.setdefault("flaky", []).extend(r for r in passed if r.nodeid in flaky)
        terminalreporter._known_types = None  # type: ignore[attr-defined]  # pytest caches the kinds it counts

    @pytest.hookimpl(trylast=True)  # after junitxml wrote its file
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        xml = self.config.stash.get(junitxml.xml_key, None)  # the path as junitxml wrote it: ~ and $VAR expanded
        xmlpath = xml.logfile if xml is not None else None
        kept = any(attempts.failures or attempts.failed for attempts in self.tests.values())  # a flaky test's too
        allowed = self.max_flaky()
        if xmlpath and os.path.exists(xmlpath) and kept:  # the verdict too: the counts alone read all green
            write_attempts_to_junit(xmlpath, self.tests, getattr(self.config.option, "junitprefix", None), allowed)
        flaky = len(self.flaky())
        if flaky > allowed and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
            self.over_budget = budget_verdict(flaky, allowed)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) sees every report
        config.pluginmanager.register(FlakyReport(config), "suite-flaky-report")
