"""The workflow over a far network: each request of the page a second on its way, as a test machine far from the
deployment sees it (one abroad reaching the portal in China, say).

The library's waits are for what the page shows, never for a time a near network would take: the Customers list
loads from the API after its page, and the answer to a search comes a second after it is typed. Chromium's network
emulation (the DevTools protocol's) adds the latency to every request of the page, documents and scripts alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import update_customer_account

LATENCY_MS = 1_000
# How long the browser took from asking for the page's document to its last byte, as the page itself timed it.
WAITED_FOR_DOCUMENT = "(([t]) => t.responseEnd - t.requestStart)(performance.getEntriesByType('navigation'))"


def far_away(page: Page, latency_ms: float) -> None:
    """Delay each of ``page``'s requests by ``latency_ms``, as a network that far away would."""
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    conditions = {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1}
    network.send("Network.emulateNetworkConditions", conditions)


@pytest.mark.regression
@pytest.mark.only_browser("chromium")  # the DevTools protocol's network emulation
def test_the_workflow_saves_over_a_network_a_second_away(
    page_as: Callable[..., Page], customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a customer of our own, and the global admin's page a second away from the portal
    customer = customers.create("CN")
    page = page_as("global-admin")
    far_away(page, LATENCY_MS)
    changes = {"city": "乌鲁木齐市", "postalCode": "830000"}

    # When the documented workflow submits new values
    update_customer_account(page, customer.companyName, changes)

    # Then the portal saved them, and nothing else, though each page's document took the second to come
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, **changes)
    waited = page.evaluate(WAITED_FOR_DOCUMENT)
    assert waited >= LATENCY_MS * 0.9, f"the document came {waited:.0f} ms after it was asked for: no far network"
