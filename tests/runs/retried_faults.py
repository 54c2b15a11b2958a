"""Run by tests/test_retries_faults.py: what a run's reports and retries must survive, without a browser (a call and
its teardown both failing, a quarantined test among fixtures of a wider scope, a worker dying under a quarantined
test, parameters beyond ASCII, a test named as another's retry)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from retried import MARKS, first_attempt

from plugins.retries import attempt, attempt_output_path


def log(line: str) -> None:
    """Note ``line`` in the run's log: the order fixtures and tests ran in."""
    with (MARKS / "log").open("a", encoding="utf-8") as file:
        file.write(line + "\n")


@pytest.fixture
def breaks_at_teardown() -> Iterator[None]:
    yield
    raise RuntimeError("the teardown's cleanup failed")


@pytest.mark.usefixtures("breaks_at_teardown")
def test_call_and_teardown_fail() -> None:
    raise AssertionError("the call's own assertion")


@pytest.fixture(scope="session")
def session_resource() -> Iterator[None]:
    log("session setup")
    yield
    log("session teardown")


@pytest.fixture(scope="module")
def module_resource(session_resource: None) -> Iterator[None]:
    log("module setup")
    yield
    log("module teardown")


@pytest.mark.usefixtures("module_resource")
def test_scoped_passes() -> None:
    log("test_scoped_passes")


@pytest.mark.usefixtures("module_resource")
def test_scoped_quarantined_fails() -> None:
    log("test_scoped_quarantined_fails")
    raise AssertionError("known to fail now and then")


def test_quarantined_worker_dies() -> None:
    log("test_quarantined_worker_dies")
    os._exit(3)  # the worker process dies under the test, as one killed for memory does


@pytest.mark.parametrize("city", ["Zürich", "北京"])
def test_in_a_city_fails(city: str) -> None:
    raise AssertionError(f"fails in {city}")


def noted_in_its_folder(request: pytest.FixtureRequest) -> None:
    """Write which test and attempt this is into the attempt's own folder."""
    folder = Path(attempt_output_path(request.node))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "attempt.txt").write_text(f"{request.node.nodeid} attempt {attempt(request.node)}")


def test_signs_in(request: pytest.FixtureRequest) -> None:
    noted_in_its_folder(request)
    raise AssertionError("fails")


def test_signs_in_retry1(request: pytest.FixtureRequest) -> None:
    noted_in_its_folder(request)
    raise AssertionError("fails too")


def test_fails_once() -> None:
    assert not first_attempt("fails once"), "fails on its first attempt only"


@pytest.mark.xfail(reason="the portal's known bug #7", strict=True)
def test_known_bug_gone() -> None:
    pass  # the bug did not show: a strict xfail fails
