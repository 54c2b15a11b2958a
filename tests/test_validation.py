"""Validation on Submit: each rule per country; the message is at the field, nothing is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import ValidationError, submit_changes
from pages import AccountEditPage

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

CASES = [
    pytest.param("CN", "addressLine1", "", id="blank-address-line-1"),
    pytest.param("CN", "addressLine1", "路" * 201, id="address-line-1-over-200"),
    pytest.param("US", "addressLine2", "x" * 201, id="address-line-2-over-200"),
    pytest.param("FR", "firstName", "", id="blank-first-name"),
    pytest.param("FR", "firstName", "J" * 51, id="first-name-over-50"),
    pytest.param("US", "lastName", "", id="blank-last-name"),
    pytest.param("CN", "lastName", "王" * 51, id="last-name-over-50"),
    pytest.param("US", "email", "", id="blank-email"),
    pytest.param("US", "email", "not-an-address", id="email-without-at"),
    pytest.param("CN", "email", "billing@21vianet-partner.partner.onmschina.cn", id="email-at-partner-domain"),
    pytest.param("CN", "companyName", "A", id="company-single-character"),
    pytest.param("FR", "companyName", "!?.", id="company-only-punctuation"),
    pytest.param("US", "companyName", "   ", id="company-only-spaces"),
    pytest.param("CN", "postalCode", "20000", id="cn-postal-5-digits"),
    pytest.param("CN", "postalCode", "", id="cn-postal-blank"),
    pytest.param("US", "postalCode", "9810", id="us-postal-4-digits"),
    pytest.param("US", "postalCode", "98101-12", id="us-postal-bad-plus4"),
    pytest.param("FR", "postalCode", "750001", id="fr-postal-6-digits"),
    pytest.param("CN", "phoneNumber", "12345", id="cn-phone-too-short"),
    pytest.param("US", "phoneNumber", "555-CALL-NOW", id="us-phone-letters"),
    pytest.param("FR", "phoneNumber", "12", id="fr-phone-too-short"),
    pytest.param("CN", "state", "Atlantis", id="cn-state-not-a-province"),
    pytest.param("US", "state", "XX", id="us-state-not-a-state"),
    pytest.param("CN", "city", "", id="cn-blank-city"),
]


@pytest.mark.parametrize(("country", "field", "bad_value"), CASES)
def test_invalid_value_is_refused_at_its_field_and_nothing_is_saved(
    country: str, field: str, bad_value: str, admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given the edit form (opened by its address: the way there is the workflow tests' job),
    # with one bad value and one valid change
    customer = customers.create(country)
    valid_change = {"addressLine2": "Building 7"} if field != "addressLine2" else {"addressLine1": "1 Main Street"}
    form = AccountEditPage(admin_page).open(customer.id)

    # When it is submitted
    with pytest.raises(ValidationError) as refused:
        submit_changes(form, {field: bad_value, **valid_change})

    # Then the message names the field, at the field; the typed values stay; nothing is saved
    assert list(refused.value.field_errors) == [field]
    assert LABELS[field] in refused.value.field_errors[field]
    expect(form.field(field)).to_have_attribute("aria-invalid", "true")
    typed = {name: value for name, value in customer.billing.as_dict().items() if name != "country"}
    assert form.values() == {**typed, field: bad_value, **valid_change}
    assert api.billing_profile(customer.id) == customer.billing
