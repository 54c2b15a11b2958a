"""A portal whose Sign in opens the identity provider in a window of its own (MSAL.js's ``loginPopup``), not in the
page: the library answers the steps there, the window closes, and the page goes on signed in.

Served through the context's routes (a window of its own is not the page's), a portal and a provider of their own.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route

from flows import SignInStalledError, complete_sign_in
from pages import sign_in_window

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

PORTAL, PROVIDER = "https://portal.window.test/", "https://login.window.test/"
SHORT_TIMEOUT_MS = 5_000  # a wait that ran into it would fail the test instead of holding it 30 s
DASHBOARD = '<nav aria-label="Dashboard"><a href="/customers">Customers</a></nav>'
# The portal's "signed out" page, whose Sign in opens the provider in a window and waits for its word (told by
# the window, or read by the page off the window once it is back at the portal's address, as MSAL.js does).
SIGNED_OUT = f"""<!doctype html><html lang="en"><title>Partner Center</title><main>
<h1>You signed out</h1>{{button}}</main>
<script>
  // The page takes what the window handed back a moment later (MSAL.js redeems the code): Sign in stays till then.
  const signedIn = () => setTimeout(() => document.querySelector("main").outerHTML = '{DASHBOARD}', {{takes_ms}});
  document.querySelector("#sign-in").onclick = () => {{
    const popup = window.open("{PROVIDER}login", "signin", "popup,width=480,height=640");
    const polled = setInterval(() => {{
      try {{
        if (popup.location.href.includes("#code=")) {{ clearInterval(polled); popup.close(); signedIn(); }}
      }} catch {{}}  // the provider's address: not the page's to read
    }}, 50);
  }};
  window.addEventListener("message", (event) => {{ if (event.data === "signed-in") signedIn(); }});
</script></html>"""
BUTTONS = {
    "button": '<button id="sign-in">Sign in</button>',
    "link-to-#": '<a id="sign-in" href="#" role="button">Sign in</a>',
}
PASSWORD_STEP = """<!doctype html><html lang="en"><title>Sign in</title><main>
<div role="heading" aria-level="1">Enter password</div>
<form method="post" action="/login"><input name="passwd" type="password" aria-label="Password">
<input type="submit" value="Sign in"></form></main></html>"""
# How the window ends: it tells the page and closes itself, or goes back to the portal, whose page closes it.
ENDINGS = {
    "told-by-the-window": '<script>window.opener.postMessage("signed-in", "*"); window.close();</script>',
    "closed-by-the-page": None,
}


def serve(page: Page, ending: str | None, button: str = BUTTONS["button"], takes_ms: int = 0) -> list[str]:
    """Answer the portal's and the provider's addresses for every window of the page's context; return what the
    provider was asked: "GET" for each window opened at its sign-in, then what it was posted."""
    posted: list[str] = []

    def answer(route: Route) -> None:
        request, html = route.request, "text/html; charset=utf-8"
        if request.url.startswith(PORTAL + "signed-out"):
            route.fulfill(
                content_type=html, body=SIGNED_OUT.replace("{button}", button).replace("{takes_ms}", str(takes_ms))
            )
        elif request.url.startswith(PORTAL + "redirect"):
            route.fulfill(content_type=html, body="<!doctype html><title>Signing in</title>")
        elif request.url == PROVIDER + "login" and request.method == "POST":
            posted.append(request.post_data or "")
            back = f'<script>location.replace("{PORTAL}redirect#code=abc")</script>'  # to the portal's address
            route.fulfill(content_type=html, body=ending or back)
        elif request.url == PROVIDER + "login":
            posted.append("GET")
            route.fulfill(content_type=html, body=PASSWORD_STEP)
        else:
            route.fulfill(status=404, content_type=html, body="<h1>404 Not found</h1>")

    page.context.route("https://*.window.test/**", answer)
    page.context.set_default_timeout(SHORT_TIMEOUT_MS)
    return posted


@pytest.mark.parametrize("takes_ms", [0, 1_000], ids=["taken-at-once", "taken-a-moment-later"])
@pytest.mark.parametrize("button", BUTTONS.values(), ids=BUTTONS)
@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS)
def test_a_sign_in_in_a_window_of_its_own_is_answered_there_and_the_page_goes_on(
    page: Page, ending: str | None, button: str, takes_ms: int
) -> None:
    # Given a portal whose Sign in (a button, or a link to "#") opens the provider in a window of its own, and
    # takes what the window hands back at once or a moment later (Sign in still shown meanwhile)
    asked = serve(page, ending, button, takes_ms)
    page.goto(PORTAL + "signed-out")

    # When the library signs in from its page
    complete_sign_in(page, "agent@contoso.test", "the-password")

    # Then one window opened, where the password went out once, and it closed; the page shows the Dashboard
    assert asked == ["GET", "passwd=the-password"]
    assert [window for window in page.context.pages if window != page] == []
    assert page.get_by_role("navigation", name="Dashboard").is_visible()


def test_a_sign_in_button_that_leads_nowhere_is_said_not_waited_on_twice(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a portal whose Sign in neither goes to the provider nor opens a window (its script broken)
    serve(page, None)
    page.route(PORTAL + "signed-out", lambda route: route.fulfill(
        content_type="text/html", body='<!doctype html><html lang="en"><h1>You signed out</h1><button>Sign in</button>'
    ))  # fmt: skip
    monkeypatch.setattr(sign_in_window, "FOLLOW_TIMEOUT_S", 1.0)
    page.goto(PORTAL + "signed-out")

    # When the library signs in, then it says where Sign in led: nowhere
    with pytest.raises(SignInStalledError, match=r"Sign in led nowhere \(no new page, and no window of its own"):
        complete_sign_in(page, "agent@contoso.test", "the-password")
