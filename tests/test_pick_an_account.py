"""Signing in where the provider asks to "Pick an account": the library picks its own, or uses another.

The bundled provider lists the accounts a browser signed in with when the application asks the user
to choose (``prompt=select_account``, as Entra does); the portal never asks, so these tests add it to
its requests to the provider, as an application offering "switch account" would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from fixtures.directory import User
from flows import complete_sign_in, sign_in

pytestmark = [pytest.mark.regression, pytest.mark.bundled]  # users of their own, and a provider that lists them


def start_signing_in_asking_to_pick(page: Page) -> None:
    """Start the portal's sign-in, its request to the provider asking the user to pick an account."""
    started = page.request.get("sign-in?next=/dashboard", max_redirects=0)  # the portal's state in the context
    page.goto(started.headers["location"] + "&prompt=select_account")


def leave_the_portal_only(page: Page, base_url: str) -> None:
    """Drop the portal's session cookie; the provider's session (its "Signed in" account) stays."""
    page.context.clear_cookies(domain=urlsplit(base_url).hostname)


def answers_sent(page: Page) -> list[str]:
    """Record the forms the browser sends to the provider's steps, from now on."""
    sent: list[str] = []

    def record(request: Request) -> None:
        if request.method == "POST" and urlsplit(request.url).path.endswith("/login"):
            sent.append(request.post_data or "")

    page.on("request", record)
    return sent


def test_the_library_picks_the_tile_of_its_account_among_two(
    page: Page, make_user: Callable[[str], User], base_url: str
) -> None:
    # Given a browser that signed in as two users, the second still signed in at the provider
    first, second = make_user("sales-agent"), make_user("admin-agent")
    sign_in(page, first.name, first.password, totp_secret=first.totp_secret)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You signed out")).to_be_visible()
    sign_in(page, second.name, second.password, totp_secret=second.totp_secret)
    leave_the_portal_only(page, base_url)

    # When the provider asks to pick an account, with a tile for each
    start_signing_in_asking_to_pick(page)
    expect(page.get_by_role("heading", name="Pick an account")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(re.escape(f"{first.name}@"), re.IGNORECASE))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(re.escape(f"{second.name}@")))).to_contain_text("Signed in")

    # Then the library picks the first, the account it was given (in another case), not the one signed in
    sent = answers_sent(page)
    complete_sign_in(page, first.name.upper(), first.password, totp_secret=first.totp_secret)
    expect(page.get_by_text(f"Signed in as {first.name}").first).to_be_visible()
    assert re.search(r"(^|&)pick=[0-9a-f-]{36}(&|$)", sent[0]), sent  # its tile, by the user's object ID
    assert not any("loginfmt=" in form for form in sent), sent  # no name typed


def test_an_account_not_listed_signs_in_through_use_another_account_in_chinese(
    new_context: Callable[..., BrowserContext], make_user: Callable[[str], User], base_url: str
) -> None:
    # Given a browser signed in at the provider as one user, in Chinese
    page = new_context(locale="zh-CN").new_page()
    listed, other = make_user("sales-agent"), make_user("admin-agent")
    sign_in(page, listed.name, listed.password, totp_secret=listed.totp_secret)
    leave_the_portal_only(page, base_url)

    # When the provider asks to pick an account, and lists that user only
    start_signing_in_asking_to_pick(page)
    expect(page.get_by_role("heading", name="选择帐户")).to_be_visible()
    expect(page.get_by_role("button", name="使用其他帐户")).to_be_visible()

    # Then the library signs in as another user: "Use another account", then the name typed
    sent = answers_sent(page)
    complete_sign_in(page, other.name, other.password, totp_secret=other.totp_secret)
    assert "pick=other" in sent[0] and f"loginfmt={other.name}" in sent[1], sent
    expect(page.get_by_text(f"登录身份：{other.name}").first).to_be_visible()
