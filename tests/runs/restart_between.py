"""Run by tests/test_resilience.py against a portal of its own: restarted (same database) between two tests."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from playwright.sync_api import Page
from portal_process import STATE_VARIABLE, PortalProcess

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import update_customer_account


def test_1_before_the_restart(admin_page: Page, customers: CustomerFactory, api: PortalApi) -> None:
    customer = customers.create("FR")

    update_customer_account(admin_page, customer.companyName, {"city": "Nantes", "postalCode": "44000"})

    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="Nantes", postalCode="44000")


def test_2_the_portal_restarts(browser_name: str) -> None:
    # browser_name: parametrized like the tests around it, so pytest keeps this one between them
    PortalProcess.from_state(Path(os.environ[STATE_VARIABLE])).restart()


def test_3_after_the_restart(admin_page: Page, customers: CustomerFactory, api: PortalApi) -> None:
    customer = customers.create("US")

    update_customer_account(admin_page, customer.companyName, {"city": "Austin", "state": "TX", "postalCode": "73301"})

    expected = dataclasses.replace(customer.billing, city="Austin", state="TX", postalCode="73301")
    assert api.billing_profile(customer.id) == expected
