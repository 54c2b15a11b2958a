"""A pytest plugin of scripts/mutation_check.py: the tests aimed at a change run first.

pytest collects a file named before its folder in the folder's order, so naming it first is not
enough; this sorts the collection (the same on every xdist worker, so the schedule agrees).
"""

from __future__ import annotations

import os

import pytest

AIMED = "MUTATION_CHECK_AIMED"  # test files, separated by os.pathsep


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the aimed files' tests to the front, keeping the order within each part."""
    aimed = tuple(path for path in os.environ.get(AIMED, "").split(os.pathsep) if path)
    if aimed:
        items.sort(key=lambda item: not item.nodeid.startswith(aimed))
