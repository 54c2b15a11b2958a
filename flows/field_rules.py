"""Check billing values before any click: the published field rules and the customer's country rules.

The country rules are the portal's own, read from ``GET /v1/countryvalidationrules/{iso2}``;
the field rules are those Partner Center documents for the billing profile. The portal checks
everything again on Submit, so this only spares a run the rows that cannot succeed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Documented limits of the billing profile's fields (Address and billing profile resources).
MAX_LENGTH = {"addressLine1": 200, "addressLine2": 200, "firstName": 50, "lastName": 50}
# Documented as required (and, per country, what its rules require): a cell of spaces or invisible characters (a
# zero-width space) would blank them.
REQUIRED = ("companyName", "firstName", "lastName", "email", "addressLine1", "culture")
LINE_BREAK = re.compile(r"[\r\n\v\f\x85\u2028\u2029]")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What Excel (in English and in French; Chinese Excel says them in English) and LibreOffice show for a formula that
# failed, and save as its value: a lookup's #N/A typed into the portal would be a city named "#N/A".
SPREADSHEET_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!",
    "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!",
    "#NUL!", "#VALEUR!", "#NOM?", "#NOMBRE!", "#PROPAGATION!", "#CHAMP!", "#INCONNU!",  # French
    "ERR:502", "ERR:504", "ERR:508", "ERR:511", "ERR:522", "ERR:523",  # LibreOffice
})  # fmt: skip
# ISO 3166-2:CN: China's provinces by their codes, each as China's list of them names it. A sheet may give the
# code; the portal stores the name (its list's): compared as written, a file run again would submit it again.
STATE_CODES = {
    "CN": {
        "BJ": "北京市", "TJ": "天津市", "HE": "河北省", "SX": "山西省", "NM": "内蒙古自治区", "LN": "辽宁省",
        "JL": "吉林省", "HL": "黑龙江省", "SH": "上海市", "JS": "江苏省", "ZJ": "浙江省", "AH": "安徽省",
        "FJ": "福建省", "JX": "江西省", "SD": "山东省", "HA": "河南省", "HB": "湖北省", "HN": "湖南省", "GD": "广东省",
        "GX": "广西壮族自治区", "HI": "海南省", "CQ": "重庆市", "SC": "四川省", "GZ": "贵州省", "YN": "云南省",
        "XZ": "西藏自治区", "SN": "陕西省", "GS": "甘肃省", "QH": "青海省", "NX": "宁夏回族自治区",
        "XJ": "新疆维吾尔自治区", "TW": "台湾省", "HK": "香港特别行政区", "MO": "澳门特别行政区",
    },
}  # fmt: skip
# A subdivision code as ISO 3166-2 spells it, with or without its country: "SH", "CN-SH", "31".
SUBDIVISION_CODE = re.compile(r"^(?:[A-Z]{2}-)?[A-Z0-9]{1,3}$", re.IGNORECASE)


def not_a_company_name(company: str) -> bool:
    """Tell whether ``company`` breaks the published rule: a single character, or punctuation and spaces only.

    Characters as a person counts them: a letter and its accents are one, a zero-width space none; symbols
    ("++", emoji) are no punctuation. (Written apart from the bundled portal's rule, which the suite tests.)
    """
    composed = unicodedata.normalize("NFC", company)
    bases = [ch for ch in composed if not unicodedata.category(ch).startswith(("Z", "Cc", "Cf", "M"))]
    return len(bases) == 1 or all(unicodedata.category(ch).startswith("P") for ch in bases)


def shows_something(value: str) -> bool:
    """Tell whether ``value`` holds a character that shows: not only spaces, controls or format characters."""
    return any(not unicodedata.category(ch).startswith(("Z", "Cc", "Cf")) for ch in value)


@dataclass(frozen=True)
class CountryRules:
    """One country's published address rules; no states listed means the state is free text."""

    iso2: str
    states: tuple[str, ...] = ()
    postal_code_regex: str = ""
    phone_number_regex: str = ""
    required: frozenset[str] = frozenset()  # the fields the country requires (city, state, postal code)
    cultures: tuple[str, ...] = ()  # the cultures a customer of the country may have (none listed: any)

    @classmethod
    def from_resource(cls, resource: Mapping[str, Any]) -> CountryRules:
        """Read the REST API's CountryValidationRules resource."""
        flags = {"city": "isCityRequired", "state": "isStateRequired", "postalCode": "isPostalCodeRequired"}
        return cls(
            iso2=str(resource.get("iso2Code", "")),
            states=tuple(resource.get("supportedStatesList") or ()),
            postal_code_regex=str(resource.get("postalCodeRegex") or ""),
            phone_number_regex=str(resource.get("phoneNumberRegex") or ""),
            required=frozenset(field for field, flag in flags.items() if resource.get(flag) is True),
            cultures=tuple(resource.get("supportedCulturesList") or ()),
        )

    def listed_culture(self, culture: str) -> str:
        """Return ``culture`` as the country's list spells it ("en-us" -> "en-US"), as the portal stores it; else as
        given."""
        return {known.casefold(): known for known in self.cultures}.get(culture.strip().casefold(), culture)

    def culture_problem(self, culture: str) -> str | None:
        """Say why ``culture`` is not one of the country's cultures (any case), or None."""
        if not self.cultures or self.listed_culture(culture) in self.cultures:
            return None
        return f"{culture!r} is not a culture of {self.iso2} (its cultures: {', '.join(self.cultures)})"

    def state_problem(self, state: str) -> str | None:
        """Say why ``state`` is not one of the country's states, or None.

        A country that lists its states by name (China) may still take their codes, which the
        list does not spell out: a code is left to the portal's own check on Submit.
        """
        if not self.states or state.casefold() in {known.casefold() for known in self.states}:
            return None
        listed_by_name = not any(SUBDIVISION_CODE.match(known) for known in self.states)
        if listed_by_name and SUBDIVISION_CODE.match(state):
            return None
        return f"{state!r} is not a state or province of {self.iso2}"

    def listed_state(self, state: str) -> str:
        """Return ``state`` as the country's list spells it ("ny" -> "NY"; "SH" or "CN-SH" -> "上海市" where the
        list names China's provinces so), as the portal stores it; else as given."""
        by_spelling = {known.casefold(): known for known in self.states}
        given = state.strip().casefold()
        named = STATE_CODES.get(self.iso2, {}).get(given.upper().removeprefix(f"{self.iso2}-"), "")
        return by_spelling.get(given) or (named if named in self.states else state)

    def pattern_problem(self, what: str, value: str, pattern: str) -> str | None:
        """Say why ``value`` does not match the country's ``pattern`` for ``what``, or None (also when the pattern
        is one Python cannot read: the portal checks the value on Submit)."""
        compiled = served_pattern(pattern) if pattern else None
        if compiled is None or compiled.fullmatch(value):
            return None
        said = f"{value!r} is not a valid {what} in {self.iso2} (expected {pattern})"
        # A postal code or phone number typed as a number into a spreadsheet lost its leading zero (01000 is 1000).
        # One zero only: two would fit many a short value to a long pattern ("2100" to China's six digits).
        if value.isascii() and value.isdigit() and compiled.fullmatch(f"0{value}"):
            said += (
                f": was it '0{value}'? A spreadsheet drops a number's leading zeros: format the column as Text and "
                "type the values again"
            )
        return said


# A named group as .NET's and JavaScript's patterns write it, (?<name>...); Python's is (?P<name>...).
NAMED_GROUP = re.compile(r"(?<!\\)\(\?<(?![=!])")


def served_pattern(pattern: str) -> re.Pattern[str] | None:
    """Return a pattern the API serves, compiled; None when Python's ``re`` cannot read it (``\\p{L}``, say).

    The portal's patterns are another engine's (.NET's, JavaScript's in its pages): their named groups are
    written as Python's; anything else Python lacks leaves the value to the portal's own check, not a crash.
    ASCII: a served pattern's \\d means 0-9 (as in JavaScript), not full-width or other scripts' digits.
    """
    try:
        return re.compile(NAMED_GROUP.sub("(?P<", pattern), re.ASCII)
    except re.error:
        return None


def value_problems(
    changes: Mapping[str, str], rules: CountryRules | None, partner_domain: str | None = None
) -> dict[str, str]:
    """Return what is wrong with each of ``changes`` (non-empty new values), keyed by field.

    ``partner_domain``, when known, is the partner's own: a customer's email may not be there.
    """
    problems: dict[str, str] = {}
    required = {*REQUIRED, *(rules.required if rules else ())}
    for field, value in changes.items():
        if value.strip().upper() in SPREADSHEET_ERRORS:
            problems[field] = f"{value!r} is a spreadsheet's error (a formula that failed), not a value: mend it"
        elif field in required and not shows_something(value):
            problems[field] = f"{value!r} shows nothing (spaces or invisible characters): the field is required"
        elif LINE_BREAK.search(value):  # a one-line field drops them as they are typed
            problems[field] = f"{value!r} holds a line break: the field holds one line"
        elif field in MAX_LENGTH and len(unicodedata.normalize("NFC", value)) > MAX_LENGTH[field]:  # "é" is one
            problems[field] = f"longer than {MAX_LENGTH[field]} characters"
    email = changes.get("email")
    if email and not EMAIL.match(email):
        problems.setdefault("email", f"{email!r} is not an email address")
    elif email and any(unicodedata.category(char) in ("Cc", "Cf") for char in email):  # a zero-width space, say
        problems.setdefault("email", f"{email!r} is not an email address: it holds an invisible character")
    elif email and partner_domain and at_domain(email, partner_domain):
        problems.setdefault("email", f"{email!r} is at the partner's own domain ({partner_domain})")
    company = changes.get("companyName", "").strip()
    if company and not_a_company_name(company):
        problems.setdefault("companyName", f"{company!r} is not a company name")
    if rules is None:
        return problems
    checks = {
        "state": rules.state_problem(changes["state"]) if "state" in changes else None,
        "postalCode": rules.pattern_problem("postal code", changes["postalCode"], rules.postal_code_regex)
        if "postalCode" in changes
        else None,
        "phoneNumber": rules.pattern_problem("phone number", changes["phoneNumber"], rules.phone_number_regex)
        if "phoneNumber" in changes
        else None,
        "culture": rules.culture_problem(changes["culture"]) if "culture" in changes else None,
    }
    for field, problem in checks.items():
        if problem is not None:
            problems.setdefault(field, problem)
    return problems


def at_domain(email: str, domain: str) -> bool:
    """Whether ``email`` is at ``domain`` or one of its subdomains (any case)."""
    at = email.rsplit("@", 1)[1].casefold().rstrip(".")
    domain = domain.casefold().rstrip(".")
    return at == domain or at.endswith("." + domain)
