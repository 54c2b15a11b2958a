"""The commands tests stop get Ctrl-C, SIGTERM and SIGHUP as at a terminal, though the run was started ignoring them
(``nohup``, a script's ``./run.sh test &``): else the tests of their stops fail for how the run was started."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest
from at_a_terminal import STOPS, at_a_terminal

pytestmark = pytest.mark.tooling  # no portal, no browser

# A command that says, per stop, whether it takes it as at a terminal (Python's own Ctrl-C, the others' defaults), and
# its process id.
SAYS_ITS_STOPS = f"""import json, os, signal
stops = {[int(stop) for stop in STOPS]!r}
terminal = {{int(signal.SIGINT): signal.default_int_handler}}
taken = [signal.getsignal(stop) is terminal.get(stop, signal.SIG_DFL) for stop in stops]
print(json.dumps({{"taken": taken, "pid": os.getpid()}}))"""


def stops_set(handler: Callable[[int, FrameType | None], Any] | int) -> Iterator[None]:
    """Set each stop to ``handler`` (``SIG_IGN``: ignored) for a test's time; then put back what it had."""
    taken = {stop: signal.signal(stop, handler) for stop in STOPS}
    try:
        yield
    finally:
        for stop, before in taken.items():
            signal.signal(stop, signal.SIG_DFL if before is None else before)


@pytest.fixture
def run_ignoring_stops() -> Iterator[None]:
    """This process ignoring the stops, as a run started by ``nohup`` or ``&`` does."""
    yield from stops_set(signal.SIG_IGN)


@pytest.fixture
def run_taking_stops() -> Iterator[None]:
    """This process taking the stops, as a run started at a terminal or by CI does (Python's Ctrl-C for each)."""
    yield from stops_set(signal.default_int_handler)


def started(command: list[str]) -> tuple[dict[str, object], int]:
    """Start ``command``; return what it said and its process id as the test knows it."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        said, _ = process.communicate(timeout=60)
    assert process.returncode == 0, said
    return json.loads(said), process.pid


@pytest.mark.usefixtures("run_ignoring_stops")
def test_a_command_started_from_a_run_that_ignores_the_stops_takes_them_as_at_a_terminal() -> None:
    # Given a run started ignoring Ctrl-C, SIGTERM and SIGHUP; a command started plainly inherits them ignored
    plain, _ = started([sys.executable, "-c", SAYS_ITS_STOPS])
    assert plain["taken"] == [False] * len(STOPS), "the control: an ignored signal stays ignored through exec"

    # When the command is started at_a_terminal
    said, pid = started(at_a_terminal([sys.executable, "-c", SAYS_ITS_STOPS]))

    # Then it takes each as at a terminal, in the process the test signals
    assert said["taken"] == [True] * len(STOPS), f"stops {[stop.name for stop in STOPS]}: {said}"
    assert said["pid"] == pid, "a signal sent to the process started would not reach the command"


@pytest.mark.usefixtures("run_taking_stops")
def test_a_command_started_from_a_run_that_takes_the_stops_is_started_as_it_is() -> None:
    # Given a run that takes the stops (started at a terminal, by CI), when a command is started at_a_terminal
    said, _ = started(at_a_terminal([sys.executable, "-c", SAYS_ITS_STOPS]))

    # Then it takes them as this run does: nothing stands between the test and the command
    assert said["taken"] == [True] * len(STOPS), said
    assert at_a_terminal(["python", "-c", "pass"]) == ["python", "-c", "pass"]
