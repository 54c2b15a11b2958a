"""Fields that take a value from a list: a <select>, or a combobox that shows its options (a state or province,
where the portal checks it against the country's list)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .errors import ValidationError
from .shown_values import tidied

# An element its class calls an option, holding none such (the option's own words), not a <select>'s option.
CLASSED_OPTION = '[class*="option" i]:not([class*="optional" i], option, select, [role]):not(:has([class*="option" i]))'
OPTIONS_WAIT_MS = 5_000  # how long a combobox may take to show its options once opened
SUGGESTIONS_WAIT_MS = 1_000  # ... and a text box that is a combobox, once typed into (it may suggest none)
# A <select>'s options, each as a person reads it and as the form sends it; null for any other element.
SELECT_OPTIONS = """el => el.tagName === "SELECT" ? [...el.options].map(option => [option.label, option.value])
  : null"""


def not_typed_into(error: Exception) -> bool:
    """Tell whether Playwright's ``fill`` refused the element as no text box (a list, not an <input>)."""
    return "not an <input>" in str(error)


def choose_option(page: Page, field: Locator, name: str, value: str, label: str) -> None:
    """Pick the option ``value`` (as a person reads it, or as the form sends it) in the list field ``field``.

    An option the list does not have is a ``ValidationError`` for the field ``name`` (labelled ``label``), naming
    the options it has: nothing is picked, nothing sent.
    """
    options = field.evaluate(SELECT_OPTIONS)
    if options is not None:
        # Either as a person would write it (case, spaces): "fr" or " FR " names France as "france" does.
        listed = (sent for shown, sent in options if tidied(value) in (tidied(sent), tidied(shown)))
        chosen = next(listed, None)
        if chosen is None:
            raise not_listed(name, value, label, [shown for shown, _ in options])
        field.select_option(value=chosen)
        return
    field.click()  # a combobox: its options show once it is opened
    shown = shown_options(page)
    classed = classed_options(page, field)
    try:
        shown.or_(classed).first.wait_for(timeout=OPTIONS_WAIT_MS)
    except PlaywrightTimeoutError:
        page.keyboard.press("Escape")
        raise ValidationError({name: f"the form's {label} list showed no options to pick {value!r} from"}) from None
    if not shown.count():  # none shown with the role (Ant Design's, beside a hidden list of them that has it)
        shown = classed
    names = [text.strip() for text in shown.all_inner_texts()]
    index = next((at for at, text in enumerate(names) if tidied(text) == tidied(value)), None)
    if index is None:
        page.keyboard.press("Escape")
        raise not_listed(name, value, label, names)
    shown.nth(index).click()


def shown_options(page: Page) -> Locator:
    """Return the options a list shows: the visible ones (a <select> elsewhere on the page, the language picker's,
    holds options too, never shown)."""
    return page.get_by_role("option").filter(visible=True)


def classed_options(page: Page, field: Locator) -> Locator:
    """Return the options a list shows that no role says are options, as their class says (``ant-select-item-option``,
    ``react-select__option``): the innermost, shown ones, in the popup ``field`` says it controls (the parent of its
    listbox, aria-controls or aria-owns); none when it names no popup."""
    owned = (field.get_attribute("aria-controls") or field.get_attribute("aria-owns") or "").split()
    if not owned:
        return page.locator(":root:not(:root)")  # none
    popup = page.locator(f':has(> [id="{owned[0]}"])')
    return popup.locator(CLASSED_OPTION).filter(visible=True)


def pick_typed(page: Page, field: Locator, value: str) -> bool:
    """Pick, in a combobox typed into (a text box with a list of options), the option ``value`` once its list shows
    it; False when no option so named shows within ``SUGGESTIONS_WAIT_MS`` (a free text box that suggests)."""
    shown = shown_options(page).filter(has_text=value.strip())
    try:
        shown.first.wait_for(timeout=SUGGESTIONS_WAIT_MS)
    except PlaywrightTimeoutError:
        return False
    names = [text.strip() for text in shown.all_inner_texts()]
    index = next((at for at, text in enumerate(names) if tidied(text) == tidied(value)), None)
    if index is None:
        return False
    shown.nth(index).click()
    return True


def not_listed(name: str, value: str, label: str, options: list[str]) -> ValidationError:
    """Return the error for ``value``, which the list field ``name`` does not offer."""
    listed = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    return ValidationError({name: f"{value!r} is not among the form's {label} options ({listed}): nothing was sent"})
