"""A page that moves on its own while it is scanned or photographed (plugins/page_moved.py): a failure that says so.

Each move is the page's own, made at a known point: a frame of the page takes axe-core's request to scan it
(its ``axe.start`` message) as the moment to send the page elsewhere, or to load it anew; a page takes the
style Playwright adds for a screenshot as its moment. The pages are served by the test's own routes, and every
page a move ends on loads nothing more: no request is left for a route to answer once the test is over (a page
closed while its frame's request waited on a route left the trace's end waiting until the browser was ended).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

from plugins.a11y import SCANS
from plugins.page_moved import PageMovedError
from plugins.visual import SETTINGS
from plugins.visual_baselines import RESULTS

pytestmark = pytest.mark.tooling

SITE = "https://portal.moves.test"
ACCOUNT = f"{SITE}/account"
SIGN_IN = f"{SITE}/sign-in"
HEAD = '<html lang="{lang}"><head><title>{title}</title></head><body><main><h1>{title}</h1>'
# The sign-in page speaks another language: a scan that mixed the two pages would find the account's in French.
SIGN_IN_PAGE = HEAD.format(lang="fr-FR", title="Connexion") + "<p>Connectez-vous</p></main></body></html>"
# The frame of the account page moves the page when axe asks it for its part of the scan.
PANEL = """<html lang="en-US"><title>Panel</title><p>Panel</p><script>
addEventListener("message", (event) => {
  if (typeof event.data === "string" && event.data.includes('"topic":"axe.start"')) { MOVE }
}, true);
</script></html>"""
MOVES = {  # what the frame does, and the address the page is at once it did
    # It keeps axe's request from axe, which waits for the frame's answer: the page is gone before axe is done.
    "to-sign-in": ("event.stopImmediatePropagation(); top.location.assign('/sign-in');", SIGN_IN),
    "reload": ("event.stopImmediatePropagation(); top.location.reload();", ACCOUNT),
    # A single-page app's redirect keeps the document: axe finishes, on a page at another address.
    "single-page-app": ("top.history.pushState(null, '', '/sign-in');", SIGN_IN),
}
Check = Callable[..., object]


def serve(page: Page, pages: dict[str, list[str]]) -> None:
    """Answer the site's addresses with their pages, each in turn (the last one again)."""

    def answer(route: Route) -> None:
        shown = pages[route.request.url]
        route.fulfill(content_type="text/html", body=shown.pop(0) if len(shown) > 1 else shown[0])

    page.route(f"{SITE}/**", answer)


@pytest.fixture
def expect_here(
    expect_screenshot: Check, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Check]:
    """``expect_screenshot`` with baselines in a folder of the test's own (none yet), left out of the summary."""
    settings = request.config.stash[SETTINGS]
    own = type(settings)("none", tmp_path / "baselines", settings.platform, ("--snapshot-dir", str(tmp_path)), ())
    monkeypatch.setitem(request.config.stash, SETTINGS, own)  # type: ignore[arg-type]
    yield expect_screenshot
    request.node.stash[RESULTS] = []


@pytest.mark.parametrize("move", MOVES)
def test_a_page_that_moves_during_its_scan_fails_naming_the_screen_and_both_addresses(
    move: str, page: Page, check_here: Check, expect_screenshot: Check, request: pytest.FixtureRequest
) -> None:
    # Given an account screen whose frame moves the page once axe asks it to scan (loaded anew, it has no frame)
    script, went_to = MOVES[move]
    framed = HEAD.format(lang="en-US", title="Account") + '<iframe title="Panel" src="/panel"></iframe></main>'
    serve(page, {ACCOUNT: [framed, HEAD.format(lang="en-US", title="Account") + "</main>"],
                 f"{SITE}/panel": [PANEL.replace("MOVE", script)], SIGN_IN: [SIGN_IN_PAGE]})  # fmt: skip
    page.goto(ACCOUNT)

    # When the screen is scanned, then the failure names the screen, where the page was and where it went
    with pytest.raises(PageMovedError) as moved:
        check_here(page, "account", "en-US")

    said = str(moved.value)
    if went_to == ACCOUNT:
        happened = f"the page was loaded anew (at {ACCOUNT}) while it was scanned by axe-core; nothing was judged."
    else:
        happened = f"the page moved while it was scanned by axe-core, from {ACCOUNT} to {went_to}; nothing was judged."
    assert said.startswith(f"Accessibility of screen 'account' in en-US: {happened}"), said
    assert "the sign-in page means the session ended" in said, said
    assert not request.node.stash.get(SCANS, []), "nothing of a moved page is judged, nor counted as a scan"
    # and, as long as the page stays where it went, its next checks say so rather than judge that page as the screen
    with pytest.raises(PageMovedError) as again:
        check_here(page, "account", "en-US")
    with pytest.raises(PageMovedError) as photographed:
        expect_screenshot(page, "account-en-US")
    for later, doing in ((again, "scanned by axe-core"), (photographed, "photographed")):
        assert (
            f"the page had moved on its own before it was {doing}, from {ACCOUNT} to {went_to} (found when it was "
            "scanned by axe-core: Accessibility of screen 'account' in en-US), and is still there" in str(later.value)
        )


def test_a_page_the_test_takes_elsewhere_after_a_move_is_checked_again(page: Page, check_here: Check) -> None:
    serve(page, {ACCOUNT: [HEAD.format(lang="en-US", title="Account") + '<iframe title="Panel" src="/panel"></iframe>'],
                 f"{SITE}/panel": [PANEL.replace("MOVE", MOVES["to-sign-in"][0])], SIGN_IN: [SIGN_IN_PAGE],
                 f"{SITE}/profile": [HEAD.format(lang="fr-FR", title="Profil") + "</main></body></html>"]})  # fmt: skip
    page.goto(ACCOUNT)
    with pytest.raises(PageMovedError):
        check_here(page, "account", "en-US")

    page.goto(f"{SITE}/profile")

    assert check_here(page, "profile", "fr-FR") is not None, "a screen of its own, scanned"


def test_a_page_that_moves_while_photographed_fails_naming_both_addresses_and_writes_nothing(
    page: Page, expect_here: Check, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # Given a page that never holds still (a clock), and leaves for sign-in once its screenshot is being taken
    ticking = (
        HEAD.format(lang="en-US", title="Account")
        + """<p id="clock"></p></main><script>
      setInterval(() => { clock.textContent = performance.now(); }, 30);
      const leave = new MutationObserver(() => { leave.disconnect(); location.assign("/sign-in"); });
      leave.observe(document.documentElement, {childList: true});
    </script></body></html>"""
    )
    serve(page, {ACCOUNT: [ticking], SIGN_IN: [SIGN_IN_PAGE]})
    page.goto(ACCOUNT)

    # When it is photographed (Playwright adds the given style to the page), then the failure says where it went
    with pytest.raises(PageMovedError) as moved:
        expect_here(page, "account-en-US", style="#clock { color: black }")

    assert str(moved.value).startswith(
        f"Screenshot 'account-en-US': the page moved while it was photographed, from {ACCOUNT} to {SIGN_IN}; "
        "nothing was judged."
    ), moved.value
    assert not list(tmp_path.rglob("*.png")), "no picture of the sign-in page is kept as the account's"
    assert request.node.stash[RESULTS] == [{"name": "account-en-US", "outcome": "moved", "address": SIGN_IN}]
