"""Run the suite (or some of it) in a fresh pytest inside a test, and read what happened to each test."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from at_a_terminal import at_a_terminal

from flows.browser import WS_ENDPOINT_VARIABLE
from plugins.quarantine import BROWSER_PARAMETER  # a test named without its browser, as the quarantine names it

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT_S = 300


def smoke_tests() -> tuple[str, ...]:
    """Return the arguments that run the smoke tests: ``-m smoke`` and the files that mark any.

    A run given no files collects the whole suite (some 2,600 tests, 3 to 6 s of a core) to keep nine of them;
    ``test_suite_run.py`` checks these files hold every smoke test the whole suite's collection finds.
    """
    files = sorted(path for path in (ROOT / "tests").glob("test_*.py") if "mark.smoke" in path.read_text("utf-8"))
    return ("-m", "smoke", *(str(path.relative_to(ROOT)) for path in files))


SMOKE = smoke_tests()


@dataclass
class SuiteRun:
    """A finished run: its exit code, its terminal output, and each test's outcome and message."""

    returncode: int
    output: str
    outcomes: dict[str, str] = field(default_factory=dict)  # test name -> passed, failed, error, skipped
    messages: dict[str, str] = field(default_factory=dict)  # test name -> the failure's message

    def names(self, outcome: str) -> list[str]:
        """Return the tests that ended with ``outcome``."""
        return sorted(name for name, found in self.outcomes.items() if found == outcome)

    @property
    def report(self) -> str:
        """Return the run's output after a line that says which tests did not pass and why: a message for a failure
        of the test that ran it, whose first line is all a summary shows."""
        unpassed = [
            f"{name} {outcome} ({self.messages.get(name, '').strip().partition(chr(10))[0][:300]})"
            for name, outcome in sorted(self.outcomes.items())
            if outcome != "passed"
        ]
        passed = len(self.outcomes) - len(unpassed)
        return f"[the run: exit {self.returncode}, {passed} passed; {'; '.join(unpassed)}]\n{self.output}"


def read_junit(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Return each test case's outcome and failure message from a JUnit XML file.

    Tests are named without pytest-playwright's browser parameter: ``test_x[chromium]`` is ``test_x``.
    """
    outcomes, messages = {}, {}
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        name = BROWSER_PARAMETER.sub("", case.get("name", ""))
        outcomes[name] = "passed"
        for kind in ("skipped", "error", "failure"):  # a failure with a teardown error too is a failure
            found = case.find(kind)
            if found is not None:
                outcomes[name] = {"failure": "failed"}.get(kind, kind)
                messages[name] = found.get("message", "")
    return outcomes, messages


def junit_case(folder: Path, name: str) -> ElementTree.Element:
    """Return the JUnit ``<testcase>`` of ``name`` (parameters aside), failing if not exactly one."""
    cases = [
        case
        for case in ElementTree.parse(folder / "junit.xml").iter("testcase")
        if case.get("name", "").split("[")[0] == name
    ]
    assert len(cases) == 1, f"expected one testcase for {name}, found {len(cases)}"
    return cases[0]


def run_pytest(
    *args: str,
    folder: Path,
    env: dict[str, str] | None = None,
    timeout: float = RUN_TIMEOUT_S,
    output: Path | None = None,
    junit_option: str | None = None,
) -> SuiteRun:
    """Run ``pytest *args`` from the repository root, its reports kept under ``folder``, its artifacts under
    ``output`` (default: ``folder``'s ``test-results``); ``junit_option`` is ``--junitxml``'s value as a person
    writes it (``$REPORTS/junit.xml``), for a path that names ``folder``'s ``junit.xml`` once pytest reads it."""
    # Nothing of the calling run (its options, its xdist worker, its remote browser) may leak into this one.
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST", WS_ENDPOINT_VARIABLE)
        and not name.startswith("PYTEST_XDIST")
    }
    junit = folder / "junit.xml"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args, f"--junitxml={junit_option or junit}",
               f"--html={folder / 'report.html'}", f"--output={output or folder / 'test-results'}"]  # fmt: skip
    done = subprocess.run(
        at_a_terminal(command),  # a run some tests stop (SIGTERM), however this one was started
        cwd=ROOT,
        env={**inherited, **(env or {})},
        stdin=subprocess.DEVNULL,  # nothing of it waits for a person at this terminal (a debugger it should not start)
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    run = SuiteRun(done.returncode, done.stdout + done.stderr)
    if junit.exists():
        run.outcomes, run.messages = read_junit(junit)
    return run
