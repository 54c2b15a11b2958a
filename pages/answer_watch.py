"""Marking what changes on a page once Submit is selected, in the page itself.

Before Submit, the page is marked with a token of that Submit, and a MutationObserver marks what
changes from then on: a message whose words or visibility changed, a field set invalid (in open
shadow roots too). A PerformanceObserver keeps the requests' timings from then on, so the page's
own clock tells what changed after the portal's answer arrived. ``pages.submit_answer`` reads the
marks; ``pages.sign_in`` uses them for the provider's steps answered in place.
"""

from __future__ import annotations

import json
from contextlib import suppress

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from .answer_regions import MESSAGES
from .shown_values import SHOWN_INVALID

SUBMITTED = "data-portal-submitted"  # on the page Submit was selected on: a new page lacks it
CHANGED = "data-portal-answer"  # on each message or field changed since Submit was selected
ANSWERED = "data-portal-answered"  # on those changed once the portal's answer to the form had arrived
FORM_FIELD = "data-portal-field"  # on the form's fields a person could type in as Submit was selected
# On messages saying words none said before, or said again after they were gone or blank; on fields set
# invalid that were not so before, or were valid since.
RENEWED = "data-portal-renewed"
# On fields shown invalid though not marked so (``SHOWN_INVALID``): Bootstrap's, Angular Material's empty required ones.
SHOWN_INVALID_MARK = "data-portal-invalid"
WATCH_CHANGES = (
    """([submitted, changed, answered, renewed, token]) => {
  const MESSAGES = $MESSAGES;  // live regions of no role too (pages.answer_regions)
  const shownInvalid = $SHOWN_INVALID, FIELDS = "input, select, textarea";
  const INVALID_MARK = "$SHOWN_INVALID_MARK", FIELD_MARK = "$FORM_FIELD";
  // As Playwright sees it: visibility counts, and an empty box does not show.
  const shown = (el) => (!el.checkVisibility || el.checkVisibility({visibilityProperty: true}))
    && el.getClientRects().length > 0;
  const words = (el) => (shown(el) ? el.textContent.replace(/\\s+/g, " ").trim() : "");
  // Open shadow roots too (a web component's status lives in its own tree): each one known is watched,
  // and searched with the tree it is in.
  const roots = new Set();
  const addRoots = (node) => {
    for (const host of [node, ...node.querySelectorAll("*")].filter(el => el.shadowRoot && !roots.has(el.shadowRoot))) {
      roots.add(host.shadowRoot);
      watch(host.shadowRoot);
      addRoots(host.shadowRoot);
    }
  };
  const inside = (root, node) => {  // the root's host is ``node`` or in its subtree, across shadow roots
    for (let at = root.host; at; at = at.getRootNode().host) if (at === node || node.contains(at)) return true;
    return false;
  };
  const deepQuery = (node, selector) => [...node.querySelectorAll(selector),
    ...[...roots].filter(root => inside(root, node)).flatMap(root => [...root.querySelectorAll(selector)])];
  // The message a changed node is part of: in its own tree, or the shadow root's host if that is one
  // (not beyond: a component ticking inside a status is not the status changing).
  const messageOf = (node) => {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const found = el && el.closest(MESSAGES);
    const host = (el || node).getRootNode().host;
    return found || (host && host.matches(MESSAGES) ? host : null);
  };
  const now = () => performance.now(), submittedAt = now();
  const changedAt = new Map();  // each marked element: when it last changed (the page's clock)
  const blanked = new WeakSet(), gone = new Set();  // messages seen empty or hidden; words no longer shown
  const mark = (el) => {
    el.setAttribute(changed, token);
    changedAt.set(el, now());
    if (window.__portalAnsweredAt !== undefined && now() >= window.__portalAnsweredAt) el.setAttribute(answered, token);
    if (!el.matches(MESSAGES)) {  // a field set invalid: renewed unless it was so before and never valid since
      if (!invalidBefore.has(el) || blanked.has(el)) el.setAttribute(renewed, token);
      return;
    }
    const said = words(el);
    if (!said) blanked.add(el);
    else if (blanked.has(el) || gone.has(said) || !wordsBefore.has(said)) el.setAttribute(renewed, token);
  };
  const markMessagesAround = (node) => {
    const message = messageOf(node);
    if (message) mark(message);
  };
  const markAdded = (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) return markMessagesAround(node);
    addRoots(node);  // a component added with its shadow root
    for (const el of [node, ...deepQuery(node, MESSAGES + ', [aria-invalid="true"]')])
      if (el.matches(MESSAGES) || el.getAttribute("aria-invalid") === "true") mark(el);
    markMessagesAround(node);
  };
  if (window.__portalSubmitWatch) window.__portalSubmitWatch.disconnect();
  window.__portalAnsweredAt = undefined;
  window.__portalSubmitWatch = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "childList") { record.addedNodes.forEach(markAdded); markMessagesAround(record.target); }
      else if (record.type === "characterData") markMessagesAround(record.target);
      else if (record.attributeName === "aria-invalid") {
        if (record.target.getAttribute("aria-invalid") === "true") mark(record.target);
        else blanked.add(record.target);
      } else  // shown or hidden: the messages that show now and did not before (a hidden one may show again)
        for (const el of [record.target, ...deepQuery(record.target, MESSAGES)]) {
          if (!el.matches(MESSAGES)) continue;
          if (!shown(el)) { shownBefore.delete(el); blanked.add(el); }
          else if (!shownBefore.has(el)) { shownBefore.add(el); mark(el); }
        }
    }
    // Fields shown invalid since, not marked so, as if set invalid: only the form's own fields, and only as they
    // turn so (as aria-invalid is watched): one shown invalid since before Submit and never valid since is no answer
    // of this Submit.
    for (const el of deepQuery(document, `[${FIELD_MARK}="${token}"]`)) {
      if (el.getAttribute("aria-invalid") !== null) continue;
      const now = shownInvalid(el);
      if (now && !shownInvalidNow.has(el)) {
        shownInvalidNow.add(el);
        el.setAttribute(INVALID_MARK, token);
        mark(el);
      }
      else if (!now && shownInvalidNow.has(el)) {
        shownInvalidNow.delete(el);
        el.removeAttribute(INVALID_MARK);
        blanked.add(el);
      }
    }
    // Words said before that no message says now (removed, emptied): said again later, they are renewed.
    const said = new Set(deepQuery(document, MESSAGES).map(words));
    for (const before of wordsBefore) if (!said.has(before)) gone.add(before);
  });
  // The requests' timings from now on, as they come: a long-lived page's own buffer may be full.
  const timings = [];
  if (window.__portalTimings) window.__portalTimings.disconnect();
  let observer;
  try {
    observer = new PerformanceObserver((list) => timings.push(...list.getEntries()));
    observer.observe({type: "resource"});
  } catch { observer = undefined; }  // none: the page's own buffer, as far as it goes
  window.__portalTimings = observer;
  // Told which request carried the form, once it is done: what changed after its answer arrived (by
  // the page's own clock, its resource timing) is the answer. The timing comes a little after the
  // browser says the request is done: waited for, up to waitMs. False when the page has none of it; else the words of
  // the messages that changed before the answer and still say something ("Saved", shown before it came).
  window.__portalAnswered = (url, waitMs) => new Promise((resolve) => {
    const until = now() + waitMs;
    const look = () => {
      if (observer) timings.push(...observer.takeRecords());
      const entries = observer ? timings : performance.getEntriesByName(url);
      // The first: a later request to the same address (a GET of what was saved) is not the answer.
      const entry = entries.find(e => e.name === url && e.startTime >= submittedAt && e.responseEnd);
      if (!entry && now() < until) return setTimeout(look, 10);
      if (!entry) return resolve(false);
      window.__portalAnsweredAt = entry.responseEnd;
      for (const [el, when] of changedAt) if (when >= entry.responseEnd) el.setAttribute(answered, token);
      resolve([...changedAt.keys()].filter(el => el.matches(MESSAGES) && el.getAttribute(answered) !== token)
        .map(words).filter(Boolean));
    };
    look();
  });
  // Marks as the answer the messages changed before it that say these words ("Saved", left standing): in shadow
  // roots too, where no query of the document reaches.
  window.__portalMarkSaid = (saved) => {
    for (const el of changedAt.keys())
      if (el.matches(MESSAGES) && saved.includes(words(el))) el.setAttribute(answered, token);
  };
  // A shadow root attached once its host is in the page (Lit's components attach theirs when connected) is no change
  // an observer sees: the page's attachShadow tells this watch of each open one, watched before anything is put in it.
  window.__portalShadowAttached = (root) => { if (!roots.has(root)) { roots.add(root); watch(root); } };
  if (!Element.prototype.attachShadow.__portalTells) {
    const attachShadow = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attachShadow.call(this, init);
      if (init && init.mode === "open" && window.__portalShadowAttached) window.__portalShadowAttached(root);
      return root;
    };
    Element.prototype.attachShadow.__portalTells = true;
  }
  const shows = ["hidden", "style", "class", "aria-hidden", "aria-invalid", "open"];  // attributes that show or hide
  function watch(root) {  // hoisted: addRoots, above, calls it
    window.__portalSubmitWatch.observe(root, {subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: shows});
  }
  watch(document.documentElement);
  addRoots(document);
  const shownBefore = new Set(deepQuery(document, MESSAGES).filter(shown));
  const wordsBefore = new Set([...shownBefore].map(words));
  const shownInvalidNow = new Set(deepQuery(document, FIELDS).filter(shownInvalid));
  const invalidBefore = new Set([...deepQuery(document, '[aria-invalid="true"]'), ...shownInvalidNow]);
  // An earlier Submit's marks of fields shown invalid: this one's are its own.
  for (const el of deepQuery(document, `[${INVALID_MARK}]`)) el.removeAttribute(INVALID_MARK);
  document.documentElement.setAttribute(submitted, token);
  return [...document.querySelectorAll("input, select, textarea")]  // a <form>'s or not (a single-page portal's)
    .filter(el => !["hidden", "password", "checkbox", "radio"].includes(el.type))
    .map(el => el.value.trim()).filter(value => value.length > 1);
}""".replace("$MESSAGES", json.dumps(MESSAGES))
    .replace("$SHOWN_INVALID_MARK", SHOWN_INVALID_MARK)
    .replace("$FORM_FIELD", FORM_FIELD)
    .replace("$SHOWN_INVALID", SHOWN_INVALID)
)


def watch_arguments(token: str) -> list[str]:
    """Return the argument of ``WATCH_CHANGES`` for ``token``, for a caller that runs it in a script of its own."""
    return [SUBMITTED, CHANGED, ANSWERED, RENEWED, token]


def watch_changes(page: Page, token: str) -> list[str]:
    """Mark ``page`` with ``token`` (a new page lacks it) and mark what changes on it from now on.

    Changed messages and fields set invalid get ``CHANGED`` with the token; those renewed (``RENEWED``:
    words or an error not shown as Submit was selected, or shown again after a blank) get that too. Returns what
    the page's form fields hold now (their values of two characters or more).
    """
    return page.evaluate(WATCH_CHANGES, watch_arguments(token))


def stop_watching(page: Page) -> None:
    """Stop marking changes on ``page``, if it is still the page watched."""
    with suppress(PlaywrightError):  # the page is gone or going: its observer with it
        page.evaluate(
            "() => { window.__portalShadowAttached = undefined;"
            " [window.__portalSubmitWatch, window.__portalTimings].forEach(o => o && o.disconnect()); }"
        )
