"""A single-page portal's form and Account view as they load: filled late, shown from a cache, covered, crashed.

Served through routes (``single_page_form.serve``), so each test controls when the page fills its form and
what it shows after a save, and counts what the browser sent.
"""

from __future__ import annotations

import json
from contextlib import suppress

import pytest
from playwright.sync_api import Browser, Page, Route
from playwright.sync_api import Error as PlaywrightError
from single_page_form import API, BILLING, PORTAL, saves, serve

from flows import (
    BillingProfile,
    ConfirmationAskedError,
    PageCrashedError,
    PageError,
    PortalError,
    UnknownPageError,
    ValidationError,
    submit_changes,
)
from flows.steps import step
from pages import EDITABLE_FIELDS, AccountEditPage, AccountPage
from pages.strings import UI_STRINGS

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal


@pytest.mark.parametrize("sign", ["none", "busy", "words", "progressbar"])
def test_a_form_filled_after_it_shows_is_typed_into_once_it_holds_the_customer_s_values(page: Page, sign: str) -> None:
    # Given a form drawn empty and filled from the portal's API a moment later, saying so (or not) meanwhile
    posted = serve(page, saves, loadAfterMs=400, loadingSign=sign)

    # When the city is changed and submitted as soon as the form is found ready
    submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Villeurbanne"})

    # Then the form went out once, with the customer's values but the city: nothing wiped
    sent = {name: value for name, value in BILLING.items() if name != "country"}
    assert posted == [{**sent, "city": "Villeurbanne"}]


def test_a_form_filled_anew_as_typing_begins_is_typed_into_again_before_submit(page: Page) -> None:
    # Given a form the portal fills anew from its API (its fresh copy of the profile) as typing begins
    posted = serve(page, saves, refillOnFirstInput=True)

    # When the city is changed and submitted
    submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Villeurbanne"})

    # Then the form went out with the city typed, not with the value the portal put back over it
    sent = {name: value for name, value in BILLING.items() if name != "country"}
    assert posted == [{**sent, "city": "Villeurbanne"}]


def test_a_form_that_never_finishes_loading_is_said_so_when_waited_on(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a form that says it is busy for longer than the wait for it
    monkeypatch.setattr(AccountEditPage, "LOAD_WAIT_MS", 300)
    serve(page, saves, loadAfterMs=600_000, loadingSign="busy")

    # When it is waited on (as the flows and ``open`` do before typing), then it is said to be loading still
    with pytest.raises(UnknownPageError, match=r"had not finished loading after 0.3 s \(it says it is busy\)"):
        AccountEditPage(page).wait_until_ready()


def test_an_account_view_shown_from_before_the_save_then_fetched_anew_is_read_once_it_shows_the_save(
    page: Page,
) -> None:
    # Given a portal that, saved, shows its Account view from what it held before, and fetches it anew after
    serve(page, saves, staleViewMs=200)

    # When the city and postal code are changed and submitted
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron", "postalCode": "69500"})

    # Then what is returned is the profile as saved, not as it was before
    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Bron", "postalCode": "69500"})


def test_a_value_the_portal_saves_tidied_is_returned_as_it_saved_it(page: Page) -> None:
    # Given a portal that saves the city in capitals
    serve(page, lambda values: saves({**values, "city": values["city"].upper()}))

    # When the city is changed and submitted, then the capitals are what is returned
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Caluire"})
    assert profile.city == "CALUIRE"


SHADOW_FIELDS = """<!doctype html><html lang="en"><body><main><h1>Edit Bill-to info</h1>
<form id="billing"><portal-field name="city" label="City"></portal-field>
<portal-field name="postalCode" label="Postal code"></portal-field><button>Submit</button></form>
</main><script>
customElements.define("portal-field", class extends HTMLElement {
  connectedCallback() {
    const name = this.getAttribute("name");
    this.attachShadow({mode: "open"}).innerHTML = `<label for="f">${this.getAttribute("label")}</label>
      <input id="f" value="x" aria-invalid="${name === "postalCode"}" aria-describedby="e">
      <span id="e">Enter 5 digits.</span>`;
  }
});
</script></body></html>"""
SHADOW_VIEW = """<!doctype html><html lang="en"><body><main><h1>Contoso</h1><portal-billing></portal-billing></main>
<script>
customElements.define("portal-billing", class extends HTMLElement {
  connectedCallback() {
    this.attachShadow({mode: "open"}).innerHTML = "<h2>Bill-to info</h2><dl>" +
      Object.entries(%s).map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join("") + "</dl>";
  }
});
</script></body></html>"""


def test_errors_at_fields_of_web_components_are_read_by_their_labels(page: Page) -> None:
    # Given a form whose fields are web components, each with its label and error in its own shadow root
    page.set_content(SHADOW_FIELDS)

    # When its errors are read, then the postal code's is found, named by its label
    assert AccountEditPage(page).wait_until_ready().field_errors() == {"postalCode": "Enter 5 digits."}


def test_the_bill_to_info_of_a_web_component_is_read(page: Page) -> None:
    # Given an Account page whose Bill-to info is drawn in a web component's shadow root
    terms = {UI_STRINGS[name][0]: value for name, value in BILLING.items()}
    page.set_content(SHADOW_VIEW % json.dumps(terms))

    # When the Bill-to info is read, then every value is found
    assert AccountPage(page).wait_until_ready().billing_profile() == BillingProfile.from_mapping(BILLING)


@pytest.mark.parametrize(
    "field",
    [
        '<label for="c">City <span class="sr-only">(required)</span><span aria-hidden="true">*</span></label>'
        '<input id="c" name="city" value="Lyon">',
        '<input name="city" placeholder="City" value="Lyon">',
        '<label for="c">Ville (obligatoire) :</label><input id="c" name="city" value="Lyon">',
    ],
    ids=["required-in-words", "placeholder-only", "french-note"],
)
def test_a_field_named_by_a_note_in_brackets_or_by_its_placeholder_is_typed_into(page: Page, field: str) -> None:
    # Given a form whose city is labelled with a note, or only by its placeholder
    page.set_content(f"<main><form>{field}<button>Submit</button></form></main>")

    # When the city is typed, then its field holds it
    form = AccountEditPage(page).wait_until_ready().fill({"city": "Villeurbanne"})
    assert page.locator("input[name=city]").input_value() == "Villeurbanne"
    assert form.shown_fields(("city",)) == {"city": "Villeurbanne"}


def test_a_field_the_loaded_form_does_not_show_is_said_without_waiting_for_it(page: Page) -> None:
    # Given a loaded form without a postal code
    page.set_content(
        '<main><form><label>City <input name="city" value="Lyon"></label><button>Submit</button></form></main>'
    )
    form = AccountEditPage(page).wait_until_ready()

    # When a postal code is typed, then the error names the field, and no wait for it timed out
    with pytest.raises(PortalError, match=r"no field 'postalCode'") as raised:
        form.fill({"postalCode": "69001"})
    assert raised.value.__cause__ is None


def test_a_link_covered_by_a_dialog_names_the_dialog(page: Page) -> None:
    # Given an Account page covered by a cookie banner
    page.set_content(
        '<main><h2>Bill-to info</h2><dl><dt>City</dt><dd>Lyon</dd></dl><a href="#edit">Edit</a></main>'
        '<div role="dialog" aria-label="Cookie consent" '
        'style="position:fixed;inset:0;background:#fff"><p>We use cookies.</p><button>Accept</button></div>'
    )
    page.set_default_timeout(1_000)  # the wait that ends in the error, kept short

    # When Edit is selected, then the error names what covers it
    with pytest.raises(UnknownPageError, match=r'Edit could not be selected .*covered by <div role="dialog"'):
        AccountPage(page).wait_until_ready().edit()


@pytest.mark.only_browser("chromium")  # the page crashed through a CDP session
def test_a_page_crashing_during_submit_leaves_what_was_saved_unknown_and_the_next_flow_says_it_crashed(
    page: Page,
) -> None:
    # Given a portal whose page crashes while the change is on its way
    serve(page, saves)
    crash = page.context.new_cdp_session(page)

    def crash_on_the_way(route: Route) -> None:
        with suppress(PlaywrightError):  # the answer to the crash never comes: the page is gone
            crash.send("Page.crash")

    page.route(API, crash_on_the_way)  # routes set last are asked first
    form = AccountEditPage(page).wait_until_ready()

    # When the city is submitted, then whether it was saved is not known, and the portal's answer is awaited
    crashed = r"crashed or was closed during Submit.*whether anything was saved"
    with pytest.raises(UnknownPageError, match=crashed) as raised:
        submit_changes(form, {"city": "Vénissieux"})
    assert raised.value.unanswered

    # And a flow on the crashed page says so at once
    with pytest.raises(PageCrashedError, match="crashed or was closed"):
        submit_changes(AccountEditPage(page), {"city": "Vénissieux"})
    assert PORTAL in page.url


def test_a_context_closed_under_a_traced_step_is_said_as_the_page_lost_not_as_the_trace_s_error(
    browser: Browser,
) -> None:
    # Given a context recording a trace, closed by the block of a step (its page with it)
    context = browser.new_context()
    context.tracing.start()
    page = context.new_page()

    # Then the step says the page was lost: the trace's group, ended after it, does not say "closed" instead
    with pytest.raises(PageCrashedError, match="crashed or was closed"), step(page, "Look at the page"):
        context.close()
        page.title()


def test_a_form_drawn_without_a_form_element_is_typed_into(page: Page) -> None:
    # Given a single-page portal's form drawn without a <form> element
    page.set_content('<main><div><label>City <input name="city" value="Lyon"></label><button>Submit</button></div>')

    # When the city is typed, then its field holds it
    AccountEditPage(page).wait_until_ready().fill({"city": "Villeurbanne"})
    assert page.get_by_label("City").input_value() == "Villeurbanne"


def test_a_label_naming_two_fields_is_said_and_nothing_typed(page: Page) -> None:
    # Given a form whose "Phone number" names two fields: a dial code and the number
    page.set_content(
        '<main><div><span id="phone">Phone number</span><input aria-labelledby="phone" name="dial" value="+33">'
        '<input aria-labelledby="phone" name="number" value="1 23"><label>City <input name="city" value="Lyon">'
        "</label><button>Submit</button></div></main>"
    )

    # When the phone number is typed, then the error says the label names two fields, and neither was typed in
    with pytest.raises(PortalError, match="shows 2 fields labelled 'Phone number'"):
        AccountEditPage(page).wait_until_ready().fill({"phoneNumber": "4 56"})
    assert page.locator("input").evaluate_all("fields => fields.map(field => field.value)") == ["+33", "1 23", "Lyon"]


def test_the_values_of_a_form_whose_label_names_two_fields_are_not_read_from_either(page: Page) -> None:
    # Given a form showing every editable field, its "Phone number" naming two: a dial code and the number
    fields = "".join(
        f'<label>{UI_STRINGS[name][0]} <input name="{name}" value="x"></label>'
        for name in EDITABLE_FIELDS
        if name != "phoneNumber"
    )
    page.set_content(
        f'<main><div>{fields}<span id="phone">Phone number</span><input aria-labelledby="phone" value="+33">'
        '<input aria-labelledby="phone" value="1 23"><button>Submit</button></div></main>'
    )

    # When what it holds is read, then the label of two is said, not the dial code read as the phone number
    with pytest.raises(PortalError, match="shows 2 fields labelled 'Phone number': which one holds phoneNumber"):
        AccountEditPage(page).wait_until_ready().values()


def test_the_values_of_a_form_missing_fields_name_them_at_once(page: Page) -> None:
    # Given a form that shows the city alone
    page.set_content('<main><div><label>City <input name="city" value="Lyon"></label><button>Submit</button></div>')
    page.set_default_timeout(10_000)  # a wait for a field never shown would run into it

    # When what it holds is read, then the fields it does not show are named, not waited for
    with pytest.raises(PortalError, match=r"shows no field companyName, firstName, .*postalCode \(by their labels\)"):
        AccountEditPage(page).wait_until_ready().values()


def test_a_value_a_number_field_cannot_take_is_refused_at_that_field(page: Page) -> None:
    # Given a form whose postal code is a number field
    page.set_content(
        '<main><div><label>Postal code <input type="number" name="postalCode" value="69001"></label>'
        "<button>Submit</button></div></main>"
    )

    # When a postal code of letters is typed, then the field refuses it, as a validation error at that field
    with pytest.raises(ValidationError) as refused:
        AccountEditPage(page).wait_until_ready().fill({"postalCode": "SW1A 1AA"})
    assert list(refused.value.field_errors) == ["postalCode"]
    assert "numbers only" in refused.value.field_errors["postalCode"]


def test_a_loaded_form_beside_a_meter_a_spinner_kept_hidden_and_a_panel_loading_elsewhere_is_ready(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a loaded form, a "profile complete" progress bar that tells its value, a hidden busy spinner in the
    # form, and a side panel of the page still loading its own content
    monkeypatch.setattr(AccountEditPage, "LOAD_WAIT_MS", 300)
    page.set_content(
        '<main><div role="progressbar" aria-label="Profile complete" aria-valuenow="80">80%</div>'
        '<section><form><label>City <input name="city" value="Lyon"></label><div aria-busy="true" hidden></div>'
        "<button>Submit</button></form></section><aside><p>Loading recent activity…</p></aside></main>"
    )

    # When the form is waited on, then it is ready: none of them is the form loading
    assert AccountEditPage(page).wait_until_ready().labels == (("City", True),)


def test_a_form_that_goes_to_an_error_page_while_loading_says_the_error(page: Page) -> None:
    # Given a form still loading when its page goes to one the portal answers with a 404
    serve(page, saves, loadAfterMs=600_000, loadingSign="busy")
    page.evaluate("setTimeout(() => location.assign('/gone'), 200)")

    # When it is waited on, then the error page's status is said, not the page's replacement
    with pytest.raises(PageError) as raised:
        AccountEditPage(page).wait_until_ready()
    assert raised.value.status == 404


def test_a_change_of_accents_alone_is_read_back_once_the_view_shows_it(page: Page) -> None:
    # Given a portal that, saved, shows its Account view from before the save, then fetches it anew
    serve(page, saves, staleViewMs=300)

    # When the city's accents alone change ("Lyon" to "Lyón"), the view from before is not taken for the save
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Lyón"})

    assert profile.city == "Lyón"


@pytest.mark.parametrize("dialog", [True, "native"], ids=["aria-alertdialog", "html-dialog"])
def test_a_submit_that_opens_a_dialog_asking_to_confirm_says_so_at_once_and_sends_nothing(
    page: Page, dialog: bool | str
) -> None:
    # Given a form whose Submit asks a person to confirm, in a dialog, before it sends anything
    posted = serve(page, saves, confirm=dialog)

    # When the city is changed and submitted, then the dialog is said, not waited out as an answer that never came
    with pytest.raises(ConfirmationAskedError, match=r"opened a dialog asking 'Save changes to this billing profile\?"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})
    assert posted == []


def test_a_submit_that_asks_to_confirm_in_the_browser_s_own_dialog_says_so_at_once_and_sends_nothing(
    page: Page,
) -> None:
    # Given a form whose Submit asks with confirm() before it sends anything
    posted = serve(page, saves, confirm="browser")

    # When the city is changed and submitted, then the question is said (the dialog dismissed), not waited out
    with pytest.raises(ConfirmationAskedError, match=r"asked in a browser dialog 'Save changes to this billing prof"):
        submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})
    assert posted == []


def test_a_script_that_answers_the_browser_s_dialog_itself_gets_its_changes_saved(page: Page) -> None:
    # Given a form whose Submit asks with confirm(), and a script that accepts such dialogs itself
    posted = serve(page, saves, confirm="browser")
    page.on("dialog", lambda dialog: dialog.accept())

    # When the city is changed and submitted, then the changes are sent and saved
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})
    assert profile.city == "Bron"
    assert [values["city"] for values in posted] == ["Bron"]


def test_a_submit_whose_optional_prompt_is_dismissed_is_still_sent_and_saved(page: Page) -> None:
    # Given a form whose Submit asks for an optional reason (prompt()), then sends the form whatever the answer
    posted = serve(page, saves, confirm="prompt")

    # When the city is changed and submitted, then the dismissed prompt is no refusal: the change is saved
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"city": "Bron"})
    assert profile.city == "Bron"
    assert [values["city"] for values in posted] == ["Bron"]


def test_a_submit_that_fails_before_it_is_sent_leaves_the_page_s_dialogs_to_the_script(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a form whose Submit fails as it starts (the page drawn anew while its fields are read)
    serve(page, saves)
    form = AccountEditPage(page).wait_until_ready().fill({"city": "Bron"})

    def drawn_anew(held: list[str]) -> list[str]:
        raise PlaywrightError("Execution context was destroyed, most likely because of a navigation")

    monkeypatch.setattr(form, "typed_values_lost", drawn_anew)
    with pytest.raises(PlaywrightError):
        form.submit_form()

    # Then a dialog the page opens later is the script's to answer: no listener of that Submit answers it first
    page.on("dialog", lambda dialog: dialog.accept())
    assert page.evaluate("confirm('Leave?')") is True
