"""A sign-in step whose button is not named as the library knows it: renamed, in another language, or missing.

Served through routes at a provider of their own (as ``test_sign_in_markup`` does): the step's form
is answered through its only submit button, and a step with no button to go on is a ``SignInError``
naming the buttons it shows, at once, not Playwright's timeout.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route
from test_sign_in_markup import DONE, PROVIDER, serve

from flows import SignInError, complete_sign_in

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

STEP_TIMEOUT_MS = 20_000  # far longer than the library's grace for a button
PASSWORD_STEP = """<!doctype html><html lang="en"><title>Sign in</title><main>
<div role="heading" aria-level="1">Enter password</div>
<form method="post" action="/login">
  <input name="passwd" type="password" aria-label="Password">
  {buttons}
</form></main></html>"""


def signed_in_on_post(page: Page, step: str) -> list[str]:
    """Serve ``step`` at the provider's /login and the portal's Dashboard to its POST; return what was posted."""
    posted: list[str] = []

    def answer(route: Route) -> None:
        posted.append(route.request.post_data or "")
        route.fulfill(content_type="text/html; charset=utf-8", body=DONE)

    serve(page, {"/login": step, "POST /login": answer})
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(PROVIDER + "login")
    return posted


@pytest.mark.parametrize(
    "buttons",
    [
        '<input type="submit" value="Continue">',  # renamed
        '<a href="/help">Help</a><input type="button" value="Back"><button>Continuer</button>',  # another language
    ],
    ids=["renamed", "another-language-beside-others"],
)
def test_a_step_button_named_otherwise_is_the_form_s_only_submit_button(page: Page, buttons: str) -> None:
    # Given a password step whose only submit button is not named "Sign in"
    posted = signed_in_on_post(page, PASSWORD_STEP.format(buttons=buttons))

    # When the library signs in
    complete_sign_in(page, "agent@contoso.test", "the-password")

    # Then the password went out once, through that button
    assert posted == ["passwd=the-password"]


@pytest.mark.parametrize(
    ("buttons", "quoted"),
    [
        ('<input type="button" value="Back">', "'Back'"),  # no submit button at all
        ('<button>Continue</button><button aria-label="Use a key">Key</button>', "'Continue', 'Use a key'"),  # two
        ("", "none"),
    ],
    ids=["no-submit-button", "two-submit-buttons", "no-button"],
)
def test_a_step_with_no_button_to_go_on_is_a_sign_in_error_naming_its_buttons(
    page: Page, buttons: str, quoted: str
) -> None:
    # Given a password step with no "Sign in" button, and no single submit button to take its place
    posted = signed_in_on_post(page, PASSWORD_STEP.format(buttons=buttons))

    # When the library signs in
    with pytest.raises(SignInError) as stopped:
        complete_sign_in(page, "agent@contoso.test", "the-password")

    # Then it says which step has no button and what the page offers instead (not Playwright's timeout, which is
    # no SignInError); nothing was sent
    assert "password step with no 'sign_in' button" in str(stopped.value)
    assert f"its buttons: {quoted})" in str(stopped.value)
    assert posted == []


def test_a_step_button_drawn_late_beside_its_field_is_waited_for(page: Page) -> None:
    # Given a password step that draws its Sign in button a moment after its field, beside a Back button
    late = """<input type="button" value="Back"><script>setTimeout(() => document.forms[0].insertAdjacentHTML(
      "beforeend", '<input type="submit" value="Sign in">'), 1500)</script>"""
    posted = signed_in_on_post(page, PASSWORD_STEP.format(buttons=late))

    # When the library signs in
    complete_sign_in(page, "agent@contoso.test", "the-password")

    # Then it selected the button once drawn
    assert posted == ["passwd=the-password"]
