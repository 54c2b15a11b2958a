"""The start's look at --base-url (flows.base_url.nothing_answers): an https:// address whose server speaks plain
HTTP is said at once (every test would fail on the browser's SSL error), a server with any certificate is not."""

from __future__ import annotations

import datetime
import http.server
import re
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fixtures.portal import server as portal_server
from flows.base_url import PROXY_VARIABLES, normalize_base_url, nothing_answers

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.tooling


class Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # a handshake it cannot read is no news
        pass


@contextmanager
def served(
    tls: ssl.SSLContext | None = None, handler: type[http.server.BaseHTTPRequestHandler] = Quiet, port: int = 0
) -> Iterator[int]:
    """Serve HTTP on 127.0.0.1 (over TLS with ``tls``) with ``handler``, at ``port`` (any free one by default); yield
    its port. A port taken raises ``OSError`` before anything is served."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)  # a browser opens connections it leaves idle
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    with portal_server.served(server):
        yield server.server_port


def self_signed(folder: Path) -> ssl.SSLContext:
    """Return a server's TLS context with a certificate no one vouches for (an internal deployment's, say)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portal.internal")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine reaches the servers itself: through a proxy, the check tries nothing."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_an_https_address_whose_server_speaks_plain_http_is_said() -> None:
    with served() as port:
        said = nothing_answers(f"https://127.0.0.1:{port}/")
        plain = nothing_answers(f"http://127.0.0.1:{port}/")

    assert said is not None and said.startswith(f"https://127.0.0.1:{port}/ answers, but not over HTTPS"), said
    assert said.endswith("is the portal at http://?")
    assert plain is None


def test_an_https_server_with_a_certificate_no_one_vouches_for_passes(tmp_path: Path) -> None:
    with served(self_signed(tmp_path)) as port:
        assert nothing_answers(f"https://127.0.0.1:{port}/") is None


@pytest.mark.parametrize(
    ("copied", "meant"),
    [
        ("https://partner.example/?tenant=contoso", "https://partner.example/"),
        ("https://partner.example/commerce/#/customers", "https://partner.example/commerce/"),
        ("http://127.0.0.1:8000/pc?lang=fr-FR#top", "http://127.0.0.1:8000/pc/"),
    ],
)
def test_an_address_with_a_query_or_fragment_is_refused_naming_the_address_to_give(copied: str, meant: str) -> None:
    # Copied from a browser's address bar: the screens' paths would land in the query or fragment
    # (…/?tenant=contoso/dashboard), and every step fail on a page that is no screen of the portal.
    with pytest.raises(ValueError, match=re.escape(f"give the address its screens are below, as {meant}")):
        normalize_base_url(copied)


def test_the_suite_against_an_address_with_a_query_refuses_to_start_saying_which_to_give() -> None:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_base_url.py",
               "--base-url", "http://127.0.0.1:9/?tenant=contoso"]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "--base-url http://127.0.0.1:9/?tenant=contoso: " in done.stderr
    assert "give the address its screens are below, as http://127.0.0.1:9/" in done.stderr


def test_a_command_against_an_address_with_a_fragment_is_a_usage_error() -> None:
    command = [sys.executable, "-m", "flows", "update-account", "--base-url", "http://127.0.0.1:9/#/dashboard",
               "--user", "global-admin", "--customer", "Contoso", "--set", "city=Lyon"]  # fmt: skip

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == 2, done.stdout + done.stderr
    assert "give the address its screens are below, as http://127.0.0.1:9/" in done.stderr


@pytest.mark.parametrize("url", ["http://portal.example/pc", "http://portal.example/pc/", "http://portal.example/pc//"])
def test_base_url_gets_exactly_one_trailing_slash(url: str) -> None:
    assert normalize_base_url(url) == "http://portal.example/pc/"


@pytest.mark.parametrize("url", ["127.0.0.1:8000", "portal.example/pc", "", "ftp://portal.example/"])
def test_a_base_url_without_http_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match=rf"The portal's address '{re.escape(url)}' needs its http:// or https://"):
        normalize_base_url(url)
