"""Take a screenshot the way Playwright Test's ``toHaveScreenshot`` does: until it matches, or holds still.

Each capture that matches the baseline ends the wait at once; otherwise captures go on (after 0,
100, 250, 500 ms, then every second) until two in a row match each other, and that stable image
is what gets compared, written or shown. A page that never holds still fails after the timeout.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain, repeat

from PIL import Image

from .image_diff import Difference, allowed_pixels, compare

POLL_INTERVALS_S = (0.0, 0.1, 0.25, 0.5)  # then 1 s each: the waits between captures of toHaveScreenshot
# The document's images, loaded before the first capture (waited for at most the screenshot's timeout). One loaded
# lazily is loaded now: a full-page screenshot does not scroll, so an image far below the fold stayed blank in the
# baseline while a person scrolling saw it, and one near the fold was in the picture or not by the network's pace.
# One in flight as the captures start came between them, or after two blank ones that matched each other.
IMAGES_LOADED = """async (timeout) => {  // and fonts; returns the web fonts that failed, and the images
  const images = [...document.images].filter((image) => image.currentSrc || image.src);
  images.filter((image) => image.loading === 'lazy').forEach((image) => { image.loading = 'eager'; });
  // One timeout for both, by the page's real clock: a test's paused one (Playwright's page.clock) never ends it.
  const later = (globalThis.__pwClock?.builtins ?? globalThis).setTimeout;
  const gaveUp = new Promise((done) => later.call(globalThis, () => done('still loading'), timeout));
  // Each image decoded, or not: one that failed (not found, blocked) is drawn as a broken image's icon, one still
  // loading as a blank; a baseline of either fails every run where it loads.
  const unloaded = await Promise.all(images.map((image) => Promise.race([
    image.decode().then(() => '', () => 'failed to load'), gaveUp,
  ]).then((state) => state && `${(image.currentSrc || image.src).slice(0, 200)} (${state})`)));
  await Promise.race([document.fonts.ready, gaveUp]);
  // The page's web fonts that failed (blocked, not served): its text is drawn in a fallback font instead.
  const failed = [...document.fonts].filter((font) => font.status === 'error');
  return [[...new Set(failed.map((font) => font.family.replace(/^["']|["']$/g, '')))], unloaded.filter(Boolean)];
}"""


@dataclass(frozen=True)
class Allowance:
    """How different two screenshots may be and still match (Playwright Test's options and defaults)."""

    threshold: float = 0.2  # per pixel, in YIQ space (0: exact, 1: anything)
    max_diff_pixels: int | None = None
    max_diff_pixel_ratio: float | None = None

    def compare(self, expected: Image.Image, actual: Image.Image) -> Difference:
        return compare(expected, actual, self.threshold)

    def matches(self, expected: Image.Image, actual: Image.Image) -> bool:
        """Tell whether ``actual`` matches ``expected``; counts only as far as the allowance."""
        area = max(expected.width, actual.width) * max(expected.height, actual.height)
        enough = allowed_pixels(area, self.max_diff_pixels, self.max_diff_pixel_ratio)
        return not compare(expected, actual, self.threshold, enough).fails(
            self.max_diff_pixels, self.max_diff_pixel_ratio
        )


@dataclass
class Captured:
    """The screenshot to judge: its PNG bytes and pixels, and whether it already matched the baseline."""

    png: bytes
    image: Image.Image
    matched_baseline: bool
    captures: int


class UnstableError(AssertionError):
    """The page kept changing between screenshots until the timeout."""

    def __init__(self, message: str, previous: Captured, last: Captured) -> None:
        super().__init__(message)
        self.previous, self.last = previous, last


def decode(png: bytes) -> Image.Image:
    """Return the pixels of a PNG, loaded (so the bytes can go)."""
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def until_stable(
    capture: Callable[[], bytes], baseline: Image.Image | None, allowance: Allowance, timeout_s: float
) -> Captured:
    """Capture until a screenshot matches ``baseline`` or two in a row match; ``UnstableError`` at the timeout."""
    deadline = time.monotonic() + timeout_s
    previous: Captured | None = None
    for count, wait in enumerate(chain(POLL_INTERVALS_S, repeat(1.0)), start=1):
        time.sleep(wait)  # a time to change in: what a page would do meanwhile has no event to wait on
        png = capture()
        current = Captured(png, decode(png), False, count)
        if baseline is not None and allowance.matches(baseline, current.image):
            current.matched_baseline = True
            return current
        if previous is not None and allowance.matches(previous.image, current.image):
            return current
        if previous is not None and time.monotonic() >= deadline:
            moved = allowance.compare(previous.image, current.image).describe()
            raise UnstableError(
                f"the page did not hold still for two screenshots in a row within {timeout_s:g} s "
                f"({count} screenshots; the last two differ: {moved})",
                previous,
                current,
            )
        previous = current
    raise AssertionError("unreachable")  # the intervals never end
