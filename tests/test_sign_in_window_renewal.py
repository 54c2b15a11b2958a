"""A single-page portal that renews an ended session in a window of its own (MSAL.js's ``acquireTokenPopup``): its page
stays on its screen and waits for the window. A context that may sign in again answers the window's steps there, and
the screen's wait goes on; without a renewal, or when it fails, the screen says so, not a timeout's "unknown page".

Served through the context's routes (a window of its own is not the page's), a portal and a provider of their own.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route
from single_page_form import saves
from single_page_form import serve as serve_form

from flows import SignInWindowError, UnknownPageError, complete_sign_in, submit_changes
from pages import AccountEditPage, DashboardPage, renewal_window
from pages.renewal import renew_sign_in_with

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

PORTAL, PROVIDER = "https://portal.renew.test/", "https://login.renew.test/"
USER, PASSWORD = "agent@contoso.test", "the-password"
SHORT_TIMEOUT_MS = 5_000  # a screen's wait that runs into it fails the test instead of holding it 30 s
DASHBOARD = '<nav aria-label="Dashboard"><a href="/customers">Customers</a></nav>'
# Follows a window the page opened (``follow(popup)``) until it hands a sign-in back, read off the window once it is
# back at the portal's address; then shows the Dashboard's menu (``renewed``, called too when the window tells it).
FOLLOW_WINDOW = f"""
  const renewed = () => document.querySelector("main").innerHTML = '{DASHBOARD}';
  const follow = (popup) => {{
    const polled = setInterval(() => {{
      try {{
        if (popup.location.href.includes("#code=")) {{ clearInterval(polled); popup.close(); renewed(); }}
      }} catch {{}}  // the provider's address: not the page's to read
    }}, 50);
  }};"""
# The portal's Dashboard, whose session has ended: it opens a window (``{first}``: blank, then sent to the provider,
# as MSAL.js does; or the provider at once) and shows its menu once the window hands a sign-in back.
RENEWING = f"""<!doctype html><html lang="en"><title>Partner Center</title><main><p>Loading…</p></main>
<script>{FOLLOW_WINDOW}
  const popup = window.open("{{first}}", "msal", "popup,width=480,height=640");
  if ("{{first}}" === "about:blank") setTimeout(() => popup.location.assign("{PROVIDER}login"), 100);
  follow(popup);
  window.addEventListener("message", (event) => {{ if (event.data === "signed-in") renewed(); }});
</script></html>"""
# The portal's "signed out" page, whose Sign in opens the provider in a window (MSAL.js's ``loginPopup``).
SIGNED_OUT = f"""<!doctype html><html lang="en"><title>Partner Center</title><main>
<h1>You signed out</h1><button id="sign-in">Sign in</button></main>
<script>{FOLLOW_WINDOW}
  document.querySelector("#sign-in").onclick = () => follow(window.open("{PROVIDER}login", "msal", "popup"));
</script></html>"""
FIRST = {"blank-then-provider": "about:blank", "provider-at-once": PROVIDER + "login"}
DASHBOARD_PAGE = f'<!doctype html><html lang="en"><title>Partner Center</title><main>{DASHBOARD}</main></html>'
HELP_WITH_SIGN_IN = f"""<!doctype html><html lang="en"><title>Help</title><main><h1>Help</h1>
<p>Partner Center help.</p><button onclick="location.href='{PROVIDER}login'">Sign in</button></main></html>"""
# A portal page that opens a window of another kind (its help) and shows its menu at once.
HELP_OPENED = f"""<!doctype html><html lang="en"><title>Partner Center</title><main>{DASHBOARD}</main>
<script>window.open("{PORTAL}help", "help", "popup");</script></html>"""
PASSWORD_STEP = """<!doctype html><html lang="en"><title>Sign in</title><main>
<div role="heading" aria-level="1">Enter password</div>{error}
<form method="post" action="/login"><input name="passwd" type="password" aria-label="Password"{invalid}>
<input type="submit" value="Sign in"></form></main></html>"""
# Draws the step's field (kept in a template) a moment after the rest: a provider slow to answer.
DRAW_FORM = (
    "setTimeout(() => document.querySelector('template').replaceWith(document.querySelector('template').content), MS);"
)
REFUSED = (
    '<div id="passwordError" role="alert">Your account or password is incorrect.</div>',
    ' aria-invalid="true" aria-describedby="passwordError"',
)
ENDINGS = {
    "told-by-the-window": '<script>window.opener.postMessage("signed-in", "*"); window.close();</script>',
    "closed-by-the-page": f'<script>location.replace("{PORTAL}redirect#code=abc")</script>',
}


def serve(
    page: Page,
    dashboard: str,
    ending: str = ENDINGS["closed-by-the-page"],
    *,
    refuse: bool = False,
    form_after_ms: int = 0,
    portal: dict[str, str] | None = None,
) -> list[str]:
    """Answer the portal's and the provider's addresses for every window of the page's context; return what the
    provider was asked: "GET" for each window opened at its sign-in, then what it was posted.

    ``form_after_ms``: the provider's password field is drawn that long after its step. ``portal``: its other pages.
    """
    asked: list[str] = []
    pages = {"dashboard": dashboard, **(portal or {})}
    form_drawn = f"<template>{{form}}</template><script>{DRAW_FORM.replace('MS', str(form_after_ms))}</script>"

    def answer(route: Route) -> None:
        request, html = route.request, "text/html; charset=utf-8"
        path = request.url.removeprefix(PORTAL).split("#")[0]
        if request.url.startswith(PORTAL) and path in pages:
            route.fulfill(content_type=html, body=pages[path])
        elif request.url.startswith(PORTAL):  # its redirect address, its help
            route.fulfill(content_type=html, body="<!doctype html><title>Partner Center</title><p>Help</p>")
        elif request.url == PROVIDER + "login" and request.method == "POST":
            asked.append(request.post_data or "")
            route.fulfill(
                content_type=html, body=PASSWORD_STEP.format(error=REFUSED[0], invalid=REFUSED[1]) if refuse else ending
            )
        elif request.url == PROVIDER + "login":
            asked.append("GET")
            step = PASSWORD_STEP.format(error="", invalid="")
            if form_after_ms:  # its button shown, its field drawn later: a step on its way
                field = step[
                    step.index('<input name="passwd"') : step.index(">", step.index('<input name="passwd"')) + 1
                ]
                step = step.replace(field, form_drawn.replace("{form}", field))
            route.fulfill(content_type=html, body=step)
        else:
            route.fulfill(status=404, content_type=html, body="<h1>404 Not found</h1>")

    page.context.route("https://*.renew.test/**", answer)
    page.context.set_default_timeout(SHORT_TIMEOUT_MS)
    return asked


def renew_as_agent(page: Page) -> None:
    renew_sign_in_with(page.context, lambda renewed: complete_sign_in(renewed, USER, PASSWORD))


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS)
@pytest.mark.parametrize("first", FIRST.values(), ids=FIRST)
def test_a_sign_in_window_the_portal_opens_by_itself_is_answered_and_the_screen_comes(
    page: Page, first: str, ending: str
) -> None:
    # Given a context that may sign in again, and a portal that renews its session in a window of its own
    asked = serve(page, RENEWING.replace("{first}", first), ending)
    renew_as_agent(page)
    with page.expect_popup() as opened:
        page.goto(PORTAL + "dashboard")

    # When the Dashboard is waited for
    DashboardPage(page).wait_until_ready()

    # Then the window was answered there, the password sent once, and it closed; the page shows its menu
    assert asked == ["GET", f"passwd={PASSWORD}"]
    if not opened.value.is_closed():  # told the page first, the window may close a moment after
        opened.value.wait_for_event("close")
    assert [window for window in page.context.pages if window != page] == []
    assert page.get_by_role("navigation", name="Dashboard").is_visible()


def test_a_renewal_refused_in_the_window_is_said_by_the_screen_that_waited(page: Page) -> None:
    asked = serve(page, RENEWING.replace("{first}", "about:blank"), refuse=True)
    renew_as_agent(page)
    page.goto(PORTAL + "dashboard")

    with pytest.raises(SignInWindowError) as signed_out:
        DashboardPage(page).wait_until_ready()

    said = str(signed_out.value)
    assert said.startswith(f"The portal opened a window to sign in again at {PROVIDER}login while {PORTAL}dashboard"), (
        said
    )
    assert "signing in there failed" in said and "Your account or password is incorrect." in said, said
    assert asked == ["GET", f"passwd={PASSWORD}"]  # a password refused is never typed again
    assert [window for window in page.context.pages if window != page] == []  # the window closed


def test_a_renewal_refused_in_a_window_the_screen_did_not_wait_for_is_not_said_by_a_later_wait(page: Page) -> None:
    # Given a window's renewal refused at a portal page that shows its menu all the same once the window closed
    shows_anyway = RENEWING.replace("{first}", "about:blank").replace(
        "try {", "if (popup.closed) { clearInterval(polled); renewed(); return; }\n    try {"
    )
    assert "popup.closed" in shows_anyway
    serve(page, shows_anyway, refuse=True)
    renew_as_agent(page)
    page.goto(PORTAL + "dashboard")
    DashboardPage(page).wait_until_ready()

    # When a later screen's wait runs out, then it is said as its own, not as the window's refusal
    page.set_content("<!doctype html><title>Partner Center</title><p>Something else</p>")
    with pytest.raises(UnknownPageError) as unknown:
        DashboardPage(page).wait_until_ready()
    said = str(unknown.value)
    assert said.startswith("Waiting for the DashboardPage at ") and "window" not in said, said


def test_a_sign_in_window_where_nothing_signs_in_again_is_said_not_a_timeout_s_unknown_page(page: Page) -> None:
    asked = serve(page, RENEWING.replace("{first}", PROVIDER + "login"))
    page.goto(PORTAL + "dashboard")

    with pytest.raises(SignInWindowError, match=rf"waits for a sign-in in a window of its own, at {PROVIDER}login"):
        DashboardPage(page).wait_until_ready()
    assert asked == ["GET"]


def test_a_window_of_another_kind_is_not_taken_for_a_sign_in_though_it_offers_sign_in(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a portal page that opens its help in a window, the help offering the portal's own Sign in
    monkeypatch.setattr(renewal_window, "WINDOW_PROBE_MS", 1_000)
    asked = serve(page, HELP_OPENED, portal={"help": HELP_WITH_SIGN_IN})
    renew_as_agent(page)
    with page.expect_popup() as opened:
        page.goto(PORTAL + "dashboard")

    # When the screen is waited for, then it comes, and the help is no sign-in window: nobody signs in there
    DashboardPage(page).wait_until_ready()
    assert not renewal_window.shows_provider_step(opened.value)
    assert asked == [] and not opened.value.is_closed()


def test_the_window_of_the_portal_s_own_sign_in_is_answered_once_where_a_renewal_could_answer_it_too(
    page: Page,
) -> None:
    # Given a context that may sign in again, at the portal's "signed out" page, whose Sign in opens a window
    asked = serve(page, SIGNED_OUT)
    renew_as_agent(page)
    page.goto(PORTAL + "dashboard")

    # When the library signs in from its page
    complete_sign_in(page, USER, PASSWORD)

    # Then the window it followed was answered once, not by the renewal too
    assert asked == ["GET", f"passwd={PASSWORD}"]
    assert page.get_by_role("navigation", name="Dashboard").is_visible()


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS)
def test_a_screen_whose_wait_runs_out_while_the_window_is_signed_in_waits_for_it_then_comes(
    page: Page, ending: str
) -> None:
    # Given a sign-in window whose provider draws its form only after the screen's wait has run out, and that is
    # closed once signed in (by itself, or by the page): the end of the screen's wait for it
    asked = serve(page, RENEWING.replace("{first}", "about:blank"), ending, form_after_ms=3_000)
    renew_as_agent(page)
    page.set_default_timeout(2_000)  # the screen's; the window's is the context's, long past the form's 3 s
    page.context.set_default_timeout(15_000)
    page.goto(PORTAL + "dashboard")

    # When the Dashboard is waited for, then it comes once the window was signed in
    DashboardPage(page).wait_until_ready()
    assert asked == ["GET", f"passwd={PASSWORD}"]
    assert page.get_by_role("navigation", name="Dashboard").is_visible()


def test_a_sign_in_window_the_page_closes_while_its_step_is_answered_is_no_failure_of_the_screen(
    page: Page, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a portal page that closes its sign-in window while the provider still draws the password's field, and
    # shows its menu once the window is gone
    closes_it = (
        RENEWING.replace("{first}", "about:blank")
        .replace("try {", "if (popup.closed) { clearInterval(polled); renewed(); return; }\n    try {")
        .replace("follow(popup);", "follow(popup); setTimeout(() => popup.close(), 2000);")
    )
    assert "popup.closed" in closes_it and "popup.close()" in closes_it
    asked = serve(page, closes_it, form_after_ms=4_000)
    renew_as_agent(page)
    page.goto(PORTAL + "dashboard")

    # When the Dashboard is waited for, then it comes: the window closed under its renewal is no sign-in that failed
    with caplog.at_level("INFO", logger="flows"):
        DashboardPage(page).wait_until_ready()
    assert asked == ["GET"]  # no password went out
    assert "closed before it was signed in" in caplog.text, caplog.text


def test_a_tab_the_portal_opened_that_asks_to_sign_in_is_signed_in_as_any_page(page: Page) -> None:
    # Given a tab the portal opened at its own "signed out" page, whose Sign in leads to the provider in the tab
    signed_out = f"""<!doctype html><html lang="en"><title>Partner Center</title><main><h1>You signed out</h1>
    <button onclick="location.href='{PROVIDER}login'">Sign in</button></main></html>"""
    opener = '<!doctype html><title>Partner Center</title><script>window.open("/signed-out")</script><p>Opener</p>'
    back_to_dashboard = f'<script>location.replace("{PORTAL}dashboard")</script>'
    asked = serve(page, DASHBOARD_PAGE, back_to_dashboard, portal={"opener": opener, "signed-out": signed_out})
    renew_as_agent(page)
    with page.expect_popup() as opened:
        page.goto(PORTAL + "opener")
    tab = opened.value

    # When the library signs in on the tab
    complete_sign_in(tab, USER, PASSWORD)

    # Then it selected Sign in there and answered the steps: the tab shows the Dashboard
    assert asked == ["GET", f"passwd={PASSWORD}"]
    assert tab.get_by_role("navigation", name="Dashboard").is_visible()


def test_a_submit_refused_401_then_renewed_in_a_window_and_sent_again_by_the_page_is_saved(page: Page) -> None:
    # Given a single-page form that, answered 401, renews its session in a window (which closes itself once signed
    # in) and sends the change again, which the portal then saves
    asked = serve(page, DASHBOARD_PAGE, ENDINGS["told-by-the-window"])
    renew_as_agent(page)
    posted = serve_form(page, saves, status=[401, 200], renewInWindow=PROVIDER + "login")

    # When the change is submitted
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    # Then the window was signed in, the change sent twice, and saved
    assert asked == ["GET", f"passwd={PASSWORD}"]
    assert len(posted) == 2 and profile.city == "Bron"
