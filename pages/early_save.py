"""A "saved" said before the portal answered the form (a toast shown as the change is sent), and nothing after.

Only what changes once the portal's answer arrived is its answer (``pages.submit_answer``); an optimistic page says
"saved" before, and nothing more once the portal answered 2xx. That word still standing, the portal not gainsaying
it, is the answer. A refusal drawn after the answer (a conflict) is the answer instead; "Saving…" never is.
"""

from __future__ import annotations

import re
from contextlib import suppress
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .strings import says_saved

if TYPE_CHECKING:
    from .submit_answer import SubmitAnswer

# How long after its 2xx answer the page may take to say more than it said before (a refusal drawn from the body).
EARLY_SAVE_GRACE_MS = 2_000
# Words of a save under way ("Enregistrement en cours…"), which the loose "saved" words may take for one done.
UNDER_WAY = re.compile(r"…|\.{3}|en cours|in progress|正在", re.IGNORECASE)
# Marks as the answer the messages changed before it that say these words (``pages.answer_watch``'s, shadow roots too).
MARK_SAID_BEFORE = "(saved) => window.__portalMarkSaid && window.__portalMarkSaid(saved)"


def saved_before_answer(watched: SubmitAnswer, said_before: list[str], after: Locator) -> None:
    """Mark as the answer what said "saved" before the portal's 2xx answer (``said_before``: the words of messages
    that changed before it and still show), unless the page says something after it (``after``) within
    ``EARLY_SAVE_GRACE_MS``. Words that do not say "saved" are left: no wait for them."""
    saved = [words for words in said_before if not UNDER_WAY.search(words) and says_saved([words], watched.values)]
    if not saved:
        return
    with suppress(PlaywrightTimeoutError):
        after.first.wait_for(timeout=EARLY_SAVE_GRACE_MS)
        return  # the page's word after the answer is the answer
    with suppress(PlaywrightError):  # the page gone meanwhile: a new one is looked at as such
        watched.page.evaluate(MARK_SAID_BEFORE, saved)
