"""Reflow (WCAG 2.1, 1.4.10), which axe does not check: a page no wider than its viewport, never scrolled sideways.

A page wider than a phone's screen is read by scrolling both ways, and on a touch screen what lies
beyond its edge may take a tap meant for what the screen shows (Playwright's clicks miss there too).
axe judges elements, not the layout at a width, so the scan measures it: the document's width against
the viewport's, and, when wider, the elements that reach past the edge. WCAG asks it at 320 CSS px; each
viewport a screen is scanned at is held to its own width. An element that scrolls inside a box of its own
(a wide table in a scrolling region, as WCAG allows for data tables) widens no page, and is not found.
"""

from __future__ import annotations

from typing import Any

SLACK_PX = 1  # a layout's fraction of a pixel rounded up (a box 390.5 px wide) scrolls nothing a person would see
MOST_NAMED = 3  # elements named in the finding: the first three that reach past the edge

# Run in the scan's own call with the viewport's width as the test set it (``screen``; under a phone's emulation a
# page without a viewport meta tag is laid out 980 px wide, wider than the screen it is shown on). A root that clips
# what overflows (overflow-x hidden or clip: a drawer parked past the edge) scrolls nothing sideways. The elements
# past the edge (the right one, the left one right to left), innermost, in the document's order, each named by its
# tag and classes up to the nearest id; not those inside a box that scrolls or clips on its own, nor fixed ones.
MEASURE = """(screen) => {
  const root = document.scrollingElement || document.documentElement;
  const width = Math.min(document.documentElement.clientWidth, screen || Infinity), scrolled = root.scrollWidth;
  const clips = (element) => element && ['hidden', 'clip'].includes(getComputedStyle(element).overflowX);
  if (clips(document.documentElement) || clips(document.body)) return {width, scrolled: width, past: []};  // no scroll
  if (scrolled <= width + SLACK) return {width, scrolled, past: []};
  const named = (element) => {  // its tag and classes, up to the nearest id, three deep: a name for a person
    const parts = [];
    for (let at = element; at && at !== document.documentElement && parts.length < 3; at = at.parentElement) {
      if (at.id) { parts.unshift('#' + CSS.escape(at.id)); break; }
      const classes = [...at.classList].slice(0, 2).map((name) => '.' + CSS.escape(name));
      parts.unshift(at.tagName.toLowerCase() + classes.join(''));
    }
    return parts.join(' > ');
  };
  const reach = (element) => {  // its far edge past the viewport's (left, right to left; else right): null within
    const box = element.getBoundingClientRect(), left = box.left + window.scrollX, right = box.right + window.scrollX;
    if (box.width === 0) return null;
    return left < -SLACK ? left : right > width + SLACK ? right : null;
  };
  const contained = (element) => {
    for (let at = element; at && at !== document.body; at = at.parentElement) {
      const style = getComputedStyle(at);
      if (style.position === 'fixed' || (at !== element && style.overflowX !== 'visible')) return true;
    }
    return false;
  };
  const past = [];
  for (const element of document.body ? document.body.querySelectorAll('*') : []) {
    const reaches = reach(element), inner = [...element.children].some((child) => reach(child) !== null);
    if (reaches === null || inner || contained(element)) continue;
    past.push({selector: named(element), html: element.outerHTML.slice(0, 300), right: Math.round(reaches)});
    if (past.length >= MOST) break;
  }
  return {width, scrolled, past};
}""".replace("MOST", str(MOST_NAMED)).replace("SLACK", str(SLACK_PX))


def reflow_summary(measured: dict[str, Any] | None) -> str | None:
    """Say how a page wider than its viewport (``MEASURE``'s answer) scrolls sideways, and what reaches past the
    edge; None for one that fits."""
    if not measured or measured["scrolled"] <= measured["width"] + SLACK_PX:
        return None
    named = "; ".join(f"{element['selector']} reaches {element['right']} px" for element in measured["past"])
    return (
        f"The page is {measured['scrolled']} CSS px wide at a viewport {measured['width']} px wide: it scrolls "
        "sideways" + (f". Past the edge: {named}" if named else "")
    )
