"""The bundled portal's own command (python -m fixtures.portal): the ports and lifetimes it refuses, a port another
program holds, and no database folder left behind once it stops (Ctrl-C, a termination signal, served in threads)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from at_a_terminal import at_a_terminal

from fixtures.portal import __main__ as portal_command_line
from fixtures.portal.server import serve_portal

pytestmark = pytest.mark.regression
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("args", "said"),
    [
        pytest.param(["--port", "70000"], "argument --port: 70000 is not a port: give 0 to 65535", id="too-high"),
        pytest.param(["--identity-port", "-1"], "argument --identity-port: -1 is not a port", id="negative-port"),
        pytest.param(["--port", "18779", "--identity-port", "18779"], "--port and --identity-port must differ",
                     id="the-same-port"),
        pytest.param(["--token-lifetime", "inf"], "argument --token-lifetime: inf is not a lifetime: give 1 to "
                     "315360000 seconds (ten years)", id="infinite"),
        pytest.param(["--token-lifetime", "nan"], "argument --token-lifetime: nan is not a lifetime", id="nan"),
        pytest.param(["--session-lifetime", "0"], "argument --session-lifetime: 0 is not a lifetime", id="zero"),
        pytest.param(["--session-lifetime=-60"], "argument --session-lifetime: -60 is not a lifetime",
                     id="negative-lifetime"),
        pytest.param(["--token-lifetime", "0.5"], "argument --token-lifetime: 0.5 is not a lifetime", id="under-1-s"),
        pytest.param(["--session-lifetime", "1e12"], "argument --session-lifetime: 1e12 is not a lifetime",
                     id="past-any-date"),
    ],
)  # fmt: skip
@pytest.mark.tooling
def test_the_portal_command_line_refuses_ports_and_lifetimes_it_cannot_use(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        portal_command_line.parse_args(args)

    assert refused.value.code == 2 and said in capsys.readouterr().err


@pytest.mark.bundled  # it starts the bundled portal itself
def test_the_bundled_portal_served_in_threads_leaves_no_database_folder_once_stopped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where this process makes temporary folders

    with serve_portal():
        made = sorted(folder.name.split("-")[0] for folder in tmp_path.iterdir())

    assert made == ["identity", "portal"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.bundled  # it starts the bundled portal itself
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminated"])
@pytest.mark.parametrize("lines", [1, 2], ids=["while-it-says-where", "once-both-listen"])
def test_the_portal_command_leaves_no_database_folder_once_stopped(
    stop: signal.Signals, lines: int, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "fixtures.portal", "--port", "0"]
    with subprocess.Popen(at_a_terminal(command), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, "TMPDIR": str(tmp_path)}) as portal:  # fmt: skip
        assert portal.stdout is not None
        listening = [portal.stdout.readline() for _ in range(lines)]  # stopped as soon as it says where it is
        made = sorted(folder.name.split("-")[0] for folder in tmp_path.iterdir())
        portal.send_signal(stop)
        _, errors = portal.communicate(timeout=60)

    assert "Partner Center mock portal on" in listening[0], listening
    assert (made, portal.returncode) == (["identity", "portal"], 0), errors
    assert list(tmp_path.iterdir()) == []


@pytest.mark.bundled  # it starts the bundled portal itself
def test_the_portal_command_says_a_database_it_cannot_open_in_one_line(tmp_path: Path) -> None:
    # Given a --db that cannot be a database file (a folder; as a read-only folder's file cannot be made)
    database = tmp_path / "portal.sqlite"
    database.mkdir()
    command = [sys.executable, "-m", "fixtures.portal", "--db", str(database), "--port", "0"]

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)

    said = done.stderr.strip()
    assert done.returncode == 1 and said.startswith(f"error: --db {database}: unable to open database file"), said
    assert said.endswith(": give a file in a folder this user can write") and "Traceback" not in said, said


@pytest.mark.bundled  # it starts the bundled portal itself
@pytest.mark.parametrize(
    "host", ["999.1.1.1", "192.0.2.1"], ids=["no-such-name", "not-this-machine-s"]
)  # 192.0.2.0/24: for documentation, never a machine's own
def test_the_portal_command_says_a_host_it_cannot_listen_on_is_the_host_s_fault(host: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "fixtures.portal", "--host", host, "--port", "0"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "TMPDIR": str(tmp_path)})  # fmt: skip

    # The system's reason between (its words differ by system), then what to do
    said = done.stderr.strip()
    assert done.returncode == 1 and said.startswith(f"error: The portal's host {host} cannot be listened on: "), said
    assert said.endswith(": give a --host of this machine (an address or a name it answers to)"), said
    assert list(tmp_path.iterdir()) == []


@pytest.mark.bundled  # it starts the bundled portal itself
@pytest.mark.parametrize(("option", "whose"), [("--port", "portal"), ("--identity-port", "identity provider")])
def test_the_portal_command_says_whose_port_another_program_holds(option: str, whose: str, tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        command = [sys.executable, "-m", "fixtures.portal", "--port", "0", option, str(port)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "TMPDIR": str(tmp_path)})  # fmt: skip

    said = f"error: The {whose}'s port {port} is in use by another program: stop that program, or give another {option}"
    assert (done.returncode, done.stderr.splitlines()) == (1, [f"{said} (0 picks a free one)"]), done.stderr
    assert list(tmp_path.iterdir()) == []
