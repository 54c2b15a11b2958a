"""A single-page portal's edit form, served through routes: it sends the changes with fetch and writes the answer
in place (a status, an alert, fields marked invalid), as ``BEHAVIOUR`` tells it; each test controls every answer and
counts what the browser sent. Partner Center's own pages are a single-page app; the bundled portal posts its form."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from playwright.sync_api import Page, Route

from pages.strings import UI_STRINGS

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
if (BEHAVIOUR.live) for (const [region, politeness] of [[problem, "assertive"], [status, "polite"]]) {{  // no role
  region.removeAttribute("role");
  region.setAttribute("aria-live", politeness);
}}
const announce = async (words, politeness) => {{  // Angular CDK's LiveAnnouncer: visually hidden, filled 100 ms later
  let region = document.querySelector(".cdk-live-announcer-element");
  if (!region) {{
    document.body.insertAdjacentHTML("beforeend", `<div class="cdk-live-announcer-element" aria-atomic="true"
      style="position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);border:0"></div>`);
    region = document.body.lastElementChild;
  }}
  region.setAttribute("aria-live", politeness);
  region.textContent = "";
  await later(100);
  region.textContent = words;
}};
const savedDialog = (then, saved) => {{  // "Changes saved" and OK, in an ARIA dialog or HTML's own, opened modal
  const [open, close] = BEHAVIOUR.savedDialog === "dialog" ? ["<dialog", "</dialog>"]
    : ['<div role="dialog"', "</div>"];
  const words = (BEHAVIOUR.savedDialogWords || "Changes saved").replace("{{company}}", saved.companyName);
  document.body.insertAdjacentHTML("beforeend", `${{open}} aria-modal="true" aria-labelledby="saved-title">
    <h2 id="saved-title">${{words}}</h2><button type="button">OK</button>${{close}}`);
  const dialog = document.body.lastElementChild;
  window.savedDialogsDrawn = (window.savedDialogsDrawn || 0) + 1;  // for a test to know it came
  if (dialog.showModal) dialog.showModal();
  dialog.querySelector("button").addEventListener("click", () => {{ dialog.remove(); then(); }});
}};
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
  if (BEHAVIOUR.optimistic === "lateShadow") {{  // a component added, its shadow root attached once connected (Lit)
    const host = document.createElement("portal-toast");
    document.querySelector("main").append(host);
    await later(0);
    host.attachShadow({{mode: "open"}}).innerHTML = '<div role="status">Your changes were saved.</div>';
  }} else if (BEHAVIOUR.optimistic) status.textContent = "Your changes were saved.";  // before the portal answered
  await later(BEHAVIOUR.sendAfterMs);  // a token to get first, say
  if (BEHAVIOUR.validateFirst) {{  // the values checked by a call of their own, then saved
    await fetch(BEHAVIOUR.api + "/validate", {{method: "POST", body: JSON.stringify(values)}});
    status.textContent = "Saving…";
  }}
  let answer;
  try {{
    const send = () => fetch(BEHAVIOUR.api, {{method: "POST", body: JSON.stringify(values)}});
    let response = await send();
    if (response.status === 401 && BEHAVIOUR.retryOn401) response = await send();  // a fresh token, say
    if (response.status === 401 && BEHAVIOUR.renewInWindow) {{  // MSAL.js's acquireTokenPopup, then the form again
      const popup = window.open("about:blank", "msal", "popup");
      popup.location.assign(BEHAVIOUR.renewInWindow);
      while (!popup.closed) await later(50);
      response = await send();
    }}
    for (let tries = 0; response.status >= 500 && tries < BEHAVIOUR.retriesOn5xx; tries++) response = await send();
    if (response.status === 202 && BEHAVIOUR.pollAfterMs !== undefined) {{  // accepted for processing: polled for
      if (BEHAVIOUR.acceptedWords) (BEHAVIOUR.acceptedAlert ? problem : status).textContent = BEHAVIOUR.acceptedWords;
      if (BEHAVIOUR.acceptedView) form.outerHTML = "<h2>Bill-to info</h2>";  // the Account view, the outcome awaited
      await later(BEHAVIOUR.pollAfterMs);
      response = await fetch(BEHAVIOUR.api + "/operation");
    }}
    const failed = {{alert: "Something went wrong. Try again later."}};
    answer = response.ok || BEHAVIOUR.trustsBody ? await response.json() : failed;
    if (BEHAVIOUR.signInAfter) return location.assign("/sign-in");  // its next call found the session ended
  }} catch {{
    problem.textContent = "Something went wrong. Try again later.";
    return;
  }}
  await later(BEHAVIOUR.delayMs);
  if (BEHAVIOUR.saving) {{ status.textContent = ""; button.disabled = false; }}
  if (BEHAVIOUR.banner) document.getElementById("banner").textContent = BEHAVIOUR.banner;
  if (BEHAVIOUR.announcer) {{  // told by the announcer alone, or beside a toast of no role (hidden from readers)
    const words = answer.alert || "Your changes were saved.";
    const toast = `<div aria-hidden="true">${{words}}</div>`;
    if (BEHAVIOUR.announcer === "toast") status.insertAdjacentHTML("afterend", toast);
    return announce(words, answer.alert ? "assertive" : "polite");  // the form kept
  }}
  if (BEHAVIOUR.bar) {{  // said in a message bar that no role or live region announces, the form kept
    const words = answer.alert || BEHAVIOUR.savedWords || "Your changes were saved.";
    return document.querySelector("main").insertAdjacentHTML("afterbegin", BEHAVIOUR.bar.replace("WORDS", words));
  }}
  if (BEHAVIOUR.hiddenLive) {{  // a live region hidden from assistive technologies saying "updated", the answer after
    document.body.insertAdjacentHTML("beforeend", BEHAVIOUR.hiddenLive === "ancestor"
      ? '<div aria-hidden="true"><div aria-live="polite">Profile updated</div></div>'
      : '<div aria-live="polite" aria-hidden="true">Profile updated</div>');
    await later(1000);
  }}
  if (answer.alert && BEHAVIOUR.toast) {{  // a web component added for the answer, its alert in its shadow root
    const toast = document.createElement("portal-toast");
    toast.attachShadow({{mode: "open"}}).innerHTML = `<div role="alert">${{answer.alert}}</div>`;
    document.querySelector("main").append(toast);
  }} else if (answer.alert) {{
    problem.textContent = "";
    await later(20);
    problem.textContent = answer.alert;
  }}
  if (answer.said) status.textContent = answer.said;  // the portal's word in its status, whatever it says
  if (answer.alert && BEHAVIOUR.viewOnRefusal) {{  // back to the Account view as it was, the refusal in a toast
    form.outerHTML = `<h2>Bill-to info</h2><dl>${{Object.entries({{...before, country: "FR"}})
      .map(([name, value]) => `<dt>${{LABELS[name]}}</dt><dd>${{value}}</dd>`).join("")}}</dl>`;
  }}
  for (const [name, message] of Object.entries(answer.fieldErrors || {{}})) markInvalid(name, message);
  if (answer.saved && BEHAVIOUR.statusHost) {{  // a status whose words go straight into its shadow root
    const host = document.getElementById("status-host");
    host.shadowRoot.textContent = "Your changes were saved.";
  }} else if (answer.saved && BEHAVIOUR.savedDialog) {{  // said in a dialog alone: the form kept, or gone until OK
    const gone = document.createElement("div"), labelled = Object.entries(answer.saved)
      .map(([name, value]) => `<dt>${{LABELS[name]}}</dt><dd>${{value}}</dd>`).join("");
    if (!BEHAVIOUR.keepForm) form.replaceWith(gone);
    if (BEHAVIOUR.statusToo) status.textContent = "Your changes were saved.";
    await later(BEHAVIOUR.dialogAfterMs || 0);
    savedDialog(() => {{
      if (!BEHAVIOUR.keepForm) gone.outerHTML = `<h2>Bill-to info</h2><dl>${{labelled}}</dl>`;
    }}, answer.saved);
  }} else if (answer.saved && BEHAVIOUR.keepForm) {{
    if (!BEHAVIOUR.optimistic) {{
      (BEHAVIOUR.savedAsAlert ? problem : status).textContent = BEHAVIOUR.savedWords || "Your changes were saved.";
    }}
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
SIGN_IN = '<!doctype html><html lang="en"><title>Sign in</title><main><h1>Partner Center</h1><button>Sign in</button>'


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
    outcome: Callable[[dict[str, str]], dict[str, object]] | None = None,
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
    root, ``retryOn401``: the page sends the form again after a 401 (``renewInWindow``: once a sign-in window it
    opens at that address closed), ``retriesOn5xx``: so many times again after
    a 5xx, ``loadAfterMs``: the fields drawn empty and filled so long after, ``loadingSign`` meanwhile (busy, words,
    progressbar), ``staleViewMs``: after a save, the Account view drawn from the values before it, then, so
    long after, from the saved ones; ``staleViewBusy``: saying it is busy meanwhile; ``confirm``: Submit asks
    to confirm in a dialog (True: an ARIA alertdialog; "native": a modal <dialog>; "browser": ``confirm()``;
    "prompt": an optional ``prompt()``, the form sent whatever its answer);
    ``live``: the alert and the status live regions of no role (``aria-live`` assertive, polite); ``announcer``: the
    answer told by a visually hidden announcer alone ("alone") or beside a toast of no role ("toast"), the form kept;
    ``bar``: the answer (``savedWords``, the alert's) written into this HTML in place of "WORDS", atop the kept form;
    ``savedDialog``: "saved" said by a dialog alone ("div": ARIA's, "dialog": HTML's), the form kept (``keepForm``)
    or gone until its OK draws the Account view, its words ``savedDialogWords`` ("{company}": the saved company name),
    said in the status too (``statusToo``), the dialog drawn ``dialogAfterMs`` after it;
    ``optimistic``: "saved" said before the form is sent ("lateShadow": in a component added for it, its shadow root
    attached once it is in the page); ``hiddenLive``: once answered, a polite live region hidden
    from assistive technologies ("self": ``aria-hidden`` itself, "ancestor": within such an element) says "Profile
    updated", the answer drawn 1 s later;
    ``viewOnRefusal``: refused, the page goes back to the Account view as it was, its alert saying why;
    ``validateFirst``: the values checked by a call of their own (answered 200) before the one that saves them,
    "Saving…" said between; ``submitName``: Submit's words; ``refillOnFirstInput``: the fields filled anew as typing
    begins;
    ``signInAfter``: once the form's request is answered, the portal's sign-in; ``pollAfterMs``: answered 202, the
    page says ``acceptedWords`` (if any; in its alert, ``acceptedAlert``), or goes back to its Account view
    (``acceptedView``), and so long after asks the portal for the outcome, ``outcome(values)``, and shows that);
    ``status`` is the HTTP status of the answer (a list: of each answer in turn); the telemetry is blocked, or
    answered ``telemetry_status``;
    ``hang``: the portal never answers the form's request;
    ``headers``: more of its answer's headers.
    Returns the values each POST of the form carried, in order.
    """
    posted: list[dict] = []
    api = str(behaviour.get("api", API))

    def route(route: Route) -> None:
        request = route.request
        if request.url == PORTAL + "account/edit":
            route.fulfill(content_type="text/html; charset=utf-8", body=form_page(alert, behaviour))
        elif request.url == PORTAL + "sign-in":
            route.fulfill(content_type="text/html", body=SIGN_IN)
        elif request.url == PORTAL + "telemetry" and telemetry_status:
            route.fulfill(status=telemetry_status, body="")
        elif request.url == PORTAL + "telemetry":
            route.abort("blockedbyclient")
        elif request.url == api + "/validate":
            route.fulfill(content_type="application/json", body="{}")
        elif request.url == api + "/operation" and outcome is not None:  # what became of the last change accepted
            route.fulfill(content_type="application/json", body=json.dumps(outcome(posted[-1])))
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
