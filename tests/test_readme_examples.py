"""The README's Python examples run as written against a bundled portal of their own, started as the README's
``./run.sh portal`` starts it: only its address differs, and no window opens (CI has no display)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from fixtures.portal.server import serve_portal

pytestmark = [pytest.mark.regression, pytest.mark.bundled]  # each starts the bundled portal itself
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
DOCUMENTED_ADDRESS = "http://127.0.0.1:8000/"  # ./run.sh portal's
EXAMPLE_TIMEOUT_S = 300


def example(holding: str) -> str:
    """Return the README's one Python example holding ``holding``."""
    found = [code for code in EXAMPLE.findall((ROOT / "README.md").read_text(encoding="utf-8")) if holding in code]
    assert len(found) == 1, f"the README has {len(found)} Python examples holding {holding!r}"
    return found[0]


@pytest.fixture
def portal() -> Iterator[str]:
    """A bundled portal with the seeded customers the examples name, as ``./run.sh portal`` serves it: one each, as
    the examples change the same customer."""
    with serve_portal() as addresses:
        yield addresses.portal


def run_example(code: str, portal: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in ``folder`` as a script of the project would, at ``portal`` and without a window."""
    assert DOCUMENTED_ADDRESS in code, "the example names no portal's address"
    script = folder / "example.py"
    script.write_text(code.replace(DOCUMENTED_ADDRESS, portal).replace("headed=True", "headed=False"))
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LANG": "en_US.UTF-8", "LANGUAGE": "en_US"},  # pages in English
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=EXAMPLE_TIMEOUT_S,
    )


def test_the_readme_s_raw_playwright_sign_in_reaches_the_customers(portal: str, tmp_path: Path) -> None:
    shown = "    expect(page.get_by_role('heading', level=1)).to_have_text('Customers')\n"  # within its ``with``
    code = "from playwright.sync_api import expect\n" + example("import pyotp") + shown

    ran = run_example(code, portal, tmp_path)

    assert ran.returncode == 0, ran.stderr  # the Customers list shown, as the example's last click asks


def test_the_readme_s_script_updates_a_customer(portal: str, tmp_path: Path) -> None:
    ran = run_example(example("update_customer_account(page"), portal, tmp_path)

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "上海市 200000"  # the values it asked for, as the portal saved them


def test_the_readme_s_job_updates_the_rows_of_a_workbook(portal: str, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["customer", "city", "postalCode"])
    sheet.append(["七喜科技有限公司", "北京市", "100000"])
    workbook.save(tmp_path / "offices.xlsx")

    ran = run_example(example("update_accounts("), portal, tmp_path)

    assert ran.returncode == 0, ran.stderr
    (row,) = json.loads((tmp_path / "offices.results.json").read_text(encoding="utf-8"))
    assert (row["outcome"], row["after"]) == ("changed", {"city": "北京市", "postalCode": "100000"}), row
