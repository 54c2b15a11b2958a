"""A portal or provider in a language the library has no strings for: said so, and at sign-in at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_sign_in_markup import PROVIDER, serve

from flows import MfaRequiredError, SignInError, complete_sign_in
from pages import AccountPage, UnknownPageError

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

# A portal whose user chose German: its Dashboard, after a sign-in the provider needed no step for.
GERMAN_DASHBOARD = """<!doctype html><html lang="de-DE"><title>Übersicht</title><main>
<h1>Übersicht</h1><nav aria-label="Übersicht"><a href="/customers">Kunden</a></nav></main></html>"""
GERMAN_ACCOUNT = """<!doctype html><html lang="de-DE"><main><h1>Contoso</h1>
<h2>Rechnungsinformationen</h2><dl><dt>Stadt</dt><dd>Lyon</dd></dl></main></html>"""
SAID = r"the page is in de-DE \(its lang\), which the library does not read: it knows en-US, fr-FR, zh-CN"


def test_a_sign_in_that_reaches_a_page_in_a_language_the_library_does_not_read_says_so_at_once(page: Page) -> None:
    # Given a sign-in that ends on the portal's Dashboard, in German
    serve(page, {"/dashboard": GERMAN_DASHBOARD})
    page.goto(PROVIDER + "dashboard")
    page.set_default_timeout(30_000)  # the library's own wait, whose end says no language: it must not run into it

    # When the library completes the sign-in, then it says the page's language, not that no step showed
    with pytest.raises(SignInError, match=SAID):
        complete_sign_in(page, "agent@contoso.test", "a-password")


def test_a_screen_awaited_on_a_page_in_a_language_the_library_does_not_read_names_the_language(page: Page) -> None:
    # Given the Account page, in German
    serve(page, {"/account": GERMAN_ACCOUNT})
    page.goto(PROVIDER + "account")
    page.set_default_timeout(1_500)  # the wait that ends in the error

    # When it is awaited, then the error names the page's language besides what it says
    with pytest.raises(UnknownPageError, match=rf"it says 'Contoso'; {SAID}"):
        AccountPage(page).wait_until_ready()


def test_a_sign_in_page_whose_lang_is_written_with_an_underscore_is_read_in_its_language(page: Page) -> None:
    # Given a provider's step in Chinese, its lang written as a server's locale ("zh_CN"), drawn after a while
    step = '<div role="heading" aria-level="1">批准登录请求</div><p>42</p>'
    late = f"<script>setTimeout(() => document.body.insertAdjacentHTML('beforeend', '{step}'), 1500)</script>"
    serve(page, {"/login": f'<!doctype html><html lang="zh_CN"><body>{late}</body></html>'})
    page.goto(PROVIDER + "login")

    # When the library signs in, then the step is read as it comes: no language is said to be unread
    with pytest.raises(MfaRequiredError, match="TOTP"):
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret="PORTALDEMOTOTP23")
