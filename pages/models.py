"""Domain values the pages read and the flows return."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

# The billing profile's editable fields, spelled as the REST API spells them.
EDITABLE_FIELDS = (
    "companyName",
    "firstName",
    "lastName",
    "email",
    "phoneNumber",
    "addressLine1",
    "addressLine2",
    "city",
    "state",
    "postalCode",
)


@dataclass(frozen=True)
class BillingProfile:
    """A customer's Bill-to info as the Account page shows it (REST API field names)."""

    companyName: str
    firstName: str
    lastName: str
    email: str
    phoneNumber: str
    addressLine1: str
    addressLine2: str
    city: str
    state: str
    postalCode: str
    country: str

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> BillingProfile:
        """Build a profile from API-named values, ignoring keys it does not know."""
        return cls(**{f.name: values.get(f.name, "") for f in dataclasses.fields(cls)})

    def as_dict(self) -> dict[str, str]:
        """Return the profile as a plain dict of API-named fields."""
        return dataclasses.asdict(self)
