"""The library's own pieces: locale-proof names, domain values, early refusal of bad input."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from flows import BillingProfile, update_customer_account
from flows.session import normalize_base_url
from pages import AccountPage, PortalError
from pages.customers import css_string
from pages.strings import LOCALES, UI_STRINGS, any_language, text


def test_no_string_names_two_different_things() -> None:
    # A name shared by two keys would let a locator match the wrong element in some language.
    owners: dict[str, str] = {}
    for key, translations in UI_STRINGS.items():
        for translation in set(translations):
            assert owners.setdefault(translation, key) == key, (
                f"{translation!r} is both {owners[translation]} and {key}"
            )


@pytest.mark.parametrize("locale", LOCALES)
def test_any_language_matches_each_locale_exactly_and_nothing_longer(locale: str) -> None:
    pattern = any_language("lastName")

    assert pattern.match(text("lastName", locale))
    assert not pattern.match(text("companyName", locale))  # "Nom" is inside "Nom de la société"


def test_billing_profile_reads_the_api_resource() -> None:
    resource = {
        "companyName": "Contoso 中国",
        "firstName": "丽",
        "lastName": "王",
        "email": "li@contoso.cn",
        "defaultAddress": {"country": "CN", "region": None, "city": "上海市", "state": "上海市",
                           "addressLine1": "世纪大道 100 号", "addressLine2": "", "postalCode": "200120",
                           "firstName": "丽", "lastName": "王", "phoneNumber": "13800138000"},
        "attributes": {"etag": "abc", "objectType": "CustomerBillingProfile"},
    }  # fmt: skip

    profile = BillingProfile.from_api(resource)

    assert profile == BillingProfile(
        "Contoso 中国",
        "丽",
        "王",
        "li@contoso.cn",
        "13800138000",
        "世纪大道 100 号",
        "",
        "上海市",
        "上海市",
        "200120",
        "CN",
    )


def test_unknown_field_is_refused_before_the_browser_moves(page: Page) -> None:
    with pytest.raises(ValueError, match="Not editable billing fields: country, town"):
        update_customer_account(page, "Contoso", {"city": "Paris", "town": "Paris", "country": "FR"})

    assert page.url == "about:blank"


def test_account_page_reads_a_section_at_once_and_names_what_is_missing(page: Page) -> None:
    page.set_content(
        '<dl><dd data-testid="account-microsoftId"> 1f0e </dd>'
        '<dd data-testid="account-domain">a.partner.onmschina.cn</dd>'
        '<dd data-testid="billing-city">Paris</dd></dl>'
    )
    account = AccountPage(page)

    with pytest.raises(PortalError, match="does not show companyName at about:blank"):
        account.account_info()
    page.set_content(page.content().replace("</dl>", '<dd data-testid="account-companyName">Contoso</dd></dl>'))
    info = account.account_info()

    assert (info.microsoftId, info.domain, info.companyName) == ("1f0e", "a.partner.onmschina.cn", "Contoso")


@pytest.mark.parametrize("url", ["http://portal.example/pc", "http://portal.example/pc/", "http://portal.example/pc//"])
def test_base_url_gets_exactly_one_trailing_slash(url: str) -> None:
    assert normalize_base_url(url) == "http://portal.example/pc/"


@pytest.mark.parametrize("text", ['O"Brien \\ Co', "a'b]c[d", "line\nbreak", "上海 — Île <b>", "\t%_*"])
def test_css_string_matches_exactly_the_text_it_quotes(text: str, page: Page) -> None:
    page.set_content('<p id="one"></p><p id="other" data-query="x"></p>')
    page.locator("#one").evaluate("(element, text) => { element.dataset.query = text; }", text)

    assert page.locator(f"[data-query={css_string(text)}]").evaluate_all("found => found.map(e => e.id)") == ["one"]
