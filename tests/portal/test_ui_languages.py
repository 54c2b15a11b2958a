"""The portal speaks en-US, fr-FR and zh-CN with the documented strings, and keeps values in any script.

Expected strings are copied from the spec's tables (partner-center-spec.md), not imported from the
portal's catalog: a wrong or missing translation must fail here.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from html_elements import Elements, texts

from fixtures.portal.billing import EDITABLE_FIELDS

SignIn = Callable[[str], str]
CustomerOf = Callable[[str], str]
Stored = Callable[[str], dict[str, str]]

# The spec's "UI strings" table.
UI_STRINGS = {
    "en-US": {
        "dashboard": "Dashboard",
        "customers": "Customers",
        "account": "Account",
        "edit": "Edit",
        "submit": "Submit",
        "cancel": "Cancel",
        "add_customer": "Add customer",
        "update_title": "Update customer account information",
        "portal": "Partner Center operated by 21Vianet",
    },
    "fr-FR": {
        "dashboard": "Tableau de bord",
        "customers": "Clients",
        "account": "Compte",
        "edit": "Modifier",
        "submit": "Envoyer",
        "cancel": "Annuler",
        "add_customer": "Ajouter un client",
        "update_title": "Mettre à jour les informations de compte client",
        "portal": "Espace partenaires géré par 21Vianet",
    },
    "zh-CN": {
        "dashboard": "仪表板",
        "customers": "客户",
        "account": "帐户",
        "edit": "编辑",
        "submit": "提交",
        "cancel": "取消",
        "add_customer": "添加客户",
        "update_title": "更新客户帐户信息",
        "portal": "由世纪互联运营的合作伙伴中心",
    },
}
# The spec's "Field labels" table, in the form's order.
FIELD_LABELS = {
    "en-US": (
        "Company name",
        "First name",
        "Last name",
        "Email",
        "Phone number",
        "Address line 1",
        "Address line 2",
        "City",
        "State/Province",
        "Postal code",
        "Country/Region",
    ),
    "fr-FR": (
        "Nom de la société",
        "Prénom",
        "Nom",
        "Adresse e-mail",
        "Numéro de téléphone",
        "Adresse ligne 1",
        "Adresse ligne 2",
        "Ville",
        "État/Province",
        "Code postal",
        "Pays/Région",
    ),
    "zh-CN": (
        "公司名称",
        "名字",
        "姓氏",
        "电子邮件",
        "电话号码",
        "地址行 1",
        "地址行 2",
        "城市",
        "省/自治区/直辖市",
        "邮政编码",
        "国家/地区",
    ),
}
FORM_FIELDS = (*EDITABLE_FIELDS, "country")
LOCALES = [pytest.param(locale, id=locale) for locale in UI_STRINGS]


def html_lang(page: str) -> str:
    """Return the ``lang`` of the page's ``<html>`` element."""
    return Elements(page).found[0].attrs["lang"]


def page_in(client: FlaskClient, path: str, language: str) -> str:
    """Open ``path`` with a browser whose Accept-Language is ``language``; return the HTML."""
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code in (200, 422), response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("accept_language", "locale"),
    [
        pytest.param("en-US", "en-US", id="en-US"),
        pytest.param("fr-FR", "fr-FR", id="fr-FR"),
        pytest.param("zh-CN", "zh-CN", id="zh-CN"),
        pytest.param("fr-CA", "fr-FR", id="fr-CA-to-fr-FR"),
        pytest.param("zh-Hans-CN", "zh-CN", id="zh-Hans-CN-to-zh-CN"),
        pytest.param("de", "en-US", id="de-to-en-US"),
        pytest.param("de-DE, zh;q=0.8, en;q=0.5", "zh-CN", id="first-spoken-preference"),
    ],
)
def test_page_language_follows_the_browser(client: FlaskClient, accept_language: str, locale: str) -> None:
    # Given a browser that prefers a language
    # When it opens a page anyone may see (after signing out)
    page = page_in(client, "/signed-out", accept_language)

    # Then the page is in the closest language the portal speaks
    assert html_lang(page) == locale


@pytest.mark.parametrize("locale", LOCALES)
def test_banner_and_dashboard_menu_use_the_documented_strings(
    client: FlaskClient, sign_in: SignIn, locale: str
) -> None:
    # Given a user signed in, in a browser that prefers the language
    sign_in("global-admin")

    # When the Dashboard is opened
    page = page_in(client, "/dashboard", locale)

    # Then the portal's name, the Dashboard and its Customers entry read as documented
    expected = UI_STRINGS[locale]
    assert texts(page, "span", **{"class": "product"}) == [expected["portal"]]
    assert texts(page, "h1") == [expected["dashboard"]]
    assert texts(page, "a", href="/customers") == [expected["customers"]]


@pytest.mark.parametrize("locale", LOCALES)
def test_customer_list_offers_add_customer_as_documented(client: FlaskClient, sign_in: SignIn, locale: str) -> None:
    # Given a sales agent signed in, in a browser that prefers the language
    sign_in("sales-agent")

    # When the customer list is opened
    page = page_in(client, "/customers", locale)

    # Then its title and its Add customer link read as documented
    assert texts(page, "h1") == [UI_STRINGS[locale]["customers"]]
    assert texts(page, "a", href="/customers/new") == [UI_STRINGS[locale]["add_customer"]]


@pytest.mark.parametrize("locale", LOCALES)
def test_account_page_names_account_and_edit_as_documented(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, locale: str
) -> None:
    # Given an admin agent signed in, in a browser that prefers the language
    sign_in("admin-agent")
    customer_id = customer_of("CN")

    # When a customer's Account page is opened
    page = page_in(client, f"/customers/{customer_id}/account", locale)

    # Then the customer menu's current entry and the Edit link read as documented
    assert texts(page, "a", href=f"/customers/{customer_id}/account") == [UI_STRINGS[locale]["account"]]
    assert texts(page, "a", href=f"/customers/{customer_id}/account/edit") == [UI_STRINGS[locale]["edit"]]


@pytest.mark.parametrize("locale", LOCALES)
def test_edit_form_uses_the_documented_strings(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, locale: str
) -> None:
    # Given a global admin signed in, in a browser that prefers the language
    sign_in("global-admin")
    customer_id = customer_of("CN")

    # When the customer's edit form is opened
    page = page_in(client, f"/customers/{customer_id}/account/edit", locale)

    # Then its title, Submit and Cancel read as documented
    expected = UI_STRINGS[locale]
    assert texts(page, "h2") == [expected["update_title"]]
    assert expected["submit"] in texts(page, "button", type="submit")
    assert expected["cancel"] in texts(page, "a", href=f"/customers/{customer_id}/account")


@pytest.mark.parametrize("locale", LOCALES)
def test_edit_form_labels_every_field_as_documented(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, locale: str
) -> None:
    # Given a global admin signed in, in a browser that prefers the language
    sign_in("global-admin")

    # When a customer's edit form is opened
    page = page_in(client, f"/customers/{customer_of('FR')}/account/edit", locale)

    # Then every field's label reads as in the field labels table
    assert tuple(texts(page, "label", **{"for": name})[0] for name in FORM_FIELDS) == FIELD_LABELS[locale]


def test_language_picker_overrides_the_browser_language(client: FlaskClient, sign_in: SignIn) -> None:
    # Given a user signed in, in a browser that prefers Chinese
    sign_in("global-admin")

    # When French is picked, going back to the Dashboard
    response = client.get("/language/fr-FR?next=/dashboard", headers={"Accept-Language": "zh-CN"})

    # Then the Dashboard and later pages are in French, whatever the browser prefers
    assert (response.status_code, response.headers["Location"]) == (302, "/dashboard")
    assert html_lang(page_in(client, "/dashboard", "zh-CN")) == "fr-FR"
    assert texts(page_in(client, "/customers", "zh-CN"), "h1") == ["Clients"]


def test_language_picker_ignores_an_unknown_language(client: FlaskClient) -> None:
    # Given a browser that prefers Chinese
    # When a language the portal does not speak is picked
    response = client.get("/language/xx-XX?next=/signed-out", headers={"Accept-Language": "zh-CN"})

    # Then no language is remembered, and pages still follow the browser
    assert "locale=" not in " ".join(response.headers.getlist("Set-Cookie"))
    assert html_lang(page_in(client, "/signed-out", "zh-CN")) == "zh-CN"


@pytest.mark.parametrize(
    ("locale", "label", "english"),
    [
        pytest.param("en-US", "Postal code", None, id="en-US"),
        pytest.param("fr-FR", "Code postal", "not a valid", id="fr-FR"),
        pytest.param("zh-CN", "邮政编码", "not a valid", id="zh-CN"),
    ],
)
def test_validation_message_is_in_the_page_language_with_the_field_label(
    client: FlaskClient,
    sign_in: SignIn,
    customer_of: CustomerOf,
    stored_profile: Stored,
    locale: str,
    label: str,
    english: str | None,
) -> None:
    # Given an admin agent signed in, in a browser that prefers the language
    csrf = sign_in("admin-agent")
    customer_id = customer_of("CN")
    profile = stored_profile(customer_id)

    # When the edit form is submitted with a postal code China refuses
    form = {**{f: profile[f] for f in EDITABLE_FIELDS}, "postalCode": "ABC", "etag": profile["etag"]}
    response = client.post(
        f"/customers/{customer_id}/account/edit",
        data={**form, "csrf_token": csrf},
        headers={"Accept-Language": locale},
    )

    # Then the message is in the page's language and names the field by its label in that language
    page = response.get_data(as_text=True)
    (message,) = texts(page, "p", data_testid="error-postalCode")
    assert (response.status_code, html_lang(page)) == (422, locale)
    assert message.startswith(label)
    assert english is None or english not in message


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("北京市朝阳区建国路 88 号", id="chinese"),
        pytest.param("Société Générale, 29 bd Haussmann, Île-de-France", id="accents"),
        pytest.param("Cafe\u0301 de la Gare", id="combining-accent"),
        pytest.param("Bureau 🚀 ☕ 42", id="emoji"),
        pytest.param("ул. Льва Толстого, 16 / شارع 12", id="cyrillic-arabic"),
    ],
)
def test_values_in_any_script_round_trip_through_the_edit_form(
    client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, stored_profile: Stored, value: str
) -> None:
    # Given a global admin signed in, and a customer's profile
    csrf = sign_in("global-admin")
    customer_id = customer_of("CN")
    profile = stored_profile(customer_id)

    # When the edit form is submitted with an address line in that script
    form = {**{f: profile[f] for f in EDITABLE_FIELDS}, "addressLine1": value, "etag": profile["etag"]}
    client.post(f"/customers/{customer_id}/account/edit", data={**form, "csrf_token": csrf})

    # Then it is stored and shown on the Account page exactly as typed
    page = page_in(client, f"/customers/{customer_id}/account", "en-US")
    assert stored_profile(customer_id)["addressLine1"] == value
    assert texts(page, "dd", data_testid="billing-addressLine1") == [value]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        pytest.param("fr-FR", "Le formulaire a expiré. Rechargez la page et réessayez.", id="fr-FR"),
        pytest.param("zh-CN", "表单已过期。请重新加载页面，然后重试。", id="zh-CN"),
    ],
)
def test_expired_form_is_explained_in_the_page_language(
    client: FlaskClient, sign_in: SignIn, language: str, message: str
) -> None:
    sign_in("global-admin")

    response = client.post("/sign-out", data={"csrf_token": "from-an-old-page"}, headers={"Accept-Language": language})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_language_picked_in_the_portal_goes_on_to_the_sign_in_pages(client: FlaskClient) -> None:
    # Given French picked in the portal, in a browser that prefers English
    client.get("/language/fr-FR?next=/signed-out", headers={"Accept-Language": "en-US"})

    # When the person signs in
    response = client.get("/sign-in", headers={"Accept-Language": "en-US"})

    # Then the provider is asked for its pages in French (OpenID Connect's ui_locales)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["Location"]).query)["ui_locales"] == ["fr-FR"]
