"""A signed-in browser for scripts: ``with portal_session(url, user, password, totp_secret=...) as page: ...``."""

from __future__ import annotations

import logging
import shlex
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from pages import DashboardPage, SignedOutError, SignInInterruptedError
from pages.banners import banner_buttons, close_banners_in
from pages.errors import page_lost
from pages.exceptions import first_line
from pages.owner_thread import check_no_running_loop
from pages.renewal import renew_sign_in_with
from pages.watch import watch

from .base_url import normalize_base_url
from .browser import (
    BROWSER_NAMES,
    BrowserNotFoundError,
    connect_browser,
    headed_without_display,
    launch_browser,
    launch_options_for,
    ws_endpoint_or_env,
)
from .saved_sign_in import (
    DEFAULT_AUTH_DIR,
    SavedSignInError,
    check_saved_user,
    restore_session_storage,
    saved_sign_in_path,
)
from .sign_in import complete_sign_in, sign_in, totp_secret_or_env
from .trace_secrets import stop_tracing

log = logging.getLogger("flows")


def renew_command(base_url: str, username: str, storage_state: str | Path) -> str:
    """Return the command that saves ``username``'s sign-in again where ``storage_state`` is (its --auth-dir), and,
    for a file save-sign-in does not write (named otherwise), where the new one is."""
    path = Path(storage_state)
    auth_dir = path.parent.parent  # DIR/<host>[_<port>]/<user>.json: where save-sign-in writes it
    saved_there = saved_sign_in_path(base_url, username, auth_dir) == path
    where = f" --auth-dir {shlex.quote(str(auth_dir))}" if saved_there and auth_dir != DEFAULT_AUTH_DIR else ""
    command = f"python -m flows save-sign-in --base-url {shlex.quote(base_url)} --user {shlex.quote(username)}{where}"
    return f"`{command}`" + ("" if saved_there else f", then start from {saved_sign_in_path(base_url, username)}")


def open_saved_sign_in(page: Page, base_url: str, username: str, storage_state: str | Path) -> None:
    """Open the Dashboard with a saved sign-in; raise ``SignedOutError`` saying how to renew it if refused."""
    try:
        DashboardPage(page).open()
    except SignedOutError:
        raise SignedOutError(
            f"The portal no longer accepts the saved sign-in of {username} ({storage_state}): renew it with "
            f"{renew_command(base_url, username, storage_state)}"
        ) from None


@contextmanager
def portal_session(
    base_url: str,
    username: str,
    password: str | None,
    *,
    totp_secret: str | None = None,
    storage_state: str | Path | None = None,
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
    ignore_https_errors: bool = False,
    close_banners: Iterable[str] = (),
) -> Iterator[Page]:
    """Open a browser on ``base_url``, sign in, and yield the page; close everything afterwards.

    Signing in goes through the portal's identity provider: ``totp_secret`` (default
    ``$PORTAL_TOTP_SECRET``) answers its verification code. ``storage_state`` names a saved sign-in
    (``python -m flows save-sign-in``) to start from instead, for deployments where a person approves
    MFA; then ``password`` may be None, and a saved sign-in the portal refuses raises ``SignedOutError``.

    ``locale`` (e.g. "zh-CN") sets the browser's language, which the portal follows. ``trace``
    names a zip file to record a Playwright trace into (open it with ``playwright show-trace``);
    it is written even when the block raises (unless the block closed the page's context), owner-only, the
    password replaced wherever it was typed.
    Pass ``playwright`` when the calling thread already runs Playwright (as under pytest-playwright): a
    thread can run only one. ``demo_mode`` outlines each element before it is used and shows the step's
    name on the page; ``pause_on_failure`` opens the Playwright Inspector at a failing step (headed only).

    ``ws_endpoint`` (default: ``$PW_TEST_CONNECT_WS_ENDPOINT``; ``""`` for none) is a Playwright
    server (``playwright run-server``) that launches the browser on its machine, which must then
    reach ``base_url``. An unreachable server raises ``flows.RemoteBrowserError`` in seconds.

    A long script outlives its sign-in (sessions expire, portals restart): with ``renew_sign_in``
    (the default) and a password, a screen that finds sign-in signs in again with the same
    credentials, once, and goes on; a Submit never does, it raises ``SignedOutError`` saying
    nothing was saved (or, when the session ended after the portal took the form, that whether it
    was saved is not known).

    ``ignore_https_errors`` lets the browser take a certificate it does not trust (a test deployment's, of an
    internal CA); without it, such a portal raises ``UntrustedCertificateError`` at its first page.

    ``browser_name`` is "chromium" (the default), "firefox" or "webkit" (Playwright's builds of them).

    ``close_banners`` names the buttons that close a banner the deployment draws over its pages ("Accept" of a
    cookie banner): selected whenever one shows before an action (``pages.banners``).

    Before any browser starts: arguments of the wrong type are a ``TypeError``; an unusable ``base_url``, an empty
    ``username`` or password, no password without ``storage_state``, a negative ``slowmo`` or an unknown
    ``browser_name``, a ``ValueError``; a ``storage_state`` that is not a saved sign-in of this user and portal, a
    ``flows.SavedSignInError``; a browser not installed, or ``headed`` without a display, a
    ``flows.BrowserNotFoundError``. The page belongs to this thread (``WrongThreadError`` elsewhere); inside a
    running asyncio loop, the session cannot start at all.
    """
    base_url = normalize_base_url(base_url)  # a wrong address fails here, before a browser starts
    check_session_arguments(
        username=username, password=password, totp_secret=totp_secret, locale=locale, slowmo=slowmo, trace=trace,
        headed=headed, demo_mode=demo_mode, pause_on_failure=pause_on_failure, renew_sign_in=renew_sign_in,
        ignore_https_errors=ignore_https_errors,
    )  # fmt: skip
    banners = banner_buttons(close_banners)  # words that are not text: a TypeError now, not at the first page
    if password is None and not storage_state:  # as os.environ.get() gives it when unset: said before any browser
        raise ValueError("portal_session needs a password, or a saved sign-in (storage_state)")
    if browser_name not in BROWSER_NAMES:
        raise ValueError(f"browser_name is one of {', '.join(BROWSER_NAMES)}: not {browser_name!r}")
    endpoint = ws_endpoint_or_env(ws_endpoint)
    no_display = headed_without_display() if headed and not endpoint else None
    if no_display:  # else Playwright's launch fails with 40 lines of the browser's log
        raise BrowserNotFoundError(no_display)
    if storage_state:  # whole, and this user's: another's would act as them, saying nothing
        check_saved_user(storage_state, username, base_url)
    if playwright is None:
        check_no_running_loop()
    with nullcontext(playwright) if playwright else sync_playwright() as running:
        browser_type = getattr(running, browser_name)
        options = {
            "headless": not headed,
            "slow_mo": slowmo,
            **launch_options_for(
                browser_name, browser_type.executable_path, remote=bool(endpoint), headless=not headed
            ),
        }
        # Ctrl-C at a terminal reaches Playwright's driver too (one process group), which would close the browser
        # under the step at work: the caller hears it as KeyboardInterrupt, and closes the browser once it has stopped.
        browser = (
            connect_browser(browser_type, endpoint, options)
            if endpoint
            else launch_browser(browser_type, {**options, "handle_sigint": False})
        )
        try:
            context = new_context(
                browser, base_url=base_url, locale=locale, storage_state=storage_state,
                ignore_https_errors=ignore_https_errors,
            )  # fmt: skip
            if storage_state:
                restore_session_storage(context, storage_state)
            watch(context, demo=demo_mode, pause_on_failure=pause_on_failure and headed)
            close_banners_in(context, banners)
            if renew_sign_in and password:
                renew_sign_in_with(
                    context, lambda page: complete_sign_in(page, username, password, totp_secret=totp_secret)
                )
            code_secret = totp_secret_or_env(totp_secret)  # kept out of the trace, as the password
            if trace:
                context.tracing.start(screenshots=True, snapshots=True, sources=True)
            try:
                page = context.new_page()
                if storage_state:
                    open_saved_sign_in(page, base_url, username, storage_state)
                else:
                    assert password is not None  # refused above, before the browser started
                    page = signed_in(page, username, password, totp_secret)
                yield page
            except BaseException as error:
                if trace:  # the block's own error goes on, whatever becomes of the trace
                    unwritten = write_trace(context, trace, password, code_secret)
                    if unwritten:
                        error.add_note(unwritten)
                raise
            else:
                if trace:
                    unwritten = write_trace(context, trace, password, code_secret)
                    if unwritten:
                        log.warning("%s", unwritten)
        finally:
            browser.close()


def signed_in(page: Page, username: str, password: str, totp_secret: str | None) -> Page:
    """Sign ``page`` in; once more, in a new page of a context cleared of the first try's cookies, when the first
    ended at an error page that refuses nothing (a gateway's, the portal's 400 at its callback when the browser sent
    the provider's code twice over a dropped connection): return the page signed in."""
    try:
        sign_in(page, username, password, totp_secret=totp_secret)
        return page
    except SignInInterruptedError as interrupted:
        log.warning("The sign-in ended at an error page (%s): signing in once more", first_line(interrupted))
    context = page.context
    page.close()
    context.clear_cookies()  # the provider's session of the first try would sign in without a step: as whom?
    again = context.new_page()
    sign_in(again, username, password, totp_secret=totp_secret)
    return again


def new_context(browser: Browser, *, storage_state: str | Path | None, **options: Any) -> BrowserContext:
    """Return a new context of ``browser``; a saved sign-in it cannot load (a cookie without its domain, origins
    that are no list) is a ``SavedSignInError`` naming the file, not Playwright's protocol error."""
    try:
        return browser.new_context(storage_state=storage_state, **options)
    except PlaywrightError as error:
        if storage_state is None or page_lost(error):
            raise
        raise SavedSignInError(
            f"The saved sign-in {storage_state} cannot be loaded into the browser ({first_line(error)}): "
            "save it again with `python -m flows save-sign-in`"
        ) from error


def write_trace(context: BrowserContext, trace: str | Path, *secrets: str | None) -> str | None:
    """Write the context's trace to ``trace`` (owner-only, the ``secrets`` and the sessions it carries replaced); say
    why not if it cannot be."""
    try:  # the secrets typed at sign-in, and at any renewed since; in the script's source
        stop_tracing(context, trace, secrets)
    except PlaywrightError as error:  # the block closed the context (or the browser went): nothing to write
        return f"No trace written to {trace}: {first_line(error)}"
    except OSError as error:  # a folder where the file goes, a file where a folder does: the run's outcome stands
        return f"No trace written to {trace}: {error}"
    return None


def check_session_arguments(**arguments: object) -> None:
    """Refuse ``portal_session`` arguments of the wrong type, before a browser starts (Playwright would say it later,
    in its own words, halfway through the sign-in)."""
    expected: dict[str, tuple[type, ...]] = {
        "username": (str,),
        "password": (str, type(None)),
        "totp_secret": (str, type(None)),
        "locale": (str, type(None)),
        "slowmo": (int, float),
        "trace": (str, Path, type(None)),
        **dict.fromkeys(("headed", "demo_mode", "pause_on_failure", "renew_sign_in", "ignore_https_errors"), (bool,)),
    }
    for name, value in arguments.items():  # a flag given as "no" is true: a bool, and only a flag's, is a bool
        if not isinstance(value, expected[name]) or (isinstance(value, bool) and bool not in expected[name]):
            kinds = " or ".join("None" if kind is type(None) else kind.__name__ for kind in expected[name])
            raise TypeError(f"portal_session's {name} is {kinds}: not {type(value).__name__}")
    if arguments["slowmo"] < 0:  # type: ignore[operator]
        raise ValueError(f"portal_session's slowmo is milliseconds, 0 or more: not {arguments['slowmo']}")
    if not str(arguments["username"]).strip():
        raise ValueError("portal_session's username is empty")
    if arguments["password"] == "":  # typed, it counts against the account as a wrong one would
        raise ValueError("portal_session's password is empty: give the user's password, or None with a saved sign-in")
