"""Where the keyboard's focus is, seen: each control of the workflow's edit, reached by Tab, looks otherwise than
unfocused (WCAG 2.4.7, Focus Visible), which axe-core's scans cannot tell from the page at rest."""

from __future__ import annotations

import pytest
from playwright.sync_api import FloatRect, Locator, Page

from fixtures.test_data import CustomerFactory
from pages import AccountPage

pytestmark = [pytest.mark.regression, pytest.mark.a11y]

TABS_AT_MOST = 200  # presses of Tab to reach a control: a deployment's header and menus may hold many before it
MARGIN = 6  # pixels around a control where its focus may show (an outline drawn outside it, offset)


def reached_by_tab(page: Page, control: Locator) -> bool:
    """Press Tab from the page's start until ``control`` has the focus; False when it never does."""
    page.evaluate("() => { document.activeElement?.blur(); window.getSelection()?.removeAllRanges(); }")
    for _ in range(TABS_AT_MOST):
        page.keyboard.press("Tab")
        if control.evaluate("control => control === document.activeElement"):
            return True
    return False


def focus_shows(page: Page, control: Locator) -> bool:
    """Whether ``control``, and the margin around it, looks otherwise with the focus Tab brought to it than without."""
    page.mouse.move(0, 0)  # no hover style in either picture
    assert reached_by_tab(page, control), f"{control} was not reached by {TABS_AT_MOST} presses of Tab"
    box = control.bounding_box()  # where Tab scrolled it to: both pictures are taken there
    assert box is not None, f"{control} is not shown"
    left, top = max(box["x"] - MARGIN, 0), max(box["y"] - MARGIN, 0)
    clip = FloatRect(x=left, y=top, width=box["width"] + 2 * MARGIN, height=box["height"] + 2 * MARGIN)
    focused = page.screenshot(clip=clip, animations="disabled")
    control.evaluate("control => control.blur()")
    assert control.bounding_box() == box, f"{control} moved when the focus left it: the pictures would not compare"
    return page.screenshot(clip=clip, animations="disabled") != focused


def test_each_control_of_the_edit_shows_where_the_keyboard_focus_is(
    admin_page: Page, customers: CustomerFactory
) -> None:
    # Given a customer's Account page, then its edit form, reached as a keyboard's user would
    account = AccountPage(admin_page).open(customers.create("CN").id)
    shown = {"Edit": focus_shows(admin_page, account.enabled_edit)}
    form = account.edit()
    form.fill({"city": "上海市"})  # a form may enable Submit only once something changed
    shown |= {
        "Submit": focus_shows(admin_page, form.submit_button),
        "Cancel": focus_shows(admin_page, form.cancel_link),
    }

    # Then each control looks otherwise with the focus: a keyboard's user sees where Enter would act
    assert shown == dict.fromkeys(shown, True), f"the focus shows (True) or not on each control: {shown}"
