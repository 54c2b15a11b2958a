"""The shell scripts elsewhere than on Debian with .venv: a Mac (bash 3.2, no sha256sum, an old python3), VENV."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from itertools import chain, pairwise
from pathlib import Path

import pytest
from source_imports import absolute_imports
from test_shards import collect

pytestmark = pytest.mark.tooling
ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted([ROOT / "run.sh", ROOT / ".ci" / "run", *(ROOT / "scripts").glob("*.sh")])
# "${a[@]}" of an array without elements is an "unbound variable" under set -u before bash 4.4 (macOS has 3.2);
# ${a[@]+"${a[@]}"} expands to nothing there.
BARE_ARRAY = re.compile(r'(?<!\+)"\$\{(\w+)\[@\]\}"')


def path_of(tmp_path: Path, *commands: str) -> str:
    """A $PATH holding only ``commands``, as found here: what a Mac has, without what it lacks."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for command in commands:
        found = shutil.which(command)
        assert found, command
        (folder / command).symlink_to(found)
    return str(folder)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_script_expands_an_array_that_may_be_empty_as_bash_3_2_refuses_it(script: Path) -> None:
    assert not BARE_ARRAY.findall(script.read_text())


def test_setup_without_sha256sum_reads_its_stamp_with_shasum_as_on_a_mac(tmp_path: Path) -> None:
    # Given a machine that has shasum, not sha256sum, nor apt-get (a Mac), and this checkout set up already
    commands = ("cat", "cut", "sed", "id", "rm", "touch", "dirname", "shasum", "chromium")
    python = str(Path(sys.executable).resolve())  # not a shim of pyenv's, which needs a PATH of its own
    environment = {**os.environ, "PATH": path_of(tmp_path, *commands), "PYTHON": python}
    environment.pop("CHROMIUM_PATH", None)

    done = subprocess.run(["/bin/bash", "scripts/setup.sh"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=environment)  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "installing packages" not in done.stderr, done.stderr  # the same stamp as sha256sum's
    assert "[setup] ready: browser" in done.stderr, done.stderr


def test_setup_with_a_python_too_old_says_how_to_name_another(tmp_path: Path) -> None:
    # Given a python3 older than 3.11, as a Mac's own is (3.9), and a newer one installed under another name
    old = tmp_path / "python3"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.9.6"\nexit 1\n')
    old.chmod(0o755)

    done = subprocess.run(["bash", "scripts/setup.sh"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHON": str(old)})  # fmt: skip

    assert done.returncode == 1, done.stderr
    assert "Python 3.11 or newer is needed (found: Python 3.9.6)" in done.stderr, done.stderr
    assert "PYTHON=python3.12 ./run.sh" in done.stderr, done.stderr


def recording_venv(tmp_path: Path) -> tuple[Path, Path]:
    """Make a virtual environment, set up, whose pytest, ruff and mypy record their arguments and do nothing; return
    its folder (for ``VENV``) and the file each command is recorded in, one JSON list a line."""
    venv, ran = tmp_path / "venv", tmp_path / "ran.txt"
    (venv / "bin").mkdir(parents=True)
    installed = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes())
    (venv / f".installed-{installed.hexdigest()[:16]}").touch()
    python = Path(sys.prefix, "bin", "python")  # the suite's own environment does setup.sh's asking
    record = f"{python} -c 'import json, sys; print(json.dumps(sys.argv[1:]))'"
    tools = {
        "python": f'case "$*" in *pytest*|*shared_portal*) {record} python "$@" >> {ran}; exit 0;; esac\n'
        f'exec {python} "$@"',
        "ruff": f'{record} ruff "$@" >> {ran}',
        "mypy": f'{record} mypy "$@" >> {ran}',
    }
    for name, body in tools.items():
        (venv / "bin" / name).write_text(f"#!/bin/sh\n{body}\n")
        (venv / "bin" / name).chmod(0o755)
    return venv, ran


def commands_run(tmp_path: Path, *command: str, env: dict[str, str] | None = None) -> list[list[str]]:
    """Run ``command`` with a recording virtual environment (``VENV``); return each command of it that ran, in order
    (``["ruff", "check", "."]``, ``["python", "-m", "pytest", …]``)."""
    venv, ran = recording_venv(tmp_path)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "VENV": str(venv), **(env or {})})  # fmt: skip

    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in ran.read_text().splitlines()] if ran.exists() else []


@pytest.mark.parametrize(
    ("arguments", "environment", "parallel"),
    [
        (["-m", "smoke"], {}, True),
        (["tests/test_roles.py", "--headed"], {}, False),  # a person watches: one browser
        (["-n3"], {}, False),
        (["-p", "no:xdist"], {}, False),
        ([], {"PWDEBUG": "1"}, False),  # the Inspector waits for a person
    ],
    ids=["a-selection", "headed", "n3", "no-xdist", "pwdebug"],
)
def test_run_sh_test_runs_on_every_core_unless_told_how_or_a_person_debugs_or_watches(
    tmp_path: Path, arguments: list[str], environment: dict[str, str], parallel: bool
) -> None:
    (pytest_command,) = commands_run(tmp_path, "bash", "run.sh", "test", *arguments, env=environment)

    expected = ["-n", "auto", *arguments] if parallel else arguments
    assert pytest_command == ["python", "-m", "pytest", *expected]


def test_ci_runs_the_tools_of_the_virtual_environment_venv_names(tmp_path: Path) -> None:
    assert [command[:2] for command in commands_run(tmp_path, "bash", ".ci/run")] == [
        ["ruff", "check"], ["ruff", "format"], ["mypy"], ["python", "-m"], ["python", "scripts/shared_portal.py"]
    ]  # fmt: skip


def test_ci_runs_every_test_in_its_main_run_or_in_the_shared_portal_proof(tmp_path: Path) -> None:
    # Given the selections of CI's main run and of its proof, which runs its tests against a portal as a deployment
    main, proof = [command for command in commands_run(tmp_path, "bash", ".ci/run") if command[0] == "python"]
    main_marks, proof_marks = marks_selected(main[3:]), marks_selected(proof[proof.index("--") + 1 :])
    assert proof_marks == "shared_data", proof
    selections = {
        "all": [],
        "main": ["-m", main_marks] if main_marks else [],
        "proof": ["--base-url=http://127.0.0.1:9/", "-m", proof_marks],
    }

    # When each is collected
    collected = {name: set(collect(tmp_path / name, *selection)[0]) for name, selection in selections.items()}

    # Then every test is in one or the other: none left out of CI
    assert len(collected["all"]) > 2000, collected["all"]  # the suite itself
    left_out = collected["all"] - collected["main"] - collected["proof"]
    assert not left_out, f"{len(left_out)} tests CI never runs (main -m {main_marks!r}): {sorted(left_out)[:5]}"
    assert len(collected["proof"]) > 100, collected["proof"]


def marks_selected(arguments: list[str]) -> str | None:
    """Return the last ``-m`` expression among pytest's ``arguments``, or None."""
    values = [value for option, value in pairwise(arguments) if option == "-m"]
    return values[-1] if values else None


def test_every_package_the_code_imports_is_declared_and_every_one_declared_is_pinned() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *chain.from_iterable(project["optional-dependencies"].values())]
    declared = {canonical(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]) for requirement in requirements}
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pinned = {canonical(line.split("==")[0]) for line in constraints if "==" in line}
    sources = [path for path in ROOT.rglob("*.py") if not any(part.startswith(".") for part in path.parts)]
    own = {path.stem for path in sources} | {path.relative_to(ROOT).parts[0] for path in sources}
    imported = {module.split(".")[0] for source in sources for module in absolute_imports(source)}
    # __future__ and _typeshed (the type checker's, under TYPE_CHECKING) are no packages to install.
    third_party = imported - own - set(sys.stdlib_module_names) - {"__future__", "_typeshed"}
    providers = importlib.metadata.packages_distributions()  # a module's distributions: PIL is Pillow's
    undeclared = [top for top in third_party if not declared & {canonical(d) for d in providers.get(top, [top])}]

    assert sorted(undeclared) == [], "imported, not in pyproject.toml's dependencies (only another package's)"
    assert sorted(declared - pinned) == [], "in pyproject.toml, not pinned in constraints.txt"


def canonical(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503): ``Jinja2`` and ``jinja2``, ``a_b`` and ``a-b`` alike."""
    return re.sub(r"[-_.]+", "-", name).lower()
