"""Pages the network broke on the way: cut off midway (an answer shorter than its Content-Length says: a connection
dropped by a proxy or a load balancer), which the browser shows in part and never ends loading; or whose script a
gateway answered in the portal's place. The library says so, rather than naming a page it does not know.

A stand-in on the loopback sends each page cut short, or routes answer in the portal's place; nothing here reaches a
portal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page

from fixtures.portal.server import served
from pages import DashboardPage, UnknownPageError

pytestmark = pytest.mark.tooling

MENU = '<nav aria-label="Dashboard"><a href="/customers">Customers</a></nav>'
PAGE = '<!doctype html><html lang="en"><title>Partner Center</title><body>{}<p>{}</p>'


@pytest.fixture
def cut_pages() -> Iterator[dict[str, str]]:
    """Serve, at each path given, its page cut short: a Content-Length 4 KB beyond what is sent, then the connection
    closed; whole once ``"whole"`` is given. Yields the paths' pages to fill in, with the stand-in's address under
    ``"address"``."""
    pages: dict[str, str] = {}

    class CutShort(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            whole = "whole" in pages  # from now on, pages come whole
            body = pages.get(self.path, "").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body) + (0 if whole else 4096)))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def log_message(self, *args: object) -> None:  # quiet: the test says what matters
            pass

    with served(ThreadingHTTPServer(("127.0.0.1", 0), CutShort)) as server:
        pages["address"] = f"http://127.0.0.1:{server.server_port}"
        yield pages


def test_a_screen_whose_page_is_cut_off_after_it_shows_is_read_at_once_saying_so(
    page: Page, cut_pages: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    # Given a Dashboard whose menu came, and the rest of whose page never will (its loading never ends)
    cut_pages["/dashboard"] = PAGE.format(MENU, "The rest of the page " * 50)
    dashboard = DashboardPage(page)  # page objects hear of the page's documents cut off from their making on
    page.set_default_timeout(5_000)
    page.goto(f"{cut_pages['address']}/dashboard", wait_until="commit")

    # When it is waited for, it is the Dashboard, read as it shows: said cut off, not waited for until the timeout
    dashboard.wait_until_ready()
    assert page.evaluate("document.readyState") == "loading"
    assert "is shown, but its page was cut off (net::ERR_CONTENT_LENGTH_MISMATCH)" in caplog.text, caplog.text
    assert "never finished loading" not in caplog.text, caplog.text


@pytest.mark.parametrize(
    "rewrite", ["replaceState({route: 'home'}, '', location.pathname)", "pushState({route: 'home'}, '', '/home')"]
)
def test_a_page_cut_off_stays_so_when_its_script_rewrites_its_address_in_place(
    page: Page, cut_pages: dict[str, str], rewrite: str
) -> None:
    # Given a page cut off before the Dashboard's menu came, whose router writes its address in place a moment after
    # (no new document: a navigation within the page, as single-page apps make)
    router = f"<script>setTimeout(() => history.{rewrite}, 300)</script>"
    cut_pages["/dashboard"] = PAGE.format(router, "Loading")
    dashboard = DashboardPage(page)
    page.set_default_timeout(3_000)
    page.goto(f"{cut_pages['address']}/dashboard", wait_until="commit")

    # Then the error still says the page was cut off, as a network's fault a later look may not meet
    with pytest.raises(UnknownPageError, match=r"the portal's page was cut off") as cut:
        dashboard.wait_until_ready()
    assert page.evaluate("history.state") == {"route": "home"}, "the router ran"
    assert cut.value.unanswered, cut.value


def test_a_screen_whose_page_is_cut_off_before_it_shows_is_said_cut_off_for_a_look_again(
    page: Page, cut_pages: dict[str, str]
) -> None:
    # Given a page cut off before the Dashboard's menu came
    cut_pages["/dashboard"] = PAGE.format("", "Loading")
    dashboard = DashboardPage(page)
    page.set_default_timeout(3_000)
    page.goto(f"{cut_pages['address']}/dashboard", wait_until="commit")

    # Then the error says the page was cut off, as a network's fault a later look may not meet: no answer read
    with pytest.raises(
        UnknownPageError, match=r"the portal's page was cut off \(net::ERR_CONTENT_LENGTH_MISMATCH\)"
    ) as cut:
        dashboard.wait_until_ready()
    assert cut.value.unanswered, "a page cut off is no answer of the portal's: a caller may look again"


@pytest.mark.parametrize("status", [502, 504])
def test_a_screen_whose_script_a_gateway_answered_is_said_so_for_a_look_again(page: Page, status: int) -> None:
    # Given a Dashboard its script draws, and a gateway answering that script in the portal's place
    shell = '<!doctype html><html lang="en"><title>Partner Center</title><body><script src="/app.js"></script>'
    page.route("https://portal.test/dashboard", lambda route: route.fulfill(content_type="text/html", body=shell))
    page.route("https://portal.test/app.js", lambda route: route.fulfill(status=status, body="Bad gateway"))
    page.set_default_timeout(2_000)
    page.goto("https://portal.test/dashboard")

    # Then the error names the gateway's answer and where, as no answer of the portal's: a caller may look again
    said = f"a gateway answered the page's request at https://portal.test/app.js with HTTP {status}"
    with pytest.raises(UnknownPageError, match=said) as broken:
        DashboardPage(page).wait_until_ready()
    assert broken.value.unanswered, broken.value


@pytest.mark.parametrize("clock", ["the browser's", "a test's, standing still"])
def test_a_page_cut_off_is_forgotten_once_another_loads(page: Page, cut_pages: dict[str, str], clock: str) -> None:
    # Given a page cut off before the Dashboard's menu came, then the same page loaded whole, still without it (on a
    # clock a test may have set, which every document then starts at)
    if clock != "the browser's":
        page.clock.install(time=datetime(2026, 1, 1, tzinfo=UTC))
        page.clock.pause_at(datetime(2026, 1, 1, tzinfo=UTC))
    cut_pages["/dashboard"] = PAGE.format("", "Loading")
    dashboard = DashboardPage(page)
    page.set_default_timeout(3_000)
    page.goto(f"{cut_pages['address']}/dashboard", wait_until="commit")
    with pytest.raises(UnknownPageError, match="cut off"):
        dashboard.wait_until_ready()
    cut_pages["whole"] = "yes"
    page.goto(f"{cut_pages['address']}/dashboard")

    # Then the page it now shows is one the library does not know, not one cut off
    with pytest.raises(UnknownPageError) as unknown:
        dashboard.wait_until_ready()
    assert "cut off" not in str(unknown.value) and not unknown.value.unanswered, unknown.value
