"""Domain values the pages read and the flows return."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The billing profile's editable fields, spelled as the REST API spells them: its text, then the culture (one of the
# country's; the language follows it).
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
    "culture",
)

BILLING_PROFILE_FIELDS = (*EDITABLE_FIELDS, "country", "language")
# Partner Center's Bill-to info shows them; a deployment's page or form that does not is read as not saying them ("").
SHOWN_WHERE_OFFERED = ("culture", "language")


def always_shown(fields: Iterable[str]) -> list[str]:
    """Return those of ``fields`` every page that shows the Bill-to info shows (``SHOWN_WHERE_OFFERED`` left out)."""
    return [field for field in fields if field not in SHOWN_WHERE_OFFERED]


ACCOUNT_INFO_FIELDS = ("microsoftId", "domain", "companyName")


def likely_field(name: str, known: Iterable[str]) -> str | None:
    """Return the one of ``known`` that ``name`` likely means ("postalCode" for "PostalCode", "postal_code",
    "postcode"), or None."""
    by_folded = {field.casefold().replace("_", ""): field for field in known}
    close = difflib.get_close_matches(name.casefold().replace("_", ""), by_folded, n=1, cutoff=0.8)
    return by_folded[close[0]] if close else None


def with_guesses(names: Iterable[str], known: Iterable[str]) -> str:
    """Return ``names``, sorted, each with the one of ``known`` it likely means: "PostalCode (postalCode?), town"."""
    known = tuple(known)
    return ", ".join(f"{name} ({likely}?)" if (likely := likely_field(name, known)) else name for name in sorted(names))


@dataclass(frozen=True)
class AccountInfo:
    """Customer Account Info, read-only: the tenant's Microsoft ID, primary domain and company name."""

    microsoftId: str
    domain: str
    companyName: str


@dataclass(frozen=True)
class NewCustomer:
    """What Add customer asks for: company details, primary contact and address (API field names)."""

    companyName: str
    domainPrefix: str
    country: str
    firstName: str
    lastName: str
    email: str
    addressLine1: str
    city: str
    postalCode: str = ""
    state: str = ""
    phoneNumber: str = ""
    addressLine2: str = ""

    def form_values(self) -> dict[str, str]:
        """Return the values keyed by form field (API) name."""
        return dataclasses.asdict(self)


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
    culture: str = ""  # "" where the page does not show it
    language: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> BillingProfile:
        """Build a profile from API-named values, ignoring keys it does not know."""
        return cls(**{f.name: values.get(f.name, "") for f in dataclasses.fields(cls)})

    @classmethod
    def from_api(cls, resource: Mapping[str, Any]) -> BillingProfile:
        """Build a profile from the REST API's billing profile resource (address fields nested)."""
        address = resource.get("defaultAddress") or {}
        values = {**{k: v for k, v in address.items() if v is not None}, "companyName": resource.get("companyName", "")}
        for name in ("firstName", "lastName", "email"):
            values[name] = resource.get(name) or address.get(name) or ""
        for name in ("culture", "language"):
            values[name] = resource.get(name) or ""
        return cls.from_mapping(values)

    def as_dict(self) -> dict[str, str]:
        """Return the profile as a plain dict of API-named fields."""
        return dataclasses.asdict(self)
