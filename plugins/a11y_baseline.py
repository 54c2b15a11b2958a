"""The committed baseline of known accessibility findings: per screen and language, each with why it is accepted.

    {"findings": {"<screen>": {"<locale>": [{"rule", "target", "ancestry", "impact", "browsers", "why"}, ...]}}}

A finding is known when its rule and element are listed for its screen and language: the element by
axe's selector (``target``), or by its place in the page (``ancestry``, axe's selector without ids),
since a deployment's components make some ids anew at each load (``#id__12``, React's ``:r1:``).
The file only shrinks: a listed finding that is no longer found is reported, and
``--update-a11y-baseline`` rewrites just the screens and languages the run scanned, under a file
lock, so parallel workers (only xdist's controller writes) and shards never lose each other's.
An entry names the browsers that found it (``"browsers": "chromium firefox"``; none named: any): a run in
other browsers neither calls it no longer found nor drops it, a browser rendering some findings its own way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock

from .a11y_scan import WCAG_TAGS, Finding
from .evidence import write_atomically

# An id in axe's selector that a component makes anew at each load: one holding a digit (``#id__12``, React's
# ``#\:r1\:``, ``#uid-8f3k2``); a word alone (``#legacy-fax``) is the page's own name for its element.
MADE_ANEW = re.compile(r"#(?=(?:\\.|[\w-])*\d)(?:\\.|[\w-])+")
SHAPE = 'expected {"findings": {"<screen>": {"<locale>": [{"rule", "target", "impact", "why"}, ...]}}}'
NO_REASON = "TODO: say why this finding is accepted, and link the issue that will fix it"
ABOUT = (
    "Known accessibility findings per screen and language (axe-core, WCAG 2.0/2.1 A and AA). "
    "A finding listed here does not fail its test; keep each 'why' current, and let the file only shrink."
)


@dataclass
class Compared:
    """A scan's findings against the baseline of its screen and language."""

    new: list[Finding] = field(default_factory=list)
    known: list[Finding] = field(default_factory=list)
    gone: list[dict[str, str]] = field(default_factory=list)  # baseline entries no longer found


class BaselineError(ValueError):
    """The baseline file is not what this module writes: not JSON, or an entry without its rule or element."""


def load(path: Path) -> dict[str, dict[str, list[dict[str, str]]]]:
    """Return the baseline's findings by screen and language ({} when there is no file yet); ``BaselineError``."""
    if not path.exists():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}: not JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except UnicodeDecodeError as error:  # saved in another encoding (GBK, say, by an editor set so)
        raise BaselineError(f"{path}: not UTF-8 at byte {error.start} ({error.reason}): save it as UTF-8") from None
    except OSError as error:  # a folder, a file it may not read
        raise BaselineError(f"{path}: cannot be read ({error.strerror or error})") from None
    findings = document.get("findings", {}) if isinstance(document, dict) else None
    problem = next(problems(findings), None)
    if problem:
        raise BaselineError(f"{path}: {problem} ({SHAPE})")
    return findings  # type: ignore[return-value]


def problems(findings: Any) -> Iterator[str]:
    """Say what in the baseline's findings is not a list of entries, each with its rule and element."""
    if not isinstance(findings, dict):
        yield "'findings' is not an object of screens"
        return
    for screen, locales in findings.items():
        if not isinstance(locales, dict):
            yield f"findings[{screen!r}] is not an object of languages"
            continue
        for locale, entries in locales.items():
            if not isinstance(entries, list):
                yield f"findings[{screen!r}][{locale!r}] is not a list of entries"
                continue
            for index, entry in enumerate(entries):
                where = f"findings[{screen!r}][{locale!r}][{index}]"
                if not isinstance(entry, dict):
                    yield f"{where} is not an object"
                    continue
                lacking = [key for key in ("rule", "target") if not isinstance(entry.get(key), str)]
                if lacking:
                    yield f"{where} {json.dumps(entry, ensure_ascii=False)} has no {' nor '.join(map(repr, lacking))}"
                elif not isinstance(entry.get("browsers", ""), str):
                    yield f"{where}'s 'browsers' is not the browsers' names, as \"chromium firefox\""


def unknown(
    findings: dict[str, dict[str, list[dict[str, str]]]], screens: set[str], locales: set[str]
) -> list[tuple[str, str, dict[str, str]]]:
    """Return the entries listed under a screen or language that no test scans (a misspelt key never matches)."""
    return [
        (screen, locale, entry)
        for screen, by_locale in sorted(findings.items())
        for locale, entries in sorted(by_locale.items())
        if screen not in screens or locale not in locales
        for entry in entries
    ]


def same(entry: Mapping[str, Any], finding: Mapping[str, Any]) -> bool:
    """Tell whether a baseline entry lists this finding: its rule, and its element by selector, or by place where
    the selectors differ only in ids made anew at each load (another element put in its place is another finding:
    an unlabelled ``#vat-number`` where ``#legacy-fax`` was)."""
    place = entry.get("ancestry")
    return entry["rule"] == finding["rule"] and (
        entry["target"] == finding["target"]
        or (
            bool(place)
            and place == finding.get("ancestry")
            and MADE_ANEW.sub("#…", entry["target"]) == MADE_ANEW.sub("#…", finding["target"])
        )
    )


def found_by(entry: Mapping[str, Any]) -> set[str]:
    """Return the browsers an entry names as having found it; none: any browser."""
    return set(str(entry.get("browsers", "")).split())


def compare(findings: list[Finding], known: list[dict[str, str]], browser: str | None = None) -> Compared:
    """Sort a scan's findings (in ``browser``) into new and known, and list the known entries it no longer found:
    not those another browser found alone."""
    found = [finding.as_dict() for finding in findings]
    listed = [any(same(entry, one) for entry in known) for one in found]
    return Compared(
        new=[finding for finding, is_listed in zip(findings, listed, strict=True) if not is_listed],
        known=[finding for finding, is_listed in zip(findings, listed, strict=True) if is_listed],
        gone=[
            entry
            for entry in known
            if not any(same(entry, one) for one in found) and (not found_by(entry) or browser in found_by(entry))
        ],
    )


def entries_for(
    findings: list[dict[str, Any]],
    known: list[dict[str, str]],
    browsers: Collection[str] = (),
) -> list[dict[str, str]]:
    """Return baseline entries for these findings, keeping each known entry's reason; each names the browsers that
    found it (a finding's ``browsers``), and those of its known entry this run did not scan in (``browsers``). A
    known entry no finding matched stays for the browsers it names that this run did not scan in."""
    entries: dict[tuple[str, str], dict[str, str]] = {}
    browsers = set(browsers)
    for one in findings:  # one element found in two loads (two browsers) under two ids is one entry
        entry = next((entry for entry in known if same(entry, one)), {})
        key = one["rule"], one.get("ancestry") or one["target"]
        seen = set(one.get("browsers", ())) | (found_by(entry) - browsers) | found_by(entries.get(key, {}))
        place = {"ancestry": one["ancestry"]} if one.get("ancestry") else {}
        entries[key] = {
            "rule": one["rule"], "target": one["target"], **place, "impact": one["impact"],
            **({"browsers": " ".join(sorted(seen))} if seen else {}), "why": entry.get("why", NO_REASON),
        }  # fmt: skip
    for entry in known:  # found alone by browsers this run did not scan in: not looked for
        elsewhere = found_by(entry) - browsers
        if elsewhere and not any(same(entry, one) for one in findings):
            entries[entry["rule"], entry.get("ancestry") or entry["target"]] = {
                **entry,
                "browsers": " ".join(sorted(elsewhere)),
            }
    return sorted(entries.values(), key=lambda entry: (entry["rule"], entry["target"]))


def rewrite(
    path: Path,
    scanned: dict[tuple[str, str], list[dict[str, Any]]],
    axe_version: str,
    known: tuple[set[str], set[str]] | None = None,
    browsers: Collection[str] = (),
) -> tuple[int, int]:
    """Replace the entries of the scanned screens and languages with what they found (in ``browsers``); keep all
    others, and those other browsers found alone.

    With ``known`` (the screens and languages the tests scan), the entries under any other are dropped.
    Returns how many entries were added and removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(path.with_name(f".{path.name}.lock")):
        baseline = load(path)
        added = removed = 0
        for screen, locale, _ in unknown(baseline, *known) if known else ():
            removed += len(baseline[screen].pop(locale, []))
        for (screen, locale), findings in sorted(scanned.items()):
            before = baseline.get(screen, {}).get(locale, [])
            after = entries_for(findings, before, browsers)
            added += sum(1 for entry in after if not any(same(old, entry) for old in before))
            removed += sum(1 for old in before if not any(same(old, entry) for entry in after))
            if after:
                baseline.setdefault(screen, {})[locale] = after
            elif locale in baseline.get(screen, {}):
                del baseline[screen][locale]
        tidy = {screen: dict(sorted(locales.items())) for screen, locales in sorted(baseline.items()) if locales}
        document = {"about": ABOUT, "axe-core": axe_version, "tags": list(WCAG_TAGS), "findings": tidy}
        write_atomically(path, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return added, removed
