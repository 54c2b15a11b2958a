"""The library's tokens from a refresh token (``refresh_token_source``), as a script uses them with ``PortalClient``:
an identity provider that does not answer, or that refuses the refresh token, is said as the provider's doing.

A stub on the loopback plays the portal (its sign-in's redirect) and the provider (its configuration and tokens).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_rest_client import StubApi, serving

from flows.rest import ApiError, NotApiAnswerError, PortalClient, RefreshTokenRefusedError, refresh_token_source
from pages import PortalUnavailableError

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
