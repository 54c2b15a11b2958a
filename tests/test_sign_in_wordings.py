"""Entra ID's pages in the wordings they have had, in French and Chinese: a step is known by its heading
in any of them, or by what it asks for, never taken for the portal's own Sign in.

Served through routes at a provider of their own (tests/test_sign_in_markup.py), counting what was posted.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, Route
from test_sign_in_entra_pages import SECRET, SENT, authenticator_s, code_answers, code_step
from test_sign_in_markup import PROVIDER, serve

from flows import complete_sign_in
from pages.sign_in_steps import CODE_SENT

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

DONE = '<!doctype html><html lang="fr"><nav aria-label="Tableau de bord"><a href="/customers">Clients</a></nav></html>'
# The password step as a French page may say it, its Sign in named as the portal's own is ("Se connecter").
PASSWORD = """<!doctype html><html lang="fr"><title>Connexion</title><main>
<div role="heading" aria-level="1">{heading}</div>
<form method="post" action="/password" onsubmit="if (!this.passwd.value) event.preventDefault()">
  <input name="passwd" type="password" aria-label="{label}">
  <input type="submit" value="Se connecter">
</form></main></html>"""
CODE = """<!doctype html><html lang="fr"><main>
<div role="heading" aria-level="1">Entrer le code</div>
<form method="post" action="/code"><input name="otc" aria-label="Code"><input type="submit" value="Vérifier"></form>
</main></html>"""
STAY = """<!doctype html><html lang="zh-CN"><main>
<div role="heading" aria-level="1">{heading}</div>
<form method="post" action="/stay">
<input type="submit" name="stay" value="否"><input type="submit" name="stay" value="是">
</form>
</main></html>"""


def posting(posted: list[str], then: str) -> object:
    """Return a handler that notes what a form posted and answers with ``then``."""

    def answer(route: Route) -> None:
        posted.append(route.request.post_data or "")
        route.fulfill(content_type="text/html; charset=utf-8", body=then)

    return answer


@pytest.mark.parametrize(
    ("heading", "label"),
    [("Entrer le mot de passe", "Mot de passe"), ("Votre mot de passe, s’il vous plaît", "Secret")],
    ids=["infinitive", "a-heading-no-table-knows"],
)
def test_a_password_step_is_answered_once_whatever_its_heading_says(page: Page, heading: str, label: str) -> None:
    # Given a password page whose heading is the infinitive ("Entrer"), or one no table has, with a Sign in button
    posted: list[str] = []
    serve(page, {"/password": PASSWORD.format(heading=heading, label=label), "POST /password": posting(posted, DONE)})
    page.goto(PROVIDER + "password")

    # When the library signs in
    complete_sign_in(page, "agent@contoso.test", "the-password")

    # Then the password went out once: the page was never taken for the portal's "signed out" page
    assert posted == ["passwd=the-password"]


def test_a_code_step_in_the_infinitive_is_answered(page: Page) -> None:
    posted: list[str] = []
    serve(page, {"/code": CODE, "POST /code": posting(posted, DONE)})
    page.goto(PROVIDER + "code")

    complete_sign_in(page, "agent@contoso.test", "the-password", totp_secret="PORTALDEMOTOTP23")

    [answer] = [parse_qs(body) for body in posted]
    assert set(answer) == {"otc"} and authenticator_s(answer["otc"]), posted


@pytest.mark.parametrize(
    "heading",
    ["保持登录状态？", "保持登录状态?", "是否保持登录状态?", "Rester connecté?", "Rester connecté\u00a0?"],
    ids=["zh-full", "zh", "zh-whether", "fr", "fr-nbsp"],
)
def test_stay_signed_in_is_answered_whatever_its_question_mark(page: Page, heading: str) -> None:
    posted: list[str] = []
    stay = STAY.format(heading=heading)
    if heading.startswith("Rester"):
        stay = stay.replace('value="否"', 'value="Non"').replace('value="是"', 'value="Oui"')
    serve(page, {"/stay": stay, "POST /stay": posting(posted, DONE)})
    page.goto(PROVIDER + "stay")

    complete_sign_in(page, "agent@contoso.test", "the-password")

    # Then the question was answered once, and "No" (stay_signed_in's default), whatever the language says it in
    no = "Non" if heading.startswith("Rester") else "否"
    assert [parse_qs(body) for body in posted] == [{"stay": [no]}], posted


# Entra's phone sign-in (passwordless): right after the account, a number to match in the Authenticator app, with
# "Use your password instead" drawing the password step in place; the code is asked after the password.
PHONE_SIGN_IN = {
    "en-US": ("en-US", "Approve sign in request", "Use your password instead", "Enter password", "Sign in"),
    "fr-FR": (
        "fr-FR", "Approuver la demande de connexion", "Utiliser votre mot de passe à la place",
        "Entrez le mot de passe", "Se connecter",
    ),
    # In the imperative, as Microsoft's French docs of the phone sign-in also quote it.
    "fr-FR-imperative": (
        "fr-FR", "Approuver la demande de connexion", "Utilisez votre mot de passe à la place",
        "Entrez le mot de passe", "Se connecter",
    ),
    "zh-CN": ("zh-CN", "批准登录请求", "改为使用密码", "输入密码", "登录"),
}  # fmt: skip


@pytest.mark.parametrize("wording", PHONE_SIGN_IN)
def test_a_phone_sign_in_is_left_for_the_password_then_the_code(page: Page, wording: str) -> None:
    # Given a provider that offers the account's phone sign-in first, and its password instead
    locale, approve, instead, enter_password, sign_in = PHONE_SIGN_IN[wording]
    password_step = f"""<div role="heading" aria-level="1">{enter_password}</div>
<form method="post" action="/password"><input name="passwd" type="password" aria-label="Password">
<input type="submit" value="{sign_in}"></form>"""
    shown = f"""<!doctype html><html lang="{locale}"><main>
<div role="heading" aria-level="1">{approve}</div><div id="idRemoteNGC_DisplaySign">42</div>
<a id="idA_PWD_SwitchToPassword" href="#" onclick="event.preventDefault();
  document.querySelector('main').innerHTML = document.getElementById('password').innerHTML">{instead}</a>
<a id="idA_PWD_SwitchToCredPicker" href="/picker">Other ways to sign in</a>
<template id="password">{password_step}</template></main></html>"""
    passwords: list[str] = []
    answer, codes = code_answers([None], "en-US")
    asked = serve(page, {"/login": shown, "POST /password": posting(passwords, code_step()), "POST /code": answer})
    page.goto(PROVIDER + "login")

    # When the library signs in with the password and the authenticator's secret
    complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)

    # Then it took the password instead of the push, once, then answered the code: no push to approve was said
    assert passwords == ["passwd=a-password"] and len(codes) == 1 and "/picker" not in asked


@pytest.mark.parametrize(
    ("words", "sent_elsewhere"),
    [
        ("We sent a code to ab•••@contoso.com. Please enter the code to sign in.", True),
        ("We've sent you a verification code by email.", True),
        (SENT["en-US"], True),
        (SENT["fr-FR"], True),
        (SENT["zh-CN"], True),
        ("Enter the code displayed in the Microsoft Authenticator app on your mobile device", False),
        ("Entrez le code affiché dans l’application Microsoft Authenticator sur votre appareil mobile", False),
    ],
    ids=["en-emailed", "en-sent-you", "en-texted", "fr-texted", "zh-texted", "en-app", "fr-app"],
)
def test_a_code_sent_by_email_or_text_is_told_from_the_authenticator_s(words: str, sent_elsewhere: bool) -> None:
    assert bool(CODE_SENT.search(words)) is sent_elsewhere
