"""Waiting for an Account page that shows its headings before it holds the customer's values.

A single-page portal draws the Account view at once and fills it from its API a moment later: a skeleton
of empty values, a shimmer, "Loading…", and its Edit button only once it knows the user's role. Read then,
the Bill-to info would be blank (taken for what the portal holds, a change already "made" and no Submit) and
Edit missing (taken for a role that may not edit). So the page is taken as shown only once its main content
no longer says it is loading and its Bill-to info holds a value: a billing profile is never blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from playwright.sync_api import Locator, Page

from .list_quiet import INDETERMINATE, SAYS_LOADING
from .shown_values import ELEMENTS_IN_ORDER, TERMS_BY_HEADING

NO_VALUES_YET = "its Bill-to info holds no values yet"
# The words of each alert the page shows (open shadow roots' too), read as Playwright's text filters read an element
# (its text, its shadow root's, no script or style), spaces as one: an alert already shown is no answer to Edit.
ALERTS_SAID = f"""{ELEMENTS_IN_ORDER}
  const textOf = (node) => [...node.childNodes, ...(node.shadowRoot ? [node.shadowRoot] : [])].map((child) =>
    child.nodeType === Node.TEXT_NODE ? child.nodeValue
      : child.nodeType === Node.ELEMENT_NODE && ["SCRIPT", "NOSCRIPT", "STYLE"].includes(child.nodeName) ? ""
      : textOf(child)).join("");
  const alertsSaid = () => [...elementsInOrder(document)]
    .filter((el) => el.getAttribute("role") === "alert" && shown(el) && !el.closest('[aria-hidden="true"]'))
    .map((el) => textOf(el).split(/\\s+/).join(" ").trim()).filter(Boolean);
"""
# ``ALERTS_SAID`` alone, for a page whose alerts were not read with its sections.
ALERTS_SHOWN = f"""() => {{{SAYS_LOADING}{ALERTS_SAID}
  return alertsSaid();
}}"""
# Why the Account view is not shown yet ("" once it is), polled in the page until shown or ``waitMs`` is over, and
# what its headings and alerts then show (``TERMS_BY_HEADING``, ``ALERTS_SAID``): one round trip waits and reads.
ACCOUNT_SHOWN = f"""([pattern, waitMs]) => new Promise((resolve, reject) => {{
  {SAYS_LOADING}{ALERTS_SAID}
  const billTo = new RegExp(pattern, "i");  // in any case, as any_language's patterns match
  const terms = {TERMS_BY_HEADING};
  const indeterminate = '{INDETERMINATE}';
  const overlays = (el) => {{  // in a box fixed over half the window or more (a header's spinner is none)
    for (let at = el; at && at !== document.body; at = at.parentElement) {{
      const box = at.getBoundingClientRect();
      if (getComputedStyle(at).position === "fixed" && box.width * box.height >= innerWidth * innerHeight / 2) {{
        return true;
      }}
    }}
    return false;
  }};
  const loading = () => {{
    const main = document.querySelector('main, [role="main"]') || document.body;
    if (main.closest('[aria-busy="true"]') || [...main.querySelectorAll('[aria-busy="true"]')].some(shown)) {{
      return "it says it is busy";
    }}
    if ([...main.querySelectorAll(indeterminate)].some(shown)) return "a progress bar shows";
    if ([...document.querySelectorAll(indeterminate)].some((el) => shown(el) && overlays(el))) {{
      return "a progress bar covers the page";  // outside its main content, over it while the view loads
    }}
    if ([...main.querySelectorAll("*")].some(saysLoading)) return "it says it is loading";
    const billing = sections.filter(section => billTo.test(section.heading));
    if (billing.length && billing.every(section => section.pairs.every(([, value]) => !value))) {{
      return NO_VALUES_YET;
    }}
    return "";
  }};
  let sections = [];
  const until = performance.now() + waitMs, NO_VALUES_YET = "{NO_VALUES_YET}";
  const look = () => {{
    try {{
      sections = terms();
      const why = loading();
      if (why && performance.now() < until) return setTimeout(look, 50);
      resolve([why, sections, alertsSaid()]);
    }} catch (error) {{  // thrown in a later look, it would end no promise: the evaluation would wait for ever
      reject(error);
    }}
  }};
  look();
}})"""


def shown_sections(
    page: Page, bill_to: re.Pattern[str], wait_ms: int
) -> tuple[str, list[dict[str, Any]], tuple[str, ...]]:
    """Wait, up to ``wait_ms``, until the Account page (its Bill-to heading matching ``bill_to``) no longer says it
    is loading and its Bill-to info holds a value; return why it still was not ("" when it was), each heading's
    term and value pairs then (``TERMS_BY_HEADING``), and the words of the alerts it shows (``ALERTS_SAID``)."""
    loading, sections, alerts = page.evaluate(ACCOUNT_SHOWN, [bill_to.pattern, wait_ms])
    return str(loading), list(sections), tuple(map(str, alerts))


def alerts_shown(page: Page) -> tuple[str, ...]:
    """Return the words of the alerts ``page`` shows now (``ALERTS_SAID``)."""
    return tuple(map(str, page.evaluate(ALERTS_SHOWN)))


def new_alert(page: Page, shown_before: Iterable[str]) -> Locator:
    """Return the alerts ``page`` shows with words, but for those saying, as a whole, what one of ``shown_before``
    said: an alert shown since, or one whose words changed, is the page's answer to what was done meanwhile."""
    alerts = page.get_by_role("alert").filter(visible=True).filter(has_text=re.compile(r"\S"))
    said = "|".join(re.escape(words).replace(r"\ ", r"\s+") for words in dict.fromkeys(shown_before) if words)
    return alerts.filter(has_not_text=re.compile(rf"^\s*(?:{said})\s*$")) if said else alerts
