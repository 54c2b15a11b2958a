"""Lifetimes by the provider's clock: sessions (sliding), access tokens, refresh tokens (rotated)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from idp_journey import Clock, UserAgent, auth_request, page_of

HOUR = 3600


def test_session_expires_after_its_idle_lifetime(agent: UserAgent, clock: Clock) -> None:
    # Given a browser signed in eight hours and a second ago
    agent.sign_in()
    clock.advance(8 * HOUR + 1)
    # When a client sends it to /authorize
    response = agent.authorize()
    # Then the user must sign in again
    assert "loginfmt" in page_of(response).fields


def test_each_use_extends_the_session(agent: UserAgent, clock: Clock) -> None:
    # Given a browser signed in, used again after seven hours
    agent.sign_in()
    clock.advance(7 * HOUR)
    agent.authorize()
    # When it is used another seven hours later (fourteen after signing in)
    clock.advance(7 * HOUR)
    response = agent.authorize()
    # Then the session still answers, without any page
    assert response.status_code == 302 and "code=" in response.headers["Location"]


def test_session_lifetime_setting_is_honoured(make_app: Callable[..., Flask], clock: Clock) -> None:
    # Given a provider whose sessions last ten idle minutes
    agent = UserAgent(make_app(SESSION_LIFETIME=600).test_client(), clock)
    agent.sign_in()
    # When eleven minutes pass
    clock.advance(660)
    # Then the user must sign in again
    assert "loginfmt" in page_of(agent.authorize()).fields


def test_tokens_expire_after_the_token_lifetime(make_app: Callable[..., Flask], clock: Clock) -> None:
    # Given a provider whose tokens last five minutes
    agent = UserAgent(make_app(TOKEN_LIFETIME=300).test_client(), clock)
    tokens = agent.signed_in_tokens()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    # When the token is used before and after five minutes
    before = agent.client.get("/v1.0/users/global-admin", headers=headers)
    clock.advance(301)
    after = agent.client.get("/v1.0/users/global-admin", headers=headers)
    # Then it works, then it is refused; both tokens said so
    assert before.status_code == 200 and after.status_code == 401 and tokens["expires_in"] == 300
    claims = agent.verified_claims(tokens["id_token"])
    assert claims["exp"] - claims["iat"] == 300


def test_refresh_token_rotates(agent: UserAgent) -> None:
    # Given a refresh token
    first = agent.signed_in_tokens()["refresh_token"]
    # When it is used, then used again
    rotated = agent.refresh(first)
    replayed = agent.refresh(first)
    # Then the first use gives new tokens and a new refresh token; the second is refused
    assert rotated.status_code == 200 and rotated.json["refresh_token"] != first and rotated.json["access_token"]
    assert replayed.status_code == 400 and replayed.json["error"] == "invalid_grant"


def test_reused_refresh_token_revokes_its_successor(agent: UserAgent) -> None:
    # Given a refresh token already rotated (someone else may hold it)
    first = agent.signed_in_tokens()["refresh_token"]
    successor = agent.refresh(first).json["refresh_token"]
    # When the old one comes back
    agent.refresh(first)
    # Then its successor stops working too
    assert agent.refresh(successor).json["error"] == "invalid_grant"


def test_refreshed_access_token_keeps_the_amr_of_the_sign_in(agent: UserAgent, clock: Clock) -> None:
    # Given tokens from a sign-in with MFA
    tokens = agent.signed_in_tokens(auth_request(amr_values="mfa"))
    # When they are refreshed an hour later
    clock.advance(HOUR)
    refreshed = agent.refresh(tokens["refresh_token"]).json
    # Then the new access token still says pwd and mfa, and is new
    claims = agent.verified_claims(refreshed["access_token"])
    assert claims["amr"] == ["pwd", "mfa"] and claims["iat"] == agent.clock.now


def test_refresh_token_expires_after_its_lifetime(agent: UserAgent, clock: Clock) -> None:
    # Given a refresh token ninety days and a second old
    refresh_token = agent.signed_in_tokens()["refresh_token"]
    clock.advance(90 * 24 * HOUR + 1)
    # When it is used
    response = agent.refresh(refresh_token)
    # Then it is refused
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"


def test_refresh_token_works_only_for_its_client(agent: UserAgent) -> None:
    # Given the web client's refresh token
    refresh_token = agent.signed_in_tokens()["refresh_token"]
    # When the automation client (a public client) presents it
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    response = agent.client.post(
        "/common/oauth2/v2.0/token", data={**form, "client_id": "5c2e9d4b-7a1f-4e3c-8b6d-21f0a9c3e7d1"}
    )
    # Then it is refused
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"
