"""Shared data access (store.py): seek paging at its edges, and creating customers whole or not at all."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from fixtures.portal.db import get_db
from fixtures.portal.store import DomainTakenError, count_customers, create_customer, search_customers


@pytest.fixture
def conn(app: Flask) -> Iterator[sqlite3.Connection]:
    """The portal's database connection, inside an app context."""
    with app.app_context():
        yield get_db()


def test_last_full_page_has_no_continuation(conn: sqlite3.Connection) -> None:
    # Given a page size that divides the number of customers
    total = count_customers(conn, field=None, value="")
    size = next(n for n in range(total - 1, 1, -1) if total % n == 0)

    # When the pages are read one after the other, until no continuation comes
    pages, after = [], None
    while not pages or after is not None:
        page, after = search_customers(conn, field=None, value="", size=size, after=after)
        pages.append(page)

    # Then every customer comes once, the last page is full, and no empty page follows it
    ids = [row["id"] for page in pages for row in page]
    assert len(ids) == len(set(ids)) == total
    assert [len(page) for page in pages] == [size] * (total // size)


def test_new_customer_takes_the_country_culture_and_the_next_place(
    conn: sqlite3.Connection, valid_profile: Callable[[str], dict[str, str]]
) -> None:
    # Given a valid new Mexican customer
    values = {**valid_profile("MX"), "domainPrefix": "Tacos-Norte"}

    # When it is created
    customer_id = create_customer(conn, values)

    # Then it comes last, with Mexico's default culture and language, and a lower-case domain
    row = conn.execute("SELECT * FROM customers ORDER BY created_seq DESC LIMIT 1").fetchone()
    profile = conn.execute("SELECT * FROM billing_profiles WHERE customer_id = ?", (customer_id,)).fetchone()
    assert row["id"] == customer_id and row["domain"] == "tacos-norte.partner.onmschina.cn"
    assert (profile["culture"], profile["language"]) == ("es-MX", "es")


def test_taken_domain_raises_and_adds_nothing(
    conn: sqlite3.Connection, valid_profile: Callable[[str], dict[str, str]]
) -> None:
    # Given a customer already holding a domain
    create_customer(conn, {**valid_profile("US"), "domainPrefix": "fabrikam"})
    total = count_customers(conn, field=None, value="")

    # When another is created with the same domain in other letters' case
    with pytest.raises(DomainTakenError):
        create_customer(conn, {**valid_profile("FR"), "domainPrefix": "FABRIKAM"})

    # Then nothing was added
    assert count_customers(conn, field=None, value="") == total


def test_search_folds_case_beyond_ascii(
    conn: sqlite3.Connection, valid_profile: Callable[[str], dict[str, str]]
) -> None:
    # Given a French customer whose name starts with an accented capital
    customer_id = create_customer(conn, {**valid_profile("FR"), "companyName": "Élysée Conseil", "domainPrefix": "ely"})

    # When the names are searched with the prefix in lower case
    rows, _ = search_customers(conn, field="CompanyName", value="élysée c", size=10, after=None)

    # Then it is found (SQLite's own LIKE folds ASCII letters only)
    assert [row["id"] for row in rows] == [customer_id]


@pytest.mark.parametrize(
    ("name", "typed"),
    [("Jiedian Tech", "\uff4a\uff49\uff45"), ("Élysée Conseil", "E\u0301lyse\u0301e")],
    ids=["full-width", "decomposed"],
)
def test_search_takes_full_width_and_decomposed_text_for_the_letters_they_are(
    conn: sqlite3.Connection, valid_profile: Callable[[str], dict[str, str]], name: str, typed: str
) -> None:
    # Given a customer, and its name's start as a Chinese input method (full-width) or macOS (decomposed) types it
    customer_id = create_customer(conn, {**valid_profile("FR"), "companyName": name, "domainPrefix": "typed"})

    rows, _ = search_customers(conn, field="CompanyName", value=typed, size=10, after=None)

    assert [row["id"] for row in rows] == [customer_id]
