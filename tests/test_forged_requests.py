"""A request sent again in another session's name: its anti-forgery values and bearer token, not the first's."""

from __future__ import annotations

import json
import urllib.parse
from types import SimpleNamespace
from typing import cast

import pytest
from forged_requests import SentRequest, SessionValues, retokened, with_field
from playwright.sync_api import Page

pytestmark = pytest.mark.tooling

FORM = "application/x-www-form-urlencoded"


class HeldSession(SessionValues):
    """A session's values as a page would give them, without a page."""

    def __init__(self, tokens: dict[str, str], bearer: str | None = None) -> None:
        super().__init__(page=cast(Page, SimpleNamespace(url="https://pc.example/")))
        self.bearers = {"https://pc.example": bearer} if bearer else {}
        self.held = tokens

    def tokens(self) -> dict[str, str]:
        return self.held


def test_a_form_carries_the_session_s_anti_forgery_field_and_keeps_every_other() -> None:
    sent = b"city=Lille&csrf_token=admins&etag=W%2F%221%22&note=token+of+thanks"

    body = retokened(sent, FORM, lambda name, value: {"csrf_token": "agents"}.get(name, value)) or b""
    dropped = retokened(sent, FORM, lambda name, value: None) or b""

    fields = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)
    assert fields == [("city", "Lille"), ("csrf_token", "agents"), ("etag", 'W/"1"'), ("note", "token of thanks")]
    assert urllib.parse.parse_qsl(dropped.decode()) == [
        ("city", "Lille"),
        ("etag", 'W/"1"'),
        ("note", "token of thanks"),
    ]
    assert retokened(sent, "multipart/form-data; boundary=x", lambda name, value: None) == sent, "another type: as is"


def test_a_json_body_carries_the_session_s_values_by_name_wherever_they_are() -> None:
    sent = json.dumps({"city": "Lille", "__RequestVerificationToken": "admins", "meta": {"csrf": "x", "n": 1}})

    tokens = {"__RequestVerificationToken": "agents", "csrf": "y"}
    body = json.loads(retokened(sent.encode(), "application/json", lambda name, value: tokens.get(name, value)) or b"")

    assert body == {"city": "Lille", "__RequestVerificationToken": "agents", "meta": {"csrf": "y", "n": 1}}


def test_headers_body_and_bearer_token_are_the_session_s_own_and_none_of_the_first_s() -> None:
    sent = SentRequest(
        "PUT", "https://pc.example/v1/x", {"x-xsrf-token": "admins", "accept": "*/*", "content-type": FORM},
        b"city=Lille&csrf_token=admins", "Bearer a",
    )  # fmt: skip

    forged = sent.as_session(HeldSession({"csrf-token": "meta", "XSRF-TOKEN": "cookie"}, bearer="Bearer h"))

    assert forged.headers == {"accept": "*/*", "content-type": FORM, "x-xsrf-token": "cookie"}, "its own name's value"
    assert forged.bearer == "Bearer h"
    assert forged.body == b"city=Lille", "a body's value the session does not hold is left out, not the first's sent"
    assert sent.as_session(HeldSession({"csrf-token": "meta"}, "B")).headers["x-xsrf-token"] == "meta", "its one"
    assert "x-xsrf-token" not in sent.as_session(HeldSession({}, "Bearer h")).headers, "none held: not the first's"
    two = HeldSession({"csrf-param": "authenticity_token", "csrf-token": "t"}, "B")
    assert "x-xsrf-token" not in sent.as_session(two).headers, "two values, neither of its name: not guessed"
    with pytest.raises(pytest.fail.Exception, match=r"sent https://pc\.example no Authorization header"):
        sent.as_session(HeldSession({"csrf-token": "meta"}))  # sent without one, refused for that alone
    assert SentRequest("POST", "https://pc.example/f", {}, None).as_session(HeldSession({})).bearer is None


def test_another_site_s_request_carries_none_of_the_portal_s_values() -> None:
    sent = SentRequest("POST", "https://pc.example/f", {"x-csrf-token": "t", "content-type": FORM}, b"a=1&csrf_token=t")

    forged = sent.from_site("https://attacker.example/")

    assert forged.headers == {
        "content-type": FORM, "origin": "https://attacker.example", "referer": "https://attacker.example/",
        "sec-fetch-site": "cross-site",
    }  # fmt: skip
    assert (forged.body, forged.bearer) == (b"a=1", None)


def test_a_field_changed_on_the_way_in_a_form_or_wherever_a_json_body_holds_it() -> None:
    form = "city=Lyon&country=CN&etag=1"
    nested = json.dumps({"firstName": "A", "defaultAddress": {"city": "Lyon", "country": "CN"}})

    assert urllib.parse.parse_qsl(with_field(form, "city", str.upper)) == [
        ("country", "CN"),
        ("etag", "1"),
        ("city", "LYON"),
    ]
    assert json.loads(with_field(nested, "city", str.upper))["defaultAddress"] == {"city": "LYON", "country": "CN"}
    assert json.loads(with_field(json.dumps({"city": "Lyon"}), "country", lambda _: "FR")) == {
        "city": "Lyon",
        "country": "FR",
    }
    assert with_field("", "city", str.upper) == "", "no body: none made"
    assert json.loads(with_field('{"city": null}', "city", str.upper)) == {"city": None}, "no string: as it is"
    added = json.loads(with_field(json.dumps({"defaultAddress": {"city": "Lyon"}}), "country", lambda was: was or "FR"))
    assert added == {"defaultAddress": {"city": "Lyon", "country": "FR"}}, "added where the address is"
