"""POST /v1/validations/address: the country's rules decide Verified, StreetPartial, None or NotValidated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

Profile = Callable[[str], dict[str, str]]
ADDRESS = ("country", "addressLine1", "addressLine2", "city", "state", "postalCode")


def address_of(profile: dict[str, str], **changes: str) -> dict[str, str]:
    """Return the address part of a billing profile, with some values changed."""
    return {**{field: profile[field] for field in ADDRESS}, **changes}


@pytest.mark.parametrize("country", ["CN", "US", "FR", "CA", "MX"])
def test_valid_address_is_verified(
    client: FlaskClient, admin: dict[str, str], valid_profile: Profile, country: str
) -> None:
    # Given an address that follows its country's rules
    address = address_of(valid_profile(country))

    # When it is validated
    response = client.post("/v1/validations/address", json=address, headers=admin)

    # Then it is Verified, echoed back, with no suggestions needed
    assert response.status_code == 200
    assert response.json["status"] == "Verified"
    assert response.json["originalAddress"] == address
    assert response.json["suggestedAddresses"] == []


@pytest.mark.parametrize(
    ("country", "changes", "mentions"),
    [
        pytest.param("CN", {"postalCode": "10000"}, "Postal code", id="cn-postal"),
        pytest.param("US", {"state": "Washington"}, "State/Province", id="us-state"),
        pytest.param("FR", {"city": ""}, "City", id="fr-city"),
    ],
)
def test_address_off_the_country_rules_matches_nothing(
    client: FlaskClient, admin: dict[str, str], valid_profile: Profile, country: str, changes: dict, mentions: str
) -> None:
    # Given an address whose place breaks its country's rules
    address = address_of(valid_profile(country), **changes)

    # When it is validated
    body = client.post("/v1/validations/address", json=address, headers=admin).json

    # Then no address matches, and the message says which field is wrong
    assert body["status"] == "None"
    assert mentions in body["validationMessage"]


def test_address_without_a_street_is_street_partial(
    client: FlaskClient, admin: dict[str, str], valid_profile: Profile
) -> None:
    # Given a US address whose place is right but whose street is missing
    address = address_of(valid_profile("US"), addressLine1="")

    # When it is validated, Then it is StreetPartial
    body = client.post("/v1/validations/address", json=address, headers=admin).json
    assert body["status"] == "StreetPartial"
    assert "Address line 1" in body["validationMessage"]


def test_address_in_an_unsupported_country_is_not_validated(
    client: FlaskClient, admin: dict[str, str], valid_profile: Profile
) -> None:
    # Given an address in a country the portal has no rules for
    address = address_of(valid_profile("FR"), country="DE")

    # When it is validated, Then it is NotValidated, with a reason
    body = client.post("/v1/validations/address", json=address, headers=admin).json
    assert body["status"] == "NotValidated"
    assert "DE" in body["validationMessage"]


def test_address_without_a_country_is_400(client: FlaskClient, admin: dict[str, str]) -> None:
    # Given an address with no country
    # When it is validated
    response = client.post("/v1/validations/address", json={"city": "Paris"}, headers=admin)

    # Then it is refused as an invalid property
    assert (response.status_code, response.json["code"]) == (400, 3000)
