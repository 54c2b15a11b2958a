"""The documented workflow as functions: sign in, select a customer, edit its account, submit."""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Mapping
from contextlib import suppress

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages import (
    AccountEditPage,
    AccountInfo,
    AccountPage,
    BillingProfile,
    CustomerNotFoundError,
    CustomerPage,
    CustomersPage,
    DashboardPage,
    EditConflictError,
    NewCustomer,
    NotAllowedError,
    PortalError,
    ReadBackError,
    ValidationError,
)
from pages.account import check_editable
from pages.errors import address_of
from pages.exceptions import first_line
from pages.shown_values import tidied

from .field_rules import LINE_BREAK
from .steps import lost_page_said, step

log = logging.getLogger("flows")
HELD_NOW_TIMEOUT_MS = 10_000  # each step of the Account page read again after a conflict, in a page of its own
READ_BACK_WAIT_S = 2.0  # how long a page saying "saved" may show other values than those saved before it shows them
MICROSOFT_ID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def microsoft_id(customer: str) -> str | None:
    """Return ``customer`` as a Microsoft ID (lower case) when it is one, in any case, in braces or not; else None."""
    guid = customer.strip().removeprefix("{").removesuffix("}")
    return guid.lower() if MICROSOFT_ID.match(guid) else None


def check_customer(customer: str) -> None:
    """Refuse a customer that is not text (a company name or a Microsoft ID), or blank, before touching the browser."""
    if not isinstance(customer, str):
        raise TypeError(f"customer is a company name or a Microsoft ID, as text: not {customer!r}")
    if not customer.strip():  # the list's search would show every customer, none of them named so
        raise ValueError(f"customer is a company name or a Microsoft ID: not {customer!r}")


def check_changes(changes: Mapping[str, str]) -> None:
    """Refuse field names the edit form does not have, and values that are not text, before touching the browser."""
    if not isinstance(changes, Mapping) or not all(isinstance(name, str) for name in changes):
        shown = f"{changes!r}"[:80]
        raise TypeError(f"changes maps field names to new values, as {{'city': 'Shanghai'}}: not {shown}")
    check_editable(changes)
    not_text = {name: value for name, value in changes.items() if not isinstance(value, str)}
    if not_text:
        listed = ", ".join(f"{name}={value!r} ({type(value).__name__})" for name, value in not_text.items())
        raise TypeError(f"Field values are typed into the form as text: pass strings, not {listed}")
    broken = [f"{name}={value!r}" for name, value in changes.items() if LINE_BREAK.search(value)]
    if broken:  # a one-line field drops them as they are typed: what was saved would not be what was asked
        raise ValueError(f"The billing fields hold one line each: no line breaks in {', '.join(broken)}")


def open_customers(page: Page, *, wait_for_list: bool = True) -> CustomersPage:
    """From the Dashboard menu, select Customers; ``wait_for_list=False`` when searching at once."""
    with step(page, "Open Customers"):
        return DashboardPage(page).open().customers(wait_for_list=wait_for_list)


def open_customer(page: Page, customer: str) -> CustomerPage:
    """Dashboard → Customers → the customer named ``customer`` (a company name: exactly, but for the width of its
    letters, digits and punctuation, ``pages.list_controls.either_width``), on any page; or the
    customer whose Microsoft ID ``customer`` is, opened at its address (``screen_addresses().customer``).

    Raises ``CustomerNotFoundError`` when no customer has the name (or the ID), ``AmbiguousCustomerError``
    when the list shows the name more than once.
    """
    check_customer(customer)
    by_id = microsoft_id(customer)
    if by_id is not None:
        with step(page, f"Open customer {by_id}"):
            return CustomerPage(page).open(by_id)
    customers = open_customers(page, wait_for_list=False)  # the search replaces the first page anyway
    with step(page, f"Select customer {customer}"):
        # Composed, as the portal lists names: one written decomposed (macOS) names the same customer.
        chosen = customers.choose(unicodedata.normalize("NFC", customer), only_one=True)
        if chosen is None:
            raise CustomerNotFoundError(company_name=customer)
        return chosen


def edit_account(page: Page, customer: str) -> AccountEditPage:
    """Open the customer, then Account, then Edit; raise ``NotAllowedError`` when Edit is not offered.

    ``customer`` is a company name, found in the Customers list; or a Microsoft ID, whose Account
    page opens at its address (``screen_addresses().account``), as when two customers share a name.
    """
    return edit_from(open_account(page, customer), customer)


def open_account(page: Page, customer: str) -> AccountPage:
    """Open the customer's Account page: through the Customers list, or at its address for a Microsoft ID."""
    check_customer(customer)
    by_id = microsoft_id(customer)
    if by_id is not None:
        with step(page, f"Open Account of {by_id}"):
            return AccountPage(page).open(by_id)
    customer_page = open_customer(page, customer)
    with step(page, "Open Account"):
        return customer_page.account()


def edit_from(account: AccountPage, customer: str) -> AccountEditPage:
    """Select Edit on the Account page; raise ``NotAllowedError`` when it is not offered."""
    with step(account.page, "Edit"):
        check_may_edit(account, customer)
        return account.edit()


def check_may_edit(account: AccountPage, customer: str) -> None:
    """Raise ``NotAllowedError`` when the Account page offers no Edit: the signed-in role may not."""
    if not account.can_edit():
        raise NotAllowedError(message=f"the signed-in user may not edit the account of {customer!r}")


def shows(profile: BillingProfile, changes: Mapping[str, str]) -> bool:
    """Tell whether ``profile`` holds ``changes``, as a portal may tidy them (case, spaces): "LYON" for "Lyon"."""
    shown = profile.as_dict()
    return all(tidied(shown[name]) == tidied(value) for name, value in changes.items())


def holds(stored: str, asked: str, name: str) -> bool:
    """Tell whether the portal holds ``asked`` for the field ``name`` already: as given, or trimmed as the portal
    stores it; a culture, a code, in any case ("en-us" is en-US)."""
    if name == "culture":
        return stored.casefold() == asked.strip().casefold()
    return stored in (asked, asked.strip())


def alike(shown: str, asked: str) -> bool:
    """Tell whether a portal may have stored ``asked`` as ``shown``: alike but for spaces, case, full-width forms
    and accents ("BESANCON" for "Besançon"), as portals tidy what they store."""
    bare = [unicodedata.normalize("NFKD", tidied(value)) for value in (shown, asked)]
    return len({"".join(char for char in value if not unicodedata.combining(char)) for value in bare}) == 1


def read_back(saved: AccountPage | AccountEditPage, changes: Mapping[str, str]) -> BillingProfile:
    """Return the Bill-to info ``saved`` shows once it shows the changes; what it shows when it does not within
    ``READ_BACK_WAIT_S`` (the portal saved them otherwise).

    A single-page portal may show its Account view from what it held before the save, then fetch it anew:
    read at once, the profile returned would be the old one.
    """
    profile = saved.billing_profile()
    deadline = time.monotonic() + READ_BACK_WAIT_S
    while not shows(profile, changes) and (left := deadline - time.monotonic()) > 0:
        # Read again after a change, or at the end: one drawn between the read and the watch goes unseen.
        saved.wait_for_change(left * 1000)
        profile = saved.billing_profile()
    return profile


def submit_changes(form: AccountEditPage, changes: Mapping[str, str]) -> BillingProfile:
    """Type ``changes`` into the open edit form and Submit; return the Bill-to info shown after saving.

    Raises ``ValidationError`` (with each field's message) or ``EditConflictError`` when the
    portal refuses; it then saved nothing and the form still holds the typed values. Saved, the
    Bill-to info is read back from the Account page, or from the form when the portal keeps it; any
    error there (the session ended, the portal gone) is a ``ReadBackError``: the changes were saved.
    No change at all on a form never submitted is a ``ValueError``, nothing submitted; a form refused
    before holds its typed values, sent again as they are.
    """
    check_changes(changes)
    if not changes and not form.submits:  # the form as it loaded: a Submit would still leave a change in the log
        raise ValueError("No changes given: name at least one field, e.g. {'city': 'Shanghai'}")
    with step(form.page, "Change fields"):
        form.fill(changes)
    with step(form.page, "Submit"):
        saved = form.submit()
        if saved is not None:
            try:
                return read_back(saved, changes)
            except (PortalError, PlaywrightError) as error:  # signed out, the portal gone, the page crashed: saved
                raise ReadBackError(error) from error
        errors = form.field_errors()
        if errors or form.answer_status in (400, 422):  # the portal's word that the values were invalid
            raise ValidationError(errors, form.message)
        raise EditConflictError(form.message or "The portal refused the changes without saying why")


def update_customer_account(page: Page, customer: str, changes: Mapping[str, str]) -> BillingProfile:
    """Change the billing profile of ``customer`` (a company name, or a Microsoft ID); return the Bill-to info shown
    after saving.

    ``changes`` maps API field names (``city``, ``postalCode``, ...) to new values (at least one). Raises
    ``CustomerNotFoundError``, ``AmbiguousCustomerError`` (two customers of that name),
    ``NotAllowedError``, ``ValidationError``, ``EditConflictError`` or ``SignedOutError`` when the
    portal says so; nothing is saved in those cases, nor after ``PortalUnavailableError`` (the portal did not
    answer), but for a ``SignedOutError`` or ``UnknownPageError`` that answered Submit itself: whether anything was
    saved is not known then (their messages say so). A ``ReadBackError`` after Submit says the changes were saved
    and reading the Bill-to info back failed. A blank ``customer``, no change or an unknown field name is a
    ``ValueError``, a value that is not text a ``TypeError``, before the browser moves.

    A conflict answered while the Account page, read again, holds every value given returns what it holds: the
    browser sent the form again after a dropped connection, and the portal saved the first and refused the copy.

    When the Account page already shows every value as given (spaces around it aside), nothing is submitted (a
    Submit would still leave a change in the portal's log): the Bill-to info it shows is returned, the page left
    there, as a run of the same script again expects.
    """
    check_customer(customer)
    check_changes(changes)  # before any click: a typo in a field name is the caller's error
    if not changes:
        raise ValueError(f"No changes given for {customer!r}: name at least one field, e.g. {{'city': 'Shanghai'}}")
    account = open_account(page, customer)
    with lost_page_said(page, "Read the account"):
        check_may_edit(account, customer)  # said before whether anything would change: the role may not
        held = account.billing_profile()  # what the portal stored: a form may show a draft of its own
    # A value pasted with spaces around it holds as the portal stores it, trimmed: a run again submits nothing.
    if all(holds(held.as_dict()[name], value, name) for name, value in changes.items()):
        with step(page, "No Submit: the account already holds the changes"):
            return held
    address = page.url  # where the Account page shows what the portal holds, read there again after a conflict
    with step(page, "Edit"):
        form = account.edit()  # offered: asked above
    try:
        return submit_changes(form, changes)
    except EditConflictError:
        with step(page, "Read the account again after the conflict"):
            now = held_now(page, address)
        # Each field holds the value given; or moved since it was read, to it as the portal stores it ("LYON" for
        # "Lyon"), from a value not alike (a change of case or accents alone may be someone else's: not taken).
        moved = now is not None and all(
            holds(shown, value, name) or (alike(shown, value) and not alike(held.as_dict()[name], value))
            for name, value in changes.items()
            for shown in [now.as_dict()[name]]
        )
        if now is None or not moved:
            raise
        # A browser sends a form again, unasked, when the connection it went on was dropped before any answer: the
        # portal saved the first, and refused the copy as a change over its own (or someone saved the same values).
        log.warning("The portal refused Submit as a conflict, yet holds every value submitted: taken as saved")
        return now


def held_now(page: Page, address: str) -> BillingProfile | None:
    """Return the Bill-to info the Account page at ``address`` shows now, read in a page of its own beside ``page``
    (whose form keeps its typed values; the context's cookies, not the page's own routes or headers); None, with a
    warning, when it cannot be read there within ``HELD_NOW_TIMEOUT_MS``."""
    beside = page.context.new_page()
    beside.set_default_timeout(HELD_NOW_TIMEOUT_MS)
    try:
        account = AccountPage(beside)
        account.goto(address)
        return account.wait_until_ready().billing_profile()
    except (PortalError, PlaywrightError) as error:
        log.warning(
            "The account could not be read again after the conflict, at %s (%s): whether the browser sent Submit twice "
            "and its first was saved is not known",
            address_of(address), first_line(error),
        )  # fmt: skip
        return None
    finally:
        with suppress(PlaywrightError):
            beside.close()


def add_customer(page: Page, customer: NewCustomer) -> AccountInfo:
    """Dashboard → Customers → Add customer → fill → Submit; return the new customer's Account info.

    Raises ``ValidationError`` when the portal refuses the values (a taken domain included), ``NotAllowedError``
    when the role is offered no Add customer.
    """
    customers = open_customers(page)
    with step(page, "Add customer"):
        form = customers.add_customer().fill(customer.form_values())
    with step(page, "Submit"):
        account = form.submit()
        if account is None:
            raise ValidationError(form.field_errors(), form.message)
        return account.account_info()
