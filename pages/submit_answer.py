"""The portal's answer to a form's Submit: a new page, or one written in place.

The bundled portal posts its form and answers with a page. Single-page portals (Partner Center's
own) send the changes with fetch and write the answer into the page they are on: a status, an
alert (perhaps one already shown, filled again), fields marked invalid. Before Submit, the page is
marked with a token of that Submit, and a MutationObserver marks what changes from then on: a
message whose words or visibility changed, a field set invalid. Only those are an answer in
place; whatever was shown before and stays as it was is not.

The request that carries the form is the first one Submit sends to the portal's site (the page's
own navigation, or a fetch that is not a GET) with a value of the form in it; the first such
request if none has one. Only its failure counts: refused or unreachable, the form never got there
(``PortalUnavailableError``); broken after it was sent, what was saved is not known
(``UnknownPageError``). Another request failing (telemetry, another site's) says nothing about it.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from urllib.parse import quote, quote_plus, urlsplit

from playwright.sync_api import Locator, Page, Request

from .errors import PortalUnavailableError, UnknownPageError, no_answer

SUBMITTED = "data-portal-submitted"  # on the page Submit was selected on: a new page lacks it
CHANGED = "data-portal-answer"  # on each message or field changed since Submit was selected
WATCH_CHANGES = """([submitted, changed, token]) => {
  const MESSAGES = '[role="status"], [role="alert"], output';
  const shown = (el) => el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0;
  const shownBefore = new Set([...document.querySelectorAll(MESSAGES)].filter(shown));
  const mark = (el) => el.setAttribute(changed, token);
  const markMessagesAround = (node) => {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const message = el && el.closest(MESSAGES);
    if (message) mark(message);
  };
  const markAdded = (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) return markMessagesAround(node);
    for (const el of [node, ...node.querySelectorAll(MESSAGES + ', [aria-invalid="true"]')])
      if (el.matches(MESSAGES) || el.getAttribute("aria-invalid") === "true") mark(el);
    markMessagesAround(node);
  };
  if (window.__portalSubmitWatch) window.__portalSubmitWatch.disconnect();
  window.__portalSubmitWatch = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "childList") { record.addedNodes.forEach(markAdded); markMessagesAround(record.target); }
      else if (record.type === "characterData") markMessagesAround(record.target);
      else if (record.attributeName === "aria-invalid") {
        if (record.target.getAttribute("aria-invalid") === "true") mark(record.target);
      } else  // shown or hidden: the messages that show now and did not before Submit
        for (const el of [record.target, ...record.target.querySelectorAll(MESSAGES)])
          if (el.matches(MESSAGES) && shown(el) && !shownBefore.has(el)) mark(el);
    }
  });
  window.__portalSubmitWatch.observe(document.documentElement, {subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ["hidden", "style", "class", "aria-hidden", "aria-invalid", "open"]});
  document.documentElement.setAttribute(submitted, token);
  return [...document.querySelectorAll("input, select, textarea")]
    .filter(el => el.form && !["hidden", "password", "checkbox", "radio"].includes(el.type))
    .map(el => el.value.trim()).filter(value => value.length > 1);
}"""
# Failures before any connection: the form never reached the portal. Others may come after it did.
NEVER_REACHED = re.compile(
    r"ERR_(?:CONNECTION_REFUSED|NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|ADDRESS_UNREACHABLE|INTERNET_DISCONNECTED"
    r"|CONNECTION_FAILED|PROXY_CONNECTION_FAILED)|NS_ERROR_(?:CONNECTION_REFUSED|UNKNOWN_HOST|OFFLINE)"
    r"|Could not connect|Connection refused"
)


def site(url: str) -> str:
    """Return the site of ``url``: an IP address or one-label host as it is, else its last two labels."""
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        return ".".join(host.split(".")[-2:])


class SubmitAnswer:
    """One Submit, watched: the page marked, the request carrying the form noted, the answer's locator.

    ``excluded`` is what makes a new page something other than the form's answer (an error page, sign-in).
    """

    def __init__(self, page: Page, submit_button: Locator, excluded: Locator) -> None:
        self.page = page
        self.token = secrets.token_hex(4)  # a later Submit's marks are its own
        self.url = page.url  # where Submit was selected: a refused navigation leaves the browser's error page
        self.values: list[str] = []  # what the form's fields hold as Submit is selected
        self.sent: list[Request] = []  # the requests to the portal's site that may carry the form, in order
        self.failures: dict[Request, str] = {}  # the browser's words for those that got no answer
        new_page = page.locator(f"html:not([{SUBMITTED}='{self.token}'])")
        # In place, only once Submit can be selected again: "Saving…" shown meanwhile is no answer.
        saving = submit_button.and_(page.locator(":disabled, [aria-disabled='true']"))
        same_page = page.locator(f"html[{SUBMITTED}='{self.token}']").filter(has_not=saving)
        changed = page.locator(f"[{CHANGED}='{self.token}']:not([aria-busy='true'], [aria-busy='true'] *)")
        fresh = new_page.filter(has_not=excluded)
        self.messages = self.messages_in(fresh).or_(self.messages_in(same_page).and_(changed))
        invalid = '[aria-invalid="true"]'
        self.invalid_fields = fresh.locator(invalid).or_(same_page.locator(invalid).and_(changed))
        self.answer = self.messages.or_(self.invalid_fields.filter(visible=True))
        self.any_new_page = new_page

    @staticmethod
    def messages_in(root: Locator) -> Locator:
        """Return the statuses and alerts under ``root`` that show and say something."""
        messages = root.get_by_role("status").or_(root.get_by_role("alert"))
        return messages.filter(visible=True, has_text=re.compile(r"\S"))

    def start(self) -> None:
        """Mark the page and watch it; note the requests Submit sends. Call right before selecting Submit."""
        self.values = self.page.evaluate(WATCH_CHANGES, [SUBMITTED, CHANGED, self.token])
        self.page.on("request", self.note_request)
        self.page.on("requestfailed", self.note_failure)

    def stop(self) -> None:
        """Stop noting requests (the page's observer ends with its page, or at the next Submit)."""
        self.page.remove_listener("request", self.note_request)
        self.page.remove_listener("requestfailed", self.note_failure)

    def note_request(self, request: Request) -> None:
        """Note a request to the portal's site that may carry the form: the page's navigation, a change."""
        if site(request.url) != site(self.url):
            return
        navigation = request.is_navigation_request() and request.frame == self.page.main_frame
        if navigation or (request.method != "GET" and request.resource_type in ("fetch", "xhr")):
            self.sent.append(request)

    def note_failure(self, request: Request) -> None:
        """Note a failure the browser says got no answer (not one that another navigation ended)."""
        if request in self.sent and no_answer(request.failure or ""):
            self.failures[request] = request.failure or ""

    def carries_values(self, request: Request) -> bool:
        """Tell whether ``request`` holds one of the form's values, as a form, a URL or JSON encodes it."""
        try:
            sent = request.url + (request.post_data or "")
        except UnicodeDecodeError:  # a binary body: not a form's
            return False
        encodings = (lambda v: v, quote_plus, quote, lambda v: json.dumps(v)[1:-1])
        return any(encode(value) in sent for value in self.values for encode in encodings)

    def failed(self) -> Exception | None:
        """Return the error for the carrier's failure, None if it did not fail (as far as the browser said yet)."""
        carrier = next((request for request in self.sent if self.carries_values(request)), None)
        if carrier is None and self.sent:
            carrier = self.sent[0]
        failure = self.failures.get(carrier, "") if carrier is not None else ""
        if not failure:
            return None
        if NEVER_REACHED.search(failure):
            return PortalUnavailableError(f"The portal did not answer Submit at {self.url}: {failure}")
        return UnknownPageError(
            f"The portal did not answer Submit at {self.url} ({failure}), perhaps after the form reached it: "
            f"whether anything was saved is not known"
        )
