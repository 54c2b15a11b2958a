"""What a page shows as "label: value", read in one browser call: under headings, and in forms.

A deployment's markup is not ours: a value is the definition of its term (``<dt>``/``<dd>``, or the
ARIA roles), the cell after its row header in a table, a text box's value, or, in markup with none of those,
what follows a label the library knows (the element after it, or the words after its colon); a field is named by
its label as ``get_by_label`` reads it, in any of the three languages (``field_named``).
"""

from __future__ import annotations

import json
import unicodedata

from .models import ACCOUNT_INFO_FIELDS, BILLING_PROFILE_FIELDS
from .strings import UI_STRINGS, any_language, field_label


def tidied(value: str) -> str:
    """Return ``value`` as compared with what a portal shows: without spaces, case folded, full-width digits and
    letters as ASCII (NFKC). Accents count: a change may be one of accents alone."""
    return unicodedata.normalize("NFKC", "".join(value.split())).casefold()


def label_patterns() -> list[str]:
    """Return the patterns of the Account page's labels (``field_label``'s, marks and typography alike), for the
    page's script to know a label by as ``field_named`` does."""
    fields = dict.fromkeys((*ACCOUNT_INFO_FIELDS, *BILLING_PROFILE_FIELDS))
    return [field_label(field).pattern for field in fields if field in UI_STRINGS]


# Where words alone saying a section's name are no title of it: in a control, a heading, a label, a menu or tabs.
NOT_TITLE_TAGS = ("a", "button", "label", "option", "h1", "h2", "h3", "h4", "h5", "h6", "nav")
NOT_TITLE_ROLES = ("heading", "link", "button", "tab", "tablist", "menu", "menubar", "menuitem", "option", "navigation")
NOT_TITLES = ", ".join([*NOT_TITLE_TAGS, *(f'[role="{role}"]' for role in NOT_TITLE_ROLES), '[aria-hidden="true"]'])
# The same, for Playwright: an element neither one of them nor within one. XPath, which the browser evaluates itself
# (the CSS above, ``:not(:is(...) *)``, Playwright's own engine walks up from every element of the page: 4 times the
# cost, on each look while a page loads).
NOT_TITLE_XPATH = "xpath=self::*[not(ancestor-or-self::*[{}])]".format(
    " or ".join([
        *(f"self::{tag}" for tag in NOT_TITLE_TAGS), *(f"@role='{role}'" for role in NOT_TITLE_ROLES),
        "@aria-hidden='true'",
    ])
)  # fmt: skip
SECTIONS = ("account_info", "bill_to")  # the Account page's, as ``any_language`` knows them


def section_title_patterns() -> list[str]:
    """Return the patterns of the Account page's section names, for the page's script to know a title drawn as no
    heading by (a card's title, a fieldset's legend)."""
    return [any_language(section).pattern for section in SECTIONS]


# Every element under ``root`` in the order a person reads them, open shadow roots' too (a web component's
# content is read where the component stands).
ELEMENTS_IN_ORDER = """
  function* elementsInOrder(root) {
    for (const el of root.children) {
      yield el;
      if (el.shadowRoot) yield* elementsInOrder(el.shadowRoot);
      yield* elementsInOrder(el);
    }
  }
"""
# Each heading's term/definition pairs (<dt>/<dd>, or the ARIA roles term/definition), in page order:
# what a person reads as "label: value" under a heading.
TERMS_BY_HEADING = (
    r"""() => {
  ELEMENTS_IN_ORDER
  // An SVG's text (a logo's, an avatar's initials) has no innerText: its words, as for any other element.
  const shownText = (el) => el.innerText ?? el.textContent ?? "";
  const isHeading = (el) => /^H[1-6]$/.test(el.tagName) || el.getAttribute("role") === "heading";
  // Or a section's title drawn as no heading (a card's title, a fieldset's legend): an element of no element child
  // saying a section's name alone, in no control, heading, label, menu or tabs.
  const titles = SECTION_TITLES.map((pattern) => new RegExp(pattern, "i"));
  const isTitle = (el) => !el.childElementCount && titles.some((title) => title.test(shownText(el)))
    && !el.closest(NOT_TITLES) && el.getClientRects().length > 0;
  const isTerm = (el) => el.tagName === "DT" || el.getAttribute("role") === "term";
  const isDefinition = (el) => el.tagName === "DD" || el.getAttribute("role") === "definition";
  // Or a table's rows: a row header, then its value.
  const isRow = (el) => el.tagName === "TR" || el.getAttribute("role") === "row";
  const isRowHeader = (el) => el.getAttribute("role") === "rowheader" ||
    (el.tagName === "TH" && !el.getAttribute("role") && el.getAttribute("scope") !== "col" && !el.closest("thead"));
  const isTextBox = (el) => ["INPUT", "TEXTAREA"].includes(el.tagName)
    && !["checkbox", "radio", "hidden", "submit", "button"].includes(el.type);
  const isCell = (el) => ["cell", "gridcell"].includes(el.getAttribute("role")) ||
    (el.tagName === "TD" && !el.getAttribute("role"));
  // Or, in a section with none of those (a design system's rows of <div>s), a known label alone in its element,
  // its value in the element after it, or after it in its own text ("City: Shanghai"): shown in the page's main
  // content, not in a label, a term or a header of its own, nor in a footer or a menu.
  const labels = LABEL_PATTERNS.map((pattern) => new RegExp(pattern, "i"));
  const isKnownLabel = (text) => labels.some((label) => label.test(text));
  const main = document.querySelector('main, [role="main"]');
  const aside = 'label, dt, th, [role="term"], [role="rowheader"], footer, nav, [role="contentinfo"], '
    + '[role="navigation"]';
  // A field's value is what it holds, not its words: a text box beside its label, alone or in a wrapper of its own.
  const isField = (el) => isTextBox(el) || el.tagName === "SELECT";
  const held = (box) => box.tagName === "SELECT" ? (box.selectedOptions[0]?.label ?? "") : box.value;
  const valueOf = (el) => {
    const box = isField(el) ? el : !shownText(el).trim() && el.querySelector("input, textarea, select");
    if (box && isField(box)) return held(box).trim();
    const value = shownText(el).trim();
    return /^\s*[*＊:：]+\s*$/.test(value) ? null : value;  // a required mark is no value; an empty one is
  };
  // A text box named by an element apart from it (aria-labelledby) or by aria-label: its name, as get_by_label has it.
  const nameOf = (el) => (el.getAttribute("aria-labelledby") || "").split(/\s+/)
    .map((id) => id && el.getRootNode().getElementById(id)).filter(Boolean).map((node) => shownText(node).trim())
    .join(" ") || (el.getAttribute("aria-label") || "").trim();
  // A known label and its value in one text ("City: Shanghai"): the match, its label and value; else null.
  const labelledLine = (text) => {
    const colon = text.match(/^([^:：]{1,60})[:：]\s*(.+)$/s);
    return colon && isKnownLabel(colon[1]) ? colon : null;
  };
  const labelled = (el) => {
    if (el.childElementCount || !el.textContent.trim() || el.closest(aside) || (main && !main.contains(el))
      || !el.getClientRects().length) return null;  // hidden: no label a person reads
    const said = shownText(el).trim();
    if (isKnownLabel(said)) {
      let from = el;  // up through wrappers that hold the label alone, to the element beside them
      while (!from.nextElementSibling && from.parentElement && from.parentElement.childElementCount === 1) {
        from = from.parentElement;
      }
      const next = from.nextElementSibling;
      const nextSaid = next ? shownText(next).trim() : "";
      // After a label ending in its colon, the next field's own line ("City: Shanghai"): this one's value is empty.
      if (next && labelledLine(nextSaid)) return /[:：]$/.test(said) ? [said, ""] : null;
      const value = next && !isKnownLabel(nextSaid) ? valueOf(next) : null;
      return value === null ? null : [said, value];
    }
    const colon = labelledLine(said);
    return colon ? [colon[1].trim(), colon[2].trim()] : null;
  };
  const sections = [];
  for (const el of elementsInOrder(document.body)) {
    const pair = sections.length ? labelled(el) : null;
    if (pair) sections[sections.length - 1].guessed.push(pair);
    if (isHeading(el) || isTitle(el)) sections.push({heading: shownText(el).trim(), pairs: [], guessed: []});
    else if (isTerm(el) && sections.length) {
      let definition = el.nextElementSibling;
      while (definition && !isDefinition(definition) && !isTerm(definition)) definition = definition.nextElementSibling;
      const value = definition && isDefinition(definition) ? shownText(definition) : "";
      sections[sections.length - 1].pairs.push([shownText(el).trim(), value.trim()]);
    } else if (isRow(el) && sections.length && el.children.length >= 2 && isRowHeader(el.children[0])
      && isCell(el.children[1])) {
      sections[sections.length - 1].pairs.push([shownText(el.children[0]).trim(), shownText(el.children[1]).trim()]);
    } else if (el.tagName === "LABEL" && sections.length && el.control && isTextBox(el.control)) {
      // Or a labelled text box, as a page that keeps its form after saving shows what it saved.
      sections[sections.length - 1].pairs.push([shownText(el).trim(), el.control.value.trim()]);
    } else if (isTextBox(el) && sections.length && !el.labels?.length && nameOf(el)) {  // or named apart from it
      sections[sections.length - 1].pairs.push([nameOf(el), el.value.trim()]);
    }
  }
  for (const section of sections) {  // guessed pairs only for labels the markup pairs with none
    const paired = new Set(section.pairs.map(([label]) => label));
    section.pairs.push(...section.guessed.filter(([label]) => !paired.has(label)));
    delete section.guessed;
  }
  return sections;
}""".replace("ELEMENTS_IN_ORDER", ELEMENTS_IN_ORDER)
    .replace("LABEL_PATTERNS", json.dumps(label_patterns()))
    .replace("SECTION_TITLES", json.dumps(section_title_patterns()))
    .replace("NOT_TITLES", json.dumps(NOT_TITLES))
)
# A form's fields as get_by_label names them (a <label>, aria-label, aria-labelledby), else by their
# placeholder; each of their texts read from the ids an attribute lists, in the field's own tree. Fields of
# web components in the form (in open shadow roots) are its fields too, though ``form.elements`` omits them.
FIELDS_OF_FORM = """
  ELEMENTS_IN_ORDER
  const text = (el, ids) => (ids || "").split(/\\s+/).map(id => id && el.getRootNode().getElementById(id))
    .filter(Boolean).map(node => (node.innerText ?? node.textContent ?? "").trim()).join(" ");  // SVG too
  const labelOf = (el) => ((el.labels && el.labels.length ? el.labels[0].innerText : "") ||
    el.getAttribute("aria-label") || text(el, el.getAttribute("aria-labelledby")) ||
    el.getAttribute("placeholder") || "").trim();
  // Or a component library's list, no <select> (a combobox, a listbox), unless a text box inside it is the field.
  const native = (el) => ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
  const listLike = (el) => ["combobox", "listbox"].includes(el.getAttribute("role")) && !native(el)
    && !el.querySelector("input, textarea, select");
  const fields = [...new Set([...(form.elements || []), ...elementsInOrder(form)])]
    .filter(el => (native(el) && !["checkbox", "radio", "hidden", "submit", "button"].includes(el.type))
      || listLike(el));
""".replace("ELEMENTS_IN_ORDER", ELEMENTS_IN_ORDER)
# A word of an element's id or class that calls it an error (error, err, invalid, danger): ``SHOWN_INVALID``'s and
# ``INVALID_FIELDS``'.
# (By its words alone, ``ERROR_NAME``, not by a colour: a hint may be red, "text-danger".)
CALLS_ERROR = """
  const ERROR_WORD = /^(?:errors?|err|invalid|danger)$/i, ERROR_NAME = /^(?:errors?|err|invalid)$/i;
  const namedError = (node, named = ERROR_WORD) => `${node.id} ${node.getAttribute("class") || ""}`
    .split(/[\\s_-]+/).some(word => named.test(word));
  const callsError = (node, named = ERROR_WORD) => node.getAttribute("role") === "alert" || namedError(node, named);
"""
# Whether a field is shown invalid: marked so (aria-invalid), or, unmarked, described by an error shown (Angular
# Material's empty required field, which it never marks), or invalid as Bootstrap shows it (its is-invalid class, or
# the browser's own check in a form it shows those of, was-validated).
SHOWN_INVALID = f"""(el) => {{{CALLS_ERROR}
  if (el.getAttribute("aria-invalid")) return el.getAttribute("aria-invalid") === "true";
  const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
  const described = ids.map(id => el.getRootNode().getElementById(id)).filter(Boolean);
  const seen = (node) => node.getClientRects().length > 0
    && (!node.checkVisibility || node.checkVisibility({{visibilityProperty: true, opacityProperty: true}}));
  return described.some(node => callsError(node, ERROR_NAME) && seen(node) && node.textContent.trim())
    || el.classList.contains("is-invalid") || (!!el.closest(".was-validated") && el.matches(":invalid"));
}}"""
# Each invalid field of a form: its label and the error at it: its error message (aria-errormessage, ARIA's
# own for it), else its accessible description (aria-describedby, which may hold a hint beside the error: then the
# parts its markup calls an error, where it calls some so), else an error shown beside it, tied by nothing. Then each
# field a summary of the errors links to ("There are 2 errors", an alert or status listing them), the link's words its
# error, where the field itself says none: a link to the field, to its label, or to what holds it alone.
INVALID_FIELDS = f"""form => {{{FIELDS_OF_FORM}
  const marked = fields.filter({SHOWN_INVALID});
  // Of a description of a hint and an error ("city-hint city-error"), the error's words: those the markup calls an
  // error (a word of its id or class: error, err, invalid, danger) or an alert (its role), when it calls some so.
  {CALLS_ERROR}  const errorsOf = (el) => {{
    const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
    const nodes = ids.map(id => el.getRootNode().getElementById(id)).filter(Boolean);
    const errors = nodes.filter(node => callsError(node));
    const said = errors.length && errors.length < nodes.length ? errors.map(node => node.id) : ids;
    return [text(el, said.join(" ")), errors.length > 0];
  }};
  // An error no attribute ties to its field: shown beside it, in what holds no other field (text box or list; three
  // elements up at most, short of the form), else right after it, and called an error by its markup; its label's
  // words aside.
  const besideOf = (el) => {{
    let group = el;
    for (let up = 0; up < 3; up++) {{
      const parent = group.parentElement;
      // Not past a section of the form (a heading or legend of its own): its notes are no field's error.
      if (!parent || parent === form || parent.matches("fieldset, section, [role=group], [role=region]")
        || parent.querySelector(":scope > :is(h1, h2, h3, h4, h5, h6, legend)")
        || fields.some(other => other !== el && parent.contains(other))) break;
      group = parent;
    }}
    // Right after a field of a flat form, an alert alone may be the form's ("Nothing was saved"): named an error only.
    const near = group === el ? [el.nextElementSibling].filter(node => node && namedError(node))
      : [...group.querySelectorAll("*")];
    const labels = [...(el.labels || [])];
    // Not a control styled so (a "btn-danger" Clear beside it), nor a required mark so coloured ("text-danger" *).
    const CONTROL = 'a[href], button, input, select, textarea, [role="button"], [role="link"]';
    const errors = near.filter(node => !node.contains(el) && callsError(node) && node.getClientRects().length
      && !node.closest(CONTROL) && !labels.some(label => label.contains(node) || node.contains(label)));
    return errors.filter(node => !errors.some(other => other !== node && other.contains(node)))
      .map(node => (node.innerText ?? node.textContent ?? "").trim()).filter(said => said && !/^[*＊]$/.test(said))
      .join(" ");
  }};
  // A description none of whose parts is called an error (a hint alone) gives way to an error shown beside the field.
  const errorOf = (el) => {{
    const [described, anError] = errorsOf(el);
    return anError ? described : besideOf(el) || described;
  }};
  const invalid = marked.map(el => [labelOf(el), text(el, el.getAttribute("aria-errormessage")) || errorOf(el)]);
  const summaries = '[role="alert"] a[href^="#"], [role="status"] a[href^="#"]';
  const links = [...new Set([document, form.getRootNode()])].flatMap(root => [...root.querySelectorAll(summaries)]);
  for (const link of links.filter(link => link.getClientRects().length && link.innerText.trim())) {{
    let id = link.getAttribute("href").slice(1);
    try {{ id = decodeURIComponent(id); }} catch {{}}
    const target = id && link.getRootNode().getElementById(id);
    const held = target ? fields.filter(el => el === target || el === target.control || target.contains(el)) : [];
    if (held.length !== 1 || marked.includes(held[0])) continue;
    marked.push(held[0]);
    invalid.push([labelOf(held[0]), link.innerText.trim()]);
  }}
  return invalid;
}}"""
# What a component library's list shows as its value: its selected option's words (a listbox), else its own words.
LIST_VALUE = """(el) => ((el.getAttribute("role") === "listbox" ? el.querySelector('[aria-selected="true"]') : el)
  ?.innerText ?? "").trim()"""
# A field's value: a text box's or <select>'s value, a component library's list's words.
# A text box that is a list taking no typing (Ant Design's Select: a read-only combobox holding nothing) shows its
# option beside it: the words of what holds it (two elements up at most), a placeholder's aside.
CHOSEN_BESIDE = """(el) => {
  if (el.value || !el.readOnly || el.getAttribute("role") !== "combobox") return el.value;
  const PLACEHOLDER = '[class*="placeholder" i]';
  for (let at = el.parentElement, up = 0; at && up < 2; at = at.parentElement, up++) {
    const words = [...at.querySelectorAll(":scope > *, :scope > * > *")].filter(node => !node.contains(el)
      && !node.closest(PLACEHOLDER) && !node.querySelector(PLACEHOLDER) && node.getClientRects().length > 0
      && !node.closest('[aria-hidden="true"], fieldset, legend, label'))
      .map(node => node.innerText.trim()).filter(Boolean);
    if (words.length) return words[0];
  }
  return "";
}"""
FIELD_VALUE = f"""el => ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) ? ({CHOSEN_BESIDE})(el)
  : ({LIST_VALUE})(el)"""
# A field that takes typing: neither read-only nor disabled, as its markup (a disabled fieldset's fields too) or ARIA
# says.
NOT_LOCKED = ":not([aria-disabled=true]):not([aria-readonly=true])"
EDITABLE = f"input:read-write{NOT_LOCKED}, textarea:read-write{NOT_LOCKED}, select:enabled{NOT_LOCKED}"
# Each field of a form, its label and its value as it holds it: one call instead of one per field.
FORM_VALUES = f"""form => {{{FIELDS_OF_FORM}
  // A list's value as a person reads it: its option's label, not the code it sends ("上海市", not "SH").
  const valueOf = (el) => el.tagName === "SELECT" && el.selectedOptions.length ? el.selectedOptions[0].label
    : native(el) ? ({CHOSEN_BESIDE})(el) : ({LIST_VALUE})(el);
  // Those that take typing first: a label a read-only field shares (the Account Info shown again above the form's
  // fields) names the field that takes typing, read first.
  const readOnly = (el) => native(el) ? !el.matches("{EDITABLE}")
    : ["aria-readonly", "aria-disabled"].some((name) => el.getAttribute(name) === "true");
  return [...fields.filter(el => !readOnly(el)), ...fields.filter(readOnly)].map(el => [labelOf(el), valueOf(el)]);
}}"""


def field_named(label: str, fields: tuple[str, ...]) -> str | None:
    """Return the field (API name) whose label, in any language, is ``label``."""
    return next((field for field in fields if field in UI_STRINGS and field_label(field).match(label)), None)
