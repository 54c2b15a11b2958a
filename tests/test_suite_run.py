"""The suite run inside tests: the smoke tests it runs by their files are the smoke tests of the whole suite; the
tests' helpers are loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest
from source_imports import absolute_imports
from suite_run import ROOT, SMOKE
from test_shards import collect

pytestmark = pytest.mark.tooling


def test_the_smoke_tests_named_by_their_files_are_every_smoke_test_of_the_suite(tmp_path: Path) -> None:
    # Given the smoke tests as the whole suite's collection finds them
    everywhere, _ = collect(tmp_path / "everywhere", "-m", "smoke")

    # When they are collected from the files the runs inside tests name
    named, _ = collect(tmp_path / "named", *SMOKE)

    # Then those are the same tests: the documented workflow, the sign-in, the update kept (nine, or more)
    assert len(everywhere) >= 9, everywhere
    assert sorted(named) == sorted(everywhere)
    assert [argument for argument in SMOKE if argument.endswith(".py")] == sorted(
        {node_id.partition("::")[0] for node_id in everywhere}
    ), "the runs inside tests collect files that hold no smoke test"


def test_tests_import_their_helpers_by_the_name_pytest_loads_them_under() -> None:
    # pytest puts tests/ on the path and loads suite_run.py as "suite_run": imported as "tests.suite_run" too, it would
    # be a second module of its own state (its collections, its constants made again).
    imports = [
        f"{source.relative_to(ROOT)}: {module}"
        for source in sorted((ROOT / "tests").rglob("*.py"))
        for module in absolute_imports(source)
        if module.split(".")[0] == "tests"
    ]

    assert imports == [], "import the tests' helpers as pytest does: from suite_run import ..., not from tests..."
