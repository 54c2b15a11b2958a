"""Fonts in the visual layer (plugins/visual_fonts.py): a baseline records the fonts that drew its text, and a
difference names a font one machine has and the other lacks; a web font that failed is never a baseline.

Another machine is played by a baseline whose record says otherwise; what this one has is asked of fontconfig.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from playwright.sync_api import Page
from visual_here import CARD, Expect, own_baselines

from plugins.retries import NotTransient
from plugins.visual_fonts import fonts_moved, fonts_read

pytestmark = pytest.mark.tooling
NOWHERE = "Portal Serif"  # a family no machine has


@pytest.fixture
def expect_here(
    expect_screenshot: Expect, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Expect]:
    """``expect_screenshot`` with baselines in a folder of the test's own, left out of the run's summary."""
    yield from own_baselines(expect_screenshot, request, tmp_path, monkeypatch)


def installed_sans() -> str:
    """Return the family fontconfig draws sans-serif text in here (DejaVu Sans, Liberation Sans...)."""
    found = subprocess.run(["fc-match", "-f", "%{family[0]}", "sans-serif"], capture_output=True, text=True, check=True)
    return found.stdout.strip()


def card_in(families: str, left: int = 0) -> str:
    return CARD.replace("font:16px sans-serif", f"font:16px {families}").format(who="someone", left=left)


def recorded_fonts(folder: Path) -> dict[str, list[str]]:
    with Image.open(next(folder.glob("card-*.png"))) as baseline:
        return json.loads(baseline.info["fonts"])


def record_as_written_elsewhere(folder: Path, fonts: dict[str, list[str]]) -> None:
    """Rewrite the baseline's record of its fonts: as another machine, with other fonts, would have written it."""
    path = next(folder.glob("card-*.png"))
    with Image.open(path) as baseline:
        image = baseline.copy()
    about = PngInfo()
    about.add_itxt("fonts", json.dumps(fonts))
    image.save(path, pnginfo=about)


def test_a_baseline_records_the_fonts_that_drew_its_text(page: Page, expect_here: Expect, tmp_path: Path) -> None:
    sans = installed_sans()
    page.set_content(card_in(f"'{NOWHERE}', '{sans}', monospace"))

    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "card")

    fonts = recorded_fonts(tmp_path / "baselines")
    assert [had for family_list, had in fonts.items() if NOWHERE in family_list] == [[sans]], fonts


def test_a_difference_names_the_font_the_baseline_was_drawn_in_that_this_machine_lacks(
    page: Page, expect_here: Expect, tmp_path: Path
) -> None:
    # Given a baseline written where the card's font was installed (here it is not: its text is in a fallback)
    page.set_content(card_in(f"'{NOWHERE}', serif"))
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "card")
    (family_list,) = [key for key in recorded_fonts(tmp_path / "baselines") if NOWHERE in key]
    record_as_written_elsewhere(tmp_path / "baselines", {family_list: [NOWHERE]})
    page.set_content(card_in(f"'{NOWHERE}', serif", left=40))  # it differs

    # When the card is compared here, then the difference names the font this machine lacks
    expect_here.use("none")  # type: ignore[attr-defined]
    with pytest.raises(AssertionError) as differs:
        expect_here(page, "card")
    assert (
        f"The text in font-family {family_list} was drawn in '{NOWHERE}' where the baseline was written, in a fallback "
        f"font here: '{NOWHERE}' is not installed on this machine." in str(differs.value)
    ), str(differs.value)


def test_a_difference_names_a_font_installed_here_that_the_baseline_s_machine_lacked(
    page: Page, expect_here: Expect, tmp_path: Path
) -> None:
    sans = installed_sans()
    page.set_content(card_in(f"'{sans}', serif"))
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "card")
    (family_list,) = [key for key in recorded_fonts(tmp_path / "baselines") if sans in key]
    record_as_written_elsewhere(tmp_path / "baselines", {family_list: []})  # drawn there in serif's font
    page.set_content(card_in(f"'{sans}', serif", left=40))

    expect_here.use("none")  # type: ignore[attr-defined]
    with pytest.raises(AssertionError) as differs:
        expect_here(page, "card")
    assert (
        f"was drawn in a fallback font where the baseline was written, in '{sans}' here: '{sans}' is installed here, "
        "and was not where the baseline was written." in str(differs.value)
    ), str(differs.value)


def test_a_difference_where_the_same_fonts_drew_the_text_names_none() -> None:
    fonts = {'"Segoe UI", sans-serif': ["Segoe UI"], "monospace": []}

    assert fonts_moved(fonts, fonts) == ""
    assert fonts_moved({}, fonts) == ""  # a baseline that records none (written before fonts were recorded)
    assert fonts_moved(fonts, {}) == ""  # text in none of them now: the screen changed, as the difference shows


@pytest.mark.parametrize("recorded", [None, "", "not json", "[1, 2]", '{"serif": "Arial"}'])
def test_a_record_of_fonts_that_is_none_or_unreadable_is_no_record(recorded: str | None) -> None:
    assert fonts_read(recorded) == {}


# The card in a web font the browser cannot load (blocked, as offline CI blocks a font site): a fallback font's.
FONT_FAILS = CARD.replace(
    "<body",
    "<style>@font-face {{ font-family: 'Portal Sans'; src: url(https://fonts.test/"
    "portal.woff2) }} body {{ font-family: 'Portal Sans', sans-serif !important }}</style><body",
)


@pytest.mark.parametrize("mode", ["missing", "all"])
def test_a_screenshot_in_a_fallback_font_is_not_written_as_a_baseline(
    page: Page, expect_here: Expect, tmp_path: Path, mode: str
) -> None:
    # Given a page whose web font fails to load
    page.route("https://fonts.test/**", lambda route: route.abort())
    page.set_content(FONT_FAILS.format(who="someone", left=0))

    # When its baseline is written
    expect_here.use(mode)  # type: ignore[attr-defined]
    with pytest.raises(NotTransient) as refused:
        expect_here(page, "card")

    # Then none is, and the failure names the font and says why
    assert "not written as a baseline: the page's font 'Portal Sans' failed to load" in str(refused.value)
    assert not list((tmp_path / "baselines").glob("card-*.png"))


def test_a_difference_of_a_page_in_a_fallback_font_names_the_font(page: Page, expect_here: Expect) -> None:
    # Given a baseline of the card, and the card again, moved, its web font failing to load
    page.set_content(CARD.format(who="someone", left=0))
    expect_here.use("all")  # type: ignore[attr-defined]
    expect_here(page, "card")
    page.route("https://fonts.test/**", lambda route: route.abort())
    page.set_content(FONT_FAILS.format(who="someone", left=40))

    # When it is compared, then the difference names the font that failed as a likely cause
    expect_here.use("none")  # type: ignore[attr-defined]
    with pytest.raises(AssertionError, match="The page's font 'Portal Sans' failed to load: its text is in a fallback"):
        expect_here(page, "card")
