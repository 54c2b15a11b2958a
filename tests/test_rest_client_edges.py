"""The REST clients at their edges: answers of another shape, names in another Unicode form, continuation
tokens spelled or placed otherwise, a throttle asking for no wait, the suite's client at a wrong address.

The stub API of tests/test_rest_client.py answers; the client's waits are recorded instead of waited.
"""

from __future__ import annotations

import contextlib
import json
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from test_rest_client import THROTTLED, StubApi, own_locks, serving  # noqa: F401  # own_locks: a fixture

from fixtures import api_client as suite_api
from flows import account_row, rest, rest_waits, update_accounts
from flows.accounts_plan import check_rows
from flows.rest import NotApiAnswerError, PortalClient, send
from flows.spreadsheet import AccountRow
from pages import BillingProfile

pytestmark = pytest.mark.tooling

ID = "5ecb2629-a56d-4a0e-9a3f-2f4f6a0b1c2d"
NAME = "Normand Clément et Fils"
NFC, NFD = unicodedata.normalize("NFC", NAME), unicodedata.normalize("NFD", NAME)
BILLING = {
    "id": "b1", "firstName": "Anne", "lastName": "Roux", "email": "anne@example.fr", "companyName": NFC,
    "culture": "fr-FR", "language": "fr",
    "defaultAddress": {"country": "FR", "city": "Paris", "addressLine1": "1 rue de la Paix", "postalCode": "75002"},
    "attributes": {"etag": "e1", "objectType": "CustomerBillingProfile"},
}  # fmt: skip
FRANCE = {"iso2Code": "FR", "supportedStatesList": [], "postalCodeRegex": r"^\d{5}$"}


def listed(*names: str, following: dict | None = None, **more: object) -> tuple[int, dict[str, str], object]:
    """Return a 200 page of the customer list with a customer of each name, and ``links.next`` if given."""
    items = [{"id": f"{ID[:-1]}{n}", "companyProfile": {"companyName": name}} for n, name in enumerate(names)]
    return 200, {}, {"items": items, "links": {"next": following} if following else {}, **more}


@pytest.fixture
def api() -> Iterator[StubApi]:
    """Serve a stub API on the loopback while the test runs."""
    with serving() as stub:
        yield stub


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the client's waits instead of waiting them."""
    recorded: list[float] = []
    monkeypatch.setattr(rest_waits, "pause", recorded.append)
    return recorded


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param({"items": None}, "items is null or absent, not a list", id="items-null"),
        pytest.param(b"", "the answer is empty or null", id="empty-body"),
        pytest.param([], "the answer is a list", id="a-list"),
        pytest.param({"items": [{"id": ID, "companyName": "Contoso"}]}, "items[0] has no companyProfile.companyName",
                     id="no-company-profile"),
        pytest.param({"items": ["Contoso"]}, "items[0] is text, not an object", id="item-not-an-object"),
        pytest.param({"items": [], "links": {"next": "/customers?page=2"}}, "links.next is not a link object",
                     id="next-not-a-link"),
    ],
)  # fmt: skip
def test_a_customer_list_of_another_shape_is_no_api_answer(api: StubApi, body: object, problem: str) -> None:
    # Given an address that answers 200 with something other than a page of customers
    api.answers = [(200, {"Content-Type": "application/json"}, body)]
    client = PortalClient(api.url, lambda: "a-token")

    # When a customer is looked up by name
    with pytest.raises(NotApiAnswerError) as answered:
        client.customers_named("Contoso")

    # Then the library's error names the request and what its answer lacks
    (path, _), message = api.requests[0], str(answered.value)
    assert message == (
        f"GET {api.url}{path.lstrip('/')} answered something other than the API's customer list: {problem}; "
        "is this the REST API's address?"
    )


def test_a_customer_without_its_company_profile_is_no_api_answer(api: StubApi) -> None:
    api.answers = [(200, {}, {"id": ID, "companyName": "Contoso"})]

    with pytest.raises(NotApiAnswerError, match=rf"GET {api.url}v1/customers/{ID} .* has no companyProfile"):
        PortalClient(api.url, lambda: "a-token").customer(ID)


@pytest.mark.usefixtures("own_locks")
def test_the_accounts_job_stops_on_an_answer_of_another_shape_with_the_library_s_error(api: StubApi) -> None:
    # Given an API address whose customer list holds no items (what crashed update-accounts with a TypeError)
    api.answers = [(200, {}, {"items": None})]

    # When the job checks its rows, Then it is the library's error (the CLI prints a PortalError on one line)
    with pytest.raises(NotApiAnswerError, match=r"items is null or absent"):
        update_accounts([{"customer": "Contoso", "city": "Lyon"}], "http://127.0.0.1:9/", "ops",
                        token=lambda: "a-token", api_url=api.url)  # fmt: skip


@pytest.mark.parametrize(
    ("resource", "problem"),
    [
        pytest.param(
            {"id": "b", "firstName": "A", "attributes": {"etag": "e"}},
            "required companyName, lastName, email, defaultAddress.addressLine1, defaultAddress.country missing",
            id="partial",
        ),
        pytest.param(
            {**BILLING, "defaultAddress": {**BILLING["defaultAddress"], "postalCode": 75002}},
            "defaultAddress.postalCode not text",
            id="a-number",
        ),
        pytest.param({**BILLING, "defaultAddress": "1 rue de la Paix"}, "defaultAddress is text", id="address-text"),
    ],
)
def test_a_billing_profile_without_its_required_fields_is_refused_naming_them(
    api: StubApi, resource: dict, problem: str
) -> None:
    api.answers = [(200, {}, resource)]

    with pytest.raises(NotApiAnswerError) as refused:
        PortalClient(api.url, lambda: "a-token").billing_profile(ID)

    assert str(refused.value).startswith(f"GET {api.url}v1/customers/{ID}/profiles/billing answered ")
    assert f"the API's billing profile: {problem}" in str(refused.value)


def test_a_billing_profile_without_its_optional_fields_reads_them_as_empty(api: StubApi) -> None:
    # Given a profile as Partner Center may send it: no addressLine2, state, phoneNumber (null or absent)
    api.answers = [(200, {}, {**BILLING, "defaultAddress": {**BILLING["defaultAddress"], "state": None}})]

    profile = PortalClient(api.url, lambda: "a-token").billing_profile(ID)

    assert profile == BillingProfile("Normand Clément et Fils", "Anne", "Roux", "anne@example.fr", "",
                                     "1 rue de la Paix", "", "Paris", "", "75002", "FR", "fr-FR", "fr")  # fmt: skip


def test_country_rules_of_another_shape_are_no_api_answer(api: StubApi) -> None:
    api.answers = [(200, {}, {"iso2Code": "FR", "supportedStatesList": "Île-de-France"})]

    with pytest.raises(NotApiAnswerError, match=r"supportedStatesList is not a list of text"):
        PortalClient(api.url, lambda: "a-token").country_rules("FR")


@pytest.mark.parametrize(("asked", "stored"), [(NFD, NFC), (NFC, NFD)], ids=["asked-nfd", "stored-nfd"])
def test_a_name_in_another_unicode_form_names_the_same_customer(api: StubApi, asked: str, stored: str) -> None:
    # Given a customer whose name is written in one Unicode form, and a row that writes it in the other
    api.answers = [listed(stored, "Normand Clément et Fils SA")]

    found = PortalClient(api.url, lambda: "a-token").customers_named(asked)

    # Then it is found, and the API was asked for the name composed, as the portal stores names
    assert [item["companyProfile"]["companyName"] for item in found] == [stored]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(api.requests[0][0]).query)
    assert json.loads(query["filter"][0])["Value"] == NFC


@pytest.mark.parametrize(
    ("asked", "stored"),
    [
        pytest.param("北京科技(上海)有限公司", "北京科技（上海）有限公司", id="ascii-parentheses-for-full-width"),
        pytest.param("Ｃｏｎｔｏｓｏ Ltd.", "Contoso Ltd.", id="full-width-letters-for-ascii"),
        pytest.param("Contoso ２０２４", "Contoso 2024", id="full-width-digits"),
        pytest.param("Contoso Ltd.", "Contoso\u3000Ltd.", id="ideographic-space"),
    ],
)
def test_a_name_written_in_the_other_width_names_the_same_customer(api: StubApi, asked: str, stored: str) -> None:
    # Given a customer whose name has letters, digits or punctuation in one width, and a row writing the other
    api.answers = [listed(stored, stored + " Beijing", "contoso ltd.")]

    found = PortalClient(api.url, lambda: "a-token").customers_named(asked)

    # Then it is found, as the Customers list finds it (and the portal's search): nothing else of that prefix
    assert [item["companyProfile"]["companyName"] for item in found] == [stored]


def test_a_name_written_exactly_is_preferred_to_its_other_width(api: StubApi) -> None:
    # Given two customers whose names differ only in width
    api.answers = [listed("Ｃｏｎｔｏｓｏ", "Contoso")]

    found = PortalClient(api.url, lambda: "a-token").customers_named("Contoso")

    # Then the one written as asked is the customer named so
    assert [item["companyProfile"]["companyName"] for item in found] == ["Contoso"]


def test_the_accounts_check_finds_a_customer_named_in_the_other_width(api: StubApi) -> None:
    # Given the API's customer with full-width parentheses, its profile and its country's rules, and a row with ASCII
    api.answers = [listed("北京科技（上海）有限公司"), (200, {}, BILLING), (200, {}, FRANCE)]
    client = PortalClient(api.url, lambda: "a-token")

    plan = check_rows([AccountRow(2, "北京科技(上海)有限公司", {"city": "Lyon"})], client)

    assert plan.problems == [] and [task.customer_id for task in plan.tasks] == [f"{ID[:-1]}0"]


def test_the_accounts_check_finds_a_customer_named_in_nfd(api: StubApi) -> None:
    # Given the API's customer (NFC), its profile and its country's rules, and a row naming it in NFD (macOS)
    api.answers = [listed(NFC), (200, {}, BILLING), (200, {}, FRANCE)]
    client = PortalClient(api.url, lambda: "a-token")

    plan = check_rows([AccountRow(2, NFD, {"city": "Lyon"})], client)

    assert plan.problems == [] and [task.customer_id for task in plan.tasks] == [f"{ID[:-1]}0"]


def test_the_job_chooses_the_customer_in_the_list_by_its_composed_name(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a Customers list that records the name it is asked to choose (the portal's links are NFC)
    chosen: list[str] = []
    customers = SimpleNamespace(choose=lambda name: chosen.append(name) or "the customer's page")
    dashboard = SimpleNamespace(customers_link=SimpleNamespace(is_visible=lambda: True),
                                customers=lambda wait_for_list: customers)  # fmt: skip
    monkeypatch.setattr(account_row, "DashboardPage", lambda page: dashboard)
    monkeypatch.setattr(account_row, "step", lambda page, name: contextlib.nullcontext())

    # When a row that names the customer in NFD opens it
    account_row.open_customer(SimpleNamespace(), NFD)  # type: ignore[arg-type]

    # Then the list was asked for the name composed
    assert chosen == [NFC]


NEXT = "/customers?size=100&seekOperation=Next"


@pytest.mark.parametrize(
    ("following", "more", "headers"),
    [
        pytest.param({"uri": NEXT, "headers": [{"key": "ms-continuationtoken", "value": "t1"}]}, {}, {},
                     id="link-header-lower-case"),
        pytest.param({"uri": NEXT, "headers": [{"key": "continuationToken", "value": "t1"}]}, {}, {},
                     id="link-header-continuationToken"),
        pytest.param({"uri": NEXT, "headers": []}, {"continuationToken": "t1"}, {}, id="collection-continuationToken"),
        pytest.param({"uri": NEXT}, {}, {"MS-ContinuationToken": "t1"}, id="answer-header-only"),
        pytest.param({"uri": NEXT}, {}, {"ms-continuationtoken": "t1"}, id="answer-header-lower-case"),
    ],
)  # fmt: skip
def test_a_continuation_token_is_taken_wherever_and_however_it_is_spelled(
    api: StubApi, following: dict, more: dict, headers: dict[str, str]
) -> None:
    # Given a first page whose next page's token is spelled or placed otherwise than the link's MS-ContinuationToken
    status, _, first = listed("Contoso", following=following, **more)
    api.answers = [(status, headers, first), listed("Contoso")]

    found = PortalClient(api.url, lambda: "a-token").customers_named("Contoso")

    # Then the next page was asked for with that token, in the header Partner Center reads
    assert len(found) == 2 and [path for path, _ in api.requests[1:]] == [f"/v1{NEXT}"]
    assert api.requests[1][1]["MS-ContinuationToken"] == "t1"


def test_a_throttle_asking_for_no_wait_is_still_waited_a_little(api: StubApi, waits: list[float]) -> None:
    # Given an API that throttles twice with Retry-After: 0, then answers
    api.answers = [(429, {"Retry-After": "0"}, THROTTLED)] * 2 + [(200, {}, {"ok": True})]

    # When the client asks, Then it paused the client's shortest pause each time, not back to back
    assert send(api.url + "v1/customers")[0] == {"ok": True}
    assert waits == [rest.FIRST_LOOK_S] * 2 and len(api.requests) == 3


def suite_client(url: str) -> suite_api.PortalApi:
    """Return the suite's API client at ``url``, its tokens handed out without a provider."""
    return suite_api.PortalApi(url, "global-admin", None, tokens=SimpleNamespace(new_access_token=lambda: "a-token"))  # type: ignore[arg-type]


NOT_FOUND_PAGE = b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>" + b"<p>x</p>" * 40


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        pytest.param((404, {"Content-Type": "text/html"}, NOT_FOUND_PAGE),
                     "answered 404 with a web page ('404 Not Found'), not the API's error", id="404-page"),
        pytest.param((200, {"Content-Type": "text/html"}, b"<html><title>Partner Center</title></html>"),
                     "answered text/html, not JSON ('Partner Center')", id="200-page"),
    ],
)  # fmt: skip
def test_the_suite_s_client_at_a_wrong_address_names_the_request_and_asks_about_the_address(
    api: StubApi, answer: tuple[int, dict[str, str], bytes], said: str
) -> None:
    # Given an --api-url whose web server answers with its pages (a wrong address)
    api.answers = [answer]

    with pytest.raises(suite_api.ApiError) as answered:
        suite_client(api.url + "nothing/").call("GET", "v1/customers/c1")

    # Then the error names the method and the address, says what came back in short, and asks about the address
    assert str(answered.value) == (
        f"GET {api.url}nothing/v1/customers/c1 {said}: is this the REST API's address? (--api-url, else --base-url)"
    )
    assert type(answered.value) is suite_api.NotApiAnswerError  # an ApiError too, with its status
    assert len(api.requests) == 1  # a web page's answer is no token's refusal: not renewed


def test_the_suite_s_client_names_the_request_an_api_error_answers(api: StubApi) -> None:
    api.answers = [(404, {}, {"code": 60003, "description": "Tenant not found"})]

    with pytest.raises(suite_api.ApiError) as refused:
        suite_client(api.url).call("GET", "v1/customers/c1")

    assert refused.value.status == 404 and refused.value.body == {"code": 60003, "description": "Tenant not found"}
    assert str(refused.value) == (
        f'GET {api.url}v1/customers/c1 answered 404: {{"code": 60003, "description": "Tenant not found"}}'
    )


@pytest.mark.parametrize(
    ("make", "error", "said"),
    [
        pytest.param(lambda url: PortalClient(url.split("://")[1], lambda: "t"), ValueError, "needs its http://",
                     id="address-without-http"),
        pytest.param(lambda url: PortalClient(url, "a-token"), TypeError, "token is a function",
                     id="token-not-callable"),
        pytest.param(lambda url: PortalClient(url, lambda: "t").customers_named(5), TypeError, "company_name is text",
                     id="name-not-text"),
        pytest.param(lambda url: PortalClient(url, lambda: "t").customer(None), TypeError, "customer_id is text",
                     id="id-not-text"),
        pytest.param(lambda url: PortalClient(url, lambda: None).customer(ID), TypeError, "gave None, not an access",
                     id="token-source-gives-none"),
    ],
)  # fmt: skip
def test_a_client_given_the_wrong_kind_of_argument_says_so_before_any_request(
    api: StubApi, make: Callable[[str], object], error: type[Exception], said: str
) -> None:
    api.answers = [(200, {}, {"items": []})]

    with pytest.raises(error, match=said):
        make(api.url)

    assert api.requests == [], "nothing may be sent"


def test_a_token_refused_again_once_renewed_says_its_source_gives_tokens_the_api_does_not_take(api: StubApi) -> None:
    api.answers = [(401, {}, {"code": 401, "description": "The access token is not valid."})] * 2

    with pytest.raises(rest.ApiError, match="the one its token source gave anew too") as refused:
        PortalClient(api.url, lambda: "a-token").customer(ID)

    assert refused.value.status == 401 and len(api.requests) == 2


def test_an_error_answer_s_own_sentence_and_the_library_s_advice_read_as_two_sentences() -> None:
    refused = rest.ApiError(
        401, {"code": 401, "description": "The access token is not valid."}, "GET /v1/customers", "Sign in again"
    )

    assert str(refused) == "GET /v1/customers answered 401: The access token is not valid. Sign in again"


def test_an_identifier_with_a_slash_stays_one_segment_of_the_address(api: StubApi) -> None:
    # Given identifiers holding a slash, as a pasted path or a mistyped cell may
    api.answers = [(404, {}, {"code": 60003, "description": "Tenant not found"})]
    client = PortalClient(api.url, lambda: "a-token")

    # When the client looks them up
    found = client.customer(f"{ID}/profiles/company")
    with contextlib.suppress(rest.ApiError):
        client.billing_profile("../profiles/organization")
    rules = client.country_rules("C/N")

    # Then each is one segment of the address, never another resource of the API
    assert found is None and rules is None
    assert [path for path, _ in api.requests] == [
        f"/v1/customers/{ID}%2Fprofiles%2Fcompany",
        "/v1/customers/..%2Fprofiles%2Forganization/profiles/billing",
        "/v1/countryvalidationrules/C%2FN",
    ]


@pytest.mark.parametrize(("given", "sent"), [("..", "%2E%2E"), (".", "%2E")])
def test_an_identifier_of_dots_is_no_step_up_the_address(api: StubApi, given: str, sent: str) -> None:
    api.answers = [(404, {}, {"code": 60003, "description": "Tenant not found"})]

    found = PortalClient(api.url, lambda: "a-token").customer(given)

    assert found is None and [path for path, _ in api.requests] == [f"/v1/customers/{sent}"]


def test_an_empty_identifier_is_refused_before_any_request() -> None:
    client = PortalClient("http://127.0.0.1:9/", lambda: "a-token")

    with pytest.raises(ValueError, match="customer_id is empty"):
        client.customer("")


def test_a_microsoft_id_in_capitals_or_braces_is_asked_for_as_the_api_writes_it(api: StubApi) -> None:
    # Given a customer's ID as exports and people write it: in capitals, in braces, spaces around
    api.answers = [(404, {}, {"code": 60003, "description": "Tenant not found"})]
    client = PortalClient(api.url, lambda: "a-token")

    client.customer("{" + ID.upper() + "}")
    with contextlib.suppress(rest.ApiError):
        client.billing_profile(f" {ID.upper()} ")

    # Then the API is asked for that customer, as the library's other ways find it
    assert [path for path, _ in api.requests] == [f"/v1/customers/{ID}", f"/v1/customers/{ID}/profiles/billing"]
