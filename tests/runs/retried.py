"""Run by tests/test_retries.py: a test that fails once, one that fails every time, one that passes, one that fails
while its page waits for an answer."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from fixtures.test_data import CustomerFactory
from flows.trace_secrets import keep_out_of_traces
from pages import DashboardPage

MARKS = Path(os.environ.get("RETRY_MARKS", "."))  # a folder the outer test gives: what has failed once


def first_attempt(name: str) -> bool:
    """Tell whether this is the first attempt of the test ``name`` in this run (and remember it)."""
    mark = MARKS / name
    if mark.exists():
        return False
    mark.touch()
    return True


@pytest.fixture(autouse=True)
def count_screenshots(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Note each screenshot a test's pages are taken, kept or not, as a line in ``screenshots-<test>``.

    Autouse fixtures are set up first, so this one is undone after the test's contexts are closed.
    """
    take = Page.screenshot
    name = request.node.originalname

    def counted(self: Page, *args: object, **kwargs: object) -> bytes:
        with (MARKS / f"screenshots-{name}").open("a") as file:
            file.write("taken\n")
        return take(self, *args, **kwargs)

    monkeypatch.setattr(Page, "screenshot", counted)


def test_fails_once_then_passes(admin_page: Page) -> None:
    DashboardPage(admin_page).open()

    assert not first_attempt("flaky"), "fails on its first attempt only"


def test_makes_a_customer_and_breaks_at_first(customers: CustomerFactory) -> None:
    made = customers.create("CN")  # its retry makes one of its own: the first attempt's is on the portal
    with (MARKS / "customers-made").open("a") as file:
        file.write(f"{made.id} {made.companyName}\n")

    assert not first_attempt("made a customer"), "fails on its first attempt only"


def test_fails_every_time(admin_page: Page) -> None:
    DashboardPage(admin_page).open()

    raise AssertionError("fails on every attempt")


def test_passes(admin_page: Page) -> None:
    DashboardPage(admin_page).open()


def test_types_a_secret_then_the_run_stops_in_its_retry(admin_page: Page) -> None:
    secret = os.environ["RETRY_SECRET"]
    keep_out_of_traces(secret)  # as the suite does with the passwords it types
    admin_page.set_content("<label>Password <input type=password></label>")
    admin_page.get_by_label("Password").fill(secret)
    if first_attempt("secret then stop"):
        raise AssertionError("fails on its first attempt")
    raise KeyboardInterrupt  # Ctrl-C during the retry, whose trace holds what it typed


@pytest.fixture
def silent_address() -> Iterator[str]:
    """The address of a server that takes connections and never answers; asked for before ``page``, it outlives it."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        yield f"http://127.0.0.1:{silent.getsockname()[1]}/"


def test_fails_while_its_page_waits_for_an_answer(silent_address: str, page: Page) -> None:
    page.set_content(f'<h1 style="font-size:80px">Before the click</h1><a href="{silent_address}">Go on</a>')
    page.get_by_role("link", name="Go on").evaluate("link => link.click()")  # a click that waits for nothing

    raise AssertionError("fails while the portal holds the page's request")


def test_fails_while_its_page_is_busy_in_a_script(page: Page) -> None:
    page.set_content("<h1>Busy</h1>")
    page.evaluate("setTimeout(() => { while (true) {} }, 0)")  # the renderer never answers again, from now on

    raise AssertionError("fails while its page's script never ends")
