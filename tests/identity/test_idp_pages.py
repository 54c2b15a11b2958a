"""The sign-in pages in three languages: documented texts, field errors at their field, labels, CSRF."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from flask import Flask
from idp_journey import Clock, UserAgent, auth_request, markup_of, page_of
from werkzeug.test import TestResponse

EXPECTED_ERRORS = {
    "unknown_account": (
        "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.",
        "Ce nom d’utilisateur est peut-être incorrect. Vérifiez que vous l’avez correctement saisi. Sinon, contactez votre administrateur.",  # noqa: E501
        "此用户名可能不正确。请确保正确键入。否则，请与管理员联系。",
    ),
    "wrong_password": (
        "Your account or password is incorrect. If you don't remember your password, reset it now.",
        "Votre compte ou mot de passe est incorrect. Si vous ne vous souvenez pas de votre mot de passe, réinitialisez-le maintenant.",  # noqa: E501
        "你的帐户或密码不正确。如果你不记得密码，请立即重置。",
    ),
    "wrong_code": (
        "You didn't enter the expected verification code. Please try again.",
        "Vous n’avez pas entré le code de vérification attendu. Réessayez.",
        "你未输入预期的验证码。请重试。",
    ),
    "expired_code": (
        "That code has expired. Enter the current code from your app.",
        "Ce code a expiré. Entrez le code actuel de votre application.",
        "该代码已过期。请输入应用中的当前代码。",
    ),
    "locked": (
        "Your account is temporarily locked to prevent unauthorized use. Try again later, and if you still have trouble, contact your admin.",  # noqa: E501
        "Votre compte est temporairement verrouillé pour empêcher toute utilisation non autorisée. Réessayez plus tard et, si vous rencontrez toujours des problèmes, contactez votre administrateur.",  # noqa: E501
        "你的帐户已暂时锁定，以防止未经授权的使用。请稍后重试，如果仍有问题，请与管理员联系。",
    ),
}
LOCALES = ("en-US", "fr-FR", "zh-CN")


def refused_step(agent: UserAgent, locale: str, error: str) -> TestResponse:
    """Bring about one field error in ``locale``; return the page that shows it."""
    mfa = "mfa" if error.endswith("_code") else None
    page = agent.authorize(auth_request(ui_locales=locale, amr_values=mfa))
    page = agent.submit(page, loginfmt="nobody" if error == "unknown_account" else "admin-agent")
    if error == "unknown_account":
        return page
    page = agent.submit(page, passwd="portal-demo" if mfa else "wrong password")
    if error == "wrong_code":
        return agent.submit(page, otc=str((int(agent.code()) + 1) % 1_000_000).zfill(6))
    return agent.submit(page, otc=agent.code(offset=-120)) if error == "expired_code" else page


def every_step(agent: UserAgent, locale: str = "en-US") -> list[TestResponse]:
    """Go through every step (MFA asked) in a language; return the account, password, code and KMSI pages."""
    account = agent.authorize(auth_request(ui_locales=locale, amr_values="mfa"))
    password = agent.submit(account, loginfmt="global-admin")
    code = agent.submit(password, passwd="portal-demo")
    return [account, password, code, agent.submit(code, otc=agent.code())]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("error", list(EXPECTED_ERRORS))
def test_field_error_shows_at_its_field_in_the_page_language(
    make_app: Callable[..., Flask], clock: Clock, locale: str, error: str
) -> None:
    # Given a provider that locks after one wrong password (so that one try shows the lock)
    agent = UserAgent(make_app(LOCKOUT_THRESHOLD=1 if error == "locked" else None).test_client(), clock)
    # When a step is refused in a language
    response = refused_step(agent, locale, error)
    # Then the message, in that language, is the field's description and the field says it is invalid
    page = page_of(response)
    assert page.field_error() == EXPECTED_ERRORS[error][LOCALES.index(locale)]
    assert markup_of(response).lang == locale


@pytest.mark.parametrize(
    ("locale", "buttons"),
    [
        pytest.param("en-US", ["Next", "Sign in", "Verify", "No", "Yes"], id="en-US"),
        pytest.param("fr-FR", ["Suivant", "Se connecter", "Vérifier", "Non", "Oui"], id="fr-FR"),
        pytest.param("zh-CN", ["下一步", "登录", "验证", "否", "是"], id="zh-CN"),
    ],
)
def test_each_step_has_its_documented_button(agent: UserAgent, locale: str, buttons: list[str]) -> None:
    # When a user goes through every step in a language
    pages = every_step(agent, locale)
    # Then each page's buttons are the documented ones
    assert [markup_of(page).buttons for page in pages] == [[buttons[0]], [buttons[1]], [buttons[2]], buttons[3:]]


def test_english_pages_have_the_documented_headings_and_links(agent: UserAgent) -> None:
    # When a user goes through every step in English
    account, password, code, kmsi = every_step(agent)
    # Then the headings and links are the documented ones
    assert [markup_of(p).headings for p in (account, password, code, kmsi)] == [
        ["Sign in"],
        ["Enter password"],
        ["Enter code"],
        ["Stay signed in?"],
    ]
    assert markup_of(account).links == ["Can't access your account?"]
    assert markup_of(password).links == ["Forgot my password"]


def test_english_pages_say_the_documented_texts(agent: UserAgent) -> None:
    # When a user goes through every step in English
    account, _password, code, kmsi = every_step(agent)
    # Then the placeholder, hints and checkbox say the documented texts
    assert page_of(account).fields["loginfmt"]["placeholder"] == "Email, phone, or Skype"
    hint = "Enter the code displayed in the Microsoft Authenticator app on your mobile device"
    assert hint in code.get_data(as_text=True)
    assert "Do this to reduce the number of times you are asked to sign in." in kmsi.get_data(as_text=True)
    assert "Don't show this again" in markup_of(kmsi).labels.values()


def test_every_input_has_a_label_and_the_fields_their_documented_shape(agent: UserAgent) -> None:
    # When a user goes through every step
    account, password, code, kmsi = every_step(agent)
    # Then every visible input is named by a label, and the fields have the names automation relies on
    for response in (account, password, code, kmsi):
        markup = markup_of(response)
        for field in (i for i in markup.inputs if i.get("type") != "hidden"):
            assert markup.labels.get(field["id"]), field
    assert page_of(account).fields["loginfmt"]["type"] == "email"
    assert page_of(password).fields["passwd"]["type"] == "password"
    otc = page_of(code).fields["otc"]
    assert otc["inputmode"] == "numeric" and otc["autocomplete"] == "one-time-code"


def test_accept_language_picks_the_language_without_ui_locales(agent: UserAgent) -> None:
    # When browsers ask for Canadian French, then German, without ui_locales
    french = agent.authorize(auth_request(), **{"Accept-Language": "fr-CA,fr;q=0.8"})
    german = agent.authorize(auth_request(), **{"Accept-Language": "de-DE"})
    # Then the first gets French (same language), the second English (the default)
    assert markup_of(french).lang == "fr-FR" and markup_of(french).buttons == ["Suivant"]
    assert markup_of(german).lang == "en-US"


def test_login_hint_prefills_the_account(agent: UserAgent) -> None:
    # When a client passes a login hint
    page = agent.authorize(auth_request(login_hint="sales-agent@21vianet-partner.partner.onmschina.cn"))
    # Then the account field holds it
    assert page_of(page).fields["loginfmt"]["value"] == "sales-agent@21vianet-partner.partner.onmschina.cn"


def test_account_is_found_by_name_or_upn_in_any_case(agent: UserAgent) -> None:
    # When users type their UPN in capitals, or their bare name
    for account in ("HELPDESK-AGENT@21Vianet-Partner.Partner.OnmsChina.cn", "Helpdesk-Agent"):
        page = agent.submit(agent.authorize(), loginfmt=account)
        # Then the password step follows, for that user
        assert "passwd" in page_of(page).fields and "helpdesk-agent@" in page.get_data(as_text=True)


def test_form_without_its_flow_token_is_refused(agent: UserAgent) -> None:
    # Given a sign-in started in the browser
    agent.authorize()
    # When a form arrives without the flow token (a forged cross-site post)
    response = agent.client.post("/organizations/login", data={"loginfmt": "global-admin"})
    # Then it is refused
    assert response.status_code == 400 and "sign-in session has expired" in page_of(response).message()


def test_flow_token_works_only_in_the_browser_that_started_it(agent: UserAgent, other_agent: UserAgent) -> None:
    # Given a sign-in page shown in one browser
    page = agent.authorize()
    # When another browser posts that page's form (login CSRF)
    response = other_agent.submit(page, loginfmt="global-admin")
    # Then it is refused
    assert response.status_code == 400


def test_sign_in_pages_may_not_be_framed_or_cached(agent: UserAgent) -> None:
    # When the sign-in page is shown
    response = agent.authorize()
    # Then no other site may frame it and no cache keeps it
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"


def test_the_help_page_is_in_the_sign_in_s_language_not_the_browser_s(agent: UserAgent) -> None:
    # Given a sign-in in French (the portal's language picked), in a browser set to English
    account = agent.authorize(auth_request(ui_locales="fr-FR"), **{"Accept-Language": "en-US"})
    link = re.search(r'<a href="([^"]*/help[^"]*)"', account.get_data(as_text=True))
    assert link, "no help link on the account step"

    # When its "Can't access your account?" is followed
    shown = agent.client.get(html.unescape(link.group(1)), headers={"Accept-Language": "en-US"})

    # Then the help is in French too
    assert (markup_of(shown).lang, markup_of(shown).headings) == ("fr-FR", ["Récupérer votre compte"])


def test_a_page_the_provider_does_not_have_says_so_in_one_language(agent: UserAgent) -> None:
    shown = agent.client.get("/organizations/no-such-page", headers={"Accept-Language": "fr-FR"})

    assert shown.status_code == 404
    assert page_of(shown).message() == "Vérifiez l’adresse, ou revenez à l’application et reconnectez-vous."
