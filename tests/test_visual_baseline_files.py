"""The visual layer's baselines as files (plugins/visual_baselines.py): unreadable ones, the commands that make
them, the platforms and folders that name them, their modes, and a device scale's own."""

from __future__ import annotations

import os
import re
import shlex
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from pages.addresses import ScreenAddresses
from plugins import visual
from plugins.evidence import ATTACHED, write_atomically
from plugins.retries import NotTransient
from plugins.visual import SETTINGS, Summary
from plugins.visual_baselines import RESULTS, Baselines, encode
from plugins.visual_capture import Allowance, Captured
from plugins.visual_settings import settings_for

pytestmark = pytest.mark.tooling


@pytest.fixture
def baselines_in(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Baselines]]:
    """Return ``make(mode, folder=None)``: this test's ``Baselines`` under a folder of its own, without a browser."""

    def make(mode: str = "none", folder: Path | None = None, channel: str | None = None) -> Baselines:
        settings = request.config.stash[SETTINGS]
        changed = type(settings)(mode, folder or tmp_path / "baselines", "linux", ("--snapshot-dir", str(tmp_path)))
        monkeypatch.setitem(request.config.stash, SETTINGS, changed)  # type: ignore[arg-type]
        return Baselines(request.node, SETTINGS, tmp_path / "out", "chromium", channel)

    yield make
    request.node.stash[RESULTS] = []
    request.node.stash[ATTACHED] = []


def shot_of(colour: str) -> Captured:
    image = Image.new("RGBA", (8, 8), colour)
    return Captured(encode(image), image, False, 1)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bytes, starting b'\\x89PNG", id="truncated-png"),
        pytest.param(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 21138\n",
            "a Git LFS pointer, not the picture: run `git lfs pull`",
            id="lfs-pointer",
        ),
    ],
)
def test_an_unreadable_baseline_fails_naming_it_and_changed_replaces_it(
    content: bytes, said: str, baselines_in: Callable[..., Baselines]
) -> None:
    baselines = baselines_in("none")
    baselines.path("card").parent.mkdir(parents=True)
    baselines.path("card").write_bytes(content)

    with pytest.raises(NotTransient) as unreadable:  # an AssertionError: the screen's other checks still run
        baselines.read("card")
    for mode in ("changed", "all"):
        assert baselines_in(mode).read("card") == (None, None), "replaced as a missing one"

    assert f"the baseline {baselines.shown(baselines.path('card'))} cannot be read: it holds" in str(unreadable.value)
    assert said in str(unreadable.value) and "--update-snapshots=changed" in str(unreadable.value)


def test_a_deployment_s_commands_repeat_the_options_that_chose_it_but_no_secret(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    option = request.config.option
    monkeypatch.delenv("PORTAL_TOTP_SECRET", raising=False)
    monkeypatch.setenv("PORTAL_PASSWORD", "from-the-environment")
    for name, value in [("base_url", "https://pc.example/"), ("api_url", "https://api.example/"),
                        ("portal_totp_secret", "TOPSECRETBASE32"), ("portal_password", "from-the-environment"),
                        ("snapshot_dir", str(tmp_path / "pc")), ("snapshot_mask", ["time", "#banner"])]:  # fmt: skip
        monkeypatch.setattr(option, name, value)

    options = " ".join(settings_for(request.config, "tests/baselines/visual").options)

    assert "--base-url https://pc.example/ --api-url https://api.example/" in options, options
    assert "--portal-totp-secret ..." in options and "TOPSECRET" not in options, options
    assert "--portal-password" not in options, "taken from $PORTAL_PASSWORD, which the command has too"
    assert f"--snapshot-dir {tmp_path / 'pc'}" in options, options
    assert "--snapshot-mask time --snapshot-mask #banner" in options, "a baseline made with masks is compared with them"


def test_the_commands_repeat_who_signs_in_where_the_screens_are_and_which_browser(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a run against Entra ID's users, a deployment's own certificate and addresses, in Chrome
    option = request.config.option
    monkeypatch.setenv("PORTAL_API_CLIENT_ID", "from-the-environment")
    monkeypatch.delenv("PORTAL_USER_DOMAIN", raising=False)
    monkeypatch.delenv("PORTAL_SCREEN_ADDRESSES", raising=False)
    for name, value in [("user_domain", "contoso.partner.onmschina.cn"), ("ignore_https_errors", True),
                        ("role_user", ["sales-agent=sam", "helpdesk-agent=hal"]), ("browser_channel", "chrome"),
                        ("api_client_id", "from-the-environment"),
                        ("screen_addresses", ScreenAddresses.parse("dashboard=home, edit="))]:  # fmt: skip
        monkeypatch.setattr(option, name, value)

    options = shlex.join(settings_for(request.config, "tests/baselines/visual").options)

    # Then the command that makes a baseline signs in as the run did, opens the same screens in the same browser
    assert (
        "--user-domain contoso.partner.onmschina.cn --role-user sales-agent=sam --role-user helpdesk-agent=hal "
        "--screen-addresses dashboard=home,edit= --ignore-https-errors" in options
    ), options
    assert "--browser-channel chrome" in options, options
    assert "--api-client-id" not in options, "taken from $PORTAL_API_CLIENT_ID, which the command has too"
    monkeypatch.setenv("PORTAL_SCREEN_ADDRESSES", "edit=,dashboard=home")
    assert "--screen-addresses" not in shlex.join(settings_for(request.config, "tests/baselines/visual").options)


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        pytest.param(
            "snapshot_platform",
            "linux/arm64",
            "--snapshot-platform (or $SNAPSHOT_PLATFORM) 'linux/arm64'",
            id="platform-with-a-slash",
        ),
        pytest.param("snapshot_platform", "..", "no '/', no '..'", id="platform-dot-dot"),
        pytest.param("snapshot_dir", "a-file/snaps", "is a file, not a folder", id="folder-under-a-file"),
    ],
)
def test_a_platform_or_folder_that_cannot_name_the_baselines_is_a_usage_error(
    name: str, value: str, said: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setattr(request.config.option, name, str(tmp_path / value) if name == "snapshot_dir" else value)

    with pytest.raises(pytest.UsageError, match=re.escape(said)):
        settings_for(request.config, "tests/baselines/visual")


def test_a_baseline_that_cannot_be_written_fails_naming_the_option(
    baselines_in: Callable[..., Baselines], tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    baselines = baselines_in("missing", tmp_path / "a-file" / "snaps")

    with pytest.raises(NotTransient, match=r"could not write its baseline .* give --snapshot-dir a folder"):
        baselines.missing("card", shot_of("white"), "chromium 1.0")


def test_a_rewritten_baseline_keeps_its_mode_and_a_new_one_gets_the_umask_s(tmp_path: Path) -> None:
    kept, new = tmp_path / "kept.png", tmp_path / "new.png"
    kept.write_bytes(b"old")
    kept.chmod(0o664)
    umask = os.umask(0o027)
    try:
        write_atomically(kept, b"rewritten")
        write_atomically(new, b"new")
    finally:
        os.umask(umask)

    assert (stat.S_IMODE(kept.stat().st_mode), stat.S_IMODE(new.stat().st_mode)) == (0o664, 0o640)


def test_a_baseline_written_by_missing_is_attached_and_the_summary_is_not_green(
    baselines_in: Callable[..., Baselines], request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The summary as a run comparing screenshots writes it, whatever this run compares (a deployment's: none)
    monkeypatch.setattr(visual, "why_unavailable", lambda config, layer: None)
    baselines = baselines_in("missing")
    with pytest.raises(NotTransient, match="Look at it, then commit it"):
        baselines.missing("card", shot_of("white"), "chromium 1.0")

    assert [(one.name, one.path) for one in request.node.stash[ATTACHED]] == [
        ("card: new baseline", str(baselines.path("card")))
    ]
    lines: list[tuple[str, dict[str, bool]]] = []
    reporter = SimpleNamespace(section=lambda *_, **__: None, write_line=lambda line, **c: lines.append((line, c)))
    summary = Summary(request.config)
    summary.by_test[request.node.nodeid] = list(request.node.stash[RESULTS])
    summary.pytest_terminal_summary(reporter)  # type: ignore[arg-type]
    assert "1 written" in lines[0][0] and lines[0][1] == {"red": False, "yellow": True, "green": False}, lines


def test_a_screen_s_command_makes_its_baselines_without_its_other_layers(
    baselines_in: Callable[..., Baselines], request: pytest.FixtureRequest
) -> None:
    # Given a screen's test, which scans and photographs, run with -m visual (its scans left out)
    request.node.add_marker(pytest.mark.visual)
    baselines = baselines_in("none")

    # When a screenshot is missing, the command it prints leaves the scans out as the run did
    with pytest.raises(NotTransient) as missing:
        baselines.missing("card", shot_of("white"), "chromium 1.0")

    command = f"./run.sh test {shlex.quote(request.node.nodeid)} -m visual --update-snapshots=missing"
    assert f"make it:            {command}" in str(missing.value), missing.value


def test_the_commands_repeat_the_emulated_device(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(request.config.option, "device", "Pixel 5")

    options = settings_for(request.config, "tests/baselines/visual").options

    assert " ".join(options).endswith("--device Pixel 5"), options


@pytest.mark.parametrize("channel", ["chrome", "msedge"])
def test_a_channel_is_compared_with_chromium_s_baseline_until_it_has_its_own_and_never_writes_over_it(
    baselines_in: Callable[..., Baselines], tmp_path: Path, channel: str
) -> None:
    # Given a baseline Chromium made, and a run through Chrome or Edge whose screenshot differs from it
    chromium = baselines_in("none").path("card")
    chromium.parent.mkdir(parents=True)
    chromium.write_bytes(encode(Image.new("RGBA", (8, 8), "white")))
    made_by_chromium = chromium.read_bytes()
    baselines = baselines_in("none", channel=channel)
    own = tmp_path / "baselines" / f"card-{channel}-linux.png"
    baseline, _ = baselines.read("card")
    assert baseline == made_by_chromium, "compared with Chromium's while the channel has none"

    # When it is compared, then rewritten as the failure's command says
    with pytest.raises(AssertionError) as differs:
        baselines.different("card", made_by_chromium, shot_of("black"), Allowance(0.05), f"{channel} 156.0")
    baselines_in("changed", channel=channel).different(
        "card", made_by_chromium, shot_of("black"), Allowance(0.05), f"{channel} 156.0"
    )

    # Then the failure says whose baseline it was compared with and where the channel's goes; the rewrite made the
    # channel's own, left Chromium's as it was, and the channel's is what its next run compares with
    assert f"Compared with chromium's baseline: {channel} has none of its own yet" in str(differs.value)
    assert baselines.shown(own) in str(differs.value)
    assert chromium.read_bytes() == made_by_chromium and own.exists()
    assert baselines_in("none", channel=channel).path("card") == own
