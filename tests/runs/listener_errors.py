"""Run by tests/test_listener_errors.py: route handlers and event listeners of tests raise where no later call of
theirs raises it; each test that owns one fails with it, and the run goes on to a test that passes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, Route

UNANSWERED = "http://never-answered.test/"  # routed: no request leaves the browser
GOTO_TIMEOUT_MS = 2_000


def refuse_to_answer(route: Route) -> None:
    raise ValueError("the test's route handler broke")


@pytest.fixture
def routed_page(page: Page) -> Iterator[Page]:
    page.route(f"{UNANSWERED}**", refuse_to_answer)
    page.goto(UNANSWERED + "fixture", timeout=GOTO_TIMEOUT_MS)
    yield page


def test_1_a_route_handler_raises_and_the_page_never_loads(page: Page) -> None:
    page.route(f"{UNANSWERED}**", refuse_to_answer)

    page.goto(UNANSWERED + "test", timeout=GOTO_TIMEOUT_MS)


def test_2_a_fixture_s_route_handler_raises(routed_page: Page) -> None:
    assert routed_page.url.startswith(UNANSWERED)


def test_3_a_listener_raises_in_a_test_that_passes(page: Page) -> None:
    def broken_listener(message: ConsoleMessage) -> None:
        raise ValueError(f"the test's console listener broke on {message.text!r}")

    with page.expect_console_message():  # its listener first: the broken one, after it, stops the event there
        page.on("console", broken_listener)
        page.evaluate("console.log('hello')")


def test_3b_a_listener_that_keeps_raising_while_the_failure_is_reported(page: Page) -> None:
    def broken_listener(message: ConsoleMessage) -> None:
        raise ValueError("the test's console listener broke again")

    page.evaluate("setInterval(() => console.log('tick'), 1)")  # events all along: the report's calls hear them too
    page.on("console", broken_listener)

    page.locator("#nowhere").click(timeout=GOTO_TIMEOUT_MS)


def test_4_the_next_test_is_not_charged_with_another_s_error(page: Page) -> None:
    page.set_content("<p>after</p>")

    assert page.text_content("p") == "after"
