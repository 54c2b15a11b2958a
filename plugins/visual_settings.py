"""The visual layer's settings from the command line: checked at the start, and the options its commands repeat.

A printed command (``make it: ./run.sh test … --update-snapshots=missing``) must write the same
target's baselines as the run that printed it: it repeats the options that chose the portal, its
API, its sign-ins and its baselines. Secrets are never printed: an option given on the command
line is named with a placeholder to fill in, one taken from its environment variable is left to it.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from pathlib import Path

import pytest

from pages.addresses import ADDRESSES_VARIABLE, ScreenAddresses

from .option_values import number_between
from .visual_baselines import DEFAULT_THRESHOLD, Settings

NAME = re.compile(r"[\w.-]+", re.ASCII)  # what may go into a file name: no folders, no '..'
NOT_IN_NAME = re.compile(r"[^\w.-]+|\.\.+", re.ASCII)  # what a name put into a file name leaves out
SECRET = "..."  # stands for a secret's value in a printed command
# The options that chose what a run compares, with the variable each defaults to, and whether it is a secret.
TARGET_OPTIONS = (
    ("--base-url", "base_url", None, False),
    ("--api-url", "api_url", "PORTAL_API_URL", False),
    ("--portal-password", "portal_password", "PORTAL_PASSWORD", True),
    ("--portal-totp-secret", "portal_totp_secret", "PORTAL_TOTP_SECRET", True),
    ("--auth-dir", "auth_dir", None, False),
    ("--user-domain", "user_domain", "PORTAL_USER_DOMAIN", False),  # who signs in: Entra ID's users, by full name
    ("--role-user", "role_user", None, False),  # once per pair
    ("--api-client-id", "api_client_id", "PORTAL_API_CLIENT_ID", False),  # the tokens for the tests' customers
    ("--screen-addresses", "screen_addresses", ADDRESSES_VARIABLE, False),  # where the screens are opened
    ("--ignore-https-errors", "ignore_https_errors", None, False),  # a flag: a test deployment's own certificate
    ("--close-banner", "close_banner", None, False),  # once per button: a banner left over Edit fails the test
    ("--ws-endpoint", "ws_endpoint", "PW_TEST_CONNECT_WS_ENDPOINT", False),  # another machine renders otherwise
    ("--browser-channel", "browser_channel", None, False),  # Chrome or Edge, not the Chromium of the baselines' name
    ("--a11y-baseline", "a11y_baseline", None, False),
    ("--device", "device", None, False),  # pytest-playwright's emulated device: its scale has baselines of its own
)


def is_file_name_part(value: str) -> bool:
    """Tell whether ``value`` may be part of a file name: letters, digits, '-', '_', '.', and no '..'."""
    return bool(NAME.fullmatch(value)) and ".." not in value


def platform_named(navigator_platform: str) -> str:
    """Return the platform a browser's ``navigator.platform`` names, as Python's ``sys.platform`` names it ("Linux
    x86_64": linux; "MacIntel": darwin; "Win32": win32), else that name as a file name may hold it."""
    known = {"linux": "linux", "mac": "darwin", "win": "win32"}
    said = navigator_platform.strip().lower()
    return next(
        (name for start, name in known.items() if said.startswith(start)), NOT_IN_NAME.sub("-", said) or "unknown"
    )


def threshold_value(text: str) -> float:
    """Parse ``--snapshot-threshold``: pixelmatch's threshold, from 0 (any change of colour) to 1 (none)."""
    return number_between(text, 0, 1, what="a number", bounds="0 (exact) and 1 (anything matches)")


def as_typed(value: object) -> str:
    """Return an option's value as typed on the command line: screens' addresses as their SCREEN=ADDRESS pairs."""
    if isinstance(value, ScreenAddresses):
        bundled = ScreenAddresses()
        return ",".join(f"{screen}={address}" for screen, address in dataclasses.asdict(value).items()
                        if address != getattr(bundled, screen))  # fmt: skip
    return str(value)


def from_environment(value: object, variable: str | None) -> bool:
    """Tell whether ``value`` is the one ``variable`` gives, which a command run here has too."""
    given = os.environ.get(variable) if variable else None
    if given is None or not isinstance(value, ScreenAddresses):
        return given is not None and value == given
    try:
        return value == ScreenAddresses.parse(given)
    except (TypeError, ValueError):
        return False


def target_options(config: pytest.Config) -> list[str]:
    """Return the options, with their values, that chose the portal, its sign-ins and its browser (a secret as a
    placeholder): a printed command without ``--user-domain`` or ``--ignore-https-errors`` could not sign in."""
    chosen: list[str] = []
    for option, dest, variable, secret in TARGET_OPTIONS:
        value = getattr(config.option, dest, None)
        if not value or from_environment(value, variable):
            continue
        if value is True:  # a flag
            chosen.append(option)
        for one in value if isinstance(value, list) else [] if value is True else [value]:
            chosen += [option, SECRET if secret else as_typed(one)]
    return chosen


def check_folder(folder: Path, given: bool) -> None:
    """Refuse a baselines' folder that cannot be one: it, or a folder it would be made in, is a file."""
    option = f"--snapshot-dir {folder}" if given else f"the baselines' folder {folder}"
    existing = next((part for part in (folder, *folder.parents) if part.exists()), None)
    if existing is not None and not existing.is_dir():
        raise pytest.UsageError(f"{option}: {existing} is a file, not a folder; give a folder for the baselines")


def settings_for(config: pytest.Config, default_folder: str) -> Settings:
    """Return the run's visual settings; ``pytest.UsageError`` for a folder or platform that cannot be used."""
    folder, platform = config.getoption("--snapshot-dir"), config.getoption("--snapshot-platform")
    if platform and not is_file_name_part(platform):
        raise pytest.UsageError(
            f"--snapshot-platform (or $SNAPSHOT_PLATFORM) {platform!r}: it is part of the baselines' file names, "
            "so letters, digits, '-', '_' and '.' only (no '/', no '..'), e.g. linux-arm64"
        )
    path = Path(folder) if folder else config.rootpath / default_folder
    check_folder(path, bool(folder))
    masks = tuple(config.getoption("--snapshot-mask") or ())
    blank = [mask for mask in masks if not mask.strip()]
    if blank:
        raise pytest.UsageError("--snapshot-mask takes a selector of what to mask (e.g. 'time', '#last-signed-in')")
    threshold = config.getoption("--snapshot-threshold")
    chosen = [("--snapshot-dir", folder), ("--snapshot-platform", platform), *(("--snapshot-mask", m) for m in masks),
              ("--snapshot-threshold", None if threshold is None else f"{threshold:g}")]  # fmt: skip
    own = [part for option, value in chosen if value for part in (option, value)]
    return Settings(
        mode=config.getoption("--update-snapshots"),
        folder=path,
        platform=platform or sys.platform,
        platform_of_browser=not platform and bool(config.getoption("--ws-endpoint", None)),
        options=(*target_options(config), *own),
        masks=masks,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
    )
