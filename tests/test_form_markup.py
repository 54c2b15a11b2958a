"""Submit on a portal that answers in place, as single-page portals do, not with a new page.

The bundled portal posts its form and answers with a page; Partner Center's own pages are a
single-page app, which sends the changes with fetch and writes the answer into the page: a
status, an alert (perhaps one already shown, with new words), or fields marked invalid. Served
through routes here, so each test controls every answer and counts what the browser sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route

from flows import EditConflictError, PortalUnavailableError, ValidationError, submit_changes
from pages import AccountEditPage
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
# The edit form, its live regions empty, and the script that sends it and writes the answer in place.
FORM = """<!doctype html><html lang="en"><title>Account</title><body><main>
<h1>Edit Bill-to info</h1>
<div role="alert" id="problem">{alert}</div>
<form id="billing">{fields}<button type="submit">Submit</button></form>
<div role="status" id="done"></div>
</main><script>
const form = document.getElementById("billing");
form.addEventListener("submit", async (event) => {{
  event.preventDefault();
  const values = Object.fromEntries(new FormData(form));
  let answer;
  try {{
    const response = await fetch("/api/billing", {{method: "POST", body: JSON.stringify(values)}});
    answer = await response.json();
  }} catch {{
    document.getElementById("problem").textContent = "Something went wrong. Try again later.";
    return;
  }}
  if (answer.alert) document.getElementById("problem").textContent = answer.alert;
  for (const [name, message] of Object.entries(answer.fieldErrors || {{}})) {{
    const input = form.elements[name];
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", name + "-error");
    input.closest("label").insertAdjacentHTML("afterend", `<span id="${{name}}-error">${{message}}</span>`);
  }}
  if (answer.saved) {{
    const shown = Object.entries(answer.saved).map(([name, value]) => `<dt>${{LABELS[name]}}</dt><dd>${{value}}</dd>`);
    form.outerHTML = `<h2>Bill-to info</h2><dl>${{shown.join("")}}</dl>`;
    document.getElementById("done").textContent = "Your changes were saved.";
  }}
}});
const LABELS = {labels};
</script></body></html>"""


def form_page(alert: str = "") -> str:
    """Return the edit form holding ``BILLING``, its alert saying ``alert``."""
    fields = "".join(
        f'<label>{UI_STRINGS[name][0]} <input name="{name}" value="{value}"></label>'
        for name, value in BILLING.items()
        if name != "country"
    )
    labels = json.dumps({name: UI_STRINGS[name][0] for name in BILLING})
    return FORM.format(alert=alert, fields=fields, labels=labels)


def serve(page: Page, answer: Callable[[dict[str, str]], dict[str, object]] | None, alert: str = "") -> list[dict]:
    """Serve the form; answer each POST of it with ``answer(values)`` (None: the connection is refused).

    Returns the values each POST carried, in order.
    """
    posted: list[dict] = []

    def route(route: Route) -> None:
        request = route.request
        if request.url == PORTAL + "account/edit":
            route.fulfill(content_type="text/html; charset=utf-8", body=form_page(alert))
        elif request.method == "POST" and request.url == PORTAL + "api/billing":
            values = json.loads(request.post_data or "{}")
            posted.append(values)
            if answer is None:
                route.abort("connectionrefused")
            else:
                route.fulfill(content_type="application/json", body=json.dumps(answer(values)))
        else:
            route.fulfill(status=404, content_type="text/html", body="<h1>404 Not found</h1>")

    page.route(PORTAL + "**", route)
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    page.goto(PORTAL + "account/edit")
    return posted


def test_a_save_shown_in_place_returns_what_the_page_then_shows(page: Page) -> None:
    # Given a portal that saves with fetch and shows the Bill-to info and a status in place
    posted = serve(page, lambda values: {"saved": {**values, "country": "FR"}})

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


def test_a_conflict_written_into_an_alert_already_shown_is_told_by_its_new_words(page: Page) -> None:
    # Given a form whose alert already says something from before, and a portal that then reports a conflict in it
    conflict = "Someone else changed this billing profile. Nothing was saved."
    posted = serve(page, lambda values: {"alert": conflict}, alert="Check the highlighted fields.")

    with pytest.raises(EditConflictError, match="Someone else changed"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})

    assert len(posted) == 1


def test_a_change_the_portal_never_answered_in_place_is_unavailable(page: Page) -> None:
    # Given a portal whose connection is refused: its page then says only that something went wrong
    posted = serve(page, None)

    with pytest.raises(PortalUnavailableError, match=r"did not answer Submit.*ERR_CONNECTION_REFUSED"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Vénissieux"})

    assert len(posted) == 1
