"""Country rules whose patterns are written for another regular-expression engine than Python's.

Partner Center's patterns are .NET's (and JavaScript's in its pages): read through the library's
REST client from a stub API, they are checked as far as Python can read them, and never crash a check.
"""

from __future__ import annotations

import pytest
from test_rest_client import serving

from flows.field_rules import CountryRules, value_problems
from flows.rest import PortalClient

pytestmark = pytest.mark.tooling


def served_rules(postal_code_regex: str, phone_number_regex: str) -> CountryRules:
    """Return France's rules with these patterns, as the library reads them from a stub API."""
    resource = {"iso2Code": "FR", "postalCodeRegex": postal_code_regex, "phoneNumberRegex": phone_number_regex}
    with serving() as api:
        api.answers = [(200, {}, resource)]
        return CountryRules.from_resource(PortalClient(api.url, lambda: "t").country_rules("FR") or {})


def test_a_pattern_with_a_named_group_checks_values_as_its_engine_would() -> None:
    # Given a postal code pattern with a named group written as .NET and JavaScript write it
    rules = served_rules(r"^(?<code>\d{5})$", r"^0\d(?<rest>(?<=0\d)\d{8})$")

    # When values are checked against it
    problems = value_problems({"postalCode": "7500", "phoneNumber": "0123456789"}, rules)

    # Then a postal code one digit short is refused, and a phone number that fits is not
    assert list(problems) == ["postalCode"] and "'7500' is not a valid postal code in FR" in problems["postalCode"]


def test_a_pattern_python_cannot_read_leaves_the_value_to_the_portal() -> None:
    # Given a phone number pattern with a Unicode class Python's re lacks
    rules = served_rules(r"^\d{5}$", r"^\p{N}{10}$")

    # When a phone number is checked
    problems = value_problems({"postalCode": "75001", "phoneNumber": "0123456789"}, rules)

    # Then nothing is said against it (the portal checks it on Submit): no error from Python's re
    assert problems == {}
