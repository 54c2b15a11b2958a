"""Scan a page with axe-core (the copy pinned in axe-playwright-python) and two checks axe cannot make.

axe checks that ``<html lang>`` is present and valid, not that it is the language the page is
written in (WCAG 3.1.1). The suite knows which language each screen speaks, so it checks that too,
and reports it as one more rule, ``html-lang-is-page-language``. Nor does axe judge the layout at a
width: a page that scrolls sideways at its viewport (WCAG 1.4.10, reflow) is ``page-fits-viewport-width``
(plugins/a11y_reflow.py).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import asdict, dataclass
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from .a11y_reflow import MEASURE, reflow_summary
from .page_moved import moved_since, page_moved

# WCAG 2.0 and 2.1, levels A and AA: axe's tags for them (its best practices are not WCAG).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
LANGUAGE_RULE = "html-lang-is-page-language"
# axe scans only the frames of its own origin unless every copy of it (one per frame) allows the others.
ANY_ORIGIN = "() => axe.configure({allowedOrigins: ['<unsafe_all_origins>']})"
LANGUAGE_HELP_URL = "https://www.w3.org/WAI/WCAG21/Understanding/language-of-page.html"
REFLOW_RULE = "page-fits-viewport-width"
REFLOW_HELP_URL = "https://www.w3.org/WAI/WCAG21/Understanding/reflow.html"
# The script a region's Chinese is written in (CLDR's likely subtags): zh-Hans names zh-CN, zh-Hant does not.
LIKELY_SCRIPTS = {("zh", "cn"): "hans", ("zh", "sg"): "hans", ("zh", "tw"): "hant", ("zh", "hk"): "hant"}


@dataclass(frozen=True)
class Finding:
    """One element that fails one rule."""

    rule: str
    target: str  # axe's CSS selector of the element
    impact: str  # minor, moderate, serious, critical
    help: str  # what the rule asks, in a sentence
    help_url: str
    summary: str  # what is wrong with this element
    html: str  # the element's markup, shortened
    ancestry: str = ""  # axe's selector of the element by its place in the page, without ids: html > body > main > p

    @property
    def key(self) -> tuple[str, str]:
        """Return what identifies a finding in the baseline: its rule and its element."""
        return self.rule, self.target

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Scan:
    """What one scan of a page found."""

    url: str
    axe_version: str
    rules: int  # rules axe applied or found inapplicable
    findings: list[Finding]
    needs_review: list[str]  # rules axe could not decide ("incomplete"): left to a person


def target_of(node: dict[str, Any], selector: str = "target") -> str:
    """Return an axe node's selector (or its ``ancestry``) as one string (frames and shadow roots joined by ' >>> ')."""
    return " >>> ".join(part if isinstance(part, str) else " > ".join(part) for part in node.get(selector) or [])


# Run axe on the document axe was loaded into (its address and timeOrigin, a document's own), and read its language,
# width and address in the same call: a page that moved meanwhile has no second document for a later read to mix in.
RUN = """async ([options, [address, timeOrigin], screen]) => {
  const before = location.href;
  if (before !== address || performance.timeOrigin !== timeOrigin || typeof axe !== 'object') {
    return {before, results: null};
  }
  const results = await axe.run(document, options);
  const lang = document.documentElement.getAttribute('lang') || '';
  return {before, results, after: location.href, lang, reflow: (MEASURE)(screen)};
}""".replace("MEASURE", MEASURE)
LOADED = "() => [typeof window.axe === 'object', [location.href, performance.timeOrigin]]"
# The page's timers a test's clock (Playwright's page.clock) may stand in for, axe's own among them.
TIMERS = (
    '["setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame", "cancelAnimationFrame"]'
)
# A page is judged at rest, as a screenshot is taken (Playwright's animations="disabled"): axe weighs an element's
# opacity and colour as they are mid-fade or mid-transition, so a page fading in had a contrast finding or not by when
# the scan ran. Finite animations and transitions are run to their end; endless ones (a pulsing placeholder) are
# cancelled for the scan, their element shown unanimated, and played again after it.
STILL = """() => {
  const running = document.getAnimations();
  const endless = running.filter((a) => a.effect && a.effect.getComputedTiming().endTime === Infinity);
  for (const animation of running) {
    if (!endless.includes(animation)) {
      try { animation.finish(); } catch (error) {}  // one at playback rate 0 has no end to run to
    }
  }
  endless.forEach((animation) => animation.cancel());
  const stilled = Symbol.for('a11y-stilled');
  window[stilled] = [...(window[stilled] || []), ...endless];
  // A clock the test installed (Playwright's page.clock), perhaps paused: axe's own timers would never fire, and
  // the scan wait for ever. The page's real timers are axe's for the scan, the clock's put back after it.
  const real = globalThis.__pwClock?.builtins, faked = Symbol.for('a11y-faked-timers');
  if (real && !window[faked]) {
    window[faked] = {};
    for (const name of TIMERS) {
      if (real[name]) { window[faked][name] = window[name]; window[name] = real[name]; }
    }
  }
}""".replace("TIMERS", TIMERS)
MOVING_AGAIN = """() => {
  const stilled = Symbol.for('a11y-stilled'), faked = Symbol.for('a11y-faked-timers');
  (window[stilled] || []).forEach((animation) => animation.play());
  window[stilled] = [];
  Object.assign(window, window[faked] || {});
  delete window[faked];
}"""


@dataclass
class Ran:
    """What one run of axe on a page's document returned, and that document's address and language."""

    results: dict[str, Any]
    url: str
    lang: str
    reflow: dict[str, Any] | None = None  # the page's width against its viewport's (a11y_reflow.MEASURE)


def run_axe(page: Page, tags: tuple[str, ...] = WCAG_TAGS, subject: str = "The page") -> Ran:
    """Run axe-core on the page's document, its frames' too, with the rules tagged ``tags``; return its results.

    axe reaches into a frame only where it runs itself (it asks each frame's axe by message): so it is loaded in
    every frame of the page, whatever its origin, first. And since axe 4.3 each copy talks only to frames of its
    own origin unless told otherwise: a frame of another site (a vendor's widget, a sign-in panel) was left out
    silently. Every copy is told to answer and ask any origin (axe's ``<unsafe_all_origins>``).

    ``PageMovedError`` (naming ``subject``) when the page went to another address, or was loaded anew, meanwhile.
    """
    before, shown = page.url, None
    try:
        for frame in page.frames:
            try:
                loaded, document = frame.evaluate(LOADED)
                if not loaded:
                    frame.evaluate(AXE_SCRIPT)
                frame.evaluate(ANY_ORIGIN)
                frame.evaluate(STILL)
                shown = document if frame == page.main_frame else shown
            except PlaywrightError:  # a frame gone meanwhile has nothing to scan
                if frame == page.main_frame:
                    raise
        # ancestry: each element's place in the page too, which a baseline entry matches when an id in its selector
        # is made anew at each load (a component's counter, useId's ':r1:')
        options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations", "incomplete"],
                   "ancestry": True}  # fmt: skip
        try:
            viewport = page.viewport_size  # None with no viewport (a headed window's own): its layout's width then
            ran = page.evaluate(RUN, [options, shown, viewport["width"] if viewport else None])
        finally:
            play_again(page)
    except PlaywrightError as error:
        if not moved_since(page, shown, before, error):
            raise
        raise page_moved(page, subject, "scanned by axe-core", before) from None
    if ran["results"] is None or not ran["before"] == ran["after"] == before:
        raise page_moved(page, subject, "scanned by axe-core", before)
    return Ran(ran["results"], before, ran["lang"], ran.get("reflow"))


def play_again(page: Page) -> None:
    """Play again the endless animations ``STILL`` cancelled for the scan, in every frame still there."""
    for frame in page.frames:
        with suppress(PlaywrightError):  # a frame gone, or a page that moved: nothing left to play
            frame.evaluate(MOVING_AGAIN)


def subtags(tag: str) -> tuple[str, str | None, str | None]:
    """Return a BCP 47 tag's language, script and region (lower case), e.g. ``zh-Hans-CN``: zh, hans, cn.

    Extended languages and variants are skipped; extensions and private use (``-u-…``, ``-x-…``) end it.
    """
    language, *rest = tag.strip().lower().replace("_", "-").split("-")
    script = region = None
    for part in rest:
        if len(part) == 1:  # a singleton starts an extension or private use
            break
        if len(part) == 4 and part.isalpha() and script is None and region is None:
            script = part
        elif region is None and ((len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit())):
            region = part
    return language, script, region


def names_language(declared: str, locale: str) -> bool:
    """Tell whether the tag ``declared`` names ``locale``'s language, and its region or script when it says one."""
    language, script, region = subtags(declared)
    want_language, _, want_region = subtags(locale)
    if language != want_language or (region and want_region and region != want_region):
        return False
    implied = LIKELY_SCRIPTS.get((want_language, want_region or ""))
    return not (script and implied and script != implied)  # zh-Hant is not what a zh-CN screen shows


def language_findings(declared: str, locale: str) -> list[Finding]:
    """Return a finding when ``<html lang>`` (``declared``) does not name ``locale``'s language (and region, when
    both name one)."""
    if names_language(declared, locale):
        return []
    summary = f"Expected <html lang> to name {locale} (the language this screen is shown in), found {declared!r}"
    return [
        Finding(
            LANGUAGE_RULE, "html", "serious", "The page's lang attribute must name the language it is written in",
            LANGUAGE_HELP_URL, summary, f'<html lang="{declared}">', "html",
        )
    ]  # fmt: skip


def reflow_findings(measured: dict[str, Any] | None) -> list[Finding]:
    """Return a finding when the page is wider than its viewport (``measured``: a11y_reflow.MEASURE's answer)."""
    summary = reflow_summary(measured)
    if summary is None or measured is None:
        return []
    past = measured["past"]
    # The page at this width: accepted in a baseline at a phone's width, it stands for no sideways scroll at another.
    where = f"html (a viewport {measured['width']} px wide)"
    return [
        Finding(
            REFLOW_RULE, where, "serious", "The page must fit its viewport's width, not scroll sideways (reflow)",
            REFLOW_HELP_URL, summary, past[0]["html"] if past else "<html>", where,
        )
    ]  # fmt: skip


def scan(page: Page, locale: str | None = None, subject: str = "The page") -> Scan:
    """Scan the page as it is now with WCAG 2.0/2.1 A and AA rules, its width against its viewport's (reflow), and
    its language, when ``locale`` is given.

    ``PageMovedError`` (naming ``subject``) when the page moved while it was scanned: nothing it found is judged.
    """
    ran = run_axe(page, subject=subject)
    results = ran.results
    findings = [
        Finding(
            rule["id"], target_of(node), node.get("impact") or rule.get("impact") or "unknown", rule["help"],
            rule["helpUrl"], (node.get("failureSummary") or "").strip(), node.get("html", "")[:300],
            target_of(node, "ancestry"),
        )
        for rule in results["violations"]
        for node in rule["nodes"]
    ]  # fmt: skip
    if locale is not None:
        findings += language_findings(ran.lang, locale)
    findings += reflow_findings(ran.reflow)
    rules = sum(len(results.get(kind, [])) for kind in ("violations", "passes", "incomplete", "inapplicable"))
    return Scan(
        ran.url,
        results["testEngine"]["version"],
        rules,
        findings,
        [rule["id"] for rule in results["incomplete"]],
    )
