"""Explain the workflow's time: Playwright calls and their latency, our flows against raw Playwright.

``.venv/bin/python -m benchmarks.profile [--repetitions N] [--trace flows-trace.zip]`` prints, per
approach, the median workflow time and, per protocol method, how many calls a workflow makes and
the time they take. ``--trace`` also records a Playwright trace of one run of our flows (open it
with ``.venv/bin/playwright show-trace``); ``--in-order`` prints each call in the order made, with its
median and the line of the library (``pages/``, ``flows/``) that made it, to set one approach's screen against
the other's. ``--without-screen-checks`` prices the check each screen
makes for sign-in and error pages: the flows run with it turned off but on the Customers list, whose
check is also the wait for the search's answer (never for real use). The call
counting hooks private methods of the Playwright client: a diagnostic for this version, not part
of the benchmark's measurements.
"""

from __future__ import annotations

import argparse
import secrets
import time
import traceback
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright._impl import _sync_base, connection
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
in_order: list[list[Any]] = []  # [method, latency or None until answered, caller], as sent: one workflow's calls
making: list[str] = [""]  # the library's line whose Playwright call is under way ("" outside the library's)
LIBRARY = ("/pages/", "/flows/")


def count_calls() -> None:
    """Time every message the client sends until its answer arrives (events without answers too)."""
    send = connection.Connection.send_message_to_server

    def timed(self: Any, target: Any, method: str, params: Any, options: dict[str, Any]) -> Any:
        started = time.perf_counter()
        future = send(self, target, method, params, options)
        name = f"{target._type}.{method}"
        entry: list[Any] = [name, None, making[0]]
        if method != "__waitInfo__":  # a waiter's own log, sent beside the call it belongs to
            in_order.append(entry)

        def done(_: object) -> None:
            entry[1] = time.perf_counter() - started
            calls[name].append(entry[1])

        future.add_done_callback(done)
        return future

    connection.Connection.send_message_to_server = timed  # type: ignore[method-assign]
    run = _sync_base.SyncBase._sync

    def noted(self: Any, coroutine: Any) -> Any:
        """Note the library's innermost line behind this call of the synchronous API, while it runs."""
        outer = making[0]
        if not outer:  # a call within a call (a listener's) is the outer one's
            lines = [frame for frame in traceback.extract_stack() if any(part in frame.filename for part in LIBRARY)]
            making[0] = f"{Path(lines[-1].filename).name}:{lines[-1].lineno} {lines[-1].name}" if lines else ""
        try:
            return run(self, coroutine)
        finally:
            making[0] = outer

    _sync_base.SyncBase._sync = noted  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    """Profile both Playwright approaches and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("--repetitions", type=int, default=10, help="timed runs per approach (default: %(default)s)")
    parser.add_argument("--trace", type=Path, help="also record a trace of one run of our flows here")
    parser.add_argument(
        "--in-order", action="store_true", help="also print each call in the order a workflow makes it, with its median"
    )
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
        sequences: dict[str, list[list[list[Any]]]] = defaultdict(list)
        for number in range(args.repetitions + 1):  # the first round warms up and is not counted
            for name, run in runners.items():
                company = customers.create("CN").companyName
                calls.clear()
                in_order.clear()
                started = time.perf_counter()
                run(company)
                if number:
                    seconds[name].append(time.perf_counter() - started)
                    sequences[name].append(list(in_order))
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
        if args.in_order:
            print_in_order(sequences[name])


def print_in_order(runs: list[list[list[Any]]]) -> None:
    """Print each call of a workflow in the order made, with its median latency over the runs that made the same."""
    shape = [method for method, _, _ in runs[0]]
    alike = [run for run in runs if [method for method, _, _ in run] == shape]
    print(f"  in order ({len(alike)} of {len(runs)} runs made these calls), each with the library's line that made it:")
    for position, method in enumerate(shape):
        latencies = [run[position][1] for run in alike if run[position][1] is not None]
        print(f"  {position:3} {method:36} {median(latencies) * 1000:8.1f} ms  {runs[0][position][2]}")


if __name__ == "__main__":
    main()
