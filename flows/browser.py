"""Find a Chromium that Playwright can drive: its own build where installed, else the system's.

Playwright's managed browsers come from ``playwright install chromium``. Where that download
is impossible (closed networks, some Linux distributions), a system Chromium works through
``executable_path``; ``CHROMIUM_PATH`` names one explicitly and wins over everything else.

The browser may also run elsewhere, under a Playwright server (``playwright run-server``, what
Playwright's container image runs): ``PW_TEST_CONNECT_WS_ENDPOINT`` or an explicit ``ws://``
endpoint makes :func:`connect_browser` ask that server to launch it.
"""

from __future__ import annotations

import base64
import http.client
import inspect
import json
import os
import re
import shlex
import shutil
import ssl
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import playwright

from .console import shown_path

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserType

BROWSER_NAMES = ("chromium", "firefox", "webkit")  # Playwright's
CHROMIUM_PATH_VARIABLE = "CHROMIUM_PATH"
# The name Playwright's own test runner reads, so a CI image set up for remote browsers works as is.
WS_ENDPOINT_VARIABLE = "PW_TEST_CONNECT_WS_ENDPOINT"
# An unreachable server should fail within seconds, but connecting also waits for the server to
# launch the browser, which on a loaded machine takes far longer than an HTTP answer: two limits.
REACH_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_MS = 120_000
SYSTEM_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# Headless, Playwright's own install runs Chromium's "headless shell", a build without the desktop
# browser's window machinery; distributions package it too (Debian: chromium-headless-shell). It
# takes far less CPU per test (see benchmarks/results.md), so headless runs prefer it likewise.
SYSTEM_HEADLESS_SHELL_NAMES = ("chromium-headless-shell", "chrome-headless-shell")
# Without these a distribution's Chromium phones home at start (updates, sync, field trials);
# on a closed network every such call fails and slows the launch.
QUIET_CHROMIUM_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)


class BrowserNotFoundError(RuntimeError):
    """No browser can be launched here: not installed (Chromium, or Playwright's Firefox or WebKit), or no display
    for a headed one; the message says what to install or set."""


class RemoteBrowserError(RuntimeError):
    """A Playwright server could not be reached or could not launch the browser; the message says why."""


def find_system_chromium(*, headless: bool = False) -> str | None:
    """Return the path of a Chromium installed by the system's package manager, if any.

    ``headless`` prefers the headless shell, which cannot open a window, to the full browser.
    """
    names = (SYSTEM_HEADLESS_SHELL_NAMES if headless else ()) + SYSTEM_CHROMIUM_NAMES
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def playwright_command() -> str:
    """Return the command that runs this environment's Playwright (``.venv/bin/python -m playwright``, or that of the
    environment ``VENV`` named): the one whose browsers this process uses."""
    return f"{shlex.quote(shown_path(sys.executable))} -m playwright"  # short below the caller's folder, as typed


def inspector_debugging(env: Mapping[str, str] = os.environ) -> bool:
    """Tell whether ``PWDEBUG`` opens the Playwright Inspector (any value but ``0``, ``false`` and ``console``)."""
    return env.get("PWDEBUG", "") not in ("", "0", "false", "console")


# A browser's folder among Playwright's downloads: chromium-1255, chromium_headless_shell-1255, firefox-1490
DOWNLOAD_FOLDER = re.compile(r"^(chromium|chromium_headless_shell|firefox|webkit)-\d+$")


def download_folder(executable: str) -> Path | None:
    """Return the folder of Playwright's downloads that holds ``executable``, one per browser and revision
    (``.../ms-playwright/chromium-1255/chrome-linux64/chrome``; on macOS deeper, inside the app's bundle), or None."""
    return next((folder for folder in Path(executable).parents if DOWNLOAD_FOLDER.match(folder.name)), None)


def managed_headless_shell(managed_executable: str) -> Path | None:
    """Return Playwright's own headless shell of the same build as its Chromium at ``managed_executable``, if installed
    (``playwright install --only-shell``: headless runs need no more). Playwright launches it itself, headless."""
    build = download_folder(managed_executable)
    if build is None or not build.name.startswith("chromium-"):
        return None
    revision = build.name.partition("-")[2]
    shells = (build.parent / f"chromium_headless_shell-{revision}").glob("*/chrome-headless-shell*")
    return next((shell for shell in shells if shell.is_file() and shell.suffix in ("", ".exe")), None)


def missing_video_recorder(managed_executable: str) -> Path | None:
    """Return where Playwright looks for its ffmpeg (which records videos) if it is not installed there, else None.

    ``managed_executable`` is a browser's path in Playwright's folder of downloads; its ffmpeg is in that folder too,
    of the revision this Playwright names (``playwright install ffmpeg``). Unknown (no revision named): None.
    """
    named = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    try:
        downloads = json.loads(named.read_text())["browsers"]
        revision = next(download["revision"] for download in downloads if download["name"] == "ffmpeg")
    except (OSError, ValueError, KeyError, StopIteration):
        return None
    build = download_folder(managed_executable)
    if build is None:
        return None
    recorder = build.parent / f"ffmpeg-{revision}"
    return None if recorder.is_dir() else recorder


def chromium_launch_options(managed_executable: str, *, headless: bool = True) -> dict[str, Any]:
    """Return the launch options that make Playwright start a working Chromium.

    ``managed_executable`` is where Playwright's own build would be
    (``playwright.chromium.executable_path``). The result is ``{}`` when that build is
    installed and no override is set (Playwright then picks its headless shell itself);
    otherwise it names a system executable: the headless shell, where there is one, when
    ``headless`` (Playwright's default, as for ``launch``).
    """
    override = os.environ.get(CHROMIUM_PATH_VARIABLE)
    if override:
        if not (os.path.isfile(override) and os.access(override, os.X_OK)):  # a folder is "executable" too
            raise BrowserNotFoundError(
                f"{CHROMIUM_PATH_VARIABLE}={override!r} is not an executable file. "
                "Point it at a Chromium binary, or unset it to use Playwright's own Chromium."
            )
        return {"executable_path": override, "args": list(QUIET_CHROMIUM_FLAGS)}
    headless_run = headless and not inspector_debugging()
    if os.path.exists(managed_executable) or (headless_run and managed_headless_shell(managed_executable)):
        return {"args": list(QUIET_CHROMIUM_FLAGS)}
    # Under PWDEBUG Playwright launches headed whatever it is asked: a headless shell would show no page, no Inspector.
    system = find_system_chromium(headless=headless_run)
    if system:
        return {"executable_path": system, "args": list(QUIET_CHROMIUM_FLAGS)}
    raise BrowserNotFoundError(
        "No Chromium found for Playwright. Install one of:\n"
        f"  - Playwright's build:  {shlex.quote(sys.executable)} -m playwright install --with-deps chromium\n"
        "  - Debian/Ubuntu:       sudo apt-get install chromium\n"
        f"or set {CHROMIUM_PATH_VARIABLE} to the path of a Chromium or Chrome binary."
    )


def launch_options_for(
    browser_name: str,
    managed_executable: str,
    channel: str | None = None,
    *,
    remote: bool = False,
    headless: bool = True,
) -> dict[str, Any]:
    """Return extra launch options for ``browser_name``; only Chromium without a channel needs any.

    ``remote`` means a Playwright server launches the browser: this machine then needs no Chromium
    of its own, and ``CHROMIUM_PATH`` names a binary on the server's machine, unchecked here.
    """
    if browser_name != "chromium" or channel:
        if not (remote or channel or Path(managed_executable).exists()):  # else each test fails with Playwright's box
            raise BrowserNotFoundError(
                f"Playwright's {browser_name} is not installed here ({managed_executable}): install it with "
                f"`{playwright_command()} install --with-deps {browser_name}`, or run it under a Playwright server "
                f"(--ws-endpoint)"
            )
        return {}
    if not remote:
        return chromium_launch_options(managed_executable, headless=headless)
    override = os.environ.get(CHROMIUM_PATH_VARIABLE)
    if override:
        return {"executable_path": override, "args": list(QUIET_CHROMIUM_FLAGS)}
    try:
        return chromium_launch_options(managed_executable, headless=headless)
    except BrowserNotFoundError:
        return {"args": list(QUIET_CHROMIUM_FLAGS)}  # the server's own Chromium


def ws_endpoint_or_env(ws_endpoint: str | None = None) -> str | None:
    """Return the Playwright server to use, or None to launch the browser here.

    ``ws_endpoint`` wins when given (``""`` for none); otherwise ``PW_TEST_CONNECT_WS_ENDPOINT`` names it.
    """
    return (os.environ.get(WS_ENDPOINT_VARIABLE) if ws_endpoint is None else ws_endpoint) or None


def headed_without_display(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str | None:
    """Say why a headed browser cannot open here (Linux without ``$DISPLAY`` or ``$WAYLAND_DISPLAY``), else None.

    Only Linux: macOS and Windows have a display without those variables.
    """
    if not platform.startswith("linux") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "A headed browser (--headed; headed=True in a script) needs a display, and this machine has none "
        "($DISPLAY and $WAYLAND_DISPLAY are unset): run under xvfb-run (xvfb-run ./run.sh test --headed ..., "
        "xvfb-run python script.py), or headless"
    )


def check_reachable(ws_endpoint: str, timeout: float | None = None) -> None:
    """Raise RemoteBrowserError within ``timeout`` seconds (default: ``REACH_TIMEOUT_S``) unless an HTTP server answers.

    Playwright's own connect has one limit for the handshake and the browser's launch together;
    this check lets a wrong, stopped or silent endpoint fail in seconds. A Playwright server
    answers a plain GET; any answer will do, since a service in front of one may refuse it.
    """
    parts = urlsplit(ws_endpoint)
    if parts.scheme not in ("ws", "wss", "http", "https") or not parts.hostname:
        raise RemoteBrowserError(f"{ws_endpoint!r} is not a Playwright server endpoint: expected ws://host:port/")
    secure = parts.scheme in ("wss", "https")
    timeout = REACH_TIMEOUT_S if timeout is None else timeout
    try:
        port = parts.port or (443 if secure else 80)
    except ValueError as error:  # a port out of range or not a number
        raise RemoteBrowserError(f"{ws_endpoint!r} is not a Playwright server endpoint: {error}") from error
    if secure:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # only asking whether it answers
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
    handshake = {  # as a WebSocket client opens one: a Playwright server switches protocols, a web page does not
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
    }
    try:
        connection.request("GET", urlunsplit(("", "", parts.path or "/", parts.query, "")), headers=handshake)
        answer = connection.getresponse()
        answer.close()
    except (OSError, http.client.HTTPException) as error:
        raise RemoteBrowserError(
            f"No Playwright server answers at {ws_endpoint} ({error or type(error).__name__}). Start one where "
            f"the browser should run, e.g. `playwright run-server --host 0.0.0.0 --port {port}` (with `--unsafe` "
            f"for a system Chromium), or unset {WS_ENDPOINT_VARIABLE} / drop --ws-endpoint to run the browser here."
        ) from error
    finally:
        connection.close()
    # 101: a WebSocket server; 401, 403, 407: one in front that wants credentials the connection itself may carry.
    if answer.status not in (101, 401, 403, 407):
        raise RemoteBrowserError(
            f"{ws_endpoint} answers, but not as a Playwright server: HTTP {answer.status} {answer.reason} to a "
            f"WebSocket handshake. Give the address `playwright run-server` prints (ws://host:port/), not a web "
            f"page's (the portal's?)"
        )


def camel_case(name: str) -> str:
    """Return a Python launch option's name as the Playwright protocol spells it: ``slow_mo`` -> ``slowMo``."""
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), name)


def connect_options_for(ws_endpoint: str, launch_options: dict[str, Any]) -> dict[str, Any]:
    """Return ``BrowserType.connect`` keyword arguments that launch the browser as ``launch_options`` say.

    A Playwright server takes launch options from the ``x-playwright-launch-options`` header, in
    the protocol's camelCase (``executablePath``), never Python's names. It drops ``args`` and
    ``executablePath`` unless started with ``--unsafe``: these run arbitrary programs on its machine.
    """
    from playwright.sync_api import BrowserType

    # Playwright 1.49 names the endpoint ``ws_endpoint``; later versions name it ``endpoint``.
    parameters = inspect.signature(BrowserType.connect).parameters
    endpoint_name = "endpoint" if "endpoint" in parameters else "ws_endpoint"
    header = {camel_case(name): value for name, value in launch_options.items() if value is not None}
    return {
        endpoint_name: ws_endpoint,
        "timeout": CONNECT_TIMEOUT_MS,
        "headers": {"x-playwright-launch-options": json.dumps(header, default=str)},
    }


def describe_connect_failure(ws_endpoint: str, launch_options: dict[str, Any], error: Exception) -> str:
    """Explain why the Playwright server at ``ws_endpoint`` gave no browser, with what to do about it."""
    message = str(error).split("\nCall log:")[0].strip()
    hints = [f"The Playwright server at {ws_endpoint} gave no browser: {message}"]
    if "Executable doesn't exist" in message:
        hints.append(
            "The server's machine has no such browser. Either run `playwright install chromium` there, "
            "or start the server with `--unsafe` so it accepts an executable path and set "
            f"{CHROMIUM_PATH_VARIABLE} to that machine's Chromium"
            + (f" (asked for: {launch_options['executable_path']})." if "executable_path" in launch_options else ".")
        )
    elif "428 Precondition Required" in message:  # what a server answers a client of another version
        hints.append("The server must run the same Playwright version as this machine (pip show playwright).")
    return "\n".join(hints)


def connect_browser(browser_type: BrowserType, ws_endpoint: str, launch_options: dict[str, Any]) -> Browser:
    """Have the Playwright server at ``ws_endpoint`` launch ``browser_type`` with ``launch_options``."""
    from playwright.sync_api import Error

    check_reachable(ws_endpoint)
    try:
        return browser_type.connect(**connect_options_for(ws_endpoint, launch_options))
    except Error as error:
        raise RemoteBrowserError(describe_connect_failure(ws_endpoint, launch_options, error)) from error


def launch_browser(browser_type: BrowserType, options: dict[str, Any]) -> Browser:
    """Launch ``browser_type`` with ``options``; one that does not start (not a browser, crashed at once, no display
    for it) is a ``BrowserNotFoundError`` naming it and what it said, not Playwright's page of its logs."""
    from playwright.sync_api import Error

    try:
        return browser_type.launch(**options)
    except Error as error:
        lines = str(error).splitlines()
        said = next((line.strip() for line in lines if "[err]" in line and line.split("[err]")[-1].strip()), "")
        which = options.get("executable_path") or f"Playwright's {browser_type.name}"
        raise BrowserNotFoundError(
            f"The browser {which} did not start: {lines[0] if lines else error}"
            + (f" ({said.split('[err]')[-1].strip()})" if said else "")
            + ". `python -m flows browser` says which browser is used and how to install another"
        ) from error


def report_browser() -> int:
    """Print which Chromium Playwright will use; return 1 with advice when there is none, or no server answers."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        managed = playwright.chromium.executable_path
    endpoint = ws_endpoint_or_env()
    if endpoint:
        options = launch_options_for("chromium", managed, remote=True)
        where = options.get("executable_path", "its own Chromium")
        print(f"Playwright server at {endpoint} ({WS_ENDPOINT_VARIABLE}); it is asked to launch {where}")
        try:  # a report of a server that is not there would read as all set
            check_reachable(endpoint)
        except RemoteBrowserError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        return 0
    try:
        headless = chromium_launch_options(managed, headless=True)
    except BrowserNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    chosen = headless.get("executable_path", f"Playwright's Chromium: {managed}")
    try:
        headed = chromium_launch_options(managed, headless=False).get("executable_path")
    except BrowserNotFoundError:  # a headless shell alone: fine for CI, no window to watch
        headed = "none, install chromium to watch a run"
    if headed != headless.get("executable_path"):
        chosen += f" (headed: {headed})"
    print(chosen)
    return 0
