"""What a trace carries of a sign-in is scrubbed from it (flows/trace_secrets.py), without a browser."""

from __future__ import annotations

import json
import secrets
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from flows.saved_sign_in import SESSION_STORAGE_KEY, restore_session_storage, write_sign_in
from flows.trace_secrets import scrub_trace

pytestmark = pytest.mark.tooling


def test_the_authorization_code_of_the_sign_in_s_redirect_is_scrubbed(tmp_path: Path) -> None:
    code = secrets.token_urlsafe(36)
    callback = f"http://127.0.0.1:8000/signin-oidc?code={code}&state=abc"
    redirect = {  # the provider's answer, as a trace's network log keeps it, then the browser's request it led to
        "snapshot": {
            "request": {"method": "POST", "url": "http://localhost:8001/login", "headers": []},
            "response": {"status": 302, "headers": [{"name": "Location", "value": callback}], "redirectURL": callback},
        }
    }
    followed = {"snapshot": {"request": {"method": "GET", "url": callback, "headers": []}, "response": {"status": 302}}}
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("trace.network", "\n".join(json.dumps(entry) for entry in (redirect, followed)))
        archive.writestr("trace.trace", json.dumps({"type": "event", "params": {"url": callback}}))

    scrub_trace(trace)

    with zipfile.ZipFile(trace) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert code.encode() not in everything
    assert b"signin-oidc?code=********&state=abc" in everything


def test_the_session_storage_a_saved_sign_in_puts_back_is_scrubbed(browser: Browser, tmp_path: Path) -> None:
    # Given a saved sign-in holding a portal's tokens in session storage, as MSAL keeps them
    token = secrets.token_urlsafe(48)
    storage = {"https://portal.example": {"msal.refreshtoken": json.dumps({"secret": token, "name": "张伟"})}}
    saved = write_sign_in(tmp_path / "admin.json", {"cookies": [], "origins": [], SESSION_STORAGE_KEY: storage})

    # When a context traced from its start (as the suite's are) starts from it
    context = browser.new_context(storage_state=saved)
    context.tracing.start(snapshots=True)
    restore_session_storage(context, saved)
    trace = tmp_path / "trace.zip"
    context.tracing.stop(path=trace)
    context.close()
    scrub_trace(trace)

    # Then the trace does not carry the tokens
    with zipfile.ZipFile(trace) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"addInitScript" in everything
    assert token.encode() not in everything
