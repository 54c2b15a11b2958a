"""The library's REST client where tokens go wrong: no token quoted in an error, a token source's failure never
taken for the API's answer, an expired token refused with a web page renewed, an API that answered with an error
waited for through its restart.

A stub on the loopback plays the portal, its provider and its API; nothing here reaches a portal.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from test_rest_client import StubApi, serving
from test_rest_client_tokens import client_of, numbered_tokens, provider_at

from fixtures import api_client as suite_api
from flows import rest_waits
from flows.rest import ApiError, NotApiAnswerError, PortalClient, discover_provider
from pages import PortalError, PortalUnavailableError

pytestmark = pytest.mark.tooling

ACCESS, REFRESH = "eyJhbGciOi.SECRET-ACCESS", "0.AAAA-SECRET-REFRESH"
NOT_FOUND = (404, {"Content-Type": "application/json"}, {"code": 404, "description": "Not found"})


@pytest.fixture
def api() -> Iterator[StubApi]:
    """Serve a stub portal, provider and API on the loopback while the test runs."""
    with serving() as stub:
        yield stub


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"access_token": ACCESS, "refresh_token": REFRESH, "expires_in": 3599}, "return its ['access_token']"),
        (f"{ACCESS}\n".encode(), "decode them to text"),
    ],
    ids=["msal-result", "bytes"],
)
def test_a_token_source_giving_what_is_no_token_is_refused_without_quoting_it(given: object, said: str) -> None:
    # Given a token source that gives MSAL's whole result (or the bytes of a file) instead of the token
    client = PortalClient("http://127.0.0.1:9/", lambda: given)  # type: ignore[arg-type, return-value]

    # When a script reads a customer, then it is refused before any request, saying what to give
    with pytest.raises(TypeError) as refused:
        client.customer("c1")

    # Then the message says what to give instead, and quotes no token
    message = str(refused.value)
    assert said in message and ACCESS not in message and REFRESH not in message, message


def test_a_token_given_itself_instead_of_its_source_is_refused_without_quoting_it() -> None:
    with pytest.raises(TypeError) as refused:
        PortalClient("http://127.0.0.1:9/", ACCESS)  # type: ignore[arg-type]

    message = str(refused.value)
    assert "lambda: token" in message and ACCESS not in message, message


def test_a_token_answer_cut_short_is_said_without_its_tokens(api: StubApi) -> None:
    # Given a provider whose token answer is cut short as its connection closes (HTTP/1.0, no length)
    cut = f'{{"access_token": "{ACCESS}", "refresh_token": "{REFRESH}'.encode()
    token_endpoint = f"{api.url}tenant/oauth2/v2.0/token"
    api.answers = [*provider_at(api.url, token_endpoint), (200, {"Content-Type": "application/json"}, cut)]

    # When a script reads the customers
    with pytest.raises(PortalUnavailableError) as broke_off:
        client_of(api).customers_named("Contoso")

    # Then the provider is said to have broken off, its answer's size given, none of it quoted
    message = str(broke_off.value)
    assert message.startswith(f"The identity provider broke off POST {token_endpoint}"), message
    assert f"{len(cut)} bytes" in message and "SECRET" not in message, message


@pytest.mark.parametrize("read", ["customer", "country_rules"])
def test_a_token_endpoint_s_404_is_its_error_not_a_customer_or_a_country_the_api_does_not_know(
    api: StubApi, read: str
) -> None:
    # Given a provider whose token endpoint answers 404 (moved, or a wrong tenant)
    token_endpoint = f"{api.url}tenant/oauth2/v2.0/token"
    api.answers = [*provider_at(api.url, token_endpoint), NOT_FOUND]
    client = client_of(api)

    # When a script reads a customer, or a country's rules
    with pytest.raises(ApiError) as failed:
        getattr(client, read)("CN" if read == "country_rules" else "c1")

    # Then it is the token endpoint's error, not "no such customer" (None), and the API was never asked
    assert failed.value.status == 404 and str(failed.value).startswith(f"POST {token_endpoint} answered 404")
    assert [path for path, _ in api.requests][-1] == "/tenant/oauth2/v2.0/token"


IIS_401 = (401, {"Content-Type": "text/html"}, b"<html><head><title>401 - Unauthorized</title></head></html>")


def test_an_expired_token_refused_with_a_web_page_without_a_challenge_is_renewed(api: StubApi) -> None:
    # Given a front that refuses an expired token with a page of its own, naming no scheme, then takes the next
    api.answers = [IIS_401, (200, {}, {"id": "c1", "companyProfile": {"companyName": "Contoso"}})]
    handed, token = numbered_tokens()

    # When a script reads the customer
    found = PortalClient(api.url, token).customer("c1")

    # Then the token was renewed and the request sent again
    assert found is not None and found["id"] == "c1" and handed == ["token-1", "token-2"]


def test_a_web_page_refusing_a_renewed_token_too_asks_about_the_address(api: StubApi) -> None:
    # Given an address whose web server answers every request 401 with its page
    api.answers = [IIS_401]

    # When the library's and the suite's clients ask
    with pytest.raises(NotApiAnswerError) as library:
        PortalClient(api.url, numbered_tokens()[1]).customer("c1")
    tokens = SimpleNamespace(new_access_token=numbered_tokens()[1])
    with pytest.raises(suite_api.NotApiAnswerError) as suite:
        suite_api.PortalApi(api.url, "global-admin", None, tokens=tokens).call("GET", "v1/customers")  # type: ignore[arg-type]

    # Then each renewed once and asks whether the address is the API's, quoting the page's title
    for said in (str(library.value), str(suite.value)):
        assert "answered 401 with a web page ('401 - Unauthorized')" in said and "REST API's address?" in said, said
    assert len(api.requests) == 4


def test_an_api_that_answered_only_errors_is_waited_for_through_a_restart(
    api: StubApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(rest_waits, "pause", waits.append)
    # Given an API that answered a request with an error (no rules for a country), then restarts: its next
    # request finds no answer, the one after its answer
    listed = (200, {}, {"items": [], "links": {}})
    api.answers = [NOT_FOUND, (0, {}, b""), listed]
    client = PortalClient(api.url, lambda: "t", unavailable_wait_s=30)
    assert client.country_rules("CN") is None

    # When a script reads the customers, then the client waited for the restart and had the answer
    assert client.customers_named("Contoso") == [] and len(waits) == 1


CONFIGURATION = ["/t/v2.0/.well-known/openid-configuration"]  # the tenant "t"'s, as a stub provider answers it


def provider_elsewhere(api: StubApi) -> str:
    """Return the stub's address under another name (the provider's site, as the browser tells sites apart)."""
    return api.url.replace("127.0.0.1", "localhost")


def test_a_sign_in_that_goes_through_the_portal_s_own_pages_first_finds_the_provider(api: StubApi) -> None:
    # Given a portal whose sign-in first sends to a page of its own, which sends to the provider at another site
    provider = provider_elsewhere(api)
    config = {"authorization_endpoint": f"{provider}t/oauth2/v2.0/authorize", "token_endpoint": f"{provider}t/token"}
    api.answers = [
        (302, {"Location": "/auth/login?returnUrl=%2F"}, b""),
        (302, {"Location": f"{provider}t/oauth2/v2.0/authorize?client_id=x"}, b""),
        (200, {}, config),
    ]

    # When the provider is looked for, then it is the one the redirects led to, its tenant's configuration read
    assert discover_provider(api.url) == config
    assert [path for path, _ in api.requests] == ["/sign-in", "/auth/login?returnUrl=%2F", *CONFIGURATION]


def test_a_provider_named_outright_is_asked_without_the_portal(api: StubApi, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a portal whose sign-in a script starts (it answers a page), and its provider named in the environment
    config = {"authorization_endpoint": "https://idp.example/t/authorize", "token_endpoint": "https://idp.example/t/t"}
    api.answers = [(200, {}, config)]
    monkeypatch.setenv("PORTAL_AUTHORITY", f"{provider_elsewhere(api)}t/")

    # When the provider is looked for, then its configuration is read from there, the portal never asked
    assert discover_provider("http://127.0.0.1:9/") == config
    assert [path for path, _ in api.requests] == CONFIGURATION


def test_a_portal_whose_sign_in_is_a_page_of_its_own_says_how_to_name_the_provider(api: StubApi) -> None:
    # Given a single-page portal: its sign-in address answers its page, the provider asked by its script
    api.answers = [(200, {"Content-Type": "text/html"}, b"<html><app-root></app-root></html>")]

    with pytest.raises(PortalError, match=r"answered a page of its own.*\$PORTAL_AUTHORITY"):
        discover_provider(api.url)
