"""Submit answered in place by live regions of no role, a dialog saying "saved", or a toast shown before the answer.

WAI-ARIA: ``aria-live="polite"`` is what a status implies, ``aria-live="assertive"`` what an alert implies; an
announcer (Angular CDK's, visually hidden) may be the only one to say the words. Served as ``single_page_form`` says.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page
from single_page_form import BILLING, CONFLICT, conflicts, saves, serve

from flows import BillingProfile, EditConflictError, submit_changes
from pages import AccountEditPage, UnknownPageError

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal


@pytest.mark.parametrize("told_by", [{"live": True}, {"announcer": "alone"}, {"announcer": "toast"}])
def test_a_conflict_said_in_an_assertive_live_region_is_a_refusal(page: Page, told_by: dict[str, object]) -> None:
    # Given a portal that says the conflict in an assertive live region of no role (its own, or an announcer's)
    posted = serve(page, conflicts, **told_by)
    form = AccountEditPage(page).wait_until_ready()

    with pytest.raises(EditConflictError) as refused:
        submit_changes(form, {"city": "Bron"})

    assert str(refused.value) == CONFLICT and len(posted) == 1
    assert form.values()["city"] == "Bron", "the typed value stays in the form"


@pytest.mark.parametrize("told_by", [{"live": True}, {"announcer": "alone"}, {"announcer": "toast"}])
def test_a_save_said_in_a_polite_live_region_is_a_save(page: Page, told_by: dict[str, object]) -> None:
    # Given a portal that keeps its form after saving, saying so in a polite live region of no role
    serve(page, saves, keepForm=True, **told_by)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"})


def test_a_save_said_in_an_assertive_live_region_is_a_save(page: Page) -> None:
    # Given a portal that keeps its form after saving, saying so in its assertive region (as an alert may), answer 2xx
    serve(page, saves, keepForm=True, live=True, savedAsAlert=True)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"})


# Message bars announced by nothing of their own: Fluent UI 9's (a group), a toast and a snack bar of no role.
BARS = {
    "fluent-9": '<div class="fui-MessageBar" role="group"><div class="fui-MessageBarBody">WORDS</div>'
    '<button aria-label="Dismiss"><svg aria-hidden="true"></svg></button></div>',
    "toast": '<div class="toast toast-success"><div class="toast-message">WORDS</div></div>',
    "snackbar": '<div class="mdc-snackbar"><div class="mdc-snackbar__label">WORDS</div></div>',
}


@pytest.mark.parametrize("bar", BARS.values(), ids=BARS)
def test_a_save_said_in_a_message_bar_no_role_announces_is_a_save(page: Page, bar: str) -> None:
    # Given a portal that keeps its form after saving, saying so in a message bar of no status role nor live region
    serve(page, saves, keepForm=True, bar=bar)
    page.set_default_timeout(5_000)  # not read, the answer would be waited for until then, and not known

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"})


def test_a_conflict_said_in_a_message_bar_no_role_announces_is_a_refusal(page: Page) -> None:
    posted = serve(page, conflicts, keepForm=True, bar=BARS["fluent-9"])
    page.set_default_timeout(5_000)
    form = AccountEditPage(page).wait_until_ready()

    with pytest.raises(EditConflictError) as refused:
        submit_changes(form, {"city": "Bron"})

    assert str(refused.value) == CONFLICT and len(posted) == 1
    assert form.values()["city"] == "Bron", "the typed value stays in the form"


def test_a_message_bar_of_no_role_saying_no_outcome_is_no_answer(page: Page) -> None:
    # Given a portal whose only word after Submit is a tip in a message bar of no role: no save said, nor a refusal
    serve(page, saves, keepForm=True, bar=BARS["toast"], savedWords="Tip: press Ctrl+S to submit the form.")
    page.set_default_timeout(2_000)  # the wait for a word

    with pytest.raises(UnknownPageError, match="whether anything was saved is not known"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})


@pytest.mark.parametrize("element", ["div", "dialog"])
@pytest.mark.parametrize("keep_form", [True, False], ids=["form-kept", "form-gone"])
def test_a_save_said_only_by_a_dialog_is_read_back_and_the_dialog_dismissed(
    page: Page, element: str, keep_form: bool
) -> None:
    # Given a portal that says "Changes saved" in a dialog with OK alone (no status, no alert), its form kept, or
    # gone until OK draws the Account view
    posted = serve(page, saves, savedDialog=element, keepForm=keep_form)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"}) and len(posted) == 1
    assert page.get_by_role("dialog").count() == 0, "acknowledged: the page left as a person would leave it"


@pytest.mark.parametrize("company", ["No Frills Ltd", "Pas Mal SARL", "Not Just Coffee", "Who? Ltd", "谁？公司"])
def test_a_dialog_saying_saved_of_a_customer_whose_name_would_refuse_or_ask_is_a_save(page: Page, company: str) -> None:
    # Given a portal whose dialog names the customer saved, a name holding words that would refuse ("No", "pas") or a
    # question mark, as a question would
    posted = serve(page, saves, savedDialog="div", keepForm=True, savedDialogWords="{company}: changes saved")

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"companyName": company})

    assert profile == BillingProfile.from_mapping({**BILLING, "companyName": company}) and len(posted) == 1
    assert page.get_by_role("dialog").count() == 0, "acknowledged: the page left as a person would leave it"


def test_a_dialog_saying_saved_beside_a_status_saying_so_is_dismissed(page: Page) -> None:
    # Given a portal that says "saved" in its status and in a modal dialog too, the form kept
    serve(page, saves, savedDialog="dialog", keepForm=True, statusToo=True)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"})
    assert page.get_by_role("dialog").count() == 0, "acknowledged: a modal left open would stand in the next step's way"


def test_a_dialog_saying_saved_drawn_after_a_status_saying_so_is_dismissed_for_the_account_view(page: Page) -> None:
    # Given a portal that says "saved" in its status, its form gone, then a moment later in a modal dialog whose OK
    # draws the Account view
    posted = serve(page, saves, savedDialog="div", statusToo=True, dialogAfterMs=1_000)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"}) and len(posted) == 1
    assert page.get_by_role("dialog").count() == 0, "acknowledged: the Account view comes only after its OK"


def test_a_dialog_drawn_after_the_status_naming_a_customer_whose_name_would_refuse_is_dismissed(page: Page) -> None:
    # Given a portal that says "saved" in its status, its form gone, then a moment later in a modal dialog naming the
    # customer ("No Frills Ltd"), whose OK draws the Account view
    words = "{company}: changes saved"
    posted = serve(page, saves, savedDialog="div", statusToo=True, dialogAfterMs=1_000, savedDialogWords=words)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"companyName": "No Frills Ltd"})

    assert profile == BillingProfile.from_mapping({**BILLING, "companyName": "No Frills Ltd"}) and len(posted) == 1
    assert page.get_by_role("dialog").count() == 0, "acknowledged: the Account view comes only after its OK"


def test_a_dialog_saying_saved_drawn_late_over_the_kept_form_is_dismissed_before_the_next_step(page: Page) -> None:
    # Given a portal that keeps its form after saving, saying so in its status, then a moment later (the answer read
    # already) in a modal dialog
    posted = serve(page, saves, savedDialog="dialog", keepForm=True, statusToo=True, dialogAfterMs=1_000)
    form = AccountEditPage(page).wait_until_ready()
    submit_changes(form, {"city": "Décines"})
    page.wait_for_function("() => window.savedDialogsDrawn === 1")

    profile = submit_changes(form, {"city": "Bron"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Bron"}) and len(posted) == 2


def test_a_dialog_saying_the_changes_were_not_saved_is_no_save(page: Page) -> None:
    # Given a portal that answers 2xx yet says in a dialog that nothing was saved
    serve(page, saves, savedDialog="div", keepForm=True, savedDialogWords="Your changes were not saved")

    form = AccountEditPage(page).wait_until_ready()

    assert not form.fill({"city": "Bron"}).submit_form(), "a dialog refusing the save is no save"
    assert form.message.startswith("Your changes were not saved"), "its words are the refusal's"
    assert form.values()["city"] == "Bron", "the typed value stays in the form"


def test_a_saved_toast_shown_before_the_portal_answered_is_a_save_once_it_answers_2xx(page: Page) -> None:
    # Given a portal that says "saved" as it sends the change (before its answer), then nothing more, the form kept
    posted = serve(page, saves, keepForm=True, optimistic=True, delayMs=100)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"}) and len(posted) == 1


# A status in a web component's shadow root: one there from the start, or one attached once the component is in the
# page (as Lit's are), saying "saved" as the change is sent.
SHADOW_ROOTS = {
    "at-load": {"optimistic": True, "shadow": True},
    "attached-once-connected": {"optimistic": "lateShadow"},
}


@pytest.mark.parametrize("shadow_root", SHADOW_ROOTS.values(), ids=SHADOW_ROOTS.keys())
@pytest.mark.parametrize("answer", [saves, conflicts], ids=["saved", "refused"])
def test_a_saved_toast_in_a_shadow_root_shown_before_the_answer_is_read_as_the_answer_says(
    page: Page, answer: Callable[[dict[str, str]], dict[str, object]], shadow_root: dict[str, object]
) -> None:
    # Given a portal saying "saved" in a shadow root as it sends the change, then nothing more, or a conflict in its
    # alert
    serve(page, answer, keepForm=True, delayMs=100, **shadow_root)
    form = AccountEditPage(page).wait_until_ready()

    if answer is conflicts:
        with pytest.raises(EditConflictError, match="Someone else changed"):
            submit_changes(form, {"city": "Bron"})
    else:
        assert submit_changes(form, {"city": "Décines"}) == BillingProfile.from_mapping({**BILLING, "city": "Décines"})


@pytest.mark.parametrize("delay_ms", [100, 2_500], ids=["at-once", "after-the-grace"])
def test_a_saved_toast_shown_before_a_refusal_is_no_save(page: Page, delay_ms: int) -> None:
    # Given a portal that says "saved" as it sends the change, then, its answer a 200 whose body refuses, reports a
    # conflict in its alert (at once, or later than the library waits for a word after "saved")
    serve(page, conflicts, keepForm=True, optimistic=True, delayMs=delay_ms)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})


def test_a_saved_toast_shown_before_an_answer_that_is_not_the_record_saved_is_not_known(page: Page) -> None:
    # Given a portal that says "saved" as it sends the change, answered 200 with a body that is not the profile saved
    posted = serve(page, lambda values: {"accepted": True}, keepForm=True, optimistic=True)

    with pytest.raises(UnknownPageError, match="whether anything was saved is not known"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1


def test_a_conflict_said_in_an_alert_over_the_account_view_gone_back_to_is_a_refusal(page: Page) -> None:
    # Given a portal that answers 200 with a body refusing the change, and goes back to its Account view as it was,
    # saying why in an alert (as toast libraries give every message that role)
    posted = serve(page, conflicts, viewOnRefusal=True)

    with pytest.raises(EditConflictError) as refused:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert str(refused.value) == CONFLICT and len(posted) == 1


@pytest.mark.parametrize("hidden", ["self", "ancestor"])
def test_a_live_region_hidden_from_assistive_technologies_is_no_answer(page: Page, hidden: str) -> None:
    # Given a portal whose region hidden from assistive technologies says "Profile updated" before its alert refuses
    posted = serve(page, conflicts, keepForm=True, hiddenLive=hidden)

    with pytest.raises(EditConflictError) as refused:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert str(refused.value) == CONFLICT and len(posted) == 1


def test_a_saved_toast_shown_before_a_202_is_no_save_when_the_page_then_refuses(page: Page) -> None:
    # Given a portal that says "saved" as it sends the change, answers 202 (accepted, not done) with the record, and
    # reports the conflict its polling found later than the library waits for a word after "saved"
    posted = serve(page, saves, status=202, outcome=conflicts, keepForm=True, optimistic=True, pollAfterMs=2_500)

    with pytest.raises(EditConflictError) as refused:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert str(refused.value) == CONFLICT and len(posted) == 1
