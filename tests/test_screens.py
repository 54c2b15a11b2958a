"""What a person sees on each screen of the workflow, in each language: accessibility (axe-core) and the look.

Each test reaches one screen in one language, once (tests/screens.py), then, at a desktop and a phone-width
viewport each, scans it with axe-core's WCAG 2.0/2.1 A and AA rules (``a11y``, plugins/a11y.py) and compares
a full-page screenshot with its baseline (``visual``, plugins/visual.py). ``-m a11y``
or ``-m visual`` runs only that part (plugins/layers.py). Every check runs even when one fails; the
test then fails once, naming the screen, the language and each viewport that went wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from screens import LOCALES, SCREENS, Visit, look_at_each_viewport, reach

CASES = [
    pytest.param(screen, locale, id=f"{screen}-{locale}", marks=[pytest.mark.a11y, pytest.mark.visual])
    for screen in SCREENS
    for locale in LOCALES
]


@pytest.mark.parametrize(("screen", "locale"), CASES)
def test_each_screen_is_accessible_and_looks_as_before(
    screen: str,
    locale: str,
    request: pytest.FixtureRequest,
    check_accessibility: Callable[..., object],
    expect_screenshot: Callable[..., None],
) -> None:
    # Given the screen, reached in its language and settled
    shown = reach(screen, Visit(request, locale))

    # When it is scanned and photographed at each viewport
    checks = look_at_each_viewport(shown, screen, locale, check_accessibility, expect_screenshot)

    # Then nothing new is found and nothing moved
    checks.verdict()
