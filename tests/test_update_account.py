"""The documented workflow and what it saves: Dashboard → Customers → customer → Account → Edit → Submit."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from forged_requests import with_field
from list_pages import page_size
from playwright.sync_api import Page, Route, expect

from fixtures.api_client import PortalApi
from fixtures.test_data import HOME_CULTURES, CustomerFactory, as_shown, changed, language_of
from flows import AmbiguousCustomerError, edit_account, submit_changes, update_customer_account
from pages import EDITABLE_FIELDS, AccountPage, BillingProfile
from plugins.portal_requests import PortalRequests

pytestmark = [pytest.mark.regression, pytest.mark.shared_data]
DOMAIN_SUFFIX = ".partner.onmschina.cn"  # every customer tenant's primary domain in the 21Vianet cloud


# China's cultures as Partner Center lists them: a Chinese customer's culture changes to the other one.
CHINA_CULTURES = ("zh-CN", "en-US")


def fresh_value(customers: CustomerFactory, country: str, field: str, old: str) -> str:
    """Return a new valid value for ``field`` that differs from ``old``."""
    if field == "culture":
        assert country == "CN", f"the test knows China's cultures alone, not {country}'s"
        return next(culture for culture in CHINA_CULTURES if culture != old)
    for _ in range(20):
        value = customers.values(country)[field] or customers.fake(country).street_address()
        if value != old:
            return value
    raise AssertionError(f"faker gave {field}={old!r} twenty times")


@pytest.mark.smoke
def test_submitted_changes_persist_after_a_fresh_load_and_in_the_api(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a customer of our own
    customer = customers.create("CN")
    changes = {
        field: fresh_value(customers, "CN", field, getattr(customer.billing, field))
        for field in ("city", "addressLine1", "firstName")
    }

    # When the documented workflow submits new values
    shown = update_customer_account(admin_page, customer.companyName, changes)

    # Then the portal confirms and shows them, after a fresh load too, and the API has them
    expected = dataclasses.replace(customer.billing, **changes)
    expect(AccountPage(admin_page).confirmation, "the Account page shows no confirmation after Submit").to_be_visible()
    assert shown == as_shown(expected, shown)
    # (loaded anew at its address: a portal may keep its form shown after saving, where a reload shows the form)
    loaded = AccountPage(admin_page).open(customer.id).billing_profile()
    assert loaded == as_shown(expected, loaded)
    assert api.billing_profile(customer.id) == expected


@pytest.mark.parametrize("country", ["CN", "US", "FR", "CA", "MX"])
def test_a_new_customer_is_stored_with_every_field_it_was_sent(
    country: str, customers: CustomerFactory, api: PortalApi
) -> None:
    # When a customer is created through the API with values this test chose
    culture = HOME_CULTURES[country]
    sent = {**customers.values(country), "culture": culture, "language": language_of(culture)}
    customer = customers.create(**sent)

    # Then every one of them is stored, and shown back as sent: none dropped, trimmed or swapped
    stored = api.billing_profile(customer.id)
    assert stored == BillingProfile.from_mapping(sent), "the API stores what was sent"
    company = api.call("GET", f"v1/customers/{customer.id}/profiles/company")
    assert (company["companyName"], company["domain"]) == (
        sent["companyName"],
        f"{sent['domainPrefix']}{DOMAIN_SUFFIX}",
    )


ACCEPTED_FORMATS = [
    pytest.param("CN", {"phoneNumber": "+86 13800138000", "postalCode": "200120", "state": "上海市"}, id="cn-plus-86"),
    pytest.param("US", {"postalCode": "98101-1234", "state": "WA", "phoneNumber": "(425) 555-0100"}, id="us-zip+4"),
    pytest.param(
        "FR", {"phoneNumber": "+33 (0)1 23 45 67 89", "postalCode": "75008", "state": "Bretagne"}, id="fr-plus-33-0"
    ),  # a state in free text: France's rules list none
    pytest.param("CA", {"state": "QC", "postalCode": "H2X 1Y4", "phoneNumber": "+1 514-555-0100"}, id="ca-province"),
    pytest.param("MX", {"state": "JAL", "postalCode": "44100", "phoneNumber": "+52 33 1234 5678"}, id="mx-state-code"),
]


@pytest.mark.parametrize(("country", "changes"), ACCEPTED_FORMATS)
def test_each_country_s_accepted_formats_are_saved_as_typed(
    country: str, changes: dict[str, str], admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    customer = customers.create(country)

    update_customer_account(admin_page, customer.companyName, changes)

    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, **changes)


def test_the_account_page_and_its_form_show_the_culture_and_language(
    admin_page: Page, customers: CustomerFactory
) -> None:
    # Given a customer made with a culture of its country's that is not its own
    customer = customers.create("CN", culture="en-US", language="en")

    # Then the Bill-to info shows both, and the form offers the culture, as Partner Center's Account page does
    shown = AccountPage(admin_page).open(customer.id).billing_profile()
    assert (shown.culture, shown.language) == ("en-US", "en")
    held = edit_account(admin_page, customer.id).values()
    assert held.get("culture") == "en-US", f"the edit form offers no Culture holding en-US: {held}"


@pytest.mark.parametrize("field", EDITABLE_FIELDS)
def test_each_field_alone_is_saved(field: str, admin_page: Page, customers: CustomerFactory, api: PortalApi) -> None:
    country = "CN" if field == "culture" else "US"  # one culture in the US: none other to choose
    customer = customers.create(country)
    new = fresh_value(customers, country, field, getattr(customer.billing, field))

    update_customer_account(admin_page, customer.companyName, {field: new})

    assert api.billing_profile(customer.id) == changed(customer.billing, {field: new})


def test_the_bill_to_company_name_changed_leaves_the_customer_s_own_name_as_it_was(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a customer of our own, its company profile (read-only, the spec says) as made
    customer = customers.create("CN")
    made = api.call("GET", f"v1/customers/{customer.id}/profiles/company")

    # When the Bill-to info's company name is changed
    new_name = fresh_value(customers, "CN", "companyName", customer.billing.companyName)
    update_customer_account(admin_page, customer.companyName, {"companyName": new_name})

    # Then the Bill-to info holds the new name, and the customer's own name (its company profile) is the old one
    assert api.billing_profile(customer.id).companyName == new_name
    company = api.call("GET", f"v1/customers/{customer.id}/profiles/company")
    assert company["companyName"] == made["companyName"] == customer.companyName, f"the company profile: {company}"


@pytest.mark.parametrize("country", ["CN", "FR", "US"])
def test_all_fields_together_are_saved(
    country: str, admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    customer = customers.create(country)
    fields = [field for field in EDITABLE_FIELDS if field != "culture" or country == "CN"]  # cultures: China's known
    changes = {field: fresh_value(customers, country, field, getattr(customer.billing, field)) for field in fields}

    update_customer_account(admin_page, customer.companyName, changes)

    loaded = AccountPage(admin_page).open(customer.id).billing_profile()
    assert loaded == as_shown(changed(customer.billing, changes), loaded)
    assert api.billing_profile(customer.id) == changed(customer.billing, changes)


@pytest.mark.parametrize("country", ["CN", "FR", "US"])
def test_optional_fields_emptied_are_saved_empty(
    country: str, admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a customer whose optional fields (phone number, address line 2) are filled in
    customer = customers.create(country)
    api.update_billing(customer.id, {"addressLine2": "Building 2"})
    filled = dataclasses.replace(customer.billing, addressLine2="Building 2")
    assert filled.phoneNumber, f"the test's customer has no phone number to empty: {filled}"
    assert api.billing_profile(customer.id) == filled, "the portal did not store the filled-in address line 2"

    # When both are emptied and submitted
    saved = update_customer_account(admin_page, customer.companyName, {"phoneNumber": "", "addressLine2": ""})

    # Then they are saved empty, the rest unchanged
    expected = dataclasses.replace(customer.billing, phoneNumber="", addressLine2="")
    assert saved == as_shown(expected, saved)
    assert api.billing_profile(customer.id) == expected


def test_cancel_changes_nothing(admin_page: Page, customers: CustomerFactory, api: PortalApi) -> None:
    customer = customers.create("FR")
    form = edit_account(admin_page, customer.companyName).fill({"city": "Lyon", "postalCode": "69001"})

    account = form.cancel()

    shown = account.billing_profile()
    assert shown == as_shown(customer.billing, shown)
    assert api.billing_profile(customer.id) == customer.billing


def test_a_form_that_guards_against_leaving_it_unsaved_is_saved_all_the_same(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given an edit form that asks "Leave this page?" before the browser leaves it (an unsaved-changes guard)
    customer = customers.create("FR")
    form = edit_account(admin_page, customer.companyName).fill({"city": "Lyon", "postalCode": "69001"})
    guard = "addEventListener('beforeunload', (event) => { event.preventDefault(); event.returnValue = ''; })"
    admin_page.evaluate(guard)

    # When it is submitted, then Submit leaves it as a person's Submit does: the changes are saved
    form.submit()
    saved = api.billing_profile(customer.id)
    assert (saved.city, saved.postalCode) == ("Lyon", "69001")


def test_country_is_shown_but_cannot_be_changed(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, portal_requests: PortalRequests
) -> None:
    # Given the edit form of a customer in China
    customer = customers.create("CN")
    form = edit_account(admin_page, customer.companyName)
    expect(form.country).to_have_value("CN")
    expect(form.country).not_to_be_editable()

    # When its Submit of a valid change is tampered with on the way, to carry another country
    tampered: list[str] = []

    def carrying_france(route: Route) -> None:
        tampered.append(route.request.url)
        route.continue_(post_data=with_field(route.request.post_data or "", "country", lambda _: "FR"))

    portal_requests.route_submit(admin_page, carrying_france, customer.id)
    shown = submit_changes(form, {"city": "北京市"})

    # Then the portal saves the change, and not the country
    assert len(tampered) == 1, "Submit's request was not the one tampered with"
    saved = dataclasses.replace(customer.billing, city="北京市")
    assert (shown, api.billing_profile(customer.id)) == (as_shown(saved, shown), saved)


def test_a_company_name_two_customers_share_is_refused_and_neither_changes(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given two customers of the same company name (domains are unique, names are not)
    first = customers.create("CN")
    second = customers.create("CN", companyName=first.companyName)

    # When the workflow is asked to change "that" customer
    with pytest.raises(AmbiguousCustomerError, match="2 customers are named") as refused:
        update_customer_account(admin_page, first.companyName, {"city": "Shanghai"})

    # Then it says the name is ambiguous, and neither customer changed
    assert refused.value.company_name == first.companyName
    assert [api.billing_profile(c.id) for c in (first, second)] == [first.billing, second.billing]

    # And by its Microsoft ID (as an export writes it: upper case, in braces), the second one changes alone
    update_customer_account(admin_page, f"{{{second.id.upper()}}}", {"city": "Shanghai"})
    assert [api.billing_profile(c.id).city for c in (first, second)] == [first.billing.city, "Shanghai"]


@pytest.mark.parametrize(
    ("listed", "asked"),
    [("（上海）", "(上海)"), ("(上海)", "（上海）")],
    ids=["listed-full-width-asked-half", "listed-half-width-asked-full"],
)
def test_a_name_asked_with_its_parentheses_in_the_other_width_is_that_customer(
    admin_page: Page, customers: CustomerFactory, api: PortalApi, listed: str, asked: str
) -> None:
    # Given a Chinese company name with a branch in parentheses, listed in one width
    name = f"北京{customers.run_id}科技有限公司"
    customer = customers.create("CN", companyName=name + listed)

    # When the workflow is asked for it as a spreadsheet may write it, the parentheses in the other width
    update_customer_account(admin_page, name + asked, {"city": "Shanghai"})

    # Then that customer changed
    assert api.billing_profile(customer.id) == dataclasses.replace(customer.billing, city="Shanghai")


def test_two_names_differing_only_in_the_width_of_their_parentheses_are_ambiguous(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given two customers whose names differ only in the width of their parentheses
    name = f"北京{customers.run_id}科技有限公司"
    full, half = (
        customers.create("CN", companyName=name + "（上海）"),
        customers.create("CN", companyName=name + "(上海)"),
    )

    # When the workflow is asked for one of them, written exactly
    with pytest.raises(AmbiguousCustomerError, match="2 customers are named"):
        update_customer_account(admin_page, full.companyName, {"city": "Shanghai"})

    # Then neither changed: which of them was meant cannot be told
    assert [api.billing_profile(c.id) for c in (full, half)] == [full.billing, half.billing]


def test_a_company_name_shared_across_a_page_break_is_refused_too(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given two customers of one name, with a full page of customers whose names start alike between them
    first = customers.create("CN")
    for number in range(page_size(admin_page)):
        customers.create("CN", companyName=f"{first.companyName} {number:02}")
    second = customers.create("CN", companyName=first.companyName)

    # When the workflow is asked to change "that" customer: the list shows one on each page
    with pytest.raises(AmbiguousCustomerError, match="2 customers are named"):
        update_customer_account(admin_page, first.companyName, {"city": "Shanghai"})

    # Then neither changed
    assert [api.billing_profile(c.id) for c in (first, second)] == [first.billing, second.billing]


def test_a_unique_name_on_the_first_of_two_pages_of_results_is_changed(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a customer whose search lists a full page of others whose names start alike after it
    customer = customers.create("CN")
    size = page_size(admin_page)
    others = [customers.create("CN", companyName=f"{customer.companyName} {number:02}") for number in range(size)]

    # When the workflow changes it (looking through both pages for another of its name first)
    shown = update_customer_account(admin_page, customer.companyName, {"city": "Shanghai"})

    # Then that customer changed, and none of the others
    assert shown.city == "Shanghai"
    assert api.billing_profile(customer.id).city == "Shanghai"
    assert [api.billing_profile(other.id) for other in others] == [other.billing for other in others]


def test_a_name_written_decomposed_finds_its_customer(
    admin_page: Page, customers: CustomerFactory, api: PortalApi
) -> None:
    # Given a customer whose name has accents, as the portal stores it (composed), and the name as macOS writes it
    customer = customers.create("FR", companyName=f"Société Générale {customers.run_id}")
    decomposed = unicodedata.normalize("NFD", customer.companyName)
    assert decomposed != customer.companyName

    # When the workflow is given the decomposed name, then it changes that customer
    shown = update_customer_account(admin_page, decomposed, {"city": "Orléans"})

    assert shown.city == "Orléans"
    assert api.billing_profile(customer.id).city == "Orléans"
