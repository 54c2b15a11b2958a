"""The screens' baselines hold on a machine in another language: fontconfig's choice of fonts follows the locale."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_run import run_pytest

pytestmark = pytest.mark.bundled


def test_screenshots_match_their_baselines_under_a_chinese_locale(tmp_path: Path) -> None:
    # LC_ALL=zh_CN.UTF-8 turned the page's sans-serif into WenQuanYi Zen Hei: every screenshot differed
    run = run_pytest("tests/test_screens.py", "-m", "visual", "-k", "dashboard and en-US", "-p", "no:randomly",
                     folder=tmp_path, env={"LC_ALL": "zh_CN.UTF-8"})  # fmt: skip

    assert run.outcomes and run.names("passed") == list(run.outcomes), run.report
