"""Run by tests/test_resilience.py: the portal ends every session and changes the password mid-run."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from playwright.sync_api import Page
from portal_process import STATE_VARIABLE, PortalProcess

from fixtures.directory import Directory
from flows import open_customers


def test_1_signed_in_as_usual(admin_page: Page) -> None:
    assert open_customers(admin_page).company_names()


def test_2_every_session_ends_and_the_password_changes(directory: Directory, browser_name: str) -> None:
    # browser_name: parametrized like the tests around it, so pytest keeps this one between them
    directory.change("global-admin", password="changed-by-an-admin")
    portal = PortalProcess.from_state(Path(os.environ[STATE_VARIABLE]))
    for database, sessions in ((portal.database, "sessions"), (portal.identity_database, "sso_sessions")):
        with sqlite3.connect(database) as conn:
            conn.execute(f"DELETE FROM {sessions}")  # as an administrator's "sign everyone out"


def test_3_the_renewal_is_refused(admin_page: Page) -> None:
    open_customers(admin_page)


def test_4_never_runs(admin_page: Page) -> None:
    open_customers(admin_page)
