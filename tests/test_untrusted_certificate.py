"""A deployment over HTTPS whose certificate the browser does not trust (an internal CA's): said as such, once,
not as a portal that did not answer; taken with ``ignore_https_errors`` (the suite's ``--ignore-https-errors``)."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import ClassVar

import pytest
import requests
from playwright.sync_api import Browser, Playwright
from suite_run import SMOKE, run_pytest
from test_base_url import self_signed, served

from flows import portal_session
from flows.rest_http import untrusted_by_python
from flows.saved_sign_in import saved_sign_in_path, write_sign_in
from pages import PortalError, PortalUnavailableError, UntrustedCertificateError
from pages.screen import Screen

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.tooling  # the library and the suite against a server of their own: no portal


def test_a_certificate_the_browser_does_not_trust_is_said_so_and_taken_when_asked(
    browser: Browser, tmp_path: Path
) -> None:
    with served(self_signed(tmp_path)) as port:
        origin = f"https://127.0.0.1:{port}"
        strict = browser.new_context(base_url=f"{origin}/")
        with pytest.raises(UntrustedCertificateError) as refused:
            Screen(strict.new_page()).goto("dashboard")
        strict.close()

        lenient = browser.new_context(base_url=f"{origin}/", ignore_https_errors=True)
        page = lenient.new_page()
        Screen(page).goto("dashboard")  # answered: no error
        reached = page.url
        lenient.close()

    assert not isinstance(refused.value, PortalUnavailableError)  # up all along: nothing to wait for
    said = str(refused.value)
    assert re.match(rf"The browser does not trust the certificate of the server at {origin}/dashboard \(", said), said
    assert "ignore_https_errors=True" in said
    assert reached == f"{origin}/dashboard"


def saved_sign_in_in(folder: Path, base_url: str) -> Path:
    """Write a saved sign-in of global-admin for ``base_url`` in ``folder``; return the folder (``--auth-dir``)."""
    write_sign_in(saved_sign_in_path(base_url, "global-admin", folder), {"cookies": [], "user": "global-admin"})
    return folder


@pytest.mark.parametrize(
    ("signed_in", "said"),
    [("by the run", "The sign-in of global-admin at {origin}/ stopped: The browser does not trust the certificate of "
                    "the server at {origin}/dashboard ("),
     ("saved", "The portal's API cannot be used from here: Python does not trust the certificate of the server at "
               "{origin} (self-signed certificate): give its issuer's certificate (a PEM file) in $SSL_CERT_FILE")],
)  # fmt: skip
def test_the_suite_stops_once_on_a_certificate_it_does_not_trust_and_says_what_to_do(
    signed_in: str, said: str, tmp_path: Path
) -> None:
    with served(self_signed(tmp_path)) as port:
        origin = f"https://127.0.0.1:{port}"
        options = [*SMOKE, f"--base-url={origin}/", "--portal-password=unused"]
        if signed_in == "saved":  # the browser then waits for the first test: its data, made in Python, comes first
            options.append(f"--auth-dir={saved_sign_in_in(tmp_path / '.auth', f'{origin}/')}")
        run = run_pytest(*options, folder=tmp_path / "run")

    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    assert said.format(origin=origin) in run.output
    assert signed_in == "saved" or "run with --ignore-https-errors" in run.output
    assert len(run.outcomes) == 1, run.report  # the first test's, not one per test


class ServerError(http.server.BaseHTTPRequestHandler):
    """Answers every page with a 500 error page (the run's tests then end at once), noting each path asked."""

    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        body = b"<html><title>Error</title><h1>500 Internal Server Error</h1></html>"
        self.send_response(500)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_with_ignore_https_errors_the_suite_s_browser_takes_the_certificate(tmp_path: Path) -> None:
    # Given a deployment over HTTPS of an internal CA (whose every page is an error, so the run ends at once)
    ServerError.asked = []
    with served(self_signed(tmp_path), ServerError) as port:
        options = [*SMOKE, "-x", f"--base-url=https://127.0.0.1:{port}/", "--portal-password=unused"]

        # When the suite runs against it, told to take the certificate
        run = run_pytest(*options, "--ignore-https-errors", folder=tmp_path / "run")

    # Then the browser asked the deployment for its pages: the certificate did not stop it
    assert "/dashboard" in ServerError.asked, run.report
    assert "does not trust" not in run.output


def test_python_s_clients_say_a_certificate_they_do_not_trust_as_such(tmp_path: Path) -> None:
    with served(self_signed(tmp_path)) as port:
        origin = f"https://127.0.0.1:{port}"
        url = f"{origin}/v1/customers"
        with pytest.raises(requests.RequestException) as by_requests:
            requests.get(url, timeout=10)
        with pytest.raises(urllib.error.URLError) as by_urllib:
            urllib.request.urlopen(url, timeout=10)

    for refused in (by_requests.value, by_urllib.value):
        said = str(untrusted_by_python(refused, url))
        assert said.startswith(f"Python does not trust the certificate of the server at {origin} ("), said
        assert said.endswith("in $SSL_CERT_FILE, and in $REQUESTS_CA_BUNDLE for requests")
    assert untrusted_by_python(urllib.error.URLError(ConnectionRefusedError(111, "refused")), url) is None


@pytest.mark.parametrize("ignore_https_errors", [False, True])
def test_a_script_s_session_says_the_certificate_or_takes_it_when_asked(
    ignore_https_errors: bool, tmp_path: Path, playwright: Playwright
) -> None:
    # Given a deployment over HTTPS of an internal CA (whose every page is an error)
    ServerError.asked = []
    with served(self_signed(tmp_path), ServerError) as port:
        # When a script's session signs in there
        options = {"ignore_https_errors": ignore_https_errors, "ws_endpoint": "", "playwright": playwright}
        with pytest.raises(PortalError) as stopped, portal_session(f"https://127.0.0.1:{port}", "u", "pw", **options):
            pass

    # Then it says the browser does not trust the certificate, or, told to take it, asks the portal for its pages
    assert isinstance(stopped.value, UntrustedCertificateError) is not ignore_https_errors, stopped.value
    assert ("/dashboard" in ServerError.asked) is ignore_https_errors


def test_a_command_names_its_own_option_for_a_certificate_it_does_not_trust(tmp_path: Path) -> None:
    with served(self_signed(tmp_path)) as port:
        command = [sys.executable, "-m", "flows", "update-account", "--base-url", f"https://127.0.0.1:{port}/",
                   "--user", "global-admin", "--password", "unused", "--customer", "Contoso", "--set",
                   "city=Lyon"]  # fmt: skip
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == 1, done.stderr  # a PortalError of no code of its own: not usage (2), not a refusal
    assert "The browser does not trust the certificate" in done.stderr, done.stderr
    assert "or run with --ignore-https-errors" in done.stderr and "ignore_https_errors=True" not in done.stderr
