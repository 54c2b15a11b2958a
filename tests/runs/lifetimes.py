"""Run by tests/test_resilience.py against a portal whose sign-ins and tokens last seconds."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import time
from pathlib import Path

from playwright.sync_api import Page
from portal_process import STATE_VARIABLE, PortalProcess, wait_until

from fixtures.api_client import ApiError, PortalApi
from fixtures.test_data import CustomerFactory
from flows import update_customer_account


def test_1_workflow_while_everything_is_fresh(admin_page: Page, customers: CustomerFactory, api: PortalApi) -> None:
    customer = customers.create("CN")

    update_customer_account(admin_page, customer.companyName, {"city": "西安市"})

    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="西安市")


def test_2_the_lifetimes_run_out(api: PortalApi, browser_name: str) -> None:
    # browser_name: parametrized like the tests around it, so pytest keeps this one between them
    portal = PortalProcess.from_state(Path(os.environ[STATE_VARIABLE]))

    def every_session_expired() -> bool:  # every signed-in one, at the portal and at its identity provider
        # A sign-in begun and never finished (the API client's look for the provider begins one) lasts 15 minutes.
        signed_in = "SELECT COUNT(*) FROM sessions WHERE expires_at > ? AND json_extract(data, '$.user') IS NOT NULL"
        provider = "SELECT COUNT(*) FROM sso_sessions WHERE expires_at > ?"
        alive = 0
        for database, query in ((portal.database, signed_in), (portal.identity_database, provider)):
            with sqlite3.connect(database) as conn:
                alive += conn.execute(query, (time.time(),)).fetchone()[0]
        return alive == 0

    def token_refused() -> bool:
        try:
            api.send("GET", "v1/customers?size=1")  # as is: no renewal
        except ApiError as error:
            return error.status == 401
        return False

    wait_until(every_session_expired, "the portal's sessions to expire")
    wait_until(token_refused, "the portal to refuse the API token")


def test_3_workflow_after_everything_expired(admin_page: Page, customers: CustomerFactory, api: PortalApi) -> None:
    customer = customers.create("CN")

    update_customer_account(admin_page, customer.companyName, {"city": "洛阳市"})

    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="洛阳市")
