"""Compare two screenshots as Playwright Test does: pixelmatch in YIQ space, anti-aliasing ignored.

The threshold is the caller's: 0.2 here by default, as Playwright Test's; the visual layer uses 0.05
(plugins/visual_baselines.py says why).

The pixelmatch package is a pure-Python port: about 10 s for one 1280 by 900 pair. The count here
is pixelmatch's, pixel for pixel (tests/test_visual_layer.py checks it against the package), but
Pillow (C) does the bulk of the work on the box around the pixels that differ at all:
- each pixel's YIQ distance, in 32-bit floats: clearly under or over the threshold is decided
  there, and only the few within rounding of it go through pixelmatch's own ``color_delta``;
- anti-aliasing: pixelmatch calls a pixel anti-aliased only if it has fewer than three equal
  neighbours; a pixel with three or more in both images is a difference outright, and only the
  others go through pixelmatch's own ``antialiased``.
Images of different sizes are padded with transparent pixels to the larger size, as Playwright does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageChops, ImageMath
from pixelmatch.utils import antialiased, color_delta

MAX_YIQ_DELTA = 35215  # pixelmatch's largest possible YIQ distance
DIFF_RED = (255, 0, 0)
AA_YELLOW = (255, 255, 0)
SET = re.compile(rb"[^\x00]")
NEIGHBOURS = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy]
Box = tuple[int, int, int, int]


@dataclass
class Difference:
    """What pixelmatch found between an expected and an actual image."""

    different: int  # pixels that differ beyond the threshold, anti-aliasing not counted
    width: int  # of the compared (padded) images
    height: int
    size_error: str  # "" when both images have the same size
    diff_mask: Image.Image | None = None  # mode "1", full size: the pixels counted
    aa_mask: Image.Image | None = None  # mode "1", full size: the pixels that differ by anti-aliasing only

    @property
    def ratio(self) -> float:
        """Return the share of differing pixels, rounded up to hundredths (Playwright's)."""
        return math.ceil(self.different / (self.width * self.height) * 100) / 100

    def fails(self, max_diff_pixels: int | None = None, max_diff_pixel_ratio: float | None = None) -> bool:
        """Tell whether the difference exceeds what is allowed (the smaller allowance when both are given)."""
        return bool(self.size_error) or self.different > allowed_pixels(
            self.width * self.height, max_diff_pixels, max_diff_pixel_ratio
        )

    def describe(self) -> str:
        """Say what differs, as Playwright Test says it."""
        pixels = f"{self.different} pixels (ratio {self.ratio:.2f} of all image pixels) are different."
        return f"{self.size_error}{pixels}"


def allowed_pixels(area: int, max_diff_pixels: int | None, max_diff_pixel_ratio: float | None) -> float:
    """Return how many pixels may differ: the smaller of both allowances, 0 when neither is given."""
    allowed = [n for n in (max_diff_pixels, None if max_diff_pixel_ratio is None else area * max_diff_pixel_ratio)]
    given = [n for n in allowed if n is not None]
    return min(given) if given else 0


def padded(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Return ``image`` as RGBA, padded with transparent pixels to ``size``."""
    image = image.convert("RGBA")
    if image.size == size:
        return image
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    canvas.paste(image, (0, 0))
    return canvas


def bits(image: Image.Image, test: Any) -> Image.Image:
    """Return a mode "1" image: set where ``test(value)`` holds for an "L" image's value."""
    return image.point(lambda value: 255 if test(value) else 0, "1")


def yiq_distance(one: Image.Image, two: Image.Image) -> Image.Image:
    """Return pixelmatch's YIQ distance per pixel (mode "F"), semi-transparent pixels blended with white."""
    channels = []
    for image in (one, two):
        r, g, b, a = image.split()
        if a.getextrema() == (255, 255):
            channels.append((r, g, b))
        else:
            blend = lambda e: 255 + (e["c"] - 255) * e["a"] / 255.0  # noqa: E731
            channels.append(tuple(ImageMath.lambda_eval(blend, c=c, a=a) for c in (r, g, b)))
    (r1, g1, b1), (r2, g2, b2) = channels

    def distance(e: dict[str, Any]) -> Any:
        dr, dg, db = e["float"](e["r1"]) - e["r2"], e["float"](e["g1"]) - e["g2"], e["float"](e["b1"]) - e["b2"]
        y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223
        i = dr * 0.59597799 - dg * 0.27417610 - db * 0.32180189
        q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694
        return (y * y) * 0.5053 + (i * i) * 0.299 + (q * q) * 0.1957

    return ImageMath.lambda_eval(distance, r1=r1, g1=g1, b1=b1, r2=r2, g2=g2, b2=b2)  # type: ignore[return-value]


def above(distance: Image.Image, level: float) -> Image.Image:
    """Return where ``distance`` exceeds ``level`` (mode "1")."""
    scaled = ImageMath.lambda_eval(lambda e: e["min"](e["max"]((e["d"] - level) * 1e6, 0), 255), d=distance)
    return bits(scaled.convert("L"), bool)  # type: ignore[union-attr]


def many_equal_neighbours(image: Image.Image) -> Image.Image:
    """Return where a pixel has 3+ identical neighbours, counting the image's border as one (mode "1").

    Such a pixel is never anti-aliased for pixelmatch (it stops at more than two "equal" siblings).
    """
    width, height = image.size
    count = Image.new("L", image.size, 1)  # the border counts as one, as in pixelmatch
    count.paste(0, (1, 1, width - 1, height - 1))
    for dx, dy in NEIGHBOURS:
        x0, y0, x1, y1 = max(0, -dx), max(0, -dy), width - max(0, dx), height - max(0, dy)
        if x1 <= x0 or y1 <= y0:
            continue
        here, there = image.crop((x0, y0, x1, y1)), image.crop((x0 + dx, y0 + dy, x1 + dx, y1 + dy))
        r, g, b, a = ImageChops.difference(here, there).split()
        same = ImageChops.lighter(ImageChops.lighter(r, g), ImageChops.lighter(b, a)).point(
            lambda v: 1 if v == 0 else 0
        )
        layer = Image.new("L", image.size, 0)
        layer.paste(same, (x0, y0))
        count = ImageChops.add(count, layer)
    return bits(count, lambda v: v >= 3)


def compare(
    expected: Image.Image, actual: Image.Image, threshold: float = 0.2, enough: float | None = None
) -> Difference:
    """Count the pixels that differ between ``expected`` and ``actual`` as pixelmatch does.

    ``enough``: stop counting once more than this many differ (the answer is then a lower bound).
    """
    size = (max(expected.width, actual.width), max(expected.height, actual.height))
    width, height = size
    size_error = (
        f"Expected an image {expected.width}px by {expected.height}px, received {actual.width}px by {actual.height}px. "
        if expected.size != actual.size
        else ""
    )
    one, two = padded(expected, size), padded(actual, size)
    box = ImageChops.difference(one, two).getbbox(alpha_only=False)
    if box is None:
        return Difference(0, width, height, size_error)
    if size_error and enough is not None:
        return Difference(1, width, height, size_error)  # a size change fails whatever the pixels
    # The box, and one pixel around it: the neighbours pixelmatch looks at.
    left, top = max(box[0] - 1, 0), max(box[1] - 1, 0)
    outer: Box = (left, top, min(box[2] + 1, width), min(box[3] + 1, height))
    crop_one, crop_two = one.crop(outer), two.crop(outer)
    inner = Image.new("1", crop_one.size, 0)
    inner.paste(255, (box[0] - left, box[1] - top, box[2] - left, box[3] - top))
    max_delta = MAX_YIQ_DELTA * threshold * threshold
    margin = max(1.0, max_delta * 1e-4)  # float32 rounding: decided exactly below
    distance = yiq_distance(crop_one, crop_two)
    over = ImageChops.logical_and(above(distance, max_delta + margin), inner)
    near = ImageChops.logical_xor(ImageChops.logical_and(above(distance, max_delta - margin), inner), over)
    plain = ImageChops.logical_and(many_equal_neighbours(crop_one), many_equal_neighbours(crop_two))
    counted = ImageChops.logical_and(over, plain)  # over the threshold, and not anti-aliasing in either image
    different = counted.histogram()[255]
    if enough is not None and different > enough:
        return Difference(different, width, height, size_error)
    unsure = ImageChops.logical_or(ImageChops.logical_xor(over, counted), near)
    first, second = one.tobytes(), two.tobytes()
    crop_width, crop_size = crop_one.width, crop_one.size
    extra, aa = bytearray(crop_width * crop_one.height), bytearray(crop_width * crop_one.height)
    for found in SET.finditer(unsure.convert("L").tobytes()):
        x, y = left + found.start() % crop_width, top + found.start() // crop_width
        position = (y * width + x) * 4
        if color_delta(first, second, position, position) <= max_delta:
            continue
        if antialiased(first, x, y, width, height, second) or antialiased(second, x, y, width, height, first):
            aa[found.start()] = 255
            continue
        extra[found.start()] = 255
        different += 1
        if enough is not None and different > enough:
            break
    diffs = ImageChops.logical_or(counted, bits(Image.frombytes("L", crop_size, bytes(extra)), bool))
    aa_mask = bits(Image.frombytes("L", crop_size, bytes(aa)), bool)
    return Difference(
        different, width, height, size_error, full_size(diffs, size, outer), full_size(aa_mask, size, outer)
    )


def full_size(mask: Image.Image, size: tuple[int, int], box: Box) -> Image.Image:
    canvas = Image.new("1", size, 0)
    canvas.paste(mask, box[:2])
    return canvas


def diff_image(expected: Image.Image, difference: Difference, alpha: float = 0.1) -> Image.Image:
    """Draw the difference as pixelmatch does: the expected image faded to grey, red where it differs,
    yellow where only anti-aliasing differs."""
    base = padded(expected, (difference.width, difference.height))
    r, g, b, a = base.split()

    def faded(e: dict[str, Any]) -> Any:
        luma = e["r"] * 0.29889531 + e["g"] * 0.58662247 + e["b"] * 0.11448223
        return 255 + (luma - 255) * alpha * e["a"] / 255.0

    grey = ImageMath.lambda_eval(faded, r=r, g=g, b=b, a=a).convert("L").convert("RGB")  # type: ignore[union-attr]
    for mask, colour in ((difference.aa_mask, AA_YELLOW), (difference.diff_mask, DIFF_RED)):
        if mask is not None:
            grey.paste(colour, (0, 0), mask.convert("L"))
    return grey
