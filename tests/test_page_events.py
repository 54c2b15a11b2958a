"""The page's network events: each watcher gets them only while it listens; the browser sends the chatty ones only
while someone listens."""

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
    listen(page, "request", all_of_them)  # listening again: the page's listener is added again
    page.goto(f"{SITE}d")

    # Then each got what came while it listened, in order
    assert once == [f"{SITE}a"]
    assert every == [f"{SITE}a", f"{SITE}b", f"{SITE}d"]


def test_a_page_stops_hearing_of_its_requests_when_its_last_watcher_stops_but_not_of_failures(page: Page) -> None:
    # Given a page with watchers of its requests, answers and failures
    def watcher(_: object) -> None:
        pass

    for event in ("request", "response", "requestfailed"):
        listen(page, event, watcher)
    listening = page._impl_obj.listeners  # Playwright asks the browser for an event while the page has a listener

    # When each watcher stops
    for event in ("request", "response", "requestfailed"):
        unlisten(page, event, watcher)

    # Then the page no longer listens to its requests and answers (four messages a request), but still to failures
    assert [len(listening(event)) for event in ("request", "response")] == [0, 0]
    assert len(listening("requestfailed")) == 1
