"""The Bill-to info's title where a deployment draws it as no heading (a card's title): words of their own, not
words in a control, a heading, a label, a menu, tabs or something hidden from assistive technologies."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages.form import bill_to_heading

pytestmark = pytest.mark.tooling

# Each page holds the words once; the element that is their title, as its tag, or None where they are no title.
TITLES = [
    pytest.param('<div class="card-title">Bill-to info</div>', "DIV", id="a-card-s-title"),
    pytest.param('<section><p class="title"><b>Bill-to info</b></p></section>', "B", id="bold-words-in-a-section"),
    pytest.param("<h2><span>Bill-to info</span></h2>", "H2", id="a-heading-itself"),
    pytest.param('<div role="heading" aria-level="3"><span>Bill-to info</span></div>', "DIV", id="a-role-heading"),
    pytest.param("<nav><ul><li><span>Bill-to info</span></li></ul></nav>", None, id="in-a-menu"),
    pytest.param("<a href='#bill-to'><span>Bill-to info</span></a>", None, id="in-a-link"),
    pytest.param("<button><span>Bill-to info</span></button>", None, id="in-a-button"),
    pytest.param("<label>Bill-to info <input></label>", None, id="a-label"),
    pytest.param('<div role="tablist"><div role="tab"><i>Bill-to info</i></div></div>', None, id="in-a-tab"),
    pytest.param('<div aria-hidden="true"><div><span>Bill-to info</span></div></div>', None, id="hidden-from-readers"),
]


@pytest.mark.parametrize(("markup", "title"), TITLES)
def test_the_bill_to_title_is_words_of_their_own_or_a_heading(page: Page, markup: str, title: str | None) -> None:
    # Given an Account page whose Bill-to info's name is drawn so
    page.set_content(f"<main><h1>Account</h1>{markup}<dl><dt>City</dt><dd>Lyon</dd></dl></main>")

    # When its Bill-to heading is looked for, then it is the title expected, or nothing
    found = bill_to_heading(page).evaluate_all("(elements) => elements.map((element) => element.tagName)")
    assert found == ([title] if title else []), f"{markup} gave {found}"
