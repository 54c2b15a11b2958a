"""What a trace carries of a sign-in is scrubbed from it (flows/trace_secrets.py), without a browser."""

from __future__ import annotations

import json
import secrets
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext

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


def test_a_state_or_a_ctx_that_is_no_sign_in_s_stays_in_the_trace(tmp_path: Path) -> None:
    # Given a trace of a portal's own page asked with a billing profile's state, and a page's script setting a "ctx"
    state = "District of Columbia"  # as long as a session's value: were it taken for one, it would be hidden everywhere
    address = f"http://127.0.0.1:8000/states?countrycode=US&state={state.replace(' ', '+')}"
    script = b"let ctx;\nctx=document.getElementById('chart').getContext('2d');\n"
    asked = {"snapshot": {"request": {"method": "GET", "url": address, "headers": []}, "response": {"status": 200}}}
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("trace.network", json.dumps(asked))
        archive.writestr("trace.trace", json.dumps({"type": "event", "params": {"url": address, "title": state}}))
        archive.writestr("resources/chart.js", script)

    scrub_trace(trace)

    # Then both are as they were: only a sign-in's state (beside its code or client) is a credential
    with zipfile.ZipFile(trace) as archive:
        assert state.encode() in archive.read("trace.trace")
        assert archive.read("resources/chart.js") == script


def test_the_session_storage_a_saved_sign_in_puts_back_is_scrubbed(browser: Browser, tmp_path: Path) -> None:
    # Given a saved sign-in holding a portal's tokens in session storage, as MSAL keeps them
    token = secrets.token_urlsafe(48)
    storage = {"https://portal.example": {"msal.refreshtoken": json.dumps({"secret": token, "name": "张伟"})}}
    saved = write_sign_in(tmp_path / "admin.json", {"cookies": [], "origins": [], SESSION_STORAGE_KEY: storage})

    # When a context traced from its start (as the suite's are) starts from it
    context = browser.new_context(storage_state=saved)
    context.tracing.start(snapshots=True)
    restore_session_storage(context, saved)
    everything = kept_trace(context, tmp_path / "trace.zip")

    # Then the trace does not carry the tokens
    assert b"addInitScript" in everything
    assert token.encode() not in everything


def test_a_sign_in_under_way_and_its_bearer_token_are_scrubbed(browser: Browser, tmp_path: Path) -> None:
    # Given an identity provider's sign-in, as Entra's pages carry it, and the portal it sends the browser back to
    held = {name: secrets.token_urlsafe(32) for name in ("flowToken", "ctx", "code", "state", "nonce", "bearer")}
    form = (
        '<form method="post" action="/login"><input type="hidden" name="flowToken" value="{flowToken}">'
        '<input type="hidden" name="ctx" value="{ctx}"><button>Sign in</button></form>'
    ).format(**held)
    callback = "http://portal.example/signin-oidc?code={code}&state={state}".format(**held)
    answers = {
        "GET http://login.example/authorize": {"body": form, "content_type": "text/html"},
        # Sent back by a script, as a provider's form_post page does: Chromium follows no redirect a route made up
        "POST http://login.example/login": {
            "body": f"<script>location.href = '{callback}'</script>",
            "content_type": "text/html",
        },
        "GET http://portal.example/signin-oidc": {"body": "<h1>Signed in</h1>", "content_type": "text/html"},
        "GET http://portal.example/v1/customers": {"json": {"items": []}},
    }
    context = browser.new_context()
    context.route(
        "http://*.example/**",
        lambda route: route.fulfill(**answers.get(f"{route.request.method} {route.request.url.partition('?')[0]}", {})),
    )
    context.tracing.start(snapshots=True, screenshots=True)

    # When the browser signs in there, its page calls the API with a bearer token, and the trace is kept
    page = context.new_page()
    page.goto("http://login.example/authorize?state={state}&nonce={nonce}".format(**held))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Signed in").wait_for()
    page.evaluate("token => fetch('/v1/customers', {headers: {Authorization: `Bearer ${token}`}})", held["bearer"])
    everything = kept_trace(context, tmp_path / "trace.zip")

    # Then none of them shows in any of its files, and the trace still reads
    for name, value in held.items():
        assert value.encode() not in everything, f"the {name} shows in the trace"
    assert b"signin-oidc?code=********&state=********" in everything
    assert b'"name":"flowToken","value":"********"' in everything.replace(b'", "', b'","')


def kept_trace(context: BrowserContext, trace: Path) -> bytes:
    """Stop ``context``'s tracing into ``trace``, close it, scrub the trace; return all its files' bytes."""
    context.tracing.stop(path=trace)
    context.close()
    scrub_trace(trace)
    with zipfile.ZipFile(trace) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())
