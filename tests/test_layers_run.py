"""Both layers in a run of their own (tests/runs/layers.py): what only a whole run shows.

The workers send their scans and screenshots on the test reports; only the controller sums them
up and rewrites the accessibility baseline, and only the screens the run scanned. The JUnit file
and the HTML report carry the evidence. ``-m`` picks the layers of a test that carries both.
"""

from __future__ import annotations

import atexit
import json
import socket
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from suite_run import SuiteRun, run_pytest

from plugins.a11y_baseline import rewrite
from plugins.layers import active_layers
from plugins.visual import why_not_compared

pytestmark = pytest.mark.tooling
MODULE = "tests/runs/layers.py"
# An address where something takes connections (a run refuses one where nothing does) and answers nothing: the
# runs draw their screens themselves and need no portal, only a deployment that is not the bundled one.
LISTENER = socket.create_server(("127.0.0.1", 0))
atexit.register(LISTENER.close)  # collected by any run: closed, not left to the collector to warn about
NO_PORTAL = f"http://127.0.0.1:{LISTENER.getsockname()[1]}/"
PALE = "#bbbbbb"  # fails contrast on white


def run_layers(folder: Path, *args: str, button_margin: int = 0) -> SuiteRun:
    """Run the module with CI's retry, its baselines under ``folder``; no portal is needed."""
    return run_pytest(
        MODULE, "--reruns", "1", "--base-url", NO_PORTAL,
        f"--snapshot-dir={folder / 'visual'}", f"--a11y-baseline={folder / 'a11y.json'}", *args,
        folder=folder / "run", env={"LAYERS_TEXT_COLOUR": PALE, "LAYERS_BUTTON_MARGIN": str(button_margin)},
    )  # fmt: skip


def junit_cases(folder: Path) -> dict[str, ElementTree.Element]:
    return {case.get("name", ""): case for case in ElementTree.parse(folder / "run" / "junit.xml").iter("testcase")}


def test_a_run_updates_compares_and_reports_through_its_controller(tmp_path: Path) -> None:
    # Given a baseline with an entry for a screen this run does not scan
    other = {"rule": "region", "target": "#banner", "impact": "moderate"}
    rewrite(tmp_path / "a11y.json", {("dashboard", "zh-CN"): [other]}, "4.12.1")

    # When a run accepts what it finds and writes the missing screenshots
    made = run_layers(tmp_path, "--update-a11y-baseline", "--update-snapshots=missing", "-n", "2")

    # Then each worker wrote its own screenshots and failed, unretried; the controller wrote the findings
    assert made.outcomes == {f"test_layers_screen[{loc}]": "failed" for loc in ("en-US", "fr-FR")}, made.output
    assert "Look at it, then commit it." in made.messages["test_layers_screen[en-US]"]
    assert all(case.find("rerunFailure") is None for case in junit_cases(tmp_path).values()), "a new baseline is final"
    assert len(list((tmp_path / "visual").glob("layers-screen-*-desktop-chromium-*.png"))) == 2
    findings = json.loads((tmp_path / "a11y.json").read_text())["findings"]
    assert sorted(findings) == ["dashboard", "layers-screen"] and sorted(findings["layers-screen"]) == [
        "en-US",
        "fr-FR",
    ]
    assert "2 entr(ies) added, 0 removed" in made.output, made.output
    assert "2 new finding(s) (accepted)" in made.output, made.output

    # When the button moves: the known finding passes; the difference fails after its retry, with its images
    moved = run_layers(tmp_path, "-k", "fr-FR", button_margin=40)

    assert "1 scans (1 screens × 1 languages), axe-core 4.12.1: 0 new finding(s), 1 known" in moved.output
    assert "1 accepted finding(s) still without a reason (their 'why' says TODO in" in moved.output, moved.output
    assert "1 screenshots (" in moved.output and ": 1 differs" in moved.output, "each attempt counted"
    message = moved.messages["test_layers_screen[fr-FR]"]
    assert "Screen 'layers-screen' in fr-FR: 1 check(s) failed" in message, message
    assert "differs from its baseline" in message and "pixels (ratio" in message, message
    case = next(case for name, case in junit_cases(tmp_path).items() if "fr-FR" in name)
    assert case.find("rerunFailure") is not None, "a difference is retried once"
    attachments = "".join(out.text or "" for out in case.iter("system-out"))
    assert "layers-screen-fr-FR-desktop-diff.png]]" in attachments, attachments
    assert "layers-screen-fr-FR-desktop-diff.png" in (tmp_path / "run" / "report.html").read_text()


def test_an_update_from_tests_named_by_their_ids_keeps_the_other_screens_entries(tmp_path: Path) -> None:
    # Given a baseline that accepts findings of two screens, in two languages
    other = {"rule": "region", "target": "#banner", "impact": "moderate"}
    rewrite(tmp_path / "a11y.json", {("dashboard", "zh-CN"): [other], ("layers-screen", "fr-FR"): [other]}, "4.12.1")

    # When one test, named by the id pytest prints (xdist off), accepts what it finds
    node = f"{MODULE}::test_layers_screen[chromium-en-US]"
    baseline = f"--a11y-baseline={tmp_path / 'a11y.json'}"
    made = run_pytest(node, "-p", "no:xdist", "--base-url", NO_PORTAL, baseline, "--update-a11y-baseline", "-m", "a11y",
                      folder=tmp_path / "run", env={"LAYERS_TEXT_COLOUR": PALE})  # fmt: skip

    # Then its screen's entries are written, and those of the screens it did not scan are kept, not called unknown
    assert made.returncode == 0, made.output
    findings = json.loads((tmp_path / "a11y.json").read_text())["findings"]
    assert sorted((screen, locale) for screen, by_locale in findings.items() for locale in by_locale) == [
        ("dashboard", "zh-CN"), ("layers-screen", "en-US"), ("layers-screen", "fr-FR"),
    ]  # fmt: skip
    assert "no test scans" not in made.output and "misspelt" not in made.output, made.output


class Marked:
    """An item with just these markers."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def iter_markers(self) -> list[pytest.Mark]:
        return [getattr(pytest.mark, name).mark for name in self.names]


@pytest.mark.parametrize(
    ("expression", "active"),
    [
        pytest.param("", {"a11y", "visual"}, id="everything"),
        pytest.param("a11y", {"a11y"}, id="a11y"),
        pytest.param("visual", {"visual"}, id="visual"),
        pytest.param("not visual", {"a11y"}, id="not-visual"),
        pytest.param("a11y and visual", {"a11y", "visual"}, id="both-together"),
        pytest.param("smoke", set(), id="neither"),
    ],
)
def test_m_picks_the_layers_of_a_test_that_carries_both(expression: str, active: set[str]) -> None:
    assert active_layers(Marked("a11y", "visual"), expression) == active  # type: ignore[arg-type]


def test_a_deployment_without_baselines_of_its_own_is_scanned_not_photographed_and_told_so(tmp_path: Path) -> None:
    deployment = ("--base-url", NO_PORTAL, f"--a11y-baseline={tmp_path / 'a11y.json'}")

    # When the whole screen tests run against it, and then only their screenshots are asked for
    scanned = run_pytest(MODULE, *deployment, folder=tmp_path / "scanned")
    photographed = run_pytest(MODULE, *deployment, "-m", "visual", folder=tmp_path / "photographed")

    # Then the scans ran and passed; the tests that would only compare pictures were not run, and the run says why
    assert scanned.outcomes == {f"test_layers_screen[{loc}]": "passed" for loc in ("en-US", "fr-FR")}, scanned.output
    assert photographed.outcomes == {}, photographed.output
    for run in (scanned, photographed):
        assert f"Screenshots not compared: {NO_PORTAL} is not the bundled portal" in run.output, run.report
    assert "2 tests that only compare screenshots not run" in photographed.output, photographed.output
    assert "2 deselected" in photographed.output, photographed.output


def test_a_deployment_run_that_asks_for_no_screenshots_says_nothing_of_them(tmp_path: Path) -> None:
    deployment = ("--base-url", NO_PORTAL, f"--a11y-baseline={tmp_path / 'a11y.json'}")

    run = run_pytest(MODULE, *deployment, "-m", "a11y", folder=tmp_path / "run")

    assert run.outcomes == {f"test_layers_screen[{loc}]": "passed" for loc in ("en-US", "fr-FR")}, run.report
    assert "Screenshots not compared" not in run.output, run.report


def test_the_bundled_portal_s_a11y_baseline_is_not_updated_from_a_deployment(tmp_path: Path) -> None:
    bundled = Path(__file__).parent / "baselines" / "a11y.json"
    before = bundled.stat().st_mtime_ns

    run = run_pytest(MODULE, "--base-url", NO_PORTAL, "--update-a11y-baseline", folder=tmp_path / "run")

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.report
    assert "would write the bundled portal's baseline (tests/baselines/a11y.json)" in run.output, run.report
    assert "--a11y-baseline PATH" in run.output
    assert bundled.stat().st_mtime_ns == before


def test_a_watched_run_leaves_the_screenshots_out_rather_than_compare_them_with_headless_baselines(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Headed, the full Chromium's scrollbars and glyphs differed on every screen, and the printed command would have
    # rewritten the headless baselines with them; demo mode outlines each element used (no display needed here)
    run = run_layers(tmp_path, "--demo-mode", "-m", "visual")
    monkeypatch.setattr(request.config.option, "headed", True)

    assert run.outcomes == {}, run.report
    assert "Screenshots not compared: --demo-mode draws the screens unlike the headless runs" in run.output, run.report
    assert not (tmp_path / "visual").exists(), "nothing written, nothing compared"
    assert "--headed draws" in (why_not_compared(request.config) or "")
    monkeypatch.setattr(request.config.option, "headed", False)
    monkeypatch.setenv("PWDEBUG", "1")  # the Inspector's browser is headed, whatever it is asked
    assert "PWDEBUG draws" in (why_not_compared(request.config) or "")
