"""The library's REST client against answers a real API's fronts give: a next page's link back to the first, a 503
whose ``Retry-After`` says nothing readable, an error's page trickling in or far too long.

A stub on the loopback plays the API; nothing here reaches a portal.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_rest_client import StubApi, serving

from fixtures.portal.server import served
from flows import rest_http, rest_waits
from flows.rest import ApiError, ApiUnavailableError, PortalClient
from pages import PortalError

pytestmark = pytest.mark.tooling


@pytest.fixture
def api() -> Iterator[StubApi]:
    """Serve a stub API on the loopback while the test runs."""
    with serving() as stub:
        yield stub


def test_a_next_page_link_back_to_the_first_page_is_stopped_at_once(api: StubApi) -> None:
    # Given an API whose first page's next link, without a token, is the first page's own address
    client = PortalClient(api.url, lambda: "t")
    spec = {"Field": "CompanyName", "Value": "Contoso", "Operator": "starts_with"}  # Partner Center's filter
    first = client.address("v1/customers", {"size": "100", "filter": json.dumps(spec)})
    item = {"id": "c1", "companyProfile": {"companyName": "Contoso"}}
    api.answers = [(200, {}, {"items": [item], "links": {"next": {"uri": first}}})]

    # When the client gathers every "Contoso", then it stops with an error before reading the first page again
    with pytest.raises(PortalError, match="already read"):
        client.customers_named("Contoso")
    assert len(api.requests) == 1


@pytest.mark.parametrize("retry_after", ["soon", "-5"])
def test_a_503_whose_retry_after_is_unreadable_is_a_gateway_s_not_a_throttle_to_back_off_from(
    api: StubApi, monkeypatch: pytest.MonkeyPatch, retry_after: str
) -> None:
    # Given an API whose front answers 503 with a Retry-After that says no time
    waits: list[float] = []
    monkeypatch.setattr(rest_waits, "pause", waits.append)
    api.answers = [(503, {"Retry-After": retry_after, "Content-Type": "text/plain"}, b"Service Unavailable")]

    # When the client asks, then it is the API not answering (a restart to wait for), not sent again at once
    with pytest.raises(ApiUnavailableError):
        PortalClient(api.url, lambda: "t").billing_profile("c1")
    assert waits == [] and len(api.requests) == 1


@contextmanager
def trickling_error(size: int, every_s: float) -> Iterator[str]:
    """Serve a 500 whose page of ``size`` bytes arrives a byte each ``every_s`` seconds."""

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(500)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            try:
                for _ in range(size):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(every_s)  # the stand-in server's pace, not the test's
            except OSError:  # the client stopped reading: what is checked
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    with served(server):
        yield f"http://127.0.0.1:{server.server_port}/"


def test_an_error_page_trickling_in_is_read_no_longer_than_a_whole_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an API whose 500 page trickles in a byte at a time, and a short wait for an answer
    monkeypatch.setattr(rest_http, "ERROR_BODY_SECONDS", 0.3)
    with trickling_error(size=200, every_s=0.05) as url, pytest.raises(ApiError) as failed:
        # When the client asks
        PortalClient(url, lambda: "t").billing_profile("c1")

    # Then the error is the 500, its page said broken off once the wait was over, not waited on whole
    assert failed.value.status == 500 and "took longer than 0.3 s" in str(failed.value.body), failed.value.body


def test_an_error_answer_far_too_long_is_read_only_in_part(api: StubApi, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an API whose 404 page is far longer than an error's
    monkeypatch.setattr(rest_http, "ERROR_BODY_LIMIT", 1000)
    api.answers = [(404, {"Content-Type": "text/plain"}, b"y" * 50_000)]

    # When the client asks, then the error holds its start only
    with pytest.raises(ApiError) as failed:
        PortalClient(api.url, lambda: "t").billing_profile("c1")
    assert failed.value.status == 404 and failed.value.body == "y" * 1000
