"""What may say the portal's answer to Submit in place besides ARIA's status and alert roles.

WAI-ARIA: ``aria-live="polite"`` is what a status implies, ``aria-live="assertive"`` what an alert implies. A live
region of neither role (a toast library's, or Angular CDK's announcer: visually hidden, 1 px and clipped, yet shown
as Playwright sees it, and perhaps the only one to say the words) is read as the status or alert it announces as;
a role it has says first. A region holding fields holds the form (a page live as a whole), not a message.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

FIELDS = "input, select, textarea"
POLITE = '[aria-live="polite"]:not([role="alert"])'
ASSERTIVE = '[aria-live="assertive"]:not([role="status"]):not(output)'
# The same, for the page's own script (``pages.answer_watch``): the roles, and live regions holding no field.
HOLDERS = ('[aria-live="polite"]', '[aria-live="assertive"]')  # of the form, perhaps
MESSAGES = ", ".join(['[role="status"], [role="alert"], output', *(f"{kind}:not(:has({FIELDS}))" for kind in HOLDERS)])
# The roles an answer's ARIA snapshot is read by at once; another (a live region of no role shows as its text or
# its first child) is looked at closer, as status or alert by its politeness.
READ_BY_ROLE = ("status", "alert", "heading", "textbox", "combobox", "spinbutton")


def live(root: Page | Locator, selector: str) -> Locator:
    """Return the live regions ``selector`` names under ``root`` that hold no field."""
    page = root if isinstance(root, Page) else root.page
    return root.locator(selector).filter(has_not=page.locator(FIELDS))


def statuses_in(root: Page | Locator) -> Locator:
    """Return what announces politely under ``root``: statuses (``<output>`` too), polite live regions."""
    return root.get_by_role("status").or_(live(root, POLITE))


def alerts_in(root: Page | Locator) -> Locator:
    """Return what announces assertively under ``root``: alerts, assertive live regions."""
    return root.get_by_role("alert").or_(live(root, ASSERTIVE))
