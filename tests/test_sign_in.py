"""Signing in the way Partner Center does: the identity provider's pages, a verification code, and out again.

These tests sign in as users of their own (``make_user``): a provider takes each code once per user,
and a locked-out user must be nobody else's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlsplit

import pyotp
import pytest
from forged_requests import origin
from playwright.sync_api import BrowserContext, Page, Request, expect
from portal_process import wait_until

from fixtures.directory import User
from flows import MfaRequiredError, SignedOutError, SignInError, complete_sign_in, sign_in, sign_out
from flows.sign_in import one_time_code
from pages import CustomersPage, DashboardPage, SignInPage, screen_addresses
from pages.errors import address_of
from plugins.deployment import target

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]


class Words(NamedTuple):
    sign_in: str
    next: str
    enter_password: str
    enter_code: str
    verify: str
    stay_signed_in: str
    yes: str
    no: str


# As Microsoft's sign-in pages say them, written out here so that a change on either side shows.
WORDS = {
    "en-US": Words("Sign in", "Next", "Enter password", "Enter code", "Verify", "Stay signed in?", "Yes", "No"),
    "fr-FR": Words(
        "Se connecter", "Suivant", "Entrez le mot de passe", "Entrez le code", "Vérifier", "Rester connecté ?",
        "Oui", "Non",
    ),
    "zh-CN": Words("登录", "下一步", "输入密码", "输入代码", "验证", "保持登录状态?", "是", "否"),
}  # fmt: skip


@pytest.mark.smoke
@pytest.mark.parametrize("locale", WORDS)
def test_the_sign_in_journey_in_each_language(
    locale: str, new_context: Callable[..., BrowserContext], make_user: Callable[[str], User],
    pytestconfig: pytest.Config,
) -> None:  # fmt: skip
    words, user = WORDS[locale], make_user("admin-agent")
    page = new_context(locale=locale).new_page()
    steps = SignInPage(page)
    page.goto(screen_addresses().dashboard)  # the portal sends the browser to its identity provider

    expect(steps.headings["account"]).to_have_text(words.sign_in)
    expect(steps.next_button).to_have_text(words.next)
    steps.enter_account(user.name)
    expect(steps.headings["password"]).to_have_text(words.enter_password)
    expect(steps.sign_in_button).to_have_text(words.sign_in)
    steps.enter_password(user.password)
    expect(steps.headings["code"]).to_have_text(words.enter_code)
    expect(steps.verify_button).to_have_text(words.verify)
    steps.enter_code(one_time_code(user.totp_secret or ""))
    # "Stay signed in?" is shown only sometimes (Entra's choice; the bundled provider's, always): its words where it is
    dashboard = DashboardPage(page).menu
    expect(steps.headings["stay_signed_in"].or_(dashboard).first).to_be_visible()
    asked = steps.headings["stay_signed_in"].is_visible()
    assert asked or target(pytestconfig) is not None, "the bundled provider asks 'Stay signed in?' at each sign-in"
    if asked:
        expect(steps.headings["stay_signed_in"]).to_have_text(words.stay_signed_in)
        expect(steps.yes_button).to_have_text(words.yes)
        expect(steps.no_button).to_have_text(words.no)
        steps.stay_signed_in(False)

    expect(dashboard).to_be_visible()


@pytest.mark.smoke
def test_sign_in_lands_on_the_dashboard(page: Page, make_user: Callable[[str], User]) -> None:
    user = make_user("global-admin")

    dashboard = sign_in(page, user.name, user.password, totp_secret=user.totp_secret)

    expect(dashboard.menu).to_be_visible()
    expect(dashboard.customers_link).to_have_text("Customers")


@pytest.mark.smoke
def test_a_plain_playwright_script_signs_in_with_the_documented_names_and_a_code(
    page: Page, make_user: Callable[[str], User]
) -> None:
    """What a script of a team's own relies on: input names, button texts and a TOTP code, no page object."""
    user = make_user("admin-agent")
    page.goto(screen_addresses().dashboard)

    page.locator('input[name="loginfmt"]').fill(user.name)
    page.get_by_role("button", name="Next").click()
    page.locator('input[name="passwd"]').fill(user.password)
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="otc"]').fill(pyotp.TOTP(user.totp_secret or "").now())
    page.get_by_role("button", name="Verify").click()
    customers_link = page.get_by_role("link", name="Customers")
    stay_signed_in_no = page.get_by_role("button", name="No", exact=True)
    expect(customers_link.or_(stay_signed_in_no).first).to_be_visible()  # "Stay signed in?" is the provider's choice
    if stay_signed_in_no.is_visible():
        stay_signed_in_no.click()

    expect(customers_link).to_be_visible()
    expect(page).to_have_url(re.compile(f"/{re.escape(screen_addresses().dashboard)}"))


@pytest.mark.parametrize(
    ("account", "password", "said"),
    [
        pytest.param("nobody", "x", "This username may be incorrect.", id="unknown-account"),
        pytest.param(None, "wrong-password", "Your account or password is incorrect.", id="wrong-password"),
    ],
)
def test_a_refused_sign_in_says_the_provider_s_words_at_the_field(
    page: Page, make_user: Callable[[str], User], run_id: str, account: str | None, password: str, said: str
) -> None:
    user = make_user("sales-agent")
    # An unknown account at the users' own domain, where they have one (Entra asks for an address: "nobody" alone
    # would be refused as no address at all, not as an unknown account)
    domain = user.name.partition("@")[2]
    account = user.name if account is None else f"{account}-{run_id}" + (f"@{domain}" if domain else "")

    with pytest.raises(SignInError, match=re.escape(said)):
        sign_in(page, account, password, totp_secret=user.totp_secret)

    field = SignInPage(page).account if "username" in said else SignInPage(page).password
    expect(field.first).to_have_accessible_description(re.compile(re.escape(said)))


def test_a_wrong_code_is_refused_at_the_field(page: Page, make_user: Callable[[str], User]) -> None:
    user = make_user("sales-agent")
    page.goto(screen_addresses().dashboard)
    steps = SignInPage(page)
    steps.enter_account(user.name)
    steps.enter_password(user.password)

    right = one_time_code(user.totp_secret or "")
    steps.enter_code("000000" if right != "000000" else "111111")

    expect(steps.code.first).to_have_accessible_description(
        "You didn't enter the expected verification code. Please try again."
    )


def test_a_code_asked_for_without_a_secret_raises_mfa_required_at_once(
    page: Page, make_user: Callable[[str], User]
) -> None:
    user = make_user("helpdesk-agent")

    with pytest.raises(MfaRequiredError, match="verification code"):
        sign_in(page, user.name, user.password)
        pytest.fail(
            f"{user.name} was signed in at {page.url} without a verification code: the portal does not require MFA "
            "of this user, which Partner Center requires of every user"
        )

    expect(SignInPage(page).headings["code"]).to_be_visible()


@pytest.mark.bundled  # locks out a user of its own, for seconds: against a deployment it would lock a role user
def test_ten_wrong_passwords_lock_the_account_until_the_lockout_ends(
    page: Page, make_user: Callable[[str], User]
) -> None:
    # Given a user of this test's own, who types a wrong password ten times in a row
    user = make_user("sales-agent")
    for _ in range(9):
        with pytest.raises(SignInError, match="Your account or password is incorrect"):
            sign_in(page, user.name, "not-the-password", totp_secret=user.totp_secret)
    with pytest.raises(SignInError, match="temporarily locked"):  # the tenth locks the account
        sign_in(page, user.name, "not-the-password", totp_secret=user.totp_secret)

    # Then even the right password is refused, with the lockout's own message
    with pytest.raises(SignInError, match="temporarily locked"):
        sign_in(page, user.name, user.password, totp_secret=user.totp_secret)

    # And once the lockout is over (the suite's provider locks for seconds), the right password works
    def signs_in() -> bool:
        try:
            sign_in(page, user.name, user.password, totp_secret=user.totp_secret)
        except SignInError as refused:
            assert "temporarily locked" in str(refused), refused
            return False
        return True

    wait_until(signs_in, "the lockout to end", timeout=60, interval=1)


@pytest.mark.parametrize("stay", [True, False], ids=["yes", "no"])
def test_stay_signed_in_decides_whether_the_provider_s_cookie_outlives_the_browser(
    page: Page, make_user: Callable[[str], User], stay: bool
) -> None:
    user = make_user("admin-agent")

    sign_in(page, user.name, user.password, totp_secret=user.totp_secret, stay_signed_in=stay)

    # Entra's sign-in cookies: ESTSAUTH for the browser's session, ESTSAUTHPERSISTENT (or ESTSAUTH itself, given an
    # expiry) when the user stays signed in
    provider_cookies = [c for c in page.context.cookies() if c["name"].startswith("ESTSAUTH")]
    assert provider_cookies, f"no sign-in cookie of the provider's (ESTSAUTH...): {page.context.cookies()}"
    assert any(c["expires"] > 0 for c in provider_cookies) is stay, provider_cookies


@pytest.mark.parametrize("asked", ["at-customers", "at-sign-in"])
def test_a_sign_in_without_mfa_is_sent_back_for_the_code_before_any_customer_page(
    page: Page, make_user: Callable[[str], User], pytestconfig: pytest.Config, asked: str
) -> None:
    # Given a sign-in that offers the password only, its request to the provider asking no more (the bundled portal
    # asks MFA by amr_values), the code asked at the customers; or one asked at sign-in (a provider's policy asks it
    # at every sign-in; the bundled provider, asked by the portal's request)
    user = make_user("global-admin")
    page.goto(screen_addresses().dashboard)
    if asked == "at-customers":
        page.goto(page.url.replace("amr_values=mfa", "amr_values="))
    try:
        complete_sign_in(page, user.name, user.password)  # no secret: a code asked for raises
        asked_at_sign_in = False
    except MfaRequiredError:
        asked_at_sign_in = True
    if target(pytestconfig) is None:  # a deployment's provider asks where its own policy says
        assert asked_at_sign_in is (asked == "at-sign-in"), f"the bundled provider, asked {asked}: {page.url}"

    # When it opens the Customers list, Then the portal sends it back, and the provider asks only the code
    if not asked_at_sign_in:
        expect(DashboardPage(page).menu).to_be_visible()
        with pytest.raises(SignedOutError):
            CustomersPage(page).open()
    expect(SignInPage(page).headings["code"]).to_be_visible()
    complete_sign_in(page, user.name, user.password, totp_secret=user.totp_secret)
    if asked_at_sign_in:  # back where it started, the Dashboard: the code came before any customer page
        CustomersPage(page).open()
    else:  # back at the Customers list it was sent away from
        CustomersPage(page).wait_until_ready()
    expect(page).to_have_url(re.compile(rf"/{re.escape(screen_addresses().customers)}$"))


def test_a_signed_out_visitor_is_sent_to_sign_in_then_back(page: Page, make_user: Callable[[str], User]) -> None:
    user = make_user("global-admin")
    page.goto(f"{screen_addresses().customers}?q=a")

    with pytest.raises(SignedOutError):
        CustomersPage(page).wait_until_ready()
    complete_sign_in(page, user.name, user.password, totp_secret=user.totp_secret)

    expect(page).to_have_url(re.compile(rf"/{re.escape(screen_addresses().customers)}\?q=a$"))


def test_sign_out_ends_the_session_even_for_a_copied_cookie(
    page: Page, new_context: Callable[..., BrowserContext], make_user: Callable[[str], User]
) -> None:
    # Given a signed-in browser, and a copy of its cookies
    user = make_user("sales-agent")
    sign_in(page, user.name, user.password, totp_secret=user.totp_secret)
    copied = page.context.cookies()
    control = new_context()  # the copy signs in before the sign-out: what follows is the sign-out's doing
    control.add_cookies(copied)
    DashboardPage(control.new_page()).open()

    # When the user signs out
    sign_out(page)

    # Then the copied cookies sign no one in: neither at the portal nor at its identity provider
    replay = new_context()
    replay.add_cookies(copied)
    with pytest.raises(SignedOutError):
        DashboardPage(replay.new_page()).open()


def test_signing_in_over_another_s_session_says_so_and_signs_no_one_in(
    page: Page, make_user: Callable[[str], User]
) -> None:
    # Given a browser signed in as one user
    first, second = make_user("helpdesk-agent"), make_user("admin-agent")
    sign_in(page, first.name, first.password, totp_secret=first.totp_secret)

    # When a script signs in as another in it (with the right password, or a wrong one), then it is told so,
    # never handed the first user's session as the second's
    refused = rf"without a sign-in step .*nobody was signed in as '{second.name}'"
    for password in (second.password, "not-the-password"):
        with pytest.raises(SignInError, match=refused):
            sign_in(page, second.name, password, totp_secret=second.totp_secret)


@pytest.mark.bundled  # how a provider answers its own session copied alone (silently, or asking) is its own
def test_signing_in_over_another_s_provider_session_says_so_and_signs_no_one_in(
    page: Page, new_context: Callable[..., BrowserContext], make_user: Callable[[str], User]
) -> None:
    # Given a browser context holding one user's session at the identity provider, and none at the portal
    first, second = make_user("helpdesk-agent"), make_user("admin-agent")
    sign_in(page, first.name, first.password, totp_secret=first.totp_secret)
    portal_host = urlsplit(page.url).hostname
    provider_only = new_context()
    provider_only.add_cookies([c for c in page.context.cookies() if c["domain"].lstrip(".") != portal_host])

    # When a script signs in as another there, then it is told so, never handed the first user's session
    refused = rf"without a sign-in step .*nobody was signed in as '{second.name}'"
    for password in (second.password, "not-the-password"):
        with pytest.raises(SignInError, match=refused):
            sign_in(provider_only.new_page(), second.name, password, totp_secret=second.totp_secret)


def test_the_session_needs_no_cookie_a_page_s_scripts_can_read(admin_page: Page) -> None:
    # Given a signed-in page, whose Dashboard loads again without a visit to the identity provider (the control)
    visited: list[str] = []  # each address the page was sent to, redirects too (a silent sign-in commits no page)
    admin_page.on("request", lambda request: visited.append(request.url) if sent_to_page(request) else None)
    DashboardPage(admin_page).open()
    dashboard = admin_page.url
    admin_page.goto(dashboard)
    expect(DashboardPage(admin_page).menu).to_be_visible()
    assert elsewhere(visited, dashboard) == [], "loaded again as it was, the Dashboard went through another site"

    # When its cookies that scripts can read (not HttpOnly: in document.cookie) are taken away, and it loads again
    context = admin_page.context
    readable = [cookie for cookie in context.cookies() if not cookie["httpOnly"]]
    for cookie in readable:
        context.clear_cookies(name=cookie["name"], domain=cookie["domain"], path=cookie["path"])
    visited.clear()
    admin_page.goto(dashboard)

    # Then it shows, signed in, with no visit to the identity provider on the way: a script injected into a page
    # cannot carry the session off
    expect(DashboardPage(admin_page).menu).to_be_visible()
    names = sorted(cookie["name"] for cookie in readable)
    went = elsewhere(visited, dashboard)
    assert not went, f"without the cookies scripts can read ({names}), the session was gone: the page went to {went}"


def sent_to_page(request: Request) -> bool:
    """Whether ``request`` is one for the page's own document (not a frame's: a token's silent renewal)."""
    return request.is_navigation_request() and request.frame.parent_frame is None


def elsewhere(visited: list[str], page_url: str) -> list[str]:
    """The addresses (without their queries) of ``visited`` at another site than ``page_url``'s."""
    return [address_of(url) for url in visited if origin(url) != origin(page_url)]
