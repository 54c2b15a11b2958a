"""Run by tests/test_layers_run.py: one small screen of its own in two languages, scanned and photographed.

``LAYERS_TEXT_COLOUR`` chooses the colour of its text (a pale one fails contrast), ``LAYERS_BUTTON_MARGIN``
moves its button.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from playwright.sync_api import Page
from screens import Checks

SCREEN = """<html lang="{locale}"><head><title>Layers</title></head><body style="margin:0;font:16px sans-serif">
  <main style="padding:16px"><h1>Account</h1><p style="color:{colour}">Bill-to info</p>
  <button style="margin-left:{margin}px">Edit</button></main></body></html>"""


@pytest.mark.a11y
@pytest.mark.visual
@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_layers_screen(
    page: Page, locale: str, check_accessibility: Callable[..., object], expect_screenshot: Callable[..., None]
) -> None:
    colour, margin = os.environ.get("LAYERS_TEXT_COLOUR", "#333"), os.environ.get("LAYERS_BUTTON_MARGIN", "0")
    page.set_content(SCREEN.format(locale=locale, colour=colour, margin=margin))
    checks = Checks("layers-screen", locale)

    with checks.check("accessibility"):
        check_accessibility(page, "layers-screen", locale)
    with checks.check("desktop viewport"):
        expect_screenshot(page, f"layers-screen-{locale}-desktop")

    checks.verdict()
