"""Submit on a single-page portal: the HTTP status of the request carrying the form, whatever the page then shows.

A 4xx refuses the change, a 429 or a 503 says when to come back, a 5xx or a connection reset leaves what was saved
unknown, and other requests of the page (telemetry, a third party) say nothing about it. Served through routes
(``single_page_form``), so each test controls every answer.
"""

from __future__ import annotations

import datetime
import email.utils
import logging
from collections.abc import Callable

import pytest
from browser_words import REFUSED_BY_ROUTE
from playwright.sync_api import Page
from single_page_form import (
    NO_REQUEST_WAITED_OUT,
    conflicts,
    saves,
    serve,
)

from flows import (
    CustomerNotFoundError,
    EditConflictError,
    NotAllowedError,
    PageError,
    PortalError,
    PortalUnavailableError,
    SignedOutError,
    ThrottledError,
    UnknownPageError,
    ValidationError,
    submit_changes,
)
from pages import AccountEditPage, submit_answer

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal


def test_a_change_the_portal_never_answered_in_place_is_unavailable(page: Page) -> None:
    # Given a portal whose connection is refused: its page then says only that something went wrong
    posted = serve(page, None)

    with pytest.raises(PortalUnavailableError, match=rf"did not answer Submit.*{REFUSED_BY_ROUTE}"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Vénissieux"})

    assert len(posted) == 1


def test_a_third_party_request_failing_during_a_save_says_nothing_about_it(page: Page) -> None:
    # Given a page that sends telemetry as Submit is selected, which is blocked, while the save goes through
    posted = serve(page, saves, telemetry=True)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Tassin"})

    assert len(posted) == 1 and profile.city == "Tassin"


def test_the_portal_s_api_on_another_host_refusing_the_change_is_unavailable(page: Page) -> None:
    # Given a portal whose API has a host of its own (as Partner Center's has), which refuses the connection
    posted = serve(page, None, api="https://api.single-page.test/v1/billing")

    with pytest.raises(PortalUnavailableError, match=r"did not answer Submit at https://portal\."):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1


def test_the_portal_s_api_on_a_site_of_its_own_refusing_the_change_is_unavailable(page: Page) -> None:
    # Given a portal whose API is on another site altogether, which refuses the connection
    posted = serve(page, None, api="https://api.elsewhere.test/v1/billing")

    with pytest.raises(PortalUnavailableError, match=r"did not answer Submit at https://portal\."):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1


def test_a_save_through_an_api_on_a_site_of_its_own_is_read_without_waiting_for_another_request(
    page: Page, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a portal whose API is on another site, which saves the change; its status shows once it answered
    posted = serve(page, saves, api="https://api.elsewhere.test/v1/billing")
    caplog.set_level(logging.DEBUG, logger="flows")

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Caluire"})

    assert len(posted) == 1 and profile.city == "Caluire"
    assert NO_REQUEST_WAITED_OUT not in caplog.text, "the API's request was taken for the form's"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, SignedOutError),
        (403, NotAllowedError),
        (404, CustomerNotFoundError),
        (429, ThrottledError),
        (410, PageError),
        (409, EditConflictError),
        (412, EditConflictError),
        (400, ValidationError),
        (422, ValidationError),
    ],
)
def test_a_4xx_answer_in_place_is_the_refusal_its_status_says(
    page: Page, status: int, error: type[PortalError]
) -> None:
    # Given a portal whose API refuses the change with this status, its page then saying only that something went wrong
    posted = serve(page, conflicts, status=status)
    form = AccountEditPage(page).wait_until_ready()

    with pytest.raises(PortalError) as refused:
        submit_changes(form, {"city": "Bron"})

    assert type(refused.value) is error, f"HTTP {status}: {refused.value!r}"
    assert "Something went wrong" in str(refused.value), "the page's words are in the message"
    assert len(posted) == 1 and form.values()["city"] == "Bron", "sent once, the typed value kept"


@pytest.mark.parametrize(
    ("status", "retry_after", "waited"),
    [(429, "7", 7.0), (429, None, None), (503, "120", 120.0)],
    ids=["429-seconds", "429-unsaid", "503-seconds"],
)
def test_an_answer_in_place_asking_to_come_back_later_is_throttled_with_its_wait(
    page: Page, status: int, retry_after: str | None, waited: float | None
) -> None:
    # Given a portal whose API answers the change "come back later", its page then saying something went wrong
    posted = serve(page, conflicts, status=status, headers={"retry-after": retry_after} if retry_after else {})
    form = AccountEditPage(page).wait_until_ready()

    with pytest.raises(ThrottledError) as throttled:
        submit_changes(form, {"city": "Bron"})

    # Then the error carries the wait it asked for; the change was sent once, and the typed value kept
    assert (throttled.value.status, throttled.value.retry_after) == (status, waited)
    assert len(posted) == 1 and form.values()["city"] == "Bron"


def test_a_retry_after_given_as_a_date_is_the_seconds_until_then(page: Page) -> None:
    later = email.utils.format_datetime(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=10), True)
    serve(page, conflicts, status=429, headers={"retry-after": later})

    with pytest.raises(ThrottledError) as throttled:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert throttled.value.retry_after is not None and 540 < throttled.value.retry_after <= 600


@pytest.mark.parametrize(
    ("status", "error"),
    [(403, NotAllowedError), (400, ValidationError), (409, EditConflictError), (412, EditConflictError)],
)
def test_a_4xx_answer_in_place_is_a_refusal_whatever_the_page_shows(
    page: Page, status: int, error: type[PortalError]
) -> None:
    # Given a page that shows what the portal's answer holds, "saved" here (the form gone), though it answered a 4xx
    serve(page, saves, status=status, trustsBody=True)

    with pytest.raises(PortalError) as refused:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert type(refused.value) is error, f"HTTP {status}: {refused.value!r}"
    assert f"HTTP {status}" in str(refused.value) or f"answered {status}" in str(refused.value)


def test_a_change_the_page_sends_again_after_a_401_and_the_portal_saves_is_saved(page: Page) -> None:
    # Given a page that sends the form again after a 401 (with a fresh token, say), which the portal then saves
    posted = serve(page, saves, status=[401, 200], retryOn401=True)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 2 and profile.city == "Bron"


def test_a_telemetry_request_s_4xx_says_nothing_about_the_change(page: Page) -> None:
    # Given telemetry, on the portal's own site, answered 404 as the page refuses the postal code itself
    message = "Enter a postal code of 5 digits."
    posted = serve(page, saves, telemetry=True, telemetry_status=404, ownCheck=message)

    with pytest.raises(ValidationError) as refused:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"postalCode": "6900"})

    assert refused.value.field_errors == {"postalCode": message} and posted == []


def test_a_change_the_portal_never_answers_while_saving_shows_leaves_what_was_saved_unknown(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a portal that never answers the change, its page saying "Saving…" all along
    monkeypatch.setattr(submit_answer, "RESPONSE_WAIT_MS", 1_000)
    posted = serve(page, saves, saving=True, hang=True)

    with pytest.raises(UnknownPageError, match=r"did not answer the request carrying the form within 1 s"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1


@pytest.mark.skip_browser("webkit")  # its routes abort every request as never sent: no reset after a save
def test_a_connection_reset_while_the_change_is_sent_leaves_what_was_saved_unknown(page: Page) -> None:
    # Given a connection that breaks while the change goes out: the portal may have had it
    serve(page, None, failure="connectionreset")

    with pytest.raises(UnknownPageError, match="perhaps after the form reached it"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Rillieux"})


def test_a_server_error_in_place_leaves_what_was_saved_unknown(page: Page) -> None:
    # Given a portal that answers the change with 504, its page then showing a generic alert
    serve(page, saves, status=504)

    with pytest.raises(UnknownPageError, match="HTTP 504"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Saint-Priest"})


def test_a_change_the_page_sends_again_after_a_5xx_and_the_portal_saves_is_saved(page: Page) -> None:
    # Given a page with a retry policy: a 5xx answer, and it sends the form again; the portal saves it then
    posted = serve(page, saves, status=[503, 200], retriesOn5xx=1)

    saved = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Saint-Priest"})

    assert saved.city == "Saint-Priest" and len(posted) == 2


def test_a_change_the_page_sends_again_after_a_5xx_is_judged_by_the_last_answer(page: Page) -> None:
    posted = serve(page, conflicts, status=[500, 409], retriesOn5xx=1)
    form = AccountEditPage(page).wait_until_ready()

    with pytest.raises(EditConflictError, match="HTTP 409"):
        submit_changes(form, {"city": "Saint-Priest"})

    assert len(posted) == 2 and form.values()["city"] == "Saint-Priest"


def test_a_change_the_page_sends_again_and_again_to_a_failing_portal_leaves_what_was_saved_unknown(page: Page) -> None:
    posted = serve(page, saves, status=[502, 502, 502], retriesOn5xx=2)

    with pytest.raises(UnknownPageError, match="HTTP 502"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Saint-Priest"})

    assert len(posted) == 3


@pytest.mark.parametrize("told_in", ["status", "alert"])
@pytest.mark.parametrize("outcome", [saves, conflicts], ids=["saved", "refused"])
def test_a_202_is_read_by_the_outcome_the_page_then_shows_not_by_its_word_of_the_acceptance(
    page: Page, outcome: Callable[[dict[str, str]], dict[str, object]], told_in: str
) -> None:
    # Given a portal that answers 202 (accepted, not done), its status (or its alert, as toast libraries give every
    # message that role) saying so, then shows what its polling found
    accepted = {"acceptedWords": "Request accepted.", "acceptedAlert": told_in == "alert"}
    posted = serve(page, saves, status=202, outcome=outcome, keepForm=True, pollAfterMs=1_000, **accepted)
    form = AccountEditPage(page).wait_until_ready()

    if outcome is conflicts:
        with pytest.raises(EditConflictError, match="Someone else changed"):
            submit_changes(form, {"city": "Bron"})
    else:
        assert submit_changes(form, {"city": "Bron"}).city == "Bron"
    assert len(posted) == 1


def test_a_202_answered_by_going_back_to_the_account_view_is_read_by_the_outcome_the_page_then_shows(
    page: Page,
) -> None:
    # Given a portal that answers 202 (accepted, not done), goes back to its Account view, then says what its polling
    # found: a conflict
    posted = serve(page, saves, status=202, outcome=conflicts, acceptedView=True, pollAfterMs=1_000)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1


@pytest.mark.parametrize(
    "words",
    [
        "Your request was declined.",
        "Someone else changed this account meanwhile.",
        "La demande a été refusée.",
        "请求被拒绝。",
    ],
    ids=["en-declined", "en-someone-else", "fr-refused", "zh-refused"],
)
def test_a_202_whose_outcome_refuses_in_a_status_without_a_word_of_errors_is_a_refusal(page: Page, words: str) -> None:
    # Given a portal that answers 202 (accepted, not done), then says in its status what its polling found: a
    # refusal in words of no error or failure
    posted = serve(page, saves, status=202, outcome=lambda values: {"said": words}, keepForm=True, pollAfterMs=1_000)
    form = AccountEditPage(page).wait_until_ready()

    with pytest.raises(EditConflictError) as refused:
        submit_changes(form, {"city": "Bron"})

    assert words in str(refused.value) and len(posted) == 1
    assert form.values()["city"] == "Bron", "the typed value stays in the form"


def test_saving_said_once_a_check_of_the_values_was_answered_is_no_save(page: Page) -> None:
    # Given a page that checks the values by a call of their own, says "Saving…", then sends them to be saved: refused
    posted = serve(page, conflicts, status=409, trustsBody=True, validateFirst=True, keepForm=True, delayMs=1_000)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1


def test_a_server_error_saving_values_a_call_of_their_own_checked_first_leaves_what_was_saved_unknown(
    page: Page,
) -> None:
    # Given a page that checks the values by a call of their own (answered 200), then sends them to be saved: a 500
    posted = serve(page, saves, status=500, validateFirst=True, keepForm=True)

    with pytest.raises(UnknownPageError, match="HTTP 500"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1


@pytest.mark.parametrize(
    ("status", "said"),
    [(200, "whether the changes were saved is not known"), (401, "nothing was saved")],
    ids=["saved-then-signed-out", "refused-signed-out"],
)
def test_sign_in_after_submit_in_place_says_whether_the_portal_took_the_form(
    page: Page, status: int, said: str
) -> None:
    # Given a portal that answers the form's request with this status, then goes to its sign-in (its next call found
    # the session ended)
    posted = serve(page, saves, status=status, signInAfter=True)

    with pytest.raises(SignedOutError) as error:
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    # Then a save its API answered is not said to be "nothing saved", which a retry would believe
    assert said in str(error.value), str(error.value)
    assert len(posted) == 1
