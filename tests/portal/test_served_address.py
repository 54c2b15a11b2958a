"""The portal served on another address than 127.0.0.1 (README, Remote browsers): a browser signs in at the
host name it reached the portal by, and the provider still sends codes only to what the portal registered.

Both run on sockets (``serve_portal``); the browser is played over plain HTTP. Only loopback addresses
are reached: 127.0.0.2 stands for another machine's name for this one.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from fixtures.identity import DEMO_PASSWORD, DEMO_TOTP_SECRET
from fixtures.identity.settings import THROWAWAY_PASSWORD_HASH_METHOD
from fixtures.identity_http import authorization_code_over_http
from fixtures.portal.server import Addresses, serve_portal

TIMEOUT = 30
TEST_HOST = "test-host.example"  # another machine's name for this one (README: --base-url http://TEST-HOST:8000/)
QUICK_PASSWORDS = {"PASSWORD_HASH_METHOD": THROWAWAY_PASSWORD_HASH_METHOD}


@pytest.fixture(scope="module", params=["127.0.0.2", "0.0.0.0"])
def served(request: pytest.FixtureRequest) -> Iterator[Addresses]:
    """The portal and its provider listening on ``--host`` 127.0.0.2, or on all addresses."""
    with serve_portal(identity_config=QUICK_PASSWORDS, host=request.param) as addresses:
        yield addresses


def browsed(addresses: Addresses, host: str) -> str:
    """Return the portal's URL at ``host``: the name a browser reached it by."""
    return f"http://{host}:{urlsplit(addresses.portal).port}"


class ResolvedAt(HTTPAdapter):
    """Connect to ``address`` for every host, sending the host name asked for: a name in a test network's DNS."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        routed = request.copy()
        routed.url = parts._replace(netloc=f"{self.address}:{parts.port}").geturl()
        routed.headers["Host"] = parts.netloc
        response = super().send(routed, *args, **kwargs)
        response.url, response.request = request.url or "", request  # as the browser saw it (cookies, links)
        return response


def browser_at(address: str | None = None) -> requests.Session:
    """Return a browser that reaches every host name at ``address`` when given."""
    browser = requests.Session()
    if address:
        browser.mount("http://", ResolvedAt(address))
    return browser


def start_sign_in(browser: requests.Session, portal: str) -> str:
    """Ask the portal for a page; return the provider's address it sends the browser to sign in at."""
    to_sign_in = browser.get(f"{portal}/customers", allow_redirects=False, timeout=TIMEOUT)
    to_provider = browser.get(f"{portal}{to_sign_in.headers['Location']}", allow_redirects=False, timeout=TIMEOUT)
    assert to_provider.status_code == 302, to_provider.text
    return to_provider.headers["Location"]


def assert_signs_in(
    portal: str, provider_host: str, user: str = "sales-agent", browser: requests.Session | None = None
) -> None:
    """Sign in at ``portal`` through the provider at ``provider_host``, then open the page first asked for.

    One user per sign-in in a provider: a TOTP code is taken once, and the next comes 30 seconds later.
    """
    browser = browser or requests.Session()
    authorize_url = start_sign_in(browser, portal)

    back = authorization_code_over_http(browser, authorize_url, user, DEMO_PASSWORD, DEMO_TOTP_SECRET)
    landed = browser.get(back, allow_redirects=False, timeout=TIMEOUT)
    page = browser.get(f"{portal}/customers", allow_redirects=False, timeout=TIMEOUT)

    assert urlsplit(authorize_url).hostname == provider_host
    assert back.startswith(f"{portal}/signin-oidc?")
    assert (landed.status_code, landed.headers["Location"]) == (302, "/customers")
    assert page.status_code == 200


def test_a_browser_signs_in_at_the_host_name_it_reached_the_portal_by(served: Addresses) -> None:
    assert_signs_in(browsed(served, "127.0.0.2"), "127.0.0.2")


@pytest.mark.parametrize(
    "redirect_host", ["127.0.0.3", "test-host.example", "127.0.0.2:1"], ids=["other-host", "unreached", "other-port"]
)
def test_the_provider_sends_codes_only_to_the_portal_at_the_host_it_was_reached_by(
    served: Addresses, redirect_host: str
) -> None:
    browser = requests.Session()
    authorize_url = urlsplit(start_sign_in(browser, browsed(served, "127.0.0.2")))
    query = {name: values[0] for name, values in parse_qs(authorize_url.query).items()}
    redirect_uri = urlsplit(query["redirect_uri"])
    netloc = redirect_host if ":" in redirect_host else f"{redirect_host}:{redirect_uri.port}"
    query["redirect_uri"] = redirect_uri._replace(netloc=netloc).geturl()

    answer = browser.get(authorize_url._replace(query=urlencode(query)).geturl(), timeout=TIMEOUT)

    assert answer.status_code == 400
    assert "is not supported by client" in answer.text


def test_a_portal_on_all_addresses_signs_in_browsers_of_other_machines_and_is_announced_on_loopback() -> None:
    with serve_portal(identity_config=QUICK_PASSWORDS, host="0.0.0.0") as addresses:
        # README's recipe: --base-url http://TEST-HOST:8000/ from the browser's machine, over plain http
        assert_signs_in(browsed(addresses, TEST_HOST), TEST_HOST, "sales-agent", browser_at("127.0.0.2"))
        assert_signs_in(browsed(addresses, "localhost"), "127.0.0.1", "admin-agent")  # the other loopback name
        assert_signs_in(addresses.portal.rstrip("/"), "localhost", "global-admin")
        assert (urlsplit(addresses.portal).hostname, urlsplit(addresses.identity).hostname) == (
            "127.0.0.1",
            "localhost",
        )


def ipv6_loopback() -> bool:
    """Tell whether this machine has an IPv6 loopback to listen on (a container may have IPv6 turned off)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def test_a_portal_on_the_ipv6_loopback_is_announced_in_brackets_and_signs_in_there() -> None:
    if not ipv6_loopback():
        pytest.skip("this machine has no IPv6 loopback (::1) to listen on")
    with serve_portal(identity_config=QUICK_PASSWORDS, host="::1") as addresses:
        # A URL writes an IPv6 address in brackets: "http://::1:8000/" is no address a browser or a client takes
        portal, identity = urlsplit(addresses.portal), urlsplit(addresses.identity)
        assert (portal.netloc, identity.netloc) == (f"[::1]:{portal.port}", f"[::1]:{identity.port}")
        assert_signs_in(addresses.portal.rstrip("/"), "::1")
