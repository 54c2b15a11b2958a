"""The REST clients against what stands before the API and its provider, and what they write their own way: a
gateway's throttle or a front's refusal of a token as a web page, a proxy asking for credentials, a token endpoint
that throttles or fails, a portal's sign-in behind a restarting gateway, a token given with its scheme, an error
resource after a byte order mark, a JSON answer cut short as its connection closed.

The stub API of tests/test_rest_client.py answers; nothing here reaches a portal.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import requests
from test_rest_client import StubApi, serving

from fixtures import api_client as suite_api
from fixtures.api_tokens import ProviderFaultError, ProviderTokens, TokenError
from fixtures.identity_http import ask
from flows import rest, rest_waits
from flows.rest import ApiError, NotApiAnswerError, PortalClient, TokenWithoutMfaError, discover_provider
from pages import PortalUnavailableError, ThrottledError

pytestmark = pytest.mark.tooling

THROTTLE_PAGE = b"<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body>Slow down</body></html>"


@pytest.fixture
def api() -> Iterator[StubApi]:
    """Serve a stub API on the loopback while the test runs."""
    with serving() as stub:
        yield stub


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the clients' waits instead of waiting them."""
    recorded: list[float] = []
    monkeypatch.setattr(rest_waits, "pause", recorded.append)
    return recorded


def suite_client(url: str) -> suite_api.PortalApi:
    """Return the suite's client of the API at ``url``, its token a stand-in's."""
    return suite_api.PortalApi(url, "global-admin", None, tokens=SimpleNamespace(new_access_token=lambda: "t"))  # type: ignore[arg-type]


def test_a_throttle_answered_with_a_gateway_s_page_is_a_throttle_with_its_wait(
    api: StubApi, waits: list[float]
) -> None:
    # Given a gateway before the API that throttles with a page of its own, asking to come back in two minutes
    api.answers = [(429, {"Content-Type": "text/html", "Retry-After": "120"}, THROTTLE_PAGE)]

    # When the library's client and the suite's ask
    with pytest.raises(ApiError) as library:
        PortalClient(api.url, lambda: "t").customer("c1")
    with pytest.raises(suite_api.ApiError) as suite:
        suite_client(api.url).call("GET", "v1/customers")

    # Then each says it was throttled, the library with the wait asked (for a job to honour), not a wrong address
    assert not isinstance(library.value, NotApiAnswerError) and library.value.status == 429
    assert library.value.retry_after == 120.0 and "is this" not in str(library.value)
    assert not isinstance(suite.value, suite_api.NotApiAnswerError) and suite.value.status == 429
    assert "429 Too Many Requests" in str(suite.value) and "is this" not in str(suite.value)
    assert waits == []  # two minutes is the caller's to wait, not the client's


def provider_tokens(url: str) -> ProviderTokens:
    """Return the suite's tokens of a provider at ``url``, holding a refresh token, able to sign in too."""
    endpoints = {"token_endpoint": f"{url}token", "authorization_endpoint": f"{url}authorize"}
    return ProviderTokens(
        url, "global-admin", "a-password", "JBSWY3DPEHPK3PXP", refresh_token="refresh-1", metadata=endpoints
    )


BUSY = {"error": "temporarily_unavailable", "error_description": "AADSTS90055: too many requests"}
TOKENS = {"access_token": "access-2", "refresh_token": "refresh-2", "token_type": "Bearer"}
JSON = {"Content-Type": "application/json"}


def test_a_throttled_token_endpoint_is_waited_for_not_taken_for_a_refused_refresh_token(
    api: StubApi, waits: list[float]
) -> None:
    # Given a provider that throttles a redemption once, asking for 3 s, then redeems the refresh token
    api.answers = [(429, {**JSON, "Retry-After": "3"}, BUSY), (200, JSON, TOKENS)]
    tokens = provider_tokens(api.url)

    # When the suite's tokens ask for an access token
    token = tokens.new_access_token()
    tokens.close()

    # Then they waited as asked and redeemed the same refresh token again: no sign-in with the password instead
    assert (token, tokens.refresh_token) == ("access-2", "refresh-2")
    assert [path for path, _ in api.requests] == ["/token", "/token"] and waits == [3.0]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param((429, {**JSON, "Retry-After": "3600"}, BUSY), id="throttled-for-an-hour"),
        pytest.param((500, JSON, {"error": "server_error", "error_description": "AADSTS90033"}), id="its-own-fault"),
    ],
)
def test_a_token_endpoint_that_refuses_nothing_is_no_reason_to_sign_in_again(
    api: StubApi, waits: list[float], answer: tuple[int, dict[str, str], object]
) -> None:
    # Given a provider that throttles the redemption past any wait, or fails on its own
    api.answers = [answer]
    tokens = provider_tokens(api.url)

    # When the suite's tokens ask for an access token
    with pytest.raises(ProviderFaultError) as failed:
        tokens.new_access_token()
    tokens.close()

    # Then it says what the provider answered, and neither signed in with the password nor dropped the refresh token;
    # nor is it a refusal (a TokenError), which stops a run's tests: a later one may pass
    assert f"POST {api.url}token answered {answer[0]}" in str(failed.value)
    assert not isinstance(failed.value, TokenError)
    assert [path for path, _ in api.requests] == ["/token"] and tokens.refresh_token == "refresh-1"


EXPIRED = {
    "Content-Type": "text/html",
    "WWW-Authenticate": 'Bearer error="invalid_token", error_description="The access token expired"',
}
EXPIRED_PAGE = b"<html><head><title>401 - Unauthorized: Access is denied</title></head><body></body></html>"


def test_a_token_refused_with_a_web_page_is_renewed_when_the_answer_challenges_for_a_bearer_token(
    api: StubApi,
) -> None:
    # Given an API whose front refuses an expired token with a page of its own, challenging for a bearer token,
    # and takes the next token (for each client in turn)
    customer = {"id": "c1", "companyProfile": {"companyName": "Contoso"}}
    api.answers = [(401, EXPIRED, EXPIRED_PAGE), (200, {}, customer), (401, EXPIRED, EXPIRED_PAGE), (200, {}, {})]
    handed: list[str] = []

    def token() -> str:
        handed.append(f"token-{len(handed) + 1}")
        return handed[-1]

    # When the library's client and the suite's ask
    found = PortalClient(api.url, token).customer("c1")
    suite = suite_api.PortalApi(api.url, "global-admin", None, tokens=SimpleNamespace(new_access_token=token))  # type: ignore[arg-type]
    suite.call("GET", "v1/customers")

    # Then each renewed its token and sent the request again: a refused token, not a wrong address
    assert found == customer and suite.renewals == 1
    sent = [headers["Authorization"] for _, headers in api.requests]
    assert sent == ["Bearer token-1", "Bearer token-2", "Bearer token-3", "Bearer token-4"]


PROXY_PAGE = b"<html><head><title>ERROR: Cache Access Denied</title></head><body>Squid</body></html>"


def test_a_proxy_asking_for_credentials_is_said_so_not_taken_for_a_wrong_address(api: StubApi) -> None:
    # Given a proxy on the way to the API that asks for credentials with its page
    api.answers = [(407, {"Content-Type": "text/html", "Proxy-Authenticate": 'Basic realm="proxy"'}, PROXY_PAGE)]

    # When the library's client and the suite's ask
    with pytest.raises(ApiError) as library:
        PortalClient(api.url, lambda: "t").customer("c1")
    with pytest.raises(suite_api.ApiError) as suite:
        suite_client(api.url).call("GET", "v1/customers")

    # Then each says a proxy asks for credentials, and where they go, not that the address is no API's
    assert library.value.status == 407 and "is this" not in str(library.value)
    for said in (str(library.value), str(suite.value)):
        assert "A proxy on the way asks for credentials (407)" in said and "$https_proxy" in said, said
    assert not isinstance(suite.value, suite_api.NotApiAnswerError) and suite.value.status == 407


def test_a_token_given_as_the_authorization_header_s_value_is_sent_once_with_its_scheme(api: StubApi) -> None:
    # Given a token source that gives the Authorization header's value, as copied from a browser's request
    api.answers = [(200, {}, {"items": [], "links": {}})]
    given = lambda: "bearer  a-token\n"  # noqa: E731

    # When the library's client and the suite's ask
    PortalClient(api.url, given).customers_named("Contoso")
    suite_api.PortalApi(api.url, "global-admin", None, tokens=SimpleNamespace(new_access_token=given)).call(  # type: ignore[arg-type]
        "GET", "v1/customers"
    )

    # Then each sent the token once behind its scheme, not "Bearer bearer ..." nor a refusal of it
    assert [headers["Authorization"] for _, headers in api.requests] == ["Bearer a-token"] * 2


def test_an_error_resource_written_with_a_byte_order_mark_is_read_as_the_api_s(api: StubApi) -> None:
    # Given an API that writes its JSON with UTF-8's byte order mark, and refuses tokens without MFA
    mfa_required = (
        b"\xef\xbb\xbf" + b'{"code": 900421, "description": "MFA required", "data": [], "source": "PartnerFD"}'
    )
    api.answers = [(401, {"Content-Type": "application/json; charset=utf-8"}, mfa_required)]

    # When the library's client asks
    with pytest.raises(ApiError) as refused:
        PortalClient(api.url, lambda: "t").customer("c1")

    # Then its error resource is read (code and words): a token without MFA, not text that merely starts so
    assert isinstance(refused.value, TokenWithoutMfaError) and refused.value.body["code"] == 900421


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_answering_for_a_restarting_portal_s_sign_in_is_the_portal_not_answering(
    api: StubApi, status: int
) -> None:
    # Given a portal restarting behind its gateway when its identity provider is looked for (the first token)
    api.answers = [(status, {"Content-Type": "text/html"}, b"<html><title>Bad gateway</title></html>")]

    # When the identity provider is looked for
    with pytest.raises(PortalUnavailableError) as unanswered:
        discover_provider(api.url)

    # Then the portal is said not to answer (waited for as a restart), not to have no identity provider
    assert f"answered {status}" in str(unanswered.value) and "a gateway's answer" in str(unanswered.value)


def test_a_throttled_sign_in_page_of_the_provider_is_waited_for_and_asked_again(
    api: StubApi, waits: list[float]
) -> None:
    # Given a provider whose sign-in page throttles once, asking for 2 s, then answers
    api.answers = [(429, {"Retry-After": "2", "Content-Type": "text/html"}, b"<title>Too many</title>"), (200, {}, {})]

    # When the suite's sign-in over HTTP asks for it
    with requests.Session() as session:
        answer = ask(session, "GET", f"{api.url}authorize")

    # Then it waited as asked and had the page: a throttle is no refusal of the sign-in, which stops a run
    assert answer.status_code == 200 and waits == [2.0] and len(api.requests) == 2


CUT_SHORT = (200, {"Content-Type": "application/json"}, b'{"items": [{"id": "c1", "companyProfile": {"compa')


def test_a_json_answer_cut_short_as_its_connection_closed_is_the_api_breaking_off(
    api: StubApi, waits: list[float]
) -> None:
    # Given an API answering without a length, its body ended by the connection's close, as HTTP/1.0 answers; one
    # answer cut short (a restart mid-answer) between whole ones
    whole = (200, {"Content-Type": "application/json"}, {"items": [], "links": {}})
    api.answers = [whole, CUT_SHORT, whole, CUT_SHORT]
    client = PortalClient(api.url, lambda: "t", unavailable_wait_s=30)
    client.customers_named("Fabrikam")

    # When the library's client, waiting for restarts, and the suite's ask
    found = client.customers_named("Contoso")
    with pytest.raises(PortalUnavailableError) as suite:
        suite_client(api.url).call("GET", "v1/customers")

    # Then the library asked again and had the whole answer; the suite's says the API broke off, not a wrong address
    assert found == [] and waits == [rest.FIRST_LOOK_S]
    assert "broke off" in str(suite.value) and "is this" not in str(suite.value)


def test_a_throttled_portal_sign_in_is_waited_out_then_names_the_provider(api: StubApi, waits: list[float]) -> None:
    # Given a portal whose sign-in throttles once, asking for 2 s, then sends to its provider
    authorize = f"{api.url}tenant/oauth2/v2.0/authorize"
    configuration = {"authorization_endpoint": authorize, "token_endpoint": f"{api.url}tenant/oauth2/v2.0/token"}
    api.answers = [
        (429, {"Retry-After": "2", "Content-Type": "text/html"}, THROTTLE_PAGE),
        (302, {"Location": authorize}, b""),
        (200, {}, configuration),
    ]

    # When the identity provider is looked for
    found = discover_provider(api.url)

    # Then the wait asked for was waited, and the provider found
    assert waits == [2.0] and found == configuration


@pytest.mark.parametrize(
    ("retry_after", "waited", "asked"),
    [("", [1.0, 2.0, 4.0, 8.0], None), ("120", [], 120.0)],
    ids=["throttled-on", "asks-too-long"],
)
def test_a_portal_sign_in_throttled_on_is_a_throttle_not_a_portal_without_provider(
    api: StubApi, waits: list[float], retry_after: str, waited: list[float], asked: float | None
) -> None:
    # Given a portal whose sign-in throttles every time, or asks to come back in two minutes
    headers = {"Retry-After": retry_after} if retry_after else {}
    api.answers = [(429, {**headers, "Content-Type": "text/html"}, THROTTLE_PAGE)] * 5

    # When the identity provider is looked for
    with pytest.raises(ThrottledError) as throttled:
        discover_provider(api.url)

    # Then it backed off a few times at most, and says it was throttled, with the wait asked (for a job to honour)
    assert waits == waited and throttled.value.status == 429 and throttled.value.retry_after == asked
    assert "not found" not in str(throttled.value)
