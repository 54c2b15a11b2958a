"""The library's REST client against an API that throttles, drops connections and pages oddly.

A stub API on the loopback answers each request from a script the test writes, and records what
it was sent; the client's waits are recorded instead of waited.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from time import time

import pytest

from fixtures.portal.server import served
from flows import rest_waits, update_accounts
from flows.rest import ApiError, PortalClient, send
from pages import PortalError, PortalUnavailableError, ThrottledError

pytestmark = pytest.mark.tooling

DROP = (0, {}, None)  # an answer that closes the connection without a word


@dataclass
class StubApi:
    """Answers requests in turn with ``answers`` (status, headers, JSON body, or bytes sent as they are); the last
    one repeats."""

    answers: list[tuple[int, dict[str, str], object]] = field(default_factory=list)
    requests: list[tuple[str, Message]] = field(default_factory=list)  # (path, headers: any case) as sent
    url: str = ""


@contextmanager
def serving() -> Iterator[StubApi]:
    """Serve a stub API on the loopback until the block ends."""
    stub = StubApi()

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))  # a POST's form, read to answer it
            stub.requests.append((self.path, self.headers))
            status, headers, body = stub.answers[min(len(stub.requests), len(stub.answers)) - 1]
            if status == 0:
                self.close_connection = True
                return
            self.dated = headers.get("Date")  # the server's clock, as this answer gives it
            self.send_response(status)
            for name, value in headers.items():
                if name != "Date":  # sent by send_response, as dated
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body if isinstance(body, bytes) else json.dumps(body).encode())

        do_POST = do_GET  # a token endpoint's

        def date_time_string(self, timestamp: float | None = None) -> str:
            return getattr(self, "dated", None) or super().date_time_string(timestamp)

        def log_message(self, *args: object) -> None:
            pass

    with served(ThreadingHTTPServer(("127.0.0.1", 0), Answer)) as server:
        stub.url = f"http://127.0.0.1:{server.server_port}/"
        yield stub


@pytest.fixture
def api() -> Iterator[StubApi]:
    """Serve a stub API on the loopback while the test runs."""
    with serving() as stub:
        yield stub


@pytest.fixture
def own_locks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the accounts job's input locks in the test's folder: tests in other workers apply the same rows to the
    same address (where no portal is) at once, which the job refuses as the same rows applied twice."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the client's waits instead of waiting them."""
    recorded: list[float] = []
    monkeypatch.setattr(rest_waits, "pause", recorded.append)
    return recorded


THROTTLED = {"code": 429, "description": "Too many requests", "data": [], "source": "PartnerFD"}


def test_a_throttled_request_is_sent_again_after_the_wait_the_api_names(api: StubApi, waits: list[float]) -> None:
    # Given an API that throttles twice, asking for 7 seconds, then answers
    api.answers = [(429, {"Retry-After": "7"}, THROTTLED)] * 2 + [(200, {}, {"ok": True})]

    # When the client asks
    answer, _ = send(api.url + "v1/customers")

    # Then it waited as asked, twice, and the third request had the answer
    assert answer == {"ok": True}
    assert waits == [7.0, 7.0] and len(api.requests) == 3


def test_a_wait_given_as_a_date_is_waited_until_then(api: StubApi, waits: list[float]) -> None:
    # Given a 503 that says to come back at a date 20 seconds after it answered (dated as it is written: a busy
    # machine's seconds between the two would shorten the wait by as many)
    answered = time()
    asked = {"Retry-After": formatdate(answered + 20, usegmt=True), "Date": formatdate(answered, usegmt=True)}
    api.answers = [(503, asked, {}), (200, {}, [])]

    # When the client asks
    send(api.url)

    # Then it waited those 20 seconds
    assert waits == [20.0]


def test_a_retry_after_date_is_counted_from_the_answer_s_date_not_this_machine_s_clock(
    api: StubApi, waits: list[float]
) -> None:
    # Given an API whose clock is an hour behind this machine's, asking to come back 5 s after it answered
    answered = time() - 3600
    later = {"Retry-After": formatdate(answered + 5, usegmt=True), "Date": formatdate(answered, usegmt=True)}
    api.answers = [(429, later, THROTTLED), (200, {}, {})]

    # When the client asks, then it waited the 5 s meant (not none: by this machine's clock that date is long past)
    send(api.url)
    assert waits == [5.0] and len(api.requests) == 2


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        ("1.5", 1.5, 1.5),  # seconds with a fraction
        ("²", 1.0, 1.0),  # a digit to Python's str.isdigit, no number: backed off instead
        ("in 20 s", 20, 20),  # a date 20 seconds after the answer's own Date, in UTC written "-0000"
    ],
    ids=["fraction", "superscript", "date-minus-zero"],
)
def test_odd_retry_after_values_are_read_as_waits(
    api: StubApi, waits: list[float], retry_after: str, low: float, high: float
) -> None:
    # Given a throttle whose Retry-After is written unusually, then an answer
    headers = {"Retry-After": retry_after}
    if retry_after == "in 20 s":  # the answer dated, as the wait counts from its Date: not from when it came
        answered = time()
        headers = {"Retry-After": formatdate(answered + 20), "Date": formatdate(answered, usegmt=True)}  # "-0000"
    api.answers = [(429, headers, THROTTLED), (200, {}, {})]

    # When the client asks
    send(api.url)

    # Then it waited the time meant (a back-off where none is readable), and asked again
    assert len(waits) == 1 and low <= waits[0] <= high and len(api.requests) == 2


def test_a_throttle_that_persists_is_an_api_error_after_a_few_tries(api: StubApi, waits: list[float]) -> None:
    # Given an API that throttles every request, without saying how long
    api.answers = [(429, {}, THROTTLED)]

    # When the client asks
    with pytest.raises(ApiError) as throttled:
        send(api.url + "v1/customers")

    # Then it backed off 1, 2, 4, 8 seconds, then raised the API's own answer
    assert waits == [1.0, 2.0, 4.0, 8.0] and len(api.requests) == 5
    assert throttled.value.status == 429 and throttled.value.body == THROTTLED


@pytest.mark.parametrize(
    ("status", "headers"), [(429, {"Retry-After": "3600"}), (503, {})], ids=["wait-too-long", "503-without-wait"]
)
def test_an_answer_not_to_wait_for_is_raised_at_once(
    api: StubApi, waits: list[float], status: int, headers: dict[str, str]
) -> None:
    # Given an API that asks for an hour, or is unavailable without saying for how long
    api.answers = [(status, headers, {"code": status})]

    # When the client asks
    # Then it raises at once: the caller decides, not a silent hour
    with pytest.raises(ApiError, match=str(status)):
        send(api.url)
    assert waits == [] and len(api.requests) == 1


def test_a_dropped_connection_is_portal_unavailable(api: StubApi) -> None:
    # Given an API that closes the connection without answering
    api.answers = [DROP]

    # When the client asks
    # Then it is the library's error for an API that did not answer, naming the address
    with pytest.raises(PortalUnavailableError, match="broke off GET"):
        send(api.url + "v1/customers")


def test_pages_are_followed_by_their_next_link_and_a_page_read_twice_stops_the_walk(api: StubApi) -> None:
    # Given an API whose next link (Partner Center's shape) leads to a page whose next link repeats itself
    def page(name: str, token: str | None) -> tuple[int, dict[str, str], object]:
        item = {"id": name, "companyProfile": {"companyName": "Contoso"}}
        # Partner Center's link: relative to the API's version
        following = {"uri": "/customers?size=100&seekOperation=Next", "headers": [], "method": "GET"}
        if token:
            following["headers"] = [{"key": "MS-ContinuationToken", "value": token}]
        return 200, {}, {"items": [item], "links": {"next": following}}

    api.answers = [page("1", "t1"), page("2", "t2"), page("3", "t2")]
    client = PortalClient(api.url, token=lambda: "a-token")

    # When the client gathers every "Contoso"
    # Then it follows the next links, and stops with an error where a page would be read again
    with pytest.raises(PortalError, match="already read"):
        client.customers_named("Contoso")
    first, *following = api.requests
    assert first[0].startswith("/v1/customers?size=100&filter=")
    assert [path for path, _ in following] == ["/v1/customers?size=100&seekOperation=Next"] * 2
    assert [headers["MS-ContinuationToken"] for _, headers in following] == ["t1", "t2"]


def test_links_resolve_against_the_api_s_version_and_never_lead_to_another_site() -> None:
    client = PortalClient("https://partner.example/pc", token=lambda: "a-token")

    # Partner Center's link (relative to the version), one naming the version, one whole: the same address
    expected = "https://partner.example/pc/v1/customers?size=5&seekOperation=Next"
    links = ("/customers?size=5&seekOperation=Next", "/v1/customers?size=5&seekOperation=Next", expected)
    for link in (*links, "/pc/v1/customers?size=5&seekOperation=Next"):  # the last naming the gateway's prefix too
        assert client.link_url(link) == expected, link
    # What an address may not hold (a space, a Chinese name), sent encoded as a browser would; an escape kept
    encoded = "https://partner.example/pc/v1/customers?filter=%E8%B6%8B%E5%8A%BF%20a%2Fb&seekOperation=Next"
    for link in ("/customers?filter=趋势 a%2Fb&seekOperation=Next", encoded):
        assert client.link_url(link) == encoded, link
    # A link to another site would carry the token there: refused
    with pytest.raises(PortalError, match="another site"):
        client.link_url("https://elsewhere.example/v1/customers")


@pytest.mark.parametrize(
    ("answer", "domain"),
    [
        pytest.param((200, {}, {"domain": "contoso-partner.onmschina.cn"}), "contoso-partner.onmschina.cn", id="told"),
        pytest.param((404, {}, {"code": 404, "description": "Not found"}), None, id="no-such-resource"),
        pytest.param((403, {}, {"code": 403, "description": "Forbidden"}), None, id="role-may-not-read-it"),
    ],
)  # fmt: skip
def test_the_partner_s_domain_is_read_once_from_its_organization_profile(
    api: StubApi, answer: tuple[int, dict[str, str], object], domain: str | None
) -> None:
    api.answers = [answer]
    client = PortalClient(api.url, lambda: "token")

    assert [client.partner_domain(), client.partner_domain()] == [domain, domain]
    assert [path for path, _ in api.requests] == ["/v1/profiles/organization"]


@pytest.mark.parametrize(
    ("headers", "text", "start"),
    [
        pytest.param(
            {"Content-Type": "text/html; charset=utf-8"},
            b"<!doctype html>\n<html><head>\n  <TITLE>Partner Center &ndash;\n  Sign in</TITLE></head><body>Hi</body>",
            "Partner Center – Sign in",
            id="portal-web-page",
        ),
        pytest.param(
            {}, b"Hello  from\n the   portal: " + b"a" * 150, f"Hello from the portal: {'a' * 76}…", id="text"
        ),
    ],
)
def test_an_answer_that_is_not_json_asks_whether_the_address_is_the_api_s(
    api: StubApi, headers: dict[str, str], text: bytes, start: str
) -> None:
    # Given an address that answers 200 with a web page (the portal's address, say, not its API's)
    api.answers = [(200, headers, text)]

    # When the client asks
    # Then it is the library's error, saying what came back instead of JSON: its type, and how it starts
    with pytest.raises(PortalError) as answered:
        send(api.url + "v1/customers")
    kind = headers.get("Content-Type", "no content type")
    assert str(answered.value) == (
        f"GET {api.url}v1/customers answered {kind}, not JSON ({start!r}): is this the REST API's address?"
    )


API_ERROR = {"code": 400, "description": "Invalid filter", "data": [], "source": "PartnerFD"}
NOT_FOUND_PAGE = b"<html>\n<head><title>404 Not Found</title></head>\n<body>" + b"<p>nginx</p>" * 50 + b"</body></html>"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        pytest.param(API_ERROR, "Invalid filter", id="api-error-resource"),
        pytest.param(
            b"Bad   request:\n\n  the filter\tis " + b"x" * 120, f"Bad request: the filter is {'x' * 72}…", id="text"
        ),
    ],
)
def test_an_error_s_message_is_short_and_its_body_whole(api: StubApi, body: object, said: str) -> None:
    # Given an API that answers an error: its own error resource, some text
    api.answers = [(404, {}, body)]

    # When the client asks
    with pytest.raises(ApiError) as refused:
        send(api.url + "v1/customers/c1")

    # Then the message has the status and what the answer says, in short; the whole answer is on the error
    assert str(refused.value) == f"GET {api.url}v1/customers/c1 answered 404: {said}"
    assert refused.value.body == (body.decode() if isinstance(body, bytes) else body)


@pytest.mark.parametrize(
    ("status", "headers", "retry_after", "waited", "when"),
    [
        (429, {"Retry-After": "3600"}, 3600.0, [], "; it asked to come back in 3600 s"),
        (503, {"Retry-After": "90.5"}, 90.5, [], "; it asked to come back in 90.5 s"),
        (429, {"Retry-After": "7"}, 7.0, [7.0] * 4, "; it asked to come back in 7 s"),  # asked for each time
        (429, {}, None, [1.0, 2.0, 4.0, 8.0], ""),
    ],
    ids=["too-long", "503-too-long", "persists", "persists-without-saying"],
)
def test_a_throttle_raised_says_how_long_the_api_asked_to_wait(
    api: StubApi,
    waits: list[float],
    status: int,
    headers: dict[str, str],
    retry_after: float | None,
    waited: list[float],
    when: str,
) -> None:
    # Given an API that asks to come back later, too late for the client or every time
    api.answers = [(status, headers, THROTTLED)]

    # When the client asks
    with pytest.raises(ApiError) as throttled:
        send(api.url + "v1/customers")

    # Then the error carries the wait asked (None when not said), and its message says it
    assert throttled.value.retry_after == retry_after and waits == waited
    assert str(throttled.value) == f"GET {api.url}v1/customers answered {status}: Too many requests{when}"
    # ... and it is a ThrottledError, as the portal's sign-in page's and Submit's are: one type to catch
    assert isinstance(throttled.value, ThrottledError) and throttled.value.status == status


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_s_answer_is_the_api_not_answering(api: StubApi, waits: list[float], status: int) -> None:
    # Given a gateway that answers for an API that does not (a restart, say), without saying when to come back
    page = f"<html><head><title>{status} Gateway says no</title></head><body>nginx</body></html>"
    api.answers = [(status, {"Content-Type": "text/html"}, page.encode())]

    # When the client asks
    with pytest.raises(PortalUnavailableError) as unanswered:
        send(api.url + "v1/customers")

    # Then it is raised at once as an API that did not answer (as a dropped connection is), still an ApiError
    assert isinstance(unanswered.value, ApiError) and unanswered.value.status == status
    assert waits == [] and len(api.requests) == 1
    assert str(unanswered.value) == (
        f"GET {api.url}v1/customers answered {status}: {status} Gateway says no. "
        "A gateway's answer: the REST API behind it did not answer"
    )


@pytest.mark.usefixtures("own_locks")
def test_the_accounts_job_reads_the_api_at_its_own_address_and_says_when_it_is_no_api(api: StubApi) -> None:
    # Given an API address that answers with a web page (the portal's, say), and a portal nothing needs yet
    api.answers = [(200, {"Content-Type": "text/html"}, b"<html><title>Partner Center</title></html>")]

    with pytest.raises(PortalError, match=r"not JSON \('Partner Center'\): is this the REST API's address\?"):
        update_accounts([{"customer": "Contoso", "city": "Lyon"}], "http://127.0.0.1:9/", "ops",
                        token=lambda: "a-token", api_url=api.url)  # fmt: skip

    assert [path.split("?")[0] for path, _ in api.requests] == ["/v1/customers"]


@pytest.mark.parametrize("headers", [{}, {"Content-Type": "text/html; charset=utf-8"}], ids=["by-its-text", "by-type"])
def test_a_web_page_answering_an_error_asks_whether_the_address_is_the_api_s(
    api: StubApi, headers: dict[str, str]
) -> None:
    # Given an address whose web server answers 404 with its page: no word on a customer, a wrong address
    api.answers = [(404, headers, NOT_FOUND_PAGE)]
    client = PortalClient(api.url, lambda: "a-token")

    # When a customer is looked up by ID, then it is not taken for "no such customer"
    with pytest.raises(PortalError, match=r"answered 404 with a web page \('404 Not Found'\), not the API's error"):
        client.customer("5ecb2629-a56d-4a0e-9a3f-2f4f6a0b1c2d")


GATEWAY_PAGE = (502, {"Content-Type": "text/html"}, b"<html><title>502 Bad Gateway</title></html>")
CUSTOMER = {"id": "5ecb2629-a56d-4a0e-9a3f-2f4f6a0b1c2d", "companyProfile": {"companyName": "Contoso"}}


def test_a_read_waits_for_an_api_that_restarts_when_asked_to(api: StubApi, waits: list[float]) -> None:
    # Given an API that answers, then, behind its gateway, answers 502 twice, drops a connection, answers again
    api.answers = [(200, {}, CUSTOMER), GATEWAY_PAGE, GATEWAY_PAGE, DROP, (200, {}, CUSTOMER)]
    client = PortalClient(api.url, lambda: "a-token", unavailable_wait_s=10)
    assert client.customer(CUSTOMER["id"]) == CUSTOMER

    # When the customer is read again, then it is, after waits of 0.5, 1 and 2 s
    assert client.customer(CUSTOMER["id"]) == CUSTOMER
    assert waits == [0.5, 1.0, 2.0] and len(api.requests) == 5


def test_a_read_of_an_api_that_stays_gone_raises_once_the_wait_is_spent(api: StubApi, waits: list[float]) -> None:
    # Given an API that answered, then whose gateway answers 502 for good, and a client that waits up to 10 s
    api.answers = [(200, {}, CUSTOMER), GATEWAY_PAGE]
    client = PortalClient(api.url, lambda: "a-token", unavailable_wait_s=10)
    client.customer(CUSTOMER["id"])

    # When the customer is read again, then it is unavailable once 0.5 + 1 + 2 + 4 s were waited (8 more: past 10)
    with pytest.raises(PortalUnavailableError, match="answered 502"):
        client.customer(CUSTOMER["id"])
    assert waits == [0.5, 1.0, 2.0, 4.0] and len(api.requests) == 6


def test_an_api_that_never_answered_is_not_waited_for(api: StubApi, waits: list[float]) -> None:
    # Given an address whose gateway answers 502 from the first request on (a wrong address, more likely)
    api.answers = [GATEWAY_PAGE]
    client = PortalClient(api.url, lambda: "a-token", unavailable_wait_s=10)

    # When a customer is read, then it is unavailable at once
    with pytest.raises(PortalUnavailableError, match="answered 502"):
        client.customer(CUSTOMER["id"])
    assert waits == [] and len(api.requests) == 1


@pytest.mark.usefixtures("own_locks")
def test_the_accounts_job_s_check_waits_for_an_api_that_restarts(api: StubApi, waits: list[float]) -> None:
    # Given an API that lists the customer, then answers 502 twice, then a web page (the job stops there)
    listed = {"totalCount": 1, "items": [CUSTOMER], "links": {}}
    web_page = (200, {"Content-Type": "text/html"}, b"<title>Partner Center</title>")
    api.answers = [(200, {}, listed), GATEWAY_PAGE, GATEWAY_PAGE, web_page]

    # When the job checks its rows, then it waited for the API before reading its next answer
    with pytest.raises(PortalError, match=r"is this the REST API's address\?"):
        update_accounts([{"customer": "Contoso", "city": "Lyon"}], "http://127.0.0.1:9/", "ops",
                        token=lambda: "a-token", api_url=api.url)  # fmt: skip
    assert waits == [0.5, 1.0] and len(api.requests) == 4
