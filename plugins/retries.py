"""Retries with evidence: a failed test's retry records a full trace, each attempt keeps its own files.

pytest-rerunfailures retries a failed test (``--reruns 1``, CI's setting; a local run retries
nothing unless asked). Playwright Test's answer to the cost of tracing every test is its CI
default, ``trace: 'on-first-retry'``: the first attempt records nothing, the retry records all.
pytest-playwright lacks it (playwright-pytest #210), so ``--tracing=on-first-retry`` is added
beside its values here. Each attempt writes to its own folder (``test-results/<test>/`` for the
first, ``<test>-retry1/`` for the retry), so a failure's screenshot survives its retry.

pytest-playwright's ``--screenshot=only-on-failure`` photographs every page as its context closes
and deletes the pictures of a test that passed: a tenth of a short test's time. Here a test that
passed its call closes its pages first, so nothing is taken to be deleted (a failure in a later
teardown, of a fixture that does not use the page, then has no screenshot). A failed test's page stuck in a
navigation is photographed all the same (``plugins.screenshot_fallback``).

Failures that are never transient (an accessibility finding, a missing baseline, a wrong command
line) raise ``NotTransient`` and are not retried; nor is a strict xfail's unexpected pass.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext
from pytest_playwright.pytest_playwright import _truncate_file_name  # names artifact folders as the plugin does
from slugify import slugify

from flows.trace_secrets import scrub_trace, stop_tracing
from pages import BlockedPortError, UntrustedCertificateError

from .screenshot_fallback import screenshot_even_mid_navigation
from .shown_paths import path_shown, shown_path

ON_FIRST_RETRY = "on-first-retry"
RETRY_FOLDER = re.compile(r"-retry\d+$")  # how a retry's folder name ends: attempt_output_path's


class NotTransient(AssertionError):
    """A failure no retry can mend (a finding, a missing baseline, a usage error): never retried."""


PARSERS: list[pytest.Parser] = []  # the run's parser, kept for the moment pytest-playwright registers


def pytest_addoption(parser: pytest.Parser) -> None:
    PARSERS.append(parser)
    add_on_first_retry(parser)


def pytest_plugin_registered(plugin: object, plugin_name: str) -> None:
    # This plugin loads early (-p in addopts, since pytest checks --tracing's value before conftests
    # load): pytest-playwright's options exist only once it has registered.
    for parser in PARSERS:
        add_on_first_retry(parser)


def add_on_first_retry(parser: pytest.Parser) -> None:
    """Add Playwright Test's CI default to pytest-playwright's --tracing values, once it exists."""
    for option in parser.getgroup("playwright").options:
        attributes = option.attrs()  # the argparse action's own: changed here, parsed with it
        if "--tracing" in option.names() and ON_FIRST_RETRY not in (attributes.get("choices") or [ON_FIRST_RETRY]):
            attributes["choices"].append(ON_FIRST_RETRY)
            attributes["help"] = f"{attributes.get('help') or ''} ({ON_FIRST_RETRY}: a failed test's retry only)"


# A usage error, raised in a test, is one every time; so is a certificate the browser or Python does not trust.
NEVER_TRANSIENT = (NotTransient, pytest.UsageError, UntrustedCertificateError, BlockedPortError)


@pytest.hookimpl(trylast=True)  # after pytest-rerunfailures checked its patterns: these are classes
def pytest_configure(config: pytest.Config) -> None:
    # A finding or a missing baseline fails the same way every time: retrying costs time, proves nothing.
    # The option, when given, replaces the ini's patterns (pytest-rerunfailures reads one or the other).
    if hasattr(config.option, "rerun_except"):
        given = config.option.rerun_except or config.getini("rerun_except") or []
        config.option.rerun_except = [*given, *NEVER_TRANSIENT]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep ``NotTransient`` unretried under a ``flaky`` marker's own ``rerun_except``, which replaces the run's;
    give tests whose folder names would be alike (ids differing only in case or accents, or one named as another's
    retry) one each."""
    for item in items:
        marker = item.get_closest_marker("flaky")
        if marker is not None and "rerun_except" in marker.kwargs:
            patterns = marker.kwargs["rerun_except"]
            patterns = [patterns] if isinstance(patterns, str | type) else list(patterns)
            kwargs = {**marker.kwargs, "rerun_except": [*patterns, *NEVER_TRANSIENT]}
            item.add_marker(pytest.mark.flaky(*marker.args, **kwargs), append=False)
    folders: dict[str, list[pytest.Item]] = {}
    for item in items:
        folders.setdefault(slugify(item.nodeid), []).append(item)
    for folder, alike in folders.items():
        named_as_a_retry = RETRY_FOLDER.sub("", folder)  # test_x_retry1's first folder would be test_x's retry's
        if len(alike) > 1 or (named_as_a_retry != folder and named_as_a_retry in folders):
            for item in alike:
                item.stash[FOLDER_SUFFIX] = "-" + hashlib.sha256(item.nodeid.encode()).hexdigest()[:7]


def retried(item: pytest.Item) -> bool:
    """Tell whether pytest-rerunfailures retries ``item`` when it fails (``--reruns``, or its ``flaky`` marker)."""
    try:
        from pytest_rerunfailures import get_reruns_count
    except ImportError:  # a run without the plugin retries nothing
        return False
    return bool(get_reruns_count(item))


def attempt(item: pytest.Item) -> int:
    """Return which attempt of ``item`` is running: 1 for the first, 2 for its first retry."""
    return int(getattr(item, "execution_count", 1) or 1)


def attempt_output_path(item: pytest.Item) -> str:
    """Return the test's artifact folder, one per attempt: ``<test>`` for the first, ``<test>-retry1`` after.

    The root conftest's ``output_path`` fixture uses it: this plugin loads before pytest-playwright,
    whose fixture would otherwise win.
    """
    retry = attempt(item) - 1
    name = slugify(item.nodeid) + item.stash.get(FOLDER_SUFFIX, "") + (f"-retry{retry}" if retry else "")
    return os.path.join(item.config.getoption("--output"), _truncate_file_name(name))  # a name's length is limited


def traced_on_retry(context: BrowserContext, item: pytest.Item) -> BrowserContext:
    """Record ``context`` into its attempt's folder when ``item`` is on its first retry (``--tracing=on-first-retry``;
    a later retry records none, as Playwright Test's own); a quarantined test's, from its first attempt: its
    failure decides nothing, so it is never retried, and its trace is what the quarantine is for.

    The suite's context factory (tests/conftest.py) passes every context through here.
    """
    from .quarantine import entry_for  # here: imported with this plugin, pytest could not rewrite its asserts

    traced = attempt(item) == 2 or (attempt(item) == 1 and entry_for(item) is not None)
    if item.config.getoption("--tracing") != ON_FIRST_RETRY or not traced:  # Playwright's: the first retry
        return context
    context.tracing.start(title=item.nodeid, screenshots=True, snapshots=True, sources=True)
    close = context.close
    number = len(item.stash.setdefault(RETRY_CONTEXTS, [])) + 1
    item.stash[RETRY_CONTEXTS].append(number)
    folder = attempt_output_path(item)

    def close_with_trace(*args: Any, **kwargs: Any) -> None:
        trace = Path(folder) / ("trace.zip" if number == 1 else f"trace-{number}.zip")
        # pytest-playwright's own stop, after this, does nothing. Scrubbed here, not at the test's report: a run
        # stopped midway reports no teardown; and before it is in the folder, which others may read.
        stop_tracing(context, trace)
        item.stash.setdefault(RETRY_TRACES, []).append(str(trace))
        close(*args, **kwargs)

    context.close = close_with_trace  # type: ignore[method-assign]
    return context


def no_screenshot_when_passed(context: BrowserContext, item: pytest.Item) -> BrowserContext:
    """Close ``context``'s pages before the context when ``item`` passed its call, so no screenshot is taken; a
    failed test's pages are photographed even mid-navigation (``plugins.screenshot_fallback``).

    Only with ``--screenshot=only-on-failure`` (or ``on``, which photographs every test), and only at the test's
    teardown: a context the test closes itself is screenshotted as before. The suite's context factory passes
    every context here.
    """
    option = item.config.getoption("--screenshot", default=None)
    if option not in ("on", "only-on-failure"):
        return context
    close = context.close

    def close_pages_first(*args: Any, **kwargs: Any) -> None:
        call = item.stash.get(CALL_REPORT, None)
        skip_pictures = call is not None and call.passed and option == "only-on-failure"
        for page in context.pages:
            if skip_pictures:
                page.close()
            else:
                screenshot_even_mid_navigation(page)
        close(*args, **kwargs)

    context.close = close_pages_first  # type: ignore[method-assign]
    return context


FOLDER_SUFFIX = pytest.StashKey[str]()  # what tells a test's folder apart from another's of the same name
RETRY_TRACES = pytest.StashKey[list[str]]()  # the traces a retry recorded, for its report
RETRY_CONTEXTS = pytest.StashKey[list[int]]()  # the contexts a retry traced, to number its traces
CALL_REPORT = pytest.StashKey[pytest.TestReport | None]()  # this attempt's call report, once there is one


COLLECTED_PROPERTIES = pytest.StashKey[list[tuple[str, object]]]()  # a test's properties before its first attempt


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Start each attempt with the properties the test had before its first: a retry's report then lists its own
    evidence only (the failed attempt's report, and its ``<flakyFailure>``, keep that attempt's)."""
    item.user_properties[:] = item.stash.setdefault(COLLECTED_PROPERTIES, list(item.user_properties))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep this attempt's call report; name the retry's traces on its last report, as pytest-playwright does."""
    report = yield
    xpassed = report.when == "call" and report.failed and str(report.longrepr).startswith("[XPASS(strict)]")
    if xpassed and retried(item) and not item.config.option.usepdb:  # --pdb would stop in this fake exception
        # A strict xfail that passed (its known bug did not show) is the test's result, not a transient failure: a
        # retry that failed as expected would turn it into an expected failure, the run green. Not retried: its
        # "exception", read by pytest-rerunfailures (which wraps this hook), is one it never retries.
        try:
            raise NotTransient(str(report.longrepr))
        except NotTransient:
            call.excinfo = pytest.ExceptionInfo.from_current()
    if report.when != "teardown":
        item.stash[CALL_REPORT] = report if report.when == "call" else None  # a retry's setup forgets the last
        return report
    config = item.config
    traces = [str(value) for name, value in report.user_properties if name == "playwright_trace"]
    for trace in traces:  # kept as evidence: no password travels in one (a retry's were, as they were written)
        scrub_trace(path_shown(config, trace))
    html = config.pluginmanager.getplugin("html")
    html_path = getattr(config.option, "htmlpath", None)
    for trace in item.stash.get(RETRY_TRACES, []):
        absolute = Path(config.invocation_params.dir, trace)
        report.user_properties.append(("playwright_trace", shown_path(config, str(absolute))))  # as screenshots
        if html is not None and html_path:
            html_dir = Path(config.invocation_params.dir, os.path.expandvars(html_path)).parent
            # Escaped as pytest-playwright's links: a folder's "#" or "%" would end the address or misread it
            link = urllib.parse.quote(Path(os.path.relpath(absolute, html_dir)).as_posix())
            name = "Trace (retry)" if attempt(item) > 1 else "Trace"
            report.extras = [*getattr(report, "extras", []), html.extras.url(link, name=name)]
    item.stash[RETRY_TRACES] = []
    item.stash[RETRY_CONTEXTS] = []
    return report
