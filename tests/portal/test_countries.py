"""Country validation rules: the lists agree with the seed's faker, and the API serves them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from faker.providers.address.en_US import Provider as UsAddresses
from faker.providers.address.zh_CN import Provider as CnAddresses
from flask.testing import FlaskClient

from fixtures.portal.countries import COUNTRIES, country_rules


def test_every_province_faker_makes_is_a_supported_chinese_state() -> None:
    # Given the 34 provincial-level divisions faker zh_CN's province() draws from
    provinces = set(CnAddresses.provinces)

    # When China's rules are asked for, Then they list exactly those
    rules = COUNTRIES["CN"]
    assert set(rules.supported_states) == provinces
    assert len(provinces) == 34


def test_every_state_code_faker_makes_is_a_supported_us_state() -> None:
    # Given every code faker en_US's state_abbr() can yield, territories included
    codes = {*UsAddresses.states_abbr, *UsAddresses.territories_abbr, *UsAddresses.freely_associated_states_abbr}

    # When the US rules check them, Then every one is accepted
    assert {code for code in codes if not COUNTRIES["US"].accepts_state(code)} == set()


@pytest.mark.parametrize(
    ("iso2", "state_required", "states"),
    [
        pytest.param("CN", True, 34, id="CN"),
        pytest.param("us", True, 59, id="US-lower-case"),
        pytest.param("FR", False, 0, id="FR"),
        pytest.param("CA", True, 13, id="CA"),
        pytest.param("MX", True, 32, id="MX"),
    ],
)
def test_country_rules_are_served_by_the_api(
    client: FlaskClient, admin: dict[str, str], iso2: str, state_required: bool, states: int
) -> None:
    # Given a supported country
    # When its rules are asked for
    response = client.get(f"/v1/countryvalidationrules/{iso2}", headers=admin)

    # Then they come in Partner Center's shape, with the country's state list
    assert response.status_code == 200
    body = response.json
    assert body["iso2Code"] == iso2.upper()
    assert body["isStateRequired"] is state_required
    assert len(body["supportedStatesList"]) == states
    assert body["isPostalCodeRequired"] is True
    assert body["attributes"] == {"objectType": "CountryValidationRules"}


def test_china_supports_chinese_and_english_cultures(client: FlaskClient, admin: dict[str, str]) -> None:
    # Given China
    # When its rules are asked for
    body = client.get("/v1/countryvalidationrules/CN", headers=admin).json

    # Then its cultures are zh-CN and en-US, and its postal codes have six digits
    assert body["supportedCulturesList"] == ["zh-CN", "en-US"]
    assert body["postalCodeRegex"] == r"^\d{6}$"


def test_served_regexes_are_those_the_portal_checks_with(client: FlaskClient, admin: dict[str, str]) -> None:
    # Given the US rules, as the API serves them (the browser checks what is typed with these)
    served = client.get("/v1/countryvalidationrules/US", headers=admin).json

    # Then the postal code's pattern is the spec's
    assert served["postalCodeRegex"] == r"^\d{5}(-\d{4})?$"
    # And the portal's own check decides as the served patterns do, values either side of each
    rules = country_rules("US")
    assert rules is not None
    postal_codes = ["98052", "98052-6399", "98052-", "9805", "980526399"]
    phones = ["425-555-0100", "4255550100", "+1 425 555 0100", "555-0100", "42a-555-0100"]
    assert [rules.accepts_postal_code(code) for code in postal_codes] == [
        re.fullmatch(served["postalCodeRegex"], code, re.ASCII) is not None for code in postal_codes
    ]
    assert [rules.accepts_phone_number(phone) for phone in phones] == [
        re.fullmatch(served["phoneNumberRegex"], phone, re.ASCII) is not None for phone in phones
    ]
    assert [rules.accepts_postal_code(code) for code in postal_codes] == [True, True, False, False, False]


@pytest.mark.parametrize("digits", ["２０００００", "٢٠٠٠٠٠"], ids=["full-width", "arabic-indic"])
def test_postal_codes_and_phone_numbers_take_ascii_digits_only(digits: str) -> None:
    # Given China's rules, whose served patterns say \d, which a browser reads as 0-9
    rules = country_rules("CN")
    assert rules is not None

    # When six digits of another script are offered, beside the same in 0-9
    # Then only the 0-9 ones pass, as the browser's own check of the served pattern decides
    assert rules.accepts_postal_code("200000") and not rules.accepts_postal_code(digits)
    assert rules.accepts_phone_number("13800138000") and not rules.accepts_phone_number("138" + digits + "00")


def test_unknown_country_has_no_rules(client: FlaskClient, admin: dict[str, str]) -> None:
    # Given a country the portal does not serve
    # When its rules are asked for
    response = client.get("/v1/countryvalidationrules/ZZ", headers=admin)

    # Then the answer is 404 in Partner Center's error shape
    assert response.status_code == 404
    assert response.json["source"] == "PartnerFD"


def test_a_country_without_rules_of_its_own_takes_a_free_state_and_an_unknown_code_none(
    client: FlaskClient, admin: dict[str, str], new_customer_body: Callable[[str], dict[str, Any]], sign_in: Any
) -> None:
    # Given Germany, which has no rules of its own here (the spec: the state is free text outside CN, US, CA, MX)
    served = client.get("/v1/countryvalidationrules/de", headers=admin)
    unknown = client.get("/v1/countryvalidationrules/XX", headers=admin)
    body = new_customer_body("FR")
    address = {**body["billingProfile"]["defaultAddress"], "country": "DE", "state": "Bayern", "postalCode": "80331"}
    body["billingProfile"]["defaultAddress"] = address

    # When a customer there is made
    created = client.post("/v1/customers", json=body, headers=admin)

    # Then its rules are served (a state of any words, not required), the customer is made and shown; "XX" is none
    assert served.status_code == 200 and served.json["iso2Code"] == "DE", served.json
    assert (served.json["isStateRequired"], served.json["supportedStatesList"]) == (False, [])
    assert unknown.status_code == 404
    assert created.status_code == 201, created.json
    assert created.json["billingProfile"]["defaultAddress"]["state"] == "Bayern"
    sign_in("global-admin")
    account = client.get(f"/customers/{created.json['id']}/account")
    assert account.status_code == 200 and "Bayern" in account.get_data(as_text=True)
