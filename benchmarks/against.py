"""This code against an earlier commit: the tests both hold, each commit's way as its own CI ran them.

The earlier commit is checked out in a worktree of its own, beside this one, and runs on this
tree's environment (``.venv``: today's packages, which an old enough commit may not have known);
this code runs where it is, uncommitted changes too. Each side runs with the arguments its
``.ci/run`` gives ``./run.sh test``, with ``-n 2`` for ``-n auto`` and every test (no ``-m`` selection); the runs
take turns, so drift on the machine hits both alike.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .pytest_run import ROOT, report_options, run_logged

# The commit before CI retried failed tests and traced only the retry: the suite's wall time then is
# what "half the time" is measured against.
BEFORE_RETRIES = "7b1144e~1"
WORKERS = "2"
# The line running the suite, after any variables set for it alone (``COLUMNS="${COLUMNS:-200}" ./run.sh test``).
CI_TEST_COMMAND = re.compile(r"""^(?:[A-Za-z_]\w*=(?:"[^"]*"|'[^']*'|\S)*\s+)*\./run\.sh test\b(.*)$""", re.MULTILINE)


@dataclass
class Side:
    """One commit's tree and how its CI ran the suite; the wall time of each run."""

    name: str
    root: Path
    arguments: list[str]
    walls: list[float] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    failed: bool = False


def ci_arguments(root: Path) -> list[str]:
    """Return the pytest arguments the tree's ``.ci/run`` gives ``./run.sh test``, two workers for ``-n auto``, without
    a ``-m`` selection."""
    ci = root / ".ci" / "run"
    found = CI_TEST_COMMAND.search(ci.read_text()) if ci.exists() else None
    arguments = shlex.split(found.group(1)) if found else ["-n", "auto"]
    # A marker selection splits the suite between CI's runs (the shared-portal proof takes the rest): not how CI runs
    # it. Each side runs every test.
    for at in reversed([i for i, arg in enumerate(arguments[:-1]) if arg == "-m"]):
        del arguments[at : at + 2]
    before = ["", *arguments]
    return [WORKERS if arg == "auto" and before[i] == "-n" else arg for i, arg in enumerate(arguments)]


def check_revision(revision: str) -> None:
    """Raise ``ValueError`` saying why when ``revision`` names no commit of this clone."""
    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        capture_output=True, check=False,
    )  # fmt: skip
    if found.returncode != 0:
        raise ValueError(f"{revision!r} names no commit of this clone (a shallow clone lacks older ones)")


@contextmanager
def worktree(revision: str) -> Iterator[Path]:
    """Check ``revision`` out beside this tree, with this tree's environment; remove it afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-against-") as folder:
        path = Path(folder) / "tree"
        git = ["git", "-C", str(ROOT)]
        added = subprocess.run(
            [*git, "worktree", "add", "--detach", str(path), revision], capture_output=True, text=True
        )
        if added.returncode != 0:
            raise ValueError(f"git could not check {revision!r} out: {added.stderr.strip()}")
        try:
            (path / ".venv").symlink_to(ROOT / ".venv")
            yield path
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(path)], check=False, capture_output=True)
            subprocess.run([*git, "worktree", "prune"], check=False, capture_output=True)


def collected(root: Path, selection: Sequence[str]) -> list[str]:
    """Return the test ids the tree collects from ``selection`` (the paths it has; all of them when empty).

    Raises ``RuntimeError`` with pytest's words when the tree cannot collect them.
    """
    paths = [path for path in selection if (root / path.split("::")[0]).exists()]
    if selection and not paths:
        return []
    with tempfile.TemporaryDirectory(prefix="bench-against-collect-") as folder:
        command = [
            sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
            *report_options(Path(folder)), *paths,
        ]  # fmt: skip
        listed = subprocess.run(command, cwd=root, capture_output=True, text=True, env=tree_env(root), check=False)
    if listed.returncode not in (0, 5):  # 5: nothing collected
        said = "\n".join((listed.stdout + listed.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"pytest could not collect the tests of {root}:\n{said}")
    return [line.strip() for line in listed.stdout.splitlines() if "::" in line and not line.startswith(" ")]


def tree_env(root: Path) -> dict[str, str]:
    """Return the environment a tree's tests run in: its own modules first."""
    return {**os.environ, "PYTHONPATH": str(root)}


def run_side(side: Side, tests: Sequence[str]) -> None:
    """Run ``tests`` once the way ``side``'s CI did; add the wall time and the summary."""
    with tempfile.TemporaryDirectory(prefix="bench-against-run-") as folder:
        out = Path(folder)
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *side.arguments, *report_options(out),
            *tests,
        ]  # fmt: skip
        wall, exit_code, lines = run_logged(command, side.root, tree_env(side.root), out / "pytest.log")
        side.walls.append(wall)
        side.summaries.append(lines[-1] if lines else "")
        side.failed = side.failed or exit_code != 0


def compare(
    revision: str, selection: Sequence[str], runs: int, log: Callable[[str], None] = print
) -> tuple[Side, Side, int]:
    """Run the tests both trees hold, ``runs`` times each side in turns; return (earlier, this code, tests)."""
    with worktree(revision) as earlier_root:
        label = subprocess.run(
            ["git", "-C", str(earlier_root), "log", "-1", "--format=%h %cs"], capture_output=True, text=True, check=True
        ).stdout.strip()
        earlier = Side(f"`{revision}` ({label})", earlier_root, ci_arguments(earlier_root))
        this = Side("this code", ROOT, ci_arguments(ROOT))
        tests = sorted(set(collected(earlier_root, selection)) & set(collected(ROOT, selection)))
        for number in range(runs if tests else 0):
            for side in (earlier, this):
                log(f"against {revision}: run {number + 1}/{runs} of {len(tests)} tests, {side.name}")
                run_side(side, tests)
    return earlier, this, len(tests)
