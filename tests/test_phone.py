"""The workflow on a phone, as Playwright emulates one: its screen's width, touch, pixel ratio and browser's name.

A page laid out wider than a phone's screen scrolls sideways, and there what lies past the screen's edge takes
the taps meant for the controls it covers (the Account page's Edit under its own heading, say): the workflow must
go through on a phone as on a desktop. The screens' width at a phone's viewport is also scanned, on each screen
and language, as the accessibility layer's reflow rule (plugins/a11y_reflow.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory
from flows import update_customer_account
from pages import AccountPage, UnknownPageError

PHONES = ("Pixel 7", "iPhone 13")  # Playwright's own descriptors: 412 and 390 CSS px wide


def as_phone(device: dict[str, Any], browser_name: str) -> dict[str, Any]:
    """Return a context's arguments for the phone ``device`` describes, in this run's browser.

    The descriptor names the browser it was made for, which is no context's argument; Firefox emulates no mobile
    viewport (Playwright refuses ``is_mobile`` there): its width, touch and pixel ratio stay.
    """
    left_out = {"default_browser_type", *(["is_mobile"] if browser_name == "firefox" else [])}
    return {name: value for name, value in device.items() if name not in left_out}


# An Account page laid out for a desktop alone (a menu beside it, a grid of fixed columns): wider than a phone.
DESKTOP_ONLY_ACCOUNT = """<meta name="viewport" content="width=device-width, initial-scale=1">
<div style="display: flex"><nav style="width: 12rem; flex: none">Dashboard</nav>
<main style="padding: 1rem 2rem"><h2>Bill-to info</h2>
<dl style="display: grid; grid-template-columns: 14rem 1fr">ROWS</dl>
<button onclick="document.body.dataset.edited = 'yes'">Edit</button></main></div>""".replace(
    "ROWS", "".join(f"<dt>Field {n}</dt><dd>3fa85f64-5717-4562-b3fc-2c963f66afa{n}</dd>" for n in range(20))
)
UNDER_A_BANNER = """<div role="region" aria-label="Cookies" style="position: fixed; inset: 0; background: #eee">
  We use cookies. <button>Accept</button></div>"""
SHORT_TIMEOUT_MS = 3_000  # a click waited out past the screen's edge fails the test at this, not in 30 s


@pytest.mark.regression
@pytest.mark.shared_data
@pytest.mark.parametrize("phone", PHONES, ids=lambda phone: phone.lower().replace(" ", "-"))
def test_the_workflow_saves_on_a_phone(
    phone: str,
    playwright: Playwright,
    browser_name: str,
    page_as: Callable[..., Page],
    customers: CustomerFactory,
    api: PortalApi,
) -> None:
    # Given a customer of our own, and the global admin's page on a phone
    customer = customers.create("CN")
    device = playwright.devices[phone]
    page = page_as("global-admin", **as_phone(device, browser_name))
    assert page.viewport_size == device["viewport"], f"the page's viewport is not a {phone}'s"
    city = next(city for city in ("杭州市", "苏州市") if city != customer.billing.city)
    changes = {"city": city, "addressLine1": f"{customer.billing.addressLine1} 8号楼"}

    # When the documented workflow submits new values, tapped through on the phone
    update_customer_account(page, customer.companyName, changes)

    # Then the portal saved them, and nothing else; the Account page it ends on fits the phone's screen
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, **changes)
    wide = page.evaluate("(document.scrollingElement || document.documentElement).scrollWidth")
    assert wide <= device["viewport"]["width"] + 1, f"the Account page is {wide} px wide on a {phone}'s screen"


@pytest.mark.tooling  # a page of its own: no portal
@pytest.mark.only_browser("chromium")  # Chromium's phone layout (is_mobile), which Firefox does not emulate
def test_a_control_a_phone_s_tap_misses_on_a_page_wider_than_the_screen_is_said_so(
    playwright: Playwright, browser_name: str, new_context: Callable[..., Any]
) -> None:
    # Given an Account page wider than a phone's screen, on a phone
    page = new_context(**as_phone(playwright.devices["Pixel 7"], browser_name)).new_page()
    page.set_content(DESKTOP_ONLY_ACCOUNT)
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    account = AccountPage(page).wait_until_ready()

    # When Edit is selected, then the error says the page is wider than the screen, by how much
    with pytest.raises(
        UnknownPageError,
        match=r"Edit could not be selected .*covered by .*the page is \d+ CSS px wide at a viewport 412 px wide",
    ):
        account.select(account.edit_link, "Edit")
    assert page.evaluate("document.body.dataset.edited") is None  # nothing took the click meant for Edit


@pytest.mark.tooling
def test_a_control_under_a_banner_on_a_wide_desktop_page_is_said_covered_by_the_banner(page: Page) -> None:
    # Given a desktop's page wider than its window (it scrolls sideways), its Edit under a cookie banner
    page.set_content(DESKTOP_ONLY_ACCOUNT + UNDER_A_BANNER)
    page.set_viewport_size({"width": 500, "height": 720})
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    account = AccountPage(page).wait_until_ready()

    # When Edit is selected, then the error says what covers it, and asks about the banner, not the width
    with pytest.raises(UnknownPageError, match=r'covered by <div role="region".*\(a banner or dialog to close'):
        account.select(account.edit_link, "Edit")
