"""A deployment's own ways of showing values and naming fields: lines of "Label: value", dashes for empty values, a
form that shows the Customer Account Info again beside its fields, labels with a hint in the field's name."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages import AccountEditPage, AccountPage

pytestmark = pytest.mark.tooling

BILLING = {
    "Company name": "Contoso Ltd", "First name": "Anne", "Last name": "Lee", "Email": "anne@contoso.com",
    "Phone number": "", "Address line 1": "1 Main St", "Address line 2": "", "City": "Redmond",
    "State/Province": "", "Postal code": "98052", "Country/Region": "United States",
}  # fmt: skip


def test_an_empty_value_on_a_line_of_its_label_before_the_next_label_s_line_is_read_empty(page: Page) -> None:
    # Given an Account page listing "Label: value" lines, those of empty values saying their label alone
    lines = "".join(f"<li>{label}: {value}</li>" if value else f"<li>{label}:</li>" for label, value in BILLING.items())
    page.set_content(f"<main><h2>Bill-to info</h2><ul>{lines}</ul></main>")

    # When its Bill-to info is read
    profile = AccountPage(page).billing_profile()

    # Then the empty ones are empty, not the next line's words, and each other value is its own
    assert (profile.phoneNumber, profile.addressLine2, profile.state) == ("", "", ""), profile
    assert (profile.companyName, profile.addressLine1, profile.city, profile.postalCode, profile.country) == (
        "Contoso Ltd", "1 Main St", "Redmond", "98052", "US"
    )  # fmt: skip


@pytest.mark.parametrize("placeholder", ["—", "–", "-", "--", "N/A", "n/a"])
def test_a_dash_or_n_a_shown_for_an_empty_value_is_read_empty(page: Page, placeholder: str) -> None:
    # Given an Account page showing a placeholder where a value is empty, and a city with a dash of its own
    values = {**BILLING, "City": "Saint-Étienne", "Country/Region": "France"}
    terms = "".join(f"<dt>{label}</dt><dd>{value or placeholder}</dd>" for label, value in values.items())
    page.set_content(f"<main><h2>Bill-to info</h2><dl>{terms}</dl></main>")

    # When its Bill-to info is read
    profile = AccountPage(page).billing_profile()

    # Then the placeholders are empty values, and the city keeps its dash
    assert (profile.phoneNumber, profile.addressLine2, profile.state) == ("", "", ""), profile
    assert profile.city == "Saint-Étienne"


@pytest.mark.parametrize(
    ("read_only", "around"),
    [("readonly", ("", "")), ("", ("<fieldset disabled>", "</fieldset>"))],
    ids=["a-read-only-field", "a-disabled-fieldset"],
)
def test_a_form_showing_the_account_info_again_read_only_types_into_and_reads_its_own_field(
    page: Page, read_only: str, around: tuple[str, str]
) -> None:
    # Given an edit form that shows the Customer Account Info above its fields, read-only, one label alike
    others = "".join(
        f'<label for="f{number}">{label}</label><input id="f{number}" value="{value}">'
        for number, (label, value) in enumerate(BILLING.items())
        if label not in ("Company name", "Country/Region")
    )
    page.set_content(
        "<main><form><h2>Customer account info</h2>"
        f'{around[0]}<label for="ac">Company name</label>'
        f'<input id="ac" value="Contoso Holdings" {read_only}>{around[1]}'
        '<h2>Bill-to info</h2><label for="c">Company name</label><input id="c" value="Contoso Ltd">'
        f"{others}<button>Submit</button></form></main>"
    )
    form = AccountEditPage(page).wait_until_ready()  # its labels read, as when Edit opened it

    # When a new company name is typed, and the form's values read
    form.fill({"companyName": "Contoso Europe"})

    # Then it went into the Bill-to field, the read-only one kept, and the values read are the Bill-to ones
    assert page.locator("#c").input_value() == "Contoso Europe"
    assert page.locator("#ac").input_value() == "Contoso Holdings"
    assert form.shown_fields(("companyName", "city")) == {"companyName": "Contoso Europe", "city": "Redmond"}
    assert form.values()["companyName"] == "Contoso Europe"


def test_a_form_showing_one_label_at_two_fields_that_both_take_typing_types_into_neither(page: Page) -> None:
    # Given an edit form with two fields labelled alike, both taking typing
    page.set_content(
        '<main><form><label for="a">City</label><input id="a" value="Redmond">'
        '<label for="b">City</label><input id="b" value="Seattle"><button>Submit</button></form></main>'
    )

    # When a city is typed, then the library refuses, naming the label, and types nothing
    with pytest.raises(Exception, match="2 fields labelled 'City'"):
        AccountEditPage(page).fill({"city": "Bellevue"})
    assert [page.locator(f"#{id_}").input_value() for id_ in "ab"] == ["Redmond", "Seattle"]


@pytest.mark.parametrize(
    ("hint", "language"), [("Required", "en"), ("Obligatoire", "fr"), ("必填", "zh")], ids=["en", "fr", "zh"]
)
def test_fields_named_by_their_label_and_a_hint_are_found_and_their_errors_named(
    page: Page, hint: str, language: str
) -> None:
    # Given a form whose fields are named by their label and a hint beside it (aria-labelledby), one of them invalid
    labels = {"en": ("City", "Postal code"), "fr": ("Ville", "Code postal"), "zh": ("城市", "邮政编码")}[language]
    page.set_content(
        f"<html lang='{language}'><main><form>"
        f'<span id="cl">{labels[0]}</span><span id="ch">{hint}</span>'
        '<input id="c" aria-labelledby="cl ch" value="Lyon">'
        f'<span id="pl">{labels[1]}</span><span id="ph">{hint}</span>'
        '<input id="p" aria-labelledby="pl ph" aria-invalid="true" aria-errormessage="pe" value="1">'
        '<span id="pe">Enter 5 digits.</span><button>Submit</button></form></main></html>'
    )
    form = AccountEditPage(page)

    # When the city is typed and the errors read
    form.fill({"city": "Villeurbanne"})

    # Then the city took it, and the error is keyed by the field's name
    assert page.locator("#c").input_value() == "Villeurbanne"
    assert form.field_errors() == {"postalCode": "Enter 5 digits."}


HINT = "5 digits, as on the bill"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param('<span id="p-error">Enter 5 digits.</span>', "Enter 5 digits.", id="its-id-says-error"),
        pytest.param('<span id="p-msg" class="field-error">Enter 5 digits.</span>', "Enter 5 digits.", id="its-class"),
        pytest.param('<span id="p-msg" role="alert">Enter 5 digits.</span>', "Enter 5 digits.", id="an-alert"),
        pytest.param('<small id="p-msg" class="text-danger">Enter 5 digits.</small>', "Enter 5 digits.", id="danger"),
        pytest.param('<span id="p-msg">Enter 5 digits.</span>', f"{HINT} Enter 5 digits.", id="neither"),
    ],
)
def test_an_error_described_beside_a_hint_is_read_without_the_hint(page: Page, error: str, expected: str) -> None:
    # Given an invalid field described by a hint and an error (aria-describedby="p-hint p-error")
    error_id = error.split('id="')[1].split('"')[0]
    page.set_content(
        f'<main><form><label for="p">Postal code</label><span id="p-hint">{HINT}</span>'
        f'<input id="p" aria-invalid="true" aria-describedby="p-hint {error_id}">{error}<button>Submit</button></form>'
        "</main>"
    )

    # When the errors are read, then the error is its words alone where the markup tells them apart, else all it says
    assert AccountEditPage(page).field_errors() == {"postalCode": expected}


def test_two_letters_that_only_look_like_n_a_are_values(page: Page) -> None:
    # Given an Account page showing a first name "Na" and the country by its code, Namibia's "NA"
    values = {**BILLING, "First name": "Na", "Country/Region": "NA"}
    terms = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in values.items())
    page.set_content(f"<main><h2>Bill-to info</h2><dl>{terms}</dl></main>")

    # When its Bill-to info is read, then they are its values, not empty ones
    profile = AccountPage(page).billing_profile()
    assert (profile.firstName, profile.country) == ("Na", "NA")


def test_a_chinese_field_named_by_its_label_and_a_note_without_a_space_is_found(page: Page) -> None:
    # Given a Chinese form whose city is labelled with its note run on, as Chinese writes it ("城市必填")
    page.set_content(
        "<html lang='zh-CN'><main><form><label for='c'>城市<span class='note'>必填</span></label>"
        "<input id='c' value='上海市'><button>提交</button></form></main></html>"
    )

    # When the city is typed, then the field took it
    AccountEditPage(page).fill({"city": "北京市"})
    assert page.locator("#c").input_value() == "北京市"


CITY_ERROR = "City is required."


@pytest.mark.parametrize(
    "city",
    [
        pytest.param(f'<input id="c" aria-invalid="true"><span class="error">{CITY_ERROR}</span>', id="right-after-it"),
        pytest.param(
            f'<div class="field"><label for="c">City</label><input id="c" aria-invalid="true">'
            f'<div class="help">Where the bill goes</div><div class="invalid-feedback">{CITY_ERROR}</div></div>',
            id="in-its-group",
        ),
        pytest.param(
            f'<div><div><input id="c" aria-invalid="true"></div><span><div role="alert"><p><span>{CITY_ERROR}</span>'
            "</p></div></span></div>",
            id="an-alert-in-its-group",
        ),
    ],
)
def test_an_error_no_attribute_ties_to_its_field_is_read_beside_it(page: Page, city: str) -> None:
    # Given an invalid city whose error shows beside it, tied to it by no attribute, and a postal code whose hidden
    # error and whose valid field's hint are not the city's
    label = "" if '<label for="c">' in city else '<label for="c">City</label>'
    page.set_content(
        f"<main><form>{label}{city}"
        '<div class="field"><label for="p">Postal code</label><input id="p" value="98052">'
        '<span class="error" hidden>Enter 5 digits.</span><span class="error-hint">5 digits</span></div>'
        "<button>Submit</button></form></main>"
    )

    # When the errors are read, then the city's is its words, and the valid field has none
    assert AccountEditPage(page).field_errors() == {"city": CITY_ERROR}


@pytest.mark.parametrize(
    ("city", "expected"),
    [
        pytest.param(
            '<div class="field"><label for="c">City</label><input id="c" aria-invalid="true"><svg class="icon-error" '
            f'width="12" height="12"><circle r="5" cx="6" cy="6"/></svg><span class="error-text">{CITY_ERROR}</span>'
            "</div>",
            CITY_ERROR,
            id="an-error-icon-drawn-in-svg",
        ),
        pytest.param(
            '<div><label for="c">City</label><input id="c" aria-invalid="true" aria-describedby="c-help">'
            f'<div id="c-help" class="form-text">Where the bill goes</div><div class="invalid-feedback">{CITY_ERROR}'
            "</div></div>",
            CITY_ERROR,
            id="a-hint-tied-the-error-not",
        ),
        pytest.param(
            '<div><label for="c">City</label><span class="text-danger">*</span><input id="c" aria-invalid="true">'
            f'<div class="invalid-feedback">{CITY_ERROR}</div></div>',
            CITY_ERROR,
            id="a-required-mark-coloured-as-danger",
        ),
        pytest.param(
            '<div><label for="c">City</label><div class="input-group"><input id="c" aria-invalid="true">'
            '<button type="button" class="btn btn-outline-danger">Clear</button>'
            f'<div class="invalid-feedback">{CITY_ERROR}</div></div></div>',
            CITY_ERROR,
            id="a-clear-button-coloured-as-danger",
        ),
        pytest.param(
            '<label for="c">City</label><input id="c" aria-invalid="true">'
            '<div role="alert">Your changes could not be saved.</div>',
            "",
            id="the-form-s-alert-after-its-last-field",
        ),
        pytest.param(
            '<section><h2>Address</h2><div class="alert alert-danger">Changing the city checks the tax again.</div>'
            '<div><div><label for="c">City</label><input id="c" aria-invalid="true"></div></div></section>',
            "",
            id="a-note-of-the-field-s-section",
        ),
    ],
)
def test_a_field_s_own_error_is_read_not_what_only_looks_like_one_beside_it(
    page: Page, city: str, expected: str
) -> None:
    # Given an invalid city beside things its markup calls errors or dangers: its own error, or none
    page.set_content(
        f"<main><form>{city}"
        '<div><label for="p">Postal code</label><input id="p" value="98052"></div><button>Submit</button></form></main>'
    )

    # When the errors are read, then the city's error is its own words, or none, never the others'
    assert AccountEditPage(page).field_errors() == {"city": expected}
