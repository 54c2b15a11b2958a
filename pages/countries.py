"""Countries as a portal may show them: by ISO 3166 code, as the API names them ("CN"), or by name in any of the
three languages ("China", "Chine", "中国"), as a person reads them. Names come from the Unicode CLDR (Babel)."""

from __future__ import annotations

from functools import cache

from babel import Locale

from .shown_values import tidied

LOCALES = ("en", "fr", "zh_Hans")  # the portal's three languages


@cache
def codes_by_name() -> dict[str, str]:
    """Return each country's ISO code by its name in each of the three languages, tidied as shown values are."""
    names: dict[str, str] = {}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():  # a country's, not a region's ("001", "EU")
                names.setdefault(tidied(name), code)
    return names


def country_code(shown: str) -> str:
    """Return the ISO code of the country a page shows: a code as it is (upper case), a name in English, French or
    Chinese as its code; anything else as shown, for the comparison that follows to say."""
    text = shown.strip()
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.upper()
    return codes_by_name().get(tidied(text), shown)
