"""The visual layer itself (plugins/visual.py): pixelmatch's count, Playwright Test's rules, each update mode.

The pages are the tests' own (``page.set_content``), the baselines go to a folder of the test's
own, and what these tests provoke on purpose stays out of the run's summary.
"""

from __future__ import annotations

import argparse
import io
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo
from pixelmatch.contrib.PIL import pixelmatch
from playwright.sync_api import Page
from visual_here import CARD, Expect, own_baselines

from plugins import visual
from plugins.image_diff import compare
from plugins.retries import NotTransient
from plugins.visual import Summary
from plugins.visual_baselines import RESULTS, maker, other_maker
from plugins.visual_settings import settings_for, threshold_value

pytestmark = pytest.mark.tooling


def drawing(seed: int, size: tuple[int, int]) -> Image.Image:
    """Return a small picture with text (anti-aliased edges), shapes and noise."""
    rng = random.Random(seed)
    image = Image.new("RGBA", size, (255, 255, 255, rng.choice([255, 255, 180])))
    pen = ImageDraw.Draw(image)
    for line in range(4):
        pen.text((rng.randint(0, 4), 4 + line * 12), "Édition 编辑 Submit", fill=rng.choice(["black", "#333", "red"]))
    pen.rectangle((size[0] - 25, size[1] - 15, size[0] - 3, size[1] - 3), fill=(0, 103, 184, 255))
    for _ in range(rng.randint(0, 25)):
        image.putpixel((rng.randrange(size[0]), rng.randrange(size[1])), tuple(rng.randrange(256) for _ in range(4)))
    return image


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("threshold", [0.05, 0.2])
def test_the_count_is_pixelmatch_s_to_the_pixel(seed: int, threshold: float) -> None:
    expected, actual = drawing(seed, (64, 52)), drawing(seed + 100, (64, 52))

    assert compare(expected, actual, threshold).different == pixelmatch(expected, actual, threshold=threshold)


def test_images_of_different_sizes_differ_by_their_size_and_the_padding() -> None:
    difference = compare(Image.new("RGB", (10, 10), "white"), Image.new("RGB", (10, 12), "white"))

    # The padding is transparent, which pixelmatch blends with white: only the size differs here.
    assert difference.describe().startswith("Expected an image 10px by 10px, received 10px by 12px. 0 pixels")
    assert difference.fails(max_diff_pixels=100)


@pytest.fixture
def expect_here(
    expect_screenshot: Expect, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Expect]:
    """``expect_screenshot`` with baselines in a folder of the test's own, left out of the run's summary."""
    yield from own_baselines(expect_screenshot, request, tmp_path, monkeypatch)


def test_a_missing_baseline_fails_with_the_command_that_makes_it(
    page: Page, expect_here: Expect, browser_name: str
) -> None:
    page.set_content(CARD.format(who="someone", left=0))

    with pytest.raises(NotTransient) as missing:
        expect_here(page, "card")

    said = str(missing.value)
    assert "Screenshot 'card': expected a baseline at " in said and f"card-{browser_name}-" in said
    assert "--update-snapshots=missing --snapshot-dir" in said, said
    assert "test_a_missing_baseline_fails_with_the_command_that_makes_it" in said, said


def test_missing_writes_the_baseline_and_still_fails_then_it_matches(page: Page, expect_here: Expect) -> None:
    page.set_content(CARD.format(who="someone", left=0))
    expect_here.use("missing")  # type: ignore[attr-defined]

    with pytest.raises(NotTransient, match="Look at it, then commit it"):
        expect_here(page, "card")
    expect_here.use("none")  # type: ignore[attr-defined]
    expect_here(page, "card")


def test_a_moved_button_fails_with_the_count_and_the_three_images(
    page: Page, expect_here: Expect, output_path: str
) -> None:
    page.set_content(CARD.format(who="someone", left=0))
    expect_here.use("missing")  # type: ignore[attr-defined]
    with pytest.raises(NotTransient):
        expect_here(page, "card")
    expect_here.use("none")  # type: ignore[attr-defined]

    page.set_content(CARD.format(who="someone", left=40))
    with pytest.raises(AssertionError, match=r"differs from its baseline: \d+ pixels \(ratio") as moved:
        expect_here(page, "card")

    assert not isinstance(moved.value, NotTransient), "a difference may be retried"
    diff = Image.open(Path(output_path) / "card-diff.png").convert("RGB")
    assert (255, 0, 0) in {colour for _, colour in diff.getcolors(1 << 16) or []}
    assert {p.name for p in Path(output_path).glob("card-*.png")} == {
        "card-expected.png",
        "card-actual.png",
        "card-diff.png",
    }


def test_masks_hide_what_changes_and_allowances_let_small_changes_pass(page: Page, expect_here: Expect) -> None:
    page.set_content(CARD.format(who="Zhang Wei 12345678", left=0))
    expect_here.use("missing")  # type: ignore[attr-defined]
    with pytest.raises(NotTransient):
        expect_here(page, "card", mask=[page.locator("#who")])
    expect_here.use("none")  # type: ignore[attr-defined]

    page.set_content(CARD.format(who="Dupont 87654321", left=0))
    expect_here(page, "card", mask=[page.locator("#who")])
    page.set_content(CARD.format(who="Zhang Wei 12345678", left=1))
    expect_here(page, "card", mask=[page.locator("#who")], max_diff_pixel_ratio=0.05)


LOOK = """<html lang="en"><body style="margin:0;font:16px sans-serif"><main style="padding:20px">
  <p style="border-bottom:1px solid {rule};padding-bottom:6px">Subscriptions Account</p>
  <p role="alert" style="background:{banner};padding:8px">Enter a valid postal code.</p>
  <button style="background:{button};color:#fff;border:0;padding:5px 19px">Submit</button></main></body></html>"""
PORTAL_LOOK = {"rule": "#ccc", "banner": "#fde7e9", "button": "#0067b8"}  # the bundled portal's colours


@pytest.mark.parametrize(
    ("part", "colour"),
    [
        pytest.param("button", "#008272", id="button-blue-to-teal"),  # a YIQ distance of 351
        pytest.param("banner", "#fff", id="error-banner-pink-to-white"),  # 201
        pytest.param("rule", "transparent", id="menu-rule-grey-gone"),  # 1314
    ],
)
def test_a_changed_colour_fails_though_playwright_s_threshold_would_pass_it(
    part: str, colour: str, page: Page, expect_here: Expect
) -> None:
    # Given a baseline of the portal's colours
    page.set_content(LOOK.format(**PORTAL_LOOK))
    expect_here.use("missing")  # type: ignore[attr-defined]
    with pytest.raises(NotTransient):
        expect_here(page, "look")
    expect_here.use("none")  # type: ignore[attr-defined]

    # When one part changes colour (Playwright Test's threshold 0.2 allows a distance of 1409)
    page.set_content(LOOK.format(**{**PORTAL_LOOK, part: colour}))
    expect_here(page, "look", threshold=0.2)

    # Then the suite's threshold sees it
    with pytest.raises(AssertionError, match=r"differs from its baseline: \d+ pixels .* at threshold 0\.05\)"):
        expect_here(page, "look", timeout=500)


def test_the_threshold_is_an_option_between_0_and_1(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(request.config.option, "snapshot_threshold", 0.1)

    settings = settings_for(request.config, "tests/baselines/visual")

    assert settings.threshold == 0.1
    assert settings.options[-2:] == ("--snapshot-threshold", "0.1"), "repeated in the commands a failure prints"
    assert threshold_value("0") == 0.0
    for wrong in ("1.5", "-0.1", "a fifth"):
        with pytest.raises(argparse.ArgumentTypeError):
            threshold_value(wrong)


def test_a_mask_given_on_the_command_line_hides_a_deployment_s_changing_part(page: Page, expect_here: Expect) -> None:
    # Given a baseline made with --snapshot-mask "#who" (a name that changes from run to run)
    page.set_content(CARD.format(who="Zhang Wei 12345678", left=0))
    expect_here.use("missing", masks=("#who",))  # type: ignore[attr-defined]
    with pytest.raises(NotTransient):
        expect_here(page, "card")

    # When the name changes, the screenshot still matches with the mask, and differs without it
    page.set_content(CARD.format(who="Dupont 87654321", left=0))
    expect_here.use("none", masks=("#who",))  # type: ignore[attr-defined]
    expect_here(page, "card")
    expect_here.use("none")  # type: ignore[attr-defined]
    with pytest.raises(AssertionError, match="differs from its baseline"):
        expect_here(page, "card", timeout=500)


def test_a_mask_given_on_the_command_line_that_finds_nothing_is_said_at_the_end(
    page: Page, expect_here: Expect, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a run with two masks, one of them misspelt: it finds nothing on any screen
    monkeypatch.setattr(visual, "why_unavailable", lambda config, layer: None)
    page.set_content(CARD.format(who="Zhang Wei 12345678", left=0))
    expect_here.use("all", masks=("#who", "#last-sign-in"))  # type: ignore[attr-defined]
    expect_here(page, "card")

    # When the run sums up its screenshots
    lines: list[str] = []
    reporter = SimpleNamespace(section=lambda *_, **__: None, write_line=lambda line, **_: lines.append(line))
    summary = Summary(request.config)
    summary.by_test[request.node.nodeid] = list(request.node.stash[RESULTS])
    summary.masked = request.node.stash[visual.MASKED]
    summary.pytest_terminal_summary(reporter)  # type: ignore[arg-type]

    # Then it names the mask that masked nothing, and only that one
    said = "\n".join(lines)
    assert "--snapshot-mask '#last-sign-in' found nothing in any of these screenshots" in said, said
    assert "'#who'" not in said, said


def test_a_mask_playwright_cannot_read_fails_naming_the_option_unretried(page: Page, expect_here: Expect) -> None:
    page.set_content(CARD.format(who="someone", left=0))
    expect_here.use("none", masks=("#who", "price=>12"))  # type: ignore[attr-defined]

    with pytest.raises(NotTransient, match=r"--snapshot-mask 'price=>12' is no selector Playwright reads: \w"):
        expect_here(page, "card")


def test_changed_rewrites_only_what_differs(
    page: Page, expect_here: Expect, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    page.set_content(CARD.format(who="someone", left=0))
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "card")
    baseline = next((tmp_path / "baselines").glob("card-*.png"))
    written, written_at = baseline.read_bytes(), baseline.stat().st_mtime_ns

    # A screen as its baseline is left alone (rewritten, its file would change in git at each update)
    expect_here.use("changed")  # type: ignore[attr-defined]
    expect_here(page, "card")
    assert (baseline.read_bytes(), baseline.stat().st_mtime_ns) == (written, written_at)

    # ... and one that differs is rewritten
    page.set_content(CARD.format(who="someone", left=40))
    expect_here(page, "card")
    assert baseline.read_bytes() != written
    assert [shot["outcome"] for shot in request.node.stash[RESULTS]] == ["written", "matched", "rewritten"]


def test_animations_are_stopped_but_a_page_that_never_holds_still_fails(page: Page, expect_here: Expect) -> None:
    spinning = "<div style='width:40px;height:40px;background:red;animation:spin 1s linear infinite'></div>"
    page.set_content(f"<style>@keyframes spin {{to {{transform: rotate(360deg)}}}}</style>{spinning}")
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "spinner")  # stable: Playwright stops the CSS animation

    page.set_content("<p id=t></p><script>setInterval(() => t.textContent = Math.random(), 30)</script>")
    with pytest.raises(AssertionError, match="did not hold still"):
        expect_here(page, "ticker", timeout=1000)


def test_a_page_that_never_holds_still_says_where_it_moved_and_how_to_mask_it(
    page: Page, expect_here: Expect, output_path: str
) -> None:
    page.set_content("<p id=t></p><script>setInterval(() => t.textContent = Math.random(), 30)</script>")

    with pytest.raises(AssertionError) as moving:
        expect_here(page, "ticker", timeout=1000)

    said = str(moving.value)
    for suffix in ("previous", "actual", "diff"):
        assert f"ticker-{suffix}.png" in said and (Path(output_path) / f"ticker-{suffix}.png").exists(), said
    assert "mask=[...]" in said and "--snapshot-mask SELECTOR" in said, said


def test_a_full_page_screenshot_shows_an_image_loaded_lazily_below_the_fold(
    page: Page, expect_here: Expect, tmp_path: Path
) -> None:
    # Given a long page whose picture, far below the fold, loads only as a person scrolls to it (loading="lazy")
    picture = io.BytesIO()
    Image.new("RGB", (200, 100), "red").save(picture, format="PNG")
    page.route("https://long.test/picture.png", lambda route: route.fulfill(body=picture.getvalue(),
                                                                          content_type="image/png"))  # fmt: skip
    page.route("https://long.test/", lambda route: route.fulfill(content_type="text/html", body=(
        "<body style='margin:0'><div style='height:4000px'>Account</div>"
        "<img loading='lazy' src='/picture.png' width='200' height='100'></body>")))  # fmt: skip
    page.goto("https://long.test/")

    # When the whole page is photographed, then the picture is in it, as a person scrolling down sees it
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "long", full_page=True)
    written = Image.open(next((tmp_path / "baselines").glob("long-*.png"))).convert("RGB")
    assert written.getpixel((100, 4050)) == (255, 0, 0)


def test_a_baseline_another_browser_build_made_is_named_in_the_difference(
    page: Page, expect_here: Expect, tmp_path: Path
) -> None:
    page.set_content(CARD.format(who="someone", left=0))
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "card")
    baseline = next((tmp_path / "baselines").glob("card-*.png"))
    about = PngInfo()
    about.add_text("made-with", "chromium 1.0")
    Image.open(baseline).save(baseline, pnginfo=about)

    expect_here.use("none")  # type: ignore[attr-defined]
    page.set_content(CARD.format(who="someone", left=40))
    with pytest.raises(AssertionError, match=r"The baseline was made with chromium 1\.0: if the screen did not change"):
        expect_here(page, "card")


@pytest.mark.parametrize(
    ("baseline_made_with", "hint"),
    [
        pytest.param("chromium 156.0.8078.108", False, id="another-build-of-the-major"),
        pytest.param("chromium 156.0.8078.114", False, id="the-same-build"),
        pytest.param("chromium 155.0.7950.60", True, id="another-major"),
        pytest.param("firefox 156.0", True, id="another-browser"),
        pytest.param(None, False, id="unknown"),
    ],
)
def test_only_another_browser_or_major_version_is_named_as_the_cause(
    baseline_made_with: str | None, hint: bool
) -> None:
    said = other_maker(baseline_made_with, "chromium 156.0.8078.114")

    assert bool(said) is hint, said
    if hint:
        assert f"The baseline was made with {baseline_made_with}: if the screen did not change" in said


@pytest.mark.parametrize("channel", ["chrome", "msedge"])
def test_chrome_or_edge_compared_with_a_chromium_baseline_is_named_as_the_likely_cause(channel: str) -> None:
    # Given a baseline Chromium made, and a run of the same major version through a channel (Chrome or Edge)
    baseline_made_with = maker("chromium", None, "156.0.8078.114")
    taken_with = maker("chromium", channel, "156.0.8078.120")

    said = other_maker(baseline_made_with, taken_with)

    assert taken_with.startswith(f"{channel} 156."), taken_with
    assert "The baseline was made with chromium 156.0.8078.114: if the screen did not change" in said


def test_the_docs_name_chromium_s_major_version_not_a_build_the_set_up_replaces() -> None:
    root = Path(__file__).resolve().parent.parent
    text = "".join(
        (root / name).read_text(encoding="utf-8") for name in ("README.md", "docs/accessibility-and-visual.md")
    )

    assert re.findall(r"\b\d{2,3}\.0\.\d{4}\.\d+\b", text) == []  # e.g. 156.0.8078.108, gone at the next update


def test_a_screen_at_another_device_scale_has_a_baseline_of_its_own(
    page: Page, new_context: Callable[..., Any], expect_here: Expect, tmp_path: Path
) -> None:
    # Given a baseline made at a device scale of 1 (a desktop's)
    page.set_content(CARD.format(who="someone", left=0))
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "card")
    desktop = next((tmp_path / "baselines").glob("card-*.png"))
    made = desktop.read_bytes()

    # When the same screen is photographed at a scale of 2 (--device, a phone's), whose pixels differ from it
    phone = new_context(device_scale_factor=2).new_page()
    phone.set_content(CARD.format(who="someone", left=0))
    expect_here.use("none")  # type: ignore[attr-defined]
    with pytest.raises(NotTransient) as missing:
        expect_here(phone, "card")

    # Then it is missing its own baseline, which updating writes beside the desktop's, not over it
    said = str(missing.value)
    assert "Screenshot 'card': expected a baseline at " in said and "at device scale 2 on" in said, said
    expect_here.use("changed")  # type: ignore[attr-defined]
    expect_here(phone, "card")
    assert desktop.read_bytes() == made
    assert sorted(p.name for p in (tmp_path / "baselines").iterdir()) == [desktop.name, desktop.stem + "@2x.png"]
