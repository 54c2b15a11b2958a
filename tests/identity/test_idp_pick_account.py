"""'Pick an account' (``prompt=select_account``): the accounts a browser signed in with, and another one.

As Entra: a tile per account the browser remembers, the signed-in one first and marked so, then
"Use another account". Only asked for: a sign-in without the prompt goes on as before.
"""

from __future__ import annotations

import uuid

import pytest
from idp_journey import LOGOUT, AuthRequest, UserAgent, auth_request, markup_of, page_of
from werkzeug.test import TestResponse

from fixtures.identity.directory import DEMO_NAMESPACE


def object_id(name: str) -> str:
    """Return a demo user's object ID, the value of its tile."""
    return str(uuid.uuid5(DEMO_NAMESPACE, name))


def pick(agent: UserAgent, request: AuthRequest | None = None) -> TestResponse:
    """Ask the provider to let the user pick an account."""
    return agent.authorize(request or auth_request(prompt="select_account"))


@pytest.fixture
def two_accounts(agent: UserAgent) -> UserAgent:
    """A browser that signed in as the sales agent, signed out, then signed in as the admin agent."""
    agent.sign_in("sales-agent")
    agent.client.get(LOGOUT)
    agent.sign_in("admin-agent")
    return agent


def test_the_browser_s_accounts_are_listed_the_signed_in_one_first(two_accounts: UserAgent) -> None:
    page = pick(two_accounts)

    markup = markup_of(page)
    assert markup.headings == ["Pick an account"]
    assert page_of(page).buttons["pick"] == [object_id("admin-agent"), object_id("sales-agent"), "other"]
    assert markup.buttons[0] == "Admin agentadmin-agent@21vianet-partner.partner.onmschina.cnSigned in"
    assert markup.buttons[1:] == ["Sales agentsales-agent@21vianet-partner.partner.onmschina.cn", "Use another account"]


def test_the_signed_in_account_picked_goes_back_at_once(two_accounts: UserAgent) -> None:
    response = two_accounts.submit(pick(two_accounts), pick=object_id("admin-agent"))

    assert response.status_code == 302 and "code=" in response.headers["Location"]


def test_with_prompt_login_the_signed_in_account_picked_is_asked_its_password(two_accounts: UserAgent) -> None:
    # prompt=login asks for the password again, whatever the browser's session: picked, the account too
    page = pick(two_accounts, auth_request(prompt="login select_account"))
    password = two_accounts.submit(page, pick=object_id("admin-agent"))

    assert "passwd" in page_of(password).fields and "admin-agent@" in password.get_data(as_text=True)


def test_a_signed_out_account_picked_is_asked_its_password_then_signed_in(two_accounts: UserAgent) -> None:
    request = auth_request(prompt="select_account")
    password = two_accounts.submit(pick(two_accounts, request), pick=object_id("sales-agent"))
    assert "passwd" in page_of(password).fields and "sales-agent@" in password.get_data(as_text=True)

    redirect = two_accounts.submit(password, passwd="portal-demo")
    redirect = two_accounts.submit(redirect, staySignedIn="no")

    id_token = two_accounts.tokens(redirect, request).json["id_token"]
    assert two_accounts.verified_claims(id_token)["preferred_username"].startswith("sales-agent@")


def test_use_another_account_asks_for_the_account(two_accounts: UserAgent) -> None:
    response = two_accounts.submit(pick(two_accounts), pick="other")

    assert "loginfmt" in page_of(response).fields


def test_an_account_the_browser_did_not_sign_in_with_is_not_picked(two_accounts: UserAgent) -> None:
    response = two_accounts.submit(pick(two_accounts), pick=object_id("global-admin"))

    assert "passwd" not in page_of(response).fields and markup_of(response).headings == ["Pick an account"]


@pytest.mark.parametrize("signed_out", [True, False], ids=["signed-out", "never-signed-in"])
def test_without_the_prompt_or_an_account_there_is_no_account_to_pick(agent: UserAgent, signed_out: bool) -> None:
    # Given a browser that signed in and out (asked without the prompt), or that never signed in (asked with it)
    if signed_out:
        agent.sign_in("sales-agent")
        agent.client.get(LOGOUT)

    response = agent.authorize(auth_request(prompt=None if signed_out else "select_account"))

    assert "loginfmt" in page_of(response).fields


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("fr-FR", ["Choisir un compte", "Utiliser un autre compte", "Connecté"]),
        ("zh-CN", ["选择帐户", "使用其他帐户", "已登录"]),
    ],
)
def test_pick_an_account_speaks_the_browser_s_language(agent: UserAgent, locale: str, words: list[str]) -> None:
    agent.sign_in("sales-agent")

    page = pick(agent, auth_request(prompt="select_account", ui_locales=locale))

    markup = markup_of(page)
    heading, use_another, signed_in = words
    assert (markup.lang, markup.headings, markup.buttons[-1]) == (locale, [heading], use_another)
    assert markup.buttons[0].endswith(signed_in)


def test_discovery_offers_select_account(agent: UserAgent) -> None:
    configuration = agent.client.get("/organizations/v2.0/.well-known/openid-configuration").json

    assert "select_account" in configuration["prompt_values_supported"]
