"""Flaky is a result of its own: a test that failed, then passed on its retry, neither passed nor failed.

Playwright Test reports such a test as flaky; pytest-rerunfailures counts it as passed and its
JUnit file hides the first failure (pytest-rerunfailures #170). Here, on the run's controller:
- the terminal lists each flaky test, its first error and where the retry's trace is;
- JUnit gets one ``<testcase>`` per test with a ``<flakyFailure>`` (passed on a retry) or
  ``<rerunFailure>`` (failed again) per failed attempt, as Maven Surefire writes them and CI
  dashboards read them, their artifacts linked;
- the HTML report tags flaky tests and counts them;
- the policy: a failed test turns the run red; flaky tests keep it green but are listed, unless
  there are more than ``--max-flaky`` (default 0 against the bundled portal, where nothing should
  be flaky, and ``DEPLOYMENT_MAX_FLAKY`` against a deployment given by ``--base-url``).
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from html import escape

import pytest
from _pytest.junitxml import mangle_test_address

DEPLOYMENT_MAX_FLAKY = 3


@dataclass
class Attempts:
    """What happened to one test over its attempts."""

    failures: list[tuple[str, str]] = field(default_factory=list)  # (message, text) of each failed attempt
    artifacts: dict[int, list[str]] = field(default_factory=dict)  # attempt index -> artifact paths
    final: str = "passed"

    @property
    def flaky(self) -> bool:
        return bool(self.failures) and self.final == "passed"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("retries", "Retries and flaky tests").addoption(
        "--max-flaky",
        type=int,
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
        index = int(getattr(report, "rerun", 0) or 0)
        paths = [str(value) for name, value in report.user_properties if str(name).startswith("playwright_")]
        attempts.artifacts.setdefault(index, []).extend(paths)
        if report.outcome == "rerun":
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash else str(report.longrepr)
            attempts.failures.append((message.splitlines()[0] if message else "failed", str(report.longrepr)))
        elif report.failed:
            attempts.final = "failed"
        elif report.when == "call" and attempts.failures and report.passed:
            self.tag_for_html(report, attempts)

    def tag_for_html(self, report: pytest.TestReport, attempts: Attempts) -> None:
        """Mark a flaky test's passing report in the HTML report, its first failure beside it."""
        html = self.config.pluginmanager.getplugin("html")
        if html is None:
            return
        first = attempts.failures[0][0]
        note = html.extras.html(
            f'<p class="flaky"><strong>Flaky:</strong> failed first ({escape(first)}), passed on retry</p>'
        )
        report.extras = [*getattr(report, "extras", []), note]
        report.flaky = True  # type: ignore[attr-defined]

    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        if getattr(report, "flaky", False) and cells:
            cells[0] = cells[0].replace("Passed", "Flaky (passed on retry)")

    def pytest_html_results_summary(self, prefix: list[str], summary: list[str], postfix: list[str]) -> None:
        flaky = self.flaky()
        if flaky:
            listed = "".join(f"<li>{escape(nodeid)}</li>" for nodeid in sorted(flaky))
            prefix.append(
                f"<p><strong>{len(flaky)} flaky</strong> (failed, then passed on retry):</p><ul>{listed}</ul>"
            )

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        flaky = self.flaky()
        if not flaky:
            return
        terminalreporter.write_sep("=", f"{len(flaky)} flaky (failed, then passed on retry)", yellow=True)
        for nodeid, attempts in sorted(flaky.items()):
            traces = [path for paths in attempts.artifacts.values() for path in paths if "trace" in path]
            terminalreporter.write_line(f"FLAKY {nodeid} - {attempts.failures[0][0]}", yellow=True)
            terminalreporter.write_line(f"      trace of the retry: {', '.join(traces) or 'none kept'}")

    @pytest.hookimpl(trylast=True)  # after junitxml wrote its file
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        xmlpath = getattr(self.config.option, "xmlpath", None)
        if xmlpath and os.path.exists(xmlpath) and any(attempts.failures for attempts in self.tests.values()):
            write_attempts_to_junit(xmlpath, self.tests)
        flaky, allowed = len(self.flaky()), self.max_flaky()
        if flaky > allowed and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(f"{flaky} flaky tests, more than --max-flaky={allowed}: the run fails", red=True)


def write_attempts_to_junit(path: str, tests: dict[str, Attempts]) -> None:
    """Add each failed attempt to its test's ``<testcase>``, as Surefire does; one testcase per test."""
    tree = ElementTree.parse(path)
    by_name: dict[tuple[str, str], Attempts] = {}
    for nodeid, attempts in tests.items():
        names = mangle_test_address(nodeid)
        by_name[(".".join(names[:-1]), names[-1])] = attempts
    for suite in tree.getroot().iter("testsuite"):
        seen: dict[tuple[str, str], ElementTree.Element] = {}
        for case in list(suite.findall("testcase")):
            key = (case.get("classname", ""), case.get("name", ""))
            if key in seen:  # an earlier attempt's entry: the last one stands for the test
                suite.remove(seen[key])
            seen[key] = case
        for key, case in seen.items():
            attempts = by_name.get(key)
            if attempts and attempts.failures:
                add_failed_attempts(case, attempts)
        suite.set("tests", str(len(suite.findall("testcase"))))
    tree.write(path, encoding="utf-8", xml_declaration=True)


def add_failed_attempts(case: ElementTree.Element, attempts: Attempts) -> None:
    """Append a ``flakyFailure`` (the test passed at last) or ``rerunFailure`` per failed attempt."""
    tag = "flakyFailure" if attempts.flaky else "rerunFailure"
    for index, (message, text) in enumerate(attempts.failures):
        failure = ElementTree.SubElement(case, tag, message=message, type="AssertionError")
        ElementTree.SubElement(failure, "stackTrace").text = text
        links = "\n".join(f"[[ATTACHMENT|{path}]]" for path in attempts.artifacts.get(index, []))
        ElementTree.SubElement(failure, "system-out").text = links


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) sees every report
        config.pluginmanager.register(FlakyReport(config), "suite-flaky-report")
