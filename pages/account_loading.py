"""Waiting for an Account page that shows its headings before it holds the customer's values.

A single-page portal draws the Account view at once and fills it from its API a moment later: a skeleton
of empty values, a shimmer, "Loading…", and its Edit button only once it knows the user's role. Read then,
the Bill-to info would be blank (taken for what the portal holds, a change already "made" and no Submit) and
Edit missing (taken for a role that may not edit). So the page is taken as shown only once its main content
no longer says it is loading and its Bill-to info holds a value: a billing profile is never blank.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

from .list_quiet import INDETERMINATE, SAYS_LOADING
from .shown_values import TERMS_BY_HEADING

NO_VALUES_YET = "its Bill-to info holds no values yet"
# Why the Account view is not shown yet ("" once it is), polled in the page until shown or ``waitMs`` is over, and
# what its headings then show (``TERMS_BY_HEADING``): one round trip waits and reads.
ACCOUNT_SHOWN = f"""([pattern, waitMs]) => new Promise((resolve) => {{
  {SAYS_LOADING}
  const billTo = new RegExp(pattern, "i");  // in any case, as any_language's patterns match
  const terms = {TERMS_BY_HEADING};
  const indeterminate = '{INDETERMINATE}';
  const loading = () => {{
    const main = document.querySelector('main, [role="main"]') || document.body;
    if (main.closest('[aria-busy="true"]') || [...main.querySelectorAll('[aria-busy="true"]')].some(shown)) {{
      return "it says it is busy";
    }}
    if ([...main.querySelectorAll(indeterminate)].some(shown)) return "a progress bar shows";
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
    sections = terms();
    const why = loading();
    if (why && performance.now() < until) return setTimeout(look, 50);
    resolve([why, sections]);
  }};
  look();
}})"""


def shown_sections(page: Page, bill_to: re.Pattern[str], wait_ms: int) -> tuple[str, list[dict[str, Any]]]:
    """Wait, up to ``wait_ms``, until the Account page (its Bill-to heading matching ``bill_to``) no longer says it
    is loading and its Bill-to info holds a value; return why it still was not ("" when it was), and each heading's
    term and value pairs then (``TERMS_BY_HEADING``)."""
    loading, sections = page.evaluate(ACCOUNT_SHOWN, [bill_to.pattern, wait_ms])
    return str(loading), list(sections)
