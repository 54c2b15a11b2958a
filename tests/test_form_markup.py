"""Submit on a portal that answers in place, as single-page portals do, not with a new page.

The bundled portal posts its form and answers with a page; Partner Center's own pages are a
single-page app, which sends the changes with fetch and writes the answer into the page: a
status, an alert (perhaps one already shown, with new words), or fields marked invalid. Served
through routes here, so each test controls every answer and counts what the browser sent.
"""

from __future__ import annotations

import logging

import pytest
from playwright.sync_api import Page
from single_page_form import (
    BILLING,
    CONFLICT,
    NO_REQUEST_WAITED_OUT,
    conflicts,
    saves,
    serve,
)

from flows import (
    BillingProfile,
    EditConflictError,
    ValidationError,
    submit_changes,
)
from pages import AccountEditPage

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal


def test_a_save_shown_in_place_returns_what_the_page_then_shows(page: Page) -> None:
    # Given a portal that saves with fetch and shows the Bill-to info and a status in place
    posted = serve(page, saves)

    # When the city is changed and submitted
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Villeurbanne"})

    # Then the change went out once, and what the page shows afterwards is returned
    assert len(posted) == 1 and posted[0]["city"] == "Villeurbanne"
    assert profile.city == "Villeurbanne" and profile.postalCode == BILLING["postalCode"]


def test_a_refusal_shown_at_the_fields_in_place_is_a_validation_error(page: Page) -> None:
    # Given a portal that marks a refused field invalid in place, with no alert
    message = "Enter a postal code of 5 digits."
    serve(page, lambda values: {"fieldErrors": {"postalCode": message}})
    form = AccountEditPage(page).wait_until_ready()

    with pytest.raises(ValidationError) as refused:
        submit_changes(form, {"postalCode": "6900"})

    assert refused.value.field_errors == {"postalCode": message}
    assert form.values()["postalCode"] == "6900", "the typed value stays in the form"


def test_a_field_s_error_named_by_aria_errormessage_is_its_error(page: Page) -> None:
    # Given a page marking the postal code invalid with an error message (aria-errormessage), a hint described
    message = "Le code postal doit comporter 5 chiffres."
    serve(page, saves, ownCheck=message, errorMessage=True)

    with pytest.raises(ValidationError) as refused:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"postalCode": "6900"})

    assert refused.value.field_errors == {"postalCode": message}


def test_a_refusal_the_page_draws_itself_is_read_without_waiting_for_a_request(
    page: Page, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a page that checks the postal code itself, marking it invalid and sending nothing
    message = "Enter a postal code of 5 digits."
    posted = serve(page, saves, saving=True, ownCheck=message)
    form = AccountEditPage(page).wait_until_ready()
    caplog.set_level(logging.DEBUG, logger="flows")

    # When a wrong postal code is submitted, then another (the field already invalid, set so again)
    for postal_code in ("6900", "690"):
        with pytest.raises(ValidationError) as refused:
            submit_changes(form, {"postalCode": postal_code})

        assert refused.value.field_errors == {"postalCode": message} and posted == []
    assert NO_REQUEST_WAITED_OUT not in caplog.text


def test_a_conflict_written_into_an_alert_already_shown_is_told_by_its_new_words(page: Page) -> None:
    # Given a form whose alert already says something from before, and a portal that then reports a conflict in it
    posted = serve(page, conflicts, alert="Check the highlighted fields.")

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1


def test_a_message_shown_before_and_left_as_it_was_is_not_the_answer(page: Page) -> None:
    # Given an alert already shown (in two blocks), left as it is while the portal's script takes its time to save
    posted = serve(page, saves, alert="<strong>Note</strong><p>Check the highlighted fields.</p>", delayMs=300)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Écully"})

    assert len(posted) == 1 and profile.city == "Écully"


def test_the_same_words_written_again_into_an_alert_are_an_answer(page: Page) -> None:
    # Given an alert that already reports a conflict, emptied and filled with the same words by a second one
    serve(page, conflicts, alert=CONFLICT)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Oullins"})


def test_saving_shown_while_submit_is_disabled_is_not_the_answer(page: Page) -> None:
    # Given a portal that says "Saving…" in its status while Submit is disabled, then reports a conflict
    serve(page, conflicts, saving=True, delayMs=200)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Caluire"})


def test_saving_shown_before_the_change_is_sent_is_not_the_answer(page: Page) -> None:
    # Given a portal that says "Saving…", then takes its time (a token to get) before it sends the change
    posted = serve(page, conflicts, saving=True, sendAfterMs=300, delayMs=200)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Caluire"})

    assert len(posted) == 1


def test_saving_shown_after_another_request_and_before_the_change_is_sent_is_not_the_answer(page: Page) -> None:
    # Given a page that posts telemetry to its own site as Submit is selected (blocked), says "Saving…",
    # and sends the change a little later
    posted = serve(page, conflicts, saving=True, telemetry=True, sendAfterMs=300, delayMs=200)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Caluire"})

    assert len(posted) == 1


def test_saving_shown_on_a_page_whose_timing_buffer_is_full_is_not_the_answer(page: Page) -> None:
    # Given a long-lived page whose resource timing buffer is full, saying "Saving…" until the portal refuses
    serve(page, conflicts, saving=True, fullTimings=True, delayMs=1_500)  # "Saving…" outlasts a wait for timings

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Caluire"})


def test_a_save_whose_toast_is_an_alert_is_saved_when_the_portal_went_back_to_its_account_view(page: Page) -> None:
    # Given a portal that saves, goes back to its Account view and says so in an alert (a toast library's role)
    posted = serve(page, saves, savedAsAlert=True)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1 and profile.city == "Bron"


def test_a_refusal_outweighs_a_banner_s_status_shown_before_it(page: Page) -> None:
    # Given a portal whose header banner (a status, above the form) changes as it refuses the change
    serve(page, conflicts, banner="1 new notification")

    with pytest.raises(EditConflictError) as refused:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Meyzieu"})

    assert str(refused.value) == CONFLICT, "the alert's words, not the banner's"


def test_an_old_alert_rewritten_as_submit_starts_is_not_the_answer(page: Page) -> None:
    # Given a page that writes its old alert again, same words, as it sends the change, which is then saved
    posted = serve(page, saves, alert="Check the highlighted fields.", rewriteAlert=True, delayMs=100)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Givors"})

    assert len(posted) == 1 and profile.city == "Givors"


def test_a_save_shown_in_place_by_the_account_view_alone_returns_what_it_shows(page: Page) -> None:
    # Given a portal that, saved, shows its Account view in place of the form, saying nothing more
    serve(page, saves, quiet=True)

    # When the city is changed and submitted
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    # Then it is taken as saved, and what the view shows is returned
    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Bron"})


def test_the_account_view_shown_in_place_with_a_refusal_s_status_is_no_save(page: Page) -> None:
    # Given a portal that shows its Account view in place of the form whatever the answer, saying nothing
    serve(page, saves, quiet=True, trustsBody=True, status=409)

    # When the city is changed and submitted
    # Then the portal's 409 is a conflict: the view it went back to is no save
    with pytest.raises(EditConflictError, match="HTTP 409"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})


def test_a_save_that_keeps_the_form_returns_what_the_form_then_holds(page: Page) -> None:
    # Given a portal that keeps its form after saving, says so in its status, and disables Submit
    serve(page, saves, keepForm=True)

    # When the city is changed and submitted
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    # Then the form's values, saved, are returned: the new city, the rest as they were, the country shown
    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"})


def test_a_save_that_keeps_the_form_beside_a_hidden_account_view_returns_what_the_form_holds(page: Page) -> None:
    # Given a portal that keeps its form after saving, its Account view hidden in the page before it
    serve(page, saves, keepForm=True, hiddenView=True)

    # When the city is changed and submitted
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Meyzieu"})

    # Then the form shown is read, not the hidden view waited on
    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Meyzieu"})


@pytest.mark.parametrize(
    "words", ["Your changes were saved.", "Modifications enregistrées", "已成功更新帐单信息"], ids=["en", "fr", "zh"]
)
def test_a_save_that_keeps_the_form_and_says_saved_in_an_alert_is_taken(page: Page, words: str) -> None:
    # Given a portal that keeps its form after saving and says so in an alert (a toast library gives every toast
    # that role), its answer 2xx, no field marked invalid
    serve(page, saves, keepForm=True, savedAsAlert=True, savedWords=words)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"})


def test_an_alert_in_a_kept_form_that_does_not_say_saved_is_a_refusal_whatever_the_status(page: Page) -> None:
    # Given a portal that answers 200 and keeps its form, its alert saying something went wrong
    serve(page, lambda values: {"alert": "Something went wrong. Try again later."}, keepForm=True)

    with pytest.raises(EditConflictError, match="Something went wrong"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})


@pytest.mark.parametrize(
    "words",
    [
        "Your changes were not saved.",
        "Couldn't save your changes. Try again.",
        "Vos modifications n'ont pas été enregistrées.",
        "Échec de l'enregistrement.",
        "保存失败，请重试。",
        # Without a word of the save or of errors: a failure said outright, or another's change meanwhile
        "Something went wrong. Try again later.",
        "Request failed.",
        "Unable to process your request.",
        "Impossible de traiter votre demande.",
        "无法处理你的请求。",
        "Someone else changed this account while you were editing it.",
        "Quelqu'un d'autre a modifié ce compte entre-temps.",
        "其他用户已更新此帐户。",
    ],
    ids=["en-not-saved", "en-could-not", "fr-not-saved", "fr-failed", "zh-failed", "en-went-wrong", "en-failed",
         "en-unable", "fr-unable", "zh-unable", "en-conflict", "fr-conflict", "zh-conflict"],
)  # fmt: skip
def test_a_status_in_a_kept_form_saying_the_save_failed_is_a_refusal(page: Page, words: str) -> None:
    # Given a portal that answers 200, its body saying no, and says so in its status (not an alert), the form kept
    serve(page, lambda values: {"said": words}, keepForm=True)
    form = AccountEditPage(page).wait_until_ready()

    with pytest.raises(EditConflictError) as refused:
        submit_changes(form, {"city": "Décines"})

    assert words in str(refused.value)
    assert form.values()["city"] == "Décines", "the typed value stays in the form"


def test_a_status_saying_the_save_failed_beside_a_banner_s_status_is_a_refusal(page: Page) -> None:
    # Given a portal that answers 200, its body saying no, says so in its status, and updates its header's banner
    # (a status too, above it) as it answers
    words = "Your changes were not saved."
    serve(page, lambda values: {"said": words}, keepForm=True, banner="1 new notification")

    with pytest.raises(EditConflictError, match=words):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})


@pytest.mark.parametrize(
    "words", ["Saved. Don't forget to tell the customer.", "Changes saved, but the invoice could not be sent."]
)
def test_a_status_saying_saved_before_a_negation_is_a_save(page: Page, words: str) -> None:
    # Given a portal that keeps its form after saving, its status saying so, then something else with a "not" in it
    serve(page, saves, keepForm=True, savedWords=words)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Décines"})


@pytest.mark.parametrize("name", ["Save", "Enregistrer", "保存"])
def test_a_form_whose_submit_is_named_save_is_submitted(page: Page, name: str) -> None:
    # Given a portal whose form's button says "Save" (in one of the three languages), not "Submit"
    posted = serve(page, saves, submitName=name)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Vienne"})

    assert len(posted) == 1 and profile.city == "Vienne"


def test_a_form_showing_submit_twice_is_submitted_once(page: Page) -> None:
    # Given a form that shows Submit twice: in a command bar above its fields, and at its foot
    posted = serve(page, saves)
    command_bar = '<button type="submit">Submit</button>'
    page.locator("form").evaluate("(form, bar) => form.insertAdjacentHTML('afterbegin', bar)", command_bar)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Vienne"})

    assert len(posted) == 1 and posted[0]["city"] == "Vienne" and profile.city == "Vienne"


def test_a_save_that_leaves_the_form_with_submit_disabled_is_taken(page: Page) -> None:
    # Given a portal that keeps the form after saving, says so in its status, and disables Submit
    posted = serve(page, saves, keepForm=True)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Décines"})

    # Then the save is taken, sent once, and read back from the form the portal kept
    assert len(posted) == 1 and profile.city == "Décines"


def test_a_conflict_written_inside_a_web_component_s_shadow_root_is_read(page: Page) -> None:
    # Given a form whose alert lives in a web component's shadow root, already saying something
    serve(page, conflicts, alert="Check the highlighted fields.", shadow=True)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})


def test_a_save_told_by_a_status_inside_a_shadow_root_returns_what_the_page_then_shows(page: Page) -> None:
    # Given a portal whose status lives in a web component's shadow root, and whose form stays as it was
    posted = serve(page, saves, shadow=True, keepForm=True)

    # When the city is changed and submitted, the save is taken, sent once, and read back from the form
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Villeurbanne"})
    assert len(posted) == 1 and profile.city == "Villeurbanne"


def test_a_conflict_in_a_component_added_for_it_with_its_own_shadow_root_is_read(page: Page) -> None:
    # Given a portal that answers with a toast: a web component added to the page, its alert in its shadow root
    serve(page, conflicts, toast=True)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})


def test_a_status_whose_words_go_straight_into_its_shadow_root_is_the_answer(page: Page) -> None:
    # Given a status element whose words the portal writes into its own shadow root
    posted = serve(page, saves, statusHost=True)

    # When the city is changed and submitted, the save is taken, sent once, and read back
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Villeurbanne"})
    assert len(posted) == 1 and profile.city == "Villeurbanne"


@pytest.mark.parametrize(
    "words",
    ["Your changes were not saved.", "Someone else updated this account in the meantime."],
    ids=["not", "other"],
)
def test_the_account_view_shown_in_place_with_a_status_saying_the_save_failed_is_no_save(
    page: Page, words: str
) -> None:
    # Given a portal that answers 200, its body saying no, and goes back to its Account view (the profile as it
    # was), its status saying the changes were not saved, or that someone else changed the account meanwhile
    answer = {"saved": {**BILLING}, "said": words}
    serve(page, lambda values: answer, quiet=True)

    with pytest.raises(EditConflictError, match=words):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})
