"""Fields a form shows invalid without marking them so (``aria-invalid``), as component libraries draw them by
default: Bootstrap's (its ``is-invalid`` class, or the browser's own check under ``was-validated``), Angular
Material's empty required field (described by its error alone). Submit's answer is then a refusal, each field's error
read beside it; a field merely described, or valid under ``was-validated``, is none."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages import AccountEditPage

pytestmark = pytest.mark.tooling

# Bootstrap 5's stylesheet, as far as its feedback goes: hidden until its field is shown invalid.
BOOTSTRAP_CSS = """<style>.invalid-feedback { display: none; color: #dc3545; }
.was-validated .form-control:invalid ~ .invalid-feedback, .form-control.is-invalid ~ .invalid-feedback {
  display: block; }</style>"""
# Bootstrap's starter script for its forms: the browser's own checks, shown on Submit, nothing sent while one fails.
BOOTSTRAP_FORM = (
    BOOTSTRAP_CSS
    + """<main><form class="needs-validation" novalidate>
<div><label for="city" class="form-label">City</label><input class="form-control" id="city" value="Lyon" required>
<div class="invalid-feedback">Please provide a city.</div></div>
<div><label for="postalCode" class="form-label">Postal code</label>
<input class="form-control" id="postalCode" value="69001" pattern="\\d{5}" required>
<div class="invalid-feedback">Enter a 5-digit postal code.</div></div>
<button class="btn btn-primary" type="submit">Submit</button></form></main>
<script>window.sent = 0; document.querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (event.target.checkValidity()) window.sent += 1;
  event.target.classList.add("was-validated");
});</script>"""
)
# Angular Material's form field: an empty required field in error is described by its mat-error, never marked.
MATERIAL_FORM = """<main><form novalidate>
<mat-form-field><label for="city">City</label><input id="city" required aria-required="true" value="Lyon">
<div class="mat-mdc-form-field-subscript-wrapper"></div></mat-form-field>
<mat-form-field><label for="postalCode">Postal code</label><input id="postalCode" value="69001"></mat-form-field>
<button type="submit">Submit</button></form></main>
<script>window.sent = 0; document.querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const city = document.querySelector("#city");
  if (city.value) { window.sent += 1; return; }
  document.querySelector(".mat-mdc-form-field-subscript-wrapper").innerHTML =
    '<mat-error class="mat-mdc-form-field-error" aria-atomic="true" id="mat-error-0">City is required</mat-error>';
  city.setAttribute("aria-describedby", "mat-error-0");
});</script>"""


@pytest.mark.parametrize(
    ("form", "changes", "expected"),
    [
        pytest.param(
            BOOTSTRAP_FORM, {"postalCode": "ABCDE"}, {"postalCode": "Enter a 5-digit postal code."}, id="bootstrap"
        ),
        pytest.param(MATERIAL_FORM, {"city": ""}, {"city": "City is required"}, id="angular-material"),
    ],
)
def test_a_field_shown_invalid_without_being_marked_so_is_the_refusal_of_submit(
    page: Page, form: str, changes: dict[str, str], expected: dict[str, str]
) -> None:
    # Given a component library's form that shows its fields invalid without marking them so
    page.set_content(form)
    page.set_default_timeout(5_000)  # a wait that ran into it fails the test, not holds it 30 s
    edit = AccountEditPage(page)

    # When a value its checks refuse is typed and submitted
    edit.fill(changes)
    answer = edit.submit()

    # Then Submit was refused, nothing sent, each field's error read, the typed values kept
    assert answer is None and page.evaluate("window.sent") == 0
    assert edit.field_errors() == expected
    assert all(page.locator(f"#{name}").input_value() == value for name, value in changes.items())


def test_a_field_bootstrap_draws_invalid_as_the_page_loads_has_its_error_read(page: Page) -> None:
    # Given a form its server drew with the city invalid (is-invalid, described by its feedback), the postal code valid
    page.set_content(
        BOOTSTRAP_FORM.replace('class="form-control" id="city"', 'class="form-control is-invalid" id="city" '
        'aria-describedby="city-feedback"').replace('<div class="invalid-feedback">Please', '<div id="city-feedback" '
        'class="invalid-feedback">Please')
    )  # fmt: skip

    # When the errors are read, then the city's is, and only its
    assert AccountEditPage(page).field_errors() == {"city": "Please provide a city."}


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(BOOTSTRAP_FORM.replace("needs-validation", "was-validated"), id="valid-under-was-validated"),
        pytest.param(
            MATERIAL_FORM.replace('value="Lyon">', 'value="Lyon" aria-describedby="hint"><div id="hint">Where the bill '
            "goes</div>"),
            id="described-by-a-hint",
        ),
    ],
)  # fmt: skip
def test_a_valid_field_beside_feedback_or_a_hint_is_not_invalid(page: Page, form: str) -> None:
    # Given a form whose fields are valid: shown so under was-validated, or described by a hint, not an error
    page.set_content(form)

    # When the errors are read, then there are none
    assert AccountEditPage(page).field_errors() == {}


# An edit form that sends its fields and says "Changes saved" once the portal answers 200 (served through routes).
PORTAL = "https://portal.unmarked.test/"
SAVING_FORM = (
    BOOTSTRAP_CSS
    + """{before}<main><h1>Edit Bill-to info</h1><form novalidate>
<div><label for="city">City</label><input class="form-control$CITY_CLASS" id="city" value="Lyon" required>
<div class="invalid-feedback">Please provide a city.</div></div>$FIELDS
<button type="submit">Submit</button></form><div role="status" id="done"></div></main>
<script>window.sent = 0; document.querySelector("main form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await fetch("/api/account", {method: "POST", body: document.querySelector("#city").value});
  window.sent += 1;
  if (answer.ok) document.querySelector("#done").textContent = "Changes saved";
});</script>"""
)


def phone(attrs: str, after: str) -> str:
    """A phone number field with ``attrs``, ``after`` drawn after it."""
    label = '<label for="phoneNumber">Phone number</label>'
    return f'<div>{label}<input id="phoneNumber" value="0102030405" {attrs}>{after}</div>'


@pytest.mark.parametrize(
    ("before", "city_class", "fields"),
    [
        pytest.param("", " is-invalid", "", id="a-field-shown-invalid-before-submit"),
        pytest.param(
            '<header><form class="was-validated"><label for="nl">Newsletter</label><input id="nl" type="email" '
            'class="form-control" required><div class="invalid-feedback">Enter an email</div></form></header>',
            "",
            "",
            id="another-form-s-field-shown-invalid",
        ),
        pytest.param(
            "",
            "",
            phone('aria-describedby="help"', '<small id="help" class="text-danger">Digits only</small>'),
            id="a-hint-coloured-as-danger",
        ),
        pytest.param(
            "",
            "",
            phone('aria-describedby="err"', '<div id="err" class="field-error" '
            'style="visibility:hidden">Enter a valid phone number</div>'),
            id="an-error-kept-hidden",
        ),
    ],
)  # fmt: skip
def test_a_save_is_not_taken_for_a_refusal_by_a_field_that_only_looks_invalid(
    page: Page, before: str, city_class: str, fields: str
) -> None:
    # Given a form that saves whatever is sent, beside a field that looks invalid but is not this Submit's answer
    html = SAVING_FORM.replace("$BEFORE", before).replace("$CITY_CLASS", city_class).replace("$FIELDS", fields)
    page.route(
        PORTAL + "**",
        lambda route: (
            route.fulfill(status=200, body="{}", content_type="application/json")
            if "/api/" in route.request.url
            else route.fulfill(body=html, content_type="text/html")
        ),
    )
    page.set_default_timeout(5_000)
    page.goto(PORTAL + "account/edit")
    edit = AccountEditPage(page).wait_until_ready()

    # When a city is typed and submitted
    edit.fill({"city": "Paris"})
    answer = edit.submit()

    # Then the save is read as one: sent once, not refused
    assert page.evaluate("window.sent") == 1
    assert answer is not None
