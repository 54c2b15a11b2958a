"""Which of its fonts drew a page's text: written into each baseline, compared when a screenshot differs.

A baseline written where a font is installed (Segoe UI on a QA engineer's laptop, a CJK font on one CI image) and
compared where it is not differs in every glyph, and the difference alone does not say why. So each baseline
records, for each ``font-family`` list the page's shown text is set in, the families of that list this machine
has for that text; a difference names a family the baseline's text was drawn in and this machine lacks, or the
reverse. A family counts as had when text set in it and a generic fallback measures other than in that fallback
alone (a canvas measures, in the page's own words, so a Latin font for Chinese text is not had). Web fonts that
failed to load are said apart (``IMAGES_LOADED``).
"""

from __future__ import annotations

import json
from typing import Any

from .visual_capture import IMAGES_LOADED

FontsDrawn = dict[str, list[str]]  # a font-family list as the page sets it → its families this machine has

# The page's font-family lists, each with the families of it that draw its text here (first: the one used).
FONTS_DRAWN = """() => {
  const generic = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-serif',
    'ui-sans-serif', 'ui-monospace', 'ui-rounded', 'emoji', 'math', 'fangsong', 'inherit', 'initial']);
  const unquoted = (family) => family.trim().replace(/^["']|["']$/g, '');
  const samples = new Map();  // font-family list → some of the text set in it, and the first such text's face
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const words = walker.currentNode.nodeValue.trim(), element = walker.currentNode.parentElement;
    if (!words || !element || (element.checkVisibility && !element.checkVisibility())) continue;
    const style = getComputedStyle(element), list = style.fontFamily;
    const sample = samples.get(list) || {words: '', face: `${style.fontStyle} ${style.fontWeight}`};
    if (sample.words.length < 60) sample.words = (sample.words + ' ' + words).trim().slice(0, 60);
    samples.set(list, sample);
  }
  const context = document.createElement('canvas').getContext('2d');
  const width = (face, font, words) => {
    context.font = `${face} 16px ${font}`;
    return context.measureText(words).width;
  };
  const drawn = {};
  // Measured in the face the page draws (its weight, its style): a web font's other faces may not be loaded.
  for (const [list, {words, face}] of samples) {
    const families = list.split(',').map(unquoted).filter((family) => family && !generic.has(family.toLowerCase()));
    drawn[list] = families.filter((family) => ['monospace', 'serif'].some(
      (fallback) => width(face, `"${family}", ${fallback}`, words) !== width(face, fallback, words)));
  }
  return drawn;
}"""


# The page's images and fonts loaded (``IMAGES_LOADED``: the web fonts that failed, the images not loaded), then the
# fonts drawing its text.
LOADED_AND_DRAWN = f"""async (timeout) => {{
  const [failed, unloaded] = await ({IMAGES_LOADED})(timeout);
  return [failed, ({FONTS_DRAWN})(), unloaded];
}}"""


def fonts_read(recorded: Any) -> FontsDrawn:
    """Return the fonts a baseline records (its ``fonts`` text), or none when it records none or no such thing."""
    try:
        fonts = json.loads(recorded) if isinstance(recorded, str) else None
    except ValueError:
        return {}
    if not isinstance(fonts, dict):
        return {}
    return {str(key): [str(family) for family in value] for key, value in fonts.items() if isinstance(value, list)}


def fonts_moved(baseline: FontsDrawn, here: FontsDrawn) -> str:
    """Say which text was drawn in another font here than where the baseline was written, and which family made it
    so; "" when every list the baseline records draws in the same family here (or it records none)."""
    said = []
    for family_list, then in baseline.items():
        now = here.get(family_list)
        if now is None:
            continue  # no text in that list now: the screen changed, which the difference shows
        used_then, used_now = (then or [""])[0], (now or [""])[0]
        if used_then == used_now:
            continue
        if used_then and used_then not in now:
            why = f"'{used_then}' is not installed on this machine"
        else:
            why = f"'{used_now}' is installed here, and was not where the baseline was written"
        said.append(
            f"\nThe text in font-family {family_list} was drawn in {named(used_then)} where the baseline was written, "
            f"in {named(used_now)} here: {why}. Install the same fonts, or give this machine baselines of its own "
            "(--snapshot-platform NAME --update-snapshots=missing)."
        )
    return "".join(said)


def named(family: str) -> str:
    return f"'{family}'" if family else "a fallback font"
