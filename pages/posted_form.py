"""The answer to a form posted as the page's own navigation (the bundled portal's way): a new page, a redirect, or none.

A posted form is answered by the page the portal sends, perhaps after a redirect (POST, 303, the GET of the page
shown); or by no page at all (a 204, a download), the browser staying on the form. ``pages.submit_answer`` notes the
requests; these read what answered the one that carried the form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Request, Response

from .errors import address_of
from .submit_answer import site

if TYPE_CHECKING:
    from .submit_answer import SubmitAnswer

# A download's file name in its Content-Disposition: filename*=UTF-8''... (RFC 6266) before filename="...".
FILE_NAMES = (
    re.compile(r"filename\*\s*=\s*[\w-]*'[^']*'([^;\s]+)", re.IGNORECASE),
    re.compile(r"filename\s*=\s*\"?([^\";]+)", re.IGNORECASE),
)


def posted_carrier(watched: SubmitAnswer) -> Request | None:
    """Return the request that carried the form when it is the page's own navigation (a form posted), else None."""
    carrier = watched.carrier()
    posted = carrier is not None and carrier.is_navigation_request() and carrier.frame == watched.page.main_frame
    return carrier if posted else None


def posted_answer(watched: SubmitAnswer) -> tuple[Request, Response | None] | None:
    """Return the last request of the posted form's redirects (POST, then 303, then the GET of the page shown)
    and the portal's answer to it, once noted; None when the form was not posted."""
    last = posted_carrier(watched)
    if last is None:
        return None
    while last.redirected_to is not None:
        last = last.redirected_to
    return last, watched.responses.get(last)  # noted for the portal's own site only


def pageless_answer(watched: SubmitAnswer) -> str:
    """Say what answered the posted form without a page ("HTTP 204", "a download (account.csv)"): the browser
    stays on the form. "" otherwise, or while not known."""
    _, answer = posted_answer(watched) or (None, None)
    if answer is None:
        return ""
    if answer.status in (204, 205):
        return f"HTTP {answer.status}"
    disposition = answer.headers.get("content-disposition", "")
    if 200 <= answer.status < 300 and disposition.strip().lower().startswith("attachment"):
        named = [found.group(1) for found in (name.search(disposition) for name in FILE_NAMES) if found]
        return f"a download ({unquote(named[0]).strip()})" if named else "a download"
    return ""


def posted_and_answered(watched: SubmitAnswer) -> bool:
    """Whether the form went as the page's own navigation and the portal answered it with a page (the browser
    said so before the click returned): its answer is that new page alone, with no browser's error page to look
    out for. A redirect counts once the address it sent to answered with a page of the portal's site.

    From then on, the answer's locators look at the new page only (``watched.new_page_only``): smaller, so quicker,
    to evaluate.
    """
    posted = posted_answer(watched)
    if posted is None:
        return False
    last, answer = posted
    paged = answer is not None and not 300 <= answer.status < 400 and last not in watched.ended
    watched.new_page_only = paged and watched.failed() is None
    return watched.new_page_only


def taken_before_sign_in(watched: SubmitAnswer) -> str:
    """Say how the portal took the form before it asked to sign in ("it sent the browser on to
    https://…/account", "it answered HTTP 200"): the session ended after the form reached it, which may have
    saved it. "" when its answer to the form was the sign-in itself (nothing saved): a redirect to another site
    (the identity provider) or to one of its own addresses that names the form's, to come back to it."""
    posted = posted_carrier(watched)
    if posted is None:  # sent in place: a 2xx answer is the portal's, whatever the page did next
        return f"it answered HTTP {watched.status}" if 200 <= watched.status < 300 else ""
    after = posted.redirected_to
    if after is None or site(after.url) != site(watched.url):
        return ""
    if urlsplit(watched.url).path in unquote(urlsplit(after.url).query):  # a sign-in's way back to the form
        return ""
    return f"it sent the browser on to {address_of(after.url)}"
