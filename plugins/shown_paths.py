"""How reports name the files they link: one rule for screenshots, traces and findings alike."""

from __future__ import annotations

from pathlib import Path

import pytest


def shown_path(config: pytest.Config, path: str) -> str:
    """Return ``path`` relative to where pytest started when inside it, else absolute: valid wherever reports go."""
    try:
        return str(Path(path).resolve().relative_to(config.invocation_params.dir))
    except ValueError:
        return str(Path(path).resolve())
