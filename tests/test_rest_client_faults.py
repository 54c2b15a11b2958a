"""The REST clients against faults on the way: a redirect to another site, an answer cut short or held back,
a token with a newline, a provider that does not answer, two processes sharing one saved sign-in.

The stub API of tests/test_rest_client.py answers; nothing here reaches a portal.
"""

from __future__ import annotations

import threading
import urllib.error
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from filelock import FileLock
from test_rest_client import serving

from fixtures import api_client as suite_api
from fixtures.api_tokens import ProviderTokens
from fixtures.portal.server import served
from flows import rest, rest_http, saved_sign_in
from flows.rest import ApiError, NotApiAnswerError, PortalClient
from flows.rest_http import redirected_elsewhere, same_site
from flows.saved_sign_in import SavedSignInError, read_sign_in, save_sign_in, saved_token_source, write_sign_in
from pages import PortalUnavailableError

pytestmark = pytest.mark.tooling
LIST = {"items": [], "links": {}}


def suite_client(url: str, token: str = "a-token") -> suite_api.PortalApi:
    """Return the suite's client of the API at ``url``, its token a stand-in's."""
    return suite_api.PortalApi(url, "global-admin", None, tokens=SimpleNamespace(new_access_token=lambda: token))  # type: ignore[arg-type]


@contextmanager
def sending_half(body: bytes) -> Iterator[str]:
    """Serve the first half of ``body`` to any GET, then hold the rest until the block ends (a gateway keeping the
    connection alive with an answer that never comes whole)."""
    done = threading.Event()

    class Half(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            done.wait(timeout=60)
            self.wfile.write(body[len(body) // 2 :])

        def log_message(self, *args: object) -> None:
            pass

    with served(ThreadingHTTPServer(("127.0.0.1", 0), Half)) as server:
        try:
            yield f"http://127.0.0.1:{server.server_port}/"
        finally:
            done.set()  # the answer's second half, before the server stops


def test_a_redirect_to_another_site_is_not_followed_and_the_token_stays_home() -> None:
    # Given an API address that redirects to a sign-in page of another site (a portal's address given as the API's)
    with serving() as api, serving() as elsewhere:
        other = elsewhere.url.replace("127.0.0.1", "localhost") + "login"
        api.answers = [(302, {"Location": other, "Content-Length": "0"}, b"")]

        # When the library's client and the suite's ask it
        with pytest.raises(NotApiAnswerError) as library:
            PortalClient(api.url, lambda: "SECRET-TOKEN").customers_named("Contoso")
        with pytest.raises(suite_api.NotApiAnswerError) as suite:
            suite_client(api.url, "SECRET-TOKEN").call("GET", "v1/customers")

        # Then both say so, naming where it led, and the other site never saw the token
        for error in (library.value, suite.value):
            assert f"answered 302, a redirect to {other}: not followed" in str(error), error
            assert "is this the REST API's address?" in str(error)
        assert elsewhere.requests == []


def test_a_redirect_within_the_api_s_site_is_followed_with_its_token() -> None:
    with serving() as api:
        api.answers = [(302, {"Location": "/v1/customers-moved", "Content-Length": "0"}, b""), (200, {}, LIST)]

        assert PortalClient(api.url, lambda: "a-token").customers_named("Contoso") == []
        assert [(path.split("?")[0], headers["Authorization"]) for path, headers in api.requests] == [
            ("/v1/customers", "Bearer a-token"), ("/v1/customers-moved", "Bearer a-token")
        ]  # fmt: skip


def test_an_answer_cut_short_is_the_api_breaking_off_for_both_clients() -> None:
    with serving() as api:
        api.answers = [(200, {"Content-Type": "application/json", "Content-Length": "100"}, b'{"items": [')]

        with pytest.raises(PortalUnavailableError, match=r"broke off GET .*IncompleteRead"):
            PortalClient(api.url, lambda: "a-token").customers_named("Contoso")
        with pytest.raises(PortalUnavailableError, match=r"broke off GET .*IncompleteRead"):
            suite_client(api.url).call("GET", "v1/customers")


@pytest.mark.parametrize(("status", "kind"), [(500, "error"), (502, "gateway")])
def test_an_error_answer_cut_short_is_said_by_its_status_for_both_clients(status: int, kind: str) -> None:
    # Given an API whose error answer breaks off before the length it announced
    cut = (status, {"Content-Type": "application/json", "Content-Length": "100"}, b'{"error": {"code": "Inter')
    with serving() as api:
        api.answers = [cut]

        # Then each client says the status it answered and that its body broke off, as its error of that kind
        with pytest.raises(ApiError) as library:
            PortalClient(api.url, lambda: "a-token").customers_named("Contoso")
        with pytest.raises(suite_api.ApiError) as suite:
            suite_client(api.url).call("GET", "v1/customers")
    for error in (library.value, suite.value):
        assert error.status == status and "its body broke off: IncompleteRead" in str(error), error
        assert isinstance(error, PortalUnavailableError) is (kind == "gateway"), error


def test_an_answer_trickling_in_is_given_up_once_it_outlasts_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an answer whose first half arrives, the rest held back, and a clock on which 31 s pass between two reads
    # (each read well within the socket's own timeout)
    ticks = iter(range(0, 10_000, 31))
    monkeypatch.setattr(rest_http, "time", SimpleNamespace(monotonic=lambda: next(ticks)))
    held = sending_half(b'{"items": [], "links": {}, "pad": "..."}')

    # Then the request is given up once the answer has taken longer than the timeout, not read on
    with held as url, pytest.raises(PortalUnavailableError, match=r"the answer took longer than 30 s to arrive"):
        PortalClient(url, lambda: "a-token").customers_named("Contoso")


def test_a_token_read_from_a_file_with_its_newline_is_sent_without_it() -> None:
    with serving() as api:
        api.answers = [(200, {}, LIST)]

        PortalClient(api.url, lambda: "a-token\n").customers_named("Contoso")

        assert api.requests[0][1]["Authorization"] == "Bearer a-token"


def test_a_token_source_giving_more_than_a_token_is_refused_without_quoting_it() -> None:
    client = PortalClient("http://127.0.0.1:9/", lambda: "eyJ0eXAi.SECRET-PART\n{'expires_in': 3599}")

    with pytest.raises(TypeError) as refused:
        client.customers_named("Contoso")

    assert "with spaces or control characters inside: no access token" in str(refused.value)
    assert "SECRET" not in str(refused.value)


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("\u201ceyJ0eXAi.SECRET-PART\u201d", id="curly-quotes-from-a-document"),
        pytest.param("eyJ0eXAi.SECRET-PART\u2026", id="an-ellipsis-cut-short"),
        pytest.param("eyJ0eXAi.SECRET-PARTé", id="latin-1-but-no-token"),
    ],
)
def test_a_token_with_characters_no_token_has_is_refused_before_any_request(given: str) -> None:
    # Given a token source giving a token pasted with a document's quotes or ellipsis (tokens are ASCII)
    client = PortalClient("http://127.0.0.1:9/", lambda: given)

    # When a script reads the customers
    with pytest.raises(TypeError) as refused:
        client.customers_named("Contoso")

    # Then the library says so, without quoting the token, instead of a codec's error from deep in http.client
    assert "characters no access token has" in str(refused.value)
    assert "SECRET" not in str(refused.value)


def test_a_token_source_s_own_refusal_is_said_as_its_own() -> None:
    # Given an API that refuses the first token, and a token source whose provider then refuses to renew it
    given = iter(["expired-token"])

    def token() -> str:
        for first in given:
            return first
        raise ApiError(
            401, {"error": "invalid_client", "error_description": "AADSTS7000215"}, "POST http://idp.example/token"
        )

    with serving() as api:
        api.answers = [(401, {}, {"code": 401, "description": "Token expired"})]
        with pytest.raises(ApiError) as refused:
            PortalClient(api.url, token).customers_named("Contoso")

    # Then the error is the provider's, not the API's "refused a renewed token too"
    assert str(refused.value).startswith("POST http://idp.example/token answered 401: AADSTS7000215"), refused.value


def test_an_identity_provider_that_does_not_answer_is_said_so_by_the_suite_s_tokens() -> None:
    nowhere = {"token_endpoint": "http://127.0.0.1:9/token", "authorization_endpoint": "http://127.0.0.1:9/authorize"}
    tokens = ProviderTokens("http://127.0.0.1:9/", "global-admin", None, refresh_token="r", metadata=nowhere)

    with pytest.raises(PortalUnavailableError, match=r"The identity provider did not answer POST http://127.0.0.1:9"):
        tokens.new_access_token()


@pytest.mark.parametrize(
    ("refresh_token", "asked"), [("r", "POST {}token"), (None, "GET {}authorize?")], ids=["refreshed", "signed-in"]
)
def test_a_gateway_answering_for_a_restarting_identity_provider_is_said_unavailable_not_refused(
    refresh_token: str | None, asked: str
) -> None:
    # Given an identity provider behind a gateway that answers 503 for it (a restart), at every address
    with serving() as gateway:
        gateway.answers = [(503, {"Content-Type": "text/plain"}, b"upstream connect error or disconnect/reset")]
        endpoints = {"token_endpoint": f"{gateway.url}token", "authorization_endpoint": f"{gateway.url}authorize"}
        tokens = ProviderTokens(
            gateway.url, "global-admin", "a-password", "JBSWY3DPEHPK3PXP", refresh_token=refresh_token,
            metadata=endpoints,
        )  # fmt: skip

        # When the suite's client asks for a token (from its refresh token, else by signing in over HTTP)
        with pytest.raises(PortalUnavailableError) as unanswered:
            tokens.new_access_token()
        tokens.close()

    # Then the provider is said not to answer (the test fails, may be retried), not to refuse (which stops the run)
    said = str(unanswered.value)
    assert said.startswith(f"The identity provider did not answer {asked.format(gateway.url)}"), said
    assert "answered 503, a gateway's answer" in said, said
    assert len(gateway.requests) == 1, gateway.requests  # nothing else tried: a sign-in would fail the same way


def test_an_identity_provider_that_refuses_connections_mid_sign_in_is_said_unavailable() -> None:
    # Given a provider whose sign-in pages do not answer (a restart), and no refresh token
    nowhere = {"token_endpoint": "http://127.0.0.1:9/token", "authorization_endpoint": "http://127.0.0.1:9/authorize"}
    tokens = ProviderTokens("http://127.0.0.1:9/", "global-admin", "a-password", "JBSWY3DPEHPK3PXP", metadata=nowhere)

    # Then its sign-in over HTTP fails as the provider's not answering, naming where, not with requests' own error
    with pytest.raises(PortalUnavailableError, match=r"The identity provider did not answer GET http://127.0.0.1:9/"):
        tokens.new_access_token()
    tokens.close()


def test_the_suite_s_client_says_an_answer_of_another_shape_is_not_the_api_s() -> None:
    with serving() as api:
        api.answers = [(200, {"Content-Type": "application/json"}, {"id": "b1", "firstName": "Anne"})]

        with pytest.raises(suite_api.NotApiAnswerError, match=r"billing profile.*is this the REST API's address"):
            suite_client(api.url).update_billing("c1", {"city": "Lyon"})
        assert len(api.requests) == 1  # nothing was put


def provider_rotating(sent: list[str]) -> object:
    """Return a stand-in of ``rest.send`` for a provider that rotates refresh tokens and revokes a reused one."""
    current = ["refresh-1"]

    def answer(url: str, method: str, form: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        sent.append(form["refresh_token"])
        if form["refresh_token"] != current[0]:
            raise ApiError(400, {"error": "invalid_grant", "error_description": "token reused"}, f"POST {url}")
        current[0] = f"refresh-{len(sent) + 1}"
        return {"access_token": f"access-{len(sent)}", "refresh_token": current[0]}, {}

    return answer


def test_two_processes_sharing_a_saved_sign_in_each_redeem_the_token_the_file_holds_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given one saved sign-in, read by two token sources at once (a job and a script), and a rotating provider
    sent: list[str] = []
    monkeypatch.setattr(rest, "discover_provider", lambda base_url: {"token_endpoint": "http://idp.example/token"})
    monkeypatch.setattr(rest, "send", provider_rotating(sent))
    saved = write_sign_in(tmp_path / "u.json", {"cookies": [], "refresh_token": "refresh-1", "api_client_id": "c"})
    job, script = (
        saved_token_source("http://portal.example/", saved),
        saved_token_source("http://portal.example/", saved),
    )

    # When each takes a token, in turn, twice
    tokens = [job(), script(), job(), script()]

    # Then none reused a rotated token (the provider would have revoked them all), and the file holds the newest
    assert (tokens, sent) == (["access-1", "access-2", "access-3", "access-4"], [f"refresh-{n}" for n in range(1, 5)])
    assert read_sign_in(saved)["refresh_token"] == "refresh-5"


@pytest.mark.parametrize("use", ["save it anew", "redeem its token"])
def test_a_saved_sign_in_is_written_and_redeemed_only_under_its_lock_and_a_hung_holder_is_named(
    use: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a saved sign-in whose lock another process holds (renewing its token, or hung), and a short wait
    monkeypatch.setattr(saved_sign_in, "LOCK_WAIT_S", 0.2)
    monkeypatch.setattr(rest, "send", provider_rotating([]))
    saved = write_sign_in(tmp_path / "u.json", {"cookies": [], "refresh_token": "refresh-1", "api_client_id": "c"})
    browser_context = SimpleNamespace(storage_state=lambda: {"cookies": [], "origins": []}, pages=[])
    act = {
        "save it anew": lambda: save_sign_in(browser_context, saved, {"refresh_token": "fresh"}),  # type: ignore[arg-type]
        "redeem its token": saved_token_source("http://portal.example/", saved),
    }[use]

    # When this process uses it meanwhile
    with FileLock(f"{saved}.lock"), pytest.raises(SavedSignInError) as held:
        act()

    # Then it waited for the lock, never wrote over what the holder may write, and says why it gave up
    assert f"Another process has held the saved sign-in {saved} for 0.2 s" in str(held.value)
    assert read_sign_in(saved)["refresh_token"] == "refresh-1"


def test_a_saved_refresh_token_the_provider_refuses_says_to_save_the_sign_in_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rest, "discover_provider", lambda base_url: {"token_endpoint": "http://idp.example/token"})
    monkeypatch.setattr(rest, "send", provider_rotating([]))
    saved = write_sign_in(tmp_path / "u.json", {"cookies": [], "refresh_token": "revoked", "api_client_id": "c"})

    with pytest.raises(SavedSignInError) as refused:
        saved_token_source("http://portal.example/", saved)()

    assert f"refused the refresh token the saved sign-in {saved} holds (token reused): save it again" in str(
        refused.value
    )


def test_a_gateway_s_answer_for_the_api_is_the_api_unavailable_for_the_suite_s_client() -> None:
    with serving() as api:
        api.answers = [(502, {"Content-Type": "text/html"}, b"<html><title>502 Bad Gateway</title></html>")]

        with pytest.raises(PortalUnavailableError) as unavailable:
            suite_client(api.url).call("GET", "v1/customers")

    assert isinstance(unavailable.value, suite_api.ApiError) and unavailable.value.status == 502
    assert "answered 502, a gateway's answer: the REST API behind it did not answer ('502 Bad Gateway')" in str(
        unavailable.value
    )


@pytest.mark.parametrize(
    ("asked", "led_to", "same"),
    [("http://api.example/v1/", "https://api.example/v1/", True),
     ("http://api.example:80/", "http://api.example/x", True),
     ("https://api.example/", "http://api.example/", False),
     ("http://api.example:8080/", "https://api.example/", False),
     ("https://api.example/", "https://API.example:443/x", True),
     ("https://api.example/", "https://login.example/", False)],
)  # fmt: skip
def test_a_redirect_stays_on_its_site_within_host_and_port_or_up_to_tls(asked: str, led_to: str, same: bool) -> None:
    assert same_site(asked, led_to) is same


def test_a_redirect_within_the_site_that_is_not_followed_is_not_said_to_lead_elsewhere() -> None:
    # A 307 of a PUT, which urllib does not follow itself: the API's own answer, not another site's
    headers = Message()
    headers["Location"] = "/v1/customers/c1/profiles/billing"
    moved = urllib.error.HTTPError("https://api.example/v1/c1", 307, "Temporary Redirect", headers, None)

    assert redirected_elsewhere(moved, "PUT https://api.example/v1/c1") is None


def test_a_saved_sign_in_without_its_client_id_is_refused_before_any_request(tmp_path: Path) -> None:
    saved = write_sign_in(tmp_path / "u.json", {"cookies": [], "refresh_token": "r", "api_client_id": ""})

    with pytest.raises(SavedSignInError, match="holds no refresh token: save it with --api-client-id"):
        saved_token_source("http://127.0.0.1:9/", saved)
