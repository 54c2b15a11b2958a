"""``python -m flows save-sign-in``: a person signs in once, in a real browser; the sign-in is saved.

For deployments where MFA is approved by a person (push notifications, number matching): the
browser opens at the portal, the person signs in, and once a portal page shows, the browser's
state is saved to ``DIR/<host>[_<port>]/<user>.json`` (owner-only), for the suite (``--auth-dir``) and for
scripts (``portal_session(..., storage_state=...)``). With ``--api-client-id`` (an app registered
for the Secure Application Model) a refresh token for the REST API is saved beside it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import parse_qs

from playwright.sync_api import BrowserContext, Request, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages import DashboardPage, SignInError
from pages.addresses import screen_addresses
from pages.exceptions import first_line
from pages.strings import LOCALES

from .base_url import base_url_argument, normalize_base_url
from .browser import (
    BrowserNotFoundError,
    connect_browser,
    headed_without_display,
    launch_browser,
    launch_options_for,
    ws_endpoint_or_env,
)
from .cli_sign_in import add_browser_option, add_https_option, user_argument
from .saved_sign_in import DEFAULT_AUTH_DIR, save_sign_in, saved_sign_in_path, sso_refresh_token

DEFAULT_WAIT_S = 600
# The fields a sign-in page posts the account's name in: Microsoft Entra's (``loginfmt``, ``login``), AD FS's, others'.
ACCOUNT_FIELDS = ("loginfmt", "login", "UserName", "username")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add save-sign-in's arguments."""
    parser.add_argument(
        "--base-url", required=True, type=base_url_argument, help="the portal, e.g. https://partner.example/"
    )
    parser.add_argument(
        "--user", required=True, type=user_argument, help="the user who signs in (names the saved file)"
    )
    parser.add_argument(
        "--auth-dir",
        type=Path,
        default=DEFAULT_AUTH_DIR,
        metavar="DIR",
        help="where to save it, as DIR/<host>[_<port>]/<user>.json (default: %(default)s, ignored by git)",
    )
    parser.add_argument(
        "--wait", type=seconds_argument, default=DEFAULT_WAIT_S, metavar="SECONDS",
        help="how long to wait for the person to finish signing in (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument("--api-client-id", help="also save a refresh token for the REST API, for this public client")
    parser.add_argument("--locale", choices=LOCALES, help="the browser's language")
    parser.add_argument("--headless", action="store_true", help="no window (another program plays the person)")
    parser.add_argument(
        "--remote-debugging-port", type=int, metavar="PORT",
        help="let another program (a password manager, a test) drive the browser through this CDP port (Chromium)",
    )  # fmt: skip
    parser.add_argument("--ws-endpoint", metavar="URL", help="run the browser under this Playwright server")
    add_browser_option(parser)
    add_https_option(parser)


def seconds_argument(text: str) -> float:
    """Parse ``--wait``: a number of seconds above 0 (Playwright takes 0 as no limit at all, a negative as an error)."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not (0 < seconds < float("inf")):  # not NaN either
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return seconds


def note_accounts(context: BrowserContext) -> list[str]:
    """Return the account names the context's pages post to sign in, as they come (the last is who signed in)."""
    posted: list[str] = []

    def note(request: Request) -> None:
        if request.method != "POST":
            return
        try:
            form = parse_qs(request.post_data or "")
        except (UnicodeDecodeError, PlaywrightError):  # binary, or a request gone: no form of a sign-in page's
            return
        names = [value.strip() for field in ACCOUNT_FIELDS for value in form.get(field, []) if value.strip()]
        posted.extend(names[:1])

    context.on("request", note)
    return posted


def same_account(posted: str, user: str) -> bool:
    """Whether the account signed in as (``posted``) is the one ``--user`` names: in any case, or by the name before
    its domain ("qa" for "qa@contoso.partner.onmschina.cn")."""
    posted, user = posted.casefold(), user.casefold()
    return posted == user or posted.partition("@")[0] == user or user.partition("@")[0] == posted


def record_sign_in(args: argparse.Namespace) -> Path:
    """Open the portal in a browser, wait until the person has signed in, save the sign-in; return its path."""
    base_url = normalize_base_url(args.base_url)
    path = saved_sign_in_path(base_url, args.user, args.auth_dir)
    endpoint = ws_endpoint_or_env(args.ws_endpoint)
    if args.remote_debugging_port and args.browser != "chromium":
        raise ValueError(f"--remote-debugging-port is Chromium's DevTools protocol: not with --browser {args.browser}")
    if not (args.headless or endpoint) and headed_without_display():  # a person signs in at its window
        raise BrowserNotFoundError(
            "save-sign-in opens a window for a person to sign in, and this machine has no display ($DISPLAY and "
            "$WAYLAND_DISPLAY are unset): run it where there is one (then copy the file), or under xvfb-run"
        )
    with sync_playwright() as playwright:
        browser_type = getattr(playwright, args.browser)
        options = launch_options_for(
            args.browser, browser_type.executable_path, remote=bool(endpoint), headless=args.headless
        )
        if args.remote_debugging_port:
            options["args"] = [*options.get("args", []), f"--remote-debugging-port={args.remote_debugging_port}"]
        options["headless"] = args.headless
        # Ctrl-C reaches the browser too (one process group): it closes once the command has said it stopped
        browser = (
            connect_browser(browser_type, endpoint, options)
            if endpoint
            else launch_browser(browser_type, {**options, "handle_sigint": False})
        )
        try:
            context = browser.new_context(
                base_url=base_url, locale=args.locale, ignore_https_errors=args.ignore_https_errors
            )
            posted = note_accounts(context)
            page = context.new_page()
            dashboard = DashboardPage(page)
            dashboard.goto(screen_addresses().dashboard)  # nothing there, an untrusted certificate: said as such
            print(
                f"Sign in to {base_url} as {args.user} in the browser (the verification too); "
                f"waiting up to {args.wait:g} s. The sign-in will be saved to {path}.",
                file=sys.stderr,
                flush=True,
            )
            try:
                dashboard.landmark.first.wait_for(timeout=args.wait * 1000)
            except PlaywrightTimeoutError as error:
                raise SignInError(f"No signed-in portal page within {args.wait:g} s: nothing was saved") from error
            except PlaywrightError as error:  # the window closed by the person, the browser gone
                said = first_line(error)
                raise SignInError(f"The browser's page closed before a signed-in portal page showed ({said}): "
                                  "nothing was saved") from error  # fmt: skip
            if posted and not same_account(posted[-1], args.user):  # saved under --user, it would act as another
                raise SignInError(
                    f"Signed in as {posted[-1]!r}, not as {args.user!r} (--user): nothing was saved. Sign in as "
                    f"{args.user}, or name the account signed in as with --user"
                )
            # Whose it is, and where: used as another user's, or at another portal, it is refused.
            extra: dict[str, str] = {"user": args.user, "portal": base_url}
            if args.api_client_id:
                extra["refresh_token"] = sso_refresh_token(context, base_url, args.api_client_id)
                extra["api_client_id"] = args.api_client_id
            return save_sign_in(context, path, extra)
        finally:
            browser.close()
