"""After a test failed on a portal that did not answer, the run waits for it (plugins/portal_outage.py): what counts
as answering again."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def not_http() -> Iterator[int]:
    """Listen on 127.0.0.1 and answer every connection with a line that is no HTTP (a port given to another
    service while the portal restarts); yield its port."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # closed: done
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")

    threading.Thread(target=answer, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_a_portal_over_https_whose_certificate_python_does_not_trust_answers(tmp_path: Path) -> None:
    # Given a portal over HTTPS of an internal CA (the browser told to take it with --ignore-https-errors)
    with served(self_signed(tmp_path), Dashboard) as port:
        # Then it answers: whom to trust is the browser's and the API client's to judge, not the wait's
        assert answers(f"https://127.0.0.1:{port}/") is True


def test_a_server_that_answers_no_http_is_no_portal_back(tmp_path: Path) -> None:
    with not_http() as port:
        assert answers(f"http://127.0.0.1:{port}/") is False
