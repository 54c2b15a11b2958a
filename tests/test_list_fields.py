"""A field drawn as a list (a <select>, or a combobox showing its options), as a portal that checks the state against
the country's list draws it: its option is picked, an option it does not have is said at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages import AccountEditPage, ValidationError

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

PORTAL = "https://portal.single-page.test/"
# The options send codes and show names, as a province list may ("SH" for 上海市).
STATES = {"BJ": "北京市", "SH": "上海市", "GD": "广东省"}
SELECT = "".join(
    f'<option value="{code}"{" selected" * (code == "BJ")}>{name}</option>' for code, name in STATES.items()
)
SELECT_FIELD = f'<label for="state">State/Province</label><select id="state" name="state">{SELECT}</select>'
# A combobox that lists its options once opened, and shows the one picked.
COMBOBOX = """<span id="state-label">State/Province</span>
<button type="button" role="combobox" aria-labelledby="state-label" aria-expanded="false" aria-controls="states"
  onclick="document.getElementById('states').hidden = false; this.setAttribute('aria-expanded', 'true')">北京市</button>
<ul role="listbox" id="states" hidden onclick="const box = document.querySelector('[role=combobox]');
  box.textContent = event.target.textContent; this.hidden = true">
  <li role="option">北京市</li><li role="option">上海市</li><li role="option">广东省</li></ul>"""
FORM = """<!doctype html><html lang="en"><main><h1>Edit Bill-to info</h1><form>
<label>City <input name="city" value="北京市"></label>{state}
<button type="submit">Submit</button></form></main></html>"""


def serve(page: Page, state: str) -> AccountEditPage:
    """Serve the edit form with ``state`` as its State/Province field; return it, found ready."""
    page.route(
        PORTAL + "account/edit",
        lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=FORM.format(state=state)),
    )
    page.set_default_timeout(5_000)
    page.goto(PORTAL + "account/edit")
    return AccountEditPage(page).wait_until_ready()


@pytest.mark.parametrize(
    "given", ["上海市", "SH", " 上海市 ", "sh", " SH "], ids=["name", "code", "spaces", "code-any-case", "code-spaces"]
)
def test_a_state_drawn_as_a_select_gets_its_option_picked(page: Page, given: str) -> None:
    form = serve(page, SELECT_FIELD)

    form.fill({"state": given})

    assert page.locator("select").input_value() == "SH"
    assert form.shown_fields(("state",)) == {"state": "上海市"}  # read as a person reads it, not as it is sent


def test_a_state_drawn_as_a_combobox_gets_its_option_picked(page: Page) -> None:
    form = serve(page, COMBOBOX)

    form.fill({"state": "上海市"})

    assert page.get_by_role("combobox").inner_text() == "上海市"


@pytest.mark.parametrize("state", [SELECT_FIELD, COMBOBOX],
                         ids=["select", "combobox"])  # fmt: skip
def test_a_state_the_list_does_not_have_is_said_with_the_options_it_has(page: Page, state: str) -> None:
    form = serve(page, state)

    with pytest.raises(ValidationError) as refused:
        form.fill({"state": "Hong Kong"})

    said = "'Hong Kong' is not among the form's State/Province options (北京市, 上海市, 广东省): nothing was sent"
    assert refused.value.field_errors == {"state": said}
