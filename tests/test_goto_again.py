"""``pages.screen.goto``: past the browser's error page of an earlier navigation, shown late (Playwright #35944).

Playwright takes that late page for the new navigation's and fails it. Which comes first is the browser's
race, so a stand-in page plays Playwright's part here: the library's answer is what is checked.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from pages.screen import goto

pytestmark = pytest.mark.tooling  # a stand-in page: no browser, no portal

LATE = 'page.goto: Navigation to "http://portal.test/customers" is interrupted by another navigation to "chrome-error://chromewebdata/"'


class StandInPage:
    """Answers each ``goto`` with the next of ``answers`` (an error is raised); notes every call."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, Any]] = []

    def goto(self, path: str, **options: Any) -> object:
        self.calls.append(("goto", path))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def wait_for_load_state(self, **options: Any) -> None:
        self.calls.append(("wait_for_load_state", options.get("timeout")))


def test_a_navigation_failed_by_a_late_error_page_is_asked_for_again_once_it_has_loaded() -> None:
    # Given a page whose first navigation Playwright fails for an earlier one's error page, shown late
    page = StandInPage(PlaywrightError(LATE), "the answer")

    # When the library goes to a path, then it waits for that page to load and asks for the path again
    answer = goto(page, "/customers", timeout=1_234)  # type: ignore[arg-type]  # the stand-in plays a Page

    assert answer == "the answer"
    assert page.calls == [("goto", "/customers"), ("wait_for_load_state", 1_234), ("goto", "/customers")]


def test_the_navigation_is_asked_for_again_only_once() -> None:
    # Given a page that fails the navigation for a late error page each time it is asked
    page = StandInPage(PlaywrightError(LATE), PlaywrightError(LATE), "never reached")

    # When the library goes to a path, then the second failure is the caller's
    with pytest.raises(PlaywrightError, match="interrupted by another navigation"):
        goto(page, "/customers")  # type: ignore[arg-type]
    assert [call for call, _ in page.calls].count("goto") == 2


def test_any_other_failure_is_not_asked_for_again() -> None:
    # Given a page whose navigation fails for another reason (nothing listens there)
    page = StandInPage(PlaywrightError("page.goto: net::ERR_CONNECTION_REFUSED at http://portal.test/"), "unused")

    # When the library goes to a path, then the failure is raised as it is, the navigation not repeated
    with pytest.raises(PlaywrightError, match="ERR_CONNECTION_REFUSED"):
        goto(page, "/customers")  # type: ignore[arg-type]
    assert page.calls == [("goto", "/customers")]
