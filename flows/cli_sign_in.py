"""The command line's sign-in options, the same for every command that signs in."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pages.errors import TAKE_CERTIFICATE

from .base_url import is_loopback
from .browser import BROWSER_NAMES
from .saved_sign_in import saved_sign_in_path
from .sign_in import SECRET_SOURCES, TOTP_SECRET_VARIABLE, check_secret

DEMO_PASSWORD = "portal-demo"  # the bundled portal's demo users'
OPTION_SECRET_SOURCES = f"--totp-secret BASE32, or ${TOTP_SECRET_VARIABLE}"
TAKE_CERTIFICATE_OPTION = "run with --ignore-https-errors"


def add_sign_in_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the password, the authenticator's secret and saved sign-ins."""
    parser.add_argument(
        "--password",
        default=os.environ.get("PORTAL_PASSWORD") or None,
        help="password (default: $PORTAL_PASSWORD; else none with a saved sign-in, the bundled portal's demo "
        "password for a portal at this machine's own address, or asked for at a terminal)",
    )
    parser.add_argument(
        "--totp-secret",
        default=os.environ.get(TOTP_SECRET_VARIABLE),
        metavar="BASE32",
        help=f"the authenticator's secret, for the verification code (default: ${TOTP_SECRET_VARIABLE})",
    )
    # One saved sign-in or the other: given both, either would be ignored without a word.
    saved = parser.add_mutually_exclusive_group()
    saved.add_argument(
        "--storage-state",
        type=Path,
        metavar="PATH",
        help="start from this saved sign-in (python -m flows save-sign-in)",
    )
    saved.add_argument(
        "--auth-dir",
        type=Path,
        metavar="DIR",
        help="start from the user's saved sign-in in DIR (DIR/<host>[_<port>]/<user>.json, e.g. "
        ".auth/127.0.0.1_8000/global-admin.json), when there is one",
    )


def user_argument(text: str) -> str:
    """Parse ``--user``: a name to sign in with, not empty (an unset variable's ``--user "$PORTAL_USER"``)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected the user name to sign in with, got nothing")
    return text.strip()


# The buttons that close a banner over the pages, as the commands and the suite take them (``pages.banners``).
CLOSE_BANNER_OPTION: dict[str, Any] = {
    "action": "append",
    "default": [],  # argparse appends to a copy of it
    "metavar": "BUTTON",
    "help": "select the button of these words whenever it shows before an action: one that closes a banner the "
    "deployment draws over its pages (a cookie banner's Accept); repeat for more",
}


def add_browser_option(parser: argparse.ArgumentParser) -> None:
    """Add which of Playwright's browsers runs the command, as pytest-playwright's ``--browser`` does the suite's."""
    parser.add_argument(
        "--browser",
        choices=BROWSER_NAMES,
        default="chromium",
        help="Playwright's browser to run (default: %(default)s; firefox and webkit: `playwright install` them first)",
    )


def add_https_option(parser: argparse.ArgumentParser) -> None:
    """Add the option that lets the browser take a certificate it does not trust (its sign-in's too)."""
    parser.add_argument(
        "--ignore-https-errors",
        action="store_true",
        help="let the browser take a certificate it does not trust (a test deployment's, of an internal CA)",
    )


def in_option_terms(error: BaseException | str) -> str:
    """Return the library's message (an error's, or a row's result), naming the command line's options for the TOTP
    secret and for an untrusted certificate instead of the library's arguments."""
    return str(error).replace(SECRET_SOURCES, OPTION_SECRET_SOURCES).replace(TAKE_CERTIFICATE, TAKE_CERTIFICATE_OPTION)


def sign_in_options(args: argparse.Namespace) -> dict[str, Any]:
    """Return portal_session's sign-in options from the command line (beside user and password)."""
    saved = args.storage_state
    if saved is None and args.auth_dir is not None:
        candidate = saved_sign_in_path(args.base_url, args.user, args.auth_dir)
        saved = candidate if candidate.exists() else None
    return {"totp_secret": args.totp_secret, "storage_state": saved}


def password_for(args: argparse.Namespace) -> str | None:
    """Return the password to type: the one given; none with a saved sign-in; the demo password on this machine.
    Without any, a ``NoPasswordError``.

    A password typed that is not the user's counts against the account, and enough of them lock
    it: the bundled portal's demo password is never typed into a portal elsewhere.
    """
    if args.password:
        return str(args.password)
    if sign_in_options(args)["storage_state"] is not None:
        # A saved sign-in the portal no longer takes says how to renew it; at this machine's address it may be a
        # deployment's reached through a tunnel (kubectl port-forward, ssh -L), where the demo password would count
        return None
    if is_loopback(urlsplit(args.base_url).hostname):  # the bundled portal: its sessions renewed as ever
        return DEMO_PASSWORD
    looked = (
        f" (none saved at {saved_sign_in_path(args.base_url, args.user, args.auth_dir)})"
        if args.auth_dir is not None
        else ""
    )
    raise NoPasswordError(
        f"No password for {args.user}: give --password or $PORTAL_PASSWORD, or a saved sign-in (--auth-dir, "
        f"--storage-state){looked}; the bundled portal's demo password is typed only at this machine's own address"
    )


def checked_password(args: argparse.Namespace) -> str | None:
    """Return ``password_for(args)`` once the TOTP secret is known to be base32; raise ``ValueError`` for either:
    the command line's to complete or correct (exit 2), said before any browser starts."""
    check_secret(args.totp_secret)
    try:
        return password_for(args)
    except NoPasswordError:
        typed = asked_password(args)
        if typed is None:
            raise
        return typed


class NoPasswordError(ValueError):
    """The command line gives no password, and none is to be typed (no saved sign-in, not the bundled portal)."""


def asked_password(args: argparse.Namespace) -> str | None:
    """Return the password a person types at the terminal, asked for (not shown, not in ``ps``, not in the shell's
    history); None when nobody is at one, or nothing was typed."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    try:
        return getpass.getpass(f"Password for {args.user} at {args.base_url}: ", stream=sys.stderr) or None
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)  # the prompt's line ended
        return None
