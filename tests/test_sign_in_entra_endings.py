"""Entra ID's pages that end a sign-in, or show a step no value can answer: its error page, certificate tiles, a
password to change, access blocked, an admin's approval needed, an account locked, a way to verify to register.

Each is said at once, quoting why, with nothing typed, not after Playwright's timeout. Served through routes at a
provider of their own (``test_sign_in_markup.serve``).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_sign_in_entra_pages import SECRET, SIGN_IN_HEADING
from test_sign_in_markup import PROVIDER, serve

from flows import MfaRequiredError, SignInError, SignInStalledError, complete_sign_in

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

# Entra's pages under the account step's heading ("Sign in") that ask for no account: its error page, saying why
# (an AADSTS code), and a choice of how to sign in, such as a certificate or smart card.
SIGN_IN_WITHOUT_ACCOUNT_FIELD = {
    "error": (
        "<div id='errorText'>Sorry, but we’re having trouble signing you in.</div><div id='service_exception_message'>"
        "AADSTS50105: Your administrator has configured the application to block users.</div>",
        "AADSTS50105",
    ),
    "certificate": (
        '<div role="list"><div role="listitem"><div role="button" tabindex="0">Use your certificate or smart card'
        '</div></div><div role="listitem"><div role="button" tabindex="0">Use your password</div></div></div>',
        "'Use your certificate or smart card'",
    ),
}


@pytest.mark.parametrize(("shown", "said"), SIGN_IN_WITHOUT_ACCOUNT_FIELD.values(), ids=SIGN_IN_WITHOUT_ACCOUNT_FIELD)
def test_a_sign_in_heading_over_no_account_field_is_a_sign_in_error_at_once(page: Page, shown: str, said: str) -> None:
    # Given an Entra page titled "Sign in" with no account field: its error page, or a choice of tiles
    entra_page = f'<!doctype html><html lang="en"><title>Sign in to your account</title><main>{SIGN_IN_HEADING}{shown}'
    asked = serve(page, {"/login": entra_page + "</main></html>"})
    page.goto(PROVIDER + "login")

    # When the library signs in, then it says where it stopped and what the page says, not Playwright's timeout
    with pytest.raises(SignInError, match="account step with no field to answer it") as stopped:
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert said in str(stopped.value) and asked == ["/login"]


# Entra's error page may keep its step's button (Next), as a page drawing its field late does: its error, an alert
# or an AADSTS code, says there is no field to wait for.
ERRORS_BESIDE_NEXT = {
    "alert": '<div role="alert">Your sign-in was blocked: this account may not use the application.</div>',
    "aadsts": "<div id='service_exception_message'>AADSTS50105: Your administrator has blocked users.</div>",
}


@pytest.mark.parametrize("error", ERRORS_BESIDE_NEXT.values(), ids=ERRORS_BESIDE_NEXT)
def test_an_error_page_showing_next_is_a_sign_in_error_without_waiting_for_a_field(page: Page, error: str) -> None:
    # Given Entra's error under "Sign in" beside a Next button, whose page draws an account field 20 s later
    late_field = (
        "<script>setTimeout(() => document.querySelector('main').insertAdjacentHTML('beforeend', "
        '\'<input name="loginfmt" aria-label="Email, phone, or Skype">\'), 20000)</script>'
    )
    entra_page = f'<!doctype html><html lang="en"><title>Sign in to your account</title><main>{SIGN_IN_HEADING}{error}'
    asked = serve(page, {"/login": f"{entra_page}<button>Next</button></main>{late_field}</html>"})
    page.set_default_timeout(30_000)  # the library's own wait for a field: one that ran it would type in that field
    page.goto(PROVIDER + "login")

    # When the library signs in, then it says the page's error, with nothing typed: it did not wait for a field
    with pytest.raises(SignInError, match="account step with no field to answer it") as stopped:
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert "blocked" in str(stopped.value) and asked == ["/login"]
    assert page.locator("input").count() == 0


# Entra's "Update your password" (a password expired, or set for a first sign-in): the current one and a new one
# twice, its button named as the password step's.
PASSWORD_CHANGE = """<!doctype html><html lang="{locale}"><main>{heading}
<p>You need to update your password because this is the first time you are signing in, or because your password has
expired.</p>
<form method="post" action="/login">
  <input type="password" name="oldPassword" aria-label="Current password" placeholder="Current password">
  <input type="password" name="newPassword" aria-label="New password" placeholder="New password">
  <input type="password" name="confirmNewPassword" aria-label="Confirm password" placeholder="Confirm password">
  <input type="submit" value="{sign_in}">
</form></main></html>"""
PASSWORD_CHANGES = {
    "en": ("en-US", "Update your password", "Sign in"),
    "fr": ("fr-FR", "Mettre à jour votre mot de passe", "Se connecter"),
    "zh": ("zh-CN", "更新密码", "登录"),
    "a-heading-no-table-knows": ("en-US", "Your password has expired", "Sign in"),
}


@pytest.mark.parametrize(("locale", "heading", "sign_in"), PASSWORD_CHANGES.values(), ids=PASSWORD_CHANGES)
def test_a_password_to_change_ends_the_sign_in_at_once_with_nothing_typed(
    page: Page, locale: str, heading: str, sign_in: str
) -> None:
    # Given a provider that asks to change the password before signing in
    shown = PASSWORD_CHANGE.format(
        locale=locale, heading=f'<div role="heading" aria-level="1">{heading}</div>', sign_in=sign_in
    )
    asked = serve(page, {"/login": shown})
    page.goto(PROVIDER + "login")

    # When the library signs in, then it says so, and typed and sent nothing: no password in another's field
    with pytest.raises(SignInError, match=r"asks 'agent@contoso\.test' to change the password") as stopped:
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert heading in str(stopped.value) and asked == ["/login"]
    assert all(not box.input_value() for box in page.locator("input[type=password]").all())


# Entra's pages that end a sign-in: access refused by a Conditional Access policy, an app an admin must consent to,
# an account an admin locked; and registration of a way to verify, which a person must do.
ENDS = {
    "conditional-access": (
        "en-US", "You cannot access this right now",
        "Your sign-in was successful but does not meet the criteria to access this resource.",
        '<a href="/logout">Sign out and sign in with a different account</a><a href="/details">More details</a>',
    ),
    "admin-consent": (
        "en-US", "Need admin approval",
        "Partner Center needs permission to access resources in your organization that only an admin can grant.",
        '<a href="/login">Have an admin account? Sign in with that account</a>',
    ),
    "locked": (
        "en-US", "Your account has been locked", "Contact your support person to unlock it, then try again.", "",
    ),
    "registration": (
        "en-US", "Let’s keep your account secure", "We’ll help you set up another way to verify it’s you.",
        '<form method="post" action="/register"><input type="submit" value="Next"></form>',
    ),
    "registration-fr-wizard": (
        "fr-FR", "Protégez votre compte", "Votre organisation exige que vous configuriez les méthodes suivantes.",
        '<form method="post" action="/register"><input type="submit" value="Suivant"></form>',
    ),
    "registration-zh": (
        "zh-CN", "需要更多信息", "你的组织需要更多信息来保护你的帐户安全",
        '<form method="post" action="/register"><input type="submit" value="下一步"></form>',
    ),
}  # fmt: skip


@pytest.mark.parametrize(("locale", "heading", "why", "rest"), ENDS.values(), ids=ENDS)
def test_a_page_that_ends_the_sign_in_says_so_at_once_quoting_why(
    page: Page, locale: str, heading: str, why: str, rest: str
) -> None:
    # Given a provider that shows a page no answer goes on from
    shown = f'<!doctype html><html lang="{locale}"><main><div role="heading" aria-level="1">{heading}</div>'
    asked = serve(page, {"/login": f"{shown}<p>{why}</p>{rest}</main></html>"})
    page.goto(PROVIDER + "login")

    # When the library signs in
    with pytest.raises(SignInError) as stopped:
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)

    # Then it quotes the page and why, having selected nothing; a registration to do is MFA that no script can give
    assert f"{heading} ({why}" in str(stopped.value) and asked == ["/login"]
    assert isinstance(stopped.value, MfaRequiredError) is heading.startswith(("Let", "Protégez", "需要"))


def test_a_password_to_change_under_no_main_heading_is_said_at_once(page: Page) -> None:
    # Given a provider asking to change the password, its page titled by no main heading (a level-2 one)
    shown = PASSWORD_CHANGE.format(locale="en", heading="<h2>Change your password</h2>", sign_in="Sign in")
    asked = serve(page, {"/login": shown})
    page.goto(PROVIDER + "login")

    # When the library signs in, then it says so, quoting the page, not Playwright's timeout waiting for a heading
    with pytest.raises(SignInError, match=r"to change the password.*\(Change your password You need to update"):
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert asked == ["/login"]


# Entra's consent page: the portal's app asks for permissions the user never granted (a new app registration, new
# scopes). Accepting them is the user's or an admin's decision, not a script's.
CONSENTS = {
    "en": ("en-US", "Permissions requested", "This app would like to:", "Accept"),
    "fr": ("fr-FR", "Autorisations demandées", "Cette application souhaite :", "Accepter"),
    "zh": ("zh-CN", "请求的权限", "此应用想要:", "接受"),
}


@pytest.mark.parametrize(("locale", "heading", "asks", "accept"), CONSENTS.values(), ids=CONSENTS)
def test_a_consent_page_ends_the_sign_in_at_once_with_nothing_accepted(
    page: Page, locale: str, heading: str, asks: str, accept: str
) -> None:
    # Given a provider that asks the user to consent to the app's permissions
    shown = f"""<!doctype html><html lang="{locale}"><main><div role="heading" aria-level="1">{heading}</div>
<div>agent@contoso.test</div><p>Partner Center automation</p><p>{asks}</p><ul><li>Sign you in</li></ul>
<form method="post" action="/consent"><input type="button" value="Cancel"><input type="submit" value="{accept}">
</form></main></html>"""
    asked = serve(page, {"/login": shown})
    page.goto(PROVIDER + "login")

    # When the library signs in, then it says consent is asked, quoting the page, at once: not a stalled sign-in
    # (which says that nothing was refused and a moment later it may pass), and nothing was accepted
    with pytest.raises(SignInError, match="consent") as stopped:
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert not isinstance(stopped.value, SignInStalledError)
    assert heading in str(stopped.value) and asked == ["/login"]
