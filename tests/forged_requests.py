"""A request one session sent, sent again as another: a forged Submit, whatever the portal's Submit is; and
Submit's body changed on its way.

A deployment's Submit may be a form's POST carrying an anti-forgery field, or a script's PUT with a bearer token
and an anti-forgery header. Sent again in another session's name, it carries that session's own: its cookies (the
browser context's), its anti-forgery values (the hidden fields and ``<meta>`` tokens its page holds, by name) and
its bearer token (the last its page sent to the request's origin). So a refusal is the portal's word on who sent
it, not on a stale token: sent again in the first session's name, the same request must save (the test's positive
control).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pytest
from playwright.sync_api import APIResponse, Page, Request, Route

from fixtures.api_client import Customer
from flows import PortalUnavailableError, edit_account, open_customer, submit_changes
from plugins.portal_requests import PortalRequests

# Names of the values a session holds against forgery: Flask-WTF's csrf_token, ASP.NET's
# __RequestVerificationToken, Angular's X-XSRF-TOKEN, a meta's csrf-token.
SESSION_TOKEN = re.compile(r"csrf|xsrf|verification|antiforgery|authenticity", re.IGNORECASE)
SESSION_HEADERS = {"cookie", "authorization", "content-length", "host"}
LEFT_OUT = object()  # what an edit of a JSON body gives for a key to leave out
PAGE_TOKENS = """() => [
  ...[...document.querySelectorAll('input[type=hidden][name]')].map((input) => [input.name, input.value]),
  ...[...document.querySelectorAll('meta[name][content]')].map((meta) => [meta.name, meta.content]),
]"""


@dataclass(frozen=True)
class SentRequest:
    """A request as a page sent it: what a session of its own adds (cookies, bearer token) left out of ``headers``."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    bearer: str | None = None

    @classmethod
    def of(cls, request: Request) -> SentRequest:
        """The request ``request`` as sent (its bearer token apart)."""
        headers = {name.lower(): value for name, value in request.headers.items()}
        bearer = headers.pop("authorization", None)
        kept = {name: value for name, value in headers.items() if name not in SESSION_HEADERS}
        return cls(request.method, request.url, kept, request.post_data_buffer, bearer)

    def send_from(self, page: Page) -> APIResponse:
        """Send it with ``page``'s cookies (its context's), redirects not followed: their answer is the portal's."""
        headers = {**self.headers, **({"authorization": self.bearer} if self.bearer else {})}
        return page.request.fetch(self.url, method=self.method, headers=headers, data=self.body, max_redirects=0)

    def as_session(self, session: SessionValues) -> SentRequest:
        """This request in the name of ``session``: its anti-forgery values and bearer token in place of these (a
        header's from the value of its name, else the page's value where it holds one only); a value the session
        does not hold is left out, not sent as the first session's."""
        tokens = session.tokens()
        headers = {name: value for name, value in self.headers.items() if not SESSION_TOKEN.search(name)}
        for name in self.headers.keys() - headers.keys():
            named = [value for key, value in tokens.items() if bare(key) == bare(name)]
            only = list(tokens.values()) if len(tokens) == 1 else []
            if named or only:
                headers[name] = (named or only)[0]
        bearer = session.bearers.get(origin(self.url))
        if self.bearer and not bearer:  # sent without one, the request would be refused for that alone
            pytest.fail(f"{session.page.url} sent {origin(self.url)} no Authorization header: none to send with")
        body = retokened(self.body, self.headers.get("content-type", ""), lambda name, value: tokens.get(name))
        return replace(self, headers=headers, body=body, bearer=bearer)

    def from_site(self, site: str) -> SentRequest:
        """This request as another site's page could send it from the same browser, where the browser let it (a
        form's POST; a script's request where the portal's CORS allowed it): its cookies go with it (a browser that
        keeps no cookie to its own site: the worst case), not what only the portal's pages hold (anti-forgery values,
        bearer token), and the browser names ``site`` as where it came from."""
        headers = {name: value for name, value in self.headers.items() if not SESSION_TOKEN.search(name)}
        headers |= {"origin": site.rstrip("/"), "referer": site.rstrip("/") + "/", "sec-fetch-site": "cross-site"}
        body = retokened(self.body, self.headers.get("content-type", ""), lambda name, value: None)
        return replace(self, headers=headers, body=body, bearer=None)


@dataclass
class SessionValues:
    """What a signed-in page holds of its session beside its cookies: its bearer token, its anti-forgery values."""

    page: Page
    bearers: dict[str, str] = field(default_factory=dict)  # the last bearer token the page sent, by origin

    @classmethod
    def watching(cls, page: Page) -> SessionValues:
        """Start noting the bearer tokens ``page`` sends (before it opens a screen): an API's origin may be another."""
        session = cls(page)
        page.on("request", session.note)
        return session

    def note(self, request: Request) -> None:
        if "authorization" in request.headers:
            self.bearers[origin(request.url)] = request.headers["authorization"]

    def tokens(self) -> dict[str, str]:
        """The session's anti-forgery values by name: the page's (hidden fields, meta tags), then its cookies'."""
        pairs: list[list[str]] = self.page.evaluate(PAGE_TOKENS)
        cookies = [[cookie["name"], cookie["value"]] for cookie in self.page.context.cookies(self.page.url)]
        found: dict[str, str] = {}
        for name, value in [*pairs, *cookies]:
            if SESSION_TOKEN.search(name):
                found.setdefault(name, value)
        return found


def retokened(body: bytes | None, content_type: str, token: Callable[[str, str], str | None]) -> bytes | None:
    """Return ``body`` (a form's fields, or a JSON object's, nested ones too) with each anti-forgery value as ``token``
    gives it for its name and value (None: left out); a body of another type (a file's upload) is left as it is."""
    if not body or not re.search(r"form-urlencoded|json", content_type):
        return body
    text = body.decode()
    if "json" not in content_type:
        fields = urllib.parse.parse_qsl(text, keep_blank_values=True)
        kept = [(name, value if not SESSION_TOKEN.search(name) else token(name, value)) for name, value in fields]
        return urllib.parse.urlencode([(name, value) for name, value in kept if value is not None]).encode()

    def retoken(name: str, value: object) -> object:
        given = token(name, str(value))
        return LEFT_OUT if given is None else given

    return json.dumps(edited(json.loads(text), lambda name: bool(SESSION_TOKEN.search(name)), retoken)).encode()


def edited(held: object, names: Callable[[str], bool], edit: Callable[[str, object], object]) -> object:
    """Return ``held`` (JSON's) with the value of each key ``names`` takes as ``edit`` gives it for the key and value
    (``LEFT_OUT``: the key left out), in nested objects and lists too."""
    if isinstance(held, list):
        return [edited(value, names, edit) for value in held]
    if not isinstance(held, dict):
        return held
    kept = {key: edit(key, value) if names(key) else edited(value, names, edit) for key, value in held.items()}
    return {key: value for key, value in kept.items() if value is not LEFT_OUT}


def with_field(body: str, name: str, change: Callable[[str], str]) -> str:
    """Return Submit's ``body`` with the field ``name`` changed by ``change`` (given "" where the body has none, and
    then added), as a proxy on the way might: a form's field, or a JSON body's wherever it is (flat, or in its
    ``defaultAddress``, where one added goes). An empty body is left as it is, and so is a JSON value no string."""
    if not body:
        return body
    try:
        sent = json.loads(body)
    except ValueError:
        fields = urllib.parse.parse_qsl(body, keep_blank_values=True)
        value = next((value for key, value in fields if key == name), "")
        return urllib.parse.urlencode([*((key, v) for key, v in fields if key != name), (name, change(value))])
    found: list[object] = []

    def changed(key: str, value: object) -> object:
        found.append(value)
        return change(value) if isinstance(value, str) else value

    sent = edited(sent, lambda key: key == name, changed)
    if not found and isinstance(sent, dict):
        holder = sent.get("defaultAddress") if isinstance(sent.get("defaultAddress"), dict) else sent
        holder[name] = change("")
    return json.dumps(sent)


def answer_headers(response: APIResponse) -> dict[str, str]:
    """Return ``response``'s headers to give a page the same answer with: its body came decoded (no gzip any more),
    so without those that say how it was sent (its encoding, its length)."""
    sent_as = {"content-encoding", "content-length", "transfer-encoding"}
    return {name: value for name, value in response.headers.items() if name.lower() not in sent_as}


def bare(name: str) -> str:
    """A token's name as a header's and a field's compare: "X-XSRF-TOKEN" and "XSRF-TOKEN", "csrf_token"."""
    return re.sub(r"[^a-z0-9]", "", name.lower().removeprefix("x-"))


def origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def catch(caught: list[SentRequest]) -> Callable[[Route], None]:
    """Return a route handler that notes the request and stops it there, as a portal refusing connections would: the
    portal never hears it."""

    def stop(route: Route) -> None:
        caught.append(SentRequest.of(route.request))
        route.abort("connectionrefused")

    return stop


def stopped_submit(page: Page, portal_requests: PortalRequests, customer: Customer, city: str) -> SentRequest:
    """Return the Submit of a change of ``customer``'s city, stopped on its way (the route stays: the portal hears no
    Submit of that customer's from ``page`` again)."""
    caught: list[SentRequest] = []  # each of them: a page's script may send it again after the first failed
    portal_requests.route_submit(page, catch(caught), customer.id)
    with pytest.raises(PortalUnavailableError, match="did not answer Submit"):  # as the library says it
        submit_changes(edit_account(page, customer.companyName), {"city": city})
    assert caught, "Submit's request was never stopped"
    return caught[0]


def send_as(sent: SentRequest, session: SessionValues, customer: Customer) -> APIResponse:
    """Send ``sent`` in ``session``'s name, its values read from ``customer``'s Account page, opened there now."""
    open_customer(session.page, customer.companyName).account()
    return sent.as_session(session).send_from(session.page)
