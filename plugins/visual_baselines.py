"""A test's screenshots against their baselines: what is written where, and what the failures say.

Baselines are ``<folder>/<name>-<browser>-<platform>.png`` (``…@2x.png`` at a device scale of 2; ``<browser>``
is the channel's name, ``chrome`` or ``msedge``, for a run through one, compared with Chromium's until it has its
own, and never writing over Chromium's); each
test writes only its own (named after its screens), and its evidence only in its own output folder, each
file through a temporary file and ``os.replace``. Messages say what was expected, what was found and where
the images are.
"""

from __future__ import annotations

import io
import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from .evidence import attach, shown_path, write_atomically
from .image_diff import allowed_pixels, diff_image
from .retries import NotTransient  # a missing baseline stays missing: no retry (a difference is retried)
from .visual_capture import Allowance, Captured, UnstableError, decode
from .visual_fonts import FontsDrawn, fonts_moved, fonts_read

# Per pixel, in pixelmatch's YIQ distance (its largest is 35215): a pixel differs when the distance is over
# 35215 * threshold**2. Playwright Test's 0.2 allows 1409, which lets a colour change through unseen: the
# portal's button #0067b8 turned #008272 is 351, its error banner #fde7e9 turned white 201, a #ccc rule on
# white gone 1314. 0.05 allows 88. Anti-aliased pixels are still not counted: pixelmatch tells them by their
# neighbours, whatever the threshold. Screens here render the same pixels from run to run.
DEFAULT_THRESHOLD = 0.05
RESULTS = pytest.StashKey[list[dict[str, Any]]]()  # a test's screenshots, sent to the controller on its report
LFS_POINTER = b"version https://git-lfs.github.com/spec/"  # what a checkout without git-lfs leaves for a PNG
# What Pillow raises for bytes that are no PNG, or half of one.
UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


@dataclass(frozen=True)
class Settings:
    """The run's choice of baselines and what to do with them."""

    mode: str  # --update-snapshots: missing, changed, all or none
    folder: Path
    platform: str
    options: tuple[str, ...]  # the command-line options that chose these baselines, repeated in commands
    masks: tuple[str, ...] = ()  # --snapshot-mask: selectors masked in every screenshot (a deployment's dynamic parts)
    threshold: float = DEFAULT_THRESHOLD  # --snapshot-threshold: how far a pixel's colour may move and still match
    # No --snapshot-platform, and the browsers run on another machine (--ws-endpoint): the platform is that machine's,
    # read from the first page photographed (a Mac driving a Linux container renders as Linux does, not as a Mac).
    platform_of_browser: bool = False


def major(made_with: str) -> tuple[str, str]:
    """Return a browser's name and major version from ``"chromium 156.0.8078.114"``: chromium, 156."""
    name, _, version = made_with.strip().rpartition(" ")
    return (name, version.split(".")[0]) if name else (version, "")


def maker(browser_name: str, channel: str | None, version: str | None) -> str:
    """Name what takes a screenshot: ``"chromium 156.0.8078.114"``, or its channel's name for Chrome or Edge
    (``"msedge 131.0.2903.70"``): their builds render apart from Chromium's even at one major version (fonts,
    codecs, field trials), and a difference from a Chromium baseline must name the channel as its likely cause."""
    name = channel or browser_name
    return f"{name} {version}" if version else name


def other_maker(baseline_made_with: str | None, made_with: str) -> str:
    """Say so when the baseline was made with another browser or major version: a machine that renders differently.

    Builds of one major version render the same (156.0.8078.108 and .114 give the same pixels): a difference
    then is the screen's, and the hint would have a person write baselines from a broken screen.
    """
    if not baseline_made_with or major(baseline_made_with) == major(made_with):
        return ""
    return (
        f"\nThe baseline was made with {baseline_made_with}: if the screen did not change, this machine renders "
        "differently and needs baselines of its own (--snapshot-platform NAME --update-snapshots=missing)."
    )


def what_it_holds(content: bytes, error: Exception) -> str:
    """Say what a baseline that is no picture holds instead, and how to get the picture."""
    if content.startswith(LFS_POINTER):
        return "a Git LFS pointer, not the picture: run `git lfs pull` (with git-lfs installed) to fetch it"
    return f"{len(content)} bytes, starting {content[:16]!r}, that are no PNG ({type(error).__name__}: {error})"


def encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Baselines:
    """One test's screenshots: its baselines, its evidence files, its results for the run's summary."""

    def __init__(
        self, item: pytest.Item, key: pytest.StashKey[Settings], output: Path, browser: str, channel: str | None = None
    ) -> None:
        self.item, self.key, self.output, self.browser = item, key, output, browser
        self.channel = channel  # Chrome's or Edge's: baselines of its own, written under its name
        self.failed_fonts: list[str] = []  # the page's web fonts that failed to load: drawn in a fallback font
        self.fonts: FontsDrawn = {}  # the fonts drawing the page's text (``visual_fonts``): set before each screenshot
        self.unloaded: list[str] = []  # the page's images that failed or were still loading: address (why)
        self.scale = 1.0  # the device scale of the page photographed: set before each screenshot

    @property
    def settings(self) -> Settings:
        """The run's settings, read when used (a test of this layer may point them elsewhere)."""
        return self.item.config.stash[self.key]

    def path(self, name: str) -> Path:
        """Return the baseline's path; a page at a device scale other than 1 (``--device``) has its own, ``@2x``.

        Even in CSS pixels a page drawn at a scale of 2 is not the pixels of one drawn at 1: compared with the
        desktop's baseline it differed, and the command that failure printed wrote over the desktop's.
        """
        own = self.own_path(name)
        if self.channel is None or own.exists():
            return own
        return self.named_path(name, self.browser)  # Chromium's, until the channel has its own

    def own_path(self, name: str) -> Path:
        """Return where this run writes the baseline: under the channel's name for Chrome or Edge, so that a command
        printed by their run never writes over Chromium's."""
        return self.named_path(name, self.channel or self.browser)

    def named_path(self, name: str, browser: str) -> Path:
        scale = "" if self.scale == 1 else f"@{self.scale:g}x"
        return self.settings.folder / f"{name}-{browser}-{self.settings.platform}{scale}.png"

    def at_scale(self) -> str:
        return "" if self.scale == 1 else f" at device scale {self.scale:g}"

    def shown(self, path: Path | str) -> str:
        return shown_path(self.item.config, str(path))

    def command(self, mode: str, *selection: str) -> str:
        """Return the command that writes baselines (``mode``) for this test, or for ``selection``.

        A test that checks other layers too (a screen's scans) is named with ``-m visual``: the command is about its
        screenshots, and a finding of a layer its run left out would fail it.
        """
        browser = ("--browser", self.browser) if self.browser != "chromium" else ()
        layer = ("-m", "visual") if self.item.get_closest_marker("visual") else ()
        chosen = selection or (self.item.nodeid, *layer)
        return shlex.join(["./run.sh", "test", *chosen, f"--update-snapshots={mode}", *self.settings.options, *browser])

    def read(self, name: str) -> tuple[bytes | None, Image.Image | None]:
        """Return the baseline's bytes and pixels, or Nones when there is none (or all are rewritten).

        One that cannot be read is replaced by ``changed`` (as by ``all``), and otherwise fails, unretried.
        """
        path, mode = self.path(name), self.settings.mode
        if mode == "all" or not path.exists():
            return None, None
        content = path.read_bytes()
        try:
            return content, decode(content).convert("RGBA")
        except UNREADABLE as error:
            if mode == "changed":
                return None, None
            self.record(name, "unreadable", baseline=self.shown(path))
            raise NotTransient(
                f"Screenshot '{name}': the baseline {self.shown(path)} cannot be read: it holds "
                f"{what_it_holds(content, error)}.\n    To replace it with this run's screenshot instead: "
                f"{self.command('changed')}"
            ) from None

    def keep(self, name: str, suffix: str, png: bytes) -> str:
        """Write one of the test's evidence files (``<name>-<suffix>.png``), attach it, return its path as shown."""
        path = self.output / f"{name}-{suffix}.png"
        write_atomically(path, png)
        attach(self.item, "png", f"{name}: {suffix}", path=path)
        return self.shown(path)

    def record(self, name: str, outcome: str, **details: Any) -> None:
        self.item.stash.setdefault(RESULTS, []).append({"name": name, "outcome": outcome, **details})

    def write(self, name: str, shot: Captured, outcome: str, made_with: str) -> None:
        """Write the baseline ``name``, saying in it which browser and platform made it."""
        if self.failed_fonts:  # a baseline of the fallback font would fail every run where the font loads
            self.record(name, "not written", baseline=self.shown(self.own_path(name)))
            raise NotTransient(
                f"Screenshot '{name}': not written as a baseline: the page's font {self.fonts_said()} failed to load, "
                "so its text is drawn in a fallback font. Let the browser load it (a font blocked offline, or not "
                f"served), then write it again: {self.command(self.settings.mode)}"
            )
        if self.unloaded:  # a baseline of a broken image's icon, or a blank, would fail every run where it loads
            self.record(name, "not written", baseline=self.shown(self.own_path(name)))
            raise NotTransient(
                f"Screenshot '{name}': not written as a baseline: the page's image {self.images_said()} did not load. "
                f"Let the browser load it (blocked, not served, too slow), then write it again: "
                f"{self.command(self.settings.mode)}"
            )
        about = PngInfo()
        about.add_text("made-with", made_with)
        about.add_text("platform", self.settings.platform)
        about.add_itxt("fonts", json.dumps(self.fonts, ensure_ascii=False))  # UTF-8: a family may be named "微软雅黑"
        buffer = io.BytesIO()
        shot.image.save(buffer, format="PNG", pnginfo=about)
        path = self.own_path(name)
        try:
            write_atomically(path, buffer.getvalue())
        except OSError as error:  # no retry writes into a file or a read-only folder
            raise NotTransient(
                f"Screenshot '{name}': could not write its baseline {self.shown(path)} ({error}); "
                f"give --snapshot-dir a folder this run can write (now: {self.shown(self.settings.folder)})"
            ) from None
        self.record(name, outcome, baseline=self.shown(path))

    def missing(self, name: str, shot: Captured, made_with: str) -> None:
        """No baseline: write it (--update-snapshots other than none), or fail with the command that makes it."""
        baseline = self.shown(self.own_path(name))
        if self.settings.mode != "none":
            self.write(name, shot, "written", made_with)
            if self.settings.mode == "missing":  # as Playwright: written, but a person looks at a new one first
                attach(self.item, "png", f"{name}: new baseline", path=self.own_path(name))
                raise NotTransient(f"Screenshot '{name}': there was no baseline at {baseline}; wrote this run's "
                                   "screenshot there. Look at it, then commit it.")  # fmt: skip
            return
        actual = self.keep(name, "actual", shot.png)
        self.record(name, "missing", baseline=baseline)
        raise NotTransient(
            f"Screenshot '{name}': expected a baseline at {baseline} ({self.channel or self.browser}"
            f"{self.at_scale()} on {self.settings.platform}), "
            f"found none. This run's screenshot: {actual}\n"
            f"    make it:            {self.command('missing')}\n"
            f"    make every missing: {self.command('missing', '-m', 'visual')}"
        )

    def different(self, name: str, baseline: bytes, shot: Captured, allowance: Allowance, made_with: str) -> None:
        """The stable screenshot differs: rewrite the baseline (changed), or fail with expected, actual and diff."""
        expected = decode(baseline)
        difference = allowance.compare(expected, shot.image)
        if self.settings.mode == "changed":
            self.write(name, shot, "rewritten", made_with)
            return
        copy, actual = self.keep(name, "expected", baseline), self.keep(name, "actual", shot.png)
        diff = self.keep(name, "diff", encode(diff_image(expected, difference)))
        self.item.user_properties.append(("visual difference", f"{name}: {difference.different} pixels"))
        self.record(name, "differs", pixels=difference.different, diff=diff)
        allowed = allowed_pixels(difference.width * difference.height, allowance.max_diff_pixels,
                                 allowance.max_diff_pixel_ratio)  # fmt: skip
        raise AssertionError(
            f"Screenshot '{name}' differs from its baseline: {difference.describe()} "
            f"(expected at most {allowed:g} differing pixels at threshold {allowance.threshold:g})\n"
            f"    expected: {self.shown(self.path(name))} (copy: {copy})\n"
            f"    actual:   {actual}\n"
            f"    diff:     {diff} (red: different; yellow: anti-aliasing only, not counted)\n"
            f"Taken with {made_with} on {self.settings.platform}. If the change is meant: {self.command('changed')}"
            + self.borrowed(name)
            + other_maker(expected.info.get("made-with"), made_with)
            + fonts_moved(fonts_read(expected.info.get("fonts")), self.fonts)
            + (
                f"\nThe page's font {self.fonts_said()} failed to load: its text is in a fallback font."
                * bool(self.failed_fonts)
            )
            + f"\nThe page's image {self.images_said()} did not load." * bool(self.unloaded)
        )

    def fonts_said(self) -> str:
        return ", ".join(map(repr, self.failed_fonts))

    def images_said(self) -> str:
        return ", ".join(self.unloaded[:3]) + (f" and {len(self.unloaded) - 3} more" if len(self.unloaded) > 3 else "")

    def borrowed(self, name: str) -> str:
        """Say so when the baseline compared is Chromium's, the channel having none of its own yet."""
        own = self.own_path(name)
        if own == self.path(name):
            return ""
        return (
            f"\nCompared with {self.browser}'s baseline: {self.channel} has none of its own yet; the command above "
            f"writes {self.channel}'s at {self.shown(own)}, leaving {self.browser}'s as it is."
        )

    def unstable(self, name: str, error: UnstableError, allowance: Allowance) -> NoReturn:
        """The page never held still: keep the last two screenshots and what differs between them."""
        previous, last = self.keep(name, "previous", error.previous.png), self.keep(name, "actual", error.last.png)
        moved = allowance.compare(error.previous.image, error.last.image)
        diff = self.keep(name, "diff", encode(diff_image(error.previous.image, moved)))
        self.record(name, "unstable", diff=diff)
        raise AssertionError(
            f"Screenshot '{name}': {error}.\n"
            f"    previous: {previous}\n    last:     {last}\n    diff:     {diff} (red: what moved between them)\n"
            "Mask what moves on its own (a clock, a ticker, a carousel): mask=[...] in the test, or --snapshot-mask "
            "SELECTOR for a deployment's part; or let it settle longer: timeout="
        )
