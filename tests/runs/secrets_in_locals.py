"""Run by tests/test_hidden_secrets.py with ``-l``: tests fail with credentials in their locals and arguments, and in
their failures' own words (an assertion's message, the values pytest shows of a comparison), and in the library's
own frames (a refresh token's request to a provider that does not answer)."""

from __future__ import annotations

import os
from pathlib import Path

from flows import rest
from flows.saved_sign_in import saved_token_source, write_sign_in
from flows.trace_secrets import keep_out_of_traces

# Made-up credentials of the shapes a run holds, given by the outer test (so it knows them, and none is real).
COOKIE, TOKEN, REFRESH, PASSWORD = (os.environ[f"HIDDEN_{name}"] for name in ("COOKIE", "TOKEN", "REFRESH", "PASSWORD"))


def call_api(headers: dict[str, str], body: dict[str, str]) -> None:
    raise ConnectionError("the portal did not answer")


def test_fails_holding_credentials() -> None:
    state = {"cookies": [{"name": "esctx", "value": COOKIE, "domain": "localhost", "path": "/"}], "origins": []}
    answer = {"token_type": "Bearer", "access_token": TOKEN, "refresh_token": REFRESH}
    form = {"username": "global-admin", "password": PASSWORD}
    assert state and answer and form
    call_api({"Authorization": f"Bearer {TOKEN}"}, form)


def test_fails_saying_credentials() -> None:
    keep_out_of_traces(PASSWORD)  # the run's password, as the suite's portal_password fixture keeps it
    state = {"cookies": [{"name": "esctx", "value": COOKIE, "domain": "localhost", "path": "/"}], "origins": []}
    answer = {"token_type": "Bearer", "access_token": TOKEN, "refresh_token": REFRESH}
    assert answer["access_token"] == f"Bearer {TOKEN}", f"signed in as {state['cookies']}, password {PASSWORD!r}"


NOWHERE = "http://127.0.0.1:9/"  # nothing listens: the request fails at once


def test_fails_redeeming_a_refresh_token() -> None:
    rest.redeem_refresh_token(f"{NOWHERE}oauth2/token", REFRESH, "client-1")  # the form's body, encoded, in a local


def test_fails_redeeming_a_saved_refresh_token(tmp_path: Path) -> None:
    saved = write_sign_in(tmp_path / "admin.json", {"cookies": [], "refresh_token": REFRESH, "api_client_id": "c-1"})
    saved_token_source(NOWHERE, saved)()  # the token read from the file, in a local, when the provider is not found
