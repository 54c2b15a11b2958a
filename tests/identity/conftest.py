"""Fixtures for tests of the bundled identity provider, through Flask's test client (no browser)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from idp_journey import WEB_CLIENT, Clock, UserAgent

from fixtures.identity import create_app
from fixtures.identity.db import connect, init_db
from fixtures.identity.settings import THROWAWAY_PASSWORD_HASH_METHOD

START = 1_700_000_000  # 2023-11-14: a fixed "now", moved on by the tests themselves


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Make the demo users and the signing key once; every test works on its own copy of the file."""
    path = tmp_path_factory.mktemp("identity") / "seeded.sqlite"
    init_db(str(path), password_method=THROWAWAY_PASSWORD_HASH_METHOD)
    conn = connect(str(path))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the main file: a plain copy is whole
    finally:
        conn.close()
    return path


@pytest.fixture
def database(seeded_database: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded database."""
    path = tmp_path / "identity.sqlite"
    shutil.copyfile(seeded_database, path)
    return path


@pytest.fixture
def clock() -> Clock:
    """The provider's clock, which a test moves on instead of sleeping."""
    return Clock(START)


@pytest.fixture
def make_app(database: Path, clock: Clock) -> Callable[..., Flask]:
    """Make a provider on the test's database and clock, with the web client registered; settings override."""

    def make(**config: Any) -> Flask:
        settings = {
            "DATABASE": str(database),
            "CLOCK": clock,
            "CLIENTS": [WEB_CLIENT],
            "PASSWORD_HASH_METHOD": THROWAWAY_PASSWORD_HASH_METHOD,
        }
        return create_app({**settings, "TESTING": True, **config})

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """A provider with the default settings."""
    return make_app()


@pytest.fixture
def agent(app: Flask, clock: Clock) -> UserAgent:
    """A browser (one cookie jar) on the provider."""
    return UserAgent(app.test_client(), clock)


@pytest.fixture
def other_agent(app: Flask, clock: Clock) -> UserAgent:
    """A second browser on the same provider, with cookies of its own."""
    return UserAgent(app.test_client(), clock)
