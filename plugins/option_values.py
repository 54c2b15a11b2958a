"""Values of the suite's own command-line options, parsed so that a wrong one is a usage error that says why."""

from __future__ import annotations

import argparse

import pytest


def number_between(text: str, low: float, high: float, *, what: str, bounds: str) -> float:
    """Parse ``text`` as a number from ``low`` to ``high``; else say it is not ``what``, or not between ``bounds``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value:g} is not between {bounds}")
    return value


def target(config: pytest.Config) -> str | None:
    """Return the deployment under test (``--base-url``, or the ini file's ``base_url``), or None for the bundled
    portal. Here, not in ``plugins.deployment``: a plugin registered before it (``plugins.sign_ins``) reads it too."""
    return config.getoption("base_url", None) or config.getini("base_url") or None
