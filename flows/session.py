"""A signed-in browser for scripts: ``with portal_session(url, user, password) as page: ...``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from playwright.sync_api import Page, Playwright, sync_playwright

from pages import SignInError, SignInPage
from pages.renewal import renew_sign_in_with
from pages.watch import watch

from .account import sign_in
from .browser import connect_browser, launch_options_for, ws_endpoint_or_env


def normalize_base_url(base_url: str) -> str:
    """Return ``base_url`` with one trailing slash, so relative paths resolve below it."""
    return base_url.rstrip("/") + "/"


def sign_in_again(page: Page, username: str, password: str) -> None:
    """Sign in on the sign-in screen the portal shows; raise ``SignInError`` when it refuses."""
    if SignInPage(page).sign_in(username, password) is None:
        raise SignInError(f"The portal refused the sign-in of {username!r}")


@contextmanager
def portal_session(
    base_url: str,
    username: str,
    password: str,
    *,
    headed: bool = False,
    slowmo: int = 0,
    locale: str | None = None,
    trace: str | Path | None = None,
    browser_name: str = "chromium",
    playwright: Playwright | None = None,
    demo_mode: bool = False,
    pause_on_failure: bool = False,
    ws_endpoint: str | None = None,
    renew_sign_in: bool = True,
) -> Iterator[Page]:
    """Open a browser on ``base_url``, sign in, and yield the page; close everything afterwards.

    ``locale`` (e.g. "zh-CN") sets the browser's language, which the portal follows. ``trace``
    names a zip file to record a Playwright trace into (open it with ``playwright show-trace``);
    it is written even when the block raises. Pass ``playwright`` when the calling thread already
    runs Playwright (as under pytest-playwright): a thread can run only one. ``demo_mode``
    outlines each element before it is used and shows the step's name on the page;
    ``pause_on_failure`` opens the Playwright Inspector at a failing step (headed only).

    ``ws_endpoint`` (default: ``$PW_TEST_CONNECT_WS_ENDPOINT``; ``""`` for none) is a Playwright
    server (``playwright run-server``) that launches the browser on its machine, which must then
    reach ``base_url``. An unreachable server raises ``flows.RemoteBrowserError`` in seconds.

    A long script outlives its sign-in (sessions expire, portals restart): with ``renew_sign_in``
    (the default) a screen that finds sign-in signs in again with the same credentials, once,
    and goes on; a Submit never does, it raises ``SignedOutError`` saying nothing was saved.
    """
    endpoint = ws_endpoint_or_env(ws_endpoint)
    with nullcontext(playwright) if playwright else sync_playwright() as running:
        browser_type = getattr(running, browser_name)
        options = {
            "headless": not headed,
            "slow_mo": slowmo,
            **launch_options_for(
                browser_name, browser_type.executable_path, remote=bool(endpoint), headless=not headed
            ),
        }
        browser = connect_browser(browser_type, endpoint, options) if endpoint else browser_type.launch(**options)
        try:
            context = browser.new_context(base_url=normalize_base_url(base_url), locale=locale)
            watch(context, demo=demo_mode, pause_on_failure=pause_on_failure and headed)
            if renew_sign_in:
                renew_sign_in_with(context, lambda page: sign_in_again(page, username, password))
            if trace:
                context.tracing.start(screenshots=True, snapshots=True, sources=True)
            try:
                page = context.new_page()
                sign_in(page, username, password)
                yield page
            finally:
                if trace:
                    context.tracing.stop(path=str(trace))
        finally:
            browser.close()
