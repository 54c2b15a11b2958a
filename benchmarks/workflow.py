"""The documented workflow three ways, timed side by side: our flows, raw Playwright, Selenium WebDriver.

Each run starts signed in, on a customer just made through the API (not timed), and goes
Dashboard → Customers → search → customer → Account → Edit → city and postal code → Submit →
confirmation. The three take turns in a rotating order, so drift on the machine hits all alike.
"""

from __future__ import annotations

import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Cookie, Page, sync_playwright
from selenium import webdriver
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from fixtures.api_client import PortalApi
from fixtures.identity import DEMO_PASSWORD, DEMO_TOTP_SECRET
from fixtures.portal.server import bound_portal, served
from fixtures.test_data import CustomerFactory
from flows import sign_in, update_customer_account
from flows.browser import QUIET_CHROMIUM_FLAGS, find_system_chromium, launch_options_for
from pages.form import css_string

from .timing import RequestTimes

USER, PASSWORD, TOTP_SECRET = "global-admin", DEMO_PASSWORD, DEMO_TOTP_SECRET
CHANGES = {"city": "Shanghai", "postalCode": "200000"}  # valid for a customer in China
APPROACHES = ("our flows", "raw Playwright", "Selenium", "Selenium, 50 ms polling")
TIMEOUT = 10  # seconds; a step slower than this is a failure, not a measurement


@dataclass
class WorkflowResults:
    """Per approach: seconds per workflow, and the portal's own time and request count per workflow."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in APPROACHES})
    server_seconds: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in APPROACHES})
    requests: dict[str, list[int]] = field(default_factory=lambda: {a: [] for a in APPROACHES})
    requests_served: list[tuple[str, float]] = field(default_factory=list)  # (endpoint, seconds)


def raw_playwright(page: Page, company: str) -> None:
    """The workflow as the shortest plain Playwright script would click it: the floor."""
    page.goto("dashboard")
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Customers").click()
    search = page.get_by_role("searchbox", name="Search by company name or domain")
    search.fill(company)
    search.press("Enter")
    page.get_by_role("region", name="Customers").get_by_role("link", name=company, exact=True).click()
    page.get_by_role("navigation", name="Customer menu").get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("City").fill(CHANGES["city"])
    page.get_by_label("Postal code").fill(CHANGES["postalCode"])
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("status").wait_for()


def selenium_workflow(driver: WebDriver, base_url: str, company: str, poll: float = 0.5) -> None:
    """The workflow with Selenium WebDriver and explicit waits, as a careful Selenium script does it.

    ``poll`` is how often a wait checks again; 0.5 s is Selenium's default, which most scripts keep.
    """
    wait = WebDriverWait(driver, TIMEOUT, poll_frequency=poll)
    driver.get(base_url + "dashboard")
    menu = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav[aria-label='Dashboard']")))
    menu.find_element(By.LINK_TEXT, "Customers").click()
    wait.until(ec.element_to_be_clickable((By.ID, "q"))).send_keys(company, Keys.ENTER)
    # The list loads from the API after the page: wait until it shows this search's answer.
    settled = f"#customer-results[aria-busy='false'][data-query={css_string(company)}]"
    results = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, settled)))
    results.find_element(By.LINK_TEXT, company).click()
    account = (By.CSS_SELECTOR, "nav[aria-label='Customer menu'] a[href$='/account']")
    wait.until(ec.element_to_be_clickable(account)).click()
    wait.until(ec.element_to_be_clickable((By.LINK_TEXT, "Edit"))).click()
    for name, value in (("city", CHANGES["city"]), ("postalCode", CHANGES["postalCode"])):
        box = wait.until(ec.visibility_of_element_located((By.ID, name)))
        box.clear()
        box.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type='submit']").click()
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[role='status']")))


def selenium_binary() -> str:
    """The headless browser's binary itself: chromedriver's quit kills one process, not a wrapper's child."""
    path = find_system_chromium(headless=True) or "/usr/bin/chromium"
    # Debian's /usr/bin/chromium-headless-shell is a script that runs the binary without exec.
    binary = Path("/usr/lib/chromium") / Path(path).name
    return str(binary) if Path(path).name == "chromium-headless-shell" and binary.exists() else path


@contextmanager
def chrome_driver(base_url: str, cookies: list[Cookie]) -> Iterator[WebDriver]:
    """Start Debian's Chromium through its chromium-driver, headless, with a signed-in portal session.

    The browser is the one Playwright launches here (the headless shell where installed), so the
    approaches differ only in how they drive it. The session is one the provider's sign-in gave
    Playwright (``cookies``): the sign-in itself is not what is compared.
    """
    options = webdriver.ChromeOptions()
    # Both paths given: Selenium Manager (which would download drivers) is never asked.
    options.binary_location = selenium_binary()
    for flag in ("--headless", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,720"):
        options.add_argument(flag)
    for flag in QUIET_CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US"})  # the portal follows it
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.get(base_url + "static/portal.css")  # a cookie is set on the page's own origin
        host = urlsplit(base_url).hostname
        for cookie in cookies:
            if cookie["domain"].lstrip(".") == host:
                driver.add_cookie({"name": cookie["name"], "value": cookie["value"], "path": cookie["path"]})
        driver.get(base_url + "dashboard")
        WebDriverWait(driver, TIMEOUT).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, "nav[aria-label='Dashboard']"))
        )
        yield driver
    finally:
        driver.quit()


def signed_in_page(browser: Browser, base_url: str, signed_in: Page | None = None) -> Page:
    """Return a page in a new en-US context, signed in through the UI, or with ``signed_in``'s saved state.

    One sign-in through the UI, as the suite saves one per role: a provider takes each verification
    code once per user, so a second sign-in within 30 seconds would need the next code, and a third
    (the API client's) would find none left.
    """
    state = signed_in.context.storage_state() if signed_in else None
    page = browser.new_context(base_url=base_url, locale="en-US", storage_state=state).new_page()
    if signed_in is None:
        sign_in(page, USER, PASSWORD, totp_secret=TOTP_SECRET)
    return page


def run_workflows(repetitions: int, warmups: int = 2, log: Callable[[str], None] = print) -> WorkflowResults:
    """Time each approach ``repetitions`` times after ``warmups`` untimed rounds; check every save."""
    times = RequestTimes()
    results = WorkflowResults()
    with (
        bound_portal() as (portal, provider, addresses),
        served(provider),
        served(portal),
        sync_playwright() as playwright,
        ExitStack() as stack,
    ):
        portal.app.wsgi_app = times.wrap(portal.app.wsgi_app)  # type: ignore[attr-defined]  # Flask's middleware idiom
        base_url = addresses.portal
        chromium = playwright.chromium
        browser = chromium.launch(**launch_options_for("chromium", chromium.executable_path))
        flows_page = signed_in_page(browser, base_url)
        raw_page = signed_in_page(browser, base_url, signed_in=flows_page)
        driver = stack.enter_context(chrome_driver(base_url, raw_page.context.cookies()))
        runners: dict[str, Callable[[str], object]] = {
            "our flows": lambda company: update_customer_account(flows_page, company, CHANGES),
            "raw Playwright": lambda company: raw_playwright(raw_page, company),
            "Selenium": lambda company: selenium_workflow(driver, base_url, company),
            "Selenium, 50 ms polling": lambda company: selenium_workflow(driver, base_url, company, poll=0.05),
        }
        api = PortalApi(base_url, USER, PASSWORD, totp_secret=TOTP_SECRET)
        customers = CustomerFactory(api, seed=2026, run_id=secrets.token_hex(3))
        for round_number in range(warmups + repetitions):
            shift = round_number % len(APPROACHES)
            for approach in APPROACHES[shift:] + APPROACHES[:shift]:
                customer = customers.create("CN")
                times.take()
                started = time.perf_counter()
                runners[approach](customer.companyName)
                elapsed = time.perf_counter() - started
                answered = times.take()
                saved = api.billing_profile(customer.id)
                if (saved.city, saved.postalCode) != (CHANGES["city"], CHANGES["postalCode"]):
                    raise RuntimeError(f"{approach} did not save the changes: {saved}")
                if round_number >= warmups:
                    results.seconds[approach].append(elapsed)
                    results.server_seconds[approach].append(sum(seconds for _, seconds in answered))
                    results.requests[approach].append(len(answered))
                    results.requests_served.extend(answered)
            log(f"workflow round {round_number + 1}/{warmups + repetitions} done")
        browser.close()
    return results
