"""Choosing a Chromium: Playwright's own, a system one, or a clear error."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import playwright
import pytest

from flows import browser
from flows.browser import (
    QUIET_CHROMIUM_FLAGS,
    BrowserNotFoundError,
    chromium_launch_options,
    launch_options_for,
    missing_video_recorder,
)

pytestmark = pytest.mark.tooling


@pytest.fixture
def executable(tmp_path: Path) -> str:
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def no_system_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(browser.CHROMIUM_PATH_VARIABLE, raising=False)
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)


def test_playwright_chromium_is_used_when_installed(no_system_chromium: None, executable: str) -> None:
    options = chromium_launch_options(managed_executable=executable)
    assert "executable_path" not in options


@pytest.mark.parametrize("headless", [True, False], ids=["headless", "headed"])
def test_playwright_s_headless_shell_alone_serves_a_headless_run(
    no_system_chromium: None, tmp_path: Path, headless: bool
) -> None:
    # Given Playwright's own headless shell installed, not its full Chromium (playwright install --only-shell)
    shell = tmp_path / "chromium_headless_shell-1255" / "chrome-headless-shell-linux64" / "chrome-headless-shell"
    shell.parent.mkdir(parents=True)
    shell.write_text("#!/bin/sh\n")
    managed = str(tmp_path / "chromium-1255" / "chrome-linux64" / "chrome")

    # Then a headless run takes it, as Playwright launches it itself; a headed one still needs a whole browser
    if headless:
        assert chromium_launch_options(managed, headless=True) == {"args": list(QUIET_CHROMIUM_FLAGS)}
    else:
        with pytest.raises(BrowserNotFoundError):
            chromium_launch_options(managed, headless=False)


def test_system_chromium_is_used_when_playwright_has_none(monkeypatch: pytest.MonkeyPatch, executable: str) -> None:
    monkeypatch.delenv(browser.CHROMIUM_PATH_VARIABLE, raising=False)
    monkeypatch.setattr(browser.shutil, "which", lambda name: executable if name == "chromium" else None)
    options = chromium_launch_options(managed_executable="/nonexistent/chrome")
    assert options == {"executable_path": executable, "args": list(QUIET_CHROMIUM_FLAGS)}


@pytest.fixture
def chromium_and_headless_shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """A system with Debian's two packages: the full browser and the headless shell."""
    monkeypatch.delenv(browser.CHROMIUM_PATH_VARIABLE, raising=False)
    paths = {name: str(tmp_path / name) for name in ("chromium", "chromium-headless-shell")}
    monkeypatch.setattr(browser.shutil, "which", paths.get)
    return paths


def test_headless_runs_prefer_the_headless_shell(chromium_and_headless_shell: dict[str, str]) -> None:
    options = launch_options_for("chromium", "/nonexistent/chrome", headless=True)
    assert options["executable_path"] == chromium_and_headless_shell["chromium-headless-shell"]


def test_headed_runs_get_the_full_browser(chromium_and_headless_shell: dict[str, str]) -> None:
    options = launch_options_for("chromium", "/nonexistent/chrome", headless=False)
    assert options["executable_path"] == chromium_and_headless_shell["chromium"]


@pytest.mark.parametrize(("pwdebug", "chosen"), [("1", "chromium"), ("console", "chromium-headless-shell")])
def test_pwdebug_gets_the_full_browser_as_playwright_then_opens_a_window(
    chromium_and_headless_shell: dict[str, str], monkeypatch: pytest.MonkeyPatch, pwdebug: str, chosen: str
) -> None:
    monkeypatch.setenv("PWDEBUG", pwdebug)  # Playwright launches headed for its Inspector, asked headless or not
    options = launch_options_for("chromium", "/nonexistent/chrome", headless=True)
    assert options["executable_path"] == chromium_and_headless_shell[chosen]


def test_a_headless_shell_alone_cannot_open_a_window(monkeypatch: pytest.MonkeyPatch, executable: str) -> None:
    monkeypatch.delenv(browser.CHROMIUM_PATH_VARIABLE, raising=False)
    monkeypatch.setattr(browser.shutil, "which", {"chromium-headless-shell": executable}.get)
    assert chromium_launch_options("/nonexistent/chrome", headless=True)["executable_path"] == executable
    with pytest.raises(BrowserNotFoundError, match="apt-get install chromium"):
        chromium_launch_options("/nonexistent/chrome", headless=False)


@pytest.mark.parametrize(
    ("chromium", "shell"),
    [
        ("chrome-linux64/chrome", "chrome-headless-shell-linux64/chrome-headless-shell"),
        ("chrome-win64/chrome.exe", "chrome-headless-shell-win64/chrome-headless-shell.exe"),
        (
            "chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
            "chrome-headless-shell-mac-arm64/chrome-headless-shell",
        ),
    ],
    ids=["linux", "windows", "macos"],
)
def test_playwright_s_own_headless_shell_alone_is_playwright_s_to_launch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chromium: str, shell: str
) -> None:
    # Given Playwright's headless shell installed alone (install --only-shell), in each system's layout, and no other
    monkeypatch.delenv(browser.CHROMIUM_PATH_VARIABLE, raising=False)
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    shell_path = tmp_path / "chromium_headless_shell-1255" / shell
    shell_path.parent.mkdir(parents=True)
    shell_path.write_bytes(b"")
    managed = str(tmp_path / "chromium-1255" / chromium)

    # Then a headless run leaves it to Playwright, and a headed one says there is no browser to show
    assert chromium_launch_options(managed, headless=True) == {"args": list(QUIET_CHROMIUM_FLAGS)}
    with pytest.raises(BrowserNotFoundError):
        chromium_launch_options(managed, headless=False)


def test_environment_variable_wins(monkeypatch: pytest.MonkeyPatch, executable: str) -> None:
    monkeypatch.setenv(browser.CHROMIUM_PATH_VARIABLE, executable)
    assert chromium_launch_options(managed_executable=executable)["executable_path"] == executable


def test_environment_variable_naming_no_executable_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(browser.CHROMIUM_PATH_VARIABLE, "/nonexistent/chromium")
    with pytest.raises(BrowserNotFoundError, match="CHROMIUM_PATH='/nonexistent/chromium'"):
        chromium_launch_options(managed_executable="/nonexistent/chrome")


def test_no_chromium_at_all_says_what_to_install(no_system_chromium: None) -> None:
    with pytest.raises(BrowserNotFoundError, match=r"(?s)playwright install .*chromium.*apt-get install chromium"):
        chromium_launch_options(managed_executable="/nonexistent/chrome")


@pytest.mark.parametrize(("name", "channel"), [("firefox", None), ("webkit", None), ("chromium", "chrome")])
def test_other_browsers_and_channels_get_no_overrides(
    no_system_chromium: None, executable: str, name: str, channel: str | None
) -> None:
    assert launch_options_for(name, executable, channel) == {}
    assert launch_options_for(name, "/nonexistent/browser", channel, remote=True) == {}  # the server's own


@pytest.mark.parametrize("name", ["firefox", "webkit"])
def test_another_browser_not_installed_says_how_to_install_it(name: str) -> None:
    said = rf"Playwright's {name} is not installed here \(/nonexistent/{name}\).*playwright install --with-deps {name}"
    with pytest.raises(BrowserNotFoundError, match=said):
        launch_options_for(name, f"/nonexistent/{name}")


@pytest.mark.parametrize(
    "browser",
    ["chromium-1255/chrome-linux64/chrome", "chromium_headless_shell-1255/chrome-linux/headless_shell",
     "firefox-1490/firefox/firefox", "webkit-2203/pw_run.sh"],
)  # fmt: skip
def test_videos_need_playwright_s_ffmpeg_beside_its_browsers(browser: str, tmp_path: Path) -> None:
    # Given Playwright's folder of downloads holding a browser, and no ffmpeg of the revision this Playwright names
    downloads = json.loads((Path(playwright.__file__).parent / "driver/package/browsers.json").read_text())
    revision = next(download["revision"] for download in downloads["browsers"] if download["name"] == "ffmpeg")
    (tmp_path / "ffmpeg-1").mkdir()  # another Playwright's

    # Then the recorder is said missing, where Playwright looks for it; once installed there, it is not
    assert missing_video_recorder(str(tmp_path / browser)) == tmp_path / f"ffmpeg-{revision}"
    (tmp_path / f"ffmpeg-{revision}").mkdir()
    assert missing_video_recorder(str(tmp_path / browser)) is None


def test_a_browser_outside_playwright_s_downloads_is_no_reason_to_refuse_videos() -> None:
    assert missing_video_recorder("/usr/bin/chromium") is None  # not among Playwright's downloads: where is unknown


@pytest.mark.parametrize(
    ("python", "said"),
    [("/opt/venvs/suite/bin/python", "/opt/venvs/suite/bin/python -m playwright"),
     ("{cwd}/.venv/bin/python", ".venv/bin/python -m playwright")],
    ids=["venv-elsewhere", "venv-here"],
)  # fmt: skip
def test_the_install_command_said_is_that_of_the_environment_running(
    python: str, said: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given the suite run from an environment VENV named elsewhere, or from .venv below the current folder
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "executable", python.format(cwd=tmp_path))

    # Then the command said installs that environment's browsers: not .venv's, which may not exist
    with pytest.raises(BrowserNotFoundError, match=f"`{re.escape(said)} install --with-deps firefox`"):
        launch_options_for("firefox", "/nonexistent/firefox")


def test_setup_with_a_chromium_path_that_names_nothing_stops_without_installing_another() -> None:
    root = Path(__file__).resolve().parent.parent
    environment = {**os.environ, "CHROMIUM_PATH": "/nonexistent/chrome"}

    done = subprocess.run(["bash", "scripts/setup.sh"], cwd=root, capture_output=True, text=True, timeout=300,
                          env=environment)  # fmt: skip

    assert done.returncode == 1, done.stderr
    assert "CHROMIUM_PATH='/nonexistent/chrome' is not an executable file" in done.stderr, done.stderr
    assert "installing" not in done.stderr, done.stderr  # neither Playwright's download nor apt's package


def test_setup_with_a_virtual_environment_whose_python_is_not_here_says_so_before_any_install(tmp_path: Path) -> None:
    # Given a virtual environment restored from another machine's cache: installed, but its Python is not here
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").symlink_to("/nonexistent/bin/python3.11")
    (tmp_path / "pyvenv.cfg").write_text("home = /nonexistent/bin\n")
    installed = hashlib.sha256((root / "pyproject.toml").read_bytes() + (root / "constraints.txt").read_bytes())
    (tmp_path / f".installed-{installed.hexdigest()[:16]}").touch()

    done = subprocess.run(["bash", "scripts/setup.sh"], cwd=root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "VENV": str(tmp_path)})  # fmt: skip

    assert done.returncode == 1, done.stderr
    said = f"[setup] the virtual environment {tmp_path} does not run here (made with the Python in /nonexistent/bin)"
    assert done.stderr.startswith(said), done.stderr
    assert "installing" not in done.stderr, done.stderr  # neither Playwright's download nor apt's package
