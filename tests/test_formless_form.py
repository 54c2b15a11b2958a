"""An edit form drawn without a <form> element (a panel's fields, Submit in its footer), as single-page portals draw
them: its refusals are read at their fields, and its saved values where it keeps them."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page
from single_page_form import BILLING, PORTAL, SHORT_TIMEOUT_MS

from flows import BillingProfile, ValidationError, submit_changes
from pages import AccountEditPage
from pages.strings import UI_STRINGS

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

REFUSED = "Enter a 5-digit postal code."
PANEL = """<!doctype html><html lang="en"><main><h1>Edit Bill-to info</h1>
<div id="fields">{fields}</div><footer><button type="button">Submit</button></footer>
<div role="status" id="done"></div></main><script>
const button = document.querySelector("footer button"), postal = document.querySelector("[name=postalCode]");
button.addEventListener("click", async () => {{  // the portal's own check, then the save, the panel kept open
  if (!/^\\d{{5}}$/.test(postal.value)) {{
    postal.setAttribute("aria-invalid", "true");
    postal.setAttribute("aria-describedby", "postal-error");
    postal.closest("label").insertAdjacentHTML("afterend", `<span id="postal-error">{refused}</span>`);
    return;
  }}
  await fetch("/api/billing", {{method: "POST"}});
  document.getElementById("done").textContent = "Your changes were saved.";
}});
</script></html>"""


def serve_panel(page: Page) -> AccountEditPage:
    """Serve the panel holding ``BILLING``; return its form, found ready."""
    fields = "".join(
        f'<label>{UI_STRINGS[name][0]} <input name="{name}" value="{value}"{" readonly" * (name == "country")}></label>'
        for name, value in BILLING.items()
    )
    body = PANEL.format(fields=fields, refused=json.dumps(REFUSED)[1:-1])
    page.route(PORTAL + "account/edit", lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=body))
    page.route(PORTAL + "api/billing", lambda route: route.fulfill(content_type="application/json", body="{}"))
    page.set_default_timeout(SHORT_TIMEOUT_MS)
    page.goto(PORTAL + "account/edit")
    return AccountEditPage(page).wait_until_ready()


def test_a_value_the_panel_refuses_is_a_validation_error_at_its_field(page: Page) -> None:
    form = serve_panel(page)

    with pytest.raises(ValidationError) as refused:
        submit_changes(form, {"postalCode": "690"})

    assert refused.value.field_errors == {"postalCode": REFUSED}


def test_a_change_the_panel_saves_and_keeps_showing_is_read_back_from_it(page: Page) -> None:
    form = serve_panel(page)

    profile = submit_changes(form, {"city": "Bron"})

    assert profile == BillingProfile.from_mapping({**BILLING, "city": "Bron"})
