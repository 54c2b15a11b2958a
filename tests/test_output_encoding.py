"""The commands under a locale whose encoding cannot spell the customers' names (ISO-8859-1, as
``LANG=en_US.ISO-8859-1`` gives; ``PYTHONIOENCODING`` stands in for it): the work is done and said all the same."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.api_client import PortalApi
from fixtures.directory import User
from fixtures.test_data import CustomerFactory

pytestmark = pytest.mark.regression
ROOT = Path(__file__).resolve().parent.parent


def latin_1_run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` with a Latin-1 standard output, as under a Latin-1 locale."""
    environment = {**os.environ, **(env or {}), "PYTHONIOENCODING": "latin-1"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, encoding="latin-1", timeout=120,
                          env=environment)  # fmt: skip


def test_command_line_prints_a_chinese_profile_to_a_latin_1_output(
    base_url: str, customers: CustomerFactory, api: PortalApi, make_user: Callable[[str], User]
) -> None:
    customer = customers.create("CN")
    user = make_user("sales-agent")
    secrets = {"PORTAL_PASSWORD": user.password, "PORTAL_TOTP_SECRET": user.totp_secret or ""}

    done = latin_1_run("-m", "flows", "update-account", "--base-url", base_url, "--user", user.name,
                       "--customer", customer.id, "--set", "city=苏州市", env=secrets)  # fmt: skip

    assert done.returncode == 0, done.stderr
    expected = dataclasses.replace(customer.billing, city="苏州市")
    assert json.loads(done.stdout) == expected.as_dict() == api.billing_profile(customer.id).as_dict()


@pytest.mark.bundled
def test_the_demo_reports_to_a_latin_1_output(tmp_path: Path) -> None:
    done = latin_1_run("-m", "fixtures.demo", "--output", str(tmp_path))

    assert done.returncode == 0, done.stderr
    assert "Result:     the change persisted." in done.stdout
    assert "\\u" in done.stdout  # the Chinese customer's name, escaped


@pytest.mark.tooling
def test_the_commands_output_and_their_progress_piped_together_come_in_the_order_printed() -> None:
    # As `python -m flows` sets its standard output up: a job's rows (stdout) among its progress (stderr)
    script = (
        "import sys; from flows.console import lines_in_order_with_stderr; lines_in_order_with_stderr(); "
        "print('row 1'); print('progress', file=sys.stderr); print('row 2')"
    )
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as by default

    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=60, check=True, env=buffered)  # fmt: skip

    assert done.stdout.splitlines() == ["row 1", "progress", "row 2"]
