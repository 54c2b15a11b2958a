"""Run by tests/test_hang_watch.py: a test with no browser runs past its own short limit, then fails on its own
within the grace that follows (the limit's own length, under 30 s); its report must not say that a browser was ended."""

from __future__ import annotations

import time

import pytest

SLOW_LIMIT_S = 3  # and as long a grace after it: the test ends 1 s into it


@pytest.mark.test_timeout(SLOW_LIMIT_S)
def test_slow_without_a_browser() -> None:
    time.sleep(SLOW_LIMIT_S + 1)

    assert False, "a failure of its own"  # noqa: B011  # on purpose
