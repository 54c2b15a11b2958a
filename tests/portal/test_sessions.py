"""Sessions live on the server: they expire, survive a restart, and end for good on sign-out."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from html_elements import texts

from fixtures.portal import create_app


def later(app: Flask, seconds: float) -> None:
    """Move the portal's clock ``seconds`` ahead of now."""
    app.config["CLOCK"] = lambda: time.time() + seconds


def at(app: Flask, when: float) -> None:
    """Stop the portal's clock at ``when``."""
    app.config["CLOCK"] = lambda: when


def is_signed_in(client: FlaskClient) -> bool:
    """Tell whether the client's session may open the Dashboard."""
    return client.get("/dashboard").status_code == 200


def test_a_copied_cookie_is_refused_after_sign_out(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    # Given a signed-in session and a copy of its cookie, which signs its holder in
    csrf = sign_in("global-admin")
    copied = client.get_cookie("session").value
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert is_signed_in(replay), "the copied cookie signed no one in before the sign-out"

    # When the user signs out, and someone replays the copied cookie
    client.post("/sign-out", data={"csrf_token": csrf})

    # Then the replayed cookie signs no one in
    assert not is_signed_in(replay)


def test_a_session_outlives_a_restart_on_the_same_database(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    sign_in("sales-agent")
    cookie = client.get_cookie("session").value

    restarted = create_app({"DATABASE": app.config["DATABASE"], "TESTING": True}).test_client()
    restarted.set_cookie("session", cookie)

    assert is_signed_in(restarted)


def test_a_session_ends_after_its_lifetime_without_requests(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    app.config["SESSION_LIFETIME"] = 600
    signed_in_at = time.time()
    at(app, signed_in_at)  # the clock stands still: the boundary is the lifetime's, not the machine's pace
    sign_in("admin-agent")
    at(app, signed_in_at + 599)  # a request just before the lifetime ends: still signed in, the clock moved from it
    assert is_signed_in(client), "the session ended before its lifetime"

    at(app, signed_in_at + 599 + 601)

    assert not is_signed_in(client)


def test_each_request_extends_the_session(app: Flask, client: FlaskClient, sign_in: Callable[[str], str]) -> None:
    # Given a ten-minute session used every six minutes
    app.config["SESSION_LIFETIME"] = 600
    sign_in("admin-agent")
    later(app, 360)
    assert is_signed_in(client)

    # When ten minutes have passed since sign-in, but only four since the last request
    later(app, 720)

    # Then it is still signed in
    assert is_signed_in(client)


def test_a_form_posted_after_the_session_ended_saves_nothing_and_says_so(
    app: Flask,
    client: FlaskClient,
    sign_in: Callable[[str], str],
    customer_of: Callable[[str], str],
    stored_profile: Callable[[str], dict[str, str]],
) -> None:
    # Given an open edit form whose session then expires
    app.config["SESSION_LIFETIME"] = 600
    csrf = sign_in("global-admin")
    customer = customer_of("CN")
    before = stored_profile(customer)
    later(app, 601)

    # When the form is submitted
    form = {**before, "city": "重庆市", "csrf_token": csrf}
    response = client.post(f"/customers/{customer}/account/edit", data=form, follow_redirects=True)

    # Then the person is asked to sign in and told that nothing was saved; nothing was
    assert "nothing was saved" in " ".join(texts(response.get_data(as_text=True), "p", role="alert"))
    assert stored_profile(customer) == before


def test_signing_out_of_an_ended_session_just_shows_sign_in(client: FlaskClient) -> None:
    response = client.post("/sign-out", data={"csrf_token": "from-a-session-long-gone"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/signed-out")


def test_signed_in_pages_are_not_kept_by_the_browser_and_assets_are(
    client: FlaskClient, sign_in: Callable[..., str], customer_of: Callable[[str], str]
) -> None:
    # A page kept in the browser's cache comes back with Back after sign-out: a customer's billing contact
    sign_in("global-admin")
    account = client.get(f"/customers/{customer_of('CN')}/account")
    style = client.get("/static/portal.css")
    style.close()  # a file served: closed once read

    assert account.status_code == 200 and account.headers["Cache-Control"] == "no-store"
    assert "no-store" not in style.headers.get("Cache-Control", "")
