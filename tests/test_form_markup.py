"""Submit on a portal that answers in place, as single-page portals do, not with a new page.

The bundled portal posts its form and answers with a page; Partner Center's own pages are a
single-page app, which sends the changes with fetch and writes the answer into the page: a
status, an alert (perhaps one already shown, with new words), or fields marked invalid. Served
through routes here, so each test controls every answer and counts what the browser sent.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import logging
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route

from flows import (
    BillingProfile,
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
from pages.strings import UI_STRINGS

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

PORTAL = "https://portal.single-page.test/"
SHORT_TIMEOUT_MS = 5_000  # a wait that ran into it would fail the test instead of holding it 30 s
BILLING = {
    "companyName": "Contoso Lyon",
    "firstName": "Anne",
    "lastName": "Martin",
    "email": "anne@contoso.test",
    "phoneNumber": "0102030405",
    "addressLine1": "1 rue de la République",
    "addressLine2": "",
    "city": "Lyon",
    "state": "",
    "postalCode": "69001",
    "country": "FR",
}
# The edit form, its live regions, and the script that sends it and writes the answer in place, as
# ``BEHAVIOUR`` says: where it posts, what it shows meanwhile, how long the portal's script takes.
FORM = """<!doctype html><html lang="en"><title>Account</title><body>
<header><div role="status" id="banner"></div></header><main>
<h1>Edit Bill-to info</h1>
<div role="alert" id="problem">{alert}</div>
<form id="billing">{fields}<button type="submit">{submit}</button></form>
<div role="status" id="done"></div><span role="status" id="status-host"></span>
</main><script>
const BEHAVIOUR = {behaviour}, LABELS = {labels};
const form = document.getElementById("billing"), problem = document.getElementById("problem");
const status = document.getElementById("done"), later = (ms) => new Promise(done => setTimeout(done, ms));
document.getElementById("status-host").attachShadow({{mode: "open"}});
if (BEHAVIOUR.fullTimings) performance.setResourceTimingBufferSize(0);  // as a long-lived page fills it
if (BEHAVIOUR.hiddenView) {{  // the Account view, kept in the page but hidden while the form shows
  document.querySelector("main").insertAdjacentHTML("afterbegin", "<section hidden><h2>Bill-to info</h2></section>");
}}
if (BEHAVIOUR.loadAfterMs) {{  // drawn empty, filled from the portal's API a moment later, as loadingSign says
  const held = [...form.elements].map(el => [el, el.value]), sign = BEHAVIOUR.loadingSign;
  held.forEach(([el]) => {{ el.value = ""; }});
  if (sign === "busy") form.setAttribute("aria-busy", "true");
  const signs = {{words: "<p>Loading…</p>", progressbar: '<div role="progressbar" style="height:4px"></div>'}};
  if (signs[sign]) form.insertAdjacentHTML("beforebegin", `<div id="loading">${{signs[sign]}}</div>`);
  setTimeout(() => {{
    held.forEach(([el, value]) => {{ el.value = value; }});
    form.removeAttribute("aria-busy");
    document.getElementById("loading")?.remove();
  }}, BEHAVIOUR.loadAfterMs);
}}
if (BEHAVIOUR.refillOnFirstInput) {{  // the portal's fresh copy of the profile, landing as typing begins
  const held = [...form.elements].map(el => [el, el.value]);
  form.addEventListener("input", () => held.forEach(([el, value]) => {{ el.value = value; }}), {{once: true}});
}}
const before = Object.fromEntries(new FormData(form));  // as the portal's API gave it: shown again from its cache
if (BEHAVIOUR.shadow) for (const message of [problem, status]) {{  // each in a web component's own tree
  const host = document.createElement("portal-message");
  message.replaceWith(host);
  host.attachShadow({{mode: "open"}}).append(message);
}}
form.querySelector("button").addEventListener("click", () => {{
  if (BEHAVIOUR.telemetry) fetch("/telemetry", {{method: "POST", body: "clicked"}}).catch(() => {{}});
}});
const markInvalid = (name, message) => {{
  const input = form.elements[name];
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", name + "-error");
  let error = `<span id="${{name}}-error">${{message}}</span>`;
  if (BEHAVIOUR.errorMessage) {{  // ARIA's own attribute for the error; the description a hint only
    input.setAttribute("aria-errormessage", name + "-message");
    error = `<span id="${{name}}-error">5 digits</span><span id="${{name}}-message">${{message}}</span>`;
  }}
  input.closest("label").insertAdjacentHTML("afterend", error);
}};
form.addEventListener("submit", async (event) => {{
  event.preventDefault();
  const question = "Save changes to this billing profile?";
  if (BEHAVIOUR.confirm === "browser" && !window.confirm(question)) return;  // the browser's own dialog
  if (BEHAVIOUR.confirm === "prompt") window.prompt("Reason for the change (optional)");  // sent whatever the answer
  if (BEHAVIOUR.confirm === "native") {{  // an HTML <dialog>, opened modal
    document.querySelector("main").insertAdjacentHTML("beforeend", `<dialog id="ask"><p>${{question}}</p>
      <button type="button">Yes</button></dialog>`);
    return document.getElementById("ask").showModal();
  }}
  if (BEHAVIOUR.confirm === true) {{  // a person asked to confirm first: nothing is sent until they do
    document.querySelector("main").insertAdjacentHTML("beforeend", `<div role="alertdialog" aria-modal="true">
      <p>${{question}}</p><button type="button">Yes</button></div>`);
    return;
  }}
  const values = Object.fromEntries(new FormData(form)), button = form.querySelector("button");
  if (BEHAVIOUR.ownCheck && !/^\\d{{5}}$/.test(values.postalCode)) return markInvalid("postalCode", BEHAVIOUR.ownCheck);
  if (BEHAVIOUR.saving) {{ status.textContent = "Saving…"; button.disabled = true; }}
  if (BEHAVIOUR.rewriteAlert) problem.textContent = problem.textContent;
  await later(BEHAVIOUR.sendAfterMs);  // a token to get first, say
  let answer;
  try {{
    const send = () => fetch(BEHAVIOUR.api, {{method: "POST", body: JSON.stringify(values)}});
    let response = await send();
    if (response.status === 401 && BEHAVIOUR.retryOn401) response = await send();  // a fresh token, say
    for (let tries = 0; response.status >= 500 && tries < BEHAVIOUR.retriesOn5xx; tries++) response = await send();
    const failed = {{alert: "Something went wrong. Try again later."}};
    answer = response.ok || BEHAVIOUR.trustsBody ? await response.json() : failed;
  }} catch {{
    problem.textContent = "Something went wrong. Try again later.";
    return;
  }}
  await later(BEHAVIOUR.delayMs);
  if (BEHAVIOUR.saving) {{ status.textContent = ""; button.disabled = false; }}
  if (BEHAVIOUR.banner) document.getElementById("banner").textContent = BEHAVIOUR.banner;
  if (answer.alert && BEHAVIOUR.toast) {{  // a web component added for the answer, its alert in its shadow root
    const toast = document.createElement("portal-toast");
    toast.attachShadow({{mode: "open"}}).innerHTML = `<div role="alert">${{answer.alert}}</div>`;
    document.querySelector("main").append(toast);
  }} else if (answer.alert) {{
    problem.textContent = "";
    await later(20);
    problem.textContent = answer.alert;
  }}
  for (const [name, message] of Object.entries(answer.fieldErrors || {{}})) markInvalid(name, message);
  if (answer.saved && BEHAVIOUR.statusHost) {{  // a status whose words go straight into its shadow root
    const host = document.getElementById("status-host");
    host.shadowRoot.textContent = "Your changes were saved.";
  }} else if (answer.saved && BEHAVIOUR.keepForm) {{
    (BEHAVIOUR.savedAsAlert ? problem : status).textContent = BEHAVIOUR.savedWords || "Your changes were saved.";
    button.disabled = true;
  }} else if (answer.saved) {{
    const draw = (values) => Object.entries(values)
      .map(([name, value]) => `<dt>${{LABELS[name]}}</dt><dd>${{value}}</dd>`);
    // The view drawn from what the page held before the save, then fetched anew (staleViewMs later), or at once.
    const first = BEHAVIOUR.staleViewMs ? {{...answer.saved, ...before}} : answer.saved;
    const busy = BEHAVIOUR.staleViewBusy ? ' aria-busy="true"' : "";  // saying so while it fetches anew, or not
    form.outerHTML = `<h2>Bill-to info</h2><dl${{busy}}>${{draw(first).join("")}}</dl>`;
    const fetchedAnew = () => {{
      document.querySelector("dl").innerHTML = draw(answer.saved).join("");
      document.querySelector("dl").removeAttribute("aria-busy");
    }};
    if (BEHAVIOUR.staleViewMs) setTimeout(fetchedAnew, BEHAVIOUR.staleViewMs);
    if (!BEHAVIOUR.quiet) (BEHAVIOUR.savedAsAlert ? problem : status).textContent = "Your changes were saved.";
  }}
}});
</script></body></html>"""
API = PORTAL + "api/billing"


def form_page(alert: str, behaviour: dict[str, object]) -> str:
    """Return the edit form holding ``BILLING``, its alert saying ``alert``, its script doing as ``behaviour`` says."""
    fields = "".join(
        f'<label>{UI_STRINGS[name][0]} <input name="{name}" value="{value}"></label>'
        for name, value in BILLING.items()
        if name != "country"
    )
    fields += (
        f'<label>{UI_STRINGS["country"][0]} <input value="{BILLING["country"]}" readonly></label>'  # shown, not sent
    )
    labels = json.dumps({name: UI_STRINGS[name][0] for name in BILLING})
    submit = behaviour.get("submitName", "Submit")
    behaviour = json.dumps({"api": API, "delayMs": 0, "sendAfterMs": 0, "retriesOn5xx": 0, **behaviour})
    return FORM.format(alert=alert, fields=fields, labels=labels, behaviour=behaviour, submit=submit)


def serve(
    page: Page,
    answer: Callable[[dict[str, str]], dict[str, object]] | None,
    alert: str = "",
    failure: str = "connectionrefused",
    status: int | list[int] = 200,
    telemetry_status: int = 0,
    hang: bool = False,
    headers: dict[str, str] | None = None,
    **behaviour: object,
) -> list[dict]:
    """Serve the form; answer each POST of it with ``answer(values)`` (None: it fails with ``failure``).

    ``behaviour`` goes to the form's script (``api``, ``saving``, ``telemetry``, ``delayMs``, ``banner``,
    ``sendAfterMs``: a wait between "Saving…" and sending, ``fullTimings``: the page's resource timing buffer full,
    ``trustsBody``: the page shows the answer's body whatever its status,
    ``ownCheck``: the page's own check of the postal code, refusing it with these words and sending nothing,
    ``rewriteAlert``, ``keepForm``, ``quiet``: the Account view after a save and no status,
    ``savedAsAlert``: "saved" said in the alert (``savedWords``, kept form), ``hiddenView``: a hidden Account view
    before the form, ``shadow``: the alert and the status in shadow roots,
    ``toast``: the alert in a component added for it, ``statusHost``: the saved status written into a shadow
    root, ``retryOn401``: the page sends the form again after a 401, ``retriesOn5xx``: so many times again after
    a 5xx, ``loadAfterMs``: the fields drawn empty and filled so long after, ``loadingSign`` meanwhile (busy, words,
    progressbar), ``staleViewMs``: after a save, the Account view drawn from the values before it, then, so
    long after, from the saved ones; ``staleViewBusy``: saying it is busy meanwhile; ``confirm``: Submit asks
    to confirm in a dialog (True: an ARIA alertdialog; "native": a modal <dialog>; "browser": ``confirm()``;
    "prompt": an optional ``prompt()``, the form sent whatever its answer);
    ``submitName``: Submit's words; ``refillOnFirstInput``: the fields filled anew as
    typing begins); ``status`` is the HTTP status of the answer (a list: of each answer in turn); the telemetry
    is blocked, or answered ``telemetry_status``; ``hang``: the portal never answers the form's request;
    ``headers``: more of its answer's headers.
    Returns the values each POST of the form carried, in order.
    """
    posted: list[dict] = []
    api = str(behaviour.get("api", API))

    def route(route: Route) -> None:
        request = route.request
        if request.url == PORTAL + "account/edit":
            route.fulfill(content_type="text/html; charset=utf-8", body=form_page(alert, behaviour))
        elif request.url == PORTAL + "telemetry" and telemetry_status:
            route.fulfill(status=telemetry_status, body="")
        elif request.url == PORTAL + "telemetry":
            route.abort("blockedbyclient")
        elif request.method == "POST" and request.url == api:
            values = json.loads(request.post_data or "{}")
            posted.append(values)
            if hang:
                return  # the request stays unanswered
            if answer is None:
                route.abort(failure)
            else:
                cors = {"access-control-allow-origin": PORTAL.rstrip("/"), **(headers or {})}
                body = json.dumps(answer(values))
                answered = status if isinstance(status, int) else status[min(len(posted), len(status)) - 1]
                route.fulfill(status=answered, content_type="application/json", headers=cors, body=body)
        else:
            route.fulfill(status=404, content_type="text/html", body="<h1>404 Not found</h1>")

    page.route(re.compile(r"^https://[^/]*(single-page|elsewhere)\.test/"), route)
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    page.goto(PORTAL + "account/edit")
    return posted


def saves(values: dict[str, str]) -> dict[str, object]:
    """The portal's answer that saved ``values``."""
    return {"saved": {**values, "country": "FR"}}


NO_REQUEST_WAITED_OUT = "no request carrying the form"  # the library's log when it waited for one in vain
CONFLICT = "Someone else changed this billing profile. Nothing was saved."


def conflicts(values: dict[str, str]) -> dict[str, object]:
    """The portal's answer that refused ``values``: someone else changed the profile first."""
    return {"alert": CONFLICT}


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


def test_a_change_the_portal_never_answered_in_place_is_unavailable(page: Page) -> None:
    # Given a portal whose connection is refused: its page then says only that something went wrong
    posted = serve(page, None)

    with pytest.raises(PortalUnavailableError, match=r"did not answer Submit.*ERR_CONNECTION_REFUSED"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Vénissieux"})

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


def test_a_save_whose_toast_is_an_alert_is_saved_when_the_portal_went_back_to_its_account_view(page: Page) -> None:
    # Given a portal that saves, goes back to its Account view and says so in an alert (a toast library's role)
    posted = serve(page, saves, savedAsAlert=True)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1 and profile.city == "Bron"


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


def test_a_connection_reset_while_the_change_is_sent_leaves_what_was_saved_unknown(page: Page) -> None:
    # Given a connection that breaks while the change goes out: the portal may have had it
    serve(page, None, failure="connectionreset")

    with pytest.raises(UnknownPageError, match="perhaps after the form reached it"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Rillieux"})


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


@pytest.mark.parametrize("name", ["Save", "Enregistrer", "保存"])
def test_a_form_whose_submit_is_named_save_is_submitted(page: Page, name: str) -> None:
    # Given a portal whose form's button says "Save" (in one of the three languages), not "Submit"
    posted = serve(page, saves, submitName=name)

    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Vienne"})

    assert len(posted) == 1 and profile.city == "Vienne"


def test_a_save_that_leaves_the_form_with_submit_disabled_is_taken(page: Page) -> None:
    # Given a portal that keeps the form after saving, says so in its status, and disables Submit
    serve(page, saves, keepForm=True)
    form = AccountEditPage(page).wait_until_ready().fill({"city": "Décines"})

    assert form.submit_form() is True


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


def test_a_conflict_written_inside_a_web_component_s_shadow_root_is_read(page: Page) -> None:
    # Given a form whose alert lives in a web component's shadow root, already saying something
    serve(page, conflicts, alert="Check the highlighted fields.", shadow=True)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})


def test_a_save_told_by_a_status_inside_a_shadow_root_returns_what_the_page_then_shows(page: Page) -> None:
    # Given a portal whose status lives in a web component's shadow root, and whose form stays as it was
    serve(page, saves, shadow=True, keepForm=True)
    form = AccountEditPage(page).wait_until_ready()

    # When the city is changed and submitted, the form is taken
    assert form.fill({"city": "Villeurbanne"}).submit_form()


def test_a_conflict_in_a_component_added_for_it_with_its_own_shadow_root_is_read(page: Page) -> None:
    # Given a portal that answers with a toast: a web component added to the page, its alert in its shadow root
    serve(page, conflicts, toast=True)

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})


def test_a_status_whose_words_go_straight_into_its_shadow_root_is_the_answer(page: Page) -> None:
    # Given a status element whose words the portal writes into its own shadow root
    serve(page, saves, statusHost=True)
    form = AccountEditPage(page).wait_until_ready()

    # When the city is changed and submitted, the form is taken
    assert form.fill({"city": "Villeurbanne"}).submit_form()
