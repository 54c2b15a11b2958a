"""The visual layer itself (plugins/visual.py): pixelmatch's count, Playwright Test's rules, each update mode.

The pages are the tests' own (``page.set_content``), the baselines go to a folder of the test's
own, and what these tests provoke on purpose stays out of the run's summary.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo
from pixelmatch.contrib.PIL import pixelmatch
from playwright.sync_api import Page

from plugins.image_diff import compare
from plugins.retries import NotTransient
from plugins.visual import SETTINGS
from plugins.visual_baselines import RESULTS

pytestmark = pytest.mark.tooling

CARD = """<html lang="en"><body style="margin:0;font:16px sans-serif">
  <main style="padding:20px"><h1>Account</h1><p id="who" style="width:300px">{who}</p>
  <button style="margin-left:{left}px">Submit</button></main></body></html>"""
Expect = Callable[..., None]


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

    def use(mode: str = "none") -> None:
        settings = request.config.stash[SETTINGS]
        changed = type(settings)(mode, tmp_path / "baselines", settings.platform, ("--snapshot-dir", str(tmp_path)))
        monkeypatch.setitem(request.config.stash, SETTINGS, changed)  # type: ignore[arg-type]

    use()
    expect_screenshot.use = use  # type: ignore[attr-defined]
    yield expect_screenshot
    request.node.stash[RESULTS] = []


def test_a_missing_baseline_fails_with_the_command_that_makes_it(page: Page, expect_here: Expect) -> None:
    page.set_content(CARD.format(who="someone", left=0))

    with pytest.raises(NotTransient) as missing:
        expect_here(page, "card")

    said = str(missing.value)
    assert "Screenshot 'card': expected a baseline at " in said and "card-chromium-" in said
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


def test_changed_rewrites_only_what_differs(page: Page, expect_here: Expect, tmp_path: Path) -> None:
    page.set_content(CARD.format(who="someone", left=0))
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "card")
    baseline = next((tmp_path / "baselines").glob("card-*.png"))
    written = baseline.read_bytes()

    expect_here.use("changed")  # type: ignore[attr-defined]
    page.set_content(CARD.format(who="someone", left=40))
    expect_here(page, "card")

    assert baseline.read_bytes() != written


def test_animations_are_stopped_but_a_page_that_never_holds_still_fails(page: Page, expect_here: Expect) -> None:
    spinning = "<div style='width:40px;height:40px;background:red;animation:spin 1s linear infinite'></div>"
    page.set_content(f"<style>@keyframes spin {{to {{transform: rotate(360deg)}}}}</style>{spinning}")
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "spinner")  # stable: Playwright stops the CSS animation

    page.set_content("<p id=t></p><script>setInterval(() => t.textContent = Math.random(), 30)</script>")
    with pytest.raises(AssertionError, match="did not hold still"):
        expect_here(page, "ticker", timeout=1000)


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
