"""A user without an authenticator app, where MFA is asked: "More information required", which may be skipped for a
while ("Skip for now (14 days until this is required)") when the account's registrationGraceDays says so."""

from __future__ import annotations

from typing import Any

import pytest
from idp_journey import AuthRequest, UserAgent, auth_request, markup_of, page_of
from test_idp_users_api import NEW_USER, add_user, bearer
from werkzeug.test import TestResponse

from fixtures.identity import PARTNER_DOMAIN

DAY = 24 * 3600
# (ui_locales, heading, the skip's words for 14 days left), as the provider's catalog says them.
LOCALES = {
    "en": ("en-US", "More information required", "Skip for now (14 days until this is required)"),
    "fr": ("fr-FR", "Plus d’informations requises", "Ignorer pour le moment (14 jours avant que ce soit obligatoire)"),
    "zh": ("zh-CN", "需要更多信息", "暂时跳过 (在 14 天后需要执行此操作)"),
}


def registration_page(agent: UserAgent, locale: str = "en-US", request: AuthRequest | None = None) -> TestResponse:
    """Sign the new user in where MFA is asked, up to the page that asks to register a way to verify."""
    request = request or auth_request(amr_values="mfa", prompt="login", ui_locales=locale)
    page = agent.submit(agent.authorize(request), loginfmt=NEW_USER["userPrincipalName"])
    return agent.submit(page, passwd=NEW_USER["password"])


@pytest.mark.parametrize(("locale", "heading", "skip"), LOCALES.values(), ids=LOCALES)
def test_a_grace_period_offers_skip_for_now_counting_its_days(
    agent: UserAgent, locale: str, heading: str, skip: str
) -> None:
    # Given a user without an authenticator, who may skip registering one for 14 days
    add_user(agent, registrationGraceDays=14)
    # When the user signs in where MFA is asked
    shown = markup_of(registration_page(agent, locale))
    # Then the page asks for more information, and offers to skip it, saying the days left
    assert shown.headings == [heading] and shown.buttons == [skip]


@pytest.mark.parametrize(("locale", "heading", "skip"), LOCALES.values(), ids=LOCALES)
def test_without_a_grace_period_registration_is_required_with_nothing_to_skip(
    agent: UserAgent, locale: str, heading: str, skip: str
) -> None:
    # Given a user without an authenticator, and no grace period
    add_user(agent)
    # When the user signs in where MFA is asked
    page = registration_page(agent, locale)
    # Then the page asks for more information with nothing to submit: no skip
    assert markup_of(page).headings == [heading] and page_of(page).action is None
    assert skip.split()[0] not in page.get_data(as_text=True)


def test_skip_for_now_signs_in_with_the_password_only(agent: UserAgent) -> None:
    # Given a user in a grace period, at the page asking to register
    add_user(agent, registrationGraceDays=3)
    request = auth_request(amr_values="mfa", prompt="login")
    page = registration_page(agent, request=request)
    # When the user selects "Skip for now", then says No to "Stay signed in?"
    redirect = agent.submit(agent.submit(page, skipMfaRegistration="skip"), staySignedIn="no")
    # Then the sign-in ends, its tokens saying a password only: no MFA was done
    tokens = agent.tokens(redirect, request).json
    assert agent.verified_claims(tokens["id_token"])["amr"] == ["pwd"]


def test_the_grace_period_counts_down_then_ends(agent: UserAgent) -> None:
    # Given a user whose grace period of 2 days began now
    add_user(agent, registrationGraceDays=2)
    # When all but half an hour of it has passed, then one day is left: a part of a day counts as one
    agent.clock.advance(2 * DAY - 1800)
    offered = registration_page(agent)
    assert markup_of(offered).buttons == ["Skip for now (1 day until this is required)"]
    # When it is over, then there is nothing to skip, and the skip offered half an hour before is not taken
    agent.clock.advance(1800)
    late = agent.submit(offered, skipMfaRegistration="skip")
    assert markup_of(late).headings == ["More information required"] and page_of(late).action is None
    assert page_of(registration_page(agent)).action is None


@pytest.mark.parametrize(
    "days",
    [
        pytest.param(0, id="zero"),
        pytest.param(15, id="over-14"),
        pytest.param("14", id="text"),
        pytest.param(1.5, id="part-of-a-day"),
    ],
)
def test_a_grace_period_not_of_1_to_14_whole_days_is_refused(agent: UserAgent, days: Any) -> None:
    # When an admin adds a user with such a grace period
    answer = add_user(agent, registrationGraceDays=days)
    # Then Graph's 400 names the property
    assert answer.status_code == 400 and "registrationGraceDays" in answer.json["error"]["message"]


def test_the_user_api_shows_and_changes_the_days_left(agent: UserAgent) -> None:
    # Given a user added with 14 days to register
    created = add_user(agent, registrationGraceDays=14).json
    # When an admin ends the grace period
    upn = f"new-agent@{PARTNER_DOMAIN}"
    agent.client.patch(f"/v1.0/users/{upn}", json={"registrationGraceDays": None}, headers=bearer(agent))
    # Then the user showed 14 days, and shows none now
    shown = agent.client.get(f"/v1.0/users/{upn}", headers=bearer(agent)).json
    assert created["registrationGraceDays"] == 14 and shown["registrationGraceDays"] is None
