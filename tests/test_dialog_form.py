"""An edit form opened as a dialog over the Account view, as single-page portals draw it.

The Account view stays in the page under the dialog, its values under the same labels as the form's fields ("City",
"Postal code"): the form's fields are typed into and read, its answer told apart from the view it leaves shown.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page
from single_page_form import BILLING, PORTAL, SHORT_TIMEOUT_MS

from flows import BillingProfile, ValidationError, submit_changes
from flows.account import edit_from
from pages import AccountPage
from pages.form import css_string
from pages.strings import UI_STRINGS

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

LABELS = {name: UI_STRINGS[name][0] for name in BILLING}
# The Account view, and the dialog its Edit opens, its Submit sending the change with fetch, as ``BEHAVIOUR`` says:
# ``view``: the view's values as a list of terms ("terms") or as labelled read-only text boxes ("boxes"); ``element``:
# the dialog an ARIA one ("div") or HTML's own, opened modal ("dialog"); ``spinner``: Submit shows a spinner and
# "Saving…" while the change is sent (``sendAfterMs`` after it); ``drawAfterMs``: how long the page takes to draw
# the API's answer; ``summary``: the errors also in a summary above the fields ("beside" those at the fields), or
# there "alone", an alert unless ``summaryRole`` says (a status); ``keepDialog``: the dialog kept open after a save,
# the view under it not drawn anew.
APP = """<!doctype html><html lang="en"><title>Account</title><body>
<main><h1>Contoso Lyon</h1><h2>Bill-to info</h2><div id="view"></div><button id="edit">Edit</button></main>
<script>
const BEHAVIOUR = %(behaviour)s, LABELS = %(labels)s;
let held = %(billing)s;
const later = (ms) => new Promise(done => setTimeout(done, ms));
const drawView = () => {
  const entries = Object.entries(held), view = document.getElementById("view");
  view.innerHTML = BEHAVIOUR.view === "boxes"
    ? entries.map(([name, value]) => `<label>${LABELS[name]} <input value="${value}" readonly></label>`).join("")
    : `<dl>${entries.map(([name, value]) => `<dt>${LABELS[name]}</dt><dd>${value}</dd>`).join("")}</dl>`;
};
drawView();
document.getElementById("edit").addEventListener("click", () => {
  const fields = Object.entries(held).map(([name, value]) => `<label>${LABELS[name]} <input name="${name}"
    id="field-${name}" value="${value}"${name === "country" ? " readonly" : ""}></label>`);
  const [open, close] = BEHAVIOUR.element === "dialog" ? ["<dialog", "</dialog>"] : ['<div role="dialog"', "</div>"];
  document.body.insertAdjacentHTML("beforeend", `${open} aria-modal="true" aria-labelledby="title">
    <h2 id="title">Edit Bill-to info</h2><div>${fields.join("")}</div>
    <footer><button type="button">Submit</button></footer>${close}`);
  const dialog = document.body.lastElementChild, submit = dialog.querySelector("footer button");
  if (dialog.showModal) dialog.showModal();
  submit.addEventListener("click", async () => {
    const values = Object.fromEntries([...dialog.querySelectorAll("input[name]")].map(el => [el.name, el.value]));
    if (BEHAVIOUR.spinner) {  // Submit a spinner while the change is sent, named by what it does meanwhile
      submit.disabled = true;
      submit.innerHTML = '<span role="progressbar" aria-label="Saving"></span> Saving…';
    }
    await later(BEHAVIOUR.sendAfterMs || 0);  // a token to get first, say
    const answer = await (await fetch("/api/billing", {method: "POST", body: JSON.stringify(values)})).json();
    await later(BEHAVIOUR.drawAfterMs || 0);  // the page's own work on the answer
    if (BEHAVIOUR.spinner) { submit.disabled = false; submit.textContent = "Submit"; }
    const errors = Object.entries(answer.fieldErrors || {});
    if (errors.length && BEHAVIOUR.summary) {  // a summary above the fields, each error a link to its field
      const links = errors.map(([name, message]) => `<li><a href="#field-${name}">${message}</a></li>`).join("");
      dialog.querySelector("h2").insertAdjacentHTML("afterend",
        `<div role="${BEHAVIOUR.summaryRole || "alert"}"><p>There are ${errors.length} errors</p>
        <ul>${links}</ul></div>`);
    }
    for (const [name, message] of BEHAVIOUR.summary === "alone" ? [] : errors) {
      const input = dialog.querySelector(`[name=${name}]`);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", `${name}-error`);
      input.closest("label").insertAdjacentHTML("afterend", `<span id="${name}-error">${message}</span>`);
    }
    if (answer.fieldErrors) return;
    held = {...held, ...values};
    if (!BEHAVIOUR.keepDialog) {  // else kept open, showing what was saved; the view drawn anew once it closes
      dialog.remove();
      drawView();
    }
    const toast = document.createElement("div");
    toast.setAttribute("role", "status");
    toast.textContent = "Your changes were saved.";
    document.body.append(toast);
    setTimeout(() => toast.remove(), 2500);  // a toast: gone a moment later
  });
});
</script></body></html>"""


def serve(page: Page, answer: dict[str, object] | None = None, **behaviour: object) -> AccountPage:
    """Serve the Account view of ``BILLING`` and the API its dialog sends changes to, answering ``answer`` (200);
    return the view, found ready."""
    body = APP % {"behaviour": json.dumps(behaviour), "labels": json.dumps(LABELS), "billing": json.dumps(BILLING)}
    said = json.dumps(answer or {})
    page.route(PORTAL + "account", lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=body))
    page.route(PORTAL + "api/billing", lambda route: route.fulfill(content_type="application/json", body=said))
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    page.goto(PORTAL + "account")
    return AccountPage(page).wait_until_ready()


@pytest.mark.parametrize("element", ["div", "dialog"])
@pytest.mark.parametrize("view", ["terms", "boxes"])
def test_a_change_typed_into_a_dialog_over_the_account_view_is_saved_and_read_back(
    page: Page, view: str, element: str
) -> None:
    # Given the Account view showing its values as terms, or as read-only text boxes under the fields' own labels
    account = serve(page, view=view, element=element)

    # When Edit opens its dialog, and the city is changed there and submitted
    profile = submit_changes(edit_from(account, "Contoso Lyon"), {"city": "Bron"})

    # Then the dialog's field is the one typed into, and the view shows the saved city
    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Bron"})


def test_a_refusal_drawn_after_submit_showed_a_spinner_in_the_dialog_is_no_save(page: Page) -> None:
    # Given a dialog whose Submit is a spinner saying "Saving…" until the page has drawn the portal's answer
    message = "Enter a 5-digit postal code."
    account = serve(page, {"fieldErrors": {"postalCode": message}}, spinner=True, drawAfterMs=500)

    # When a postal code the portal refuses is submitted
    # Then the refusal at the field is the answer: no Submit shown meanwhile, over the Account view, is no save
    with pytest.raises(ValidationError) as refused:
        submit_changes(edit_from(account, "Contoso Lyon"), {"postalCode": "690"})
    assert refused.value.field_errors == {"postalCode": message}


def test_a_save_after_submit_showed_a_spinner_in_the_dialog_is_read_back(page: Page) -> None:
    # Given a dialog whose Submit is a spinner saying "Saving…" until the page has drawn the portal's answer
    account = serve(page, spinner=True, drawAfterMs=500)

    # When the city is changed and submitted
    profile = submit_changes(edit_from(account, "Contoso Lyon"), {"city": "Bron"})

    # Then the save is taken, and the saved city read back
    assert profile.city == "Bron"


def test_a_save_sent_a_moment_after_submit_showed_a_spinner_in_the_dialog_is_read_back(page: Page) -> None:
    # Given a dialog whose Submit is a spinner saying "Saving…" as the page gets a token, then sends the change
    account = serve(page, spinner=True, sendAfterMs=300)

    # When the city is changed and submitted
    profile = submit_changes(edit_from(account, "Contoso Lyon"), {"city": "Bron"})

    # Then the form's own dialog, its Submit a spinner, is not taken for one asking to confirm: the save is read back
    assert profile.city == "Bron"


@pytest.mark.parametrize("summary_role", ["alert", "status"])
@pytest.mark.parametrize("summary", ["beside", "alone"])
def test_errors_in_a_summary_linking_to_their_fields_are_a_validation_error_at_those_fields(
    page: Page, summary: str, summary_role: str
) -> None:
    # Given a dialog that lists its errors above its fields ("There are 2 errors"), each a link to its field, and
    # marks the fields themselves too, or not
    errors = {"postalCode": "Enter a 5-digit postal code.", "phoneNumber": "Enter a valid phone number."}
    account = serve(page, {"fieldErrors": errors}, summary=summary, summaryRole=summary_role)

    # When values the portal refuses are submitted
    # Then each error is its field's, read from the summary where the field says none: not a conflict
    with pytest.raises(ValidationError) as refused:
        submit_changes(edit_from(account, "Contoso Lyon"), {"postalCode": "690", "phoneNumber": "x"})
    assert refused.value.field_errors == errors


def test_a_save_that_keeps_the_dialog_open_is_read_back_from_the_dialog_not_the_view_under_it(page: Page) -> None:
    # Given a dialog kept open after a save, saying so, over an Account view not drawn anew yet
    account = serve(page, keepDialog=True)

    # When the city is changed and submitted
    profile = submit_changes(edit_from(account, "Contoso Lyon"), {"city": "Bron"})

    # Then what the dialog holds is returned, not the view's values from before the save
    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Bron"})


# An edit panel drawn in place of the Account view (no <form> holding its fields, as ``BEHAVIOUR`` says), below a
# header whose search box stays on every view; Submit in a sticky footer outside the main landmark. ``formAttr``: the
# footer is a <form> holding only Submit, the fields tied to it by their form attribute. Saved, the Account view is
# drawn again in place, saying nothing else.
PANEL_APP = """<!doctype html><html lang="en"><title>Account</title><body>
<header><input type="search" aria-label="Search Partner Center"></header><main></main><footer></footer>
<script>
const BEHAVIOUR = %(behaviour)s, LABELS = %(labels)s;
let held = %(billing)s;
const main = document.querySelector("main"), footer = document.querySelector("footer");
const drawView = () => {
  main.innerHTML = `<h1>Contoso Lyon</h1><h2>Bill-to info</h2><dl>${Object.entries(held)
    .map(([name, value]) => `<dt>${LABELS[name]}</dt><dd>${value}</dd>`).join("")}</dl><button id="edit">Edit</button>`;
  footer.innerHTML = "";
  document.getElementById("edit").addEventListener("click", drawForm);
};
const drawForm = () => {
  const tie = BEHAVIOUR.formAttr ? ' form="billing"' : "";
  main.innerHTML = `<h1>Edit Bill-to info</h1>${Object.entries(held).map(([name, value]) => `<label>${LABELS[name]}
    <input name="${name}" value="${value}"${tie}${name === "country" ? " readonly" : ""}></label>`).join("")}`;
  footer.innerHTML = BEHAVIOUR.formAttr ? '<form id="billing"><button>Submit</button></form>'
    : '<button type="button">Submit</button>';
  footer.querySelector("button").addEventListener("click", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...main.querySelectorAll("input[name]")].map(el => [el.name, el.value]));
    await fetch("/api/billing", {method: "POST", body: JSON.stringify(values)});
    held = {...held, ...values};
    drawView();
  });
};
drawView();
</script></body></html>"""


@pytest.mark.parametrize("form_attr", [False, True], ids=["no-form", "fields-tied-by-form-attribute"])
def test_a_change_typed_into_a_panel_whose_submit_is_in_a_footer_outside_it_is_saved_and_read_back(
    page: Page, form_attr: bool
) -> None:
    # Given an edit panel in the main landmark, its Submit in a footer outside it (in a <form> of its own, the fields
    # tied to that form by their form attribute, or in none), a header's search box shown on every view
    body = PANEL_APP % {
        "behaviour": json.dumps({"formAttr": form_attr}),
        "labels": json.dumps(LABELS),
        "billing": json.dumps(BILLING),
    }
    page.route(PORTAL + "account", lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=body))
    page.route(PORTAL + "api/billing", lambda route: route.fulfill(content_type="application/json", body="{}"))
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    page.goto(PORTAL + "account")
    account = AccountPage(page).wait_until_ready()

    # When the city is changed there and submitted, the portal drawing its Account view again in place
    profile = submit_changes(edit_from(account, "Contoso Lyon"), {"city": "Bron"})

    # Then the field is typed into, and the save is the Account view shown again: the header's search box, which
    # stays, is no field of the form
    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Bron"})


@pytest.mark.parametrize("form_id", ["billing", 'bill "to"', "a\\b", "bill\nto", "bill\rto", "bill\r\nto", "bill\fto"])
def test_a_form_id_of_any_characters_finds_the_fields_tied_to_it(page: Page, form_id: str) -> None:
    # Given a field tied to a <form> by its form attribute, the form's id holding quotes, a backslash or a line break
    page.set_content('<form id="f"></form><input id="city" aria-label="City">')
    page.evaluate(
        "(id) => { document.getElementById('f').id = id; document.getElementById('city').setAttribute('form', id); }",
        form_id,
    )

    # When the fields tied to that form are looked for, then the field is found, the selector read as written
    assert page.locator(f"[form={css_string(form_id)}]").count() == 1
