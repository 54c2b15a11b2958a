"""A script's session whose sign-in ends at an error page that refuses nothing (a gateway's, or the portal's 400 at
its callback when the browser sent the provider's code twice over a dropped connection): tried once more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright

from fixtures.directory import User
from flows import portal_session
from flows import session as flows_session
from pages import DashboardPage, SignInInterruptedError

pytestmark = pytest.mark.regression


def interrupted(times: int, monkeypatch: pytest.MonkeyPatch) -> list[Page]:
    """Make the session's first ``times`` sign-ins end at a callback's 400 page, the rest sign in; return the pages
    each sign-in was given."""
    given: list[Page] = []
    real = flows_session.sign_in

    def sign_in(page: Page, *args: Any, **kwargs: Any) -> None:
        given.append(page)
        if len(given) <= times:
            raise SignInInterruptedError("The sign-in ended at the portal's 400 page at /signin-oidc", status=400)
        real(page, *args, **kwargs)

    monkeypatch.setattr(flows_session, "sign_in", sign_in)
    return given


def test_a_sign_in_interrupted_once_is_tried_once_more_in_a_new_page(
    base_url: str, make_user: Callable[[str], User], playwright: Playwright, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    user = make_user("admin-agent")
    given = interrupted(1, monkeypatch)

    with portal_session(
        base_url, user.name, user.password, totp_secret=user.totp_secret, playwright=playwright
    ) as page:
        # Then the session is signed in, in the second page; the first is closed
        DashboardPage(page).wait_until_ready()
        assert page is given[1] and given[0].is_closed() and page.context.pages == [page]

    assert len(given) == 2 and "The sign-in ended at an error page" in caplog.text, caplog.text


def test_a_sign_in_interrupted_twice_is_said_not_tried_again(
    base_url: str, make_user: Callable[[str], User], playwright: Playwright, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user("admin-agent")
    given = interrupted(2, monkeypatch)

    session = portal_session(base_url, user.name, user.password, totp_secret=user.totp_secret, playwright=playwright)
    with pytest.raises(SignInInterruptedError, match="400 page"), session:
        pytest.fail("expected the second interruption to end the session before it started")

    assert len(given) == 2
