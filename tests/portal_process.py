"""The bundled portal as its own process, started the way a user starts it, and restarted at will.

For the tests of what a run survives: a portal restarted halfway (same ``--db``), lifetimes in
seconds. The state file lets another process (a pytest run inside a test) restart it too.
"""

from __future__ import annotations

import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ports import UNLENT_PORTS

from fixtures.portal.server import IN_USE

ROOT = Path(__file__).resolve().parent.parent
STATE_VARIABLE = "PORTAL_PROCESS_STATE"  # names the state file for a run inside a test
START_TIMEOUT_S = 60
_children: dict[int, subprocess.Popen[bytes]] = {}  # kept, so each is waited for, not left to the collector


@dataclass
class PortalProcess:
    """A ``python -m fixtures.portal`` process; ``state`` is the JSON file that describes it."""

    state: Path
    options: list[str]
    url: str = ""
    identity_url: str = ""
    pid: int = 0

    @classmethod
    def start(cls, folder: Path, *options: str) -> PortalProcess:
        """Start a portal on a new database in ``folder``, on free ports no other program is given meanwhile, with
        ``options``."""
        portal = cls(folder / "portal.json", ["--db", str(folder / "portal.sqlite"), *options])
        for _ in range(9):  # another process may have just taken the ports chosen
            portal_port, identity_port = random.sample(range(*UNLENT_PORTS), 2)
            if portal.launch("--port", str(portal_port), "--identity-port", str(identity_port), retry_in_use=True):
                return portal
        raise RuntimeError(f"the portal found no free ports in {UNLENT_PORTS} after 9 tries")

    @classmethod
    def from_state(cls, state: Path) -> PortalProcess:
        """Return the portal a state file describes."""
        return cls(state=state, **{k: v for k, v in json.loads(state.read_text()).items() if k != "state"})

    def launch(self, *where: str, retry_in_use: bool = False) -> bool:
        """Start the process and wait until it listens; record it in the state file and return True.

        With ``retry_in_use``, return False if its port is in use rather than fail."""
        log = self.state.with_suffix(".log")
        command = [sys.executable, "-m", "fixtures.portal", "--host", "127.0.0.1", *where, *self.options]
        with log.open("ab") as errors:  # the child keeps its own copy of the file
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=errors,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        assert process.stdout is not None
        first_lines = process.stdout.readline().decode() + process.stdout.readline().decode()  # once both listen
        listening = re.findall(r"(http://\S+?/)", first_lines)
        if len(listening) < 2:
            process.kill()
            process.wait()
            process.stdout.close()
            said = log.read_text(errors="replace").rstrip().rpartition("\n")[2]
            if retry_in_use and IN_USE in said:
                return False
            raise RuntimeError(f"the portal did not start: {first_lines!r}, {said!r}; see {log}")
        (self.url, self.identity_url), self.pid = listening[:2], process.pid
        _children[process.pid] = process
        self.state.write_text(json.dumps({k: v for k, v in asdict(self).items() if k != "state"}, default=str))
        return True

    def stop(self) -> None:
        """Stop the process (a hard kill, as a crash or a deployment would) and wait until it is gone."""
        try:
            exited = os.pidfd_open(self.pid)  # readable once it exits, whoever its parent is
        except ProcessLookupError:
            return
        try:
            os.killpg(self.pid, signal.SIGKILL)
            select.select([exited], [], [], START_TIMEOUT_S)
        finally:
            os.close(exited)
        child = _children.pop(self.pid, None)
        if child is not None:
            child.wait()
            child.stdout.close()  # type: ignore[union-attr]

    @property
    def database(self) -> Path:
        """Return the portal's database file."""
        return Path(self.options[self.options.index("--db") + 1])

    @property
    def identity_database(self) -> Path:
        """Return the identity provider's database file, kept beside the portal's."""
        return self.database.with_suffix(".identity.sqlite")

    def restart(self) -> None:
        """Kill the portal and start it again on the same ports and database."""
        self.stop()
        port = self.url.rsplit(":", 1)[1].strip("/")
        self.launch("--port", port, "--identity-port", self.identity_url.rsplit(":", 1)[1].strip("/"))


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60, interval: float = 0.2) -> None:
    """Check ``condition`` every ``interval`` seconds until it holds; fail saying ``what`` after ``timeout``."""
    deadline, pause = time.monotonic() + timeout, threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        pause.wait(interval)
