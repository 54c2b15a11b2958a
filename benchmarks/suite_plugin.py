"""A pytest plugin the benchmark loads into the suite (``-p benchmarks.suite_plugin``); it changes no test.

It records, per test and worker, the time of each phase (setup, call, teardown), the time spent
in the calls that make a test's cost (context, trace, page, the one-off sign-in, creating the
customer through the API, the workflow), and the time the bundled portal takes to serve each
HTTP request. It writes them as JSON into the folder named by ``$BENCH_SUITE_OUT``, one file
per process.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import flask
import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api._generated import Tracing  # the public class; the package does not re-export it

import flows
from fixtures.test_data import CustomerFactory

from .suite import OUTPUT_VARIABLE
from .timing import RequestTimes

P = ParamSpec("P")
R = TypeVar("R")

phase = "collect"  # the phase of the test running in this process, read by the timed calls
calls: list[tuple[str, str, float]] = []  # (what, phase, seconds) of the test running now
tests: list[dict[str, Any]] = []
requests = RequestTimes()
RECORD = pytest.StashKey[dict[str, Any]]()  # the record of the test running now


def timed(what: str, function: Callable[P, R]) -> Callable[P, R]:
    """Return ``function`` recording its duration as ``what`` in the current test's phase."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            calls.append((what, phase, time.perf_counter() - started))

    return wrapper


# Patched on import, before any conftest or test module imports these names from ``flows``.
flows.sign_in = timed("sign in", flows.sign_in)  # type: ignore[assignment]
flows.update_customer_account = timed("workflow", flows.update_customer_account)  # type: ignore[assignment]
CustomerFactory.create = timed("create customer", CustomerFactory.create)  # type: ignore[method-assign]
CustomerFactory.__init__ = timed("customer factory", CustomerFactory.__init__)  # type: ignore[method-assign]
# What pytest-playwright does around each test: a context (with the saved sign-in), a trace, a page;
# then the trace stopped, a screenshot of each page (kept only on failure), the context closed.
Browser.new_context = timed("new context", Browser.new_context)  # type: ignore[method-assign]
BrowserContext.new_page = timed("new page", BrowserContext.new_page)  # type: ignore[method-assign]
Tracing.start = timed("start trace", Tracing.start)  # type: ignore[method-assign]
Tracing.stop = timed("stop trace", Tracing.stop)  # type: ignore[method-assign]
Page.screenshot = timed("screenshot", Page.screenshot)  # type: ignore[method-assign]
BrowserContext.close = timed("close context", BrowserContext.close)  # type: ignore[method-assign]
# Called by the suite's storage_state fixture once per role and worker, to save a sign-in for reuse.
BrowserContext.storage_state = timed("save sign-in", BrowserContext.storage_state)  # type: ignore[method-assign]
_wsgi_app = flask.Flask.wsgi_app


def _timed_wsgi_app(app: flask.Flask, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Time requests that came over a socket; Flask's test client (tests/portal) has none."""
    if "werkzeug.socket" not in environ:
        return _wsgi_app(app, environ, start_response)
    return requests.wrap(functools.partial(_wsgi_app, app))(environ, start_response)


flask.Flask.wsgi_app = _timed_wsgi_app  # type: ignore[method-assign]


def _enter(new_phase: str) -> None:
    global phase
    phase = new_phase


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    calls.clear()
    _enter("setup")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    _enter("call")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    _enter("teardown")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's duration; after teardown, file the test's record."""
    report: pytest.TestReport = yield  # type: ignore[misc]
    record = item.stash.setdefault(RECORD, {"nodeid": item.nodeid, "outcome": "passed"})
    record[report.when] = report.duration
    if report.failed:
        record["outcome"] = "failed"
    elif report.skipped:
        record["outcome"] = "skipped"
    if report.when == "teardown":
        record["calls"] = list(calls)
        tests.append(record)
    return report  # type: ignore[return-value]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Write this process's records; the xdist controller ran no test and writes nothing."""
    folder = os.environ.get(OUTPUT_VARIABLE)
    if not folder or not tests:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    data = {
        **{"worker": worker, "pid": os.getpid(), "tests": tests},
        **{"requests": requests.take(), "request_cpu": requests.cpu_seconds},
    }
    (Path(folder) / f"{worker}-{os.getpid()}.json").write_text(json.dumps(data))
