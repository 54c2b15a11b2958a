"""Which message bars are read as a status of their own: a component library's bar, toast or snack bar that no role
or live region announces and that says how a save ended; not one that announces itself, holds an announcer or the
form's fields, is hidden from assistive technologies, or says something else. And which live regions and dialogs
announce: none hidden from assistive technologies, none holding the form's fields."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages.answer_regions import ASSERTIVE, DIALOGS, POLITE, bars_in, live

pytestmark = pytest.mark.tooling

BARS = [
    pytest.param('<div class="fui-MessageBar" role="group"><div>Changes saved</div></div>', 1, id="fluent-9-s-bar"),
    pytest.param('<div class="Toast toast-success">Changes saved</div>', 1, id="a-toast-cased-otherwise"),
    pytest.param('<div class="mdc-snackbar"><div class="label">Enregistré</div></div>', 1, id="a-snack-bar-in-french"),
    pytest.param('<div class="toast-container"><div role="status">Changes saved</div></div>', 0, id="holding-a-status"),
    pytest.param('<div class="Toastify__toast" role="alert">Changes saved</div>', 0, id="an-alert-itself"),
    pytest.param('<div class="toast" aria-live="polite">Changes saved</div>', 0, id="a-live-region-itself"),
    pytest.param('<output class="toast">Changes saved</output>', 0, id="an-output-itself"),
    pytest.param('<div aria-hidden="true"><div class="snackbar">Changes saved</div></div>', 0, id="hidden"),
    pytest.param('<div class="message-bar">Changes saved <input name="city"></div>', 0, id="holding-a-field"),
    pytest.param('<div class="messagebar">Tip: press Ctrl+S to submit</div>', 0, id="a-tip"),
]


@pytest.mark.parametrize(("markup", "bars"), BARS)
def test_a_message_bar_is_read_as_a_status_only_when_nothing_else_announces_it(
    page: Page, markup: str, bars: int
) -> None:
    # Given a page showing one bar, drawn so
    page.set_content(f"<main><h1>Account</h1>{markup}</main>")

    # When its message bars are looked for, then the bar is one only when nothing else announces it
    assert bars_in(page).count() == bars, markup


REGIONS = [
    pytest.param('<div aria-live="polite">Changes saved</div>', POLITE, 1, id="a-polite-region"),
    pytest.param('<div aria-hidden="true"><p><b aria-live="polite">Updated</b></p></div>', POLITE, 0, id="hidden"),
    pytest.param('<div aria-live="assertive">Not saved</div>', ASSERTIVE, 1, id="an-assertive-region"),
    pytest.param('<div aria-live="assertive" aria-hidden="true">Not saved</div>', ASSERTIVE, 0, id="hidden-itself"),
    pytest.param("<dialog open>Changes saved <button>OK</button></dialog>", DIALOGS, 1, id="a-dialog"),
    pytest.param('<div role="dialog" aria-hidden="true">Changes saved</div>', DIALOGS, 0, id="a-dialog-hidden"),
    pytest.param('<div aria-live="polite"><label>City <input></label></div>', POLITE, 0, id="holding-a-field"),
]


@pytest.mark.parametrize(("markup", "kind", "regions"), REGIONS)
def test_a_live_region_announces_unless_hidden_or_holding_the_form(
    page: Page, markup: str, kind: str, regions: int
) -> None:
    # Given a page showing one live region or dialog, drawn so
    page.set_content(f"<main><h1>Account</h1>{markup}</main>")

    # When its live regions of that kind are looked for, then it is one unless hidden or holding the form's fields
    assert live(page, kind).count() == regions, markup
