"""Why an element could not be selected in time, as Playwright's log of the action tells it.

Said in the error, so a person reading it knows whether to close a banner, wait for a control to be
enabled, or look for a label that changed: not only that the wait ran out.
"""

from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

# Playwright's log of what took a click: an element, perhaps within another's subtree (a banner, a dialog).
INTERCEPTED = re.compile(
    r"^\s*- (?P<element><[^\n]*?>)(?:…</[\w-]+>)?(?: from (?P<subtree><[^\n]*?>)(?:…</[\w-]+>)? subtree)?"
    r" intercepts pointer events",
    re.MULTILINE,
)
BANNER_HINT = " (a banner or dialog to close first?)"
LOOKUP_TIMEOUT_MS = 5_000  # for the names a page offers, asked once an action's wait ran out (a busy machine: seconds)
# The names of the links and buttons a page shows, roughly as assistive technology names them: for a message.
OFFERED_NAMES = """() => [...document.querySelectorAll(
  'a[href], button, [role=link], [role=button], [role=tab], [role=menuitem]')]
  .filter((element) => element.getClientRects().length)
  .map((element) => (element.getAttribute("aria-label") || element.innerText || "").trim().split(/\\s+/).join(" "))
  .filter(Boolean).slice(0, 50)"""
# The document's width, its viewport's and its layout viewport's: on a phone (a browser emulating one's layout), a
# page wider than the screen widens the layout viewport past it, and Playwright's taps there land on what lies past
# the screen's edge instead (an element "covers" the one it meant). A desktop's wide page only scrolls.
WIDTHS = """() => [(document.scrollingElement || document.documentElement).scrollWidth,
  document.documentElement.clientWidth, window.innerWidth]"""


def covered_by(error: Exception | None) -> str:
    """Return, for a message, what covered the element an action timed out on (Playwright's log says so), else ""."""
    found = list(INTERCEPTED.finditer(str(error or "")))
    if not found:
        return ""
    last = found[-1]
    return f"; it is covered by {last['subtree'] or last['element']}{BANNER_HINT}"


def wider_than_viewport(page: Page) -> str:
    """Say, for a message, that the page is wider than a phone's screen it is shown on (its layout viewport widened
    past the screen), else ""."""
    try:  # bounded, as below
        wide, width, laid_out = page.wait_for_function(WIDTHS, timeout=LOOKUP_TIMEOUT_MS).json_value()
    except PlaywrightError:
        return ""
    if wide <= width + 1 or laid_out <= width + 1:  # fits (a fraction of a pixel rounded up), or a desktop's scroll
        return ""
    return (
        f" (the page is {wide} CSS px wide at a viewport {width} px wide: it scrolls sideways, and what lies past the "
        "screen's edge takes the click: try a wider viewport)"
    )


def why_not_selected(page: Page, error: Exception) -> str:
    """Return, for a message, why an element could not be selected in time, as the last state Playwright's log
    tells: covered, disabled, hidden; or nothing of that name at all (then what the page offers instead)."""
    said = str(error)
    states = {
        covered_by(error): max((found.start() for found in INTERCEPTED.finditer(said)), default=-1),
        "; it is shown, but disabled": said.rfind("element is not enabled"),
        "; it is there, but hidden": said.rfind("element is not visible"),
    }
    last, where = max(states.items(), key=lambda state: state[1])
    if where >= 0:
        return last.replace(BANNER_HINT, wider_than_viewport(page) or BANNER_HINT) if BANNER_HINT in last else last
    if "resolved to" in said:
        return ""
    try:  # bounded: a page too busy to answer has the timeout's own words only
        offered = page.wait_for_function(OFFERED_NAMES, timeout=LOOKUP_TIMEOUT_MS).json_value()
    except PlaywrightError:
        offered = []
    listed = ", ".join(repr(name) for name in offered)
    return "; nothing of that name is shown" + (f" (the page offers {listed})" if listed else "")
