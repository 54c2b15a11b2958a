"""A restart: a second app on the same database file carries on with the first one's state and keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from idp_journey import KEYS, Clock, UserAgent

from fixtures.identity import create_app
from fixtures.identity.db import connect
from fixtures.identity.settings import THROWAWAY_PASSWORD_HASH_METHOD


def test_restarted_provider_accepts_the_earlier_session(
    app: Flask, make_app: Callable[..., Flask], agent: UserAgent, clock: Clock
) -> None:
    # Given a browser signed in to a provider
    agent.sign_in()
    cookie = agent.client.get_cookie("ESTSAUTH")
    assert cookie is not None
    # When the provider restarts on the same database and the browser comes back with its cookie
    restarted = UserAgent(make_app().test_client(), clock)
    restarted.client.set_cookie("ESTSAUTH", cookie.value)
    response = restarted.authorize()
    # Then it is still signed in
    assert response.status_code == 302 and "code=" in response.headers["Location"]


def test_restarted_provider_accepts_the_earlier_refresh_and_access_tokens(
    make_app: Callable[..., Flask], agent: UserAgent, clock: Clock
) -> None:
    # Given tokens from a provider
    tokens = agent.signed_in_tokens()
    # When the provider restarts on the same database
    restarted = UserAgent(make_app().test_client(), clock)
    refreshed = restarted.refresh(tokens["refresh_token"])
    api = restarted.client.get(
        "/v1.0/users/global-admin", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    # Then the refresh token still works, and so does the access token
    assert refreshed.status_code == 200 and refreshed.json["access_token"]
    assert api.status_code == 200


def test_restarted_provider_serves_the_same_keys(make_app: Callable[..., Flask], agent: UserAgent) -> None:
    # Given the keys a provider published
    before = agent.client.get(KEYS).json
    # When it restarts on the same database
    after = make_app().test_client().get(KEYS).json
    # Then it publishes the same keys
    assert after == before


def test_a_new_database_gets_its_own_key(agent: UserAgent, tmp_path: Path) -> None:
    # Given a provider's keys
    before = agent.client.get(KEYS).json
    # When another provider starts on a new database
    settings = {"DATABASE": str(tmp_path / "other.sqlite"), "PASSWORD_HASH_METHOD": THROWAWAY_PASSWORD_HASH_METHOD}
    other = create_app(settings).test_client().get(KEYS).json
    # Then its key is another
    assert other["keys"][0]["kid"] != before["keys"][0]["kid"]


def test_a_database_kept_from_before_grace_periods_gains_them_at_restart(
    database: Path, make_app: Callable[..., Flask], clock: Clock
) -> None:
    # Given a database kept by a provider whose users had no grace period to register an authenticator
    conn = connect(str(database))
    try:
        conn.execute("ALTER TABLE users DROP COLUMN registration_due")
    finally:
        conn.close()
    # When a provider starts on it, then its users sign in as before
    response = UserAgent(make_app().test_client(), clock).sign_in()
    assert response.status_code == 302 and "code=" in response.headers["Location"]
