"""The field rules per country (rules.py), checked directly: what each country accepts and refuses."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources

import pytest
from flask import Flask, g

from fixtures.portal import seed
from fixtures.portal.billing import load_billing_profile
from fixtures.portal.i18n import field_error_message
from fixtures.portal.rules import (
    PARTNER_DOMAIN,
    FieldError,
    required_fields,
    validate_billing_profile,
    validate_new_customer,
)

Profile = Callable[[str], dict[str, str]]


@pytest.mark.parametrize("country", ["CN", "US", "FR", "CA", "MX"])
def test_a_valid_profile_passes_in_each_country(valid_profile: Profile, country: str) -> None:
    # Given a profile whose address follows the country's rules
    profile = valid_profile(country)

    # When it is validated, Then nothing is wrong with it
    assert validate_billing_profile(profile) == {}


@pytest.mark.parametrize(
    ("country", "field", "value"),
    [
        pytest.param("CN", "state", "BJ", id="cn-province-code"),
        pytest.param("CN", "state", "香港特别行政区", id="cn-hong-kong"),
        pytest.param("CN", "phoneNumber", "+86 13800138000", id="cn-mobile-plus-86"),
        pytest.param("CN", "phoneNumber", "010-12345678", id="cn-landline"),
        pytest.param("CN", "phoneNumber", "+86 10 1234 5678", id="cn-landline-international"),
        pytest.param("CN", "phoneNumber", "138 0013 8000", id="cn-mobile-grouped"),
        pytest.param("CN", "phoneNumber", "", id="cn-phone-optional"),
        pytest.param("US", "postalCode", "98052-6399", id="us-zip-plus-4"),
        pytest.param("US", "state", "ny", id="us-state-any-case"),
        pytest.param("US", "state", "PR", id="us-territory"),
        pytest.param("US", "phoneNumber", "(425) 555-0100", id="us-phone-parentheses"),
        pytest.param("US", "phoneNumber", "+1 425-555-0100", id="us-phone-plus-1"),
        pytest.param("US", "phoneNumber", "", id="us-phone-optional"),
        pytest.param("FR", "phoneNumber", "+33 (0)3 61 17 06 69", id="fr-phone-international"),
        pytest.param("FR", "phoneNumber", "0361170669", id="fr-phone-unspaced"),
        pytest.param("FR", "phoneNumber", "", id="fr-phone-optional"),
        pytest.param("FR", "state", "Île-de-France", id="fr-state-free-text"),
        pytest.param("CA", "postalCode", "k1a0b1", id="ca-postal-unspaced"),
        pytest.param("MX", "phoneNumber", "+52 222 123 4567", id="mx-phone-plus-52"),
    ],
)
def test_country_accepts_its_usual_forms(valid_profile: Profile, country: str, field: str, value: str) -> None:
    # Given a valid profile with one field in another accepted form
    profile = {**valid_profile(country), field: value}

    # When it is validated, Then nothing is wrong with it
    assert validate_billing_profile(profile) == {}


@pytest.mark.parametrize(
    ("country", "field", "value", "code"),
    [
        pytest.param("CN", "postalCode", "10000", "invalid_postal_code", id="cn-postal-5-digits"),
        pytest.param("CN", "postalCode", "", "required", id="cn-postal-blank"),
        pytest.param("CN", "state", "Beijing", "invalid_state", id="cn-state-not-listed"),
        pytest.param("CN", "state", "", "required", id="cn-state-blank"),
        pytest.param("CN", "phoneNumber", "1380013800", "invalid_phone", id="cn-mobile-10-digits"),
        pytest.param("US", "postalCode", "9805", "invalid_postal_code", id="us-postal-4-digits"),
        pytest.param("US", "postalCode", "98052-63", "invalid_postal_code", id="us-postal-short-plus-4"),
        pytest.param("US", "state", "Washington", "invalid_state", id="us-state-name"),
        pytest.param("US", "state", "ZZ", "invalid_state", id="us-state-unknown"),
        pytest.param("US", "phoneNumber", "555-CALL-NOW", "invalid_phone", id="us-phone-letters"),
        pytest.param("US", "city", " ", "required", id="us-city-blank"),
        pytest.param("FR", "postalCode", "7500", "invalid_postal_code", id="fr-postal-4-digits"),
        pytest.param("FR", "postalCode", "75 001", "invalid_postal_code", id="fr-postal-spaced"),
        pytest.param("FR", "phoneNumber", "01 23 45 67", "invalid_phone", id="fr-phone-8-digits"),
        pytest.param("CA", "state", "Ontario", "invalid_state", id="ca-province-name"),
        pytest.param("CA", "postalCode", "12345", "invalid_postal_code", id="ca-postal-digits"),
        pytest.param("MX", "state", "XX", "invalid_state", id="mx-state-unknown"),
    ],
)
def test_country_refuses_what_breaks_its_rules(
    valid_profile: Profile, country: str, field: str, value: str, code: str
) -> None:
    # Given a valid profile with one field that breaks the country's rule
    profile = {**valid_profile(country), field: value}

    # When it is validated
    errors = validate_billing_profile(profile)

    # Then exactly that field is refused, for that reason
    assert list(errors) == [field]
    assert errors[field].code == code


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        pytest.param("email", f"ops@{PARTNER_DOMAIN}", FieldError("partner_domain_email"), id="partner-domain"),
        pytest.param(
            "email", f"ops@Billing.{PARTNER_DOMAIN.upper()}", FieldError("partner_domain_email"), id="partner-subdomain"
        ),
        pytest.param("email", "ops.example.com", FieldError("invalid_email"), id="email-no-at"),
        pytest.param("email", "a..b@example.com", FieldError("invalid_email"), id="email-two-dots"),
        pytest.param("email", ".a@example.com", FieldError("invalid_email"), id="email-leading-dot"),
        pytest.param("email", "a,b@example.com", FieldError("invalid_email"), id="email-comma"),
        pytest.param("email", "a@-example.com", FieldError("invalid_email"), id="email-label-hyphen-first"),
        pytest.param("email", "a@example_1.com", FieldError("invalid_email"), id="email-label-underscore"),
        pytest.param("email", "a\u200b@example.com", FieldError("invalid_email"), id="email-zero-width-space"),
        pytest.param("email", "an\u00adn@example.com", FieldError("invalid_email"), id="email-soft-hyphen"),
        pytest.param("email", "", FieldError("required"), id="email-blank"),
        pytest.param("companyName", "A", FieldError("invalid_company_name"), id="company-one-character"),
        pytest.param("companyName", "-- !", FieldError("invalid_company_name"), id="company-punctuation"),
        pytest.param("companyName", "e\u0301", FieldError("invalid_company_name"), id="company-one-decomposed"),
        pytest.param("companyName", "A\u200b", FieldError("invalid_company_name"), id="company-one-and-zero-width"),
        pytest.param("firstName", "\u200b\u00a0", FieldError("required"), id="first-name-invisible-only"),
        pytest.param("firstName", "x" * 51, FieldError("too_long", {"max": 50}), id="first-name-51"),
        pytest.param("addressLine1", "", FieldError("required"), id="address-line-1-blank"),
        pytest.param("addressLine2", "x" * 201, FieldError("too_long", {"max": 200}), id="address-line-2-201"),
    ],
)
def test_every_country_refuses_bad_contact_fields(
    valid_profile: Profile, field: str, value: str, error: FieldError
) -> None:
    # Given a valid US profile with one bad contact or company field
    profile = {**valid_profile("US"), field: value}

    # When it is validated, Then that field alone is refused with the expected error
    assert validate_billing_profile(profile) == {field: error}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("companyName", "++", id="company-symbols"),
        pytest.param("companyName", "\U0001f600\U0001f600", id="company-emoji"),
        pytest.param("companyName", "3M", id="company-two-characters"),
        pytest.param("firstName", "e\u0301" * 50, id="first-name-50-decomposed"),
        pytest.param("email", "o'brien+billing@ex-ample.co.uk", id="email-atext-and-hyphen"),
        pytest.param("email", "张伟@例子.中国", id="email-chinese"),
    ],
)
def test_every_country_takes_what_the_rules_allow(valid_profile: Profile, field: str, value: str) -> None:
    # Given a valid US profile with one contact or company field at the edge of its rule
    profile = {**valid_profile("US"), field: value}

    # When it is validated, Then nothing is wrong with it
    assert validate_billing_profile(profile) == {}


def test_required_fields_follow_the_country() -> None:
    # Given France (state free text, optional) and the United States (state from a list, required)
    # When their required fields are asked for
    france, united_states = required_fields("FR"), required_fields("US")

    # Then both need a postal code, and only the US a state
    assert "postalCode" in france and "postalCode" in united_states
    assert "state" not in france
    assert "state" in united_states


@pytest.mark.parametrize(
    ("prefix", "code"),
    [
        pytest.param("", "required", id="blank"),
        pytest.param("-contoso", "invalid_domain", id="leading-hyphen"),
        pytest.param("contoso-", "invalid_domain", id="trailing-hyphen"),
        pytest.param("con.toso", "invalid_domain", id="dot"),
        pytest.param("con_toso", "invalid_domain", id="underscore"),
        pytest.param("x" * 64, "too_long", id="64-characters"),
    ],
)
def test_new_customer_refuses_a_bad_domain_prefix(valid_profile: Profile, prefix: str, code: str) -> None:
    # Given a new customer whose domain prefix breaks the DNS label rules
    values = {**valid_profile("US"), "domainPrefix": prefix}

    # When it is validated, Then only the domain prefix is refused
    errors = validate_new_customer(values)

    assert list(errors) == ["domainPrefix"]
    assert errors["domainPrefix"].code == code


@pytest.mark.parametrize("country", ["", "XX", "cn"], ids=["blank", "unknown", "lower-case"])
def test_new_customer_needs_a_supported_country(valid_profile: Profile, country: str) -> None:
    # Given a new customer with a missing, unknown or badly written country code
    values = {**valid_profile("US"), "domainPrefix": "contoso-1", "country": country}

    # When it is validated, Then the country is refused
    errors = validate_new_customer(values)

    assert errors["country"].code == ("required" if not country else "invalid_country")


def test_new_customer_with_valid_fields_passes(valid_profile: Profile) -> None:
    # Given a Chinese customer with a 63-character domain prefix (one full DNS label)
    values = {**valid_profile("CN"), "domainPrefix": "a" + "-b" * 31}

    # When it is validated, Then nothing is wrong with it
    assert validate_new_customer(values) == {}


def test_messages_name_the_country_in_the_reader_language(app: Flask, valid_profile: Profile) -> None:
    # Given a French postal code refused in China
    error = validate_billing_profile({**valid_profile("CN"), "postalCode": "75001"})["postalCode"]

    # When the message is shown to a French-speaking agent
    with app.test_request_context():
        g.locale = "fr-FR"
        message = field_error_message("postalCode", error.code, dict(error.params))

    # Then it names China in French
    assert message == "Code postal n’est pas un code postal valide pour la Chine."


@pytest.mark.parametrize(
    ("country", "locale", "message"),
    [
        ("CA", "fr-FR", "État/Province doit être un État ou une province du Canada."),
        ("US", "fr-FR", "État/Province doit être un État ou une province des États-Unis."),
        ("US", "en-US", "State/Province must be a state or province of the United States."),
        ("MX", "zh-CN", "省/自治区/直辖市必须是墨西哥的省/州。"),
    ],
)
def test_a_country_in_a_message_takes_the_words_its_language_puts_before_it(
    country: str, locale: str, message: str
) -> None:
    error = FieldError("invalid_state", {"country": country})

    assert field_error_message("state", error.code, dict(error.params), locale) == message


@pytest.mark.parametrize("seed_value", [1, 42, 2018])
def test_every_seeded_profile_passes_the_rules(seed_value: int) -> None:
    # Given the demo world made from a seed
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    conn.executescript(resources.files("fixtures.portal").joinpath("schema.sql").read_text())
    seed.seed_world(conn, seed_value)

    # When every customer's billing profile is validated
    ids = [row["id"] for row in conn.execute("SELECT id FROM customers")]
    errors = {i: validate_billing_profile(load_billing_profile(conn, i) or {}) for i in ids}
    conn.close()

    # Then none breaks a rule: the seed and the rules agree
    assert {i: e for i, e in errors.items() if e} == {}
