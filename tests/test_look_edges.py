"""The visual and accessibility layers where a test or a page is not as they expect: a clock the test paused, an
image that does not load, an allowance that cannot be, a remote browser's platform, a baseline entry in another's
place, a baseline file it cannot read, a screen not scanned at each viewport."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, Route
from visual_here import CARD, Expect, own_baselines

from plugins import a11y
from plugins.a11y_baseline import BaselineError, compare, load
from plugins.a11y_scan import Finding
from plugins.retries import NotTransient
from plugins.visual import ScreenshotUsageError
from plugins.visual_settings import platform_named

pytestmark = pytest.mark.tooling

GREY_ON_WHITE = """<html lang="en-US"><head><title>Account</title></head><body><main>
  <h1>Account</h1><p style="color:#bbb">Bill-to info</p></main></body></html>"""
IMAGES = "https://images.look.test/"
WITH_AN_IMAGE = CARD.replace("<h1>Account</h1>", f'<h1>Account</h1><img src="{IMAGES}logo.png" width="40" height="40">')
PLACE = "html > body > main > form:nth-child(2) > input:nth-child(3)"


@pytest.fixture
def expect_here(
    expect_screenshot: Expect, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Expect]:
    yield from own_baselines(expect_screenshot, request, tmp_path, monkeypatch)


def paused(page: Page) -> None:
    """Pause the page's clock, as a test freezing its dates for a screenshot does."""
    page.clock.install(time=datetime(2026, 1, 1, tzinfo=UTC))
    page.clock.pause_at(datetime(2026, 1, 2, tzinfo=UTC))


def test_a_page_whose_clock_the_test_paused_is_scanned_and_the_clock_stays_the_test_s(
    page: Page, check_here: Callable[..., object]
) -> None:
    page.set_content(GREY_ON_WHITE)
    paused(page)

    # When it is scanned, then axe's findings come (its own timers ran), not a wait for ever
    with pytest.raises(NotTransient, match="color-contrast"):
        check_here(page, "account", "en-US")

    # And the page's timers are the test's clock's again: a minute's timer fires when the test runs the clock on
    page.evaluate("() => { window.fired = false; setTimeout(() => { window.fired = true; }, 60_000); }")
    page.clock.run_for(60_000)
    assert page.evaluate("() => window.fired") is True


@pytest.mark.parametrize(("answer", "said"), [("never", "still loading"), ("404", "failed to load")])
def test_a_page_whose_image_did_not_load_is_written_as_no_baseline(
    page: Page, expect_here: Expect, tmp_path: Path, answer: str, said: str
) -> None:
    # Given a page whose image is never answered, or not found, under a clock the test paused
    held: list[Route] = []
    page.route(f"{IMAGES}**", lambda route: held.append(route) if answer == "never" else route.fulfill(status=404))
    page.set_content(WITH_AN_IMAGE.format(who="someone", left=0), wait_until="commit")
    paused(page)
    expect_here.use("missing")  # type: ignore[attr-defined]

    # When its screenshot would be its baseline, then none is written, the image named
    with pytest.raises(NotTransient) as refused:
        expect_here(page, "card", timeout=1_000)

    assert f"the page's image {IMAGES}logo.png ({said}) did not load" in str(refused.value), refused.value
    assert not list(tmp_path.rglob("card-*.png")), "no baseline written"


@pytest.mark.parametrize(
    ("allowance", "said"),
    [
        ({"threshold": 1.5}, "threshold must be between 0 and 1, got 1.5"),
        ({"threshold": -0.05}, "threshold must be between 0 and 1, got -0.05"),
        ({"max_diff_pixel_ratio": 5}, "max_diff_pixel_ratio must be between 0 and 1 (0.05 for 5%), got 5"),
        ({"max_diff_pixels": -1}, "max_diff_pixels must be 0 or more, got -1"),
    ],
)
def test_an_allowance_that_cannot_be_is_refused_unretried(
    page: Page, expect_here: Expect, allowance: dict[str, float], said: str
) -> None:
    page.set_content(CARD.format(who="someone", left=0))

    with pytest.raises(ScreenshotUsageError) as refused:
        expect_here(page, "card", **allowance)

    assert isinstance(refused.value, NotTransient) and isinstance(refused.value, ValueError)
    assert str(refused.value) == f"A screenshot's allowance cannot be: {said}"


@pytest.mark.parametrize(
    ("navigator", "platform"),
    [("Linux x86_64", "linux"), ("Linux aarch64", "linux"), ("MacIntel", "darwin"), ("Win32", "win32"),
     ("FreeBSD amd64", "freebsd-amd64"), ("", "unknown")],
)  # fmt: skip
def test_a_browser_s_platform_is_named_as_python_names_its_own(navigator: str, platform: str) -> None:
    assert platform_named(navigator) == platform


def test_a_remote_browser_s_baselines_are_named_after_the_platform_it_renders_on(
    page: Page, expect_here: Expect, tmp_path: Path, browser_name: str
) -> None:
    # Given a run whose browser renders elsewhere (--ws-endpoint) and no --snapshot-platform: here, this machine's own
    page.set_content(CARD.format(who="someone", left=0))
    expect_here.use("missing", platform="the-test-machine", platform_of_browser=True)  # type: ignore[attr-defined]

    with pytest.raises(NotTransient, match="Look at it, then commit it"):
        expect_here(page, "card")

    assert [path.name for path in (tmp_path / "baselines").iterdir()] == [f"card-{browser_name}-{sys.platform}.png"]


def finding(target: str) -> Finding:
    return Finding("label", target, "critical", "Form elements must have labels", "", "", "<input>", PLACE)


def test_another_element_in_an_accepted_finding_s_place_is_a_new_finding() -> None:
    entry = {"rule": "label", "target": "#legacy-fax", "ancestry": PLACE, "impact": "critical"}

    compared = compare([finding("#vat-number")], [entry])

    assert [one.target for one in compared.new] == ["#vat-number"] and compared.gone == [entry]


@pytest.mark.parametrize(
    ("before", "now"), [("#id__12", "#id__37"), ("#\\:r1\\:", "#\\:r7\\:"), ("#uid-8f > i", "#uid-x9 > i")]
)
def test_an_accepted_finding_whose_ids_are_made_anew_is_known_by_its_place(before: str, now: str) -> None:
    entry = {"rule": "label", "target": before, "ancestry": PLACE, "impact": "critical"}

    compared = compare([finding(now)], [entry])

    assert (compared.new, compared.gone, [one.target for one in compared.known]) == ([], [], [now])


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda path: path.write_bytes('{"findings": {"账户": {}}}'.encode("gbk")), "not UTF-8 at byte 15"),
        (lambda path: path.mkdir(), "cannot be read (Is a directory)"),
    ],
    ids=["saved-in-gbk", "a-folder"],
)
def test_a_baseline_file_it_cannot_read_is_said_so(tmp_path: Path, make: Callable[[Path], object], said: str) -> None:
    path = tmp_path / "a11y.json"
    make(path)

    with pytest.raises(BaselineError) as refused:
        load(path)

    assert str(refused.value).startswith(f"{path}: {said}"), refused.value


def test_a_screen_not_scanned_at_each_viewport_neither_calls_entries_gone_nor_has_them_rewritten(
    request: pytest.FixtureRequest,
) -> None:
    # Given a screen whose narrow scan broke off (the page moved) after its desktop scan found none of an entry
    entry = {"rule": "color-contrast", "target": "button", "impact": "serious"}
    desktop = {"screen": "account", "locale": "en-US", "viewport": "desktop", "new": [], "known": [], "gone": [entry]}
    other = {**desktop, "screen": "dashboard", "gone": [entry]}
    summary = a11y.Summary(request.config)
    reports = [
        SimpleNamespace(when="teardown", nodeid="t::account", suite_a11y=[desktop],
                        suite_a11y_unfinished=[("account", "en-US")]),
        SimpleNamespace(when="teardown", nodeid="t::dashboard", suite_a11y=[other], suite_a11y_unfinished=[]),
    ]  # fmt: skip
    for report in reports:
        summary.pytest_runtest_logreport(report)  # type: ignore[arg-type]

    # Then its entry is not called no longer found; the screen scanned whole still says so
    merged = summary.by_screen()
    assert merged["account", "en-US"]["gone"] == [] and merged["dashboard", "en-US"]["gone"] == [entry]

    # And a retry that scanned it whole is the test's word
    summary.pytest_runtest_logreport(SimpleNamespace(when="teardown", nodeid="t::account", suite_a11y=[desktop],
                                                     suite_a11y_unfinished=[]))  # type: ignore[arg-type]  # fmt: skip
    assert summary.by_screen()["account", "en-US"]["gone"] == [entry]
