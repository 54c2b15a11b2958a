"""Command line for the flows.

  python -m flows update-account --base-url URL --user U --customer NAME --set city=Shanghai ...
  python -m flows update-accounts FILE --base-url URL --user U [--workers N] [--resume] [--dry-run] ...
                                      many customers' accounts from a CSV or XLSX file (see flows/accounts_cli.py)
  python -m flows save-sign-in --base-url URL --user U [--auth-dir DIR]
                                      a person signs in in a browser; the sign-in is saved for later runs
  python -m flows browser             which Chromium Playwright will use, or what to install

Steps go to standard error, the resulting profile to standard output as JSON. Exit codes:
0 done, 1 other failure, 2 bad command line, 3 validation failed, 4 edit conflict,
5 not allowed for this role, 6 customer not found, 7 sign-in refused or signed out.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings

from pages import (
    CustomerNotFoundError,
    EditConflictError,
    NotAllowedError,
    PortalError,
    SignedOutError,
    SignInError,
    ValidationError,
)
from pages.addresses import ADDRESSES_VARIABLE, use_screen_addresses
from pages.models import EDITABLE_FIELDS
from pages.strings import LOCALES

from .accounts_cli import add_arguments as add_accounts_arguments
from .accounts_cli import run as update_accounts
from .base_url import base_url_argument, screen_addresses_argument
from .browser import WS_ENDPOINT_VARIABLE, BrowserNotFoundError, RemoteBrowserError, report_browser
from .cli_sign_in import (
    CLOSE_BANNER_OPTION,
    add_browser_option,
    add_https_option,
    add_sign_in_arguments,
    checked_password,
    in_option_terms,
    sign_in_options,
    user_argument,
)
from .console import escape_what_stdout_cannot_spell, json_for_stdout, lines_in_order_with_stderr, say
from .record_sign_in import add_arguments as add_record_arguments
from .record_sign_in import record_sign_in
from .rest_http import never_proxy_loopback
from .stopping_signals import put_back_signals, stop_of, take_stopping_signals
from .workers import workers_running

EXIT_USAGE = 2  # as argparse exits for a bad command line
EXIT_CODES: dict[type[Exception], int] = {
    ValidationError: 3,
    EditConflictError: 4,
    NotAllowedError: 5,
    CustomerNotFoundError: 6,
    SignInError: 7,
    SignedOutError: 7,
}


# A field named in any case ("City", "POSTALCODE"), as the accounts job takes its columns' names.
FIELD_NAMES = {name.lower(): name for name in EDITABLE_FIELDS}


def field_assignment(text: str) -> tuple[str, str]:
    """Parse ``--set field=value``; the field's name in any case."""
    field, sep, value = text.partition("=")
    if not sep or not field:
        raise argparse.ArgumentTypeError(f"expected FIELD=VALUE, got {text!r}")
    return FIELD_NAMES.get(field.strip().lower(), field.strip()), value


def milliseconds(text: str) -> int:
    """Parse ``--slowmo``: a whole number of milliseconds, 0 or more."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of milliseconds, 0 or more, got {text!r}")
    return int(text)


def add_browser_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that shape the browser and how a person watches it."""
    add_browser_option(parser)
    parser.add_argument("--headed", action="store_true", help="show the browser")
    parser.add_argument(
        "--slowmo", type=milliseconds, default=0, metavar="MS", help="pause MS milliseconds between actions"
    )
    parser.add_argument("--locale", choices=LOCALES, help="browser language (default: system)")
    parser.add_argument(
        "--demo-mode", action="store_true", help="outline each element before use and show the step's name"
    )
    parser.add_argument(
        "--pause-on-failure", action="store_true", help="headed: open the Playwright Inspector at a failing step"
    )
    parser.add_argument(
        "--ws-endpoint",
        metavar="URL",
        help="run the browser under the Playwright server (playwright run-server) at URL, e.g. ws://host:3000/; "
        f"that machine must reach the portal (default: ${WS_ENDPOINT_VARIABLE}, else a local browser)",
    )
    parser.add_argument("--close-banner", **CLOSE_BANNER_OPTION)
    add_https_option(parser)


def add_screen_addresses_option(parser: argparse.ArgumentParser) -> None:
    """Add where the deployment keeps the screens opened by address (a customer given by its Microsoft ID)."""
    parser.add_argument(
        "--screen-addresses",
        type=screen_addresses_argument,
        metavar="SCREEN=ADDRESS,...",
        help="where the portal keeps its screens below --base-url, where not as the bundled portal does, e.g. "
        "'customer=commerce/customers/{id},account=commerce/customers/{id}/account,edit=' "
        f"(default: ${ADDRESSES_VARIABLE}; see pages.ScreenAddresses)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the whole command line."""
    parser = argparse.ArgumentParser(
        prog="python -m flows", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    update = commands.add_parser("update-account", help="update a customer's billing profile through the UI")
    update.add_argument(
        "--base-url", required=True, type=base_url_argument, help="the portal, e.g. http://127.0.0.1:8000/"
    )
    update.add_argument("--user", required=True, type=user_argument, help="user name to sign in with")
    add_sign_in_arguments(update)
    update.add_argument(
        "--customer", required=True, help="the customer's company name, exactly as listed, or its Microsoft ID"
    )
    update.add_argument(
        "--set", dest="changes", action="append", type=field_assignment, required=True, metavar="FIELD=VALUE",
        help="a billing field (API name, e.g. city, postalCode) and its new value; repeat for more",
    )  # fmt: skip
    add_browser_options(update)
    add_screen_addresses_option(update)
    update.add_argument("--trace", metavar="FILE", help="record a Playwright trace into FILE (.zip)")
    accounts = commands.add_parser(
        "update-accounts", help="update many customers' billing profiles from a CSV or XLSX file, through the UI"
    )
    add_accounts_arguments(accounts)
    add_browser_options(accounts)
    add_screen_addresses_option(accounts)
    save = commands.add_parser(
        "save-sign-in", help="a person signs in once in a browser; save that sign-in for the suite and scripts"
    )
    add_record_arguments(save)
    add_screen_addresses_option(save)  # the Dashboard it waits for, where a deployment keeps it
    commands.add_parser("browser", help="print which Chromium Playwright will use, or what to install")
    return parser


def update_account(args: argparse.Namespace) -> int:
    """Run update-account; print the profile as JSON."""
    from .account import check_changes, update_customer_account
    from .session import portal_session

    changes = dict(args.changes)
    try:  # a field named wrong in --set, no password to type, a TOTP secret that is no base32: the command line's
        check_changes(changes)
        password = checked_password(args)
    except (TypeError, ValueError) as error:
        print(f"error: {in_option_terms(error)}", file=sys.stderr)
        return EXIT_USAGE
    options = {
        "browser_name": args.browser,
        "headed": args.headed,
        "slowmo": args.slowmo,
        "locale": args.locale,
        "trace": args.trace,
        "demo_mode": args.demo_mode,
        "pause_on_failure": args.pause_on_failure,
        "ws_endpoint": args.ws_endpoint,
        "ignore_https_errors": args.ignore_https_errors,
        "close_banners": args.close_banner,
        **sign_in_options(args),
    }
    with portal_session(args.base_url, args.user, password, **options) as page:
        profile = update_customer_account(page, args.customer, changes)
    say(json_for_stdout(profile.as_dict()))  # the change made whether or not anyone reads it
    return 0


class StepFormatter(logging.Formatter):
    """A step as "step: ...", anything worse by its level: "warning: ..." (waiting for the portal, a value shown
    otherwise), "error: ..."."""

    def format(self, record: logging.LogRecord) -> str:
        said = super().format(record)
        return f"{'step' if record.levelno < logging.WARNING else record.levelname.lower()}: {said}"


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the command, and turn what went wrong into an exit code."""
    args = build_parser().parse_args(argv)
    never_proxy_loopback()
    if getattr(args, "screen_addresses", None) is not None:
        use_screen_addresses(args.screen_addresses)
    escape_what_stdout_cannot_spell()  # names in any script, under any locale
    lines_in_order_with_stderr()
    handler = logging.StreamHandler(sys.stderr)  # the command's own: another program's handlers are left as they are
    handler.setFormatter(StepFormatter())
    handler.addFilter(answer_to_an_abandoned_call)
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    if args.command == "browser":
        return report_browser()
    if args.command == "update-accounts":
        return update_accounts(args)
    taken = take_stopping_signals()  # SIGTERM, SIGHUP as Ctrl-C: the browser closed, a trace asked for written
    try:
        if args.command == "save-sign-in":
            say(f"saved: {record_sign_in(args)}")
            return 0
        return update_account(args)
    except KeyboardInterrupt as stopped:
        quiet_after_stop()
        signum, said = stop_of(stopped)
        left = INTERRUPTED_LEFT.get(args.command, "")
        print(
            f"error: {said}: stopped before the command was done{left}", *notes_of(stopped), sep="\n", file=sys.stderr
        )
        return 128 + signum
    except ValidationError as error:
        if not error.field_errors:  # the portal said why in words of its own
            print(f"error: {error}", file=sys.stderr)
        else:  # a line per field (the error's own words list them all on one line)
            print("error: The portal refused the changes:", file=sys.stderr)
            for field, message in error.field_errors.items():
                print(f"  {field}: {message}", file=sys.stderr)
        return EXIT_CODES[ValidationError]
    except (PortalError, BrowserNotFoundError, RemoteBrowserError, ValueError) as error:
        print(f"error: {in_option_terms(error)}", *notes_of(error), sep="\n", file=sys.stderr)
        return next((code for kind, code in EXIT_CODES.items() if isinstance(error, kind)), 1)
    finally:
        put_back_signals(taken)


def answer_to_an_abandoned_call(record: logging.LogRecord) -> bool:
    """Whether to print ``record``: not Playwright's word of an answer to a call no longer waited for (the command
    stopped by a signal within it), a traceback after the stop's one line that says nothing of the stop."""
    error = record.exc_info[1] if record.exc_info else None
    return not (record.name.startswith("playwright") and "Cannot find command to respond" in str(error))


def quiet_after_stop() -> None:
    """Say nothing more of the calls a stop abandoned than its one line: the coroutine of a call stopped before it
    began is never awaited, a future's error never read, once the stop's traceback lets go of them."""
    warnings.filterwarnings("ignore", message="coroutine .* was never awaited", category=RuntimeWarning)
    for name in ("asyncio", "playwright"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


# What a command stopped by a signal leaves, said after "stopped before the command was done".
INTERRUPTED_LEFT = {
    "update-account": ": if it was submitting, whether the change was saved is not known (read the account before "
    "running it again)",
    "save-sign-in": ": nothing was saved",
}


def notes_of(error: BaseException) -> list[str]:
    """Return what was added to ``error`` on its way (``add_note``: a trace that could not be written), each line
    indented under the error's own."""
    return [f"  {note}" for note in getattr(error, "__notes__", [])]


def exit_now_if_workers_left(code: int) -> None:
    """End the process with ``code`` at once when a second Ctrl-C left the job's workers inside their browsers.

    Python's shutdown under threads still in Playwright's calls can crash (SIGSEGV, exit 139 instead of 130);
    the journal already says where each row stands.
    """
    if workers_running():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    exit_code = main()
    exit_now_if_workers_left(exit_code)
    raise SystemExit(exit_code)
