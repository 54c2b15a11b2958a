"""The accessibility layer: axe-core's WCAG 2.0/2.1 A and AA rules on each screen, against a committed baseline.

``check_accessibility(page, screen, locale)`` scans the page as it is and fails on any finding the
baseline (``tests/baselines/a11y.json``) does not list for that screen and language, with the
rule, its impact, the elements and axe's help link. Every scan's findings go into the HTML report
as JSON; the run ends with a summary, and with the baseline entries no longer found, so the file
only shrinks. ``--update-a11y-baseline`` accepts what the run found instead of failing: xdist's
workers send their scans on the test reports, and only the controller rewrites the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from . import a11y_baseline
from .a11y_scan import WCAG_TAGS, Finding, Scan, scan
from .deployment import target
from .evidence import attach, write_atomically
from .layers import layer_active
from .page_moved import refuse_if_moved
from .retries import NotTransient  # a finding fails the same way every time: no retry
from .shown_paths import shown_path

SCANS = pytest.StashKey[list[dict[str, Any]]]()  # a test's scans, sent to the controller on its report
# The screens and languages a test did not scan at each of its viewports: a scan that broke off (the page moved, an
# error), or a test that ended before it came to one. What their scans found is not all there is: no entry of theirs
# is called no longer found, nor rewritten by --update-a11y-baseline.
UNFINISHED = pytest.StashKey[set[tuple[str, str]]]()
# The screens and languages the collected tests scan (parameters "screen" and "locale"), whether run or not.
KNOWN = pytest.StashKey[tuple[set[str], set[str]]]()
DEFAULT_BASELINE = "tests/baselines/a11y.json"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("a11y", "accessibility layer (axe-core)")
    group.addoption(
        "--update-a11y-baseline",
        action="store_true",
        default=False,
        help="accept the findings of the screens this run scans: rewrite their entries in the baseline, keep the rest",
    )
    group.addoption(
        "--a11y-baseline",
        metavar="PATH",
        default=None,
        help=f"the baseline of known findings per screen and language (default: {DEFAULT_BASELINE})",
    )


def baseline_path(config: pytest.Config) -> Path:
    return Path(config.getoption("--a11y-baseline") or config.rootpath / DEFAULT_BASELINE)


def compared_with(config: pytest.Config) -> Path | None:
    """Return the baseline the run's findings are judged by: none for a deployment without one of its own.

    The bundled portal's accepted findings are not a deployment's: the same rule on the same selector there
    would pass unseen, and the bundled entries it lacks would be called no longer found.
    """
    return None if target(config) and not config.getoption("--a11y-baseline") else baseline_path(config)


def describe(finding: Finding) -> str:
    return f"      {finding.target}\n        {finding.summary.replace(chr(10), chr(10) + '        ')}"


def failure_message(
    screen: str,
    locale: str,
    scan_: Scan,
    new: list[Finding],
    baseline: str | None,
    evidence: str,
    at: str = "",
    accept: str = "--update-a11y-baseline",
) -> str:
    """Say what was expected, what was found (rule, impact, elements, help link) and where the scan is."""
    lines = [
        f"Accessibility of screen '{screen}' in {locale}{at}: {len(new)} new finding(s) "
        f"(axe-core {scan_.axe_version}, WCAG 2.0/2.1 A and AA) at {scan_.url}"
    ]
    by_rule: dict[str, list[Finding]] = {}
    for finding in new:
        by_rule.setdefault(finding.rule, []).append(finding)
    for rule, findings in by_rule.items():
        lines.append(f"  {rule} ({findings[0].impact}): {findings[0].help}\n    {findings[0].help_url}")
        lines.extend(describe(finding) for finding in findings)
    listed = (
        f"beyond those listed for '{screen}' / {locale} in {baseline}"
        if baseline
        else f"(this deployment has no baseline of its own; the bundled portal's {DEFAULT_BASELINE} is not its)"
    )
    lines.append(
        f"Expected: no findings {listed}. The scan: {evidence}. To accept them (say why in the file): {accept}"
    )
    return "\n".join(lines)


def at_viewport(page: Page, viewport: str | None) -> str:
    """Name the viewport a scan was made at, and its size: " at the narrow viewport (390 by 844)"."""
    if not viewport:
        return ""
    size = page.viewport_size
    return f" at the {viewport} viewport" + (f" ({size['width']} by {size['height']})" if size else "")


def how_to_accept(config: pytest.Config) -> str:
    """Return the options that accept a run's findings: a deployment's go to a file of its own, never the bundled's."""
    if target(config) and not config.getoption("--a11y-baseline"):
        return "--a11y-baseline PATH --update-a11y-baseline (a file of this deployment's own)"
    return "--update-a11y-baseline"


@pytest.fixture
def check_accessibility(
    request: pytest.FixtureRequest, output_path: str, browser_name: str
) -> Callable[..., Scan | None]:
    """Return ``check(page, screen, locale, viewport=None)``: scan the page, fail on findings the baseline does not
    list. ``viewport`` names the page's viewport (a screen scanned at several): in the failure, the evidence, the
    summary; the baseline's entries are per screen and language, whatever the viewport. A page that moves on its
    own while it is scanned (or had moved, during an earlier check) fails with ``PageMovedError``: retried, as a
    session that ended or a redirect may not come again (plugins/page_moved.py)."""
    item, config = request.node, request.config

    def check(page: Page, screen: str, locale: str, viewport: str | None = None) -> Scan | None:
        if not layer_active(item, "a11y"):
            return None
        path, updating = compared_with(config), config.getoption("--update-a11y-baseline")
        subject = f"Accessibility of screen '{screen}' in {locale}{at_viewport(page, viewport)}"
        refuse_if_moved(page, subject, "scanned by axe-core")
        try:
            found = scan(page, locale, subject)  # PageMovedError, an AssertionError: the screen's other checks go on
        except BaseException:
            item.stash.setdefault(UNFINISHED, set()).add((screen, locale))
            raise
        try:
            known = a11y_baseline.load(path).get(screen, {}).get(locale, []) if path else []
        except a11y_baseline.BaselineError as error:  # changed since the run started: no retry mends it
            raise NotTransient(str(error)) from None
        compared = a11y_baseline.compare(found.findings, known, browser_name)
        record = {
            "screen": screen, "locale": locale, "viewport": viewport, "browser": browser_name, "url": found.url,
            "axe-core": found.axe_version,
            "tags": list(WCAG_TAGS), "rules": found.rules, "needs_review": found.needs_review,
            "new": [f.as_dict() for f in compared.new], "known": [f.as_dict() for f in compared.known],
            "gone": compared.gone,
        }  # fmt: skip
        item.stash.setdefault(SCANS, []).append(record)
        name = " ".join(["a11y", screen, locale, *([viewport] if viewport else [])])
        if not compared.new or updating:
            attach(item, "json", name, data=record)
            return found
        evidence = Path(output_path) / f"{name.replace(' ', '-')}.json"
        write_atomically(evidence, json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))
        attach(item, "json", name, path=evidence)
        shown = path and shown_path(config, str(path)), shown_path(config, str(evidence))
        raise NotTransient(failure_message(screen, locale, found, compared.new, *shown, at=at_viewport(page, viewport),
                                           accept=how_to_accept(config)))  # fmt: skip

    return check


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Send the test's scans to the controller on its teardown report, and the screens it did not scan whole."""
    report = yield
    params = getattr(getattr(item, "callspec", None), "params", {})
    broke_off = call.excinfo is not None and not call.excinfo.errisinstance(AssertionError)  # not a check's failure
    if report.when == "call" and broke_off and item.get_closest_marker("a11y") and "screen" in params:
        item.stash.setdefault(UNFINISHED, set()).add((params["screen"], params.get("locale", "")))
    if report.when == "teardown":
        report.suite_a11y = item.stash.get(SCANS, [])
        report.suite_a11y_unfinished = sorted(item.stash.get(UNFINISHED, set()))
        item.stash[SCANS], item.stash[UNFINISHED] = [], set()  # a rerun scans again
    return report


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: a screen left out of this run is still known
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    screens, locales = config.stash.setdefault(KNOWN, (set(), set()))
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.get_closest_marker("a11y") and "screen" in params and "locale" in params:
            screens.add(params["screen"])
            locales.add(params["locale"])


@pytest.hookimpl(tryfirst=True)  # before xdist starts its workers
def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to start with a baseline that is not one (bad JSON, an entry without its rule or element), or to
    update the bundled portal's from a deployment: once."""
    config = session.config
    if hasattr(config, "workerinput"):
        return
    deployment = target(config)
    if deployment and config.getoption("--update-a11y-baseline") and not config.getoption("--a11y-baseline"):
        raise pytest.UsageError(  # its accepted findings would hide the same ones on the bundled portal
            f"--update-a11y-baseline against {deployment} would write the bundled portal's baseline "
            f"({DEFAULT_BASELINE}): give the deployment a file of its own with --a11y-baseline PATH"
        )
    try:
        a11y_baseline.load(baseline_path(config))
    except a11y_baseline.BaselineError as error:
        raise pytest.UsageError(f"{error}. Mend it by hand: --update-a11y-baseline reads it too") from None


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput") and KNOWN in config.stash:  # tell the controller what the tests scan
        config.workeroutput["suite_a11y_known"] = [sorted(known) for known in config.stash[KNOWN]]  # type: ignore[attr-defined]


@pytest.hookimpl(optionalhook=True)  # xdist's: a run without it (-p no:xdist) has no such hook
def pytest_testnodedown(node: object) -> None:
    known = (getattr(node, "workeroutput", {}) or {}).get("suite_a11y_known")
    if known:
        screens, locales = node.config.stash.setdefault(KNOWN, (set(), set()))  # type: ignore[attr-defined]
        screens.update(known[0])
        locales.update(known[1])


class Summary:
    """Collects every test's scans (xdist: on the controller), rewrites the baseline when asked, sums up."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        # The last scan of each screen, language, viewport (None: a screen scanned at one only) and browser: a run in
        # two (--browser chromium --browser firefox) scans each screen in each, and neither's may stand for the other's
        self.scans: dict[tuple[str, str, str | None, str | None], dict[str, Any]] = {}
        self.updated: tuple[int, int] | None = None
        self.unfinished: dict[str, set[tuple[str, str]]] = {}  # each test's screens and languages not scanned whole
        self.unknown: list[tuple[str, str, dict[str, str]]] = []  # entries under a screen or language never scanned
        self.unexplained: list[tuple[str, str, dict[str, str]]] = []  # entries of scanned screens whose why is TODO

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for record in getattr(report, "suite_a11y", None) or []:
            self.scans[record["screen"], record["locale"], record.get("viewport"), record.get("browser")] = record
        if hasattr(report, "suite_a11y_unfinished"):  # its last attempt's teardown: a retry that scanned all is whole
            self.unfinished[report.nodeid] = {(screen, locale) for screen, locale in report.suite_a11y_unfinished}

    def not_whole(self) -> set[tuple[str, str]]:
        """Return the screens and languages some test did not scan at each of its viewports."""
        return {pair for pairs in self.unfinished.values() for pair in pairs}

    def by_screen(self) -> dict[tuple[str, str], dict[str, list[dict[str, Any]]]]:
        """Return each screen and language's findings over its viewports and browsers: new, known (each once), and
        the baseline entries that no viewport of any browser found."""
        merged: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
        for (screen, locale, *_), record in sorted(self.scans.items(), key=lambda pair: str(pair[0])):
            browsers = [record["browser"]] if record.get("browser") else []  # which found each: the baseline says
            found = {kind: [{**one, **({"browsers": browsers} if browsers else {})} for one in record[kind]]
                     for kind in ("new", "known")}  # fmt: skip
            seen = merged.get((screen, locale))
            if seen is None:
                merged[screen, locale] = {**found, "gone": list(record["gone"])}
                continue
            for kind in ("new", "known"):  # an element is one finding, though another load gave it other ids
                for one in found[kind]:
                    listed = next((o for o in seen[kind] if a11y_baseline.same(o, one)), None)
                    if listed is None:
                        seen[kind].append(one)
                    elif browsers:
                        listed["browsers"] = sorted({*listed.get("browsers", ()), *browsers})
            found_here = {(one["rule"], one["target"]) for one in record["gone"]}
            seen["gone"] = [entry for entry in seen["gone"] if (entry["rule"], entry["target"]) in found_here]
        for pair in self.not_whole() & set(merged):  # a viewport not scanned may still find them
            merged[pair]["gone"] = []
        return merged

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        known = self.config.stash.get(KNOWN, (set(), set()))
        # Judged only when the screen tests were collected, all of them: tests named by their ids collect no others
        own = compared_with(self.config)  # none: a deployment's run says nothing of the bundled portal's entries
        if not self.scans or not known[0] or any("::" in str(arg) for arg in self.config.args) or own is None:
            known = None
        else:
            try:
                self.unknown = a11y_baseline.unknown(a11y_baseline.load(own), *known)
            except a11y_baseline.BaselineError:  # broken during the run: its tests said so
                known = None
        if self.scans and self.config.getoption("--update-a11y-baseline"):
            unfinished = self.not_whole()  # their entries kept as they are: a part of the screen was not scanned
            found = {key: m["new"] + m["known"] for key, m in self.by_screen().items() if key not in unfinished}
            version = next(iter(self.scans.values()))["axe-core"]
            browsers = {record["browser"] for record in self.scans.values() if record.get("browser")}
            self.updated = a11y_baseline.rewrite(baseline_path(self.config), found, version, known, browsers)
        if self.scans:
            self.unexplained = self.without_reason()

    def without_reason(self) -> list[tuple[str, str, dict[str, str]]]:
        """Return the baseline's entries for the screens scanned whose ``why`` still says TODO: no reason given."""
        own = compared_with(self.config)
        try:
            listed = a11y_baseline.load(own) if own else {}
        except a11y_baseline.BaselineError:  # broken during the run: its tests said so
            return []
        return [
            (screen, locale, entry)
            for screen, locale in sorted({(screen, locale) for screen, locale, *_ in self.scans})
            for entry in listed.get(screen, {}).get(locale, [])
            if str(entry.get("why", "")).strip().upper().startswith("TODO")
        ]

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.scans:
            return
        write = terminalreporter.write_line
        records, merged = self.scans.values(), self.by_screen()
        screens, locales = {r["screen"] for r in records}, {r["locale"] for r in records}
        viewports = {r.get("viewport") for r in records} - {None}
        browsers = {r.get("browser") for r in records} - {None}
        new, known = sum(len(m["new"]) for m in merged.values()), sum(len(m["known"]) for m in merged.values())
        gone = [(screen, locale, entry) for (screen, locale), m in sorted(merged.items()) for entry in m["gone"]]
        terminalreporter.section("accessibility (axe-core)", sep="-")
        accepted = self.updated is not None  # the new findings are the baseline's now: no longer a failure
        at = f" × {len(viewports)} viewports" if viewports else ""
        at += f" × {len(browsers)} browsers" if len(browsers) > 1 else ""
        write(
            f"{len(self.scans)} scans ({len(screens)} screens × {len(locales)} languages{at}), "
            f"axe-core {next(iter(records))['axe-core']}: {new} new finding(s){' (accepted)' * accepted}, "
            f"{known} known (in the baseline), "
            f"{len(gone)} baseline entr{'y' if len(gone) == 1 else 'ies'} no longer found"
            + (f", {len(self.unknown)} under no screen or language the tests scan" if self.unknown else ""),
            red=bool(new) and not accepted,
            yellow=bool(new) and accepted,
            green=not new and not gone and not self.unknown,
        )
        for record in sorted(records, key=lambda r: (r["screen"], r["locale"], r.get("viewport") or "",
                                                     r.get("browser") or "")):  # fmt: skip
            viewport = f" ({record['viewport']} viewport)" if record.get("viewport") else ""
            viewport += f" in {record['browser']}" if len(browsers) > 1 else ""
            for finding in record["new"]:
                write(f"  new: {record['screen']} {record['locale']}{viewport}: {finding['rule']} "
                      f"({finding['impact']}) at {finding['target']}")  # fmt: skip
        for screen, locale, entry in gone:
            write(f"  no longer found (remove it: --update-a11y-baseline): {screen} {locale}: {entry['rule']} "
                  f"at {entry['target']}", yellow=True)  # fmt: skip
        for screen, locale in sorted(self.not_whole() & set(merged)):
            write(f"  not scanned at each of its viewports (a scan broke off, or its test ended first): {screen} "
                  f"{locale}: its entries neither called no longer found nor rewritten", yellow=True)  # fmt: skip
        for screen, locale, entry in self.unknown:
            write(f"  under no screen or language the tests scan (a misspelt key? remove it: --update-a11y-baseline): "
                  f"{screen} {locale}: {entry['rule']} at {entry['target']}", yellow=True)  # fmt: skip
        if self.unexplained:
            write(f"  {len(self.unexplained)} accepted finding(s) still without a reason (their 'why' says TODO in "
                  f"{baseline_path(self.config)}): say why each is accepted, and link the issue that will fix it",
                  yellow=True)  # fmt: skip
        if self.updated is not None:
            added, removed = self.updated
            write(f"Updated {baseline_path(self.config)}: {added} entr(ies) added, {removed} removed", bold=True)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) sees every report
        config.pluginmanager.register(Summary(config), "suite-a11y-summary")
