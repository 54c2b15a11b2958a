"""Sign-in pages marked up as Entra ID marks them, not as the bundled provider does.

Served through routes at a provider of their own, so each test controls every answer and counts
what the browser sent: a refusal must end the sign-in at once, and a password is typed once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Route

from flows import (
    MfaRequiredError,
    PageCrashedError,
    SignInError,
    SignInInterruptedError,
    SignInStalledError,
    complete_sign_in,
    sign_in,
)
from pages import DashboardPage, SignedOutError, SignInPage
from pages.renewal import renew_sign_in_with

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

PROVIDER = "https://login.provider.test/"
# Entra's password step refused: the message in an alert under the field, the field not marked invalid.
REFUSED_PASSWORD = """<!doctype html><html lang="en"><title>Sign in</title><main>
<div role="heading" aria-level="1">Enter password</div>
<form method="post" action="/login">
  <div id="passwordError" role="alert">{error}</div>
  <input name="passwd" type="password" aria-label="Password" aria-describedby="passwordError loginHeader">
  <input type="submit" value="Sign in">
</form></main></html>"""
SHORT_TIMEOUT_MS = 5_000  # a wait that ran into it would fail the test instead of holding it 30 s


def serve(page: Page, answers: dict[str, str | Callable[[Route], None]]) -> list[str]:
    """Answer the provider's addresses (``"POST /login"`` for a POST) with pages or handlers; return the paths
    the browser asked for, in order."""
    asked: list[str] = []

    def answer(route: Route) -> None:
        request = route.request
        path = "/" + request.url.removeprefix(PROVIDER).split("?")[0]
        asked.append(path)
        found = answers.get(f"{request.method} {path}") or answers.get(path)
        if found is None:
            route.fulfill(status=404, content_type="text/html", body="<h1>404 Not found</h1>")
        elif callable(found):
            found(route)
        else:
            route.fulfill(content_type="text/html; charset=utf-8", body=found)

    page.route(PROVIDER + "**", answer)
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    return asked


def test_a_refused_password_is_typed_once_and_the_provider_s_alert_is_the_error(page: Page) -> None:
    # Given a provider that refuses the password with a message in an alert, the field not marked invalid
    words = "Your account or password is incorrect."
    posted: list[str] = []

    def refuse(route: Route) -> None:
        posted.append(route.request.post_data or "")
        route.fulfill(content_type="text/html; charset=utf-8", body=REFUSED_PASSWORD.format(error=words))

    serve(page, {"/login": REFUSED_PASSWORD.format(error=""), "POST /login": refuse})
    page.goto(PROVIDER + "login")

    # When the library signs in with a wrong password
    with pytest.raises(SignInError) as refused:
        complete_sign_in(page, "agent@contoso.test", "not-the-password")

    # Then the provider's words are the error, and the password went out once: a retry could lock the account
    assert words in str(refused.value)
    assert len(posted) == 1 and "passwd=not-the-password" in posted[0]


def test_a_password_the_provider_never_answers_is_a_stalled_sign_in_sent_once(page: Page) -> None:
    # Given a provider that takes the password and never answers it
    posted: list[str] = []
    serve(page, {"/login": REFUSED_PASSWORD.format(error=""), "POST /login": lambda route: posted.append("sent")})
    page.set_default_timeout(2_000)
    page.goto(PROVIDER + "login")

    # When the library signs in, then the sign-in is said to have stalled at that step, not a bare timeout
    with pytest.raises(SignInStalledError, match=f"At {PROVIDER}login .*did not"):
        complete_sign_in(page, "agent@contoso.test", "the-password")
    assert posted == ["sent"]


def test_a_page_that_crashes_at_the_step_after_the_password_is_said_crashed_naming_the_sign_in(page: Page) -> None:
    # Given a page that crashes as the provider's next step loads, once the password went out
    crash, posted, crashed = page.context.new_cdp_session(page), [], []

    def crash_once_answered(_: Page) -> None:
        if posted and not crashed:
            crashed.append(page.url)
            with suppress(PlaywrightError):  # the answer to the crash never comes: the page is gone
                crash.send("Page.crash")

    page.on("domcontentloaded", crash_once_answered)
    step = REFUSED_PASSWORD.format(error="")
    serve(page, {"/login": step, "POST /login": lambda route: posted.append(1) or route.fulfill(body=step)})
    page.goto(PROVIDER + "login")

    # When the library signs in, then it says the page crashed in the library's error, not Playwright's bare one
    with pytest.raises(PageCrashedError, match=r"^Sign in as agent@contoso.test: the browser's page crashed"):
        complete_sign_in(page, "agent@contoso.test", "the-password")
    assert posted == [1] and crashed == [PROVIDER + "login"]


def test_a_field_described_by_a_message_the_page_does_not_have_is_read_at_once(page: Page) -> None:
    # Given an invalid field whose description names two ids, one of them not in the page
    serve(page, {"/login": REFUSED_PASSWORD.format(error="Wrong.").replace('type="password"', 'aria-invalid="true"')})
    page.goto(PROVIDER + "login")

    # When its error is read
    # Then the message that is there is the answer (no wait for the one that is not)
    assert SignInPage(page).field_error() == "Wrong."


STEPS_NO_SCRIPT_ANSWERS = {
    "push": "Approve sign in request",
    "choice-fr": "Vérifier votre identité",
    "push-zh": "批准登录请求",
}


@pytest.mark.parametrize("heading", STEPS_NO_SCRIPT_ANSWERS.values(), ids=STEPS_NO_SCRIPT_ANSWERS.keys())
def test_a_step_no_script_can_answer_raises_mfa_required_at_once(page: Page, heading: str) -> None:
    # Given a provider that asks to approve the sign-in on a phone, or to choose how to verify
    serve(page, {"/login": f'<!doctype html><main><div role="heading" aria-level="1">{heading}</div><p>42</p></main>'})
    page.goto(PROVIDER + "login")

    # When the library signs in
    # Then it says what to do instead, not a timeout
    with pytest.raises(MfaRequiredError, match="TOTP"):
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret="PORTALDEMOTOTP23")


def test_a_sign_in_page_with_no_step_the_library_knows_is_a_sign_in_error_quoting_it(page: Page) -> None:
    # Given a provider page the library has no step for
    serve(page, {"/login": '<!doctype html><main><div role="heading" aria-level="1">Terms of use</div></main>'})
    page.goto(PROVIDER + "login")
    page.set_default_timeout(1_500)  # the wait that ends in the error

    # When the library signs in
    # Then it says where it stopped and what the page says, instead of Playwright's timeout
    with pytest.raises(SignInError, match="showed no step the library knows: it says 'Terms of use'"):
        complete_sign_in(page, "agent@contoso.test", "a-password")


# Entra's account step: Next shows the password in place (no new page), then Sign in posts the form.
IN_PLACE = """<!doctype html><html lang="en"><main>
<div role="heading" aria-level="1" id="title">Sign in</div>
<form method="post" action="/login" onsubmit="const find = (id) => document.getElementById(id);
    if (!find('password').hidden) return; event.preventDefault(); find('title').textContent = 'Enter password';
    find('account').hidden = true; find('password').hidden = false; find('go').value = 'Sign in'">
  <input id="account" name="loginfmt" aria-label="Enter your email, phone, or Skype.">
  <input id="password" name="passwd" type="password" aria-label="Password" hidden>
  <input id="go" type="submit" value="Next">
</form></main></html>"""
DONE = '<!doctype html><html lang="en"><nav aria-label="Dashboard"><a href="/customers">Customers</a></nav></html>'


def test_a_step_shown_in_place_is_answered_as_one_that_loads_a_page(page: Page) -> None:
    # Given a provider that asks for the password in place after the account, then posts both
    posted: list[str] = []

    def signed_in(route: Route) -> None:
        posted.append(route.request.post_data or "")
        route.fulfill(content_type="text/html; charset=utf-8", body=DONE)

    serve(page, {"/login": IN_PLACE, "POST /login": signed_in})
    page.goto(PROVIDER + "login")

    # When the library signs in
    complete_sign_in(page, "agent@contoso.test", "the-password")

    # Then it answered both steps, and the one post carried both answers
    assert len(posted) == 1
    assert "loginfmt=agent%40contoso.test" in posted[0] and "passwd=the-password" in posted[0]


def test_a_refusal_written_in_place_into_an_alert_already_there_is_read(page: Page) -> None:
    # Given a password step whose empty alert is filled in place when the password is refused
    words = "Your account or password is incorrect."
    refusing_in_place = REFUSED_PASSWORD.format(error="").replace(
        '<form method="post" action="/login">',
        f"<form onsubmit=\"event.preventDefault(); document.getElementById('passwordError').textContent = '{words}'\">",
    )
    serve(page, {"/login": refusing_in_place})
    page.goto(PROVIDER + "login")

    # When the library signs in with a wrong password
    # Then the provider's words are the error (not a sign-in that "did not go on")
    with pytest.raises(SignInError, match=re.escape(words)):
        complete_sign_in(page, "agent@contoso.test", "not-the-password")


def test_the_same_refusal_written_again_in_place_is_read(page: Page) -> None:
    # Given a password step that still shows the last refusal, and writes it again after each answer
    words = "Your account or password is incorrect."
    refusing_again = REFUSED_PASSWORD.format(error=words).replace(
        '<form method="post" action="/login">',
        "<form onsubmit=\"event.preventDefault(); const alert = document.getElementById('passwordError');"
        f" alert.textContent = ''; setTimeout(() => alert.textContent = '{words}', 200)\">",
    )
    serve(page, {"/login": refusing_again})
    page.goto(PROVIDER + "login")

    # When the library signs in with a wrong password
    with pytest.raises(SignInError) as refused:
        complete_sign_in(page, "agent@contoso.test", "not-the-password")

    # Then the refusal is the error at once, not a sign-in that "did not go on" after the timeout
    assert words in str(refused.value)
    assert "did not go on" not in str(refused.value)


def test_an_alert_of_several_blocks_shown_before_the_answer_is_not_taken_for_it(page: Page) -> None:
    # Given a password step still showing an earlier refusal in two paragraphs, whose answer comes later
    earlier = "<p>Your account or password is incorrect.</p><p>Forgot your password?</p>"
    accepting_later = REFUSED_PASSWORD.format(error=earlier).replace(
        '<form method="post" action="/login">',
        "<form onsubmit=\"event.preventDefault(); setTimeout(() => location.assign('/done'), 300)\">",
    )
    serve(page, {"/login": accepting_later, "/done": DONE})
    page.goto(PROVIDER + "login")

    # When the library signs in with the right password
    complete_sign_in(page, "agent@contoso.test", "the-password")

    # Then it waited for the provider's answer: the signed-in page, not the old refusal
    assert page.url == PROVIDER + "done"


def test_an_alert_redrawn_as_it_was_when_the_answer_starts_is_not_taken_for_it(page: Page) -> None:
    # Given a password step still showing an earlier refusal, which its script draws again (a new node,
    # the same words) as the answer is sent, the provider's answer coming later
    redrawing = REFUSED_PASSWORD.format(error="Your account or password is incorrect.").replace(
        '<form method="post" action="/login">',
        "<form onsubmit=\"event.preventDefault(); const alert = document.getElementById('passwordError');"
        " alert.replaceWith(alert.cloneNode(true)); setTimeout(() => location.assign('/done'), 300)\">",
    )
    serve(page, {"/login": redrawing, "/done": DONE})
    page.goto(PROVIDER + "login")

    # When the library signs in with the right password
    complete_sign_in(page, "agent@contoso.test", "the-password")

    # Then it waited for the provider's answer
    assert page.url == PROVIDER + "done"


@pytest.mark.parametrize("status", [400, 500])
def test_a_sign_in_that_ends_at_an_error_page_says_so_at_once(page: Page, status: int) -> None:
    # Given a provider whose answer to the password is an error page (as a portal's callback refusing a state)
    page_with_no_step = f"<!doctype html><title>{status} Bad request</title><h1>Bad request</h1>"
    answer = lambda route: route.fulfill(status=status, content_type="text/html", body=page_with_no_step)  # noqa: E731
    serve(page, {"/login": REFUSED_PASSWORD.format(error=""), "POST /login": answer})
    page.goto(PROVIDER + "login")
    page.set_default_timeout(30_000)  # the library's own wait, which the error page must not run into

    # When the library answers the password, then it says where it stopped, long before the wait ends
    said = rf"the sign-in ended at an error page \(HTTP {status}\): it says 'Bad request'"
    with pytest.raises(SignInError, match=said) as stopped:
        complete_sign_in(page, "agent@contoso.test", "a-password")
    # A server's trouble refuses nothing (a suite does not stop its run on it); a 400 may be a refusal
    assert isinstance(stopped.value, SignInInterruptedError) is (status == 500)


def test_a_sign_in_at_an_address_where_no_portal_is_asks_whether_the_address_is_right(page: Page) -> None:
    # Given an address that answers, but not as the portal: a web server's own 404 page (python -m http.server)
    page.route("**/*", lambda route: route.fulfill(
        status=404, content_type="text/html", body="<h1>Error response</h1><p>Error code: 404</p>"))  # fmt: skip

    with pytest.raises(SignInError) as refused:
        sign_in(page, "global-admin", "portal-demo", totp_secret="PORTALDEMOTOTP23")

    said = str(refused.value)
    assert "error page (HTTP 404)" in said and "'Error response" in said, said
    assert re.search(r"Nothing of the portal is at http://\S+/dashboard, where its Dashboard should be", said), said
    assert "is the portal's address (--base-url) right, and its Dashboard there?" in said, said
    assert "--screen-addresses dashboard=PATH" in said, said


@pytest.mark.parametrize(
    ("handed_back", "interrupted"),
    [("code=SECRET-CODE-123&state=s", True), ("error=access_denied&state=s", False)],
    ids=["code-not-taken", "provider-refused"],
)
def test_a_sign_in_that_ends_at_its_callback_s_error_page_says_why_and_not_the_code(
    page: Page, handed_back: str, interrupted: bool
) -> None:
    # Given a portal whose callback answers 400 to what the provider handed back: a code it could not take (a state
    # that expired during the sign-in), or the provider's own refusal
    def answer(route: Route) -> None:
        if "/callback" in route.request.url:
            body = "<main><h1>Bad Request</h1><p>Sign in again. (mismatching_state)</p></main>"
            route.fulfill(status=400, content_type="text/html", body=body)
        else:  # as the provider sends the browser back: a page that goes on to the callback
            script = f"<script>location.replace('/callback?{handed_back}')</script>"
            route.fulfill(status=200, content_type="text/html", body=script)

    page.route("**/*", answer)

    with pytest.raises(SignInError) as refused:
        sign_in(page, "global-admin", "portal-demo", totp_secret="PORTALDEMOTOTP23")

    # Then it says where, and the page's words under its heading, never the code; a code not taken refuses nothing
    said = str(refused.value)
    assert re.search(r"At http://\S+/callback the sign-in ended at an error page \(HTTP 400\)", said), said
    assert "it says 'Bad Request' ('Sign in again. (mismatching_state)')" in said, said
    assert "SECRET-CODE-123" not in said, said
    assert isinstance(refused.value, SignInInterruptedError) is interrupted


def test_a_renewal_refused_at_the_callback_says_where_without_its_authorization_code(page: Page) -> None:
    # Given a portal whose session ended, whose callback then refuses the sign-in the provider handed back (its state
    # expired meanwhile), and a context that signs in again
    ended = """<!doctype html><html lang="en"><main><h1>Your session has ended</h1>
<form action="/callback"><input type="hidden" name="code" value="0.AUTHZ-CODE"><input type="hidden" name="state"
value="st4te"><button>Sign in</button></form></main></html>"""
    refused = '<!doctype html><html lang="en"><main><h1>Bad request</h1><p>mismatching_state</p></main></html>'
    serve(page, {"/ended": ended, "/callback": lambda route: route.fulfill(status=400, body=refused)})
    renew_sign_in_with(page.context, lambda renewed: complete_sign_in(renewed, "agent@contoso.test", "a-password"))
    page.goto(PROVIDER + "ended")

    # When a screen finds sign-in and signs in again, which fails
    with pytest.raises(SignedOutError) as ended_error:
        DashboardPage(page).wait_until_ready()

    # Then the error says where, but not with the authorization code the address held: logs and CI pages keep errors
    assert f"{PROVIDER}callback" in str(ended_error.value) and "AUTHZ-CODE" not in str(ended_error.value)
