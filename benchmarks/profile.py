"""Explain the workflow's time: Playwright calls and their latency, our flows against raw Playwright.

``.venv/bin/python -m benchmarks.profile [--repetitions N] [--trace flows-trace.zip]`` prints, per
approach, the median workflow time and, per protocol method, how many calls a workflow makes and
the time they take. ``--trace`` also records a Playwright trace of one run of our flows (open it
with ``.venv/bin/playwright show-trace``). ``--without-screen-checks`` prices the check each screen
makes for sign-in and error pages: the flows run with it turned off but on the Customers list, whose
check is also the wait for the search's answer (never for real use). The call
counting hooks a private method of the Playwright client: a diagnostic for this version, not part
of the benchmark's measurements.
"""

from __future__ import annotations

import argparse
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright._impl import connection
from playwright.sync_api import sync_playwright

from fixtures.api_client import PortalApi
from fixtures.portal.server import serve_portal
from fixtures.test_data import CustomerFactory
from flows import update_customer_account
from flows.browser import launch_options_for
from pages.customers import CustomersPage
from pages.screen import Screen

from .timing import median
from .workflow import CHANGES, PASSWORD, TOTP_SECRET, USER, raw_playwright, signed_in_page

calls: dict[str, list[float]] = defaultdict(list)  # "Type.method" → latency of each call


def count_calls() -> None:
    """Time every message the client sends until its answer arrives (events without answers too)."""
    send = connection.Connection.send_message_to_server

    def timed(self: Any, target: Any, method: str, params: Any, options: dict[str, Any]) -> Any:
        started = time.perf_counter()
        future = send(self, target, method, params, options)
        name = f"{target._type}.{method}"
        future.add_done_callback(lambda _: calls[name].append(time.perf_counter() - started))
        return future

    connection.Connection.send_message_to_server = timed  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    """Profile both Playwright approaches and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("--repetitions", type=int, default=10, help="timed runs per approach (default: %(default)s)")
    parser.add_argument("--trace", type=Path, help="also record a trace of one run of our flows here")
    parser.add_argument(
        "--without-screen-checks", action="store_true", help="turn off the screens' check for sign-in and error pages"
    )
    args = parser.parse_args(argv)
    count_calls()
    if args.without_screen_checks:  # a diagnostic only; the list's check stays, as the wait for the search's answer
        CustomersPage.settle = Screen.settle  # type: ignore[method-assign]
        Screen.settle = lambda self, ready, **_: None  # type: ignore[method-assign]
    with serve_portal() as addresses, sync_playwright() as playwright:
        base_url = addresses.portal
        browser = playwright.chromium.launch(**launch_options_for("chromium", playwright.chromium.executable_path))
        flows_page, raw_page = signed_in_page(browser, base_url), signed_in_page(browser, base_url)
        api = PortalApi(base_url, USER, PASSWORD, totp_secret=TOTP_SECRET)
        customers = CustomerFactory(api, seed=7, run_id=secrets.token_hex(3))
        runners: dict[str, Callable[[str], object]] = {
            "our flows": lambda company: update_customer_account(flows_page, company, CHANGES),
            "raw Playwright": lambda company: raw_playwright(raw_page, company),
        }
        seconds: dict[str, list[float]] = defaultdict(list)
        per_call: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in runners}
        for number in range(args.repetitions + 1):  # the first round warms up and is not counted
            for name, run in runners.items():
                company = customers.create("CN").companyName
                calls.clear()
                started = time.perf_counter()
                run(company)
                if number:
                    seconds[name].append(time.perf_counter() - started)
                    for method, latencies in calls.items():
                        per_call[name][method].append(sum(latencies))
                        per_call[name][method + " (count)"].append(len(latencies))
        if args.trace:
            flows_page.context.tracing.start(screenshots=True, snapshots=True, sources=True)
            update_customer_account(flows_page, customers.create("CN").companyName, CHANGES)
            flows_page.context.tracing.stop(path=args.trace)
        browser.close()
    for name in runners:
        print(f"\n{name}: workflow {median(seconds[name]) * 1000:.0f} ms (median of {args.repetitions})")
        print(f"  {'protocol method':40} {'calls':>5} {'ms per workflow':>16}")
        methods = [m for m in per_call[name] if not m.endswith(" (count)")]
        for method in sorted(methods, key=lambda m: -median(per_call[name][m])):
            count = median(per_call[name][method + " (count)"])
            print(f"  {method:40} {count:5.0f} {median(per_call[name][method]) * 1000:16.1f}")


if __name__ == "__main__":
    main()
