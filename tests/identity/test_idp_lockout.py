"""Smart lockout: ten wrong passwords in a row lock the account for LOCKOUT_SECONDS, that account only."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from idp_journey import Clock, UserAgent, page_of
from werkzeug.test import TestResponse

LOCKED = "Your account is temporarily locked"
WRONG = "Your account or password is incorrect"


def try_password(agent: UserAgent, password: str, name: str = "admin-agent") -> TestResponse:
    """Start a sign-in, name the user and try one password; return the answer."""
    return agent.submit(agent.submit(agent.authorize(), loginfmt=name), passwd=password)


def fail(agent: UserAgent, times: int, name: str = "admin-agent") -> list[str | None]:
    """Type ``times`` wrong passwords in a row on the password page; return each field error."""
    page, errors = agent.submit(agent.authorize(), loginfmt=name), []
    for n in range(times):
        page = agent.submit(page, passwd=f"wrong-{n}")
        errors.append(page_of(page).field_error())
    return errors


def test_ten_wrong_passwords_lock_the_account(agent: UserAgent) -> None:
    # When a user types ten wrong passwords in a row
    errors = fail(agent, 10)
    # Then the first nine say the password is wrong, and the tenth that the account is locked
    assert all(e and e.startswith(WRONG) for e in errors[:9])
    assert errors[9] and errors[9].startswith(LOCKED)


def test_right_password_is_refused_while_locked(agent: UserAgent, clock: Clock) -> None:
    # Given a locked account
    fail(agent, 10)
    clock.advance(59)
    # When the right password comes before the lockout ends
    response = try_password(agent, "portal-demo")
    # Then it is refused with the lockout message
    assert (page_of(response).field_error() or "").startswith(LOCKED)


def test_right_password_works_after_the_lockout_and_the_count_restarts(agent: UserAgent, clock: Clock) -> None:
    # Given an account locked, then LOCKOUT_SECONDS later
    fail(agent, 10)
    clock.advance(60)
    # When the right password comes, then nine wrong ones
    signed_in = try_password(agent, "portal-demo")
    errors = fail(agent, 9)
    # Then the right one works, and the wrong ones do not lock again (the count started over)
    assert signed_in.status_code == 302 or "staySignedIn" in page_of(signed_in).buttons
    assert all(e and e.startswith(WRONG) for e in errors)


def test_right_password_resets_the_count(agent: UserAgent) -> None:
    # Given nine wrong passwords, then the right one
    fail(agent, 9)
    try_password(agent, "portal-demo")
    # When nine more wrong passwords come
    errors = fail(agent, 9)
    # Then none locks the account
    assert all(e and e.startswith(WRONG) for e in errors)


def test_lockout_leaves_other_users_alone(agent: UserAgent) -> None:
    # Given a locked account
    fail(agent, 10, name="admin-agent")
    # When another user signs in
    response = agent.sign_in("sales-agent")
    # Then that user is let in
    assert response.status_code == 302 and "code=" in response.headers["Location"]


def test_lockout_settings_are_honoured(make_app: Callable[..., Flask], clock: Clock) -> None:
    # Given a provider that locks after three wrong passwords for five minutes
    agent = UserAgent(make_app(LOCKOUT_THRESHOLD=3, LOCKOUT_SECONDS=300).test_client(), clock)
    # When three wrong passwords come, and the right one four minutes later
    errors = fail(agent, 3)
    clock.advance(240)
    late = page_of(try_password(agent, "portal-demo")).field_error()
    # Then the third locks, and the lock still holds
    assert (errors[2] or "").startswith(LOCKED) and (late or "").startswith(LOCKED)
