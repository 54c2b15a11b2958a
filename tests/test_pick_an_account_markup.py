"""'Pick an account' marked up as Entra ID marks it: the library selects its account's tile, else uses another.

Served through routes at a provider of their own: each tile leads to a page of its own, so where the
browser went says which tile was selected.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route
from test_sign_in_markup import PROVIDER, serve

from flows import SignInError, complete_sign_in

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

DONE = '<!doctype html><html lang="en"><nav aria-label="Dashboard"><a href="/customers">Customers</a></nav></html>'
# Entra's account step, which "Use another account" draws in place of the tiles.
ACCOUNT_STEP = """<div role="heading" aria-level="1">{sign_in}</div>
<form method="post" action="/login" novalidate><input name="loginfmt" type="email" aria-label="Email">
<input type="submit" value="{next}"></form>"""
WORDS = {
    "en-US": {"pick": "Pick an account", "other": "Use another account", "sign_in": "Sign in", "next": "Next"},
    "fr-FR": {
        "pick": "Choisir un compte", "other": "Utiliser un autre compte", "sign_in": "Se connecter", "next": "Suivant"
    },
    "zh-CN": {"pick": "选择帐户", "other": "使用其他帐户", "sign_in": "登录", "next": "下一步"},
}  # fmt: skip


def account_tile(name: str, address: str, target: str) -> str:
    """An account's tile as Entra draws it: a focusable div with role button, the name above the address, a menu."""
    return f"""<div role="listitem" class="row tile">
  <div class="table" role="button" tabindex="0" data-test-id="{address}" onclick="location.assign('/{target}')">
    <div class="table-cell tile-img"><img role="presentation" alt=""></div>
    <div class="table-cell content"><div>{name}</div><div><small>{address}</small></div></div>
  </div>
  <div class="tile-menu" role="button" tabindex="0" aria-label="More options">…</div>
</div>"""


def picker(tiles: list[str], locale: str = "en-US", other: bool = True) -> str:
    """Entra's "Pick an account": the tiles, then "Use another account", which draws the account step in place."""
    words = WORDS[locale]
    use_another = f"""<div role="listitem"><div id="otherTile" role="button" tabindex="0"
  onclick="document.querySelector('main').innerHTML = document.getElementById('account').innerHTML">
  <div class="table-cell tile-img"><img role="presentation" alt=""></div><div>{words["other"]}</div></div></div>"""
    return f"""<!doctype html><html lang="{locale}"><title>Sign in to your account</title><main>
<div role="heading" aria-level="1" id="loginHeader">{words["pick"]}</div>
<div role="list" aria-labelledby="loginHeader">{"".join(tiles)}{use_another if other else ""}</div>
<template id="account">{ACCOUNT_STEP.format(**words)}</template></main></html>"""


ADA = account_tile("Ada Lovelace", "ada@contoso.test", "ada")
GRACE = account_tile("Grace Hopper", "grace@contoso.test", "grace")


def test_the_tile_of_the_account_is_selected_among_two(page: Page) -> None:
    # Given a provider that remembers two accounts (a signed-in one's tile leads straight back)
    serve(page, {"/login": picker([ADA, GRACE]), "/ada": DONE, "/grace": DONE})
    page.goto(PROVIDER + "login")

    # When the library signs in as the second, its address written in another case
    complete_sign_in(page, "Grace@Contoso.TEST", "a-password")

    # Then it selected that account's tile
    assert page.url == PROVIDER + "grace"


@pytest.mark.parametrize("locale", ["fr-FR", "zh-CN"])
def test_a_user_name_selects_its_tile_in_each_language(page: Page, locale: str) -> None:
    # Given "Pick an account" in French or Chinese
    serve(page, {"/login": picker([ADA, GRACE], locale), "/ada": DONE, "/grace": DONE})
    page.goto(PROVIDER + "login")

    # When the library signs in with a user name alone, then it selects the tile of that name's address
    complete_sign_in(page, "ada", "a-password")
    assert page.url == PROVIDER + "ada"


@pytest.mark.parametrize(
    ("tiles", "account"),
    [
        pytest.param([ADA], "grace@contoso.test", id="not-listed"),
        pytest.param([account_tile("Ada", "ada@contoso.test", "ada"), ADA.replace("contoso", "fabrikam")], "ada",
                     id="name-at-two-domains"),
    ],
)  # fmt: skip
def test_an_account_without_a_tile_of_its_own_is_typed_after_use_another_account(
    page: Page, tiles: list[str], account: str
) -> None:
    # Given "Pick an account" with no single tile for the account
    posted: list[str] = []

    def signed_in(route: Route) -> None:
        posted.append(route.request.post_data or "")
        route.fulfill(content_type="text/html; charset=utf-8", body=DONE)

    serve(page, {"/login": picker(tiles), "POST /login": signed_in, "/ada": DONE})
    page.goto(PROVIDER + "login")

    # When the library signs in
    complete_sign_in(page, account, "a-password")

    # Then it selected "Use another account" and typed the name in the account step drawn in its place
    assert len(posted) == 1 and posted[0] == "loginfmt=" + account.replace("@", "%40")


def test_pick_an_account_with_neither_tile_is_a_sign_in_error_naming_its_tiles(page: Page) -> None:
    # Given "Pick an account" that lists another account only, and no "Use another account"
    serve(page, {"/login": picker([ADA], other=False), "/ada": DONE})
    page.goto(PROVIDER + "login")

    # When the library signs in, then it says what the page offers, without waiting for a step
    said = "asks to pick an account, with no tile for 'grace@contoso.test' and none to use another account"
    with pytest.raises(SignInError, match=re.escape(said) + r".*'Ada Lovelace ada@contoso\.test'"):
        complete_sign_in(page, "grace@contoso.test", "a-password")
    assert page.url == PROVIDER + "login"
