"""Banners a deployment draws over its pages (cookies, an announcement), closed as a person closes them.

The library closes no banner it does not know: one that covers Edit or Submit makes that step fail, saying what
covers it. Given the words of the button that closes it ("Accept", "Dismiss"), Playwright selects that button
whenever it shows before an action (its locator handlers), and the action goes on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from playwright.sync_api import BrowserContext, Locator, Page


def banner_buttons(buttons: Iterable[str]) -> tuple[str, ...]:
    """Return the buttons' words, trimmed, blanks left out; ``TypeError`` for words that are not text (a bare
    string is one button, not its letters)."""
    names = (buttons,) if isinstance(buttons, str) else tuple(buttons)
    not_text = [repr(name) for name in names if not isinstance(name, str)]
    if not_text:
        raise TypeError(f"A banner's button is named by its words, as text: not {', '.join(not_text)}")
    return tuple(name.strip() for name in names if name.strip())


def close_banners(page: Page, buttons: Iterable[str]) -> None:
    """Have Playwright select a button named as one of ``buttons`` (whole words, any case) whenever it shows before
    an action on ``page``, and wait for it to go: a banner over Edit or Submit is closed first."""
    names = banner_buttons(buttons)
    if not names:
        return
    named = re.compile(r"^\s*(?:" + "|".join(re.escape(name) for name in names) + r")\s*$", re.IGNORECASE)

    def close(button: Locator) -> None:
        button.first.click()

    page.add_locator_handler(page.get_by_role("button", name=named), close)


def close_banners_in(context: BrowserContext, buttons: Iterable[str]) -> None:
    """``close_banners`` on each page of ``context``, those it opens later too."""
    names = banner_buttons(buttons)
    if not names:
        return
    for page in context.pages:
        close_banners(page, names)
    context.on("page", lambda page: close_banners(page, names))
