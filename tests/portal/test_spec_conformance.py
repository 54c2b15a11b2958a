"""Where the bundled portal must behave as the spec says Partner Center (21Vianet) does."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from html_elements import find

from fixtures.identity import constants as provider_constants
from fixtures.portal import identity as portal_identity
from fixtures.portal.auth import BILLING_EDITORS
from fixtures.portal.billing import EDITABLE_FIELDS, save_billing_profile
from fixtures.portal.db import get_db
from plugins import sign_ins

SignIn = Callable[[str], str]
CustomerOf = Callable[[str], str]
Stored = Callable[[str], dict[str, str]]

CONFLICT = (
    "Someone else changed this customer’s billing information after you opened this form. Nothing was saved."
    " Open the form with the latest information below, then submit again."
)


def form_of(profile: dict[str, str], csrf: str, **changes: str) -> dict[str, str]:
    """Return the edit form as Submit sends it: every editable field, the etag and the CSRF token."""
    return {**{f: profile[f] for f in EDITABLE_FIELDS}, **changes, "etag": profile["etag"], "csrf_token": csrf}


def input_values(page: str) -> dict[str, str]:
    """Return the value of each named input of the page."""
    return {e.attrs["name"]: e.attrs.get("value", "") for e in find(page, "input") if "name" in e.attrs}


def test_stale_submit_holding_an_invalid_value_is_told_of_the_conflict_and_saves_nothing(
    app: Flask, client: FlaskClient, sign_in: SignIn, customer_of: CustomerOf, stored_profile: Stored
) -> None:
    # Given an edit form opened, then the profile changed by someone else
    csrf = sign_in("admin-agent")
    customer_id = customer_of("CN")
    opened = stored_profile(customer_id)
    with app.app_context():
        save_billing_profile(get_db(), customer_id, {**opened, "city": "天津"}, opened["etag"])
    latest = stored_profile(customer_id)

    # When the form is submitted with the etag it was opened with, and a postal code China refuses
    url = f"/customers/{customer_id}/account/edit"
    response = client.post(url, data=form_of(opened, csrf, city="广州", postalCode="ABC"))

    # Then the agent is told of the conflict (the spec: whatever the form holds), the typed values stay in it
    page = response.get_data(as_text=True)
    assert CONFLICT in [e.text for e in find(page, "p", role="alert")]
    shown = input_values(page)
    assert {k: shown[k] for k in ("city", "postalCode", "etag")} == {
        "city": "广州",
        "postalCode": "ABC",
        "etag": opened["etag"],
    }
    # ... nothing is saved, nor after the values are corrected, until the form is opened again
    assert stored_profile(customer_id) == latest
    client.post(url, data=form_of(opened, csrf, city="广州", postalCode="510000"))
    assert stored_profile(customer_id) == latest


def test_the_roles_are_one_list_in_the_portal_its_provider_and_the_suite() -> None:
    # The suite's own (its plugins never import the portal or its provider): a role added to one
    # alone would sign in as no one, or be checked by no test; the suite takes its first three for the editors
    assert portal_identity.ROLES == provider_constants.ROLES == sign_ins.ROLES
    assert set(sign_ins.ROLES[:3]) == BILLING_EDITORS
