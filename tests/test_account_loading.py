"""A single-page portal's Account view that shows its headings before its values, and Edit once it knows the role.

Served through a route: each test says how long the values take and what the view shows meanwhile.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, Route
from single_page_form import BILLING, PORTAL, SHORT_TIMEOUT_MS, saves, serve

from flows import BillingProfile, UnknownPageError, submit_changes
from pages import AccountEditPage, AccountPage
from pages.strings import UI_STRINGS

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

ACCOUNT = """<!doctype html><html lang="en"><title>Account</title><body><main>
<h1>Contoso Lyon</h1><section id="bill"><h2>Bill-to info</h2><div id="values"></div>
<button id="edit" hidden>Edit</button></section></main><script>
const BEHAVIOUR = {behaviour}, LABELS = {labels}, BILLING = {billing};
const section = document.getElementById("bill"), values = document.getElementById("values");
const terms = (filled) => "<dl>" + Object.keys(LABELS)
  .map(name => `<dt>${{LABELS[name]}}</dt><dd>${{filled ? BILLING[name] : ""}}</dd>`).join("") + "</dl>";
const signs = {{busy: terms(false), empty: terms(false), words: "<p>Loading…</p>",
  progressbar: '<div role="progressbar" style="height:40px"></div>', none: ""}};
values.innerHTML = signs[BEHAVIOUR.sign];
if (BEHAVIOUR.sign === "busy") section.setAttribute("aria-busy", "true");
setTimeout(() => {{  // the profile and the user's role, from the portal's API
  values.innerHTML = terms(true);
  section.removeAttribute("aria-busy");
  document.getElementById("edit").hidden = false;
}}, BEHAVIOUR.loadAfterMs);
</script></body></html>"""


def serve_account(page: Page, load_after_ms: int, sign: str) -> None:
    """Serve the Account view, its values (and Edit) drawn ``load_after_ms`` after it, ``sign`` showing meanwhile."""
    body = ACCOUNT.format(
        behaviour=json.dumps({"loadAfterMs": load_after_ms, "sign": sign}),
        labels=json.dumps({name: UI_STRINGS[name][0] for name in BILLING}),
        billing=json.dumps(BILLING),
    )

    def route(route: Route) -> None:
        route.fulfill(content_type="text/html; charset=utf-8", body=body)

    page.route(PORTAL + "account", route)
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    page.goto(PORTAL + "account")


@pytest.mark.parametrize("sign", ["busy", "empty", "words", "progressbar", "none"])
def test_an_account_view_whose_values_come_later_is_read_once_they_show(page: Page, sign: str) -> None:
    # Given an Account view whose Bill-to values and Edit come from the portal's API a moment after its headings
    serve_account(page, load_after_ms=400, sign=sign)

    # When it is found ready and read
    account = AccountPage(page).wait_until_ready()

    # Then it is read as the customer's profile, not blank, and Edit is offered (the role was not refused it)
    assert account.billing_profile() == BillingProfile.from_mapping(BILLING)
    assert account.can_edit()


def test_an_account_view_that_never_finishes_loading_is_said_so(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an Account view that says it is busy for longer than the wait for it
    monkeypatch.setattr(AccountPage, "LOAD_WAIT_MS", 300)
    serve_account(page, load_after_ms=600_000, sign="busy")

    # When it is waited on, then it is said to be loading still: neither its values nor its Edit are known
    with pytest.raises(UnknownPageError, match=r"had not finished loading after 0.3 s \(it says it is busy\)"):
        AccountPage(page).wait_until_ready()


def test_an_account_view_saying_it_fetches_anew_after_a_save_is_read_once_it_has(page: Page) -> None:
    # Given a portal that, saved, shows its Account view from what it held before, saying it is busy, and has the
    # saved values only after longer than a view that says nothing is given to show them
    serve(page, saves, staleViewMs=2_500, staleViewBusy=True)

    # When the city is changed and submitted
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    # Then what is returned is the profile as saved, not as it was before
    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Bron"})
