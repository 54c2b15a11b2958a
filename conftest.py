"""Suite-wide fixtures: the portal under test and a browser that works here or under a Playwright server."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, BrowserType
from playwright.sync_api import Error as PlaywrightError

from fixtures.identity.settings import THROWAWAY_PASSWORD_HASH_METHOD
from fixtures.portal.server import serve_portal
from flows.base_url import is_loopback, nothing_answers
from flows.browser import (
    WS_ENDPOINT_VARIABLE,
    BrowserNotFoundError,
    RemoteBrowserError,
    check_reachable,
    connect_options_for,
    describe_connect_failure,
    headed_without_display,
    launch_options_for,
    missing_video_recorder,
    playwright_command,
    ws_endpoint_or_env,
)
from flows.cli_sign_in import CLOSE_BANNER_OPTION
from flows.rest_http import never_proxy_loopback
from pages import BillingProfile
from pages.banners import close_banners_in
from plugins.retries import attempt_output_path

# Long enough that the next sign-in, even on a loaded machine, comes while the account is locked (it takes under a
# second; the lock counts whole seconds), short enough for the lockout test to wait out.
LOCKOUT_SECONDS = 12
# Fontconfig chooses a page's default fonts in the machine's language (LC_ALL, LC_CTYPE, LANG): under zh_CN.UTF-8 its
# sans-serif is WenQuanYi Zen Hei, not DejaVu Sans, and every screen differed from its baseline. A browser the suite
# launches asks in the C locale's language, as the baselines were made, whatever the machine's locale.
FONT_LANGUAGE = {"FC_LANG": "en"}

# The suite's own layers (plugins/): each a pytest plugin of its own (plugins.retries loads from addopts).
pytest_plugins = [
    "plugins.browser_recovery",
    "plugins.hang_watch",
    "plugins.portal_outage",
    "plugins.sign_ins",
    "plugins.renewal_report",
    "plugins.flaky",
    "plugins.quarantine",
    "plugins.deployment",
    "plugins.portal_words",
    "plugins.portal_requests",
    "plugins.made_customers",
    "plugins.layers",
    "plugins.evidence",
    "plugins.a11y",
    "plugins.visual",
    "plugins.worker_cores",
    "plugins.longest_first",
    "plugins.hidden_secrets",
    "plugins.listener_errors",
    "plugins.stopped_runs",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("playwright").addoption(
        "--ws-endpoint",
        default=ws_endpoint_or_env(),
        metavar="URL",
        help="run the browsers under the Playwright server (playwright run-server) at URL, e.g. ws://host:3000/; "
        f"that machine must reach the portal (see --base-url). Default: ${WS_ENDPOINT_VARIABLE}",
    )
    parser.getgroup("playwright").addoption("--close-banner", **CLOSE_BANNER_OPTION)  # as the commands take it


def pytest_report_header(config: pytest.Config) -> str | None:
    endpoint = config.getoption("--ws-endpoint")
    return f"browser: launched by the Playwright server at {endpoint}" if endpoint else None


@pytest.hookimpl(tryfirst=True)  # before junitxml and pytest-html read their paths
def pytest_configure(config: pytest.Config) -> None:
    """A run that only lists the tests writes no report: the last run's (a failure's among them) stays. Any other
    run's reports are its own or none: the last run's go as it starts, so a run refused at the start (a portal that
    does not answer) leaves no other run's results where a CI job archives them. A proxy set for the world outside
    never carries this machine's own requests (``never_proxy_loopback``)."""
    never_proxy_loopback()
    if config.option.collectonly:
        config.option.xmlpath = None
        config.option.htmlpath = None
    elif not hasattr(config, "workerinput"):
        reports = {"--junitxml": config.option.xmlpath, "--html": getattr(config.option, "htmlpath", None)}
        for option, report in reports.items():
            if report:
                remove_last_report(option, Path(report))


def remove_last_report(option: str, report: Path) -> None:
    """Delete the last run's ``report``; refuse to start if it cannot be written (a read-only checkout, a file where
    its folder would be), saying so, rather than fail as the run ends with its results lost."""
    folder = report.parent  # the nearest that exists: the writer makes the rest
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, f"{folder} is no folder")
        report.unlink(missing_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(errno.EACCES, f"{folder} cannot be written")
    except OSError as error:
        raise pytest.UsageError(
            f"{option} {report} cannot be written ({error.strerror or error}): give the reports and the evidence a "
            "folder that can be (--junitxml=DIR/junit.xml --html=DIR/report.html --output=DIR/test-results)"
        ) from None


@pytest.hookimpl(tryfirst=True)  # before xdist starts its workers
def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to start when ``--base-url``, ``--api-url`` or ``--ws-endpoint`` names a server that does not answer, or
    ``--headed`` has no display.

    Checked here, once, rather than where the browser is needed: a worker of xdist that stops the
    run loses its message.
    """
    config = session.config
    given = config.getoption("base_url", None) or config.getini("base_url")
    if given and not is_loopback(urlsplit(given).hostname) and not config.getoption("--portal-password", None):
        raise pytest.UsageError(
            f"No password for the role users at {given}: give --portal-password or $PORTAL_PASSWORD (the bundled "
            "portal's demo password is typed only at this machine's own address: a wrong one counts against "
            "the account)"
        )
    if config.option.collectonly or hasattr(config, "workerinput"):  # only named: no browser opens, nothing is asked
        return
    if (config.getoption("--slowmo", 0) or 0) < 0:  # Playwright would take it as none
        raise pytest.UsageError(f"--slowmo {config.getoption('--slowmo')}: milliseconds, 0 or more")
    endpoint = config.getoption("--ws-endpoint")
    no_display = headed_without_display() if config.getoption("--headed") and not endpoint else None
    if no_display:  # else each test's launch fails, with 40 lines of the browser's log
        raise pytest.UsageError(no_display)
    unreachable = nothing_answers(given) if given and not endpoint else None  # a server's machine may reach it
    if unreachable:  # else every test fails on it, each with the same traceback
        raise pytest.UsageError(f"--base-url: {unreachable}")
    api_url = config.getoption("--api-url", None)
    unreachable = nothing_answers(api_url) if api_url else None  # asked from here, whoever runs the browser
    if unreachable:
        raise pytest.UsageError(f"--api-url: {unreachable.replace('Is the portal up', 'Is the REST API up')}")
    if not endpoint:
        return
    try:
        check_reachable(endpoint)
    except RemoteBrowserError as error:
        raise pytest.UsageError(str(error)) from None


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Explain a failed BillingProfile comparison field by field."""
    if op != "==" or not (isinstance(left, BillingProfile) and isinstance(right, BillingProfile)):
        return None
    # Named as the assert writes them, left and right: a dashboard shows this line alone, without the assert's source.
    lines = ["Bill-to info differs (left == right):"]
    for field, value in left.as_dict().items():
        if value != getattr(right, field):
            lines.append(f"  {field}: left {value!r} != right {getattr(right, field)!r}")
    return lines


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], pytestconfig: pytest.Config) -> dict[str, Any]:
    """pytest-playwright's, taking a certificate the browser does not trust with ``--ignore-https-errors``."""
    if pytestconfig.getoption("--ignore-https-errors"):
        return {**browser_context_args, "ignore_https_errors": True}
    return browser_context_args


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext], pytestconfig: pytest.Config
) -> Callable[..., BrowserContext]:
    """pytest-playwright's, each context's pages closing the banners whose buttons ``--close-banner`` names."""
    buttons = tuple(pytestconfig.getoption("--close-banner") or ())
    if not buttons:
        return new_context

    def made(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        close_banners_in(context, buttons)
        return context

    return made


@pytest.fixture
def output_path(request: pytest.FixtureRequest) -> str:
    """The test's artifact folder, one per attempt (a retry's beside the first's): see plugins/retries.py."""
    return attempt_output_path(request.node)


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """The portal under test: ``--base-url`` when given, else the bundled portal (and its identity provider)."""
    given = pytestconfig.getoption("base_url", None) or pytestconfig.getini("base_url")
    if given:
        # Page objects use relative paths; without the slash the last path segment is dropped.
        yield given.rstrip("/") + "/"
        return
    # The portal and its identity provider, each at its own origin; lockouts last seconds, not a minute,
    # so that the test of a lockout's end is quick (it locks out a user of its own).
    identity_config = {"LOCKOUT_SECONDS": LOCKOUT_SECONDS, "PASSWORD_HASH_METHOD": THROWAWAY_PASSWORD_HASH_METHOD}
    with serve_portal(identity_config=identity_config) as addresses:
        yield addresses.portal


@pytest.fixture(scope="session")
def ws_endpoint(pytestconfig: pytest.Config) -> str | None:
    """The Playwright server that launches the browsers (``--ws-endpoint``), or None to launch them here."""
    return pytestconfig.getoption("--ws-endpoint") or None


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
    browser_type: BrowserType,
    browser_channel: str | None,
    ws_endpoint: str | None,
    pytestconfig: pytest.Config,
) -> dict[str, Any]:
    """Add what the browser needs (a system Chromium's path and flags) to the plugin's options; stop the run at once
    when it cannot launch one, or record the videos asked for."""
    try:
        extra = launch_options_for(
            browser_type.name,
            browser_type.executable_path,
            browser_channel,
            remote=ws_endpoint is not None,
            headless=browser_type_launch_args.get("headless", True),
        )
    except BrowserNotFoundError as error:
        pytest.exit(str(error), returncode=pytest.ExitCode.USAGE_ERROR)
    recorder = missing_video_recorder(browser_type.executable_path)
    if ws_endpoint is None and pytestconfig.getoption("--video", "off") != "off" and recorder is not None:
        pytest.exit(  # else each test fails in its setup, with Playwright's box
            f"--video records with Playwright's ffmpeg, not installed here ({recorder}): install it with "
            f"`{playwright_command()} install ffmpeg`, or leave --video off",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
    if ws_endpoint is None:  # screens look the same in any locale (a server's browser has its own environment)
        extra["env"] = {**os.environ, **FONT_LANGUAGE}
    return {**extra, **browser_type_launch_args}


@pytest.fixture(scope="session")
def connect_options(ws_endpoint: str | None, browser_type_launch_args: dict[str, Any]) -> dict[str, Any] | None:
    """With ``--ws-endpoint``, make pytest-playwright connect to that server instead of launching a browser.

    The plugin sends its launch options in a header too, but with Python's names (``executable_path``),
    which a Playwright server ignores; ours, in the protocol's names, replace them.
    """
    return None if ws_endpoint is None else connect_options_for(ws_endpoint, browser_type_launch_args)


@pytest.fixture(scope="session")
def launch_browser(
    launch_browser: Callable[..., Browser], ws_endpoint: str | None, browser_type_launch_args: dict[str, Any]
) -> Callable[..., Browser]:
    """The plugin's browser launcher; when a Playwright server gives no browser, each test says why."""
    if ws_endpoint is None:  # the plugin launches here (its connect_options fixture is None then too)
        return launch_browser

    def connect(**kwargs: Any) -> Browser:
        try:
            # Also again after the start's check: a server fallen silent mid-run costs each test seconds, not the
            # connect's minutes, and is named as gone rather than as refusing a browser.
            check_reachable(ws_endpoint)
            return launch_browser(**kwargs)
        except RemoteBrowserError as error:
            pytest.fail(str(error), pytrace=False)
        except PlaywrightError as error:
            pytest.fail(describe_connect_failure(ws_endpoint, browser_type_launch_args, error), pytrace=False)

    return connect
