"""After a test failed on a portal that did not answer, the run waits for it (plugins/portal_outage.py): what counts
as answering again, and what a run whose portal never comes back does."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from suite_run import run_pytest
from test_base_url import self_signed, served

from plugins.portal_outage import addresses_of, answers

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


def test_a_portal_gone_for_good_is_waited_for_once_not_again_at_each_retry(tmp_path: Path) -> None:
    # Given a run allowed two retries, whose test fails on a portal that never answers again
    run = run_pytest("tests/runs/portal_gone.py", "--reruns=2", "--portal-back-wait=1", folder=tmp_path / "run")

    # Then the run waits for it once, then stops: its retries do not wait the same time again
    said = "The portal did not answer during 1 test: 1 s waited in all, and at last it did not answer again"
    assert said in run.output, run.report
    assert run.output.count("did not answer for 1 s after") == 1, run.report
    assert run.returncode == pytest.ExitCode.INTERRUPTED, run.report
    # ... saying as it starts to wait why the run goes quiet
    assert "met the portal down: waiting up to 1 s for it to answer again (--portal-back-wait)" in run.output


def test_a_portal_only_a_remote_browser_reaches_is_not_looked_at_from_here_its_api_is() -> None:
    # Given a run whose browser runs on a Playwright server (--ws-endpoint), at a portal that machine reaches
    options = {"base_url": "http://portal:8000/", "--api-url": "http://127.0.0.1:8001/api/",
               "--ws-endpoint": "ws://playwright:3000/"}  # fmt: skip
    config = SimpleNamespace(getoption=lambda name, default=None: options.get(name, default), getini=lambda name: "")
    item = SimpleNamespace(config=config, funcargs={"base_url": "http://portal:8000/"})

    # Then the wait looks from here only at what is asked from here: the REST API, not the browser's portal
    assert addresses_of(item) == ["http://127.0.0.1:8001/api/"]  # type: ignore[arg-type]
