"""Run by tests/test_resilience.py against a portal of its own: down when the run's API client is first made."""

from __future__ import annotations

import os
from pathlib import Path

from portal_process import STATE_VARIABLE, PortalProcess

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory


def portal() -> PortalProcess:
    return PortalProcess.from_state(Path(os.environ[STATE_VARIABLE]))


def test_1_the_portal_goes_down(browser_name: str) -> None:
    # browser_name: parametrized like the tests around it, so pytest keeps this one between them
    portal().stop()


def test_2_needs_the_api_while_the_portal_is_down(api: PortalApi) -> None:
    api.call("GET", "v1/customers?size=1")


def test_3_the_portal_comes_back(browser_name: str) -> None:
    portal().restart()


def test_4_needs_the_api_once_it_is_back(api: PortalApi, customers: CustomerFactory) -> None:
    customer = customers.create("FR")

    assert api.billing_profile(customer.id) == customer.billing
