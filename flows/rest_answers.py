"""What the REST API's answers must hold, checked before the client reads them.

An answer of another shape (``{"items": null}``, an empty body, a customer without its company
profile, a billing profile without its required fields) is no answer of Partner Center's API: a
wrong address, a proxy's page, another API. It is raised as ``NotApiAnswerError``, naming the
request and what is missing, rather than read as empty values or left to fail as a ``KeyError``
far from its cause.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from pages import EDITABLE_FIELDS, BillingProfile, PortalError

CONTINUATION_HEADER = "MS-ContinuationToken"
# Where Partner Center puts a next page's token: a header of the ``links.next`` link (the documented
# place), the collection's own ``continuationToken``, or a header of the answer. Header names are
# case-insensitive, so these keys are too.
CONTINUATION_KEYS = frozenset({CONTINUATION_HEADER.casefold(), "continuationtoken"})
# Billing profile fields the API always sends (Partner Center's billing profile and Address resources);
# the others (city, state, postalCode, addressLine2, phoneNumber) are optional, or required in some countries.
REQUIRED_BILLING = ("companyName", "firstName", "lastName", "email", "country", "addressLine1")
TOP_LEVEL_FIELDS = ("companyName", "firstName", "lastName", "email", "culture")  # the rest: ``defaultAddress``
CONTACT_FIELDS = ("firstName", "lastName", "email")  # the address may repeat them, as the portal's does


class NotApiAnswerError(PortalError):
    """What answered is not the REST API (a web page, text that is not JSON, JSON of another shape).

    Most likely a wrong address: the message names the request and what its answer lacks.
    """


def nfc(text: str) -> str:
    """Return ``text`` composed (Unicode NFC), as the portal stores names: ``é`` one character, not ``e`` and ``◌́``.

    macOS and some exports write text decomposed (NFD): the same on screen, unequal to ``==``.
    """
    return unicodedata.normalize("NFC", text)


def kind(value: Any) -> str:
    """Name what a JSON value is, for a message."""
    if value is None:
        return "null or absent"
    names = {bool: "true or false", dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def not_api_answer(where: str, resource: str, problem: str) -> NotApiAnswerError:
    """Return the error for ``where``'s answer, which is not ``resource`` ("the API's customer list") for ``problem``.

    Only the REST API's own answers ask about its address; a token or the provider's configuration has another.
    """
    hint = "; is this the REST API's address?" if resource.startswith("the API's") else ""
    return NotApiAnswerError(f"{where} answered something other than {resource}: {problem}{hint}")


def an_object(answer: Any, where: str, resource: str) -> dict[str, Any]:
    """Return ``answer`` if it is a JSON object; an empty body reads as null."""
    if not isinstance(answer, dict):
        raise not_api_answer(where, resource, "the answer is " + ("empty or null" if answer is None else kind(answer)))
    return answer


def text(answer: Any, name: str, where: str, resource: str) -> str:
    """Return the object's field ``name``, which must be non-empty text."""
    value = an_object(answer, where, resource).get(name)
    if not isinstance(value, str) or not value:
        raise not_api_answer(where, resource, f"no {name}" if value in (None, "") else f"{name} is {kind(value)}")
    return value


def customer(answer: Any, where: str, place: str = "", resource: str = "the API's customer") -> dict[str, Any]:
    """Return ``answer`` if it is a customer: an ``id`` and a ``companyProfile`` with a ``companyName``, as text.

    ``place`` names where the customer is in the answer (``items[2]``), "" when it is the whole answer.
    """
    if not place:
        answer, place = an_object(answer, where, resource), "the answer"
    elif not isinstance(answer, dict):
        raise not_api_answer(where, resource, f"{place} is {kind(answer)}, not an object")
    profile = answer.get("companyProfile")
    if not isinstance(answer.get("id"), str):
        raise not_api_answer(where, resource, f"{place} has no id")
    if not isinstance(profile, dict) or not isinstance(profile.get("companyName"), str):
        raise not_api_answer(where, resource, f"{place} has no companyProfile.companyName")
    return answer


def customer_page(answer: Any, where: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Return a page of the customer list: its customers, and its ``links.next`` link (None on the last page)."""
    resource = "the API's customer list"
    page = an_object(answer, where, resource)
    items = page.get("items")
    if not isinstance(items, list):
        raise not_api_answer(where, resource, f"items is {kind(items)}, not a list")
    found = [customer(item, where, f"items[{number}]", resource) for number, item in enumerate(items)]
    links = page.get("links") or {}
    following = (links.get("next") if isinstance(links, dict) else None) or {}
    if not isinstance(links, dict) or not isinstance(following, dict):
        raise not_api_answer(where, resource, "links.next is not a link object")
    headers, uri = following.get("headers"), following.get("uri")
    if headers is not None and not (isinstance(headers, list) and all(isinstance(h, dict) for h in headers)):
        raise not_api_answer(where, resource, "links.next.headers is not a list of key and value objects")
    if uri is not None and not isinstance(uri, str):
        raise not_api_answer(where, resource, f"links.next.uri is {kind(uri)}, not text")
    return found, following or None


def continuation_token(following: Mapping[str, Any], page: Mapping[str, Any], headers: Mapping[str, str]) -> str:
    """Return the next page's continuation token, "" when none is given.

    Looked for in the next link's headers, then the collection's ``continuationToken``, then the answer's
    ``MS-ContinuationToken`` header; under its key in any letter case.
    """
    pairs = [(header.get("key"), header.get("value")) for header in following.get("headers") or []]
    for key, value in [*pairs, *page.items(), *headers.items()]:
        if isinstance(key, str) and key.casefold() in CONTINUATION_KEYS and isinstance(value, str) and value:
            return value
    return ""


def billing_profile(answer: Any, where: str) -> BillingProfile:
    """Return the billing profile resource as a ``BillingProfile``, refusing one without the fields the API requires.

    Optional fields (``addressLine2``, ``state``...) absent or null read as empty; a required one absent, or
    any field that is not text, is no billing profile of the API's, not a profile of empty strings.
    """
    resource = "the API's billing profile"
    profile = an_object(answer, where, resource)
    address = profile.get("defaultAddress")
    if not isinstance(address, dict | None):
        raise not_api_answer(where, resource, f"defaultAddress is {kind(address)}, not an object")
    address = address or {}  # absent: its required fields are said missing below, by name
    missing, not_text = [], []
    for name in (*EDITABLE_FIELDS, "country"):
        value = (profile if name in TOP_LEVEL_FIELDS else address).get(name)
        value = address.get(name) if value is None and name in CONTACT_FIELDS else value
        path = name if name in TOP_LEVEL_FIELDS else f"defaultAddress.{name}"
        if value is None and name in REQUIRED_BILLING:
            missing.append(path)
        elif value is not None and not isinstance(value, str):
            not_text.append(path)
    problems = [f"required {', '.join(missing)} missing"] if missing else []
    problems += [f"{', '.join(not_text)} not text"] if not_text else []
    if problems:
        raise not_api_answer(where, resource, "; ".join(problems))
    return BillingProfile.from_api(profile)


def country_rules(answer: Any, where: str) -> dict[str, Any]:
    """Return a CountryValidationRules resource: an object, its states and cultures lists of text, its patterns
    text."""
    resource = "the API's country validation rules"
    rules = an_object(answer, where, resource)
    for name in ("supportedStatesList", "supportedCulturesList"):
        listed = rules.get(name)
        if listed is not None and not (isinstance(listed, list) and all(isinstance(item, str) for item in listed)):
            raise not_api_answer(where, resource, f"{name} is not a list of text")
    for name in ("postalCodeRegex", "phoneNumberRegex"):
        if rules.get(name) is not None and not isinstance(rules[name], str):
            raise not_api_answer(where, resource, f"{name} is {kind(rules[name])}, not text")
    return rules
