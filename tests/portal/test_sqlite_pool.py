"""The bundled apps' database connections: kept between requests, never with half a change in them."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from fixtures.sqlite import ConnectionPool, connect


def table(tmp_path: Path) -> str:
    path = str(tmp_path / "pool.sqlite")
    conn = connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    return path


def test_a_connection_given_back_mid_transaction_keeps_none_of_it(tmp_path: Path) -> None:
    pool = ConnectionPool(table(tmp_path))
    conn = pool.take()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO notes VALUES ('half a change')")
    pool.give_back(conn)  # as after a request that failed between its writes

    again = pool.take()
    assert again is conn, "the idle connection is taken again, not a new one"
    assert not again.in_transaction
    assert again.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    again.execute("INSERT INTO notes VALUES ('whole')")  # a write lock left behind would time out here
    assert connect(pool.path).execute("SELECT text FROM notes").fetchall()[0][0] == "whole"


def test_a_connection_serves_the_next_request_in_another_thread(tmp_path: Path) -> None:
    # The threaded server answers each request in a thread of its own.
    pool = ConnectionPool(table(tmp_path))
    pool.give_back(pool.take())
    counted: list[int] = []
    worker = threading.Thread(target=lambda: counted.append(pool.take().execute("SELECT 1").fetchone()[0]))
    worker.start()
    worker.join()
    assert counted == [1]


def test_only_a_few_idle_connections_are_kept(tmp_path: Path) -> None:
    pool = ConnectionPool(table(tmp_path), kept=2)
    taken = [pool.take() for _ in range(3)]
    for conn in taken:
        pool.give_back(conn)
    assert pool.idle == taken[:2]
    assert pool.take() is taken[1]


def test_a_request_leaves_its_connection_to_the_next(app: Flask, client: FlaskClient, admin: dict[str, str]) -> None:
    # Closing the last connection would checkpoint the write-ahead log and delete it, every request.
    wal = Path(app.config["DATABASE"] + "-wal")
    assert client.get("/v1/customers", headers=admin).status_code == 200
    pool = app.extensions["sqlite_pool"]
    kept = list(pool.idle)
    assert len(kept) == 1
    assert wal.exists()
    assert client.get("/v1/customers", headers=admin).status_code == 200
    assert pool.idle == kept


def test_a_closed_pool_leaves_the_database_in_one_file(app: Flask, client: FlaskClient, admin: dict[str, str]) -> None:
    # As when the portal stops: a --db kept between runs is then whole, with no log beside it.
    assert client.get("/v1/customers", headers=admin).status_code == 200
    wal = Path(app.config["DATABASE"] + "-wal")
    assert wal.exists()
    app.extensions["sqlite_pool"].close()
    assert not wal.exists()
