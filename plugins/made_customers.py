"""Count the customers a run made through the API and say so at its end, against a deployment.

A deployment keeps every customer the tests make (Partner Center deletes customers only in an integration
sandbox): the team running the suite sees how many each run adds, and the names that find them. The bundled
portal's are gone with its database, so its runs say nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fixtures.test_data import CustomerFactory

from .deployment import target

MADE_PROPERTY = "suite_customers_made"  # carried on reports from xdist workers to the controller


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Put on a test's last report how many customers its factory made (each attempt's own)."""
    report = yield
    factory = (getattr(item, "funcargs", None) or {}).get("customers")
    if report.when == "teardown" and isinstance(factory, CustomerFactory) and factory.created:
        report.user_properties.append((MADE_PROPERTY, str(len(factory.created))))
    return report


class MadeCustomers:
    """Sums the customers every test made and names them at the end of a deployment's run."""

    def __init__(self, config: pytest.Config, where: str) -> None:
        self.config, self.where, self.count = config, where, 0

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.count += sum(int(value) for name, value in report.user_properties if name == MADE_PROPERTY)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.count:
            terminalreporter.write_line(
                f"Customers made through the API at {self.where} during this run: {self.count}, their company names "
                f"ending in '{self.config.option.run_tag}-<test>-<n>' (the deployment keeps them)"
            )


def pytest_configure(config: pytest.Config) -> None:
    where = target(config)
    if where and not hasattr(config, "workerinput"):  # the controller (or a run without xdist) sees every report
        config.pluginmanager.register(MadeCustomers(config, where), "suite-made-customers")
