"""The SSO cookie and "Stay signed in?": Yes keeps it past the browser, No does not, and the question can go."""

from __future__ import annotations

from idp_journey import UserAgent, auth_request, page_of
from werkzeug.test import TestResponse


def sso_cookie(response: TestResponse) -> str:
    """Return the Set-Cookie header of the ESTSAUTH cookie."""
    found = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("ESTSAUTH=")]
    assert len(found) == 1, response.headers.getlist("Set-Cookie")
    return found[0]


def test_yes_makes_the_sso_cookie_persistent(agent: UserAgent) -> None:
    # When a user answers Yes to "Stay signed in?"
    response = agent.sign_in(stay="yes")
    # Then the cookie lasts one session lifetime past the browser's closing
    cookie = sso_cookie(response)
    assert "Max-Age=28800" in cookie and "Expires=" in cookie


def test_no_keeps_a_browser_session_cookie(agent: UserAgent) -> None:
    # When a user answers No
    response = agent.sign_in(stay="no")
    # Then the cookie ends with the browser
    cookie = sso_cookie(response)
    assert "Max-Age" not in cookie and "Expires" not in cookie


def test_sso_cookie_is_http_only_lax_and_holds_only_an_id(agent: UserAgent) -> None:
    # When a user signs in
    cookie = sso_cookie(agent.sign_in())
    # Then scripts cannot read the cookie, other sites cannot send it with a POST, and it names nothing but a session
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "global-admin" not in cookie and len(cookie.split(";")[0]) < 60


def test_dont_show_again_with_yes_skips_the_question_and_stays_signed_in(
    agent: UserAgent, other_agent: UserAgent
) -> None:
    # Given a user who ticked "Don't show this again" and answered Yes
    page = agent.submit(agent.submit(agent.authorize(), loginfmt="sales-agent"), passwd="portal-demo")
    agent.submit(page, staySignedIn="yes", DontShowAgain="true")
    # When the user signs in again, in another browser
    page = other_agent.submit(other_agent.submit(other_agent.authorize(), loginfmt="sales-agent"), passwd="portal-demo")
    # Then the question is not asked, and the answer Yes applies
    assert page.status_code == 302 and "Max-Age" in sso_cookie(page)


def test_dont_show_again_with_no_skips_the_question_and_keeps_a_session_cookie(
    agent: UserAgent, other_agent: UserAgent
) -> None:
    # Given a user who ticked "Don't show this again" and answered No
    page = agent.submit(agent.submit(agent.authorize(), loginfmt="sales-agent"), passwd="portal-demo")
    agent.submit(page, staySignedIn="no", DontShowAgain="true")
    # When the user signs in again
    page = other_agent.submit(other_agent.submit(other_agent.authorize(), loginfmt="sales-agent"), passwd="portal-demo")
    # Then the question is not asked, and the cookie ends with the browser
    assert page.status_code == 302 and "Max-Age" not in sso_cookie(page)


def test_the_question_is_asked_again_without_dont_show_again(agent: UserAgent, other_agent: UserAgent) -> None:
    # Given a user who answered Yes without ticking "Don't show this again"
    agent.sign_in("admin-agent", stay="yes")
    # When the user signs in again
    page = other_agent.submit(other_agent.submit(other_agent.authorize(), loginfmt="admin-agent"), passwd="portal-demo")
    # Then "Stay signed in?" is asked again
    assert "staySignedIn" in page_of(page).buttons


def test_signed_in_browser_gets_a_code_without_any_page(agent: UserAgent) -> None:
    # Given a signed-in browser
    agent.sign_in()
    # When a client sends it to /authorize again
    response = agent.authorize(auth_request(state="again"))
    # Then it goes straight back with a code
    assert response.status_code == 302 and "code=" in response.headers["Location"]


def test_prompt_login_asks_for_the_password_again(agent: UserAgent) -> None:
    # Given a signed-in browser
    agent.sign_in()
    # When a client asks with prompt=login
    response = agent.authorize(auth_request(prompt="login"))
    # Then the sign-in starts over
    assert "loginfmt" in page_of(response).fields


def test_prompt_none_without_a_session_goes_back_with_login_required(agent: UserAgent) -> None:
    # When a client asks a browser that is not signed in, with prompt=none
    response = agent.authorize(auth_request(prompt="none", state="quiet"))
    # Then it goes back at once with login_required
    assert response.status_code == 302 and "error=login_required" in response.headers["Location"]
    assert "state=quiet" in response.headers["Location"]
