"""Run by tests/test_resilience.py: the portal ends every session and changes the password mid-run."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from playwright.sync_api import Page
from portal_process import STATE_VARIABLE, PortalProcess
from werkzeug.security import generate_password_hash

from flows import open_customers


def test_1_signed_in_as_usual(admin_page: Page) -> None:
    assert open_customers(admin_page).company_names()


def test_2_every_session_ends_and_the_password_changes(browser_name: str) -> None:
    # browser_name: parametrized like the tests around it, so pytest keeps this one between them
    database = PortalProcess.from_state(Path(os.environ[STATE_VARIABLE])).database
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE users SET password_hash = ?", (generate_password_hash("changed-by-an-admin"),))
        conn.execute("DELETE FROM sessions")


def test_3_the_renewal_is_refused(admin_page: Page) -> None:
    open_customers(admin_page)


def test_4_never_runs(admin_page: Page) -> None:
    open_customers(admin_page)
