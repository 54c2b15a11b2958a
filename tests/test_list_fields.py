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
# Ant Design's Select: a read-only text box that is a combobox, holding nothing, the option picked shown beside it;
# once opened, its options drawn with no role (the list that has them hidden, 0 by 0 pixels), each by its class.
READ_ONLY_COMBOBOX = """<label for="state">State/Province</label>
<div class="ant-select" style="position:relative;width:200px;height:30px"><span style="position:absolute;inset:0">
<input id="state" type="search" role="combobox" readonly aria-expanded="false" aria-controls="state-list" value=""
  style="opacity:0;width:100%;height:100%"></span>
<span class="ant-select-selection-item" style="pointer-events:none">北京市</span></div>
<div class="ant-select-dropdown" hidden><div role="listbox" id="state-list" style="height:0;width:0;overflow:hidden">
  <div role="option" aria-label="北京市">BJ</div></div>
  <div class="ant-select-item ant-select-item-option"><div class="ant-select-item-option-content">北京市</div></div>
  <div class="ant-select-item ant-select-item-option"><div class="ant-select-item-option-content">上海市</div></div>
  <div class="ant-select-item ant-select-item-option"><div class="ant-select-item-option-content">广东省</div></div>
</div><script>
const dropdown = document.querySelector(".ant-select-dropdown");
document.querySelector(".ant-select").addEventListener("mousedown", (event) => {
  event.preventDefault(); dropdown.hidden = !dropdown.hidden; });
dropdown.addEventListener("click", (event) => {
  document.querySelector(".ant-select-selection-item").textContent = event.target.textContent.trim();
  dropdown.hidden = true; });
</script>"""
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


def test_a_state_drawn_as_a_read_only_combobox_gets_its_option_picked_and_read(page: Page) -> None:
    form = serve(page, READ_ONLY_COMBOBOX)
    assert form.shown_fields(("state",)) == {"state": "北京市"}

    form.fill({"state": "上海市"})

    assert page.locator(".ant-select-selection-item").inner_text() == "上海市"
    assert form.shown_fields(("state",)) == {"state": "上海市"}


@pytest.mark.parametrize("state", [SELECT_FIELD, COMBOBOX, READ_ONLY_COMBOBOX],
                         ids=["select", "combobox", "read-only-combobox"])  # fmt: skip
def test_a_state_the_list_does_not_have_is_said_with_the_options_it_has(page: Page, state: str) -> None:
    form = serve(page, state)

    with pytest.raises(ValidationError) as refused:
        form.fill({"state": "Hong Kong"})

    said = "'Hong Kong' is not among the form's State/Province options (北京市, 上海市, 广东省): nothing was sent"
    assert refused.value.field_errors == {"state": said}
