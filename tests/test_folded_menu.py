"""A deployment's menu folded behind a button on a narrow screen ("Menu", as responsive layouts draw it on a phone):
the Dashboard is ready with the button shown, and Customers is selected once the button unfolded the menu, as a
person taps it. A signed-out page's own "Menu" beside Sign in tells no signed-in screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route
from test_deployment_markup import TOP_MENU, serve_deployment

from flows import edit_account
from pages import DashboardPage

pytestmark = pytest.mark.tooling

# The deployment's top menu, hidden until its button is tapped; the button says whether it is unfolded.
FOLDED_MENU = (
    '<button aria-expanded="false" aria-controls="site-menu" onclick="document.getElementById(\'site-menu\').hidden '
    "= false; this.setAttribute('aria-expanded', 'true')\">Menu</button>"
    + TOP_MENU.replace("<nav>", '<nav id="site-menu" hidden>')
)
SHORT_TIMEOUT_MS = 10_000  # a Dashboard never found ready fails the test at this, not in 30 s


class FoldedMenus:
    """A route that answers as ``serve_deployment`` does, with the top menu folded on every page."""

    def __init__(self, route: Route) -> None:
        self.route, self.request = route, route.request

    def fulfill(self, **answer: Any) -> None:
        self.route.fulfill(**{**answer, "body": answer["body"].replace(TOP_MENU, FOLDED_MENU)})


def test_the_workflow_unfolds_a_menu_folded_behind_its_button_and_reaches_the_edit_form(browser: Browser) -> None:
    # Given a deployment whose top menu is folded behind a "Menu" button on every page
    context = browser.new_context(base_url="http://portal.example/")
    try:
        page = context.new_page()
        page.set_default_timeout(SHORT_TIMEOUT_MS)
        page.route("http://portal.example/**", lambda route: serve_deployment(FoldedMenus(route)))  # type: ignore[arg-type]

        # When the workflow goes Dashboard → Customers → Contoso → Account → Edit
        form = edit_account(page, "Contoso")

        # Then it reaches Contoso's edit form, the menu unfolded on the way
        assert page.url == "http://portal.example/customers/1/account/edit"
        assert form.submit_button.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize(
    ("shown", "signed_in"),
    [
        (FOLDED_MENU, True),
        (FOLDED_MENU + '<main><a href="/sign-in">Sign in</a></main>', False),
        ('<header><button aria-expanded="false">User menu</button></header>' + TOP_MENU, True),
        ('<header><button aria-expanded="false">User menu</button></header>', False),
    ],
    ids=["folded", "folded-beside-sign-in", "user-menu-beside-the-menu", "user-menu-alone"],
)
def test_a_signed_in_screen_is_told_by_its_menu_or_the_button_it_is_folded_behind(
    shown: str, signed_in: bool, page: Page
) -> None:
    page.set_content(f"<body>{shown}</body>")

    assert DashboardPage(page).landmark.count() == int(signed_in)
