"""A Bill-to edit panel as a single-page portal built with a component library (Fluent UI's) draws it: labels apart
from their fields, the state a list of the library's own, Save sending the values to the portal's API and the
answer said in a message bar. Served by a route, at an address of its own; each Save's values are kept."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, Route

PORTAL = "https://portal.fluent.test/"
VALUES = {"companyName": "上海趋势有限公司", "firstName": "伟", "lastName": "张", "email": "wei@example.com",
          "phoneNumber": "13800138000", "addressLine1": "建国路 88 号", "addressLine2": "", "city": "上海市",
          "postalCode": "200000"}  # fmt: skip
LABELS = {"companyName": "Company name", "firstName": "First name", "lastName": "Last name", "email": "Email",
          "phoneNumber": "Phone number", "addressLine1": "Address line 1", "addressLine2": "Address line 2",
          "city": "City", "postalCode": "Postal code"}  # fmt: skip
STATES = ["上海市", "北京市", "天津市"]

# Fluent's Dropdown: a combobox that is no text box, its options in a layer of their own once opened.
DROPDOWN = """<div><label class="ms-Label" id="lbl-state">State/Province</label>
<div role="combobox" id="state" tabindex="0" aria-haspopup="listbox" aria-expanded="false" aria-labelledby="lbl-state">
<span id="state-title">上海市</span></div></div>
<script>(() => { const dd = document.getElementById("state");
  dd.addEventListener("click", () => { if (document.getElementById("layer")) return;
    document.body.insertAdjacentHTML("beforeend", `<div id="layer" role="listbox">${STATES.map((s) =>
      `<button role="option">${s}</button>`).join("")}</div>`);
    document.querySelectorAll("#layer [role=option]").forEach((o) => o.addEventListener("click", () => {
      document.getElementById("state-title").textContent = o.textContent; document.getElementById("layer").remove();
    }));
  });
})();</script>"""

# Fluent's ComboBox without free text: a text box whose typed words filter its options, and which puts its value
# back when it loses the focus unless an option was picked.
COMBOBOX = """<div><label id="lbl-st" for="st-in">State/Province</label>
<input id="st-in" name="state" role="combobox" aria-autocomplete="list" aria-expanded="false" value="上海市"></div>
<script>(() => { const box = document.getElementById("st-in"); let kept = box.value;
  const open = () => { document.getElementById("cb-lb")?.remove();
    const shown = STATES.filter((s) => !box.value || s.includes(box.value) || box.value === kept);
    document.body.insertAdjacentHTML("beforeend", '<div id="cb-lb" role="listbox">' + shown.map((s) =>
      `<div role="option">${s}</div>`).join("") + "</div>");
    document.querySelectorAll("#cb-lb [role=option]").forEach((o) => o.addEventListener("mousedown", (e) => {
      e.preventDefault(); kept = box.value = o.textContent; document.getElementById("cb-lb").remove(); }));
  };
  box.addEventListener("input", open);
  box.addEventListener("blur", () => { box.value = kept; document.getElementById("cb-lb")?.remove(); });
})();</script>"""

# A text box that keeps its own value whatever is typed (a list drawn as one, with no options to pick from).
KEEPS_ITS_VALUE = """<div><label for="st-in">State/Province</label><input id="st-in" name="state" value="上海市"></div>
<script>document.getElementById("st-in").addEventListener("blur", (e) => { e.target.value = "上海市"; });</script>"""

ANNOUNCED_BAR = '<div class="ms-MessageBar" role="status"><span>Your changes have been saved.</span></div>'


def saves_saying(bar: str) -> str:
    """Return a Save that sends the values to the portal's API, then shows ``bar`` (HTML) as its answer."""
    return f"""<script>document.getElementById("save").addEventListener("click", async () => {{
  const values = Object.fromEntries([...document.querySelectorAll("input[name]")].map((i) => [i.name, i.value]));
  const dropdown = document.getElementById("state-title");
  if (dropdown) values.state = dropdown.textContent.trim();
  await fetch("/api/billing", {{method: "PUT", body: JSON.stringify(values)}});
  document.getElementById("bar").innerHTML = {json.dumps(bar)};
}});</script>"""


SAVE = saves_saying(ANNOUNCED_BAR)


COUNTRY = '<div><label for="co">Country/Region</label><input id="co" value="China" readonly></div>'  # shown only


# Save answered by a refusal of the state, said at the field (its own list, no <select>) and nowhere else.
REFUSES_THE_STATE = """<script>document.getElementById("save").addEventListener("click", async () => {
  await fetch("/api/billing", {method: "PUT", body: "{}"});
  const state = document.getElementById("state");
  state.setAttribute("aria-invalid", "true"); state.setAttribute("aria-describedby", "state-error");
  state.insertAdjacentHTML("afterend", '<div role="alert" id="state-error">Select a province.</div>');
});</script>"""


def text_fields() -> str:
    """Return the panel's text fields, each labelled by an element apart from it (``aria-labelledby``)."""
    return "".join(
        f'<div><div class="ms-Label" id="lbl-{name}">{LABELS[name]}</div>'
        f'<input name="{name}" aria-labelledby="lbl-{name}" value="{value}"></div>'
        for name, value in VALUES.items()
    )


def edit_panel(state: str, *, before: str = "", save: str = SAVE) -> str:
    """Return the panel with its ``state`` field (``DROPDOWN``, ``COMBOBOX``...), ``before`` it the page's header,
    ``save`` what its Save does (``SAVE``, ``REFUSES_THE_STATE``)."""
    return (
        f"<!doctype html><html lang='en'><body>{before}<main><h1>Edit Bill-to info</h1><div id='bar'></div>"
        f"<script>const STATES = {json.dumps(STATES)};</script>{text_fields()}{state}{COUNTRY}"
        "<button id='save'>Save</button><button>Cancel</button></main>"
        f"{save}</body></html>"
    )


def serve_panel(page: Page, html: str) -> list[dict[str, Any]]:
    """Serve ``html`` as the panel and go to it; return the values each Save sends, as they come."""
    sent: list[dict[str, Any]] = []

    def answer(route: Route) -> None:
        if route.request.url == PORTAL + "api/billing":
            sent.append(json.loads(route.request.post_data or "{}"))
            route.fulfill(content_type="application/json", body='{"ok": true}')
        else:
            route.fulfill(content_type="text/html; charset=utf-8", body=html)

    page.route(re.compile(rf"^{re.escape(PORTAL)}"), answer)
    page.goto(PORTAL + "edit")
    return sent
