"""The library's exceptions, so a script can catch them by type: what the portal said went wrong, or why a page
object could not go on (``pages.errors`` reads them off a page; both modules export them)."""

from __future__ import annotations

from collections.abc import Mapping


def first_line(error: BaseException) -> str:
    """Return the first line of ``error``'s words (Playwright's add a call log below it), or its kind's name when it
    has none: what a message built on it can say."""
    said = str(error).strip()
    return said.splitlines()[0] if said else type(error).__name__


class PortalError(Exception):
    """Base of every error the flows raise for something the portal refused or reported."""


class SignInError(PortalError):
    """The sign-in did not get through: the identity provider refused it (its own words: wrong password, locked out,
    wrong code), or it asks for what a script cannot give (a password change, consent), said in the library's words."""


class SignInInterruptedError(SignInError):
    """The sign-in ended at an error page that refuses nothing (a gateway's 503, the portal's 500): ``status`` is its
    HTTP status. Nothing was refused: the same sign-in may pass a moment later."""

    def __init__(self, *args: object, status: int = 0) -> None:
        super().__init__(*args)
        self.status = status


class SignInStalledError(SignInError):
    """The sign-in got nowhere within the timeout: no step the library knows showed, or the provider did not go on
    after an answer. Nothing was refused (no password counted against the account): a moment later it may pass."""


class MfaRequiredError(SignInError):
    """The identity provider asks for what no script can give: a code without a secret, a push to approve, a choice."""


class SignedOutError(PortalError):
    """The portal sent the browser to sign-in: the session is missing or has ended."""


class SignInWindowError(SignedOutError):
    """A window the portal opened to sign in again stands in the way of a screen: its sign-in failed there, or
    nothing signs in again in it (``pages.renewal_window``)."""


class PortalUnavailableError(PortalError):
    """The portal did not answer at all (refused the connection, restarting, down).

    Raised by Submit too: a refused connection means the form never reached the portal, so
    nothing was saved; the message names the browser's network error. (Unless the browser sent it twice: a
    form whose kept-alive connection dropped before any answer is sent again on a new one, which a portal that fell
    over after saving the first then refuses. The accounts job reads the row's values again before any retry.)
    ``address`` is where nothing answered when that is not the page's own (a request of the page's script a gateway
    answered in the portal's place).
    """

    address: str | None = None  # for a subclass that does not pass it on

    def __init__(self, *args: object, address: str | None = None) -> None:
        super().__init__(*args)
        self.address = address


class UntrustedCertificateError(PortalError):
    """The browser refused the portal's (or its sign-in's) certificate: it answers, over TLS the browser does not
    trust. Not the portal being down: trying again changes nothing until the certificate or the browser's trust
    does."""


class BlockedPortError(PortalError):
    """The browser refused the portal's port, one it keeps from the web (6000, 6667, ...): the portal was not asked,
    and trying again changes nothing until the port or the browser's arguments do."""


class UnknownPageError(PortalError):
    """Where a screen was expected, the portal showed a page the library does not know (its words are in the message).

    Raised after the usual wait (Playwright's timeout): a new page of the portal, a gateway's or
    proxy's page, or a screen whose markup changed; a link or button that could not be selected in
    time. After Submit: whether anything was saved is not known (the form may have reached the portal);
    ``unanswered`` is True when the portal gave none at all (a reset connection, a gateway's 502-504, a
    request never answered), as a restarting portal does: a caller may wait for it before looking again.
    """

    def __init__(self, *args: object, unanswered: bool = False) -> None:
        super().__init__(*args)
        self.unanswered = unanswered


class ConfirmationAskedError(UnknownPageError):
    """Submit opened a dialog asking a person to confirm ("Save changes?"), which the library does not answer:
    nothing was sent; a dialog in the page is left open, the browser's own ``confirm()`` dismissed."""


class PageCrashedError(PortalError):
    """The browser's page crashed, or it (its context, the whole browser) was closed, before the step was done.

    Nothing more can be done in that page: open another (``context.new_page()``), or another browser when
    it was closed. During Submit it is an ``UnknownPageError`` instead: the form may have reached the portal.
    ``where`` names the screen's method or the flow's step it happened in, ``url`` the page's address then,
    ``said`` Playwright's words (None when not known).
    """

    where: str | None = None
    url: str | None = None
    said: str | None = None
    step: str | None = None  # the flow's step that said it, once one did


class PageError(PortalError):
    """The portal answered with an error page; ``status`` is its HTTP status.

    ``answered=False`` when the library found it itself (no customer in the list, no Edit offered): the
    message then claims no answer of the portal's, and ``status`` is the one the portal would give.
    """

    def __init__(self, status: int, message: str, *, answered: bool = True) -> None:
        super().__init__(f"The portal answered {status}: {message}" if answered else message[:1].upper() + message[1:])
        self.status = status
        self.said = message  # the page's own words


class ThrottledError(PageError):
    """The portal asked to come back later (429, or 503 saying when): it did nothing with the request.

    ``retry_after`` is the seconds it asked to wait (its ``Retry-After``), None when it did not say.
    """

    def __init__(self, status: int = 429, message: str = "", retry_after: float | None = None) -> None:
        when = f"; it asked to come back in {retry_after:g} s" if retry_after is not None else ""
        super().__init__(status, (message or "too many requests") + when)
        self.said = message
        self.retry_after = retry_after


class CustomerNotFoundError(PageError):
    """No such customer: not in the Customers list, or the portal answered 404."""

    def __init__(self, status: int | None = None, message: str = "", company_name: str = "") -> None:
        said = message or f"no customer named {company_name!r} in the Customers list"
        super().__init__(status or 404, said, answered=status is not None)
        self.company_name = company_name


class AmbiguousCustomerError(PortalError):
    """More than one customer has this company name; ``count`` is how many the list holds, across its pages.

    Company names are not unique (domains are): open the customer by its Microsoft ID instead
    (``CustomerPage(page).open(customer_id)``, ``AccountPage(page).open(customer_id)``).
    """

    def __init__(self, company_name: str, count: int) -> None:
        super().__init__(
            f"{count} customers are named {company_name!r} in the Customers list: "
            f"nothing was changed; open the one meant by its Microsoft ID"
        )
        self.company_name = company_name
        self.count = count


class NotAllowedError(PageError):
    """The signed-in user's role may not do this: no Edit offered, or the portal answered 403."""

    def __init__(self, status: int | None = None, message: str = "") -> None:
        said = message or "the signed-in user's role may not do this"
        super().__init__(status or 403, said, answered=status is not None)


class EditConflictError(PortalError):
    """The portal refused the Submit without a validation error (most often a 409 or 412: someone changed the
    billing profile after the form was opened); nothing was saved. The message says what the portal said.

    The form keeps the typed values; reload the Account page and submit again.
    """


class ReadBackError(PortalError):
    """Submit saved the changes, and reading the Bill-to info back after it failed; ``error`` says why (the session
    ended, the portal stopped answering, the page crashed or left the Account page).

    The changes are saved: not to be submitted again. Read them through the REST API, or open the Account page.
    """

    def __init__(self, error: Exception) -> None:
        said = first_line(error)
        super().__init__(f"The changes were saved, but reading them back failed: {said}")
        self.error = error


class ScreenLeftError(PortalError):
    """A page object was used after its page left the screen it stands for: submitted, cancelled, or gone
    elsewhere (by the script or by the portal); the message says what the page shows instead.

    A page object is a view of one screen, not of the browser's tab: open the screen again (``edit_account``,
    ``AccountEditPage(page).open(customer_id)``, ...) and use the object that returns.
    """


class WrongThreadError(RuntimeError):
    """The library was called where Playwright's sync API cannot run: with a page another thread opened, or
    inside a running asyncio event loop.

    A page belongs to the thread that opened it: open a ``portal_session`` in each thread. From asyncio, run
    the browser work in a thread of its own: ``await asyncio.to_thread(job)``.
    """


SENTENCE_ENDS = (".", "!", "?", "。", "！", "？")


class ValidationError(PortalError):
    """The portal refused the changes as invalid; ``field_errors`` maps each field to its message: by its API name
    (``city``), else by its label as shown; empty when the portal said why in words alone (the message has them)."""

    def __init__(self, field_errors: Mapping[str, str], message: str = "") -> None:
        # "city: City is required. email: …", not "required.; email": a message that ends its sentence needs no ";".
        said = [f"{field}: {text.strip()}" for field, text in field_errors.items()]
        ended = [part if part.endswith(SENTENCE_ENDS) else f"{part};" for part in said[:-1]]
        details = " ".join([*ended, *said[-1:]])
        super().__init__(f"The portal refused the changes: {details or message}")
        self.field_errors = dict(field_errors)


# Named where scripts, reports and CI dashboards have always found them (``pages.errors.SignedOutError``), and where
# a pickled one (sent from a worker process) is looked up.
for _error in [value for value in list(globals().values()) if isinstance(value, type) and issubclass(value, Exception)]:
    _error.__module__ = "pages.errors"
