"""The Account edit form refuses what the country's rules refuse, and saves nothing then."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from fixtures.portal.billing import EDITABLE_FIELDS

Stored = Callable[[str], dict[str, str]]


def form_of(profile: dict[str, str], csrf: str, **changes: str) -> dict[str, str]:
    """Return the edit form as Submit sends it: every editable field, the etag and the CSRF token."""
    return {**{f: profile[f] for f in EDITABLE_FIELDS}, **changes, "etag": profile["etag"], "csrf_token": csrf}


@pytest.mark.parametrize(
    ("country", "field", "value"),
    [
        pytest.param("CN", "postalCode", "10000", id="cn-postal-5-digits"),
        pytest.param("CN", "state", "Canton", id="cn-state-not-a-province"),
        pytest.param("CN", "phoneNumber", "12345", id="cn-phone"),
        pytest.param("US", "postalCode", "ABCDE", id="us-postal-letters"),
        pytest.param("US", "state", "Ontario", id="us-state-not-a-state"),
        pytest.param("FR", "postalCode", "750012", id="fr-postal-6-digits"),
        pytest.param("FR", "phoneNumber", "+33 12", id="fr-phone"),
        pytest.param("FR", "email", "ap@21vianet-partner.partner.onmschina.cn", id="fr-partner-email"),
    ],
)
def test_edit_form_refuses_values_the_country_refuses_and_saves_nothing(
    client: FlaskClient,
    sign_in: Callable[[str], str],
    customer_of: Callable[[str], str],
    stored_profile: Stored,
    country: str,
    field: str,
    value: str,
) -> None:
    # Given an admin agent signed in, and a customer of the country with its current profile
    csrf = sign_in("admin-agent")
    customer_id = customer_of(country)
    before = stored_profile(customer_id)

    # When the edit form is submitted with one value the country refuses
    response = client.post(f"/customers/{customer_id}/account/edit", data=form_of(before, csrf, **{field: value}))

    # Then the form comes back marking that field alone, keeping the typed value, and nothing is saved
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count('aria-invalid="true"') == 1 and f'data-testid="error-{field}"' in page
    assert f'value="{value}"' in page
    assert stored_profile(customer_id) == before


def test_edit_form_saves_values_the_country_accepts(
    client: FlaskClient, sign_in: Callable[[str], str], customer_of: Callable[[str], str], stored_profile: Stored
) -> None:
    # Given a sales agent signed in, and a Chinese customer
    csrf = sign_in("sales-agent")
    customer_id = customer_of("CN")
    before = stored_profile(customer_id)

    # When the form is submitted with a province code, a landline and another postal code
    changes = {"state": "GD", "phoneNumber": "020-87654321", "postalCode": "510000"}
    response = client.post(f"/customers/{customer_id}/account/edit", data=form_of(before, csrf, **changes))

    # Then it is saved, with a new etag, the province as the list names it
    assert response.status_code == 302
    after = stored_profile(customer_id)
    assert {f: after[f] for f in changes} == {**changes, "state": "广东省"} and after["etag"] != before["etag"]


def test_edit_form_saves_values_pasted_with_spaces_trimmed_as_add_customer_does(
    client: FlaskClient, sign_in: Callable[[str], str], customer_of: Callable[[str], str], stored_profile: Stored
) -> None:
    csrf = sign_in("admin-agent")
    customer_id = customer_of("US")
    before = stored_profile(customer_id)

    changes = {"state": " WA ", "postalCode": " 98052 "}
    response = client.post(f"/customers/{customer_id}/account/edit", data=form_of(before, csrf, **changes))

    assert response.status_code == 302
    after = stored_profile(customer_id)
    assert (after["state"], after["postalCode"]) == ("WA", "98052")


def test_the_saved_message_shows_on_the_page_its_submit_leads_to_once_and_in_no_other_tab(
    client: FlaskClient, sign_in: Callable[[str], str], customer_of: Callable[[str], str], stored_profile: Stored
) -> None:
    # Given an admin agent signed in, and a second tab (another browser, a second worker) on the same session
    csrf = sign_in("admin-agent")
    customer_id = customer_of("CN")
    assert client.application.config["SESSION_COOKIE_NAME"] == "session"
    other_tab = client.application.test_client()
    other_tab.set_cookie("session", client.get_cookie("session").value)  # type: ignore[union-attr]
    saved = 'role="status" class="confirmation">Customer account information was updated.'

    # When the form is saved, and the other tab loads a page before the saving tab follows its redirect
    response = client.post(
        f"/customers/{customer_id}/account/edit", data=form_of(stored_profile(customer_id), csrf, city="广州")
    )
    other_page = other_tab.get(f"/customers/{customer_id}/account").get_data(as_text=True)
    page_after_submit = client.get(response.location).get_data(as_text=True)
    reloaded = client.get(response.location).get_data(as_text=True)

    # Then the message is on the saving tab's page alone, and only once
    assert response.status_code == 302 and "广州" in other_page
    assert saved not in other_page
    assert saved in page_after_submit
    assert saved not in reloaded


def test_a_refused_form_puts_the_focus_on_its_first_invalid_field(
    client: FlaskClient, sign_in: Callable[[str], str], customer_of: Callable[[str], str], stored_profile: Stored
) -> None:
    # Given a form sent with two invalid fields: the email, then (further down) the postal code
    csrf = sign_in("global-admin")
    customer_id = customer_of("CN")
    sent = form_of(stored_profile(customer_id), csrf, email="not-an-address", postalCode="ABC")

    page = client.post(f"/customers/{customer_id}/account/edit", data=sent).get_data(as_text=True)

    # Then only the first of them, in the form's order, takes the focus (a keyboard user starts there)
    focused = re.findall(r'<input id="(\w+)"[^>]*\sautofocus', page)
    assert focused == ["email"], focused


@pytest.mark.parametrize(("country", "culture", "language"), [("CN", "en-US", "en"), ("FR", "en-US", "en")])
def test_the_culture_chosen_in_the_form_is_saved_with_its_language_and_the_rest(
    client: FlaskClient,
    sign_in: Callable[[str], str],
    customer_of: Callable[[str], str],
    stored_profile: Stored,
    country: str,
    culture: str,
    language: str,
) -> None:
    # Given a customer whose culture is its country's own, and its form offering the country's cultures
    csrf = sign_in("admin-agent")
    customer_id = customer_of(country)
    before = stored_profile(customer_id)
    page = client.get(f"/customers/{customer_id}/account/edit").get_data(as_text=True)
    offered = re.findall(r'<option value="([^"]+)"', page)
    assert before["culture"] != culture and sorted(offered) == sorted({before["culture"], culture}), offered

    # When another culture is chosen, with a new city
    sent = form_of(before, csrf, culture=culture, city="Wuxi")
    response = client.post(f"/customers/{customer_id}/account/edit", data=sent)

    # Then both are saved at once, the language following the culture
    after = stored_profile(customer_id)
    assert response.status_code == 302
    assert (after["culture"], after["language"], after["city"]) == (culture, language, "Wuxi")


def test_a_culture_the_country_does_not_have_is_refused_with_the_rest_of_the_form_kept(
    client: FlaskClient, sign_in: Callable[[str], str], customer_of: Callable[[str], str], stored_profile: Stored
) -> None:
    # Given a Chinese customer (its cultures: zh-CN and en-US)
    csrf = sign_in("global-admin")
    customer_id = customer_of("CN")
    before = stored_profile(customer_id)

    # When its form is sent with France's culture (a forged or stale form) and a new city
    response = client.post(
        f"/customers/{customer_id}/account/edit", data=form_of(before, csrf, culture="fr-FR", city="Wuxi")
    )

    # Then the culture alone is marked, naming the country's cultures, the city kept as typed, and nothing saved
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count('aria-invalid="true"') == 1 and 'data-testid="error-culture"' in page
    assert "zh-CN, en-US" in page and 'value="Wuxi"' in page
    assert stored_profile(customer_id) == before


def test_a_form_without_a_culture_keeps_the_stored_one(
    client: FlaskClient, sign_in: Callable[[str], str], customer_of: Callable[[str], str], stored_profile: Stored
) -> None:
    # Given a form sent as a client that knows only the text fields
    csrf = sign_in("admin-agent")
    customer_id = customer_of("FR")
    before = stored_profile(customer_id)

    response = client.post(f"/customers/{customer_id}/account/edit", data=form_of(before, csrf, city="Nantes"))

    # Then the city is saved and the culture and language stay as they were
    after = stored_profile(customer_id)
    assert response.status_code == 302 and after["city"] == "Nantes"
    assert (after["culture"], after["language"]) == (before["culture"], before["language"])
