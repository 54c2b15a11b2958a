"""The visual layer's tests' own page and baselines: a card to photograph, and ``expect_screenshot`` writing to a
folder of the test's own, left out of the run's summary."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from plugins import visual
from plugins.visual import SETTINGS
from plugins.visual_baselines import RESULTS

CARD = """<html lang="en"><body style="margin:0;font:16px sans-serif">
  <main style="padding:20px"><h1>Account</h1><p id="who" style="width:300px">{who}</p>
  <button style="margin-left:{left}px">Submit</button></main></body></html>"""
Expect = Callable[..., None]


def own_baselines(
    expect_screenshot: Expect, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Expect]:
    """Yield ``expect_screenshot`` with baselines in a folder of the test's own (its ``use(mode, masks, **more)`` sets
    the update mode, "none" at first, and more of the settings); what it recorded is left out of the run's summary."""

    def use(mode: str = "none", masks: tuple[str, ...] = (), **more: object) -> None:
        settings = request.config.stash[SETTINGS]
        options = ("--snapshot-dir", str(tmp_path))
        changed = type(settings)(mode, tmp_path / "baselines", settings.platform, options, masks)
        changed = dataclasses.replace(changed, **more)  # type: ignore[arg-type]
        monkeypatch.setitem(request.config.stash, SETTINGS, changed)  # type: ignore[arg-type]

    use()
    expect_screenshot.use = use  # type: ignore[attr-defined]
    yield expect_screenshot
    request.node.stash[RESULTS] = []
    request.node.stash[visual.MASKED] = set()
