"""Run by tests/test_hidden_output.py: tests print and log credentials, as the library, the bundled portal's werkzeug
and a script do; one passes, one fails."""

from __future__ import annotations

import logging
import os
import sys

from flows.trace_secrets import keep_out_of_traces

# Made-up credentials of the shapes a run holds, given by the outer test (so it knows them, and none is real).
TOKEN, REFRESH, CODE, PASSWORD = (os.environ[f"HIDDEN_{name}"] for name in ("TOKEN", "REFRESH", "CODE", "PASSWORD"))
keep_out_of_traces(PASSWORD)  # the run's password, as the suite's portal_password fixture keeps it
logging.getLogger("werkzeug").setLevel(logging.INFO)  # as werkzeug sets it when it first logs a request


def say_credentials() -> None:
    callback = f"/signin-oidc?code={CODE}&state=s-1"
    logging.getLogger("flows").warning("The portal asked to sign in again at http://127.0.0.1:8000%s", callback)
    logging.getLogger("werkzeug").info('127.0.0.1 - - [01/Jan/2025 10:00:00] "GET %s HTTP/1.1" 302 -', callback)
    logging.getLogger("urllib3.connectionpool").warning("Retrying: POST /token?refresh_token=%s", REFRESH)
    print(f"sent Authorization: Bearer {TOKEN}")
    print(f"typed the password {PASSWORD}", file=sys.stderr)


def test_passes_saying_credentials() -> None:
    say_credentials()


def test_fails_saying_credentials() -> None:
    say_credentials()
    raise ConnectionError("the portal did not answer")
