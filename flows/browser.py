"""Find a Chromium that Playwright can drive: its own build where installed, else the system's.

Playwright's managed browsers come from ``playwright install chromium``. Where that download
is impossible (closed networks, some Linux distributions), a system Chromium works through
``executable_path``; ``CHROMIUM_PATH`` names one explicitly and wins over everything else.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

CHROMIUM_PATH_VARIABLE = "CHROMIUM_PATH"
SYSTEM_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# Without these a distribution's Chromium phones home at start (updates, sync, field trials);
# on a closed network every such call fails and slows the launch.
QUIET_CHROMIUM_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)


class BrowserNotFoundError(RuntimeError):
    """No Chromium is available to Playwright; the message says what to install."""


def find_system_chromium() -> str | None:
    """Return the path of a Chromium installed by the system's package manager, if any."""
    for name in SYSTEM_CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_launch_options(managed_executable: str) -> dict[str, Any]:
    """Return the launch options that make Playwright start a working Chromium.

    ``managed_executable`` is where Playwright's own build would be
    (``playwright.chromium.executable_path``). The result is ``{}`` when that build is
    installed and no override is set; otherwise it names a system executable.
    """
    override = os.environ.get(CHROMIUM_PATH_VARIABLE)
    if override:
        if not os.access(override, os.X_OK):
            raise BrowserNotFoundError(
                f"{CHROMIUM_PATH_VARIABLE}={override!r} is not an executable file. "
                "Point it at a Chromium binary, or unset it to use Playwright's own Chromium."
            )
        return {"executable_path": override, "args": list(QUIET_CHROMIUM_FLAGS)}
    if os.path.exists(managed_executable):
        return {"args": list(QUIET_CHROMIUM_FLAGS)}
    system = find_system_chromium()
    if system:
        return {"executable_path": system, "args": list(QUIET_CHROMIUM_FLAGS)}
    raise BrowserNotFoundError(
        "No Chromium found for Playwright. Install one of:\n"
        "  - Playwright's build:  python -m playwright install --with-deps chromium\n"
        "  - Debian/Ubuntu:       sudo apt-get install chromium\n"
        f"or set {CHROMIUM_PATH_VARIABLE} to the path of a Chromium or Chrome binary."
    )


def launch_options_for(browser_name: str, managed_executable: str, channel: str | None = None) -> dict[str, Any]:
    """Return extra launch options for ``browser_name``; only Chromium without a channel needs any."""
    if browser_name != "chromium" or channel:
        return {}
    return chromium_launch_options(managed_executable)


def report_browser() -> int:
    """Print which Chromium Playwright will use; return 1 with advice when there is none."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        managed = playwright.chromium.executable_path
    try:
        options = chromium_launch_options(managed)
    except BrowserNotFoundError as error:
        print(error)
        return 1
    print(options.get("executable_path", f"Playwright's Chromium: {managed}"))
    return 0
