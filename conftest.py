"""Suite-wide fixtures: the portal under test and a browser that works on this machine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserType

from fixtures.portal import create_app
from fixtures.portal.server import serve_in_thread
from flows.browser import BrowserNotFoundError, launch_options_for
from pages import BillingProfile


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Explain a failed BillingProfile comparison field by field."""
    if op != "==" or not (isinstance(left, BillingProfile) and isinstance(right, BillingProfile)):
        return None
    lines = ["Bill-to info differs:"]
    for field, value in left.as_dict().items():
        if value != getattr(right, field):
            lines.append(f"  {field}: {value!r} != {getattr(right, field)!r}")
    return lines


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """The portal under test: ``--base-url`` when given, else the bundled portal on a free port."""
    given = pytestconfig.getoption("base_url", None) or pytestconfig.getini("base_url")
    if given:
        # Page objects use relative paths; without the slash the last path segment is dropped.
        yield given.rstrip("/") + "/"
        return
    with serve_in_thread(create_app()) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType, browser_channel: str | None
) -> dict[str, Any]:
    """Add what this machine's browser needs (a system Chromium's path and flags) to the plugin's options."""
    try:
        extra = launch_options_for(browser_type.name, browser_type.executable_path, browser_channel)
    except BrowserNotFoundError as error:
        pytest.exit(str(error), returncode=pytest.ExitCode.USAGE_ERROR)
    return {**extra, **browser_type_launch_args}
