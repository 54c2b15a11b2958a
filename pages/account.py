"""A customer's Account page, its edit form, and the Add customer form."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import Any, Self

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .account_loading import NO_VALUES_YET, alerts_shown, new_alert, shown_sections
from .addresses import screen_addresses
from .answer_regions import acknowledge, acknowledge_when_shown, saved_dialogs
from .countries import country_code
from .errors import PortalError, PortalUnavailableError, ReadBackError, UnknownPageError, page_lost
from .exceptions import first_line
from .form import FormPage, bill_to_heading, check_values
from .list_quiet import page_replaced
from .models import (
    ACCOUNT_INFO_FIELDS,
    BILLING_PROFILE_FIELDS,
    EDITABLE_FIELDS,
    SHOWN_WHERE_OFFERED,
    AccountInfo,
    BillingProfile,
    always_shown,
    with_guesses,
)
from .screen import Screen, link_or_button, links_or_buttons, snapshot_role
from .shown_values import FIELD_VALUE, TERMS_BY_HEADING, field_named
from .strings import UI_STRINGS, alternatives, any_language, field_label, says_saved

SECTION_HEADINGS = {"account": "account_info", "billing": "bill_to"}
# What a page shows for a value it does not hold: a dash of any kind (full width too), "N/A", "N/D", "暂无" or "无".
NO_VALUE = re.compile(r"^\s*(?:[-‐‑‒–—―−－]+|N/A|N/D|暂无|无)\s*$", re.IGNORECASE)
BILL_TO = any_language("bill_to")
# Edit, as 21Vianet's portal names it, or Update, as the newer global portal does; or a name that begins so and
# speaks of billing ("Edit bill-to info", "编辑账单信息"), an icon button's label: "Edit profile help" is no Edit.
EDIT_WORDS = alternatives(UI_STRINGS["edit"] + UI_STRINGS["update"])
BILLING_WORDS = r"bill|factur|账单|帐单|帳單"
EDIT_NAME = re.compile(
    rf"^\s*(?:{EDIT_WORDS})(?:\s*|(?:\b|(?<=[^\x00-\x7f])).*(?:{BILLING_WORDS}).*)$", re.IGNORECASE | re.DOTALL
)


def check_editable(names: Iterable[object]) -> None:
    """Refuse field names the edit form does not let anyone type into (unknown, or the country: shown only)."""
    not_editable = [str(name) for name in names if name not in EDITABLE_FIELDS]
    if not_editable:
        said = with_guesses(not_editable, EDITABLE_FIELDS)
        raise ValueError(f"Not editable billing fields: {said}. Editable: {', '.join(EDITABLE_FIELDS)}")


class AccountPage(Screen):
    """Customer Account Info and Bill-to info, read-only, with Edit for roles that may edit."""

    OF_CUSTOMER = True
    LOAD_WAIT_MS = 30_000  # how long the page may say it is loading (or show no values) before it is an error
    ENABLE_WAIT_MS = 2_000  # how long Edit shown disabled may take to be enabled (the role checked late)
    DRAWN_LATE_MS = 2_000  # ... or how long after the values Edit may be drawn at all, before it is not offered

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.edit_link = link_or_button(page, EDIT_NAME)
        # A deployment may show Edit disabled to a role that may not edit, rather than not at all.
        self.every_edit = links_or_buttons(page, EDIT_NAME, disabled=False)
        self.enabled_edit = self.every_edit.first
        self.edits_offered: int | None = None  # how many Edits the page offers, once ``can_edit`` counted them
        self.confirmation = page.get_by_role("status")
        self.bill_to_heading = bill_to_heading(page)
        # Where the alerts the page showed were last read, and their words (``loaded_sections``): no answer to Edit.
        self.alerts_read: tuple[str, tuple[str, ...]] | None = None

    def open(self, customer_id: str) -> AccountPage:
        """Go straight to the Account page of the customer with this Microsoft ID (``screen_addresses().account``)."""
        self.goto(screen_addresses().of("account", customer_id))
        return self.wait_until_ready()

    def wait_until_ready(self) -> AccountPage:
        """Wait until the Bill-to info is shown, loaded (``pages.account_loading``)."""
        deadline = time.monotonic() + self.LOAD_WAIT_MS / 1000
        while True:
            self.settle(self.bill_to_heading)  # gone to sign-in or an error page meanwhile: said here
            try:
                self.loaded_sections(max(0, round((deadline - time.monotonic()) * 1000)))
                return self.found_ready()
            except PlaywrightError as error:
                if not page_replaced(error) or time.monotonic() >= deadline:
                    raise

    def loaded_sections(self, wait_ms: int | None = None) -> list[dict[str, Any]]:
        """Return each heading's terms and values once the page no longer says it is loading (up to ``wait_ms``,
        default ``LOAD_WAIT_MS``); one still saying so raises ``UnknownPageError``: its values, and whether it
        offers Edit, are not known yet."""
        loading, sections, alerts = shown_sections(
            self.page, BILL_TO, self.LOAD_WAIT_MS if wait_ms is None else wait_ms
        )
        self.alerts_read = (self.page.url, alerts)
        if loading and loading != NO_VALUES_YET:  # no values, no sign of loading: said by what reads them
            raise UnknownPageError(
                f"The Account page at {self.page.url} had not finished loading after {self.LOAD_WAIT_MS / 1000:g} s "
                f"({loading})"
            )
        return sections

    def can_edit(self) -> bool:
        """Tell whether Edit is offered (it is not to roles that may not edit): shown within ``DRAWN_LATE_MS`` of
        the values (a page may draw it once it knows the role), and enabled within ``ENABLE_WAIT_MS`` (shown only
        disabled, it is not offered: selected, it would be waited on in vain)."""
        self.edits_offered = self.every_edit.count()
        if self.edits_offered > 0:
            return True
        if not self.edit_link.count():
            with suppress(PlaywrightTimeoutError):
                self.edit_link.first.wait_for(timeout=self.DRAWN_LATE_MS)
            self.edits_offered = self.every_edit.count()
            if self.edits_offered > 0:
                return True
        if self.edit_link.count() > 0:
            try:
                self.enabled_edit.wait_for(timeout=self.ENABLE_WAIT_MS)
            except PlaywrightTimeoutError:
                return False
            return True
        self.still_shown(self.bill_to_heading, "Account page")  # not offered here, or not here at all
        return False

    def bill_to_edit(self) -> Locator:
        """Return the Edit of the Bill-to info: the page's only one, else the one the innermost part of the page
        holding the Bill-to heading holds (a deployment may offer an Edit for each section)."""
        if self.edits_offered is None or self.page.url != self.ready_url:
            self.edits_offered = self.every_edit.count()
        if self.edits_offered <= 1:
            return self.edit_link
        beside = self.page.locator("*").filter(has=self.bill_to_heading).filter(has=self.every_edit).last
        return link_or_button(beside, EDIT_NAME)

    def account_info(self) -> AccountInfo:
        """Read the Customer Account Info (Microsoft ID, domain, company name)."""
        return AccountInfo(**self.shown_values("account", ACCOUNT_INFO_FIELDS))

    def billing_profile(self) -> BillingProfile:
        """Read the Bill-to info as shown; the country by its ISO code, shown so or by name ("China", "中国")."""
        shown = self.shown_values("billing", BILLING_PROFILE_FIELDS)
        return BillingProfile(**{**shown, "country": country_code(shown["country"])})

    def shown_values(self, section: str, fields: tuple[str, ...]) -> dict[str, str]:
        """Read the values shown for ``fields`` under a section's heading ("account" or "billing").

        Each value is the definition of the term that labels it, in any of the three languages.
        One call reads them all (a call per field would cost a browser round trip each); a field
        the page does not show raises ``PortalError`` naming it, a page no longer on this screen (gone to the
        edit form, or elsewhere) ``ScreenLeftError``.
        """
        self.still_shown(self.bill_to_heading, "Account page")  # else its fields are "not shown", wrongly said
        heading = any_language(SECTION_HEADINGS[section])
        shown: dict[str, str] = {}
        for found in self.loaded_sections():
            if heading.match(found["heading"]):
                for term, value in found["pairs"]:
                    field = field_named(term, fields)
                    if field is not None:
                        shown.setdefault(field, "" if NO_VALUE.match(value) else value)
        missing = [field for field in always_shown(fields) if field not in shown]
        if missing:
            raise PortalError(f"The Account page does not show {', '.join(missing)} at {self.page.url}")
        return {field: shown.get(field, "") for field in fields}

    def edit(self) -> AccountEditPage:
        """Select Edit; when the portal answers it in place with an alert instead of the form (a single-page
        portal's 403 or 500), raise at once, quoting it, rather than after waiting for a form that will not come:
        ``NotAllowedError`` when it says access is denied, else ``PortalError``.

        An alert the Account page showed already ("You don't have permission to view ...") is no answer to Edit.
        """
        self.still_shown(self.bill_to_heading, "Account page")
        # Those the page's last read noted (``wait_until_ready``, ``billing_profile()``): no round trip more.
        if self.alerts_read is None or self.alerts_read[0] != self.page.url:
            self.alerts_read = (self.page.url, alerts_shown(self.page))
        shown_before = self.alerts_read[1]
        self.select(self.bill_to_edit(), "Edit")
        # Looked for in the form's own first look: no round trip more on the way to a form.
        return AccountEditPage(self.page).wait_until_ready(refused=new_alert(self.page, shown_before))


class AccountEditPage(FormPage):
    """The Bill-to info form, with Submit and Cancel; country is shown, not editable."""

    OF_CUSTOMER = True
    HOLDS_VALUES = True
    NAME = "edit form"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.country = self.fields_root.get_by_label(field_label("country"))

    def open(self, customer_id: str) -> AccountEditPage:
        """Go straight to the edit form of the customer with this Microsoft ID (at ``screen_addresses().edit``; where
        the form has no address of its own, by the Account page's Edit)."""
        addresses = screen_addresses()
        if not addresses.edit:
            return AccountPage(self.page).open(customer_id).edit()
        self.goto(addresses.of("edit", customer_id))
        return self.wait_until_ready()

    def fill(self, values: Mapping[str, str]) -> Self:
        """Type the values over the fields they name (``EDITABLE_FIELDS``: the country is shown, not editable)."""
        check_values(values)
        check_editable(values)
        return super().fill(values)

    def values(self) -> dict[str, str]:
        """Return what the form's editable fields hold now; ``PortalError`` names those it does not show, at once, or
        one whose label names two fields (as ``fill`` says)."""
        self.still_shown(self.submit_button, self.NAME, renew=False)
        fields = {name: self.field(name) for name in EDITABLE_FIELDS}
        counts = {name: field.count() for name, field in fields.items()}
        fields = {name: field for name, field in fields.items() if counts[name] or name not in SHOWN_WHERE_OFFERED}
        missing = [name for name in fields if not counts[name]]
        if missing:
            raise PortalError(f"The form at {self.page.url} shows no field {', '.join(missing)} (by their labels)")
        for name, count in counts.items():
            if count > 1:
                raise self.labelled_alike(name, count, "holds", "so its value was not read")
        return {name: field.evaluate(FIELD_VALUE) for name, field in fields.items()}  # a list's words too

    def submit(self) -> AccountPage | Self | None:
        """Select Submit; None when the portal refused the changes (the form shown again, with its errors).

        Saved, return the Account page when the portal shows it (the bundled portal's way), else this form,
        which the portal kept, saying "saved" beside it (a single-page portal's way; when both show, the form: a
        dialog kept open over an Account view not drawn anew yet): both read back the Bill-to info with
        ``billing_profile()``. Saved, and the page it went on to broken on the way (cut off, a gateway's answer to
        its script, not answered at all), a ``ReadBackError``.
        """
        if not self.submit_form():
            return None
        try:
            shown = self.shown_after_save()
        except (UnknownPageError, PortalUnavailableError) as error:
            if isinstance(error, UnknownPageError) and not error.unanswered:
                raise
            raise ReadBackError(error) from error  # taken, then the network broke the page it went on to
        acknowledge_when_shown(self.page, self.submitted)  # one drawn later still (the form kept): before the next step
        return shown

    def shown_after_save(self) -> AccountPage | Self:
        """Return the Account page once the portal shows it, else this form, kept; a dialog saying "saved" over the
        form gone is acknowledged first (``submit``)."""
        account = AccountPage(self.page)
        if self.went_on:  # a new page showing it, the form gone, a dialog saying "saved" acknowledged: no look more
            return account.found_ready()
        # A dialog saying "saved" drawn a moment after the status said so, the form gone: the Account view may come
        # only once its OK is selected, as a person would.
        dialog = saved_dialogs(self.page, self.submitted).filter(visible=True)
        try:  # Found by role, so neither is found hidden (an Account view kept hidden while the form shows).
            shown = self.settle(account.bill_to_heading.or_(self.submit_button).or_(dialog))
            if dialog.count() and says_saved(dialog.first.all_inner_texts(), self.submitted):
                acknowledge(dialog.first)
                shown = self.settle(account.bill_to_heading.or_(self.submit_button))
            if shown is not None and snapshot_role(shown) != "heading":
                return self
            if self.submit_button.count():
                return self
            # Its heading just shown, the Account page needs no look more before it is read (``still_shown``).
            return account.found_ready() if shown is not None else account
        except PlaywrightError as error:
            if not page_lost(error):
                raise
            said = first_line(error)
            raise PortalError(f"The portal saved the changes, but its page then crashed or closed: {said}") from error

    def billing_profile(self) -> BillingProfile:
        """Read the Bill-to info the form holds (saved, when the portal kept its form after saving).

        Should the portal have gone on to the Account page meanwhile, it is read there.
        """
        if not self.submit_button.count():  # a form without a <form> element is one too
            return AccountPage(self.page).wait_until_ready().billing_profile()
        shown = self.shown_fields(BILLING_PROFILE_FIELDS)
        if "country" not in shown:  # shown, not editable: its words beside its label rather than a field
            shown |= self.shown_country()
        missing = [field for field in always_shown(BILLING_PROFILE_FIELDS) if field not in shown]
        if missing:
            raise PortalError(f"The edit form does not show {', '.join(missing)} at {self.page.url}")
        return BillingProfile.from_mapping({**shown, "country": country_code(shown["country"])})

    def shown_country(self) -> dict[str, str]:
        """Return the country the form shows as words beside its label ("Country/Region: China"), as the Account
        page shows its values; none when it shows none so."""
        for section in self.page.evaluate(TERMS_BY_HEADING):
            for term, value in section["pairs"]:
                if value and field_named(term, ("country",)):
                    return {"country": value}
        return {}

    def cancel(self) -> AccountPage:
        """Select Cancel: leave without saving."""
        self.still_shown(self.submit_button, self.NAME, renew=False)
        self.select(self.cancel_link, "Cancel")
        return AccountPage(self.page).wait_until_ready()


class AddCustomerPage(FormPage):
    """The Add customer form: company details, primary contact and address."""

    NAME = "Add customer form"

    def fill(self, values: Mapping[str, str]) -> Self:
        """Fill the fields named in ``values``; ``country`` (an ISO code, or the name the list shows) is picked from
        the list: one it does not offer is a ``ValidationError`` naming those it does, at once, nothing sent."""
        values = dict(values)
        country = values.pop("country", None)
        if country:
            self.enter("country", country)  # not typed into (a list): picked, as any list field is
        super().fill(values)
        return self

    def submit(self) -> AccountPage | None:
        """Select Submit; return the new customer's Account page, or None when the form is shown again."""
        return AccountPage(self.page).wait_until_ready() if self.submit_form() else None
