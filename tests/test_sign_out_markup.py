"""Sign out where a deployment keeps it: shown in the banner, or behind the account manager its picture opens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route

from pages import UnknownPageError, sign_out

pytestmark = pytest.mark.tooling

PORTAL = "http://portal.example/"
# Partner Center's banner: a settings menu, then the account manager (the user's picture), each a closed pop-up.
ACCOUNT_MANAGER = """<header role="banner">
<button aria-haspopup="true" aria-expanded="false" onclick="toggle(this, 'settings')">Settings</button>
<div id="settings" hidden><a href="/settings">Partner settings</a></div>
<button aria-haspopup="true" aria-expanded="false" aria-label="Account manager for Ada"
        onclick="toggle(this, 'account')"><img alt="" src="data:,"></button>
<div id="account" hidden><p>Ada</p><a href="/signout">{sign_out}</a></div>
</header>
<script>
function toggle(button, panel) {{
  const opened = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(opened));
  document.getElementById(panel).hidden = !opened;
}}
document.addEventListener("keydown", (event) => {{
  if (event.key !== "Escape") return;
  for (const button of document.querySelectorAll("[aria-expanded=true]")) button.click();
}});
</script>
<main><h1>Home</h1></main>"""
SIGNED_OUT = "<main><h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p></main>"


def page_of(body: str, lang: str = "en") -> str:
    return f"<!doctype html><html lang='{lang}'><title>Partner Center</title><body>{body}</body></html>"


@pytest.fixture
def portal_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(base_url=PORTAL)
    page = context.new_page()
    page.set_default_timeout(5_000)
    yield page
    context.close()


def serve(page: Page, home: str, signed_out: list[str]) -> None:
    def answer(route: Route) -> None:
        if route.request.url.endswith("/signout"):
            signed_out.append(route.request.url)
            route.fulfill(content_type="text/html; charset=utf-8", body=page_of(SIGNED_OUT))
        else:
            route.fulfill(content_type="text/html; charset=utf-8", body=home)

    page.route(PORTAL + "**", answer)


@pytest.mark.parametrize(("lang", "words"), [("en", "Sign out"), ("fr", "Se déconnecter"), ("zh", "注销")])
def test_sign_out_behind_the_account_manager_is_found_in_each_language(
    portal_page: Page, lang: str, words: str
) -> None:
    # Given Partner Center's banner: Sign out in the account manager, a closed pop-up after another
    signed_out: list[str] = []
    serve(portal_page, page_of(ACCOUNT_MANAGER.format(sign_out=words), lang), signed_out)
    portal_page.goto(PORTAL + "dashboard")

    # When the user signs out
    sign_out(portal_page)

    # Then its Sign out was found and selected once, and the page is the signed-out one
    assert signed_out == [PORTAL + "signout"]
    assert portal_page.get_by_role("heading", level=1).inner_text() == "You signed out of your account"


def test_a_screen_without_sign_out_says_so_after_a_look_in_each_menu_closed_again(portal_page: Page) -> None:
    # Given a page whose banner's menus hold no Sign out
    banner = ACCOUNT_MANAGER.replace('<a href="/signout">{sign_out}</a>', "<p>Ada's profile</p>")
    serve(portal_page, page_of(banner.format()), [])
    portal_page.goto(PORTAL + "dashboard")

    # Then signing out is an error naming where, after a look in each menu, each closed again
    with pytest.raises(UnknownPageError, match=r"no Sign out to select at http://portal\.example/dashboard"):
        sign_out(portal_page)
    opened = portal_page.get_by_role("banner").locator("[aria-expanded]")
    assert [menu.get_attribute("aria-expanded") for menu in opened.all()] == ["false", "false"]
