"""The portal's requests a test answers in its place: Submit's, and a screen's load.

A test that plays a fault (no answer, a 403 page, a redirect, another agent's save first) routes the request it
stands in for. On the bundled portal, Submit is a POST of the edit form to its own address; a deployment's may be
another (a PUT to its API from the page's script), named with ``--submit-request`` or ``$PORTAL_SUBMIT_REQUEST``::

    --submit-request "PUT v1/customers/{id}/profiles/billing"

(the method, then the address below ``--base-url`` or whole, at another origin; ``{id}``: the customer's Microsoft
ID). Unnamed, it is a POST to the edit form's address (``--screen-addresses``'s ``edit``). A screen's load is a GET
of its address there. A route that no request matched is said in a failing test's report, beside the requests
other than GETs the page did send: what to name instead.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Route

from pages import screen_addresses
from pages.addresses import CUSTOMER_ID

SUBMIT_VARIABLE = "PORTAL_SUBMIT_REQUEST"
KEPT_REQUESTS = 12  # the report's list of other requests: the last ones, enough to spot Submit's among them
ROUTED = pytest.StashKey["PortalRequests"]()


@dataclass(frozen=True)
class RequestShape:
    """A request by its method and address: below the base URL, or whole; ``{id}`` stands for the customer's ID."""

    method: str
    address: str
    any_query: bool = True  # a screen's load is its address alone; a search of it is another request

    @classmethod
    def parse(cls, text: str) -> RequestShape:
        """Read ``"METHOD ADDRESS"``, e.g. ``"PUT v1/customers/{id}/profiles/billing"``."""
        method, _, address = text.strip().partition(" ")
        address = address.strip()
        if not re.fullmatch(r"[A-Za-z]+", method) or not address:
            raise ValueError(f"{text!r} is not METHOD ADDRESS (e.g. 'PUT v1/customers/{{id}}/profiles/billing')")
        if address.count(CUSTOMER_ID) > 1 or any(brace in address.replace(CUSTOMER_ID, "") for brace in "{}"):
            raise ValueError(f"{text!r}: the address may hold {CUSTOMER_ID} once, and no other braces")
        if address.startswith("/"):
            raise ValueError(f"{text!r}: the address is below the base URL (without a leading /) or whole (https://)")
        return cls(method.upper(), address)

    def pattern(self, base_url: str, customer_id: str | None = None) -> str:
        """Return a regular expression of this address's URLs (any query), for ``customer_id`` or any customer."""
        whole = self.address if "://" in self.address else urllib.parse.urljoin(base_url, self.address)
        before, _, after = whole.partition(CUSTOMER_ID)
        customer = re.escape(urllib.parse.quote(customer_id, safe="")) if customer_id else r"[^/?#]+"
        query = r"(?:[?#].*)?" if self.any_query else r"(?:#.*)?"
        return re.escape(before) + (customer + re.escape(after) if CUSTOMER_ID in whole else "") + query

    def __str__(self) -> str:
        return f"{self.method} {self.address}"


@dataclass
class RoutedShape:
    """Requests a test routed or watched for (of any of ``shapes``, for one customer or any), and those that matched."""

    shapes: tuple[RequestShape, ...]
    customer_id: str | None
    matched: list[str] = field(default_factory=list)

    def said(self) -> str:
        return " or ".join(map(str, self.shapes)) + (f" (customer {self.customer_id})" if self.customer_id else "")


def matcher(shape: RequestShape, base_url: str, customer_id: str | None) -> Callable[[str, str, str | None], bool]:
    """Return whether a request (its method, URL and body) is of ``shape``, for ``customer_id`` or any customer.

    Matched whatever the case (a host, an ID written in capitals). An address without ``{id}`` (a Submit naming the
    customer in its body) is the customer's when its body names the customer.
    """
    pattern = re.compile(shape.pattern(base_url, customer_id), re.IGNORECASE)
    in_body = customer_id if customer_id and CUSTOMER_ID not in shape.address else None

    def matches(method: str, url: str, body: str | None) -> bool:
        ours = method == shape.method and pattern.fullmatch(url) is not None
        return ours and (in_body is None or in_body.lower() in (body or "").lower())

    return matches


class PortalRequests:
    """Route the portal's requests a test answers in its place; see the module's words."""

    def __init__(self, base_url: str, submit: RequestShape | None) -> None:
        self.base_url = base_url
        self._submit = submit
        self.routed: list[RoutedShape] = []
        self.other_requests: list[str] = []  # requests other than GETs the routed pages sent
        self._heard: list[Page | BrowserContext] = []  # the pages and contexts whose requests are noted

    @property
    def submit(self) -> RequestShape:
        """The request Submit sends (fails the test where the deployment's is not known)."""
        if self._submit is None:
            pytest.fail(
                "the edit form has no address of its own here (--screen-addresses edit=): name the request its "
                f"Submit sends with --submit-request 'METHOD ADDRESS' (or ${SUBMIT_VARIABLE})",
                pytrace=False,
            )
        return self._submit

    def screen(self, name: str) -> RequestShape:
        """The load of the screen ``name`` (dashboard, customers, customer, account, edit) by its address."""
        address: str = getattr(screen_addresses(), name)
        if not address:
            pytest.fail(f"the {name} screen has no address of its own here: give it in --screen-addresses",
                        pytrace=False)  # fmt: skip
        return RequestShape("GET", address, any_query=False)

    def shows(self, screen: str, customer_id: str | None = None) -> Callable[[str], bool]:
        """Return whether an address (its query aside) is ``screen``'s (the customer ``customer_id``'s, or any's);
        the screen's address is looked up now, in the test, not in the listener that asks."""
        matches = matcher(self.screen(screen), self.base_url, customer_id)
        return lambda url: matches("GET", urllib.parse.urlsplit(url)._replace(query="").geturl(), None)

    def is_submit(self, customer_id: str | None = None) -> Callable[[Request], bool]:
        """Return whether a request is Submit's (for the customer ``customer_id``, or any), for a listener to ask;
        Submit's request is looked up now, in the test. A listener that never saw one is said in a failure's report."""
        return self.watch((self.submit,), customer_id)[1]

    def submits_seen(self, target: Page | BrowserContext, customer_id: str | None = None) -> list[str]:
        """Return the list that the address of each Submit ``target`` sends (the customer ``customer_id``'s, or any's)
        goes into, from now on."""
        is_submit, seen = self.is_submit(customer_id), []
        target.on("request", lambda request: seen.append(request.url) if is_submit(request) else None)
        return seen

    def watch(
        self, shapes: tuple[RequestShape, ...], customer_id: str | None
    ) -> tuple[RoutedShape, Callable[[Request], bool]]:
        """Return the record of requests of any of ``shapes`` (for ``customer_id``, or any customer), kept for a
        failure's report, and whether a request is one (recorded when it is)."""
        watched = RoutedShape(shapes, customer_id)
        self.routed.append(watched)
        matchers = [matcher(shape, self.base_url, customer_id) for shape in shapes]

        def seen(request: Request) -> bool:
            if not any(matches(request.method, request.url, request.post_data) for matches in matchers):
                return False
            watched.matched.append(request.url)
            return True

        return watched, seen

    def route(
        self,
        target: Page | BrowserContext,
        handle: Callable[[Route], object],
        *shapes: RequestShape,
        customer_id: str | None = None,
        times: int | None = None,
    ) -> None:
        """Send ``target``'s requests of any of ``shapes`` to ``handle``, the first ``times`` of them (None: all);
        every other request goes on to the portal (or to the routes set before)."""
        routed, seen = self.watch(shapes, customer_id)
        addresses = "|".join(f"(?:{shape.pattern(self.base_url, customer_id)})" for shape in shapes)

        def answer(route: Route) -> None:
            if not seen(route.request) or (times is not None and len(routed.matched) > times):
                route.fallback()  # not one of them, or one past the first ``times``: on to the portal
                return
            handle(route)

        target.route(re.compile(addresses, re.IGNORECASE), answer)
        if not any(heard is target for heard in self._heard):
            self._heard.append(target)
            target.on("request", self._note)

    def route_submit(
        self,
        target: Page | BrowserContext,
        handle: Callable[[Route], object],
        customer_id: str | None = None,
        times: int | None = None,
    ) -> None:
        """Send Submit's request (the customer ``customer_id``'s, or any's) to ``handle``; see ``route``."""
        self.route(target, handle, self.submit, customer_id=customer_id, times=times)

    def send_submit_twice(self, target: Page | BrowserContext, customer_id: str) -> list[int]:
        """Send the customer's next Submit to the portal twice, as a browser does when the connection drops before
        any answer: the page gets the copy's answer. Returns the portal's statuses, the first send's and the copy's."""
        statuses: list[int] = []

        def sent_twice(route: Route) -> None:
            statuses.append(route.fetch(max_redirects=0).status)
            copy = route.fetch(max_redirects=0)
            statuses.append(copy.status)
            route.fulfill(response=copy)

        self.route_submit(target, sent_twice, customer_id, times=1)
        return statuses

    def route_screens(
        self,
        target: Page | BrowserContext,
        handle: Callable[[Route], object],
        *screens: str,
        customer_id: str | None = None,
        times: int | None = None,
    ) -> None:
        """Send the loads of ``screens`` (by their addresses) to ``handle``; see ``route``."""
        self.route(target, handle, *map(self.screen, screens), customer_id=customer_id, times=times)

    def _note(self, request: Request) -> None:
        if request.method != "GET":
            self.other_requests[:] = [*self.other_requests, f"{request.method} {request.url}"][-KEPT_REQUESTS:]

    def unmatched(self) -> str:
        """Say the requests routed or watched for that none matched, and the requests other than GETs sent; empty
        if each matched. Routed alike in several contexts (a job's, anew after a crash), one match is enough."""
        matched = {routed.said() for routed in self.routed if routed.matched}
        missed = dict.fromkeys(routed.said() for routed in self.routed if routed.said() not in matched)
        if not missed:
            return ""
        sent = "\n".join(f"  {said}" for said in self.other_requests) or "  none"
        return "\n".join([*(f"no request matched {said}" for said in missed), f"requests other than GETs sent:\n{sent}",
                          f"(Submit's request is named with --submit-request or ${SUBMIT_VARIABLE})"])  # fmt: skip


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("portal").addoption(
        "--submit-request",
        default=os.environ.get(SUBMIT_VARIABLE) or None,
        metavar="'METHOD ADDRESS'",
        help="the request the edit form's Submit sends, which tests of faults answer in the portal's place, e.g. "
        "'PUT v1/customers/{id}/profiles/billing' (below --base-url, or whole; {id}: the customer's Microsoft ID). "
        f"Default: ${SUBMIT_VARIABLE}, else a POST to the edit form's address",
    )


def pytest_configure(config: pytest.Config) -> None:
    given = config.getoption("submit_request", None)
    try:
        if given:
            RequestShape.parse(given)
    except ValueError as error:
        raise pytest.UsageError(f"--submit-request: {error}") from None


@pytest.fixture
def portal_requests(request: pytest.FixtureRequest, base_url: str) -> PortalRequests:
    """Route the portal's requests the test answers in its place: Submit's, a screen's load."""
    given = request.config.getoption("submit_request", None)
    edit = screen_addresses().edit
    submit = RequestShape.parse(given) if given else RequestShape("POST", edit) if edit else None
    portal = request.node.stash[ROUTED] = PortalRequests(base_url, submit)  # read again by the report below
    return portal


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: pytest.TestReport = yield
    portal = item.stash.get(ROUTED, None)
    if report.failed and call.when == "call" and portal is not None and (said := portal.unmatched()):
        # In the failure itself, not beside it: JUnit's <failure> and the summary's FAILED line carry it too,
        # where "DID NOT RAISE" alone would not say that the fault was never played.
        longrepr, first = report.longrepr, said.splitlines()[0]
        if hasattr(longrepr, "addsection") and getattr(longrepr, "reprcrash", None) is not None:
            longrepr.addsection("portal requests routed", said)
            longrepr.reprcrash.message += f" ({first}: see 'portal requests routed')"
        else:
            report.sections.append(("portal requests routed", said))
    return report
