"""A deployment's menu folded behind a button on a narrow screen ("Menu", as responsive layouts draw it on a phone):
the Dashboard is ready with the button shown, and Customers is selected once the button unfolded the menu, as a
person taps it. A signed-out page's own "Menu" beside Sign in, or an identity provider's, tells no signed-in screen."""

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
# The same menu as a drawer parked past the screen's edge (shown, to Playwright), its button saying it is folded;
# before it, a header's other buttons: the Dashboard's name and the user's menu.
DRAWER_MENU = (
    '<header><button>Dashboard</button><button aria-expanded="false">User menu</button></header>'
    "<button aria-expanded=\"false\" onclick=\"document.getElementById('site-menu').style.transform = 'none'; "
    "this.setAttribute('aria-expanded', 'true')\">Menu</button>"
    + TOP_MENU.replace(
        "<nav>", '<nav id="site-menu" style="position: fixed; top: 0; right: 0; transform: translateX(100%)">'
    )
)
SHORT_TIMEOUT_MS = 10_000  # a Dashboard never found ready fails the test at this, not in 30 s


class FoldedMenus:
    """A route that answers as ``serve_deployment`` does, with the top menu folded (as ``folded``) on every page."""

    def __init__(self, route: Route, folded: str) -> None:
        self.route, self.request, self.folded = route, route.request, folded

    def fulfill(self, **answer: Any) -> None:
        self.route.fulfill(**{**answer, "body": answer["body"].replace(TOP_MENU, self.folded)})


@pytest.mark.parametrize("folded", [FOLDED_MENU, DRAWER_MENU], ids=["hidden", "drawer-past-the-edge"])
def test_the_workflow_unfolds_a_menu_folded_behind_its_button_and_reaches_the_edit_form(
    folded: str, browser: Browser
) -> None:
    # Given a deployment whose top menu is folded behind a "Menu" button on every page
    context = browser.new_context(base_url="http://portal.example/")
    try:
        page = context.new_page()
        page.set_default_timeout(SHORT_TIMEOUT_MS)
        page.route("http://portal.example/**", lambda route: serve_deployment(FoldedMenus(route, folded)))  # type: ignore[arg-type]

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
        ("<header><button>Menu</button></header><h1>Enter code</h1><input name='otc'><button>Verify</button>", False),
        (FOLDED_MENU.replace("</nav>", '<a href="/sign-in">Sign in</a></nav>'), False),
    ],
    ids=[
        "folded",
        "folded-beside-sign-in",
        "user-menu-beside-the-menu",
        "user-menu-alone",
        "a-provider-s-step",
        "sign-in-folded-in-the-menu",
    ],
)
def test_a_signed_in_screen_is_told_by_its_menu_or_the_button_it_is_folded_behind(
    shown: str, signed_in: bool, page: Page
) -> None:
    page.set_content(f"<body>{shown}</body>")

    assert DashboardPage(page).landmark.count() == int(signed_in)
