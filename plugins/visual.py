"""The visual layer: ``expect_screenshot(page_or_locator, name, **options)``, Playwright Test's screenshot assertion.

As ``toHaveScreenshot``: animations stopped, caret hidden, CSS pixels; the page's images loaded first (lazy ones
too); screenshots until one matches
the baseline or two in a row match (plugins/visual_capture.py); pixelmatch with threshold 0.05
(``--snapshot-threshold``; Playwright's 0.2 lets a changed colour pass), anti-aliasing ignored,
``max_diff_pixels`` / ``max_diff_pixel_ratio`` (plugins/image_diff.py);
``mask`` paints over what changes from run to run (and ``--snapshot-mask SELECTOR``, in every screenshot).
Baselines live in the repository, ``tests/baselines/visual/<name>-<browser>-<platform>.png``: each platform
gets its own (and each device scale other than 1, ``…@2x.png``), and a missing one fails with the command
that makes it (plugins/visual_baselines.py).
``--update-snapshots=missing|changed|all|none`` as in Playwright. A difference leaves ``<name>-expected.png``,
``-actual.png`` and ``-diff.png`` in the test's output folder, shown in the HTML report and
attached to JUnit; the run ends with a count of what matched, differed, was missing or written.
A watched run (``--headed``, ``--demo-mode``, ``PWDEBUG``) draws otherwise: it compares and writes none.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from flows.browser import inspector_debugging
from pages.exceptions import first_line

from .layers import LEFT_OUT, UNCHECKED, layer_active, unavailable, why_unavailable
from .page_moved import moved_since, page_moved, refuse_if_moved
from .retries import NotTransient
from .shown_paths import shown_path
from .visual_baselines import DEFAULT_THRESHOLD, RESULTS, Baselines, Settings, maker
from .visual_capture import Allowance, UnstableError, until_stable
from .visual_fonts import LOADED_AND_DRAWN
from .visual_settings import is_file_name_part, platform_named, settings_for, threshold_value

MODES = ("missing", "changed", "all", "none")
PLATFORM_VARIABLE = "SNAPSHOT_PLATFORM"
DEFAULT_FOLDER = "tests/baselines/visual"
SETTINGS = pytest.StashKey[Settings]()
READ_MASKS: set[str] = set()  # --snapshot-mask selectors Playwright read once: not asked again
# The document shown (its address and timeOrigin, a document's own) and its device scale: a page moved or loaded
# anew while its screenshot was taken is told by the first two.
DOCUMENT = "() => [[location.href, performance.timeOrigin], window.devicePixelRatio]"
MASKED = pytest.StashKey[set[str]]()  # the --snapshot-mask selectors that found something in a test's screenshots


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("visual", "visual layer (screenshots against baselines)")
    group.addoption(
        "--update-snapshots",
        choices=MODES,
        default="none",
        help="write baselines: missing (only absent ones; those tests still fail, to be looked at), changed "
        "(absent and differing ones), all (every screenshot taken), none (default: compare only)",
    )
    group.addoption(
        "--snapshot-dir",
        metavar="DIR",
        default=None,
        help=f"where the baselines are (default: {DEFAULT_FOLDER}); another deployment needs baselines of its own",
    )
    group.addoption(
        "--snapshot-mask",
        metavar="SELECTOR",
        action="append",
        default=[],
        help="mask what this Playwright selector finds in every screenshot, as the tests' own masks are (a "
        "deployment's dates, names, banners); repeat it for more. Baselines are made and compared with the same masks",
    )
    group.addoption(
        "--snapshot-platform",
        metavar="NAME",
        default=os.environ.get(PLATFORM_VARIABLE) or None,
        help="the platform in the baselines' names, for machines that render differently "
        f"(default: ${PLATFORM_VARIABLE}, else {sys.platform!r}, as Playwright's {{platform}})",
    )
    group.addoption(
        "--snapshot-threshold",
        metavar="T",
        type=threshold_value,
        default=None,
        help=f"how far a pixel's colour may move and still match, pixelmatch's threshold from 0 to 1 (default: "
        f"{DEFAULT_THRESHOLD:g}; Playwright Test's 0.2 lets a button's or a banner's change of colour pass); "
        "anti-aliasing is ignored whatever it is. A screenshot's own threshold= wins",
    )


def why_not_compared(config: pytest.Config) -> str | None:
    """Return why this run cannot compare screenshots with its baselines, or None when it can."""
    # A watched run draws otherwise. Headed (or under PWDEBUG's Inspector), the full Chromium's scrollbars narrowed
    # the 390 px viewport and its Chinese glyphs differed: every screen failed, and the command it printed would
    # have rewritten the headless baselines. Demo mode outlines each element used and shows the step's name.
    watched = [option for option, dest in (("--headed", "headed"), ("--demo-mode", "demo_mode"))
               if config.getoption(dest, False)] + ["PWDEBUG"] * inspector_debugging()  # fmt: skip
    if watched:
        return (
            f"{' and '.join(watched)} {'draw' if len(watched) > 1 else 'draws'} the screens unlike the headless "
            "runs that make and compare the baselines: run without it to compare them"
        )
    deployment = config.getoption("base_url", None) or config.getini("base_url")
    if deployment and not config.getoption("--snapshot-dir"):
        return (
            f"{deployment} is not the bundled portal, whose pictures {DEFAULT_FOLDER} holds: "
            "give it baselines of its own with --snapshot-dir DIR (--update-snapshots=missing makes them)"
        )
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SETTINGS] = settings_for(config, DEFAULT_FOLDER)
    reason = why_not_compared(config)
    if reason:
        unavailable(config, "visual", reason)
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) sees every report
        config.pluginmanager.register(Summary(config), "suite-visual-summary")


def given_masks(page: Page, selectors: Sequence[str]) -> list[Locator]:
    """Return the locators of ``--snapshot-mask``'s selectors; ``NotTransient`` for one Playwright cannot read."""
    for selector in selectors:
        if selector not in READ_MASKS:
            try:
                page.locator(selector).count()
            except PlaywrightError as error:
                if "while parsing" not in str(error):  # the page closing or navigating: not the selector's fault
                    raise
                said = first_line(error).split(": ", 1)[-1]
                raise NotTransient(f"--snapshot-mask {selector!r} is no selector Playwright reads: {said}") from None
            READ_MASKS.add(selector)
    return [page.locator(selector) for selector in selectors]


def note_masked(item: pytest.Item, page: Page, selectors: Sequence[str]) -> None:
    """Note which of ``--snapshot-mask``'s selectors find something on the page: one that never does is said."""
    found = item.stash.setdefault(MASKED, set())
    found.update(selector for selector in selectors if selector not in found and page.locator(selector).count())


class ScreenshotUsageError(NotTransient, ValueError):
    """A screenshot asked for with a name or an allowance that cannot be: no retry mends it."""


def refuse_allowance(threshold: float | None, max_diff_pixels: int | None, max_diff_pixel_ratio: float | None) -> None:
    """Refuse what Playwright's ``toHaveScreenshot`` refuses: a threshold or ratio outside 0 to 1 (a ratio is no
    percentage: 5 would let anything pass), a negative count of pixels (it would fail two equal screenshots)."""
    wrong = [
        f"{what} must be {bounds}, got {value!r}"
        for what, value, bounds, right in (
            ("threshold", threshold, "between 0 and 1", lambda v: 0 <= v <= 1),
            ("max_diff_pixels", max_diff_pixels, "0 or more", lambda v: v >= 0),
            ("max_diff_pixel_ratio", max_diff_pixel_ratio, "between 0 and 1 (0.05 for 5%)", lambda v: 0 <= v <= 1),
        )
        if value is not None and not right(value)
    ]
    if wrong:
        raise ScreenshotUsageError(f"A screenshot's allowance cannot be: {'; '.join(wrong)}")


@pytest.fixture
def expect_screenshot(request: pytest.FixtureRequest, output_path: str, browser_name: str) -> Callable[..., None]:
    """Return ``expect(page_or_locator, name, **options)``: compare a screenshot with its baseline (see the module)."""
    item = request.node
    baselines = Baselines(
        item, SETTINGS, Path(output_path), browser_name, request.config.getoption("browser_channel", None) or None
    )

    def expect(
        target: Page | Locator,
        name: str,
        *,
        mask: Sequence[Locator] = (),
        mask_color: str = "#FF00FF",
        full_page: bool = False,
        clip: dict[str, float] | None = None,
        omit_background: bool = False,
        style: str | None = None,
        animations: str = "disabled",
        caret: str = "hide",
        scale: str = "css",
        threshold: float | None = None,
        max_diff_pixels: int | None = None,
        max_diff_pixel_ratio: float | None = None,
        timeout: float = 5000,
    ) -> None:
        if not layer_active(item, "visual"):
            return
        if not is_file_name_part(name):
            raise ScreenshotUsageError(
                f"A screenshot's name is part of a file name: letters, digits, '-', '_', '.' (no '..'); got {name!r}"
            )
        refuse_allowance(threshold, max_diff_pixels, max_diff_pixel_ratio)
        page = target if isinstance(target, Page) else target.page
        subject = f"Screenshot '{name}'"
        refuse_if_moved(page, subject, "photographed")
        before, document = page.url, None
        try:
            document, baselines.scale = page.evaluate(DOCUMENT)
            if baselines.settings.platform_of_browser:  # once a run (a worker): the remote browser's own platform
                platform = platform_named(str(page.evaluate("() => navigator.platform")))
                settings = dataclasses.replace(baselines.settings, platform=platform, platform_of_browser=False)
                request.config.stash[SETTINGS] = settings
            masks = [*mask, *given_masks(page, baselines.settings.masks)]
            note_masked(item, page, baselines.settings.masks)
            options: dict[str, Any] = dict(
                animations=animations, caret=caret, scale=scale, mask=masks, mask_color=mask_color,
                omit_background=omit_background, timeout=timeout, **({"style": style} if style else {}),
            )  # fmt: skip
            if isinstance(target, Page):  # a locator's screenshot is its own box
                options.update(full_page=full_page, **({"clip": clip} if clip else {}))
            per_pixel = baselines.settings.threshold if threshold is None else threshold
            allowance = Allowance(per_pixel, max_diff_pixels, max_diff_pixel_ratio)
            baseline, expected = baselines.read(name)  # a baseline that cannot be read fails here, or is replaced
            baselines.failed_fonts, baselines.fonts, baselines.unloaded = page.evaluate(LOADED_AND_DRAWN, timeout)
            unstable: UnstableError | None = None
            try:
                shot = until_stable(lambda: target.screenshot(**options), expected, allowance, timeout / 1000)
            except UnstableError as error:
                unstable = error
            still = document[0] == before and page.evaluate(DOCUMENT)[0] == document
        except PlaywrightError as error:  # a screenshot of a document replaced meanwhile fails, or waits out its time
            if not moved_since(page, document, before, error):
                raise
            still = False
        if not still:  # a picture of where it went, or of nothing: neither is compared, nor written as a baseline
            moved = page_moved(page, subject, "photographed", before)
            baselines.record(name, "moved", address=moved.after)
            raise moved
        if unstable is not None:
            baselines.unstable(name, unstable, allowance)
        mode = baselines.settings.mode
        browser = page.context.browser
        made_with = maker(browser_name, request.config.getoption("browser_channel", None), browser and browser.version)
        if shot.matched_baseline and expected is not None:
            baselines.record(name, "matched", exact=expected.tobytes() == shot.image.convert("RGBA").tobytes())
        elif mode == "all":
            baselines.write(name, shot, "written", made_with)
        elif baseline is None:
            baselines.missing(name, shot, made_with)
        else:
            baselines.different(name, baseline, shot, allowance, made_with)

    return expect


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Send the test's screenshot results to the controller on its teardown report."""
    report = yield
    if report.when == "teardown" and "visual" in item.stash.get(UNCHECKED, frozenset()):
        report.suite_visual_dropped = True  # a test that would have compared screenshots: said in the summary
    if report.when == "teardown" and RESULTS in item.stash:
        report.suite_visual = item.stash[RESULTS]
        del item.stash[RESULTS]  # a rerun takes its own
        report.suite_visual_masked = sorted(item.stash.get(MASKED, ()))
        item.stash[MASKED] = set()
    return report


class Summary:
    """Counts every test's screenshots (xdist: on the controller) and lists what went wrong at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.by_test: dict[str, list[dict[str, Any]]] = {}  # each test's screenshots, as its last attempt took them
        self.masked: set[str] = set()  # the --snapshot-mask selectors that found something in any screenshot
        self.dropped = False  # a test ran without its screenshots: this run cannot compare them

    @property
    def results(self) -> list[dict[str, Any]]:
        return [result for results in self.by_test.values() for result in results]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.dropped = self.dropped or getattr(report, "suite_visual_dropped", False)
        taken = getattr(report, "suite_visual", None)
        if taken:  # a retry's replace its first attempt's: counted once, as the test ended
            self.by_test[report.nodeid] = list(taken)
            self.masked.update(getattr(report, "suite_visual_masked", ()))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        reason = why_unavailable(self.config, "visual")
        left_out = self.config.stash.get(LEFT_OUT, 0)
        if reason and (left_out or self.dropped):  # said only where a test of the run would have compared some
            terminalreporter.section("screenshots", sep="-")
            tests = f"; {left_out} tests that only compare screenshots not run" if left_out else ""
            terminalreporter.write_line(f"Screenshots not compared: {reason}{tests}", yellow=True)
            return
        if not self.results:
            return
        counts: dict[str, int] = {}
        for result in self.results:
            counts[result["outcome"]] = counts.get(result["outcome"], 0) + 1
        settings = self.config.stash[SETTINGS]
        bad = bool({"differs", "missing", "unstable", "unreadable", "moved", "not written"} & set(counts))
        failed = settings.mode == "missing" and "written" in counts  # a new baseline fails its test until looked at
        exact = sum(1 for result in self.results if result.get("exact"))
        said = [f"{count} {outcome}" + (f" ({exact} pixel for pixel)" if outcome == "matched" else "")
                for outcome, count in sorted(counts.items())]  # fmt: skip
        terminalreporter.section("screenshots", sep="-")
        terminalreporter.write_line(
            f"{len(self.results)} screenshots ({settings.platform}, baselines in "
            f"{shown_path(self.config, str(settings.folder))}): " + ", ".join(said),
            red=bad,
            yellow=failed and not bad,
            green=not bad and not failed,
        )
        for selector in (mask for mask in settings.masks if mask not in self.masked):
            terminalreporter.write_line(
                f"  --snapshot-mask {selector!r} found nothing in any of these screenshots: masked nothing (a typo, "
                "or not the deployment's markup?)",
                yellow=True,
            )
        for result in self.results:
            if result["outcome"] == "differs":
                terminalreporter.write_line(f"  differs: {result['name']}: {result['pixels']} pixels, {result['diff']}")
            elif result["outcome"] != "matched":
                where = result.get("baseline") or result.get("diff") or f"went to {result.get('address')}"
                terminalreporter.write_line(f"  {result['outcome']}: {result['name']} ({where})")
