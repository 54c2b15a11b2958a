"""Waiting for an edit form that is shown before it holds the customer's values.

A single-page portal may draw its form at once and fill it from its API a moment later. Typed into
then, and submitted, such a form would send empty values for every field not typed: the whole
profile wiped but for the changes. So a form is taken as ready only once it says it is no longer
loading (``aria-busy``, a visible progress bar, words alone saying "Loading…") and, when it should
hold values (an edit form), once one of its text fields holds any: a billing profile is never blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page

from .list_quiet import INDETERMINATE, SAYS_LOADING
from .shown_values import ELEMENTS_IN_ORDER, FIELDS_OF_FORM

# The Submit button a person sees, found in the page by its name (a RegExp's source), as ``get_by_role`` finds it
# in most markup: a button, a submit input or an element with the button role, named by its aria-label or its
# text; null where none is. Asked in the page, not by a locator: a locator's element is passed to a page's script
# through the page's own world, which costs Playwright a tenth of the workflow the first time on each page.
FIND_SUBMIT = f"""(pattern) => {{{ELEMENTS_IN_ORDER}
  const named = new RegExp(pattern, "i");  // in any case, as any_language's patterns match
  const shown = (el) => el.getClientRects().length > 0 && (!el.checkVisibility || el.checkVisibility());
  const nameOf = (el) => (el.getAttribute("aria-label") || (el.tagName === "INPUT" ? el.value : el.innerText) || "");
  const button = 'button, input[type="submit"], input[type="button"], [role="button"]';
  return [...elementsInOrder(document.body)].find(el => el.matches(button) && named.test(nameOf(el)) && shown(el))
    || null;
}}"""


def at_submit(page: Page, submit: Locator, name: re.Pattern[str], script: str, arg: Any = None) -> Any:
    """Return what ``script`` (``(submit, arg) => ...``, perhaps async) answers for the Submit button ``submit``
    finds, named ``name``: in one call in the page, else (its name given otherwise) through the locator."""
    in_page = f"""async ([pattern, arg]) => {{
      const submit = ({FIND_SUBMIT})(pattern);
      return submit ? {{answer: await ({script})(submit, arg)}} : null;
    }}"""
    found = page.evaluate(in_page, [name.pattern, arg])
    return found["answer"] if found is not None else submit.first.evaluate(script, arg)


# What holds a form's fields when no <form> element does: the main landmark or the dialog holding Submit.
PANELS = 'main, [role="main"], [role="dialog"], dialog'
# Any element that may hold a form's fields, Submit among them: the innermost one holding Submit is the form.
FORM_HOLDERS = f"form, {PANELS}"
# The form Submit sends; a portal's form without a <form> element (a panel's fields, Submit in its footer): what
# holds Submit, its main landmark or dialog. Looked for across shadow roots (Submit in a web component's).
FORM_OF = """
  const closest = (el, selector) => {
    for (let at = el; at; at = at.getRootNode().host) {
      const found = at.closest(selector);
      if (found) return found;
    }
    return null;
  };
  const formOf = (submit) => submit.form || closest(submit, "form") || closest(submit, PANELS) || document.body;
""".replace("PANELS", repr(PANELS))
# Why the form is not ready yet ("" once it is; REDRAWN when it was replaced by another), and its fields' labels:
# polled in the page until ready or ``waitMs`` is over, in one call. A value set by a script changes no
# attribute, so no observer would see it.
REDRAWN = "REDRAWN"
FORM_LOADED = f"""(submit, [waitMs, needsValues]) => new Promise((resolve) => {{{FORM_OF}
  const form = formOf(submit);
  const read = () => {{{FIELDS_OF_FORM}
    return [fields, labelOf];
  }};
  {SAYS_LOADING}
  // Signs of loading count where they speak of the form: a progress bar in its landmark that tells no value (a
  // profile's "80% complete" does), words beside it or in it; a busy mark on it, or shown in it.
  const around = closest(form, {PANELS!r}) || form, beside = form.parentElement || form;
  const indeterminate = '{INDETERMINATE}';
  const typed = (el) => ["INPUT", "TEXTAREA"].includes(el.tagName) && !el.readOnly && !el.disabled
    && !["password", "file", "select-one"].includes(el.type);
  const loading = (fields) => {{
    if (!submit.isConnected) return REDRAWN;
    const busy = closest(form, '[aria-busy="true"]') || [...form.querySelectorAll('[aria-busy="true"]')].some(shown);
    if (busy) return "it says it is busy";
    if ([...around.querySelectorAll(indeterminate)].some(shown)) return "a progress bar shows";
    if ([...beside.querySelectorAll("*")].some(saysLoading)) return "it says it is loading";
    const boxes = fields.filter(typed);
    if (needsValues && boxes.length && boxes.every(el => !el.value.trim())) return "its fields hold no values yet";
    return "";
  }};
  const until = performance.now() + waitMs, REDRAWN = "{REDRAWN}";
  const look = () => {{
    const [fields, labelOf] = read(), why = loading(fields);
    if (why && why !== REDRAWN && performance.now() < until) return setTimeout(look, 50);
    // Each field's label, and whether it is one get_by_label reads (else it is the field's placeholder).
    const labelled = (el) => !!((el.labels && el.labels.length) || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby"));
    // The id of a <form> some of whose fields stand outside it (<input form="...">): found by it, not by place.
    const tied = form.tagName === "FORM" && form.id && fields.some(el => !form.contains(el)) ? form.id : "";
    resolve([why, fields.map(el => [labelOf(el), labelled(el)]), tied]);
  }};
  look();
}})"""


@dataclass(frozen=True)
class FormShown:
    """What a form showed once loaded: why it still was loading ("" when it was not), and its fields' labels,
    each with whether ``get_by_label`` finds the field by it (else it is the field's placeholder); ``form_id``, the
    id of the <form> Submit sends when fields outside it are its own by their ``form`` attribute ("" else)."""

    loading: str
    labels: tuple[tuple[str, bool], ...]
    form_id: str = ""


def wait_until_loaded(
    page: Page, submit: Locator, name: re.Pattern[str], *, wait_ms: int, needs_values: bool
) -> FormShown:
    """Wait, up to ``wait_ms``, until the form Submit (``submit``, named ``name``) sends no longer says it is
    loading (and, ``needs_values``, holds a value); ``loading`` is ``REDRAWN`` when Submit was replaced meanwhile
    (the form drawn again).
    """
    loading, labels, form_id = at_submit(page, submit, name, FORM_LOADED, [wait_ms, needs_values])
    return FormShown(str(loading), tuple((str(label), bool(labelled)) for label, labelled in labels), str(form_id))
