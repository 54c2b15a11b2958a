"""Run by tests/test_hang_watch.py: a test with no browser runs past its own short limit, then fails on its own
within the grace that follows (the limit's own length, under 30 s); its report must not say that a browser was ended."""

from __future__ import annotations

import pytest

from plugins.hang_watch import WATCH

SLOW_LIMIT_S = 3  # and as long a grace after it


@pytest.mark.test_timeout(SLOW_LIMIT_S)
def test_slow_without_a_browser(request: pytest.FixtureRequest) -> None:
    watch = request.node.stash[WATCH]
    watch.fired.wait()  # past the limit, however slow the machine: then it ends at once, well within the grace

    assert False, "a failure of its own"  # noqa: B011  # on purpose
