"""The main job (``./run.sh demo``) stopped, piped or given a folder it cannot write: said in a line, nothing left."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from at_a_terminal import at_a_terminal

from fixtures.sqlite import OWNER_FILE, owner_mark
from flows.console import shown_path

pytestmark = pytest.mark.regression
ROOT = Path(__file__).resolve().parent.parent
DEMO = [sys.executable, "-m", "fixtures.demo"]


def database_folders_of(pid: int) -> list[Path]:
    """Return the temporary database folders the process ``pid`` made (the bundled portal's and its provider's)."""
    mark = owner_mark(pid)
    temporary = Path(tempfile.gettempdir())
    folders = [*temporary.glob("portal-db-*"), *temporary.glob("identity-db-*")]
    return [folder for folder in folders if owner_of(folder) == mark]


def owner_of(folder: Path) -> str | None:
    """Return what a database folder says of the process that made it, or None when it says nothing (yet)."""
    try:
        return (folder / OWNER_FILE).read_text(encoding="utf-8")
    except OSError:
        return None


@pytest.mark.bundled  # it serves the bundled portal
@pytest.mark.parametrize(
    ("stop", "word"),
    [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated"), (signal.SIGHUP, "hung up")],
    ids=["ctrl-c", "terminated", "hung-up"],
)
def test_the_demo_stopped_midway_says_so_in_one_line_and_removes_its_portal_s_data(
    tmp_path: Path, stop: signal.Signals, word: str
) -> None:
    # Given the demo at work: its portal serving, its browser signing in; a trace of an earlier run in its folder
    (tmp_path / "trace.zip").write_bytes(b"an earlier run's")
    command = [*DEMO, "--output", str(tmp_path)]
    with subprocess.Popen(
        at_a_terminal(command), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as demo:
        assert demo.stderr is not None
        first = demo.stderr.readline()  # its first step: signing in
        made = database_folders_of(demo.pid)

        # When it is stopped (Ctrl-C at its terminal, a CI job cancelled, its terminal closed)
        demo.send_signal(stop)
        said = first + demo.communicate(timeout=60)[1]

    # Then it says so in one line with the shell's code, where its own trace is, and its portal's databases are gone
    assert first.startswith("step: ") and len(made) == 2, (said, made)
    assert demo.returncode == 128 + stop and f"error: {word}: stopped before the job was done\n" in said, said
    assert "Traceback" not in said and not [folder for folder in made if folder.exists()], said
    # Its own trace (a stop waits out Playwright's connection at work, which it would leave unable to stop tracing),
    # or, were a stop to leave it so elsewhere, its word that none was written: never the earlier run's
    traced = [(ROOT / line.split()[1]).resolve() for line in said.splitlines() if line.startswith("  trace: ")]
    if traced:
        assert traced == [tmp_path / "trace.zip"] and zipfile.is_zipfile(tmp_path / "trace.zip"), said
    else:
        assert "  No trace written to " in said and not (tmp_path / "trace.zip").exists(), said


@pytest.mark.bundled  # it serves the bundled portal
def test_the_demo_piped_to_a_reader_that_leaves_still_does_its_work(tmp_path: Path) -> None:
    # Given the demo's output read by a reader that goes after the first line (`./run.sh demo | head -1`)
    command, steps = [*DEMO, "--output", str(tmp_path / "out")], tmp_path / "steps.txt"
    with steps.open("w") as stderr:
        demo = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True)
        assert demo.stdout is not None
        first = demo.stdout.readline()  # said at once, not held until the job is done
        demo.stdout.close()
        code = demo.wait(timeout=120)
    said = steps.read_text()

    # Then the job goes on to its end, says nothing of the pipe, and exits as the change persisted
    assert first.startswith("Bundled portal on "), first
    assert code == 0 and "step: Reload the Account page took" in said, said
    assert "Traceback" not in said and "BrokenPipe" not in said, said
    assert (tmp_path / "out" / "final.png").is_file()


@pytest.mark.tooling  # it stops before any portal or browser
def test_the_demo_says_at_once_that_it_cannot_write_its_evidence(tmp_path: Path) -> None:
    # Given an --output that cannot be a folder (a read-only checkout's demo-results cannot be written either)
    (tmp_path / "a-file").touch()
    output = tmp_path / "a-file" / "out"

    done = subprocess.run([*DEMO, "--output", str(output)], cwd=ROOT, capture_output=True, text=True, timeout=60)

    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    shown = shown_path(output, {"RUN_FROM": str(ROOT)})
    said = f"error: cannot write the trace and screenshot in {shown} (Not a directory): give --output DIR\n"
    assert done.stderr == said


@pytest.mark.tooling
def test_a_path_is_said_for_the_folder_the_command_was_typed_in(tmp_path: Path) -> None:
    # run.sh changes to the project first, naming the folder it was called from in $RUN_FROM
    inside, outside = tmp_path / "here" / "demo-results" / "trace.zip", Path("/elsewhere/trace.zip")

    assert shown_path(inside, {"RUN_FROM": str(tmp_path / "here")}) == str(Path("demo-results", "trace.zip"))
    assert shown_path(outside, {"RUN_FROM": str(tmp_path)}) == str(outside)
    assert shown_path(Path.cwd() / "trace.zip", {}) == "trace.zip"  # without run.sh: the current folder's
    # A folder typed in through a link ($PWD keeps it), the file named by the folder it leads to
    (tmp_path / "link").symlink_to(tmp_path / "here", target_is_directory=True)
    (tmp_path / "here").mkdir()
    assert shown_path(inside, {"RUN_FROM": str(tmp_path / "link")}) == str(Path("demo-results", "trace.zip"))


@pytest.mark.bundled  # it serves the bundled portal
def test_the_demo_run_from_another_folder_says_its_files_for_that_folder(tmp_path: Path) -> None:
    # Given ./run.sh demo typed in a folder of one's own (run.sh changes to the project first)
    here = tmp_path / "here"
    here.mkdir()

    done = subprocess.run(["bash", str(ROOT / "run.sh"), "demo", "--output", str(here / "out")], cwd=here,
                          capture_output=True, text=True, timeout=300)  # fmt: skip

    # Then its files are said as found from there, and the command that opens the trace runs from there too
    assert done.returncode == 0, done.stderr
    python = Path(sys.executable).absolute()
    assert f"Trace:      out/trace.zip  (open: {python} -m playwright show-trace out/trace.zip)" in done.stdout
    assert "Screenshot: out/final.png" in done.stdout and (here / "out" / "final.png").is_file(), done.stdout
