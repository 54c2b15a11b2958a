"""The page's network events, listened to once a page: each watcher gets them only while it listens."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request

from pages.page_events import listen, unlisten

pytestmark = pytest.mark.tooling  # the library against routes of its own: no portal
SITE = "http://portal.test/"


def test_each_watcher_gets_a_page_s_requests_only_while_it_listens(page: Page) -> None:
    # Given a site of routes, and two watchers of the page's requests, one that stops after the first one
    page.route(f"{SITE}**", lambda route: route.fulfill(body="<p>ok</p>", content_type="text/html"))
    once: list[str] = []
    every: list[str] = []

    def first_only(request: Request) -> None:
        once.append(request.url)
        unlisten(page, "request", first_only)  # while the page tells the others: none of them misses it

    def all_of_them(request: Request) -> None:
        every.append(request.url)

    listen(page, "request", first_only)
    listen(page, "request", all_of_them)

    # When the page goes to three addresses, the second watcher stopping before the third
    page.goto(f"{SITE}a")
    page.goto(f"{SITE}b")
    unlisten(page, "request", all_of_them)
    page.goto(f"{SITE}c")
    listen(page, "request", all_of_them)  # listening again: the page's own listener is still there
    page.goto(f"{SITE}d")

    # Then each got what came while it listened, in order
    assert once == [f"{SITE}a"]
    assert every == [f"{SITE}a", f"{SITE}b", f"{SITE}d"]
