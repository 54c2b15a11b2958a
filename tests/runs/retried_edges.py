"""Run by tests/test_retries.py: the edges of retries, without a browser (a failure's words, its phases,
its files, a skip on the retry, names alike, a strict xfail that passed)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from retried import first_attempt

from pages import UntrustedCertificateError
from plugins.evidence import attach, write_atomically
from plugins.retries import NotTransient, attempt_output_path

LONG_ID = "x" * 200  # with the test's own name, a folder name just under the limit of 255; "-retry1" passes it


def attached(request: pytest.FixtureRequest) -> None:
    """Write and attach a file of this attempt's, in its own folder."""
    path = Path(attempt_output_path(request.node)) / "scan.json"
    write_atomically(path, json.dumps({"test": request.node.nodeid}).encode())
    attach(request.node, "json", "scan", path)


def test_fails_once_in_colour() -> None:
    assert not first_attempt("colour"), "the tool said \x1b[31mERROR\x1b[0m and \x00 at first"


@pytest.fixture
def breaks_at_first_teardown() -> Iterator[None]:
    yield
    assert not first_attempt("teardown"), "its teardown fails on the first attempt only"


@pytest.mark.usefixtures("breaks_at_first_teardown")
def test_fails_once_and_its_teardown_too() -> None:
    assert not first_attempt("call and teardown"), "its call fails on the first attempt only"


def test_fails_then_skips() -> None:
    if not first_attempt("then skips"):
        pytest.skip("the portal is away on the retry")
    raise AssertionError("fails on its first attempt")


def test_attaches_then_fails_once(request: pytest.FixtureRequest) -> None:
    attached(request)

    assert not first_attempt("attaches"), "fails once, after attaching"


@pytest.mark.parametrize("name", [LONG_ID], ids=[LONG_ID])
def test_long_name_fails_once(request: pytest.FixtureRequest, name: str) -> None:
    attached(request)

    assert not first_attempt("long"), "fails once"


@pytest.mark.parametrize("name", ["Lyon", "LYON"])
def test_names_alike_fail(request: pytest.FixtureRequest, name: str) -> None:
    attached(request)

    raise AssertionError(f"fails for {name}")


@pytest.mark.parametrize("language", ["fr-FR"])
def test_in_a_language_fails(language: str, browser_name: str) -> None:
    raise AssertionError(f"fails in {language}")  # its id holds the browser beside the language


@pytest.mark.flaky(reruns=2, rerun_except="ConnectionError")
def test_finding_under_retry_rules_of_its_own() -> None:
    raise NotTransient("an accessibility finding: no retry mends it")


def test_worker_dies_at_first() -> None:
    if first_attempt("worker"):
        os._exit(3)  # the worker process dies under the test, as one killed for memory does


@pytest.fixture
def breaks_at_every_teardown() -> Iterator[None]:
    yield
    raise AssertionError("its teardown fails every time")


@pytest.fixture
def breaks_at_first_teardown_only() -> Iterator[None]:
    yield
    assert not first_attempt("teardown only"), "its teardown fails on the first attempt only"


@pytest.mark.usefixtures("breaks_at_every_teardown")
def test_teardown_fails_every_time() -> None:
    pass


@pytest.mark.usefixtures("breaks_at_first_teardown_only")
def test_teardown_fails_once() -> None:
    pass


def test_fails_once_then_the_run_stops() -> None:
    if first_attempt("run stops"):
        raise AssertionError("fails on its first attempt")
    raise KeyboardInterrupt  # Ctrl-C during the retry


def test_usage_error_inside() -> None:
    raise pytest.UsageError("--portal-password: given twice")  # a test that checks its options itself


def test_untrusted_certificate_inside() -> None:
    raise UntrustedCertificateError("The browser does not trust the certificate of the server at https://portal.test")


@pytest.mark.xfail(reason="the portal's known bug #7", strict=True)
def test_expected_to_fail_passes_at_first() -> None:
    assert first_attempt("expected to fail"), "the known bug shows on the retry only"
