"""Static files: URLs versioned by content, so browsers may keep them instead of asking on every page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from html_elements import find
from werkzeug.test import EnvironBuilder

from fixtures.portal.assets import CACHE_SECONDS, content_hash
from fixtures.portal.server import files_read_whole


def test_pages_link_static_files_by_content_hash_and_browsers_may_keep_them(client: FlaskClient) -> None:
    page = client.get("/signed-out").get_data(as_text=True)
    (stylesheet,) = [e.attrs["href"] for e in find(page, "link") if e.attrs.get("rel") == "stylesheet"]

    with client.get(stylesheet) as response:  # a file response: closed, or its file stays open
        status, headers = response.status_code, response.headers

    assert stylesheet.startswith("/static/portal.css?v=")
    assert status == 200
    assert headers["Cache-Control"] == f"public, max-age={CACHE_SECONDS}"
    assert "Vary" not in headers  # the same file for every user: one cached copy serves all


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"], ids=["unversioned", "stale-version"])
def test_a_url_without_the_current_version_is_checked_each_time(client: FlaskClient, query: str) -> None:
    with client.get(f"/static/portal.css{query}") as response:
        cache_control = response.headers["Cache-Control"]

    assert cache_control == "no-cache"


def open_files() -> list[str]:
    """Return the paths of the files this process holds open (Linux's /proc: where the suite runs)."""
    fds = Path("/proc/self/fd")
    return [os.readlink(fd) for fd in fds.iterdir() if fd.name.isdigit() and os.path.exists(fd)] if fds.exists() else []


def test_a_static_file_is_closed_before_its_answer_is_written(app: Flask) -> None:
    # Given the portal as its server serves it (a client gone mid-answer makes that server skip closing the file)
    served = files_read_whole(app)
    environ = EnvironBuilder(path="/static/portal.css").get_environ()
    assert open_files(), "this process's open files cannot be listed here"

    # When a static file is asked for, then its answer holds no open file: nothing is left for a client gone to leak
    answer = served.wsgi_app(environ, lambda status, headers, info=None: lambda data: None)
    assert b"".join(answer) and not [path for path in open_files() if path.endswith("portal.css")]


def test_a_file_edited_in_place_gets_a_new_version(tmp_path: Path) -> None:
    style = tmp_path / "portal.css"
    style.write_text("body { color: black }")
    os.utime(style, ns=(1_000_000_000, 1_000_000_000))
    before = content_hash(str(tmp_path), "portal.css")
    style.write_text("body { color: white }")
    os.utime(style, ns=(2_000_000_000, 2_000_000_000))  # set, not left to the clock's granularity

    assert content_hash(str(tmp_path), "portal.css") != before


def test_a_changed_file_gets_a_new_version(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text("body { color: black }")
    (tmp_path / "b.css").write_text("body { color: white }")

    assert content_hash(str(tmp_path), "a.css") != content_hash(str(tmp_path), "b.css")
    assert content_hash(str(tmp_path), "a.css") == content_hash(str(tmp_path), "a.css")
