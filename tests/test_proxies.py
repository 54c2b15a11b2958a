"""A proxy set for the world outside ($http_proxy, as a company's network sets it) never carries this machine's own
requests: the bundled portal asks its identity provider for its keys, the suite and the commands ask the portal."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from portal_process import PortalProcess
from suite_run import ROOT, SMOKE, run_pytest

from fixtures.identity import DEMO_TOTP_SECRET
from flows.rest_http import never_proxy_loopback

pytestmark = pytest.mark.regression
NOBODY_ANSWERS = "http://127.0.0.1:9"  # the discard port, closed: a request sent through this proxy fails
LOOPBACK = "localhost,127.0.0.1,::1,[::1]"


@pytest.fixture
def proxied(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Set a proxy that answers nothing, and no ``$no_proxy``, for the processes this test starts."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, NOBODY_ANSWERS)
    yield


@pytest.mark.bundled
def test_the_smoke_tests_pass_behind_a_proxy_against_a_portal_started_by_hand(proxied: None, tmp_path: Path) -> None:
    portal = PortalProcess.start(tmp_path)
    try:
        run = run_pytest(
            *SMOKE, f"--base-url={portal.url}", f"--portal-totp-secret={DEMO_TOTP_SECRET}",
            folder=tmp_path / "run",
        )  # fmt: skip
    finally:
        portal.stop()

    assert len(run.outcomes) >= 5, run.report
    assert run.names("passed") == sorted(run.outcomes), run.report


@pytest.mark.bundled
def test_the_main_job_runs_behind_a_proxy(proxied: None, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fixtures.demo", "--output", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert "the change persisted" in done.stdout, done.stdout


@pytest.mark.tooling
@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, {}),
        ({"no_proxy": "corp.example"}, {"no_proxy": "corp.example"}),
        ({"http_proxy": "p"}, {"http_proxy": "p", "no_proxy": LOOPBACK, "NO_PROXY": LOOPBACK}),
        ({"HTTPS_PROXY": "p"}, {"HTTPS_PROXY": "p", "no_proxy": LOOPBACK, "NO_PROXY": LOOPBACK}),
        (
            {"ALL_PROXY": "p", "NO_PROXY": "corp.example, localhost"},
            {"ALL_PROXY": "p", "NO_PROXY": "corp.example,localhost,127.0.0.1,::1,[::1]", "no_proxy": LOOPBACK},
        ),
        ({"http_proxy": "p", "no_proxy": "*"}, {"http_proxy": "p", "no_proxy": "*", "NO_PROXY": LOOPBACK}),
        ({"http_proxy": "p", "no_proxy": LOOPBACK}, {"http_proxy": "p", "no_proxy": LOOPBACK, "NO_PROXY": LOOPBACK}),
    ],
    ids=["no-proxy-set", "only-no-proxy", "http", "https-upper", "kept-and-added", "star-stays", "already-listed"],
)
def test_loopback_is_added_to_no_proxy_only_where_a_proxy_is_set(
    environ: dict[str, str], expected: dict[str, str]
) -> None:
    never_proxy_loopback(environ)

    assert environ == expected


@pytest.mark.tooling
@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
def test_python_s_own_client_sends_this_machine_s_addresses_past_the_proxy(host: str) -> None:
    environ = {"http_proxy": NOBODY_ANSWERS}
    never_proxy_loopback(environ)

    assert urllib.request.proxy_bypass_environment(host, {"no": environ["no_proxy"]}), environ["no_proxy"]
