"""A deployment's ways of refusing Edit to a role that may not edit: shown disabled, or answered in place."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page

from flows.account import edit_from
from pages import AccountPage, NotAllowedError

pytestmark = pytest.mark.tooling

ACCOUNT = "<main><h2>Bill-to info</h2><dl><dt>City</dt><dd>Lyon</dd></dl>%s</main>"
TIMEOUT_MS = 10_000  # the usual wait, kept short: each refusal here must come well before it


@pytest.mark.parametrize(
    "edit",
    ["<button disabled>Edit</button>", '<a href="#edit" aria-disabled="true">Modifier</a>'],
    ids=["disabled-button", "aria-disabled-link-fr"],
)
def test_edit_shown_only_disabled_is_not_allowed_at_once(page: Page, edit: str) -> None:
    # Given an Account page that shows Edit to this role, but disabled
    page.set_content(ACCOUNT % edit)
    page.set_default_timeout(TIMEOUT_MS)
    account = AccountPage(page).wait_until_ready()

    # When Edit is asked for, then the role may not edit, said at once: not a click waited out
    started = time.monotonic()
    assert not account.can_edit()
    with pytest.raises(NotAllowedError, match="may not edit the account of 'Contoso'"):
        edit_from(account, "Contoso")
    assert time.monotonic() - started < TIMEOUT_MS / 1000 / 2


def test_edit_enabled_a_moment_after_the_page_shows_is_offered(page: Page) -> None:
    # Given an Account page whose Edit is enabled once the portal has checked the role
    page.set_content(
        ACCOUNT % "<button disabled>Edit</button>"
        + "<script>setTimeout(() => { document.querySelector('button').disabled = false; }, 500)</script>"
    )
    page.set_default_timeout(TIMEOUT_MS)

    # Then Edit is offered
    assert AccountPage(page).wait_until_ready().can_edit()


@pytest.mark.parametrize(
    "said",
    [
        "Access denied: you do not have permission to edit billing information.",
        "Accès refusé : vous n’êtes pas autorisé à modifier ces informations.",
        "403 拒绝访问",
    ],
    ids=["en", "fr-typographic-apostrophe", "zh-status"],
)
def test_edit_answered_in_place_by_an_access_denied_alert_is_not_allowed_at_once(page: Page, said: str) -> None:
    # Given a single-page portal that answers Edit, for this role, by an alert in place of the form (its API's 403)
    alert = f"<div role='alert'>{said}</div>"
    page.set_content(
        ACCOUNT
        % "<button>Edit</button>"
        + f"<script>document.querySelector('button').onclick = () => document.querySelector('main')"
        f'.insertAdjacentHTML("beforeend", "{alert}")</script>'
    )
    page.set_default_timeout(TIMEOUT_MS)
    account = AccountPage(page).wait_until_ready()

    # When Edit is selected, then the refusal is said at once, in the portal's words
    started = time.monotonic()
    with pytest.raises(NotAllowedError, match=said.split(":")[0]) as refused:
        edit_from(account, "Contoso")
    assert refused.value.status == 403
    assert time.monotonic() - started < TIMEOUT_MS / 1000 / 2
