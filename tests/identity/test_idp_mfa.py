"""Multi-factor authentication: asked for with amr_values=mfa, codes from the authenticator app, once each."""

from __future__ import annotations

from idp_journey import UserAgent, auth_request, markup_of, page_of, query_of
from werkzeug.test import TestResponse

WRONG_CODE = "You didn't enter the expected verification code. Please try again."


def code_page(agent: UserAgent, name: str = "admin-agent") -> TestResponse:
    """Start a sign-in that asks for MFA and get past the password: the page that asks for the code."""
    page = agent.submit(agent.authorize(auth_request(amr_values="mfa")), loginfmt=name)
    return agent.submit(page, passwd="portal-demo")


def test_mfa_is_not_asked_without_amr_values(agent: UserAgent) -> None:
    # When a user signs in for a request that does not ask for MFA
    tokens = agent.signed_in_tokens()
    # Then no code was asked, and the tokens say a password was used
    assert agent.verified_claims(tokens["id_token"])["amr"] == ["pwd"]


def test_mfa_is_asked_with_amr_values_and_shows_in_the_tokens(agent: UserAgent) -> None:
    # Given a request that asks for MFA
    request = auth_request(amr_values="mfa")
    # When the user signs in with the password, then the authenticator app's code
    page = agent.submit(agent.submit(agent.authorize(request), loginfmt="global-admin"), passwd="portal-demo")
    asked = markup_of(page).headings
    tokens = agent.tokens(agent.submit(agent.submit(page, otc=agent.code()), staySignedIn="no"), request).json
    # Then a code was asked, and both tokens say pwd and mfa
    assert asked == ["Enter code"]
    assert agent.verified_claims(tokens["id_token"])["amr"] == ["pwd", "mfa"]
    assert agent.verified_claims(tokens["access_token"])["amr"] == ["pwd", "mfa"]


def test_session_with_mfa_is_not_asked_again(agent: UserAgent) -> None:
    # Given a browser signed in with MFA
    agent.sign_in(request=auth_request(amr_values="mfa"))
    # When another request asks for MFA
    response = agent.authorize(auth_request(amr_values="mfa"))
    # Then it goes straight back with a code, no page
    assert response.status_code == 302 and query_of(response)["code"]


def test_session_without_mfa_is_asked_only_for_the_code(agent: UserAgent) -> None:
    # Given a browser signed in with a password only
    agent.sign_in()
    # When a request asks for MFA
    request = auth_request(amr_values="mfa")
    page = agent.authorize(request)
    # Then only the code is asked, and the tokens then say mfa
    assert markup_of(page).headings == ["Enter code"]
    tokens = agent.tokens(agent.submit(agent.submit(page, otc=agent.code()), staySignedIn="no"), request).json
    assert agent.verified_claims(tokens["id_token"])["amr"] == ["pwd", "mfa"]


def test_code_of_the_next_time_step_is_accepted(agent: UserAgent) -> None:
    # When the phone's clock runs a little ahead (the next 30-second step)
    response = agent.submit(code_page(agent), otc=agent.code(offset=30))
    # Then the code is accepted
    assert "staySignedIn" in page_of(response).buttons


def test_expired_code_is_refused(agent: UserAgent) -> None:
    # When a user types a code from two minutes ago
    response = agent.submit(code_page(agent), otc=agent.code(offset=-120))
    # Then it is refused as expired
    assert page_of(response).field_error() == "That code has expired. Enter the current code from your app."


def test_code_older_than_ten_minutes_is_simply_wrong(agent: UserAgent) -> None:
    # When a user types a code from an hour ago
    response = agent.submit(code_page(agent), otc=agent.code(offset=-3600))
    # Then it is refused as a wrong code
    assert page_of(response).field_error() == WRONG_CODE


def test_replayed_code_is_refused_like_a_wrong_one(agent: UserAgent, other_agent: UserAgent) -> None:
    # Given a code already used by a user in this time step
    agent.sign_in("admin-agent", request=auth_request(amr_values="mfa"))
    # When the same code is typed again for that user, in another browser
    response = other_agent.submit(code_page(other_agent), otc=agent.code())
    # Then it is refused like a wrong one
    assert page_of(response).field_error() == WRONG_CODE


def test_a_code_used_by_one_user_still_works_for_another(agent: UserAgent, other_agent: UserAgent) -> None:
    # Given the demo code used by one user (all demo users share the secret)
    agent.sign_in("admin-agent", request=auth_request(amr_values="mfa"))
    # When another user types the same code
    response = other_agent.sign_in("sales-agent", request=auth_request(amr_values="mfa"))
    # Then it is accepted: replays are counted per user
    assert response.status_code == 302 and "code=" in response.headers["Location"]
