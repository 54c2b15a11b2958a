"""A trace the library or a retry keeps is scrubbed before it is where it is kept: never there as recorded."""

from __future__ import annotations

import secrets
import stat
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from flows.session import write_trace

pytestmark = pytest.mark.tooling


def test_the_library_s_trace_is_written_where_only_its_owner_may_read_it_then_scrubbed(
    browser: Browser, tmp_path: Path
) -> None:
    # Given a traced context in which a password was typed
    password = "Pa55-" + secrets.token_hex(6)
    context = browser.new_context()
    context.tracing.start(snapshots=True)
    context.new_page().set_content(f'<input name="passwd" value="{password}">')
    written: list[tuple[Path, int]] = []
    stop = context.tracing.stop

    def stop_seen(path: str | Path | None = None) -> None:
        stop(path=path)
        written.append((Path(str(path)), stat.S_IMODE(Path(str(path)).parent.stat().st_mode)))

    context.tracing.stop = stop_seen  # type: ignore[method-assign]

    # When the library writes its trace (portal_session's trace=)
    trace = tmp_path / "trace.zip"
    unwritten = write_trace(context, trace, password)
    context.close()

    # Then Playwright wrote it elsewhere, in a folder only its owner may open, and it is at trace.zip scrubbed
    assert unwritten is None
    [(path, mode)] = written
    assert path != trace and mode & 0o077 == 0, f"written at {path}, in a folder of mode {mode:o}"
    assert not path.parent.exists() and sorted(tmp_path.iterdir()) == [trace]
    with zipfile.ZipFile(trace) as archive:
        assert all(password.encode() not in archive.read(name) for name in archive.namelist())
