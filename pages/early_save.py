"""A "saved" said before the portal answered the form (a toast shown as the change is sent), and nothing after.

Only what changes once the portal's answer arrived is its answer (``pages.submit_answer``); an optimistic page says
"saved" before, and nothing more once the portal answered 2xx. That word still standing, the portal not gainsaying
it, is the answer. A refusal drawn after the answer (a conflict) is the answer instead; "Saving…" never is. So is a
2xx answer whose body is not the saved record (most of the form's values): an error's words ("Couldn't save"), which
the page may draw later than any wait for it; the page's own word after the answer is then awaited as for any other.
A 202 is no record saved whatever its body: accepted, not done, its outcome is what the page says once it knows.
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import suppress
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .strings import says_saved

if TYPE_CHECKING:
    from .submit_answer import SubmitAnswer

log = logging.getLogger("flows")
# How long after its 2xx answer the page may take to say more than it said before (a refusal drawn from the body).
EARLY_SAVE_GRACE_MS = 2_000
# Words of a save under way ("Enregistrement en cours…"), which the loose "saved" words may take for one done.
UNDER_WAY = re.compile(r"…|\.{3}|en cours|in progress|正在", re.IGNORECASE)
ACCEPTED = 202  # accepted for processing, not done (RFC 9110): the page's later word (its polling's) is the outcome
# Marks as the answer the messages changed before it that say these words (``pages.answer_watch``'s, shadow roots too).
MARK_SAID_BEFORE = "(saved) => window.__portalMarkSaid && window.__portalMarkSaid(saved)"


def values_in(text: str, values: list[str]) -> int:
    """Count the ``values`` that ``text`` (a request's or an answer's) holds, as a form, a URL or JSON encodes them."""
    encodings = (lambda v: v, quote_plus, quote, lambda v: json.dumps(v)[1:-1])
    return sum(any(encode(value) in text for encode in encodings) for value in values)


def holds_save(answer: Response, values: list[str]) -> bool:
    """Tell whether the 2xx ``answer``'s body may be the record saved: none at all (nothing to refuse with), or one
    holding more than half of the form's ``values`` (as the portal's API gives the profile back). Its body unread, no.
    A 202's, never: accepted for processing, not done, the record it holds is the one asked for, not one saved.
    """
    if answer.status == ACCEPTED:
        return False
    try:
        body = answer.text()
    except (PlaywrightError, UnicodeDecodeError):  # gone from the browser's cache, or not text: not known to save
        return False
    if not body.strip():
        return True
    return 2 * values_in(body, values) > len(values)


def saved_before_answer(watched: SubmitAnswer, said_before: list[str], after: Locator, answer: Response) -> None:
    """Mark as the answer what said "saved" before the portal's 2xx answer (``said_before``: the words of messages
    that changed before it and still show), unless the page says something after it (``after``) within
    ``EARLY_SAVE_GRACE_MS``, or the ``answer`` is not the record saved (``holds_save``). Words that do not say
    "saved" are left: no wait for them."""
    saved = [words for words in said_before if not UNDER_WAY.search(words) and says_saved([words], watched.values)]
    if not saved:
        return
    if not holds_save(answer, watched.values):
        log.debug(
            "Submit at %s: %r said before an answer that is not the record saved: not the answer", watched.url, saved
        )
        return
    with suppress(PlaywrightTimeoutError):
        after.first.wait_for(timeout=EARLY_SAVE_GRACE_MS)
        return  # the page's word after the answer is the answer
    with suppress(PlaywrightError):  # the page gone meanwhile: a new one is looked at as such
        watched.page.evaluate(MARK_SAID_BEFORE, saved)
