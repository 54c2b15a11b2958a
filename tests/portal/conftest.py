"""Fixtures for tests of the bundled portal itself, through Flask's test client (no browser)."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from flask import Flask
from flask.testing import FlaskClient
from provider_tokens import access_token, provider_metadata

from fixtures.portal import DEFAULT_SEED, create_app
from fixtures.portal.billing import load_billing_profile
from fixtures.portal.db import connect, get_db, init_db
from fixtures.portal.identity import user_from_claims

# A valid address per country: the rules under test are the country's, the rest is faker's.
VALID_ADDRESSES = {
    "CN": {"state": "北京市", "postalCode": "100000", "phoneNumber": "13800138000", "city": "北京"},
    "US": {"state": "WA", "postalCode": "98052", "phoneNumber": "425-555-0100", "city": "Redmond"},
    "FR": {"state": "", "postalCode": "75001", "phoneNumber": "01 23 45 67 89", "city": "Paris"},
    "CA": {"state": "ON", "postalCode": "K1A 0B1", "phoneNumber": "613-555-0100", "city": "Ottawa"},
    "MX": {"state": "CMX", "postalCode": "06000", "phoneNumber": "55 1234 5678", "city": "Ciudad de México"},
}


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed the demo world once; every test works on its own copy of the file."""
    path = tmp_path_factory.mktemp("portal") / "seeded.sqlite"
    init_db(str(path), DEFAULT_SEED)
    conn = connect(str(path))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the main file: a plain copy is whole
    finally:
        conn.close()
    return path


@pytest.fixture
def app(seeded_database: Path, tmp_path: Path) -> Flask:
    """A portal on a fresh copy of the seeded database, whose identity provider's answers are given."""
    database = tmp_path / "portal.sqlite"
    shutil.copyfile(seeded_database, database)
    config = {"IDENTITY_METADATA": provider_metadata(), "IDENTITY_CLIENT_SECRET": "portal-tests"}
    return create_app({"DATABASE": str(database), "TESTING": True, "SECRET_KEY": "portal-tests", **config})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the portal, with its own cookie jar."""
    return app.test_client()


@pytest.fixture
def auth_headers() -> Callable[[str], dict[str, str]]:
    """Make the Authorization header of the provider's access token for a demo user (named after its role)."""

    def make(username: str = "global-admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {access_token(username)}"}

    return make


@pytest.fixture
def admin(auth_headers: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """Bearer headers of the global admin."""
    return auth_headers("global-admin")


@pytest.fixture
def query(app: Flask) -> Callable[..., list[sqlite3.Row]]:
    """Run a read-only SQL query on the portal's database, to look behind the API."""

    def run(sql: str, *params: object) -> list[sqlite3.Row]:
        with app.app_context():
            return get_db().execute(sql, params).fetchall()

    return run


@pytest.fixture
def customer_of(query: Callable[..., list[sqlite3.Row]]) -> Callable[[str], str]:
    """Return the ID of the first seeded customer billed in a country."""

    def find(country: str) -> str:
        rows = query(
            "SELECT id FROM customers JOIN billing_profiles ON customer_id = id"
            " WHERE country = ? ORDER BY created_seq LIMIT 1",
            country,
        )
        assert rows, f"the seed has no customer in {country}"
        return rows[0]["id"]

    return find


@pytest.fixture
def stored_profile(app: Flask) -> Callable[[str], dict[str, str]]:
    """Read a billing profile straight from the database, etag included."""

    def load(customer_id: str) -> dict[str, str]:
        with app.app_context():
            profile = load_billing_profile(get_db(), customer_id)
        assert profile is not None
        return profile

    return load


@pytest.fixture
def valid_profile(faker: Faker) -> Callable[[str], dict[str, str]]:
    """Make a valid billing profile (API field names, with ``country``) for a country."""

    def make(country: str) -> dict[str, str]:
        return {
            "companyName": faker.company(),
            "firstName": faker.first_name(),
            "lastName": faker.last_name(),
            "email": faker.email(),
            "addressLine1": faker.street_address(),
            "addressLine2": "",
            **VALID_ADDRESSES[country],
            "country": country,
        }

    return make


@pytest.fixture
def new_customer_body(valid_profile: Callable[[str], dict[str, str]]) -> Callable[[str], dict[str, Any]]:
    """Make a valid POST /v1/customers body for a country, with a domain no one has."""

    def make(country: str = "US") -> dict[str, Any]:
        p = valid_profile(country)
        address = {k: p[k] for k in ("country", "city", "state", "addressLine1", "addressLine2", "postalCode")}
        contact = {k: p[k] for k in ("firstName", "lastName")}
        return {
            "companyProfile": {"domain": f"new-{uuid.uuid4().hex[:12]}.partner.onmschina.cn"},
            "billingProfile": {
                **contact,
                "email": p["email"],
                "companyName": p["companyName"],
                "defaultAddress": {**address, **contact, "phoneNumber": p["phoneNumber"]},
            },
        }

    return make


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[..., str]:
    """Start a portal session as a finished sign-in leaves it (the provider's part is tested apart, in
    test_sign_in_flow.py); return the session's CSRF token for the next form."""

    def run(username: str, amr: tuple[str, ...] = ("pwd", "mfa")) -> str:
        claims = {"preferred_username": f"{username}@21vianet-partner.partner.onmschina.cn", "roles": [username]}
        with client.session_transaction() as session:
            session["user"] = user_from_claims({**claims, "name": username})
            session["amr"] = list(amr)
            session["id_token"] = "an-id-token"
            return session.setdefault("csrf", "the-session-token")

    return run
