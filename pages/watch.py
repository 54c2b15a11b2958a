"""Help a person follow a headed run: demo mode (highlight, step banner) and pause on failure.

Off by default. ``watch(context, demo=True)`` turns demo mode on for one browser context:
each element is outlined before it is used, and the current step's name stays on the page.
``pause_on_failure=True`` opens the Playwright Inspector at a failing step (headed runs only).
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from playwright.sync_api import BrowserContext, Locator, Page


@dataclass(frozen=True)
class WatchOptions:
    """How a browser context is watched."""

    demo: bool = False
    pause_on_failure: bool = False


UNWATCHED = WatchOptions()
_watched: WeakKeyDictionary[BrowserContext, WatchOptions] = WeakKeyDictionary()

# Shows the step saved in sessionStorage on every page the context loads, so the banner
# survives the portal's navigations.
STEP_BANNER_SCRIPT = """
(() => {
  const show = (name) => {
    let banner = document.getElementById("flow-step-banner");
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "flow-step-banner";
      banner.setAttribute("aria-hidden", "true");
      banner.style.cssText = "position:fixed;bottom:12px;right:12px;z-index:2147483647;padding:8px 14px;" +
        "background:#ff8c00;color:#000;font:600 16px system-ui,sans-serif;border-radius:4px;pointer-events:none";
      document.documentElement.append(banner);
    }
    banner.textContent = name;
  };
  // about:blank, before the first page, has no sessionStorage: the step shows from the next page on.
  const storage = () => { try { return window.sessionStorage; } catch { return null; } };
  window.__showFlowStep = (name) => {
    const saved = storage();
    if (saved) { saved.setItem("flow-step", name); show(name); }
  };
  const saved = storage() && storage().getItem("flow-step");
  if (saved) document.addEventListener("DOMContentLoaded", () => show(saved));
})();
"""
HIGHLIGHT = "el => { el.scrollIntoView({block: 'center'}); el.style.outline = '3px solid #ff8c00'; }"


def watch(context: BrowserContext, *, demo: bool = False, pause_on_failure: bool = False) -> None:
    """Set how ``context`` is watched; the step banner needs no more than this call."""
    _watched[context] = WatchOptions(demo, pause_on_failure)
    if demo:
        context.add_init_script(STEP_BANNER_SCRIPT)


def options_for(page: Page) -> WatchOptions:
    """Return how the page's context is watched."""
    return _watched.get(page.context, UNWATCHED)


def highlight(locator: Locator) -> Locator:
    """Outline the element in demo mode, so a person sees what is about to be used."""
    if options_for(locator.page).demo:
        locator.evaluate(HIGHLIGHT)
    return locator


def show_step(page: Page, name: str) -> None:
    """Show the step's name on the page in demo mode."""
    if options_for(page).demo:
        page.evaluate("name => window.__showFlowStep && window.__showFlowStep(name)", name)
