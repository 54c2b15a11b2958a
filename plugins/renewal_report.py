"""What the run renewed, said at its end: the role users' sign-ins and API tokens that the portal ended during a test
(expired, revoked, the portal restarted), counted apart from those renewed by tests that end sessions on purpose."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from .sign_ins import SavedSignIns

RENEWAL_PROPERTY = "suite_renewal"  # carried on reports from xdist workers to the controller
RENEWAL_ON_PURPOSE = "suite_renewal_on_purpose"  # ... by a test that ends a session on purpose (ends_sessions)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Put what this test renewed on its last report, for the run's summary (xdist: on the controller)."""
    report = yield
    values = getattr(item, "funcargs", None) or {}
    if report.when != "teardown":
        return report
    api = values.get("api")
    # A test that ends a session on purpose renews it as the suite must: said apart, not as the portal's doing
    kind = RENEWAL_ON_PURPOSE if item.get_closest_marker("ends_sessions") else RENEWAL_PROPERTY
    for sign_ins in values.values():  # the run's, and any of a test's own
        if isinstance(sign_ins, SavedSignIns):
            report.user_properties += [(kind, f"sign-in of {role}") for role in sign_ins.renewed]
            sign_ins.renewed.clear()
    if getattr(api, "renewals", 0):
        report.user_properties += [(kind, f"API token of {api.username}")] * api.renewals
        api.renewals = 0
    return report


# How the summary says each kind, and whether it stands out (the portal's doing: a team watches it grow).
SAID = {
    RENEWAL_PROPERTY: ("Renewed during this run (the portal ended them)", True),
    RENEWAL_ON_PURPOSE: ("Renewed by tests that end sessions on purpose", False),
}


class RenewalSummary:
    """Counts the renewals reported by every test and lists them at the end of the run, each kind apart."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {kind: Counter() for kind in SAID}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name in self.counts:
                self.counts[name][value] += 1

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        for kind, (heading, stands_out) in SAID.items():
            if self.counts[kind]:
                renewed = ", ".join(f"{what} ×{count}" for what, count in sorted(self.counts[kind].items()))
                terminalreporter.write_line(f"{heading}: {renewed}", yellow=stands_out)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) sees every report
        config.pluginmanager.register(RenewalSummary(), "suite-renewal-summary")
