"""A deployment's strings written otherwise than the table, as a person would not notice: spaces, apostrophes,
slashes, hyphens and digits in another form."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_deployment_lists import ANSWER, SHOWN_FIRST, unmarked_list

from pages import AccountEditPage, AccountPage, CustomersPage, PageError, PortalError
from pages.strings import any_language

pytestmark = pytest.mark.tooling


@pytest.mark.parametrize(
    ("label", "field"),
    [
        pytest.param("地址行1", "addressLine1", id="chinese-digit-without-a-space"),
        pytest.param("地址行１", "addressLine1", id="chinese-full-width-digit"),
        pytest.param("省／自治区／直辖市", "state", id="chinese-full-width-slashes"),
        pytest.param("State / Province", "state", id="spaced-slash"),
        pytest.param("Code\u00a0postal :", "postalCode", id="french-no-break-space"),
        pytest.param("Adresse e\u2011mail", "email", id="no-break-hyphen"),
        pytest.param("＊城市：", "city", id="chinese-full-width-required-mark-first"),
        pytest.param("城市＊", "city", id="chinese-full-width-required-mark-after"),
    ],
)
def test_a_label_written_with_other_typography_names_its_field(page: Page, label: str, field: str) -> None:
    # Given a form whose label is the table's, typeset otherwise
    page.set_content(f'<main><form><label for="f">{label}</label><input id="f"><button>Submit</button></form></main>')
    page.set_default_timeout(2_000)  # a field looked for in vain fails here

    # When the field is typed into, then the label names it
    form = AccountEditPage(page).fill({field: "1"})

    assert form.field(field).input_value() == "1"


def test_account_values_under_a_heading_and_terms_with_other_typography_are_read(page: Page) -> None:
    # Given an Account page whose section heading holds a no-break space, its terms set otherwise
    page.set_content(
        "<main><h2>Bill-to&nbsp;info</h2><dl><dt>地址行1</dt><dd>1 Main St</dd>"
        "<dt>Code\u202fpostal\u00a0:</dt><dd>69001</dd></dl></main>"
    )

    # When its Bill-to info is read, then each value is its term's
    shown = AccountPage(page).shown_values("billing", ("addressLine1", "postalCode"))

    assert shown == {"addressLine1": "1 Main St", "postalCode": "69001"}


@pytest.mark.parametrize(
    ("title", "status"),
    [
        pytest.param("Une erreur s'est produite", 500, id="straight-apostrophe"),
        pytest.param("Page Not Found", 404, id="title-case"),
    ],
)
def test_an_error_page_titled_otherwise_is_told_at_once(page: Page, title: str, status: int) -> None:
    # Given the portal's error page, its title typed with a straight apostrophe, or cased otherwise
    page.set_content(f"<html><main><h1>{title}</h1></main></html>")
    page.set_default_timeout(2_000)  # an error page not known for one fails here as an unknown page

    # When the Account page is waited for, then it is the portal's answer with the title's status
    with pytest.raises(PageError, match=str(status)):
        AccountPage(page).wait_until_ready()


@pytest.mark.parametrize(
    ("key", "shown"),
    [("dont_show_again", "Don’t show this again"), ("mfa_registration", "Plus d'informations requises")],
)
def test_a_sign_in_string_matches_with_either_apostrophe(key: str, shown: str) -> None:
    assert any_language(key, "sign-in").match(shown)


def test_account_values_after_labels_in_rows_of_divs_are_read_whatever_marks_the_labels_carry(page: Page) -> None:
    # Given an Account page drawn by a design system (no terms, no table), its labels marked and typeset as forms do
    page.set_content(
        "<main><h2>帐单寄送信息</h2><div><div>地址行1</div><div>浦东大道 1 号</div></div>"
        "<div><div>城市（必填）：</div><div>上海市</div></div><p>邮政编码（必填）：200120</p></main>"
    )

    # When its Bill-to info is read, then each value is the one after its label
    shown = AccountPage(page).shown_values("billing", ("addressLine1", "city", "postalCode"))

    assert shown == {"addressLine1": "浦东大道 1 号", "city": "上海市", "postalCode": "200120"}


def test_a_full_width_required_mark_of_its_own_after_a_label_is_never_read_as_its_value(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an Account page drawn in rows of <div>s, a full-width required mark in the element after a label
    monkeypatch.setattr(AccountPage, "LOAD_WAIT_MS", 1_000)  # a page showing no value is waited on: not long here
    page.set_content("<main><h2>帐单寄送信息</h2><div><div>城市</div><div>＊</div><div>上海市</div></div></main>")

    # When its Bill-to info is read, then the mark is no city: the city is not shown as the library reads it
    with pytest.raises(PortalError, match="does not show city"):
        AccountPage(page).shown_values("billing", ("city",))


def test_an_account_page_whose_headings_and_buttons_are_cased_otherwise_is_read(page: Page) -> None:
    # Given an Account page whose section headings and Edit are cased in title case, not as the table has them
    page.set_content(
        "<main><h2>Customer account info</h2><dl><dt>Microsoft ID</dt><dd>1f0e-77</dd><dt>Domain</dt>"
        "<dd>a.partner.onmschina.cn</dd><dt>Company name</dt><dd>Contoso</dd></dl>"
        "<h2>Bill-To Info</h2><dl><dt>City</dt><dd>Lyon</dd></dl><button>EDIT</button></main>"
    )
    page.set_default_timeout(2_000)  # a heading looked for in vain fails here

    # When it is awaited and read, then its sections and Edit are found
    account = AccountPage(page).wait_until_ready()

    assert account.account_info().companyName == "Contoso"
    assert account.shown_values("billing", ("city",)) == {"city": "Lyon"} and account.can_edit()


@pytest.mark.parametrize(
    "heading",
    ['Bill-to info <a href="#edit">Edit</a>', "Bill-to info <span>(Edit)</span>",
     "帐单寄送信息<a href='#'>（编辑）</a>", "BILL-TO INFO"],
    ids=["edit-link-inside", "edit-in-brackets", "zh-edit-in-full-width-brackets", "upper-case"],
)  # fmt: skip
def test_a_bill_to_heading_holding_its_edit_link_or_cased_otherwise_is_waited_for_and_read(
    page: Page, heading: str
) -> None:
    # Given an Account page whose Bill-to heading holds its Edit link (or shouts), its values drawn a moment later
    page.set_content(
        f"<main><h2>{heading}</h2><dl><dt>City</dt><dd id='city'></dd></dl></main>"
        "<script>setTimeout(() => { document.getElementById('city').textContent = 'Lyon'; }, 300)</script>"
    )
    page.set_default_timeout(2_000)  # a heading looked for in vain fails here

    # When its Bill-to info is read, then the values it came to show are
    assert AccountPage(page).wait_until_ready().shown_values("billing", ("city",)) == {"city": "Lyon"}


@pytest.mark.parametrize("words", ["正在加载……", "加载中⋯⋯"], ids=["zh-two-ellipses", "zh-midline-ellipses"])
def test_a_list_saying_it_is_loading_with_another_ellipsis_is_waited_for(page: Page, words: str) -> None:
    # Given a deployment's list that says it is loading with an ellipsis as its language writes it, for longer
    # than a list may stay unchanged before it is taken not to hold a customer
    page.set_content(unmarked_list([SHOWN_FIRST, ANSWER], delay=2_500, loading="text").replace("Loading…", words))
    page.set_default_timeout(10_000)
    listed = CustomersPage(page).wait_until_ready()

    # When Contoso is searched for, then the answer is read once drawn, not the words said while loading
    assert listed.search("Contoso").find("Contoso") is not None
    assert listed.company_names() == ANSWER


@pytest.mark.parametrize("words", ["No customers match your search", "没有与搜索匹配的客户"], ids=["en", "zh"])
def test_a_list_saying_it_found_nothing_without_a_full_stop_says_no_results(page: Page, words: str) -> None:
    # Given a deployment's list whose answer says it found nothing, in a sentence without its full stop
    page.set_content(f'<main><h1>Customers</h1><table aria-label="Customer list"></table><p>{words}</p></main>')

    # Then the list's "no results" is what it shows
    expect(CustomersPage(page).no_results).to_be_visible(timeout=2_000)
