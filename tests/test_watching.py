"""Following a run: demo mode, pause on failure, and the main job's report."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fixtures.test_data import CustomerFactory
from flows import CustomerNotFoundError, edit_account, open_customer
from pages.watch import watch

pytestmark = pytest.mark.regression
ROOT = Path(__file__).resolve().parent.parent


def test_demo_mode_shows_the_current_step_and_outlines_what_it_uses(
    page_as: Callable[..., Page], customers: CustomerFactory
) -> None:
    customer = customers.create("CN")
    page = page_as("global-admin")
    watch(page.context, demo=True)

    form = edit_account(page, customer.companyName).fill({"city": "武汉市"})

    expect(page.locator("#flow-step-banner")).to_have_text("Edit")
    expect(form.field("city")).to_have_css("outline-style", "solid")
    expect(form.field("postalCode")).not_to_have_css("outline-style", "solid")


def test_without_demo_mode_the_page_is_left_alone(page_as: Callable[..., Page], customers: CustomerFactory) -> None:
    customer = customers.create("CN")
    page = page_as("global-admin")

    form = edit_account(page, customer.companyName).fill({"city": "武汉市"})

    expect(page.locator("#flow-step-banner")).to_have_count(0)
    expect(form.field("city")).not_to_have_css("outline-style", "solid")


def test_pause_on_failure_stops_once_at_the_failing_step(
    page_as: Callable[..., Page], monkeypatch: pytest.MonkeyPatch, run_id: str
) -> None:
    page = page_as("global-admin")
    watch(page.context, pause_on_failure=True)
    pauses: list[str] = []
    monkeypatch.setattr(page, "pause", lambda: pauses.append(page.url))  # the Inspector needs a person

    with pytest.raises(CustomerNotFoundError):
        open_customer(page, f"No Such Company {run_id}")

    assert len(pauses) == 1 and "/customers" in pauses[0]


def test_without_pause_on_failure_a_failing_step_just_raises(
    page_as: Callable[..., Page], monkeypatch: pytest.MonkeyPatch, run_id: str
) -> None:
    page = page_as("global-admin")
    pauses: list[str] = []
    monkeypatch.setattr(page, "pause", lambda: pauses.append(page.url))

    with pytest.raises(CustomerNotFoundError):
        open_customer(page, f"No Such Company {run_id}")

    assert pauses == []


@pytest.mark.bundled  # the main job serves the bundled portal itself
def test_main_job_reports_steps_fields_and_evidence(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fixtures.demo", "--locale", "fr-FR", "--output", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    for line in ("Sign in as global-admin", "Select customer", "Edit", "Submit", "Reload the Account page"):
        assert line in done.stdout
    assert done.stdout.count("  * ") == 3  # the three changed fields, before -> after
    assert "Result:     the change persisted." in done.stdout
    assert (tmp_path / "trace.zip").stat().st_size > 0
    assert (tmp_path / "final.png").read_bytes().startswith(b"\x89PNG")
