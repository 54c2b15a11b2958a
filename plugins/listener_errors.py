"""An error raised in a test's own route handler or event listener is that test's failure, said where it came from.

Playwright's Python client holds such an error and raises it from whatever Playwright call comes next. When the
test makes none (its ``goto`` timed out waiting for the request the handler never answered), the next call was the
report's (a screenshot, a check of the browser) and pytest stopped the whole run with INTERNALERROR; or the next
test's first call raised it, failing a test for another's handler. So after each phase of a test the error held
for it is taken: beside the test's own failure (the timeout it caused) it is a note with its traceback; a test
that passed fails with it.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from pathlib import Path

import playwright
import pytest
from playwright._impl._sync_base import SyncBase

# Playwright's own frames: how it called the handler, not where the handler failed.
PLAYWRIGHT = str(Path(playwright.__file__).parent) + os.sep


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
        error = getattr(connection, "_error", None)
        if isinstance(error, BaseException):
            connection._error = None  # taken: raised here, not from the report's calls or the next test's
            errors.append(error)
    return errors


def said(error: BaseException) -> str:
    """Return ``error`` with its traceback as Python prints it, less the frames of Playwright calling the handler."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if not frame.filename.startswith(PLAYWRIGHT)]
    where = "".join(traceback.format_list(frames))
    return f"Traceback (most recent call last):\n{where}{''.join(traceback.format_exception_only(error))}".rstrip()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    __tracebackhide__ = True
    return (yield from take_held_errors(item, "setting up this test"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    __tracebackhide__ = True
    return (yield from take_held_errors(item, "this test"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    __tracebackhide__ = True
    return (yield from take_held_errors(item, "this test's teardown"))


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
