"""Logout: the SSO session ends on the server, and the browser goes back only where its client registered."""

from __future__ import annotations

from idp_journey import LOGOUT, WEB_CLIENT_ID, WEB_SIGNED_OUT, UserAgent, auth_request, page_of

from fixtures.identity import PARTNER_AUTOMATION_CLIENT_ID


def copy_sso_cookie(source: UserAgent, target: UserAgent) -> None:
    """Put one browser's ESTSAUTH cookie into another, as someone who copied it would."""
    cookie = source.client.get_cookie("ESTSAUTH")
    assert cookie is not None
    target.client.set_cookie("ESTSAUTH", cookie.value)


def test_logout_ends_the_session_so_a_copied_cookie_no_longer_signs_in(
    agent: UserAgent, other_agent: UserAgent
) -> None:
    # Given a signed-in browser whose cookie was copied (and works) in another
    agent.sign_in()
    copy_sso_cookie(agent, other_agent)
    assert other_agent.authorize().status_code == 302
    # When the user signs out
    agent.client.get(LOGOUT)
    # Then the copied cookie no longer signs in: the sign-in page shows
    assert "loginfmt" in page_of(other_agent.authorize(auth_request())).fields


def test_logout_goes_back_to_the_registered_uri_with_the_state(agent: UserAgent) -> None:
    # Given a signed-in browser
    agent.sign_in()
    # When the web client signs it out with its registered post-logout URI
    query = {"client_id": WEB_CLIENT_ID, "post_logout_redirect_uri": WEB_SIGNED_OUT, "state": "bye"}
    response = agent.client.get(LOGOUT, query_string=query)
    # Then the browser goes back there with the state, and its cookie is cleared
    assert response.status_code == 302 and response.headers["Location"] == f"{WEB_SIGNED_OUT}?state=bye"
    assert any(c.startswith("ESTSAUTH=;") for c in response.headers.getlist("Set-Cookie"))


def test_logout_to_an_unregistered_uri_shows_the_signed_out_page(agent: UserAgent) -> None:
    # Given a signed-in browser
    agent.sign_in()
    # When a logout names a URI the client did not register
    query = {"client_id": WEB_CLIENT_ID, "post_logout_redirect_uri": "https://evil.example/"}
    response = agent.client.get(LOGOUT, query_string=query)
    # Then the provider says the user signed out, and sends the browser nowhere
    assert response.status_code == 200 and page_of(response).heading == "You signed out of your account"
    assert "loginfmt" in page_of(agent.authorize()).fields


def test_logout_accepts_any_port_of_a_loopback_uri(agent: UserAgent) -> None:
    # When the automation client signs out to its loopback URI on its own port
    query = {"client_id": PARTNER_AUTOMATION_CLIENT_ID, "post_logout_redirect_uri": "http://127.0.0.1:41999/"}
    response = agent.client.post(LOGOUT, data=query)
    # Then the browser goes back there
    assert response.status_code == 302 and response.headers["Location"] == "http://127.0.0.1:41999/"


def test_logout_with_a_forged_id_token_hint_signs_out_without_redirecting(agent: UserAgent) -> None:
    # Given a signed-in browser
    agent.sign_in()
    # When a logout carries an ID token the provider did not sign
    query = {"id_token_hint": "e30.e30.c2ln", "post_logout_redirect_uri": WEB_SIGNED_OUT, "client_id": WEB_CLIENT_ID}
    response = agent.client.get(LOGOUT, query_string=query)
    # Then the session ends anyway, and the browser stays on the provider's page
    assert response.status_code == 200 and "loginfmt" in page_of(agent.authorize()).fields


def test_logout_with_the_id_token_as_hint_goes_back_to_its_client(agent: UserAgent) -> None:
    # Given a signed-in user's ID token
    id_token = agent.signed_in_tokens()["id_token"]
    # When the client signs out with the token as hint instead of its client_id
    query = {"id_token_hint": id_token, "post_logout_redirect_uri": WEB_SIGNED_OUT}
    response = agent.client.get(LOGOUT, query_string=query)
    # Then the provider finds the client in the token and goes back there, signed out
    assert response.status_code == 302 and response.headers["Location"] == WEB_SIGNED_OUT
    assert "loginfmt" in page_of(agent.authorize()).fields
