"""The command line's sign-in options, the same for every command that signs in."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from .saved_sign_in import saved_sign_in_path
from .sign_in import TOTP_SECRET_VARIABLE

DEMO_PASSWORD = "portal-demo"  # the bundled portal's demo users'


def add_sign_in_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the password, the authenticator's secret and saved sign-ins."""
    parser.add_argument(
        "--password",
        default=os.environ.get("PORTAL_PASSWORD", DEMO_PASSWORD),
        help="password (default: $PORTAL_PASSWORD, else the bundled portal's demo password)",
    )
    parser.add_argument(
        "--totp-secret",
        default=os.environ.get(TOTP_SECRET_VARIABLE),
        metavar="BASE32",
        help=f"the authenticator's secret, for the verification code (default: ${TOTP_SECRET_VARIABLE})",
    )
    parser.add_argument(
        "--storage-state",
        type=Path,
        metavar="PATH",
        help="start from this saved sign-in (python -m flows save-sign-in)",
    )
    parser.add_argument(
        "--auth-dir",
        type=Path,
        metavar="DIR",
        help="start from the user's saved sign-in in DIR (DIR/<host>/<user>.json), when there is one",
    )


def sign_in_options(args: argparse.Namespace) -> dict[str, Any]:
    """Return portal_session's sign-in options from the command line (beside user and password)."""
    saved = args.storage_state
    if saved is None and args.auth_dir is not None:
        candidate = saved_sign_in_path(args.base_url, args.user, args.auth_dir)
        saved = candidate if candidate.exists() else None
    return {"totp_secret": args.totp_secret, "storage_state": saved}
