"""Validation on Submit: each rule per country; the message is at the field, nothing is saved."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

import pytest
from playwright.sync_api import Page, expect
from test_update_account import fresh_value

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory, as_shown
from flows import ValidationError, submit_changes
from pages import EDITABLE_FIELDS, AccountEditPage
from plugins.portal_words import PortalWords

pytestmark = pytest.mark.regression

LABELS = {
    "companyName": "Company name",
    "firstName": "First name",
    "lastName": "Last name",
    "email": "Email",
    "phoneNumber": "Phone number",
    "addressLine1": "Address line 1",
    "addressLine2": "Address line 2",
    "city": "City",
    "state": "State/Province",
    "postalCode": "Postal code",
}


class TooLong(NamedTuple):
    """A value one character longer than its field takes (``--portal-words``' ``[limits]``): ``letter`` repeated, then
    ``ending``."""

    letter: str
    ending: str = ""

    def value(self, limit: int) -> str:
        return self.letter * (limit + 1 - len(self.ending)) + self.ending


CASES = [
    pytest.param("CN", "addressLine1", "", "required", id="blank-address-line-1"),
    pytest.param("CN", "addressLine1", TooLong("路"), "length", id="address-line-1-too-long"),
    pytest.param("US", "addressLine2", TooLong("x"), "length", id="address-line-2-too-long"),
    pytest.param("FR", "firstName", "", "required", id="blank-first-name"),
    pytest.param("FR", "firstName", TooLong("J"), "length", id="first-name-too-long"),
    pytest.param("US", "lastName", "", "required", id="blank-last-name"),
    pytest.param("CN", "lastName", TooLong("王"), "length", id="last-name-too-long"),
    pytest.param("MX", "companyName", TooLong("C"), "length", id="company-name-too-long"),
    pytest.param("CA", "email", TooLong("e", "@example.com"), "length", id="email-too-long"),
    pytest.param("US", "phoneNumber", TooLong("4"), "length", id="phone-too-long"),
    pytest.param("FR", "city", TooLong("V"), "length", id="city-too-long"),
    pytest.param("FR", "state", TooLong("S"), "length", id="free-text-state-too-long"),
    pytest.param("CN", "postalCode", TooLong("1"), "length", id="postal-code-too-long"),
    pytest.param("US", "email", "", "required", id="blank-email"),
    pytest.param("US", "email", "not-an-address", "email", id="email-without-at"),
    pytest.param("CN", "email", "billing@{partner_domain}", "partner-domain", id="email-at-partner-domain"),
    pytest.param("US", "email", "Billing@{PARTNER_DOMAIN}", "partner-domain", id="email-at-partner-domain-in-capitals"),
    pytest.param("CN", "companyName", "A", "company", id="company-single-character"),
    pytest.param("FR", "companyName", "!?.", "company", id="company-only-punctuation"),
    pytest.param("US", "companyName", "   ", "required", id="company-only-spaces"),
    pytest.param("CN", "postalCode", "20000", "postal", id="cn-postal-5-digits"),
    pytest.param("CN", "postalCode", "", "required", id="cn-postal-blank"),
    pytest.param("US", "postalCode", "9810", "postal", id="us-postal-4-digits"),
    pytest.param("US", "postalCode", "98101-12", "postal", id="us-postal-bad-plus4"),
    pytest.param("FR", "postalCode", "750001", "postal", id="fr-postal-6-digits"),
    pytest.param("FR", "postalCode", "7501", "postal", id="fr-postal-4-digits"),
    pytest.param("FR", "postalCode", "", "required", id="fr-postal-blank"),
    pytest.param("CA", "postalCode", "12345", "postal", id="ca-postal-digits-only"),
    pytest.param("MX", "postalCode", "0600", "postal", id="mx-postal-4-digits"),
    pytest.param("CN", "phoneNumber", "12345", "phone", id="cn-phone-too-short"),
    pytest.param("US", "phoneNumber", "555-CALL-NOW", "phone", id="us-phone-letters"),
    pytest.param("FR", "phoneNumber", "12", "phone", id="fr-phone-too-short"),
    pytest.param("MX", "phoneNumber", "+52 55 12", "phone", id="mx-phone-too-short"),
    pytest.param("CN", "state", "Atlantis", "state", id="cn-state-not-a-province"),
    pytest.param("CN", "state", "", "required", id="cn-blank-state"),
    pytest.param("US", "state", "XX", "state", id="us-state-not-a-state"),
    pytest.param("US", "state", "", "required", id="us-blank-state"),
    pytest.param("CA", "state", "TX", "state", id="ca-state-not-a-province"),
    pytest.param("MX", "state", "Texas", "state", id="mx-state-not-a-state"),
    pytest.param("CN", "city", "", "required", id="cn-blank-city"),
]  # fmt: skip


@pytest.mark.parametrize(("country", "field", "bad_value", "kind"), CASES)
def test_invalid_value_is_refused_at_its_field_and_nothing_is_saved(
    country: str, field: str, bad_value: str | TooLong, kind: str, admin_page: Page, customers: CustomerFactory,
    api: PortalApi, partner_domain: str,
    portal_words: PortalWords, field_limits: Mapping[str, int],
) -> None:  # fmt: skip
    if isinstance(bad_value, TooLong):
        bad_value = bad_value.value(field_limits[field])
    bad_value = bad_value.replace("{partner_domain}", partner_domain).replace(
        "{PARTNER_DOMAIN}", partner_domain.upper()
    )
    # Given the edit form (opened by its address: the way there is the workflow tests' job),
    # with one bad value and one valid change
    customer = customers.create(country)
    valid_change = {"addressLine2": "Building 7"} if field != "addressLine2" else {"addressLine1": "1 Main Street"}
    form = AccountEditPage(admin_page).open(customer.id)
    offers_culture = form.shows_field("culture")  # a deployment's form may offer none (the spec's lists it)
    if country == "CN" and offers_culture:  # a choice kept as a text is: China's other culture
        valid_change["culture"] = fresh_value(customers, country, "culture", customer.billing.culture)

    # When it is submitted
    with pytest.raises(ValidationError) as refused:
        submit_changes(form, {field: bad_value, **valid_change})

    # Then the message names the field and says what is wrong, at the field; the typed values stay; nothing saved
    assert list(refused.value.field_errors) == [field], f"expected an error at {field} only"
    message = refused.value.field_errors[field]
    listed = lists_states(form) if field == "state" and bad_value else False
    if listed or (listed is None and "nothing was sent" in message):  # no such option: refused before it is sent
        assert f"{bad_value!r} is not among the form's" in message or "does not take that value" in message, message
        assert "nothing was sent" in message, message
        assert api.billing_profile(customer.id) == customer.billing
        return
    assert message, f"{field} is marked invalid, but no message is tied to it (aria-describedby, aria-errormessage)"
    assert message.startswith(LABELS[field]), f"expected the message to name {LABELS[field]!r}; shown: {message!r}"
    assert re.search(portal_words["kinds"][kind], message), f"expected a {kind} message at {field}; shown: {message!r}"
    expect(form.field(field)).to_have_attribute("aria-invalid", "true")
    typed = {name: value for name, value in customer.billing.as_dict().items() if name in EDITABLE_FIELDS}
    if not offers_culture:
        del typed["culture"]
    held, kept = form.values(), {**typed, field: bad_value, **valid_change}
    lost = {
        name: (held.get(name), kept.get(name)) for name in held.keys() | kept.keys() if held.get(name) != kept.get(name)
    }
    assert held == kept, f"the refused form lost what was typed (shown, typed): {lost}"
    assert api.billing_profile(customer.id) == customer.billing


def test_several_invalid_fields_are_refused_together_each_at_its_field(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_words: PortalWords
) -> None:
    customer = customers.create("US")
    form = AccountEditPage(admin_page).open(customer.id)
    bad = {"email": "not-an-address", "postalCode": "9810", "state": "XX", "firstName": ""}
    if lists_states(form) is not False:  # a list takes none of its own: "XX" would be refused before it is sent
        del bad["state"]

    with pytest.raises(ValidationError) as refused:
        submit_changes(form, bad)

    errors = refused.value.field_errors
    assert sorted(errors) == sorted(bad), f"expected errors at {sorted(bad)}; shown at {sorted(errors)}"
    kinds = portal_words["kinds"]
    kinds_of = {"email": "email", "postalCode": "postal", "state": "state", "firstName": "required"}
    for field, kind in ((field, kind) for field, kind in kinds_of.items() if field in bad):
        assert re.search(kinds[kind], errors[field]), f"expected a {kind} message at {field}; shown: {errors[field]!r}"
    assert api.billing_profile(customer.id) == customer.billing, "nothing may be saved"


def test_cancel_after_a_refused_submit_leaves_the_account_as_it_was(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    customer = customers.create("FR")
    form = AccountEditPage(admin_page).open(customer.id)
    with pytest.raises(ValidationError):
        submit_changes(form, {"postalCode": "1", "city": "Lyon"})

    account = form.cancel()

    shown = account.billing_profile()
    assert shown == as_shown(customer.billing, shown)
    assert api.billing_profile(customer.id) == customer.billing


def lists_states(form: AccountEditPage) -> bool | None:
    """Whether the form offers the states as a list (a <select>, a combobox not typed into): a deployment's may, for
    the countries whose states are listed; the bundled portal's takes them as text. None for a combobox typed into: its
    options may be suggestions, the text typed sent as it is, or the only values it takes."""
    return form.field("state").evaluate(
        """e => e.tagName === 'SELECT' || (e.getAttribute('role') === 'combobox'
          && (!['INPUT', 'TEXTAREA'].includes(e.tagName) || e.readOnly || null))"""
    )


# The spec's: required whatever the country, and optional (a Chinese customer's phone number too).
SPEC_REQUIRED = ("firstName", "lastName", "email", "addressLine1")
SPEC_OPTIONAL = ("addressLine2", "phoneNumber")
# What assistive technologies announce as required: the attribute, or its ARIA state.
MARKED_REQUIRED = "field => field.required || field.getAttribute('aria-required') === 'true'"


def test_required_fields_are_announced_as_required_and_optional_ones_are_not(
    admin_page: Page, customers: CustomerFactory
) -> None:
    # Given a Chinese customer's edit form
    form = AccountEditPage(admin_page).open(customers.create("CN").id)

    # Then a screen reader hears which fields must be filled in, not only a sighted person from an asterisk
    marked = {name: form.field(name).first.evaluate(MARKED_REQUIRED) for name in SPEC_REQUIRED + SPEC_OPTIONAL}
    expected = {name: name in SPEC_REQUIRED for name in marked}
    assert marked == expected, f"fields announced as required (True) or not: expected {expected}, found {marked}"
