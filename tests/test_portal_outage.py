"""After a test failed on a portal that did not answer, the run waits for it (plugins/portal_outage.py): what counts
as answering again."""

from __future__ import annotations

import http.server
from pathlib import Path

import pytest
from test_base_url import self_signed, served

from plugins.portal_outage import answers

pytestmark = pytest.mark.tooling  # the plugin against servers of its own: no portal


class Dashboard(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_portal_over_https_whose_certificate_python_does_not_trust_answers(tmp_path: Path) -> None:
    # Given a portal over HTTPS of an internal CA (the browser told to take it with --ignore-https-errors)
    with served(self_signed(tmp_path), Dashboard) as port:
        # Then it answers: whom to trust is the browser's and the API client's to judge, not the wait's
        assert answers(f"https://127.0.0.1:{port}/") is True
