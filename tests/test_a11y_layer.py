"""The accessibility layer itself (plugins/a11y.py): what a finding's failure says, the baseline, the page language.

The pages are the tests' own (``page.set_content``), each test's baseline a file of its own, and
what these tests provoke on purpose stays out of the run's summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page
from screens import Checks, Shown, look_at_each_viewport

from plugins import a11y
from plugins.a11y import SCANS
from plugins.a11y_baseline import NO_REASON, compare, load, rewrite, unknown
from plugins.a11y_scan import names_language
from plugins.retries import NotTransient

pytestmark = pytest.mark.tooling

GREY_ON_WHITE = """<html lang="{lang}"><head><title>Account</title></head><body><main>
  <h1>Account</h1><p style="color:#bbb">Bill-to info</p><a href="#edit">Edit</a></main></body></html>"""
CLEAN = GREY_ON_WHITE.replace("color:#bbb", "color:#333")
Check = Callable[..., object]


def test_a_new_finding_says_the_rule_impact_elements_and_help_link(page: Page, check_here: Check) -> None:
    page.set_content(GREY_ON_WHITE.format(lang="en-US"))

    with pytest.raises(NotTransient) as found:
        check_here(page, "account", "en-US")

    said = str(found.value)
    assert "Accessibility of screen 'account' in en-US: 1 new finding(s)" in said, said
    assert "color-contrast (serious): Elements must meet minimum color contrast ratio thresholds" in said, said
    assert "https://dequeuniversity.com/rules/axe/4.12/color-contrast" in said, said
    assert "\n      p\n" in said and "insufficient color contrast of 1.91" in said, said


def test_a_deployment_s_finding_says_how_to_accept_it_in_a_file_of_its_own(
    page: Page, check_accessibility: Check, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a run against a deployment with no baseline of its own (--update-a11y-baseline alone is refused there)
    monkeypatch.setattr(request.config.option, "base_url", "https://pc.example/")
    monkeypatch.setattr(request.config.option, "a11y_baseline", None)
    page.set_content(GREY_ON_WHITE.format(lang="en-US"))

    # When a finding fails the screen, then it names the options that accept it
    with pytest.raises(NotTransient) as found:
        check_accessibility(page, "account", "en-US")
    request.node.stash[SCANS] = []

    assert "To accept them (say why in the file): --a11y-baseline PATH --update-a11y-baseline" in str(found.value)


def test_the_bundled_portal_s_accepted_findings_do_not_hide_a_deployment_s(
    page: Page,
    check_accessibility: Check,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # Given the bundled portal's baseline, which accepts its grey paragraph on the account screen
    bundled, finding = tmp_path / "a11y.json", {"rule": "color-contrast", "target": "p", "impact": "serious"}
    rewrite(bundled, {("account", "en-US"): [finding, {**finding, "target": "#banner"}]}, "4.12.1")
    monkeypatch.setattr(a11y, "DEFAULT_BASELINE", str(bundled))
    # and a run against a deployment that has no baseline of its own
    monkeypatch.setattr(request.config.option, "base_url", "https://pc.example/")
    monkeypatch.setattr(request.config.option, "a11y_baseline", None)
    page.set_content(GREY_ON_WHITE.format(lang="en-US"))

    # When the deployment's screen shows the same finding, then it is the deployment's: new, not known
    with pytest.raises(NotTransient) as found:
        check_accessibility(page, "account", "en-US")
    record = request.node.stash[SCANS][-1]
    request.node.stash[SCANS] = []

    assert "color-contrast (serious)" in str(found.value), found.value
    assert (len(record["new"]), record["known"], record["gone"]) == (1, [], []), "the bundled's entries are not its"
    assert "no baseline of its own" in str(found.value), found.value
    summary = a11y.Summary(request.config)
    summary.scans = {("account", "en-US", None, "chromium"): record}
    assert summary.without_reason() == [], "the bundled's reasons are not the deployment's to give"


FOUND = ("accessibility", NotTransient("Accessibility of screen 'account' in en-US: 1 new finding(s)"))
DIFFERS = ("desktop viewport", AssertionError("Screenshot 'account-en-US-desktop' differs from its baseline"))
NARROW_DIFFERS = ("narrow viewport", AssertionError("Screenshot 'account-en-US-narrow' differs from its baseline"))


@pytest.mark.parametrize(
    ("failures", "kind"),
    [
        pytest.param([FOUND, DIFFERS], NotTransient, id="finding-and-difference"),
        pytest.param([DIFFERS, NARROW_DIFFERS], AssertionError, id="differences-only"),
    ],
)
def test_a_new_finding_is_never_retried_even_beside_a_screenshot_difference(
    failures: list[tuple[str, AssertionError]], kind: type[AssertionError]
) -> None:
    checks = Checks("account", "en-US")
    for what, failure in failures:
        with checks.check(what):
            raise failure

    with pytest.raises(AssertionError) as failed:
        checks.verdict()

    assert type(failed.value) is kind, "a finding fails the retry too: the test's failure is not transient"
    assert str(failed.value) == "Screen 'account' in en-US: 2 check(s) failed\n" + "\n\n".join(
        f"[{what}] {failure}" for what, failure in failures
    )


PALER_ON_A_PHONE = """<html lang="en-US"><head><title>Account</title><style>
  button { background: #0067b8; color: #fff; border: 0 }
  @media (max-width: 600px) { button { background: #2b88d8 } }</style></head>
  <body><main><h1>Account</h1><button>Submit</button></main></body></html>"""


def test_each_viewport_is_scanned_and_a_finding_names_its_own(page: Page, check_here: Check) -> None:
    # Given a screen whose button fails contrast only at a phone's width
    page.set_content(PALER_ON_A_PHONE)

    # When it is looked at as the screen tests look at each screen (no baselines: screenshots left out)
    checks = look_at_each_viewport(Shown(page), "account", "en-US", check_here, lambda *args, **kwargs: None)

    # Then the narrow viewport's scan found it, and said where
    with pytest.raises(NotTransient) as found:
        checks.verdict()
    said = str(found.value)
    first = "Screen 'account' in en-US: 1 check(s) failed\n[accessibility] Accessibility of screen 'account' in en-US"
    assert said.startswith(f"{first} at the narrow viewport (390 by 844): 1 new finding(s)"), said
    assert "color-contrast (serious)" in said and "foreground color: #ffffff, background color: #2b88d8" in said


def test_a_baseline_entry_is_no_longer_found_only_when_no_viewport_found_it(request: pytest.FixtureRequest) -> None:
    entry = {"rule": "color-contrast", "target": "button", "impact": "serious"}
    summary = a11y.Summary(request.config)
    desktop = {"screen": "account", "locale": "en-US", "viewport": "desktop", "new": [], "known": [], "gone": [entry]}
    narrow = {**desktop, "viewport": "narrow", "known": [entry], "gone": []}
    footer = {**entry, "target": "footer"}
    other = {**desktop, "screen": "dashboard", "new": [footer], "gone": []}
    for record in (desktop, narrow, other, {**other, "viewport": "narrow"}):
        summary.pytest_runtest_logreport(SimpleNamespace(suite_a11y=[record]))  # type: ignore[arg-type]

    merged = summary.by_screen()

    assert merged["account", "en-US"] == {"new": [], "known": [entry], "gone": []}
    assert merged["dashboard", "en-US"] == {"new": [footer], "known": [], "gone": []}, "found at both: one finding"


FADING = """<html lang="en-US"><head><title>Account</title><style>p {{ color: #333 }} {style}</style></head>
  <body><main><h1>Account</h1><p class="dim">Bill-to info</p></main></body></html>"""


@pytest.mark.parametrize(
    ("style", "after_the_scan"),
    [
        pytest.param("@keyframes in { from { opacity: .15 } } p { animation: in 60s both }", ["finished"],
                     id="fading-in"),
        pytest.param("p { transition: color 60s } p.dim { color: #eee }", [], id="a-colour-in-transition"),  # ended
        pytest.param("@keyframes pulse { from { opacity: .15 } } p { animation: pulse 60s infinite alternate }",
                     ["running"], id="pulsing-endlessly"),  # played again
    ],
)  # fmt: skip
def test_a_page_is_scanned_at_rest_not_mid_animation(
    style: str, after_the_scan: list[str], page: Page, check_here: Check
) -> None:
    # Given a paragraph readable at rest, pale while it fades in, changes colour or pulses (a minute long each)
    page.set_content(FADING.format(style=style))
    page.evaluate("() => document.querySelector('p.dim').getBoundingClientRect() && "
                  "document.querySelector('p').classList.remove('dim')")  # fmt: skip

    # When it is scanned at once, then it is judged as it rests: no contrast finding that depends on when axe ran
    scan = check_here(page, "account", "en-US")

    assert scan is not None and scan.findings == [], scan  # type: ignore[attr-defined]
    assert page.evaluate("() => document.getAnimations().map((a) => a.playState)") == after_the_scan


@pytest.mark.parametrize("last", ["firefox", "chromium"])
def test_a_baseline_entry_one_browser_of_the_run_found_is_known_not_gone(
    last: str, request: pytest.FixtureRequest
) -> None:
    # Given a run in two browsers (--browser chromium --browser firefox) where only Chromium finds a listed entry
    entry = {"rule": "color-contrast", "target": "button", "impact": "serious"}
    chromium = {"screen": "account", "locale": "en-US", "viewport": "desktop", "browser": "chromium", "new": [],
                "known": [entry], "gone": []}  # fmt: skip
    firefox = {**chromium, "browser": "firefox", "known": [], "gone": [entry]}
    summary = a11y.Summary(request.config)
    for record in sorted((chromium, firefox), key=lambda record: record["browser"] == last):
        summary.pytest_runtest_logreport(SimpleNamespace(suite_a11y=[record]))  # type: ignore[arg-type]

    # When their scans are summed up, then the entry is known (an update keeps it, found by Chromium), whichever
    # browser reported last
    assert summary.by_screen()["account", "en-US"] == {"new": [], "known": [{**entry, "browsers": ["chromium"]}],
                                                       "gone": []}  # fmt: skip
    assert len(summary.scans) == 2


@pytest.mark.parametrize(
    "panel_at",
    [
        pytest.param("https://portal.frames.test/panel", id="same-origin"),
        pytest.param("https://widgets.frames.test/panel", id="another-origin"),  # axe asks only its own by default
    ],
)
def test_what_a_frame_shows_is_scanned_too(panel_at: str, page: Page, check_here: Check) -> None:
    # Given a page whose frame shows an image that says nothing (a deployment's embedded panel, or a vendor's)
    panel = '<html lang="en-US"><title>Panel</title><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20">'
    frame = f'<iframe title="Panel" src="{panel_at}"></iframe></main>'
    account = CLEAN.format(lang="en-US").replace("</main>", frame)
    page.route("https://*.frames.test/**", lambda route: route.fulfill(
        content_type="text/html", body=panel if route.request.url == panel_at else account))  # fmt: skip
    page.goto("https://portal.frames.test/account")

    with pytest.raises(NotTransient) as found:
        check_here(page, "account", "en-US")

    said = str(found.value)
    assert "image-alt (critical)" in said and "iframe >>> img" in said, said


def test_a_clean_page_passes_and_its_scan_is_kept_for_the_report(
    page: Page, check_here: Check, request: pytest.FixtureRequest
) -> None:
    page.set_content(CLEAN.format(lang="fr-FR"))

    scan = check_here(page, "account", "fr-FR")

    assert scan is not None and scan.findings == [] and scan.axe_version == "4.12.1"  # type: ignore[attr-defined]
    assert request.node.stash[SCANS][-1]["rules"] > 20


def test_a_page_in_the_wrong_language_is_a_finding_axe_cannot_make(page: Page, check_here: Check) -> None:
    page.set_content(CLEAN.format(lang="en-US"))

    with pytest.raises(NotTransient, match="html-lang-is-page-language") as found:
        check_here(page, "account", "zh-CN")

    assert "Expected <html lang> to name zh-CN (the language this screen is shown in), found 'en-US'" in str(
        found.value
    )


def test_a_listed_finding_passes_and_one_no_longer_found_is_reported(
    page: Page, check_here: Check, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    finding = {"rule": "color-contrast", "target": "p", "impact": "serious"}
    gone = {"rule": "link-name", "target": "a", "impact": "serious"}
    rewrite(tmp_path / "a11y.json", {("account", "en-US"): [finding, gone]}, "4.12.1")
    page.set_content(GREY_ON_WHITE.format(lang="en-US"))

    check_here(page, "account", "en-US")

    record = request.node.stash[SCANS][-1]
    assert [(f["rule"], f["target"]) for f in record["known"]] == [("color-contrast", "p")]
    assert [entry["rule"] for entry in record["gone"]] == ["link-name"]


UNNAMED = """<html lang="en-US"><head><title>Account</title></head><body><main><h1>Account</h1>
  <div id="{panel}"><button id="{button}"></button></div>{more}</main></body></html>"""


def test_an_accepted_finding_stays_known_when_its_element_s_generated_id_changes(
    page: Page, check_here: Check, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # Given an accepted finding on a button whose ids the page makes anew at each load (useId, a component counter)
    page.set_content(UNNAMED.format(panel="uid-8f3k2", button=":r1:", more=""))
    with pytest.raises(NotTransient, match="button-name"):
        check_here(page, "account", "en-US")
    rewrite(tmp_path / "a11y.json", {("account", "en-US"): request.node.stash[SCANS][-1]["new"]}, "4.12.1")

    # When the page is loaded again and the same button has other ids, then it is still the finding accepted
    page.set_content(UNNAMED.format(panel="uid-x91aa", button=":r7:", more=""))
    check_here(page, "account", "en-US")
    assert [f["rule"] for f in request.node.stash[SCANS][-1]["known"]] == ["button-name"]
    assert request.node.stash[SCANS][-1]["gone"] == []

    # But another button failing the same rule elsewhere is new
    page.set_content(UNNAMED.format(panel="uid-x91aa", button=":r7:", more="<p><button></button></p>"))
    with pytest.raises(NotTransient, match=r"1 new finding\(s\)") as found:
        check_here(page, "account", "en-US")
    assert "\n      p > button\n" in str(found.value) and ":r7:" not in str(found.value), found.value


def test_an_entry_one_browser_found_alone_is_not_gone_in_a_run_of_another_nor_dropped_by_its_update(
    tmp_path: Path,
) -> None:
    # Given a baseline whose entries Chromium found alone, both browsers found, or that name no browser (any)
    path = tmp_path / "a11y.json"
    chromium = {"rule": "color-contrast", "target": "#a", "impact": "serious", "browsers": "chromium", "why": "#1"}
    both = {**chromium, "target": "#b", "browsers": "chromium firefox", "why": "#2"}
    anyone = {"rule": "region", "target": "#c", "impact": "moderate", "why": "#3"}
    firefox_found = {"rule": "color-contrast", "target": "#d", "impact": "serious"}
    path.write_text(json.dumps({"findings": {"account": {"en-US": [chromium, both, anyone]}}}))

    # When a run in Firefox alone finds none of them but one of its own, and its findings are accepted
    compared = compare([], [chromium, both, anyone], "firefox")
    rewrite(path, {("account", "en-US"): [{**firefox_found, "browsers": ["firefox"]}]}, "4.12.1", browsers={"firefox"})

    # Then only the entries Firefox was to find are no longer found, and the update keeps what Chromium found, with
    # its reason; the entry of any browser goes, and Firefox's own is added naming it
    assert compared.gone == [both, anyone]
    assert compare([], [chromium], "chromium").gone == [chromium]
    entries = {entry["target"]: entry for entry in json.loads(path.read_text())["findings"]["account"]["en-US"]}
    assert entries == {
        "#a": chromium, "#b": {**both, "browsers": "chromium"}, "#d": {**firefox_found, "browsers": "firefox",
                                                                        "why": NO_REASON},
    }  # fmt: skip


def test_an_update_rewrites_only_what_was_scanned_and_keeps_the_reasons(tmp_path: Path) -> None:
    path = tmp_path / "a11y.json"
    kept = {"rule": "region", "target": "#banner", "impact": "moderate"}
    rewrite(path, {("dashboard", "fr-FR"): [kept], ("account", "en-US"): [kept]}, "4.12.1")
    document = json.loads(path.read_text())
    document["findings"]["account"]["en-US"][0]["why"] = "the banner is the real portal's, tracked in #12"
    path.write_text(json.dumps(document))

    added, removed = rewrite(path, {("account", "en-US"): [kept, {**kept, "target": "#footer"}]}, "4.12.1")

    findings = json.loads(path.read_text())["findings"]
    assert (added, removed) == (1, 0)
    assert findings["dashboard"]["fr-FR"][0]["target"] == "#banner"  # not scanned: untouched
    assert [e["why"] for e in findings["account"]["en-US"]] == [
        "the banner is the real portal's, tracked in #12",
        "TODO: say why this finding is accepted, and link the issue that will fix it",
    ]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        pytest.param('{"findings": {\n  "dashboard": {"en-US": [ {"rule": "color-contrast", "target": "a"}, ]}\n}}\n',
                     "not JSON at line 2, column 71: Expecting value", id="trailing-comma"),
        pytest.param('{"findings": {"dashboard": {"en-US": [{"rule": "color-contrast", "selector": "a"}]}}}',
                     "findings['dashboard']['en-US'][0] {\"rule\": \"color-contrast\", \"selector\": \"a\"} has no "
                     "'target'", id="entry-without-its-element"),
        pytest.param('{"findings": {"dashboard": ["region"]}}', "findings['dashboard'] is not an object of languages",
                     id="no-languages"),
        pytest.param('{"findings": {"dashboard": {"en-US": [{"rule": "region", "target": "a", "browsers": ["x"]}]}}}',
                     "findings['dashboard']['en-US'][0]'s 'browsers' is not the browsers' names", id="browsers-list"),
    ],
)  # fmt: skip
def test_a_broken_baseline_is_a_usage_error_at_the_start_naming_the_file_and_the_entry(
    content: str, said: str, tmp_path: Path
) -> None:
    path = tmp_path / "a11y.json"
    path.write_text(content)
    options = {"--a11y-baseline": str(path)}
    controller = SimpleNamespace(  # the bundled portal's run (no --base-url), not an xdist worker
        getoption=lambda name, default=None: options.get(name, default), getini=lambda name: "", rootpath=tmp_path
    )

    with pytest.raises(pytest.UsageError) as refused:
        a11y.pytest_sessionstart(SimpleNamespace(config=controller))  # type: ignore[arg-type]

    assert str(refused.value).startswith(f"{path}: {said}"), refused.value


def test_entries_under_a_screen_or_language_no_test_scans_are_reported_and_an_update_drops_them(
    tmp_path: Path,
) -> None:
    path, entry = tmp_path / "a11y.json", {"rule": "region", "target": "#banner", "impact": "moderate"}
    rewrite(path, {("dashboard", "en-US"): [entry], ("dashbord", "en-US"): [entry], ("dashboard", "en-us"): [entry]},
            "4.12.1")  # fmt: skip
    known = ({"dashboard", "account"}, {"en-US", "fr-FR"})

    listed = unknown(load(path), *known)
    added, removed = rewrite(path, {("account", "fr-FR"): []}, "4.12.1", known)

    assert [(screen, locale) for screen, locale, _ in listed] == [("dashboard", "en-us"), ("dashbord", "en-US")]
    assert (added, removed) == (0, 2)
    assert json.loads(path.read_text())["findings"] == {"dashboard": {"en-US": [{**entry, "why": NO_REASON}]}}


@pytest.mark.parametrize(
    ("declared", "locale", "names"),
    [
        pytest.param("zh-Hans", "zh-CN", True, id="script-for-region"),
        pytest.param("zh-Hans-CN", "zh-CN", True, id="script-and-region"),
        pytest.param("fr-Latn", "fr-FR", True, id="latin-french"),
        pytest.param("en-US-x-private", "en-US", True, id="private-use"),
        pytest.param("fr", "fr-FR", True, id="language-alone"),
        pytest.param("zh-Hant", "zh-CN", False, id="traditional-for-simplified"),
        pytest.param("en-GB", "en-US", False, id="another-region"),
        pytest.param("fr-Latn-CA", "fr-FR", False, id="another-region-after-a-script"),
        pytest.param("", "en-US", False, id="none"),
    ],
)
def test_the_page_language_is_read_as_bcp_47_language_script_and_region(
    declared: str, locale: str, names: bool
) -> None:
    assert names_language(declared, locale) is names
