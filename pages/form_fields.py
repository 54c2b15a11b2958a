"""A form's fields: found by their labels, typed into and read back, and their errors.

``FormFields`` is the half of ``pages.form.FormPage`` that types and reads; the other half submits.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Self

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .errors import NotAllowedError, PortalError, UnknownPageError, ValidationError, address_of
from .form_loading import FORM_HOLDERS, FORM_OF, REDRAWN, FormShown, at_submit, wait_until_loaded
from .list_fields import choose_option, not_typed_into, pick_typed
from .list_quiet import page_replaced
from .models import EDITABLE_FIELDS, with_guesses
from .screen import Screen, link_or_button, one_line, snapshot_role
from .shown_values import EDITABLE, FORM_VALUES, INVALID_FIELDS, field_named, tidied
from .strings import ACCESS_DENIED, UI_STRINGS, any_language, field_label
from .watch import highlight

LIST_FIELDS = ("state",)  # the editable fields a deployment may draw as a list (the country is shown only)
SUBMIT_NAME = any_language("submit")
# A list drawn as a read-only text box (Ant Design's Select): Playwright's ``fill`` would wait for it to take typing.
TAKES_NO_TYPING = 'el => el.readOnly === true && el.getAttribute("role") === "combobox"'
# What the fields of the form Submit sends hold (its <form>, else what holds Submit), for ``at_submit``.
VALUES_AT_SUBMIT = f"""submit => {{{FORM_OF}
  return ({FORM_VALUES})(formOf(submit));
}}"""
# Each invalid field of the form Submit sends, its label and message (``INVALID_FIELDS``), for ``at_submit``.
INVALID_AT_SUBMIT = f"""submit => {{{FORM_OF}
  return ({INVALID_FIELDS})(formOf(submit));
}}"""


def css_string(text: str) -> str:
    """Return ``text`` as a CSS string, quoted, for an attribute selector's value."""
    # A line break of any kind as its code point: CSS reads \n, \r and \f in a string as its end (a bad string).
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\a ").replace("\r", "\\d ").replace("\f", "\\c ") + '"'


def fields_root(page: Page, submit: Locator) -> Locator:
    """Return where the form's fields are: the innermost form, dialog or main landmark holding Submit (as ``FORM_OF``
    finds it in the page), else the whole page.

    A panel or dialog drawn over the Account view leaves the view's own values in the page under the same labels
    (read-only text boxes, say): looked for in the whole page, "City" would name two fields. Fields a <form> holds
    by their ``form`` attribute, standing elsewhere, are found by it too (``FormPage.field``).
    """
    holders = page.locator(FORM_HOLDERS).filter(has=submit)
    return holders.filter(has_not=holders).or_(page.locator("body").filter(has_not=holders)).first


def check_values(values: Mapping[str, str]) -> None:
    """Refuse field names the library knows no label of and values that are not text, before anything is typed."""
    if not isinstance(values, Mapping):
        raise TypeError(f"values maps field names to text, as {{'city': 'Shanghai'}}: not {values!r}"[:120])
    unknown = [str(name) for name in values if name not in UI_STRINGS]
    if unknown:
        said = with_guesses(unknown, UI_STRINGS)
        raise ValueError(f"The library knows no label of the fields {said} (pages/strings.py lists them)")
    not_text = [f"{name}={value!r}" for name, value in values.items() if not isinstance(value, str)]
    if not_text:
        raise TypeError(f"Values are typed into the form as text: pass strings, not {', '.join(not_text)}")


def answered_in_place(said: str, asked: str) -> PortalError:
    """Return the error for an alert a single-page portal showed in place of ``asked`` (a form, where): access
    refused in its words ("Access denied", "403") is ``NotAllowedError``, anything else ``PortalError``."""
    if ACCESS_DENIED.search(said):
        return NotAllowedError(message=f"The portal refused {asked}: {said}")
    return PortalError(f"The portal answered with an alert instead of {asked}: {said}")


class FormFields(Screen):
    """A portal form's fields, Submit and Cancel: found once the form is ready, typed into and read back."""

    LOAD_WAIT_MS = 30_000  # how long a form may say it is loading (or hold no values) before it is an error
    # How long the form may follow an alert shown first before the alert is taken for the portal's answer instead.
    REFUSAL_GRACE_MS = 2_000
    HOLDS_VALUES = False  # an empty form is a loaded one (Add customer); an edit form holds the customer's values
    NAME = "form"  # as errors name it

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.submit_button = page.get_by_role("button", name=SUBMIT_NAME)
        self.fields_root = fields_root(page, self.submit_button)
        self.cancel_link = link_or_button(page, any_language("cancel"))
        # The form's own message: an alert beside Submit (an error page's alert has no form).
        self.alert = page.get_by_role("main").filter(has=self.submit_button).get_by_role("alert")
        # A dialog asking a person to confirm ("Save changes?"), not one holding the form itself.
        modal = page.get_by_role("alertdialog").or_(page.locator('[role="dialog"][aria-modal="true"], dialog:modal'))
        self.asked_to_confirm = modal.filter(has_not=self.submit_button, visible=True)
        self.labels: tuple[tuple[str, bool], ...] = ()  # its fields' labels, read once it was ready (form_loading)
        self.form_id = ""  # ... and the id of its <form>, when fields outside it are its own (<input form="...">)
        self.message = ""  # the words of the portal's answer to the last Submit (its status or alert)
        # The HTTP status the portal answered the last Submit's request with, when it answered in place (else 0).
        self.answer_status = 0
        self.typed: dict[str, str] = {}  # what was typed into the fields since the last Submit, by field name
        self.submitted: list[str] = []  # what the form's fields held as the last Submit was selected
        self.submits = 0  # Submits selected on this form: one refused leaves the typed values, to be sent again
        self.went_on = False  # the last Submit was answered by a new page showing the view after the form, saved
        self.listed: set[str] = set()  # the fields that are lists (an option picked): they show names, not codes

    def wait_until_ready(self, refused: Locator | None = None) -> Self:
        """Wait until the form can be submitted: Submit shown, and the form no longer loading (``pages.form_loading``).

        A form still loading after ``LOAD_WAIT_MS`` raises ``UnknownPageError``: typed into, it would be sent
        with the values it did not hold yet. ``refused`` is what a single-page portal may show in place of the form
        (an alert that was not shown before): shown without the form, it raises at once, with its words,
        ``NotAllowedError`` when they say access is denied, else ``PortalError`` (``answered_in_place``).
        """
        deadline = time.monotonic() + self.LOAD_WAIT_MS / 1000
        while True:
            # Drawn again, or gone to sign-in or an error page: said here. The refusal is looked for in the same look.
            ready = self.submit_button if refused is None else self.submit_button.or_(refused)
            shown_first = self.settle(ready)
            # The alert first in the page, drawn with the form (above Submit), is the form's own: no answer in place.
            if refused is not None and (
                snapshot_role(shown_first) == "alert" and not self.submit_button.filter(visible=True).count()
                if shown_first is not None
                else not self.submit_button.count()
            ):
                said = one_line(refused.first)  # read now: a toast may go while the form is waited for
                if not self.form_follows(deadline):
                    raise answered_in_place(said, f"the {self.NAME} at {address_of(self.page.url)}")
            refused = None  # the form came: once drawn, an alert beside it is no refusal of it
            left = max(0, round((deadline - time.monotonic()) * 1000))
            try:
                shown = wait_until_loaded(
                    self.page, self.submit_button, SUBMIT_NAME, wait_ms=left, needs_values=self.HOLDS_VALUES
                )
            except PlaywrightError as error:
                if not page_replaced(error):
                    raise
                shown = FormShown(REDRAWN, ())  # a new page meanwhile: looked at anew
            if shown.loading != REDRAWN or time.monotonic() >= deadline:
                break
        if shown.loading:
            raise UnknownPageError(
                f"The form at {self.page.url} had not finished loading after {self.LOAD_WAIT_MS / 1000:g} s "
                f"({'drawn again and again' if shown.loading == REDRAWN else shown.loading}): nothing was typed"
            )
        self.labels, self.form_id = shown.labels, shown.form_id
        return self.found_ready()

    def form_follows(self, deadline: float) -> bool:
        """Tell whether Submit shows within ``REFUSAL_GRACE_MS`` (not past ``deadline``) of an alert that came first: a
        notice shown as the form was asked for ("Your session will end in 5 minutes") is no answer to it when the
        form follows, as a single-page portal draws it from its API a moment later."""
        grace = min(self.REFUSAL_GRACE_MS, max(0, round((deadline - time.monotonic()) * 1000)))
        try:
            self.or_instead(self.submit_button).filter(visible=True).first.wait_for(timeout=grace)
        except PlaywrightTimeoutError:
            return False
        self.settle(self.submit_button)  # gone to sign-in or an error page meanwhile: said as such
        return True

    def field(self, name: str) -> Locator:
        """Return the input of the field ``name`` (an API field name), found by its label (else its placeholder)."""
        if name not in UI_STRINGS:
            raise ValueError(f"The library knows no label of a field {name!r} (pages/strings.py lists them)")
        pattern = field_label(name)
        named = {labelled for label, labelled in self.labels if pattern.match(label)}

        def under(root: Page | Locator) -> Locator:
            return root.get_by_placeholder(pattern) if named == {False} else root.get_by_label(pattern)

        found = under(self.fields_root)
        if self.form_id:  # its fields that stand outside it, tied to it by their form attribute
            found = found.or_(under(self.page).and_(self.page.locator(f"[form={css_string(self.form_id)}]")))
        if sum(1 for label, _ in self.labels if pattern.match(label)) > 1:
            # A label naming two fields, all but one read-only (the Customer Account Info shown again above the
            # Bill-to info): the one that takes typing is the field; else the caller says they are alike.
            editable = found.and_(self.page.locator(EDITABLE))
            if editable.count() == 1:
                return editable
        return found

    def shows_field(self, name: str) -> bool:
        """Tell whether the form, as last found ready, shows the field ``name`` (asked of the page if not known)."""
        pattern = field_label(name)
        return any(pattern.match(label) for label, _ in self.labels) or self.field(name).count() > 0

    def shown_fields(self, fields: tuple[str, ...]) -> dict[str, str]:
        """Return what the form's fields named in ``fields`` hold, found by their labels, in one call.

        A field the form does not show, or labels in a way the library does not know, is left out.
        """
        shown: dict[str, str] = {}
        for label, value in at_submit(self.page, self.submit_button, SUBMIT_NAME, VALUES_AT_SUBMIT):
            field = field_named(label, fields)
            if field is not None:
                shown.setdefault(field, value)
        return shown

    def held_values(self) -> list[str]:
        """Return what the form's fields hold, whatever their labels (none when the form is gone)."""
        if not self.submit_button.count():
            return []
        return [value for _, value in at_submit(self.page, self.submit_button, SUBMIT_NAME, VALUES_AT_SUBMIT)]

    def fill(self, values: Mapping[str, str]) -> Self:
        """Type the values over the fields they name; ``PortalError`` names a field the form never showed, or one
        whose label names two; a value a number field cannot take is a ``ValidationError``, nothing typed there.

        A field name the library does not know is a ``ValueError``, a value that is not text a ``TypeError``,
        before anything is typed; a form no longer shown (submitted, left) is ``ScreenLeftError`` at once.
        """
        check_values(values)
        self.still_shown(self.submit_button, self.NAME, renew=False)  # typed into a new one, the values would be lost
        self.typed.update(values)
        for name, value in values.items():
            self.enter(name, value)
        if values:  # left, as a person leaves it: a field that takes no such value puts its own back now, not at Submit
            self.page.evaluate("() => document.activeElement?.blur()")
        return self

    def enter(self, name: str, value: str) -> None:
        """Type ``value`` into the field ``name`` (in a list, pick it); ``PortalError`` when the form shows no such
        field, at once, not after the wait for one to show."""
        timeout: PlaywrightTimeoutError | None = None
        if self.shows_field(name):
            try:
                self.type_into(name, value)
                return
            except PlaywrightTimeoutError as error:
                timeout = error
        self.settle(self.submit_button, renew=False)  # the form gone: sign-in or an error page says why
        raise PortalError(
            f"The form at {self.page.url} shows no field {name!r} that can be typed in "
            f"(labelled {', '.join(UI_STRINGS[name])})"
        ) from timeout

    def labelled_alike(self, name: str, count: int, does: str, so: str) -> PortalError:
        """Return the error for the field ``name`` whose label names ``count`` fields (a dial code and a number):
        which one ``does`` (takes, holds) the value is not known, ``so`` what was not done."""
        label = UI_STRINGS[name][0]
        return PortalError(
            f"The form at {self.page.url} shows {count} fields labelled {label!r}: which one {does} {name} is not "
            f"known, {so}"
        )

    def type_into(self, name: str, value: str) -> None:
        """Type ``value`` over the field ``name``; in a list (a <select>, a combobox), pick the option of that name."""
        field = highlight(self.field(name))
        if name in LIST_FIELDS and field.first.evaluate(TAKES_NO_TYPING):  # its option picked, not typed
            choose_option(self.page, field.first, name, value, UI_STRINGS[name][0])
            self.listed.add(name)
            return
        try:
            field.fill(value)
            # A list drawn as a text box (a component library's combobox) takes its option only once picked
            combobox = name in LIST_FIELDS and field.first.get_attribute("role") == "combobox"
            if combobox and pick_typed(self.page, field.first, value):
                self.listed.add(name)
        except PlaywrightTimeoutError:
            raise
        except PlaywrightError as error:
            said, label = str(error), UI_STRINGS[name][0]
            if "strict mode violation" in said:  # one label names two fields (a dial code, a number)
                raise self.labelled_alike(name, field.count(), "takes", "so nothing was typed") from None
            if "Cannot type text into" in said:  # a number field: the browser takes no other text, nothing is sent
                raise ValidationError({name: f"the form's {label} field takes numbers only, not {value!r}"}) from None
            if not not_typed_into(error):
                raise
            choose_option(self.page, field.first, name, value, label)
            self.listed.add(name)

    def field_errors(self) -> dict[str, str]:
        """Return each invalid field's message (its error message, else its accessible description, else an error
        shown beside it: ``shown_values.INVALID_FIELDS``), keyed by API field name.

        A field whose label this library does not know is keyed by its label, so no error is lost.
        """
        fields = (*EDITABLE_FIELDS, "country", "domainPrefix")
        if not self.submit_button.count():  # the page went on to another view as it refused (a single-page portal)
            return {}
        invalid: list[list[str]] = at_submit(self.page, self.submit_button, SUBMIT_NAME, INVALID_AT_SUBMIT)
        return {field_named(label, fields) or label: message for label, message in invalid}


def not_taken(shown: dict[str, str], typed: dict[str, str]) -> ValidationError | None:
    """Return the error for the fields that ``shown`` other values than ``typed`` twice, but for a format (a mask's
    spaces, brackets, dashes): they do not take those values (a list's field typed into, which puts its option back);
    None when each differs by its format alone."""
    refused = {name: value for name, value in shown.items() if not same_but_format(value, typed[name])}
    if not refused:
        return None
    return ValidationError({
        name: f"the form's {UI_STRINGS[name][0]} field shows {value!r} after {typed[name]!r} was typed twice: it "
        "does not take that value (a list's field, its options only); nothing was sent"
        for name, value in refused.items()
    })  # fmt: skip


def same_but_format(shown: str, typed: str) -> bool:
    """Whether a field shows what was typed but for its format: "(555) 123-4567" for "5551234567" is the same
    number, "上海市" for "北京市" another value."""
    return [char for char in tidied(shown) if char.isalnum()] == [char for char in tidied(typed) if char.isalnum()]
