"""The main job: serve the bundled portal, run the documented workflow once, report what it did."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

from fixtures.portal import create_app
from fixtures.portal.seed import DEMO_PASSWORD, FAKER_LOCALE
from fixtures.portal.server import serve_in_thread
from pages import AccountPage, BillingProfile, CustomersPage

from .account import edit_account, submit_changes
from .browser import ws_endpoint_or_env
from .session import portal_session
from .steps import step


@dataclass
class DemoOptions:
    """How to run the main job."""

    user: str = "global-admin"
    seed: int = 2018
    headed: bool = False
    slowmo: int = 0
    locale: str | None = None
    demo_mode: bool = False
    pause_on_failure: bool = False
    output: Path = Path("demo-results")
    ws_endpoint: str | None = None  # a Playwright server to run the browser on; None: $PW_TEST_CONNECT_WS_ENDPOINT


class StepTimes(logging.Handler):
    """Collects each flow step's name and duration from the ``flows`` logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.times: list[tuple[str, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "seconds"):
            self.times.append((record.step, record.seconds))  # type: ignore[attr-defined]


@contextmanager
def timed_steps() -> Iterator[StepTimes]:
    """Record step times while the block runs."""
    logger, handler = logging.getLogger("flows"), StepTimes()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def new_values(country: str, seed: int) -> dict[str, str]:
    """Make believable new address values for a customer in ``country``."""
    fake = Faker(FAKER_LOCALE.get(country, "en_US"))
    fake.seed_instance(seed)
    return {"addressLine1": fake.street_address(), "city": fake.city(), "postalCode": fake.postcode()}


def run_demo(options: DemoOptions) -> bool:
    """Update one seeded customer through the UI, print a report; True when the change persisted."""
    options.output.mkdir(parents=True, exist_ok=True)
    trace, screenshot = options.output / "trace.zip", options.output / "final.png"
    session_options = {
        "headed": options.headed,
        "slowmo": options.slowmo,
        "locale": options.locale,
        "trace": trace,
        "demo_mode": options.demo_mode,
        "pause_on_failure": options.pause_on_failure,
        "ws_endpoint": options.ws_endpoint,
    }
    with serve_in_thread(create_app({"SEED": options.seed})) as base_url, timed_steps() as steps:
        print(f"Bundled portal on {base_url} (seed {options.seed}); signing in as {options.user}")
        remote = ws_endpoint_or_env(options.ws_endpoint)
        if remote:  # the bundled portal listens on this machine's loopback only
            print(f"Browser: the Playwright server at {remote}, which must share this machine's network")
        print()
        with portal_session(base_url, options.user, DEMO_PASSWORD, **session_options) as page:
            customer = CustomersPage(page).open().company_names()[0]
            form = edit_account(page, customer)
            before = BillingProfile.from_mapping({**form.values(), "country": form.country.input_value()})
            changes = new_values(before.country, options.seed)
            shown = submit_changes(form, changes)
            with step(page, "Reload the Account page"):
                page.reload()
                stored = AccountPage(page).wait_until_ready().billing_profile()
            page.screenshot(path=screenshot, full_page=True)
    persisted = stored == shown == dataclasses.replace(before, **changes)
    print_report(customer, steps.times, before, stored, trace, screenshot, persisted)
    return persisted


def print_report(
    customer: str,
    times: list[tuple[str, float]],
    before: BillingProfile,
    after: BillingProfile,
    trace: Path,
    screenshot: Path,
    persisted: bool,
) -> None:
    """Print the steps with their times, the fields before and after, and where the evidence is."""
    print("Steps")
    for name, seconds in times:
        print(f"  {seconds:6.2f} s  {name}")
    print(f"  {sum(seconds for _, seconds in times):6.2f} s  in all\n")
    print(f"Bill-to info of {customer!r} ({before.country}), before -> after a fresh load (* changed)")
    for field, old in before.as_dict().items():
        new = getattr(after, field)
        print(f"    {field:<13} {old}" if new == old else f"  * {field:<13} {old}  ->  {new}")
    print(f"\nTrace:      {trace}  (open: .venv/bin/playwright show-trace {trace})")
    print(f"Screenshot: {screenshot}")
    print(
        "Result:     "
        + ("the change persisted." if persisted else "FAILED: the Account page does not show the change.")
    )
