"""Saved sign-ins, one per role, that are renewed when the portal stops accepting them.

Only the sign-in tests sign in through the UI at every run; the others start signed in from a
saved browser state per role (``storage_state``), made once per run and worker. A real
deployment's sessions end (they expire, the portal restarts): when a test finds the portal
asking to sign in again, that role signs in again on the spot (``pages.renewal``), its saved
state is replaced for the tests after it, and the test's log and the run's summary say so. A
renewal the portal refuses stops the run with one message, instead of failing every test after.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from flows import sign_in
from pages import SignInError, SignInPage
from pages.renewal import SignInRenewal

log = logging.getLogger("suite")
RENEWAL_PROPERTY = "suite_renewal"  # carried on reports from xdist workers to the controller


class SavedSignIns:
    """A saved sign-in per role, made on first use and renewed when refused."""

    def __init__(self, browser: Browser, base_url: str, password: str, folder: Path, session: pytest.Session) -> None:
        self.browser = browser
        self.base_url = base_url
        self.password = password
        self.folder = folder
        self.session = session
        self.saved: dict[str, Path] = {}
        self.renewed: list[str] = []  # roles renewed during the current test, for its report

    def path(self, role: str) -> Path:
        """Return the role's saved sign-in, signing in through the UI the first time."""
        if role not in self.saved:
            context = self.browser.new_context(base_url=self.base_url)
            try:
                sign_in(context.new_page(), role, self.password)
                self.saved[role] = self.folder / f"{role}.json"
                context.storage_state(path=self.saved[role])
            finally:
                context.close()
        return self.saved[role]

    def renewal(self, role: str) -> SignInRenewal:
        """Return how a context signed in as ``role`` signs in again when the portal asks."""

        def renew(page: Page) -> None:
            if SignInPage(page).sign_in(role, self.password) is None:
                message = (
                    f"The portal no longer accepts the sign-in of {role} at {self.base_url} "
                    "(--portal-password or $PORTAL_PASSWORD): the run stops here"
                )
                self.session.shouldstop = message  # xdist's controller stops the other workers too
                raise SignInError(message)
            page.context.storage_state(path=self.path(role))
            self.renewed.append(role)
            log.warning("The saved sign-in of %s was refused: signed in again; later tests use the new one", role)

        return renew


@pytest.fixture(scope="session")
def sign_ins(
    browser: Browser,
    base_url: str,
    portal_password: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> SavedSignIns:
    """The run's saved sign-ins, one per role."""
    return SavedSignIns(browser, base_url, portal_password, tmp_path_factory.mktemp("auth"), request.session)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Put what this test renewed on its last report, for the run's summary (xdist: on the controller)."""
    report = yield
    values = getattr(item, "funcargs", None) or {}
    if report.when != "teardown":
        return report
    sign_ins, api = values.get("sign_ins"), values.get("api")
    if isinstance(sign_ins, SavedSignIns):
        report.user_properties += [(RENEWAL_PROPERTY, f"sign-in of {role}") for role in sign_ins.renewed]
        sign_ins.renewed.clear()
    if getattr(api, "renewals", 0):
        report.user_properties += [(RENEWAL_PROPERTY, f"API token of {api.username}")] * api.renewals
        api.renewals = 0
    return report


class RenewalSummary:
    """Counts the renewals reported by every test and lists them at the end of the run."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.counts.update(value for name, value in report.user_properties if name == RENEWAL_PROPERTY)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.counts:
            renewed = ", ".join(f"{what} ×{count}" for what, count in sorted(self.counts.items()))
            terminalreporter.write_line(f"Renewed during this run (the portal ended them): {renewed}", yellow=True)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) sees every report
        config.pluginmanager.register(RenewalSummary(), "suite-renewal-summary")
