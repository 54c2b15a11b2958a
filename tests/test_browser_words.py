"""The library reads each browser's words for a request that failed: whether the portal answered, and whether the
request reached it at all (a Submit that never reached the portal saved nothing; one that did may have)."""

from __future__ import annotations

import pytest

from pages.errors import never_reached, no_answer

pytestmark = pytest.mark.tooling  # words alone: no browser, no portal


@pytest.mark.parametrize(
    ("words", "answered", "reached"),
    [
        ("net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/dashboard", False, False),
        ("net::ERR_NAME_NOT_RESOLVED", False, False),
        ("net::ERR_CONNECTION_RESET", False, True),
        ("net::ERR_EMPTY_RESPONSE", False, True),
        ("net::ERR_ABORTED", True, True),  # another navigation took over: not the portal's silence
        ("NS_ERROR_CONNECTION_REFUSED", False, False),
        ("NS_ERROR_UNKNOWN_HOST", False, False),
        ("NS_ERROR_NET_RESET", False, True),
        ("NS_ERROR_ABORT", True, True),
        ("NS_BINDING_ABORTED", True, True),
        ("Could not connect: Connection refused", False, False),  # WebKit on Linux
        ("Could not connect to the server.", False, False),  # WebKit on macOS
        ("The network connection was lost.", False, True),
        ("Blocked by Web Inspector", False, False),  # WebKit: a request a route aborted, never sent
        ("cancelled", True, True),
    ],
)
def test_each_browser_s_words_for_a_failed_request_say_whether_the_portal_answered_or_was_reached(
    words: str, answered: bool, reached: bool
) -> None:
    assert no_answer(words) is not answered
    assert never_reached(words) is not reached
