"""The shell scripts on a Mac: bash 3.2 as /bin/bash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.tooling
ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted([ROOT / "run.sh", ROOT / ".ci" / "run", *(ROOT / "scripts").glob("*.sh")])
# "${a[@]}" of an array without elements is an "unbound variable" under set -u before bash 4.4 (macOS has 3.2);
# ${a[@]+"${a[@]}"} expands to nothing there.
BARE_ARRAY = re.compile(r'(?<!\+)"\$\{(\w+)\[@\]\}"')


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_script_expands_an_array_that_may_be_empty_as_bash_3_2_refuses_it(script: Path) -> None:
    assert not BARE_ARRAY.findall(script.read_text())
