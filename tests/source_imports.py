"""What a source file imports, read from its syntax: for tests of the project's layout and packages."""

from __future__ import annotations

import ast
from pathlib import Path


def absolute_imports(source: Path) -> list[str]:
    """Return the modules ``source`` imports by their full names (``import a.b``, ``from a.b import c``: "a.b"),
    wherever in it (a late import in a function too); relative imports aside."""
    modules = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), str(source))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules
