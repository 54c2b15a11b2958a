"""When to send a request again that an API (or its identity provider) asked to send later, shared by every client.

429 always asks to come back later; 503 only when it says when (``Retry-After``: seconds or a date, readable).
Either way the request was not carried out, so sending it again does nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pages.errors import asks_to_come_back, retry_after_seconds

LATER_RETRIES = 4  # times a request the API asks to send later is sent again
LONGEST_WAIT_S = 60.0  # a later "later" than this is the caller's to decide: raised at once
FIRST_WAIT_S = 1.0  # without Retry-After: 1, 2, 4, 8 seconds
# A portal or API not answering (a restart): looked at again after 0.5 s, then twice as long, up to 8 s each time.
FIRST_LOOK_S, LONGEST_LOOK_S = 0.5, 8.0
pause: Callable[[float], None] = time.sleep  # how every wait is waited (a test records it instead)


def wait_asked(status: int, retry_after: str | None, attempt: int, date: str | None = None) -> float | None:
    """Return the seconds to wait before sending again a request answered ``status`` with ``retry_after`` (its
    ``Retry-After``; a date counted from the answer's ``date``) at its ``attempt`` (0 first), None when it is no
    answer to wait out."""
    asked = retry_after_seconds(retry_after, date)
    if not asks_to_come_back(status, asked):
        return None
    # Absent or unreadable: back off. Said, still never less than the shortest pause: "0" would send it back to back.
    return FIRST_WAIT_S * 2**attempt if asked is None else max(asked, FIRST_LOOK_S)


def sent_again_after(status: int, retry_after: str | None, attempt: int, date: str | None = None) -> float | None:
    """Return the seconds to wait before sending the request again, None when it is not to be: not asked to, asked
    for longer than ``LONGEST_WAIT_S``, or sent ``LATER_RETRIES`` times again already."""
    wait = wait_asked(status, retry_after, attempt, date)
    return None if wait is None or wait > LONGEST_WAIT_S or attempt >= LATER_RETRIES else wait
