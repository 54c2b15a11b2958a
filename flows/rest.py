"""A small client of the portal's REST API, for what a job reads before any change.

It authenticates with a bearer token from a callable (``token``), so how tokens are obtained
(a refresh token from the identity provider, or anything a caller has) stays in one place.
A token the API refuses (expired, forgotten by a restart) is replaced once and the request
sent again: a 401 means the portal did nothing with it. So is a request the API asks to send later
(429 Too Many Requests, or 503 with ``Retry-After``), after the wait it names, a few times.
A gateway's answer (502, 503 without ``Retry-After``, 504) is raised at once, as a dropped connection is,
unless the client was asked to wait for an API that restarts (``PortalClient(unavailable_wait_s=...)``).
Each answer's shape is checked before it is read (``rest_answers``): another is a ``NotApiAnswerError``.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from pages import BillingProfile, PortalError, PortalUnavailableError, ThrottledError
from pages.errors import retry_after_seconds
from pages.exceptions import first_line
from pages.list_controls import either_width

from . import rest_answers as answers
from . import rest_waits
from .account import microsoft_id
from .base_url import normalize_base_url
from .rest_answers import CONTINUATION_HEADER, NotApiAnswerError, nfc  # callers know them as flows.rest.*
from .rest_errors import (  # callers know them as flows.rest.*
    IDENTITY_PROVIDER,
    ApiError,
    TokenWithoutMfaError,
    access_token,
    asking,
    check_text,
    kind_of,
    refresh_refused,
    refused_for_mfa,
)
from .rest_errors import MFA_REQUIRED_CODE as MFA_REQUIRED_CODE  # callers know it as flows.rest.*
from .rest_errors import ApiThrottledError as ApiThrottledError  # callers know it as flows.rest.*
from .rest_errors import ApiUnavailableError as ApiUnavailableError  # callers know it as flows.rest.*
from .rest_errors import RefreshTokenRefusedError as RefreshTokenRefusedError  # callers know it as flows.rest.*
from .rest_errors import said as said  # callers know it as flows.rest.*
from .rest_http import (
    NOT_REDIRECTED,
    gateway_answered,
    link_address,
    refused_page,
    same_site,
    segment,
    untrusted_by_python,
)
from .rest_send import TIMEOUT_S as TIMEOUT_S  # callers know it as flows.rest.*
from .rest_send import open_patiently, send
from .rest_waits import FIRST_LOOK_S, LONGEST_LOOK_S, wait_asked
from .rest_waits import LONGEST_WAIT_S as LONGEST_WAIT_S  # callers know it as flows.rest.*

TokenSource = Callable[[], str]
"""Returns a new access token for the portal's REST API each time it is called."""

API_VERSION = "v1"
PAGE_SIZE = 100
MAX_PAGES = 10_000  # of one listing: a million customers; more is an API that never says "last"

log = logging.getLogger("flows")


AUTHORITY_VARIABLE = "PORTAL_AUTHORITY"  # the provider and tenant, for a portal whose sign-in a script starts
MAX_REDIRECTS = 5  # within the portal's own site, before its sign-in leads to the provider


def discover_provider(base_url: str, *, authority: str | None = None) -> dict[str, Any]:
    """Return the OpenID configuration of the provider the portal signs people in with.

    ``authority`` (else ``$PORTAL_AUTHORITY``), the provider's address and tenant
    (``https://login.partner.microsoftonline.cn/contoso.onmschina.cn``), names it outright: a portal whose pages
    start the sign-in by script (a single-page app) never redirects to it. Otherwise the portal's sign-in
    (``/sign-in``) sends the browser there, through redirects within its own site, so the first that leaves it names
    the provider and its tenant. A sign-in page that asks to come back later (429, 503 saying when) is waited out as
    the API's answers are; asking still, it is a ``ThrottledError``.
    """
    authority = (authority or os.environ.get(AUTHORITY_VARIABLE) or "").strip().rstrip("/")
    if authority:
        return provider_configuration(authority.removesuffix("/v2.0"))
    sign_in = asked = f"{base_url.rstrip('/')}/sign-in"
    for _ in range(MAX_REDIRECTS):
        try:
            open_patiently(urllib.request.Request(asked), NOT_REDIRECTED)  # a 429 waited out as it asks
            answered = "a page of its own"
        except urllib.error.HTTPError as answer:
            answer.close()
            led_to = urllib.parse.urljoin(asked, answer.headers.get("Location") or "")
            location = urllib.parse.urlsplit(led_to)
            if 300 <= answer.code < 400 and location.scheme in ("http", "https") and answer.headers.get("Location"):
                if same_site(base_url, led_to) and "/oauth2/" not in location.path:  # not a provider's, proxied
                    asked = led_to  # the portal's own sign-in page, on its way to the provider
                    continue
                if location.path.strip("/"):
                    tenant = location.path.strip("/").split("/")[0]
                    return provider_configuration(f"{location.scheme}://{location.netloc}/{tenant}")
            answered = f"{answer.code} {answer.reason}" + (f" to {led_to}" if answer.headers.get("Location") else "")
            if gateway_answered(answer):  # restarting behind its gateway: it has a provider, and will say which
                raise PortalUnavailableError(
                    f"The portal did not answer {asked}: it answered {answered}, a gateway's answer, not a redirect "
                    "to its identity provider"
                ) from None
            later, date = answer.headers.get("Retry-After"), answer.headers.get("Date")
            if wait_asked(answer.code, later, 0, date) is not None:  # asked more than waited
                waited = retry_after_seconds(later, date)
                raise ThrottledError(answer.code, f"{asked} answered {answered}", waited) from None
        except (OSError, http.client.HTTPException) as error:
            raise untrusted_by_python(error, asked) or PortalUnavailableError(
                f"The portal did not answer {asked}: {error}"
            ) from None
        break
    else:
        answered = f"a redirect within its own site {MAX_REDIRECTS} times"
    raise PortalError(
        f"{sign_in} answered {answered}, not a redirect to its identity provider, which is not found: a portal "
        f"whose sign-in a script starts names it in ${AUTHORITY_VARIABLE} (the provider's address and tenant)"
    )


def provider_configuration(authority: str) -> dict[str, Any]:
    """Return the OpenID configuration of the provider at ``authority`` (its address and tenant), checked for what
    its callers read."""
    url = f"{authority}/v2.0/.well-known/openid-configuration"
    with asking(IDENTITY_PROVIDER):
        config = send(url)[0]
    for name in ("authorization_endpoint", "token_endpoint"):  # what its callers read
        answers.text(config, name, f"GET {url}", "an OpenID configuration")
    return config


def refresh_token_source(
    base_url: str, refresh_token: str, client_id: str, *, on_rotated: Callable[[str], None] | None = None
) -> TokenSource:
    """Return a token source that redeems ``refresh_token`` at the portal's identity provider.

    As partners' automation does (the Secure Application Model): a public client's refresh token,
    from a sign-in that passed MFA, gives access tokens for the API; each answer may rotate it, and a
    provider that rotates them refuses the old one from then on: ``on_rotated`` hears each new one, to
    keep it where the next run reads it. One held in a file that other processes use too is
    ``flows.saved_sign_in.saved_token_source``'s, which redeems it under the file's lock.
    """
    kept = {"refresh_token": refresh_token}
    endpoint: list[str] = []  # found once, from the provider the portal's sign-in names

    def token() -> str:
        if not endpoint:
            endpoint.append(discover_provider(base_url)["token_endpoint"])
        access, rotated = redeem_refresh_token(endpoint[0], kept["refresh_token"], client_id)
        if rotated != kept["refresh_token"]:
            kept["refresh_token"] = rotated
            if on_rotated is not None:
                on_rotated(rotated)
        return access

    return token


def redeem_refresh_token(token_endpoint: str, refresh_token: str, client_id: str) -> tuple[str, str]:
    """Redeem ``refresh_token`` at the provider's ``token_endpoint``; return the access token and the refresh token to
    use next (a rotated one, else the same). One the provider refuses is a ``RefreshTokenRefusedError``."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    try:
        with asking(IDENTITY_PROVIDER):
            answer, _ = send(token_endpoint, "POST", form=form)
    except ApiError as refused:
        raise refresh_refused(refused, f"POST {token_endpoint}", client_id) from None
    access = answers.text(answer, "access_token", f"POST {token_endpoint}", "a token answer")
    rotated = answer.get("refresh_token")
    return access, rotated if isinstance(rotated, str) and rotated else refresh_token


def answered_to(error: ApiError, url: str, *statuses: int) -> bool:
    """Whether ``error`` is the API's answer to the GET of ``url`` (with one of ``statuses``, when given), not its
    token source's: a token endpoint's 404 is no word on a customer."""
    return error.where == f"GET {url}" and (not statuses or error.status in statuses)


class PortalClient:
    """The REST API as one user; safe to share between threads.

    ``unavailable_wait_s``: how long a read waits for an API that answered before and does not now (a restart:
    refused, dropped, a gateway's 502-504), asking again after 0.5, 1, 2... up to 8 s; 0 (the default) raises at
    once, as does an API that never answered this client (a wrong address, more likely). A read changes
    nothing, so asking again does nothing twice.
    """

    def __init__(self, base_url: str, token: TokenSource, *, unavailable_wait_s: float = 0.0) -> None:
        self.base_url = normalize_base_url(base_url)  # without http(s)://, ValueError: not an API "not answering"
        if not callable(token):  # the token itself, most often: never quoted, a secret
            raise TypeError(
                f"token is a function returning an access token (refresh_token_source(...), or lambda: token): not "
                f"{kind_of(token)}"
            )
        self.unavailable_wait_s = unavailable_wait_s
        self.answered = False  # the API answered a request of this client: one not answering now is restarting
        self.token_source = token
        self.token: str | None = None
        self.lock = threading.Lock()  # one renewal at a time
        self.rules: dict[str, dict[str, Any] | None] = {}
        self.own_domain: tuple[str | None] | None = None  # the partner's domain, once read

    def get(self, path: str, query: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None) -> Any:
        """GET ``path`` (below the base URL) and return the decoded answer; renew a refused token once."""
        return self.get_with_headers(path, query, headers)[0]

    def get_with_headers(
        self, path: str, query: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> tuple[Any, dict[str, str]]:
        """GET ``path``; return the answer and its headers."""
        return self.get_url(self.address(path, query), headers)

    def address(self, path: str, query: Mapping[str, str] | None = None) -> str:
        """Return the whole address of ``path`` (below the base URL), with ``query``."""
        return self.base_url + path.lstrip("/") + (f"?{urllib.parse.urlencode(query)}" if query else "")

    def get_url(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[Any, dict[str, str]]:
        """GET an absolute ``url`` of the API (a next page's link); return the answer and its headers.

        While the API does not answer, asked again for up to ``unavailable_wait_s``.
        """
        started, waited, wait = time.monotonic(), 0.0, FIRST_LOOK_S
        while True:
            try:
                answer = self.get_once(url, headers)
                self.answered = True
                return answer
            except PortalUnavailableError as error:
                # An API that never answered this client is more likely a wrong address than a restart.
                # The requests' own time counts too (a gateway holding each for its timeout).
                if not self.answered or max(waited, time.monotonic() - started) + wait > self.unavailable_wait_s:
                    raise
                log.warning("%s: asking again in %g s", first_line(error), wait)
            except ApiError as error:  # answered, if with an error (a 404): the API is there, a restart's to wait
                self.answered = self.answered or answered_to(error, url)
                raise
            rest_waits.pause(wait)
            waited, wait = waited + wait, min(2 * wait, LONGEST_LOOK_S)

    def get_once(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[Any, dict[str, str]]:
        """GET ``url`` once (and once more with a renewed token if the API refused the first)."""
        used = self.current_token()
        try:
            return send(url, headers={**(headers or {}), "Authorization": f"Bearer {used}"})
        except ApiError as refused:
            if refused.status != 401:
                raise
        renewed = self.current_token(renew=used)  # the token source's own refusal is its, not this address's
        try:  # a renewed token: the first had expired, or the portal restarted and forgot it
            return send(url, headers={**(headers or {}), "Authorization": f"Bearer {renewed}"})
        except ApiError as refused:
            if not refused_for_mfa(refused.status, refused.body):
                if refused.status != 401:
                    raise
                page = refused_page(f"GET {url}", refused.body)
                if page:
                    raise NotApiAnswerError(f"{page}: is this the REST API's address?") from None
                raise ApiError(
                    refused.status,
                    refused.body,
                    f"GET {url}",
                    "Its token was refused, then the one its token source gave anew too: that source gives tokens "
                    "this API does not take (expired or revoked, for another API or tenant)",
                ) from None
            raise TokenWithoutMfaError(
                refused.status,
                refused.body,
                f"GET {url}",
                "The API takes only tokens from a sign-in that passed multi-factor authentication, and this "
                "one's did not, renewed or not: sign in again with MFA and use that sign-in's tokens",
            ) from None

    def current_token(self, renew: str | None = None) -> str:
        """Return the token to send; ``renew`` is one the API refused, replaced unless another thread did."""
        with self.lock:
            if self.token is None or self.token == renew:
                self.token = access_token(self.token_source())
            return self.token

    def customer(self, customer_id: str) -> dict[str, Any] | None:
        """Return the customer with this Microsoft ID (any case, braces or not), its ``id`` and ``companyProfile``
        checked; None when there is none."""
        check_text("customer_id", customer_id)
        customer_id = microsoft_id(customer_id) or customer_id  # as the API writes it: "{ABC…}" is "abc…"
        url = self.address(f"{API_VERSION}/customers/{segment('customer_id', customer_id)}")
        try:
            answer, _ = self.get_url(url)
        except ApiError as error:
            if answered_to(error, url, 404):
                return None
            raise
        return answers.customer(answer, f"GET {url}")

    def customers_named(self, company_name: str) -> list[dict[str, Any]]:
        """Return every customer named ``company_name``: those written exactly so (both composed, NFC), else those
        written so but for the width of letters, digits and punctuation, and runs of spaces (``either_width``).

        A name written decomposed (macOS, some exports) is the same name; so is the filter sent, or the API's prefix
        match would find nothing. One in the other width (a Chinese name's U+FF08 written "(", as a spreadsheet may)
        is too, as the Customers list (``CustomersPage.choose``) and the portal's search find it.
        """
        check_text("company_name", company_name)
        wanted = nfc(company_name).strip()
        same_name = either_width(wanted)
        spec = {"Field": "CompanyName", "Value": wanted, "Operator": "starts_with"}
        query = {"size": str(PAGE_SIZE), "filter": json.dumps(spec, ensure_ascii=False)}
        found: list[dict[str, Any]] = []
        url = self.address(f"{API_VERSION}/customers", query)
        headers: dict[str, str] = {}
        pages_read = {(url, "")}  # a next page's link back to the first, without a token, is one read already
        while True:
            answer, answered = self.get_url(url, headers)
            items, following = answers.customer_page(answer, f"GET {url}")
            found += [item for item in items if same_name.fullmatch(nfc(item["companyProfile"]["companyName"]))]
            if following is None:
                return [item for item in found if nfc(item["companyProfile"]["companyName"]) == wanted] or found
            # The next page: its link's address (Partner Center's says seekOperation=Next) and its continuation
            # token, sent as the MS-ContinuationToken header wherever, and in whatever letter case, it came.
            token = answers.continuation_token(following, answer, answered)
            url = self.link_url(following.get("uri") or url)
            if token and not token.isascii():  # no header carries it as it is, nor would the API read it back
                raise NotApiAnswerError(f"The customer list's next page ({url}) has a token no header carries")
            headers = {CONTINUATION_HEADER: token} if token else {}
            if (url, token) in pages_read or len(pages_read) >= MAX_PAGES:
                why = "" if token else "; its link came without a continuation token"
                raise PortalError(
                    f"The customer list's next page is one already read, or too many ({url}){why}: stopped"
                )
            pages_read.add((url, token))

    def link_url(self, uri: str) -> str:
        """Return the address of a link the API answered with (``rest_http.link_address``), refusing another site's."""
        return link_address(self.base_url, uri, API_VERSION)

    def billing_profile(self, customer_id: str) -> BillingProfile:
        """Return the customer's billing profile as stored; one without the API's required fields is refused."""
        check_text("customer_id", customer_id)
        customer_id = microsoft_id(customer_id) or customer_id
        url = self.address(f"{API_VERSION}/customers/{segment('customer_id', customer_id)}/profiles/billing")
        return answers.billing_profile(self.get_url(url)[0], f"GET {url}")

    def partner_domain(self) -> str | None:
        """Return the partner's own domain, from its organization profile (read once); None if the API does not say."""
        if self.own_domain is None:
            url = self.address(f"{API_VERSION}/profiles/organization")
            self.current_token()  # a token source's fault is its own, not this address's answer
            try:
                profile = self.get_url(url)[0]
                domain = profile.get("domain") if isinstance(profile, dict) else None
                self.own_domain = (nfc(domain) if isinstance(domain, str) and domain else None,)
            except (ApiError, NotApiAnswerError) as error:  # a role that may not read it, or a portal without it
                if isinstance(error, ApiError) and not answered_to(error, url, 403, 404):
                    raise
                self.own_domain = (None,)
        return self.own_domain[0]

    def country_rules(self, iso2: str) -> dict[str, Any] | None:
        """Return the country's published validation rules (cached), or None when it publishes none."""
        if iso2 not in self.rules:
            url = self.address(f"{API_VERSION}/countryvalidationrules/{segment('iso2', iso2)}")
            try:
                self.rules[iso2] = answers.country_rules(self.get_url(url)[0], f"GET {url}")
            except ApiError as error:
                if not answered_to(error, url, 404):
                    raise
                self.rules[iso2] = None
        return self.rules[iso2]
