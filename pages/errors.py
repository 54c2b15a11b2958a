"""Errors raised when the portal says what went wrong, so a script can catch them by type.

Page objects raise them while waiting for a screen (the portal showed sign-in or an error page
instead); flows raise them when the portal refuses an action. Both export them. The classes are
``pages.exceptions``'; what a page shows is read into them here.
"""

from __future__ import annotations

import datetime
import email.utils
import re
import time
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .exceptions import (  # noqa: F401 (defined there; raised, and known to scripts, as pages.errors.*)
    AmbiguousCustomerError,
    BlockedPortError,
    ConfirmationAskedError,
    CustomerNotFoundError,
    EditConflictError,
    MfaRequiredError,
    NotAllowedError,
    PageCrashedError,
    PageError,
    PortalError,
    PortalUnavailableError,
    ReadBackError,
    ScreenLeftError,
    SignedOutError,
    SignInError,
    SignInInterruptedError,
    SignInStalledError,
    SignInWindowError,
    ThrottledError,
    UnknownPageError,
    UntrustedCertificateError,
    ValidationError,
    WrongThreadError,
    first_line,
)
from .strings import LOCALES

ANSWER_CHECK_MS = 5_000  # how long the page's own address may take to answer the one request asking it again
# The browser's network error if asking the page's own address again finds nobody there; "" if it answers at all
# (whatever its status) or takes longer than ``waitMs``. Asked from the page, as the list's own requests are; a
# redirect is an answer (a session ended sends to sign-in at another site, which a fetch followed there cannot read).
# A request the page's own Content-Security-Policy refuses (a connect-src without 'self') fails alike: its violation,
# an event of its own, says the portal may well answer (the event is queued as a task: one is waited for).
ADDRESS_UNANSWERED = """async (waitMs) => {
  let refusedByPolicy = false;
  const note = (event) => { refusedByPolicy ||= event.effectiveDirective === "connect-src"; };
  document.addEventListener("securitypolicyviolation", note);
  try {
    const asked = {method: "HEAD", cache: "no-store", redirect: "manual", signal: AbortSignal.timeout(waitMs)};
    await fetch(location.href, asked);
    return "";
  } catch (error) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    return error.name === "TypeError" && !refusedByPolicy ? String(error.message || error) : "";
  } finally {
    document.removeEventListener("securitypolicyviolation", note);
  }
}"""
# The status and address of the page's script's last request when a gateway answered it in the portal's place (one
# of the statuses given), by its resource timing (Chromium's and Firefox's tell a status; WebKit's do not): null when
# not. Not the library's own look at the page's address (``ADDRESS_UNANSWERED``).
GATEWAY_ANSWERED = """async ([statuses, scripts, recentMs, waitMs]) => {
  const recent = (entry) => performance.now() - entry.responseEnd <= recentMs;  // a full buffer keeps old ones only
  const lastAnswered = () => performance.getEntriesByType("resource").filter(entry => entry.responseStatus
    && ["fetch", "xmlhttprequest"].includes(entry.initiatorType) && entry.name !== location.href).at(-1);
  // A request's timing is kept once its answer's body has come: the page may have said it failed before, on its
  // status alone. Looked for again until waitMs.
  for (const until = performance.now() + waitMs; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const last = lastAnswered();
    if (last && recent(last) && statuses.includes(last.responseStatus)) return [last.responseStatus, last.name];
    if (performance.now() >= until) break;
  }
  if (!scripts) return null;
  const entries = performance.getEntriesByType("resource");
  // Or one of the page's scripts (or style sheets that hold its drawing back), which it loads once: a page without
  // them never draws its screen. Not one loaded again since, whole.
  const drawing = (entry) => entry.initiatorType === "script"
    || (entry.initiatorType === "link" && entry.renderBlockingStatus === "blocking");
  const failed = entries.find((entry, at) => drawing(entry) && statuses.includes(entry.responseStatus)
    && !entries.slice(at + 1).some(later => later.name === entry.name && later.responseStatus < 400));
  return failed ? [failed.responseStatus, failed.name] : null;
}"""
# What a page says it is, read without waiting: its main heading, else its title, else its first words.
PAGE_HEADING = """() => {
  const heading = document.querySelector('h1, [role="heading"][aria-level="1"]');
  const words = (heading && heading.innerText) || document.title || (document.body && document.body.innerText) || "";
  return words.split(/\\s+/).join(" ").trim().slice(0, 200);
}"""
# The HTTP status the page's document was answered with (its navigation timing); 0 where not known (WebKit).
DOCUMENT_STATUS = "() => performance.getEntriesByType('navigation')[0]?.responseStatus || 0"
# How a browser shows an answer of plain text (Chromium, Firefox, WebKit alike): its text in one <pre>.
PLAIN_TEXT_PAGE = "body > pre:only-child"


# A browser's words for a request that got no answer (Chromium, Firefox, WebKit); an aborted one
# (another navigation took over) is not the portal's doing. WebKit words any request a route aborts (a test's fault,
# a script's filter) as blocked by its inspector: never sent.
NO_ANSWER = re.compile(
    r"net::ERR_(?!ABORTED)|NS_ERROR_(?!ABORT)|Could not connect|network connection was lost|Connection refused"
    r"|Blocked by Web Inspector"
)

# A browser's words for a certificate it does not trust (Chromium; Firefox; WebKit): an answer, refused by the browser.
UNTRUSTED_CERTIFICATE = re.compile(
    r"net::ERR_CERT_\w+|SEC_ERROR_\w+|MOZILLA_PKIX_ERROR_\w+|SSL_ERROR_BAD_CERT\w*"
    r"|certificate for this server is invalid"
)

# A browser's words for a port it keeps from the web, refused before any connection (Chromium; Firefox; WebKit).
BLOCKED_PORT = re.compile(r"net::ERR_UNSAFE_PORT|NS_ERROR_PORT_ACCESS_NOT_ALLOWED|restricted network port")

# What an untrusted certificate's message advises; a command line or the suite names its option instead.
TAKE_CERTIFICATE = "open the browser context with ignore_https_errors=True"

# Playwright's words for a page that crashed, or whose page, context or browser was closed under an action.
PAGE_LOST = re.compile(r"Target crashed|Page crashed|Target page, context or browser has been closed|Target closed")

# Where a browser shows its own page for a navigation that got no answer (Chromium's address; Firefox's document).
BROWSER_ERROR_PAGE = re.compile(r"^(?:chrome-error:|about:neterror)")

# A gateway's words for the portal behind it not answering (a restart, say).
GATEWAY_DOWN = (502, 503, 504)

# Of those, the words for a request that never reached the portal: refused, unresolved, unreachable.
# Others (reset, empty answer, a generic failure) may come after it did.
NEVER_REACHED = re.compile(
    r"ERR_(?:CONNECTION_REFUSED|NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|ADDRESS_UNREACHABLE|INTERNET_DISCONNECTED"
    r"|CONNECTION_FAILED|PROXY_CONNECTION_FAILED)|NS_ERROR_(?:CONNECTION_REFUSED|UNKNOWN_HOST|OFFLINE)"
    r"|Could not connect|Connection refused|Blocked by Web Inspector"
)


def no_answer(error: Exception | str) -> bool:
    """Tell whether a Playwright error (or a failed request's words) says the portal did not answer at all."""
    return NO_ANSWER.search(str(error)) is not None


def refused_address(error: Exception) -> str | None:
    """Return the address a navigation Playwright says failed went to ("... at https://..."), if it says one: the
    sign-in's, say, not the one asked for."""
    found = re.search(r" at (\w+://\S+)", first_line(error))
    return found.group(1) if found else None


def untrusted_certificate(error: Exception, asked: str) -> UntrustedCertificateError | None:
    """Return the error for a navigation (to ``asked``) the browser refused for its server's certificate, else None.

    The server named is the one the browser refused, which Playwright's error names: the sign-in's, say.
    """
    said = UNTRUSTED_CERTIFICATE.search(str(error))
    if said is None:
        return None
    refused = refused_address(error)
    where = address_of(refused) if refused else asked
    return UntrustedCertificateError(
        f"The browser does not trust the certificate of the server at {where} ({said.group(0)}): its issuer is "
        "not among the browser's trusted ones (an internal CA?). Add the issuer to this machine's trusted "
        f"certificates, or {TAKE_CERTIFICATE} (a test deployment's only)"
    )


def blocked_port(error: Exception, asked: str) -> BlockedPortError | None:
    """Return the error for a navigation (to ``asked``) the browser refused for its port, else None: browsers keep
    ports of other protocols (6000 for X11, 6667 for IRC, ...) from the web, refusing them before any connection."""
    said = BLOCKED_PORT.search(str(error))
    if said is None:
        return None
    where = urlsplit(refused_address(error) or asked)
    server = f"port {where.port} of {where.scheme}://{where.netloc}/" if where.port else f"the port of {asked}"
    return BlockedPortError(
        f"The browser refuses {server} ({said.group(0)}): browsers keep the ports of "
        "other protocols from the web, before any connection, so the portal was not asked. Serve it on another port "
        "(or, in a script that launches its own browser, allow this one: Chromium's "
        f"--explicitly-allowed-ports={where.port or 'PORT'})"
    )


def never_reached(error: Exception | str) -> bool:
    """Tell whether a Playwright error (or a failed request's words) says the request never reached the portal."""
    return NEVER_REACHED.search(str(error)) is not None


def page_lost(error: Exception) -> bool:
    """Tell whether ``error`` is Playwright's saying the page crashed, or it, its context or its browser was closed
    (not a timeout, whatever its log quotes)."""
    is_timeout = isinstance(error, PlaywrightTimeoutError)
    return isinstance(error, PlaywrightError) and not is_timeout and PAGE_LOST.search(str(error)) is not None


def browser_error_page(page: Page, asked: str) -> PortalUnavailableError | None:
    """Return the error for the browser's own error page shown instead of the portal's, else None.

    The browser shows it for a navigation nothing answered (refused, reset, unreachable); ``asked``
    says what led there.
    """
    if not BROWSER_ERROR_PAGE.match(page.url):
        return None
    return PortalUnavailableError(
        f"The portal did not answer {asked}: the browser shows its own error page ({page.url}) instead"
    )


def document_status(page: Page) -> int:
    """Return the HTTP status ``page``'s document was answered with; 0 when not known."""
    try:
        return int(page.evaluate(DOCUMENT_STATUS) or 0)
    except (PlaywrightError, TypeError, ValueError):  # closed, navigating again, or a browser without it
        return 0


def page_says(page: Page) -> str:
    """Return what ``page`` says it is (its main heading, else its title), for an error's message; "" if unknown."""
    try:
        return str(page.evaluate(PAGE_HEADING))
    except PlaywrightError:  # closed, or navigating again
        return ""


def unread_language(page: Page) -> str:
    """Say that ``page`` is in a language the library has no strings for (its ``lang``, "de-DE" say), else "".

    Every screen is found by its words: such a page shows none the library waits for, and would be taken
    for a screen that never came.
    """
    try:
        language = str(page.evaluate("document.documentElement.lang || ''")).strip()
    except PlaywrightError:  # closed, or navigating again
        return ""
    # Its language alone: "fr-CA" and "zh-Hans" are read; so is "zh_CN", as servers write their locales.
    if not language or re.split("[-_]", language)[0].lower() in {known.split("-")[0].lower() for known in LOCALES}:
        return ""
    return (
        f"the page is in {language} (its lang), which the library does not read: it knows {', '.join(LOCALES)}; "
        "set the user's language in the portal, or the browser's (locale=...), to one of them"
    )


def address_of(url: str) -> str:
    """Return ``url`` without its query and fragment: a sign-in page's (its state, nonce and challenge) is noise in a
    message, and may hold what a log should not."""
    return url.split("?", 1)[0].split("#", 1)[0]


def portal_unanswered(page: Page) -> str:
    """Return the browser's word when the portal no longer answers ``page``'s own address, "" when it does."""
    try:
        return str(page.evaluate(ADDRESS_UNANSWERED, ANSWER_CHECK_MS))
    except PlaywrightError:  # the page went elsewhere meanwhile: whatever answered, something did
        return ""


TIMING_WAIT_MS = 1_000  # how long a request's timing may come after the page said it failed (its body still coming)
RECENT_MS = 60_000  # how long ago a request a gateway answered may have ended to be the list's (its wait: 30 s)


def gateway_answered(page: Page, *, scripts: bool = False) -> tuple[int, str] | None:
    """Return the status and address of the last request of ``page``'s script when a gateway answered it in the
    portal's place (502-504: the portal behind it did not answer), else None; ``scripts``: or of one of the scripts
    or style sheets the page loaded."""
    try:
        waited = 0 if scripts else TIMING_WAIT_MS  # a screen's timeout ran out before the scripts' look: long come
        found = page.evaluate(GATEWAY_ANSWERED, [list(GATEWAY_DOWN), scripts, RECENT_MS, waited])
    except PlaywrightError:  # the page went elsewhere meanwhile
        return None
    return (int(found[0]), str(found[1])) if found else None


def portal_silent(error: BaseException) -> bool:
    """Whether ``error`` says the portal as a whole did not answer: nothing answered, a Submit was left without an
    answer, or a gateway's 502-504 stood in its place (not a throttle: that is the portal's own answer)."""
    if isinstance(error, PortalUnavailableError) or (isinstance(error, UnknownPageError) and error.unanswered):
        return True
    return isinstance(error, PageError) and not isinstance(error, ThrottledError) and error.status in GATEWAY_DOWN


def retry_after_seconds(value: str | None, date: str | None = None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks to wait (seconds, or an HTTP date); None if unreadable.

    A date is counted from the answer's own ``Date`` (``date``), when readable: the server's clock, not this
    machine's, which may be minutes off (the answer has just come: its date is now, to the server).
    """
    value = (value or "").strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return float(value)
    when = http_date(value)
    if when is None:
        return None
    answered = http_date(date or "")
    return max(0.0, when - (answered if answered is not None else time.time()))


def http_date(value: str) -> float | None:
    """Return the timestamp of an HTTP date ("Fri, 04 Dec 2026 10:00:00 GMT"), None if unreadable."""
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=datetime.UTC)  # HTTP dates are GMT, "-0000" too
    return when.timestamp()


def asks_to_come_back(status: int, retry_after: float | None) -> bool:
    """Whether an answer of ``status`` asks to be sent again later, having done nothing: a 429, or a 503 that says when
    (``retry_after``, readable); a 503 saying nothing is a gateway's for a server that did not answer."""
    return status == 429 or (status == 503 and retry_after is not None)


def error_for_status(
    status: int, message: str, *, of_customer: bool = True, retry_after: float | None = None
) -> PageError:
    """Return the most specific error for an error page with this status.

    A 404 is ``CustomerNotFoundError`` on a customer's screens (``of_customer``) only: elsewhere the
    page itself is missing (another deployment's address), which is no statement about customers.
    A 429, or a 503 that says when to come back (``retry_after``), is ``ThrottledError``.
    """
    if asks_to_come_back(status, retry_after):
        return ThrottledError(status, message, retry_after)
    if status == 403:
        return NotAllowedError(status, message)
    if status == 404 and of_customer:
        return CustomerNotFoundError(status, message)
    return PageError(status, message)
