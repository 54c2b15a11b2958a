"""Run by tests/test_resilience.py: a test kills its own browser; the tests after it must pass."""

from __future__ import annotations

import dataclasses
import os
import signal

from playwright.sync_api import Browser, Page

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import update_customer_account
from pages import DashboardPage


def test_1_before_the_browser_dies(admin_page: Page) -> None:
    DashboardPage(admin_page).open()


def test_2_the_browser_is_killed_under_this_test(admin_page: Page, browser: Browser) -> None:
    DashboardPage(admin_page).open()

    os.kill(browser.process_id, signal.SIGKILL)  # type: ignore[attr-defined]  # the suite's RecoveringBrowser

    DashboardPage(admin_page).open()  # the browser is gone: this test fails, and says why


def test_3_the_next_test_gets_a_new_browser(admin_page: Page, customers: CustomerFactory, api: PortalApi) -> None:
    customer = customers.create("CN")

    update_customer_account(admin_page, customer.companyName, {"city": "天津市"})

    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="天津市")


def test_4_and_the_one_after(admin_page: Page) -> None:
    DashboardPage(admin_page).open().customers()
