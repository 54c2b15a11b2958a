"""A small client of the portal's REST API, for what a job reads before any change.

It authenticates with a bearer token from a callable (``token``), so how tokens are obtained
(a refresh token from the identity provider, or anything a caller has) stays in one place.
A token the API refuses (expired, forgotten by a restart) is replaced once and the request
sent again: a 401 means the portal did nothing with it.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from pages import BillingProfile, PortalError, PortalUnavailableError

TokenSource = Callable[[], str]
"""Returns a new access token for the portal's REST API each time it is called."""

CONTINUATION_HEADER = "MS-ContinuationToken"
PAGE_SIZE = 100
TIMEOUT_S = 30


class ApiError(PortalError):
    """The REST API answered with an error; ``status`` and ``body`` say which."""

    def __init__(self, status: int, body: Any, where: str) -> None:
        super().__init__(f"{where} answered {status}: {body}")
        self.status = status
        self.body = body


def send(
    url: str, method: str = "GET", *, form: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
) -> tuple[Any, dict[str, str]]:
    """Send one request; return the decoded JSON answer and its headers, or raise ``ApiError``."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    sent = {"Accept": "application/json", **(headers or {})}
    if form is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers=sent, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:  # its connection, closed now rather than by the collector
            raw = error.read()
        body = json.loads(raw) if raw.startswith(b"{") else raw.decode(errors="replace")
        raise ApiError(error.code, body, f"{method} {url}") from None
    except urllib.error.URLError as error:
        raise PortalUnavailableError(f"The portal's REST API did not answer {method} {url}: {error.reason}") from None


def discover_provider(base_url: str) -> dict[str, Any]:
    """Return the OpenID configuration of the provider the portal signs people in with.

    The portal's sign-in sends the browser there, so its first redirect names the provider (and its
    tenant), for the bundled portal and Partner Center alike.
    """

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(f"{base_url.rstrip('/')}/sign-in", timeout=TIMEOUT_S)
        raise ValueError(f"{base_url} does not send its sign-in to an identity provider")
    except urllib.error.HTTPError as redirect:
        location = urllib.parse.urlsplit(redirect.headers.get("Location", ""))
    tenant = location.path.strip("/").split("/")[0]
    issuer = f"{location.scheme}://{location.netloc}/{tenant}/v2.0"
    with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT_S) as answer:
        return json.loads(answer.read())


def refresh_token_source(base_url: str, refresh_token: str, client_id: str) -> TokenSource:
    """Return a token source that redeems ``refresh_token`` at the portal's identity provider.

    As partners' automation does (the Secure Application Model): a public client's refresh token,
    from a sign-in that passed MFA, gives access tokens for the API; each answer may rotate it.
    """
    kept = {"refresh_token": refresh_token}
    endpoint: list[str] = []  # found once, from the provider the portal's sign-in names

    def token() -> str:
        if not endpoint:
            endpoint.append(discover_provider(base_url)["token_endpoint"])
        form = {"grant_type": "refresh_token", "refresh_token": kept["refresh_token"], "client_id": client_id}
        answer, _ = send(endpoint[0], "POST", form=form)
        kept["refresh_token"] = answer.get("refresh_token") or kept["refresh_token"]
        return str(answer["access_token"])

    return token


class PortalClient:
    """The REST API as one user; safe to share between threads."""

    def __init__(self, base_url: str, token: TokenSource) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.token_source = token
        self.token: str | None = None
        self.lock = threading.Lock()  # one renewal at a time
        self.rules: dict[str, dict[str, Any] | None] = {}

    def get(self, path: str, query: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None) -> Any:
        """GET ``path`` (below the base URL) and return the decoded answer; renew a refused token once."""
        return self.get_with_headers(path, query, headers)[0]

    def get_with_headers(
        self, path: str, query: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> tuple[Any, dict[str, str]]:
        """GET ``path``; return the answer and its headers."""
        url = self.base_url + path.lstrip("/") + (f"?{urllib.parse.urlencode(query)}" if query else "")
        used = self.current_token()
        try:
            return send(url, headers={**(headers or {}), "Authorization": f"Bearer {used}"})
        except ApiError as refused:
            if refused.status != 401:
                raise
        return send(url, headers={**(headers or {}), "Authorization": f"Bearer {self.current_token(renew=used)}"})

    def current_token(self, renew: str | None = None) -> str:
        """Return the token to send; ``renew`` is one the API refused, replaced unless another thread did."""
        with self.lock:
            if self.token is None or self.token == renew:
                self.token = self.token_source()
            return self.token

    def customer(self, customer_id: str) -> dict[str, Any] | None:
        """Return the customer with this Microsoft ID, or None when there is none."""
        try:
            return self.get(f"v1/customers/{urllib.parse.quote(customer_id)}")
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def customers_named(self, company_name: str) -> list[dict[str, Any]]:
        """Return every customer whose company name is exactly ``company_name``."""
        spec = {"Field": "CompanyName", "Value": company_name, "Operator": "starts_with"}
        query = {"size": str(PAGE_SIZE), "filter": json.dumps(spec, ensure_ascii=False)}
        found: list[dict[str, Any]] = []
        headers: dict[str, str] = {}
        while True:
            answer = self.get("v1/customers", query, headers)
            found += [item for item in answer["items"] if item["companyProfile"]["companyName"] == company_name]
            following = (answer.get("links") or {}).get("next")
            if not following:
                return found
            # The next page is the same query with the continuation token as a header.
            headers = {h["key"]: h["value"] for h in following.get("headers", []) if h["key"] == CONTINUATION_HEADER}

    def billing_profile(self, customer_id: str) -> BillingProfile:
        """Return the customer's billing profile as stored."""
        return BillingProfile.from_api(self.get(f"v1/customers/{urllib.parse.quote(customer_id)}/profiles/billing"))

    def country_rules(self, iso2: str) -> dict[str, Any] | None:
        """Return the country's published validation rules (cached), or None when it publishes none."""
        if iso2 not in self.rules:
            try:
                self.rules[iso2] = self.get(f"v1/countryvalidationrules/{urllib.parse.quote(iso2)}")
            except ApiError as error:
                if error.status != 404:
                    raise
                self.rules[iso2] = None
        return self.rules[iso2]
