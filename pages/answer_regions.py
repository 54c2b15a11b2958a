"""What may say the portal's answer to Submit in place besides ARIA's status and alert roles.

WAI-ARIA: ``aria-live="polite"`` is what a status implies, ``aria-live="assertive"`` what an alert implies. A live
region of neither role (a toast library's, or Angular CDK's announcer: visually hidden, 1 px and clipped, yet shown
as Playwright sees it, and perhaps the only one to say the words) is read as the status or alert it announces as;
a role it has says first. A region holding fields holds the form (a page live as a whole), not a message. One hidden
from assistive technologies (``aria-hidden="true"``, or within such an element) announces nothing, as ARIA's roles
found by Playwright do not: a decorative copy, a clock, a page behind a modal saying "updated" is no answer.

A component library's message bar drawn with no role and no live region (Fluent UI 9's is a "group"; a toast or
snack bar of a library of no accessibility) announces nothing, yet a person sees it: one that says how the save
ended ("saved", "failed": not a tip) is read as a status, as a polite live region would be. Its missing role is a
finding for the accessibility tests, not a reason to wait the whole timeout for an answer already shown.

A dialog that says "saved" after the portal answered ("Changes saved", OK), asking nothing, is its status: it is
the save's only word when no status says it. Not a dialog asking to confirm ("Save changes?", ``asked_to_confirm``),
which comes before anything is sent and is never answered by the library: a question, or one refusing, is no save.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .exceptions import first_line
from .strings import OUTCOME_WORDS, SAVED_WORDS, says_saved, without_data

log = logging.getLogger("flows")
FIELDS = "input, select, textarea"
POLITE = '[aria-live="polite"]:not([role="alert"])'
ASSERTIVE = '[aria-live="assertive"]:not([role="status"]):not(output)'
DIALOGS = '[role="dialog"], [role="alertdialog"], dialog'
# Message bars by their component library's class names, announced by nothing of their own: none holding a status,
# alert or live region (a toast library's container of announced toasts is no message).
ANNOUNCERS = ('[role="status"]', '[role="alert"]', "[aria-live]", "output")
BAR_CLASSES = ("messagebar", "message-bar", "toast", "snackbar")
BARS = ", ".join(  # each without a comma of its own: ``MESSAGES`` takes the list apart at its commas
    f'[class*="{name}" i]' + "".join(f":not({kind}):not(:has({kind}))" for kind in ANNOUNCERS) for name in BAR_CLASSES
)
# The same bars for Playwright: found by their class alone, then each looked at itself (its CSS engine would try every
# ``:not()`` above on every element of the page first: 6 ms of the page's time per look). By XPath, which the browser
# evaluates itself: no announcer itself.
BAR_CLASS = ", ".join(f'[class*="{name}" i]' for name in BAR_CLASSES)
UNANNOUNCED_BAR = "xpath=self::*[not(@role='status' or @role='alert' or @aria-live or self::output)]"
# What assistive technologies are told of: not within an element hidden from them.
ANNOUNCED = ':not([aria-hidden="true"], [aria-hidden="true"] *)'
# The same for Playwright, by XPath on each element found: the CSS above, Playwright's engine walks up from every
# element of the page.
ANNOUNCED_XPATH = "xpath=self::*[not(ancestor-or-self::*[@aria-hidden='true'])]"
# The same, for the page's own script (``pages.answer_watch``): the roles, live regions and dialogs holding no field.
HOLDERS = ('[aria-live="polite"]', '[aria-live="assertive"]', *DIALOGS.split(", "))  # of the form, perhaps
MESSAGES = ", ".join(
    [
        *(f"{kind}{ANNOUNCED}" for kind in ('[role="status"]', '[role="alert"]', "output")),
        *(f"{kind}:not(:has({FIELDS})){ANNOUNCED}" for kind in (*HOLDERS, *BARS.split(", "))),
    ]
)
# A question ("Leave without saving?"): the dialog asks, it says no save. Not one of the form's values' own question
# marks (``question_mark``), nor are its refusing words ("not saved"), read in Python without the form's values: a
# dialog naming the saved customer ("No Frills Ltd: changes saved", "Who? Ltd: changes saved") saves.
QUESTION = re.compile(r"[?？]")
# The button that closes a dialog saying "saved" and does nothing else.
ACKNOWLEDGE = re.compile(
    r"^\s*(?:ok|okay|close|got it|done|dismiss|fermer|compris|terminé|确定|好的?|关闭|知道了|完成)\s*[.!。]?\s*$",
    re.IGNORECASE,
)
ACKNOWLEDGE_WAIT_MS = 2_000  # how long the dialog may take to close once its OK was selected
# The roles an answer's ARIA snapshot is read by at once; another (a live region of no role shows as its text or
# its first child) is looked at closer, as status or alert by its politeness.
READ_BY_ROLE = ("status", "alert", "heading", "textbox", "combobox", "spinbutton")
GONE_WAIT_MS = 250  # how long a message counted may take to be read: one gone meanwhile is passed over


def live(root: Page | Locator, selector: str) -> Locator:
    """Return the live regions ``selector`` names under ``root`` that hold no field and are not hidden from assistive
    technologies."""
    page = root if isinstance(root, Page) else root.page
    return root.locator(selector).locator(ANNOUNCED_XPATH).filter(has_not=page.locator(FIELDS))


def texts_of(messages: Locator) -> list[str]:
    """Return what each of ``messages`` says (its ``innerText``), as ``all_inner_texts`` does, one gone meanwhile
    passed over.

    Read as Playwright reads for a locator's checks, not in the page's own script world: a new page's first read
    there (``all_inner_texts``'s) costs Playwright's script injected into it, more than the reads themselves.
    """
    texts = []
    for index in range(messages.count()):
        try:
            texts.append(messages.nth(index).inner_text(timeout=GONE_WAIT_MS))
        except PlaywrightTimeoutError:
            continue  # gone since it was counted
    return texts


def statuses_in(root: Page | Locator, data: Iterable[str] = ()) -> Locator:
    """Return what announces politely under ``root``: statuses (``<output>`` too), polite live regions, and dialogs
    that say "saved" and ask nothing (one refusing, "not saved", is read as a status that refuses); ``data`` as for
    ``saved_dialogs``."""
    return root.get_by_role("status").or_(live(root, POLITE)).or_(saved_dialogs(root, data)).or_(bars_in(root))


def bars_in(root: Page | Locator) -> Locator:
    """Return the message bars under ``root`` that no role or live region announces and that say how a save ended."""
    page = root if isinstance(root, Page) else root.page
    unannounced = live(root, BAR_CLASS).locator(UNANNOUNCED_BAR).filter(has_not=page.locator(", ".join(ANNOUNCERS)))
    return unannounced.filter(has_text=OUTCOME_WORDS)


def saved_dialogs(root: Page | Locator, data: Iterable[str] = ()) -> Locator:
    """Return the dialogs under ``root`` that say "saved" (or "not saved": ``says_saved`` tells) and ask nothing, a
    question mark of ``data`` (what the form holds: "Who? Ltd") asking nothing."""
    return dialogs_saying_saved(root).filter(has_not_text=question_mark(data))


def dialogs_saying_saved(root: Page | Locator) -> Locator:
    """Return the dialogs under ``root`` that say "saved", asking or not."""
    return live(root, DIALOGS).filter(has_text=SAVED_WORDS)


def question_mark(data: Iterable[str] = ()) -> re.Pattern[str]:
    """Return a pattern of a question mark that is none of ``data``'s own: each of theirs is passed over where the
    words around it are that value's (as Playwright matches text: its spaces collapsed)."""
    values = {" ".join(value.split()) for value in data}
    excused = sorted(
        f"(?!(?<={re.escape(value[:at])}){re.escape(mark)}(?={re.escape(value[at + 1 :])}))"
        for value in values
        for at, mark in enumerate(value)
        if QUESTION.fullmatch(mark)
    )
    return re.compile("".join(excused) + QUESTION.pattern) if excused else QUESTION


def alerts_in(root: Page | Locator) -> Locator:
    """Return what announces assertively under ``root``: alerts, assertive live regions."""
    return root.get_by_role("alert").or_(live(root, ASSERTIVE))


def acknowledge(dialog: Locator) -> None:
    """Select the OK of ``dialog``, which said "saved", as a person would: it asks nothing, and left open (modal) it
    would stand in the way of the caller's next step; the portal may go on to its Account view only then. One
    without such a button is left open; one that stays open is said in the log: the save stands either way."""
    ok = dialog.get_by_role("button", name=ACKNOWLEDGE)
    try:
        if ok.count() != 1:
            log.info("The dialog saying the changes were saved has no OK of its own: left open")
            return
        ok.click()
        dialog.wait_for(state="hidden", timeout=ACKNOWLEDGE_WAIT_MS)
    except PlaywrightError as error:  # a timeout too
        log.warning("The dialog saying the changes were saved stayed open after its OK: %s", first_line(error))


def acknowledge_when_shown(page: Page, data: list[str]) -> None:
    """Have a dialog saying "saved" that the page draws later (Submit's answer read already) acknowledged before the
    page's next action, by any page object: left open, a modal would stand in its way. ``data`` (what the form held
    once saved) is not the portal's words (``says_saved``). Until the next Submit (``stop_acknowledging``), whose own
    dialog is its answer to read first."""

    def close(dialogs: Locator) -> None:
        said = dialogs.first.all_inner_texts()
        asks = any(QUESTION.search(words) for words in without_data(said, data))
        if not asks and says_saved(said, data):  # "not saved", or a question, is left for a person to answer
            acknowledge(dialogs.first)

    page.add_locator_handler(dialogs_saying_saved(page), close, no_wait_after=True)


def stop_acknowledging(page: Page) -> None:
    """Leave dialogs saying "saved" to the next Submit's reading of its answer (``acknowledge_when_shown``)."""
    page.remove_locator_handler(dialogs_saying_saved(page))
