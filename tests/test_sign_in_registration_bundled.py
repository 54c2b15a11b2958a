"""Signing in as a user with no authenticator app at the bundled provider, which asks to register one: while the
account's grace period lasts, the sign-in skips it and lands on the Dashboard; without one, it is MFA required."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from fixtures.directory import Directory, User
from flows import MfaRequiredError, sign_in
from flows.trace_secrets import keep_out_of_traces

# Registers users at the bundled provider's user API, with a grace period no deployment's admin API gives here.
pytestmark = [pytest.mark.regression, pytest.mark.bundled]

# The skip's words for 14 days left, as the bundled provider says them in each language.
SKIPS = {
    "en-US": "Skip for now (14 days until this is required)",
    "fr-FR": "Ignorer pour le moment (14 jours avant que ce soit obligatoire)",
    "zh-CN": "暂时跳过 (在 14 天后需要执行此操作)",
}


@pytest.fixture
def make_unregistered_user(directory: Directory | None, run_id: str) -> Callable[[int | None], User]:
    """Return a new sales agent without an authenticator, who may skip registering one for the days given."""
    assert directory is not None, "the bundled provider's user API answers"

    def make(grace_days: int | None) -> User:
        name = f"sales-agent-{run_id}-unregistered-{secrets.token_hex(3)}"
        user = directory.register(name, "sales-agent", authenticator=False, registration_grace_days=grace_days)
        keep_out_of_traces(user.password)
        return user

    return make


@pytest.mark.parametrize("locale", SKIPS)
def test_a_grace_period_to_register_is_skipped_with_a_warning_and_signs_in(
    new_context: Callable[..., BrowserContext],
    make_unregistered_user: Callable[[int | None], User],
    caplog: pytest.LogCaptureFixture,
    locale: str,
) -> None:
    # Given a user who may skip registering an authenticator for 14 days
    user = make_unregistered_user(14)

    # When a script signs in as them, in the browser's language
    with caplog.at_level(logging.WARNING, logger="flows"):
        dashboard = sign_in(new_context(locale=locale).new_page(), user.name, user.password)

    # Then it lands on the Dashboard, having warned that the grace period counts down
    expect(dashboard.menu).to_be_visible()
    warned = [record.getMessage() for record in caplog.records if "grace period" in record.getMessage()]
    assert len(warned) == 1 and SKIPS[locale] in warned[0]


@pytest.mark.parametrize("locale", SKIPS)
def test_registration_due_now_is_mfa_required_saying_it_cannot_be_skipped(
    new_context: Callable[..., BrowserContext], make_unregistered_user: Callable[[int | None], User], locale: str
) -> None:
    # Given a user who must register an authenticator now
    user = make_unregistered_user(None)

    # When a script signs in as them, then it is told MFA must be registered, with no skip offered
    with pytest.raises(MfaRequiredError, match="offers no 'Skip for now'"):
        sign_in(new_context(locale=locale).new_page(), user.name, user.password)
