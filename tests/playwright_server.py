"""A Playwright server (``playwright run-server``) for tests, as Playwright's container image runs one."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from at_a_terminal import at_a_terminal

MARKER_VARIABLE = "PORTAL_SUITE_PLAYWRIGHT_SERVER"  # set on the server: its processes, Chromium too, inherit it
LAUNCH_LINE = 'engaged launch mode for "chromium"'  # what the server logs (DEBUG=pw:server) per browser it launches
START_TIMEOUT_S = 60
RUN_TIMEOUT_S = 300
QUICK_S = 10  # "at once": well below the 30 s or more an unguarded connect could hang, on a loaded machine too
# Linux shows each process's environment; elsewhere the log line alone proves where the browser runs.
HAS_PROC = Path("/proc/self/environ").exists()


@dataclass
class PlaywrightServer:
    """A ``playwright run-server`` started for these tests."""

    endpoint: str
    log: Path
    marker: str

    def launches(self) -> int:
        """How many browsers the server has launched for its clients so far."""
        return self.log.read_text(errors="replace").count(LAUNCH_LINE)

    def processes(self) -> list[str]:
        """The command lines of the live processes started by the server (Linux), itself included."""
        return [command for _, command in processes_marked(self.marker)]


def processes_marked(marker: str) -> list[tuple[int, str]]:
    """Return (pid, command line) of the live processes whose environment carries ``marker``."""
    found = []
    tag = f"{MARKER_VARIABLE}={marker}".encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if tag in (entry / "environ").read_bytes().split(b"\0"):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append((int(entry.name), command))
        except OSError:  # gone meanwhile, or someone else's
            continue
    return found


def wait_until_listening(server: subprocess.Popen[bytes], log: Path) -> str:
    """Return the endpoint the server prints once it listens; fail if it exits or stays silent."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (listening := re.search(r"^Listening on (\S+)", log.read_text(errors="replace"), re.MULTILINE)):
        if time.monotonic() > deadline:
            pytest.fail(f"playwright run-server did not listen within {START_TIMEOUT_S} s:\n{log.read_text()}")
        with contextlib.suppress(subprocess.TimeoutExpired):  # the pause between looks, cut short by an exit
            server.wait(timeout=0.1)
            pytest.fail(f"playwright run-server exited with {server.returncode}:\n{log.read_text()}")
    return listening.group(1)


def stop(server: subprocess.Popen[bytes], marker: str) -> None:
    """Stop the server and everything it started, even a browser it left behind."""
    # SIGINT makes the server close its browsers and exit; its Python wrapper exits with it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)
    # A browser runs in a process group of its own, so the signal above never reached it.
    for pid, _ in processes_marked(marker) if HAS_PROC else []:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def run_server(folder: Path, *options: str, own_browsers: bool = True) -> Iterator[PlaywrightServer]:
    """Run ``playwright run-server`` on 127.0.0.1 while the block runs, logging into ``folder``; without
    ``own_browsers``, as on a machine where Playwright's own browsers were never installed."""
    log = folder / "server.log"
    marker = secrets.token_hex(8)
    env = {**os.environ, "DEBUG": "pw:server", MARKER_VARIABLE: marker}
    if not own_browsers:  # where it looks for them: an empty folder
        (folder / "no-browsers").mkdir(exist_ok=True)
        env["PLAYWRIGHT_BROWSERS_PATH"] = str(folder / "no-browsers")
    # --port 0: the server takes a free port and prints it, so parallel workers never collide.
    command = [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1", "--port", "0", *options]
    with log.open("wb") as output:
        server = subprocess.Popen(
            at_a_terminal(command),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        yield PlaywrightServer(wait_until_listening(server, log), log, marker)
    finally:
        stop(server, marker)
