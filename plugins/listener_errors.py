"""An error raised in a test's own route handler or event listener is that test's failure, said where it came from.

Playwright's Python client holds such an error and raises it from whatever Playwright call comes next. When the
test makes none (its ``goto`` timed out waiting for the request the handler never answered), the next call was the
report's (a screenshot, a check of the browser) and pytest stopped the whole run with INTERNALERROR; or the next
test's first call raised it, failing a test for another's handler. So after each phase of a test the error held
for it is taken: beside the test's own failure (the timeout it caused) it is a note with its traceback; a test
that passed fails with it. A listener that raises on every event (a page that polls) raises from the report's own
calls too: the report is made as the test ended, with a section saying so; and from the teardown's first call, which
then never closed the page: its pages and context are closed after it, so no later test hears it.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from weakref import WeakSet

import playwright
import pytest
from playwright._impl._sync_base import SyncBase
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

# Playwright's own frames: how it called the handler, not where the handler failed.
PLAYWRIGHT = str(Path(playwright.__file__).parent) + os.sep
CLOSE_TRIES = 3  # a context left open is closed past so many listener errors held for its calls
CONNECTIONS: WeakSet[Any] = WeakSet()  # the Playwright connections the tests' fixtures used
log = logging.getLogger("suite")


class ListenerError(Exception):
    """A route handler or event listener of the test raised, and no call of the test was left to raise it."""


def held_errors(item: pytest.Item) -> list[BaseException]:
    """Take the errors Playwright holds for the next call on the connections of ``item``'s fixtures (page, context,
    playwright): read from the client's connection, which keeps it there (``Connection._error``)."""
    errors, seen = [], set()
    for value in (getattr(item, "funcargs", None) or {}).values():
        if not isinstance(value, SyncBase):  # the browser fixture is the suite's stand-in: it may launch one
            continue
        connection = getattr(getattr(value, "_impl_obj", None), "_connection", None)
        if connection is None or id(connection) in seen:
            continue
        seen.add(id(connection))
        CONNECTIONS.add(connection)
        error = taken_error(connection)
        if error is not None:
            errors.append(error)
    return errors


def taken_error(connection: Any) -> BaseException | None:
    """Take the error ``connection`` holds for its next call, if any: raised by the suite, not from that call."""
    error = getattr(connection, "_error", None)
    if not isinstance(error, BaseException):
        return None
    connection._error = None
    return error


def frames_outside_playwright(error: BaseException) -> list[traceback.FrameSummary]:
    """Return ``error``'s traceback less Playwright's own frames (how it called the handler, or made its call)."""
    return [frame for frame in traceback.extract_tb(error.__traceback__) if not frame.filename.startswith(PLAYWRIGHT)]


def said(error: BaseException) -> str:
    """Return ``error`` with its traceback as Python prints it, less the frames of Playwright calling the handler."""
    where = "".join(traceback.format_list(frames_outside_playwright(error)))
    return f"Traceback (most recent call last):\n{where}{''.join(traceback.format_exception_only(error))}".rstrip()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    __tracebackhide__ = True
    for connection in list(CONNECTIONS):  # an earlier test's listener, heard after it ended: not this test's
        error = taken_error(connection)
        if error is not None:
            log.warning("A route handler or event listener of an earlier test raised after it ended: %r", error)
    return (yield from take_held_errors(item, "setting up this test"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    __tracebackhide__ = True
    return (yield from take_held_errors(item, "this test"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    __tracebackhide__ = True
    try:
        return (yield from take_held_errors(item, "this test's teardown"))
    except BaseException:
        close_left_open(item)  # the teardown broke off: what it had still to close may be open
        raise


def close_left_open(item: pytest.Item) -> None:
    """Close the test's browser contexts that its teardown left open: a listener raising on every event (a page that
    polls, a handler that always fails) raised from the teardown's first call, and the rest (closing) never ran, so
    the page went on, and its listener with it, into the next tests."""
    values = (getattr(item, "funcargs", None) or {}).values()
    contexts = {id(value.context): value.context for value in values if isinstance(value, Page)}
    contexts.update({id(value): value for value in values if isinstance(value, BrowserContext)})
    for context in contexts.values():
        for closable in [*context.pages, context]:  # its pages first: then no event comes to raise in its close
            close_past_held_errors(closable)


def close_past_held_errors(closable: Page | BrowserContext) -> None:
    """Close ``closable``, past the listener errors Playwright raises from its calls (``CLOSE_TRIES`` of them)."""
    for _ in range(CLOSE_TRIES):
        try:
            closable.close()  # one closed already: nothing to do
            return
        except PlaywrightError:
            return  # its browser gone: nothing left to close
        except Exception as error:  # the listener's, held for this call: said by the test already
            log.debug("Closing what the teardown left open raised a listener's error: %r", error)


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: what any report's own calls raised comes out here
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Report the test as it ended, with what went wrong while reporting it, when a plugin's own call raised then
    (a listener that keeps raising, heard during the report's screenshot or check of the browser): pytest would stop
    the whole run with INTERNALERROR."""
    try:
        return (yield)
    except Exception as error:
        held_errors(item)  # the same listener's, heard again meanwhile: said here, not by the teardown's calls
        report = pytest.TestReport.from_item_and_call(item, call)
        if report.passed:  # a test that passed and could not be reported fails: its evidence is not whole
            report.outcome, report.longrepr = "failed", f"The report of {item.nodeid} could not be made"
        said = f"{type(error).__name__}: {error}\n{said_where(error)}"
        if hasattr(report.longrepr, "addsection"):
            report.longrepr.addsection("Reporting this test failed", said)
        else:
            report.longrepr = f"{report.longrepr}\nReporting this test failed: {said}"
        return report


def said_where(error: BaseException) -> str:
    """Return where ``error`` was raised: the last of its traceback's frames outside Playwright."""
    return "".join(traceback.format_list(frames_outside_playwright(error)[-3:])).rstrip()


def take_held_errors(item: pytest.Item, during: str) -> Iterator[None]:
    """Run the phase; then raise what a handler or listener raised in it that no call raised."""
    __tracebackhide__ = True
    try:
        result = yield
    except BaseException as failure:
        for error in held_errors(item):
            failure.add_note(
                f"A route handler or event listener raised during {during}, likely the cause:\n{said(error)}"
            )
        raise
    errors = held_errors(item)
    if errors:
        first = errors[0]
        raise ListenerError(
            f"A route handler or event listener raised during {during} ({type(first).__name__}: {first}); "
            "Playwright holds such an error for the next call, and the test made none after it"
        ) from first
    return result
