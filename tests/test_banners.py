"""A banner a deployment draws over its pages (a cookie banner) is closed by the button named for it, as a person
closes it, in a script's session, the commands and the suite (``--close-banner``); one not named fails the step
that it covers, saying so."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from suite_run import run_pytest

from pages import AccountPage, UnknownPageError
from pages.banners import banner_buttons, close_banners, close_banners_in

pytestmark = pytest.mark.tooling  # pages of its own: no portal

# An Account page whose Edit (it records its clicks) lies under a banner fixed over the whole page until accepted.
ACCOUNT_UNDER_A_BANNER = """<main><h2>Bill-to info</h2><dl><dt>City</dt><dd>Lyon</dd></dl>
<button onclick="document.body.dataset.edited = 'yes'">Edit</button></main>
<div role="region" aria-label="Cookies" style="position: fixed; inset: 0; background: #eee">
  We use cookies. <button onclick="this.parentElement.remove()">Accept</button></div>"""
SHORT_TIMEOUT_MS = 3_000  # a click waited out under the banner would fail the test at this, not in 30 s


def edit_selected(page: Page) -> bool:
    """Select the Account page's Edit as the library does; whether the page saw the click."""
    account = AccountPage(page).wait_until_ready()
    account.select(account.edit_link, "Edit")
    return page.evaluate("document.body.dataset.edited") == "yes"


def test_a_banner_over_edit_is_closed_by_its_button_and_edit_is_selected(page: Page) -> None:
    # Given an Account page under a cookie banner, and its button named, in another case
    page.set_content(ACCOUNT_UNDER_A_BANNER)
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    close_banners(page, [" accept "])

    # Then Edit is selected, the banner closed first
    assert edit_selected(page)
    assert page.get_by_role("region", name="Cookies").count() == 0


def test_a_banner_not_named_fails_the_step_it_covers_saying_what_covers_it(page: Page) -> None:
    page.set_content(ACCOUNT_UNDER_A_BANNER)
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    close_banners(page, ["Dismiss"])  # another deployment's words: no button of this page's

    with pytest.raises(UnknownPageError, match=r'Edit could not be selected .*covered by <div role="region"'):
        edit_selected(page)


def test_the_pages_a_context_opens_later_close_the_banner_too(page: Page) -> None:
    close_banners_in(page.context, ["Accept"])
    later = page.context.new_page()
    later.set_content(ACCOUNT_UNDER_A_BANNER)
    later.set_default_timeout(SHORT_TIMEOUT_MS)

    assert edit_selected(later)


def test_a_banner_s_button_is_named_by_text() -> None:
    assert banner_buttons("Accept") == ("Accept",)  # one button, not its letters
    assert banner_buttons([" OK ", "", "Dismiss"]) == ("OK", "Dismiss")
    with pytest.raises(TypeError, match=r"as text: not 1"):
        banner_buttons(["Accept", 1])  # type: ignore[list-item]


@pytest.mark.parametrize(("given", "outcome"), [(["--close-banner", "Accept"], "passed"), ([], "failed")])
def test_the_suite_s_pages_close_the_banner_close_banner_names(tmp_path: Path, given: list[str], outcome: str) -> None:
    run = run_pytest("tests/runs/banner_over_edit.py", *given, folder=tmp_path)

    assert run.outcomes == {"test_edit_under_a_banner": outcome}, run.report
