"""The library's tokens: a token the API refuses is renewed once (and one refused for want of MFA says so); tokens
from a refresh token (``refresh_token_source``), as a script uses them with ``PortalClient``: an identity provider
that does not answer, or that refuses the refresh token, is said as the provider's doing.

A stub on the loopback plays the portal (its sign-in's redirect) and the provider (its configuration and tokens).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from test_rest_client import StubApi, serving

from fixtures.api_client import ApiError as SuiteApiError
from fixtures.api_client import PortalApi
from flows import saved_sign_in
from flows.rest import (
    ApiError,
    NotApiAnswerError,
    PortalClient,
    RefreshTokenRefusedError,
    TokenWithoutMfaError,
    discover_provider,
    refresh_token_source,
)
from pages import PortalError, PortalUnavailableError, SignInError

pytestmark = pytest.mark.tooling

NOWHERE = "http://127.0.0.1:9/"  # the discard port: nothing answers on the loopback


@pytest.fixture
def api() -> Iterator[StubApi]:
    """Serve a stub portal and provider on the loopback while the test runs."""
    with serving() as stub:
        yield stub


def provider_at(provider: str, token_endpoint: str) -> list[tuple[int, dict[str, str], object]]:
    """Return the answers of a portal whose sign-in sends to ``provider``, which names ``token_endpoint``."""
    authorize = f"{provider}tenant/oauth2/v2.0/authorize"
    configuration = {"authorization_endpoint": authorize, "token_endpoint": token_endpoint}
    return [(302, {"Location": authorize}, b""), (200, {}, configuration)]


def client_of(api: StubApi) -> PortalClient:
    """Return a client of the stub's API whose tokens come from a refresh token at its provider."""
    return PortalClient(api.url, refresh_token_source(api.url, "a-refresh-token", "a-client-id"))


def test_an_identity_provider_that_does_not_answer_is_named_not_the_api(api: StubApi) -> None:
    # Given a portal whose sign-in sends to an identity provider that does not answer
    api.answers = provider_at(NOWHERE, f"{NOWHERE}tenant/oauth2/v2.0/token")[:1]

    # When a script reads the customers
    with pytest.raises(PortalUnavailableError) as unanswered:
        client_of(api).customers_named("Contoso")

    # Then the error names the identity provider and its address, not the REST API
    expected = f"The identity provider did not answer GET {NOWHERE}tenant/v2.0/.well-known/openid-configuration"
    assert str(unanswered.value).startswith(expected), unanswered.value


def test_a_token_endpoint_that_does_not_answer_is_named_as_the_identity_provider_s(api: StubApi) -> None:
    # Given a provider whose token endpoint does not answer
    api.answers = provider_at(api.url, f"{NOWHERE}tenant/oauth2/v2.0/token")

    # When a script reads the customers
    with pytest.raises(PortalUnavailableError) as unanswered:
        client_of(api).customers_named("Contoso")

    # Then the error names the identity provider's token endpoint
    expected = f"The identity provider did not answer POST {NOWHERE}tenant/oauth2/v2.0/token"
    assert str(unanswered.value).startswith(expected), unanswered.value


def test_a_web_page_at_the_token_endpoint_asks_about_the_provider_s_address(api: StubApi) -> None:
    # Given a token endpoint answered by a proxy's sign-in page
    page = b"<html><head><title>Proxy sign-in</title></head><body>Sign in to continue</body></html>"
    api.answers = [*provider_at(api.url, f"{api.url}tenant/oauth2/v2.0/token"), (200, {}, page)]

    # When a script reads the customers
    with pytest.raises(NotApiAnswerError) as refused:
        client_of(api).customers_named("Contoso")

    # Then the message quotes the page and asks about the identity provider's address, not the API's
    message = str(refused.value)
    assert "'Proxy sign-in'" in message and "the identity provider's address?" in message, message
    assert "REST API" not in message, message


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        pytest.param("invalid_grant", "sign in again, with multi-factor authentication, for a new one", id="expired"),
        pytest.param("invalid_client", "give the client ID its sign-in used (not 'a-client-id')", id="wrong-client"),
    ],
)
def test_a_refresh_token_the_provider_refuses_is_its_own_error_saying_what_to_do(
    api: StubApi, error: str, advice: str
) -> None:
    # Given a provider that refuses the refresh token
    token_endpoint = f"{api.url}tenant/oauth2/v2.0/token"
    refusal = {"error": error, "error_description": "AADSTS70008: The refresh token has expired."}
    api.answers = [*provider_at(api.url, token_endpoint), (400, {"Content-Type": "application/json"}, refusal)]

    # When a script reads the customers
    with pytest.raises(RefreshTokenRefusedError) as refused:
        client_of(api).customers_named("Contoso")

    # Then the error is the provider's refusal of the refresh token (an ApiError still), with what to do about it
    assert isinstance(refused.value, ApiError) and refused.value.status == 400
    assert str(refused.value).startswith(f"POST {token_endpoint} answered 400: AADSTS70008"), refused.value
    assert "The identity provider refused the refresh token" in str(refused.value)
    assert advice in str(refused.value)
    assert len(api.requests) == 3  # no request of the API was sent without a token


def numbered_tokens() -> tuple[list[str], Callable[[], str]]:
    """Return the tokens handed out so far, and a token source handing out token-1, token-2..."""
    handed: list[str] = []

    def token() -> str:
        handed.append(f"token-{len(handed) + 1}")
        return handed[-1]

    return handed, token


def test_a_refused_token_is_renewed_once_and_the_request_sent_again(api: StubApi) -> None:
    # Given an API that refuses the first token (expired) and takes the next
    api.answers = [(401, {}, {"code": 401, "description": "The access token has expired."}), (200, {}, {"id": "c1"})]
    handed, token = numbered_tokens()

    answer = PortalClient(api.url, token).get("v1/customers/c1")

    assert answer == {"id": "c1"} and handed == ["token-1", "token-2"]
    assert [headers["Authorization"] for _, headers in api.requests] == ["Bearer token-1", "Bearer token-2"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        # Partner Center's error resource, and another shape of it: the code is what tells
        ({"code": 900421, "description": "MFA required", "source": "PartnerFD"}, TokenWithoutMfaError),
        ({"error": {"code": "900421", "message": "Multi-factor authentication required"}}, TokenWithoutMfaError),
        ({"code": 401, "description": "The access token has expired."}, ApiError),
        ({"code": 401, "description": "Token 900421-b refused."}, ApiError),  # the number, but not as the code
    ],
    ids=["mfa-required", "mfa-required-other-shape", "expired-twice", "number-not-the-code"],
)
def test_a_token_refused_for_want_of_mfa_says_so_after_one_renewal(
    api: StubApi, body: dict, error: type[ApiError]
) -> None:
    # Given an API that refuses every token it is given
    api.answers = [(401, {}, body)]
    handed, token = numbered_tokens()

    # When the client asks, Then it renews the token once, and raises what the API meant
    with pytest.raises(ApiError) as refused:
        PortalClient(api.url, token).get("v1/customers/c1")

    assert type(refused.value) is error and refused.value.status == 401 and refused.value.body == body
    assert handed == ["token-1", "token-2"] and len(api.requests) == 2
    assert ("multi-factor" in str(refused.value)) is (error is TokenWithoutMfaError)


@pytest.mark.parametrize(
    ("body", "says_mfa"),
    [({"code": 900421, "description": "MFA required"}, True), ({"code": 401, "description": "expired"}, False)],
    ids=["mfa-required", "expired-twice"],
)
def test_the_suite_s_own_client_names_a_token_refused_for_want_of_mfa(api: StubApi, body: dict, says_mfa: bool) -> None:
    # Given the suite's client, whose provider hands out tokens the API refuses every time
    api.answers = [(401, {}, body)]
    handed, token = numbered_tokens()
    client = PortalApi(api.url, "global-admin", None, tokens=SimpleNamespace(new_access_token=token))  # type: ignore[arg-type]

    with pytest.raises(SuiteApiError) as refused:
        client.call("GET", "v1/customers/c1")

    assert refused.value.status == 401 and handed == ["token-1", "token-2"] and len(api.requests) == 2
    assert "global-admin" in str(refused.value)
    assert ("multi-factor" in str(refused.value)) is says_mfa


def test_a_portal_whose_sign_in_is_no_redirect_says_so(api: StubApi) -> None:
    # Given a portal that answers its sign-in address with an error page, not a redirect
    api.answers = [(503, {}, {"error": "restarting"})]

    # When the identity provider is looked for
    # Then the error says what the portal answered
    with pytest.raises(PortalError, match=r"answered 503 .*not a redirect"):
        discover_provider(api.url)


def test_a_refresh_token_not_given_for_another_sign_in_s_answer_says_so_without_its_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a provider whose answer to the API's authorization request is another request's (another state), with a
    # code in it
    monkeypatch.setattr(saved_sign_in, "discover_provider", lambda base_url: {"authorization_endpoint": NOWHERE})
    answer = SimpleNamespace(status=302, headers={"location": "http://127.0.0.1/?code=0.AUTHZ-CODE&state=another"})
    context = SimpleNamespace(request=SimpleNamespace(get=lambda url, **_: answer))

    # When a refresh token is asked for, then it is refused, saying what came back, but not the code: it is a credential
    with pytest.raises(PortalError, match="gave no code") as refused:
        saved_sign_in.sso_refresh_token(context, "https://portal.test/", "client-id")  # type: ignore[arg-type]
    assert "another" in str(refused.value) and "AUTHZ-CODE" not in str(refused.value)


def answering_with_its_state(url: str, **_: object) -> SimpleNamespace:
    """A provider's answer to the authorization request ``url``: a redirect with a code and the request's state."""
    state = parse_qs(urlsplit(url).query)["state"][0]
    return SimpleNamespace(status=302, headers={"location": f"http://127.0.0.1/?code=0.CODE&state={state}"})


def test_a_token_answer_without_a_refresh_token_is_a_sign_in_error_naming_offline_access(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a provider that gives the API's client a code, then tokens without a refresh token (no offline_access)
    provider = {"authorization_endpoint": NOWHERE + "authorize", "token_endpoint": NOWHERE + "token"}
    monkeypatch.setattr(saved_sign_in, "discover_provider", lambda base_url: provider)
    monkeypatch.setattr(saved_sign_in, "send", lambda *args, **kwargs: ({"access_token": "eyJ.A.B"}, {}))
    context = SimpleNamespace(request=SimpleNamespace(get=answering_with_its_state))

    # Then a refresh token asked for is refused, saying so: not a KeyError
    with pytest.raises(SignInError, match=r"gave no refresh token for the API's client client-id .*offline_access"):
        saved_sign_in.sso_refresh_token(context, "https://portal.test/", "client-id")  # type: ignore[arg-type]


def test_a_provider_that_does_not_answer_the_api_s_authorization_request_is_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider = {"authorization_endpoint": NOWHERE + "authorize", "token_endpoint": NOWHERE + "token"}
    monkeypatch.setattr(saved_sign_in, "discover_provider", lambda base_url: provider)

    def refused(url: str, **_: object) -> None:
        raise PlaywrightError("connect ECONNREFUSED 127.0.0.1:9")

    context = SimpleNamespace(request=SimpleNamespace(get=refused))

    with pytest.raises(
        PortalUnavailableError, match=r"did not answer the API's client client-id's sign-in .*ECONNREFUSED"
    ):
        saved_sign_in.sso_refresh_token(context, "https://portal.test/", "client-id")  # type: ignore[arg-type]


def test_a_provider_session_ended_before_the_api_s_code_says_so_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a provider whose session for the browser ended before the API's code was asked for (prompt=none)
    monkeypatch.setattr(saved_sign_in, "discover_provider", lambda base_url: {"authorization_endpoint": NOWHERE})

    def answer(url: str, **_: object) -> SimpleNamespace:  # to this request: its own state
        state = parse_qs(urlsplit(url).query)["state"][0]
        back = f"http://127.0.0.1/?error=login_required&error_description=Session+ended&state={state}"
        return SimpleNamespace(status=302, headers={"location": back})

    context = SimpleNamespace(request=SimpleNamespace(get=answer))

    # When a refresh token is asked for, then the error says what the provider meant and what to do, not a mapping
    with pytest.raises(PortalError) as refused:
        saved_sign_in.sso_refresh_token(context, "https://portal.test/", "client-id")  # type: ignore[arg-type]
    said = str(refused.value)
    assert said.startswith("The identity provider gave no code for the API's client client-id: login_required "), said
    assert "(Session ended): the browser's session at the provider had ended" in said and "{" not in said, said
