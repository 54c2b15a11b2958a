"""The documented workflow in each language, with the documented labels (copied from the docs)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

import pytest
from playwright.sync_api import Page, expect
from test_update_account import fresh_value
from test_validation import lists_states

from fixtures.api_client import PortalApi
from fixtures.test_data import CustomerFactory, as_shown, changed
from flows import (
    EditConflictError,
    NewCustomer,
    ValidationError,
    add_customer,
    open_customers,
    submit_changes,
    update_customer_account,
)
from pages import EDITABLE_FIELDS, AccountEditPage, AccountPage, CustomersPage, DashboardPage
from pages.not_selected import OFFERED_NAMES
from pages.screen import link_or_button
from plugins.portal_words import PortalWords

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]


class Labels(NamedTuple):
    dashboard: str
    customers: str
    account: str
    edit: str
    submit: str
    cancel: str
    title: str
    postal_code: str


# The localized docs' strings, written out here so a change on either side shows.
DOCUMENTED = {
    "en-US": Labels(
        "Dashboard", "Customers", "Account", "Edit", "Submit", "Cancel",
        "Update customer account information", "Postal code",
    ),
    "fr-FR": Labels(
        "Tableau de bord", "Clients", "Compte", "Modifier", "Envoyer", "Annuler",
        "Mettre à jour les informations de compte client", "Code postal",
    ),
    "zh-CN": Labels("仪表板", "客户", "帐户", "编辑", "提交", "取消", "更新客户帐户信息", "邮政编码"),
}  # fmt: skip


def offers(page: Page, *names: str) -> None:
    """Assert the page shows a link or button named exactly each of ``names``; else say what it offers instead."""
    offered = page.evaluate(OFFERED_NAMES)
    missing = [name for name in names if name not in offered]
    assert not missing, f"expected a link or button named {missing}; the page offers {offered}"


@pytest.mark.smoke
@pytest.mark.parametrize("locale", DOCUMENTED)
def test_documented_workflow_in_each_language(
    locale: str, page_as: Callable[..., Page], customers: CustomerFactory, api: PortalApi
) -> None:
    labels = DOCUMENTED[locale]
    customer = customers.create("CN")
    page = page_as("global-admin", locale=locale)

    # From the Dashboard menu, select Customers. Then choose a customer from the list.
    listed = open_customers(page)
    expect(DashboardPage(page).menu).to_contain_text(labels.customers)  # the menu, named or not, as found
    customer_page = listed.choose(customer.companyName)
    assert customer_page is not None
    # From the customer menu, select Account, then Edit.
    offers(page, labels.account)
    account = customer_page.account()
    offers(page, labels.edit)
    form = account.edit()
    expect(page.get_by_role("heading", name=labels.title)).to_be_visible()
    offers(page, labels.submit, labels.cancel)
    # After you've made your changes, select Submit.
    submit_changes(form, {"city": "成都市"})

    confirmation = AccountPage(page).confirmation
    expect(confirmation, f"the Account page confirms no save in {locale} after Submit").to_have_text(SAVED[locale])
    said = confirmation.inner_text().replace(customer.companyName, "")  # a name may hold 未 ("未来科技")
    assert not REFUSED[locale].search(said), f"the confirmation refuses: {said!r}"
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="成都市")


@pytest.mark.parametrize("locale", ["fr-FR", "zh-CN"])  # en-US's: test_update_account.py
def test_every_field_is_saved_in_each_language(
    locale: str, page_as: Callable[..., Page], customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a customer, and a new value for every field of its Bill-to info, typed on a page in this language
    customer = customers.create("CN")
    changes = {
        field: fresh_value(customers, "CN", field, getattr(customer.billing, field)) for field in EDITABLE_FIELDS
    }

    # When the workflow submits them
    shown = update_customer_account(page_as("global-admin", locale=locale), customer.companyName, changes)

    # Then every one is saved and shown, none left as it was nor taken from elsewhere
    expected = changed(customer.billing, changes)
    assert shown == as_shown(expected, shown)
    assert api.billing_profile(customer.id) == expected


# What the confirmation after Submit says in each language: that the information was updated or saved, in words a
# deployment may put otherwise ("Customer account information was updated.", "Changes saved"), never another
# action's ("The customer was added.") nor a refusal ("Your changes were not saved.").
SAVED = {
    "en-US": re.compile(r"\b(updated|saved)\b", re.IGNORECASE),
    "fr-FR": re.compile(r"\bmise?s? à jour|\benregistrée?s?", re.IGNORECASE),
    "zh-CN": re.compile(r"已(成功)?(更新|保存)|(更新|保存)成功"),
}
REFUSED = {
    "en-US": re.compile(r"\bnot\b|n['’]t\b|\bfail", re.IGNORECASE),
    "fr-FR": re.compile(r"\bn['’]|\bpas\b|échec|impossible", re.IGNORECASE),
    "zh-CN": re.compile(r"未|失败|无法"),
}


# What the confirmation after Add customer says in each language: that the customer was added or created, in words a
# deployment may put otherwise.
ADDED = {
    "en-US": re.compile(r"\b(added|created)\b", re.IGNORECASE),
    "fr-FR": re.compile(r"\b(ajouté|créé)", re.IGNORECASE),
    "zh-CN": re.compile(r"已(成功)?(添加|创建)|(添加|创建)成功"),
}


@pytest.mark.parametrize("locale", DOCUMENTED)
def test_add_customer_confirms_in_the_page_language(
    locale: str, page_as: Callable[..., Page], customers: CustomerFactory
) -> None:
    # When a customer is added on a page in this language
    page = page_as("global-admin", locale=locale)
    added = add_customer(page, NewCustomer(**customers.values("CN")))

    # Then its Account page says so in that language, refusing nothing
    confirmation = AccountPage(page).confirmation
    expect(confirmation, f"the Account page confirms no new customer in {locale}").to_have_text(ADDED[locale])
    said = confirmation.inner_text().replace(added.companyName, "")
    assert not REFUSED[locale].search(said), f"the confirmation refuses: {said!r}"


@pytest.mark.parametrize("locale", DOCUMENTED)
def test_validation_message_speaks_the_page_language(
    locale: str,
    page_as: Callable[..., Page],
    customers: CustomerFactory,
    portal_words: PortalWords,
    field_limits: Mapping[str, int],
) -> None:
    customer = customers.create("CN")
    listed = open_customers(page_as("global-admin", locale=locale))
    form = listed.choose(customer.companyName).account().edit()  # type: ignore[union-attr]
    too_long = "x" * (field_limits["firstName"] + 1)
    # One of each kind: format, required, length, shape, a country's phone pattern and states, a company's name
    invalid = {
        "postalCode": "12", "city": "", "firstName": too_long, "email": "not-an-address", "phoneNumber": "12",
        "state": "Atlantis", "companyName": "x",
    }  # fmt: skip
    if lists_states(form) is not False:  # a list takes none of its own: refused before it is sent
        del invalid["state"]

    with pytest.raises(ValidationError) as refused:
        submit_changes(form, invalid)

    said, shown = portal_words[locale], refused.value.field_errors
    assert DOCUMENTED[locale].postal_code in shown["postalCode"]
    expected = {
        "postalCode": said["postal"], "city": said["required"], "firstName": said["too_long"], "email": said["email"],
        "phoneNumber": said["phone"], "state": said["state"], "companyName": said["company"],
    }  # fmt: skip
    expected = {field: words for field, words in expected.items() if field in invalid}
    assert shown == expected, f"expected the field errors {expected}, the page showed {shown}"


@pytest.mark.parametrize("locale", DOCUMENTED)
def test_an_address_at_the_partner_s_own_domain_is_refused_in_the_page_language(
    locale: str,
    page_as: Callable[..., Page],
    customers: CustomerFactory,
    portal_words: PortalWords,
    partner_domain: str,
) -> None:
    customer = customers.create("CN")
    form = AccountEditPage(page_as("global-admin", locale=locale)).open(customer.id)

    with pytest.raises(ValidationError) as refused:
        submit_changes(form, {"email": f"billing@{partner_domain}"})

    expected = {"email": portal_words[locale]["partner_domain"]}
    shown = refused.value.field_errors
    assert shown == expected, f"expected the field errors {expected}, the page showed {shown}"


@pytest.mark.parametrize("locale", ["fr-FR", "zh-CN"])
def test_the_conflict_message_speaks_the_page_language(
    locale: str,
    page_as: Callable[..., Page],
    customers: CustomerFactory,
    api: PortalApi,
    portal_words: PortalWords,
) -> None:
    customer = customers.create("CN")
    form = AccountEditPage(page_as("admin-agent", locale=locale)).open(customer.id)
    api.update_billing(customer.id, {"city": "南昌市"})

    with pytest.raises(EditConflictError):
        submit_changes(form, {"addressLine2": "B 座"})

    # Said where a person sees it, in the portal's words: an alert, or a bar of a deployment's own
    expect(form.page.get_by_text(portal_words[locale]["conflict"]).filter(visible=True).first).to_be_visible()
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="南昌市")


@pytest.mark.parametrize("locale", DOCUMENTED)
def test_an_empty_search_says_so_in_the_page_language(
    locale: str, page_as: Callable[..., Page], run_id: str, portal_words: PortalWords
) -> None:
    listed = open_customers(page_as("helpdesk-agent", locale=locale)).search(f"no-such-{run_id}")

    expect(listed.no_results).to_have_text(portal_words[locale]["no_customers"])


def test_the_language_picker_turns_the_portal_to_that_language_and_keeps_it(page_as: Callable[..., Page]) -> None:
    # Given a browser that prefers English
    page = page_as("sales-agent", locale="en-US")
    DashboardPage(page).open()

    # When the person picks French (a link or button named in French, as language pickers name each language)
    link_or_button(page, re.compile(r"^\s*Français\s*$")).click()

    # Then the page speaks French, and so does the next one
    expect(page.get_by_role("heading", level=1)).to_have_text(DOCUMENTED["fr-FR"].dashboard)
    CustomersPage(page).open()
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^fr(-FR)?$", re.IGNORECASE))
    expect(page.get_by_role("heading", level=1)).to_have_text(DOCUMENTED["fr-FR"].customers)
