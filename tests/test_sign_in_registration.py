"""Entra's "More information required" (a way to verify to register), marked up as Entra marks it: with "Skip for
now (14 days until this is required)" beside Next, the library skips it as a person would, warning that the grace
period counts down; without, or asked again after a skip, it raises ``MfaRequiredError`` at once, saying which.

Served through routes at a provider of their own (``test_sign_in_markup.serve``): nothing is typed, and Next (the
registration wizard) is never selected.
"""

from __future__ import annotations

import logging

import pytest
from playwright.sync_api import Page
from test_sign_in_entra_pages import DONE, SECRET
from test_sign_in_markup import PROVIDER, serve

from flows import MfaRequiredError, complete_sign_in

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

# (heading, why, the skip link's words, Next), as Entra's pages say them in each language.
WORDS = {
    "en-US": (
        "More information required", "Your organization needs more information to keep your account secure",
        "Skip for now (14 days until this is required)", "Next",
    ),
    "fr-FR": (
        "Plus d'informations requises", "Votre organisation a besoin de plus d’informations pour sécuriser le compte",
        "Ignorer pour le moment (14 jours avant que ce soit obligatoire)", "Suivant",
    ),
    "zh-CN": ("需要更多信息", "你的组织需要更多信息来保护你的帐户安全", "暂时跳过(14 天后需要执行此操作)", "下一步"),
}  # fmt: skip


def registration(locale: str, *, skip: bool) -> str:
    """Entra's page asking to register a way to verify: its skip a link drawn as a button, Next a form's submit."""
    heading, why, skip_words, next_words = WORDS[locale]
    link = f'<a id="btnAskLater" href="/skip" role="button">{skip_words}</a>' if skip else ""
    return f"""<!doctype html><html lang="{locale}"><main>
<div role="heading" aria-level="1" id="ProofUpRedirectTitle">{heading}</div>
<div id="ProofUpDescription">{why}</div><div>agent@contoso.test</div>
<form method="post" action="/register">{link}<input type="submit" value="{next_words}"></form>
<a href="/login?other">Use a different account</a></main></html>"""


@pytest.mark.parametrize("locale", WORDS)
def test_skip_for_now_is_selected_with_a_warning_that_the_grace_period_counts_down(
    page: Page, caplog: pytest.LogCaptureFixture, locale: str
) -> None:
    # Given Entra asking to register a way to verify, offering to skip it for 14 days
    asked = serve(page, {"/login": registration(locale, skip=True), "/skip": DONE})
    page.goto(PROVIDER + "login")

    # When the library signs in
    with caplog.at_level(logging.WARNING, logger="flows"):
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)

    # Then it skipped, never opening the wizard, and warned, quoting the days left
    assert asked == ["/login", "/skip"]
    warned = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warned) == 1 and WORDS[locale][2] in warned[0] and "grace period is counting down" in warned[0]


@pytest.mark.parametrize("locale", WORDS)
def test_registration_without_a_skip_is_mfa_required_at_once_saying_none_is_offered(page: Page, locale: str) -> None:
    # Given Entra asking to register a way to verify, with Next only
    asked = serve(page, {"/login": registration(locale, skip=False)})
    page.goto(PROVIDER + "login")

    # When the library signs in, then it says registration is due and cannot wait, quoting the page
    with pytest.raises(MfaRequiredError, match="offers no 'Skip for now'") as required:
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert WORDS[locale][0] in str(required.value) and asked == ["/login"]


def test_registration_asked_again_after_a_skip_is_mfa_required_naming_the_skip(page: Page) -> None:
    # Given Entra asking again to register once skipped (the portal sent the sign-in back for MFA)
    asked = serve(page, {"/login": registration("en-US", skip=True), "/skip": registration("en-US", skip=True)})
    page.goto(PROVIDER + "login")

    # When the library signs in, then it skips once, and says that MFA is required all the same
    with pytest.raises(MfaRequiredError, match=r"again after 'Skip for now \(14 days until this is required\)'"):
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert asked == ["/login", "/skip"]
