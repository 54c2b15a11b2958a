"""Countries as a portal may show them: by ISO 3166 code, as the API names them ("CN"), or by name in any of the
three languages ("China", "Chine", "中国"), perhaps with its code ("China (CN)"), as a person reads them. Names come
from the Unicode CLDR (Babel), with a few that portals use beside them ("中国大陆", "USA")."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from .shown_values import tidied

LOCALES = ("en", "fr", "zh_Hans", "zh_Hant")  # the portal's three languages, Chinese in both scripts
# Names portals use that the CLDR's do not list: mainland China as 21Vianet's portals name it, short forms.
ALIASES = {
    "mainland china": "CN", "chinese mainland": "CN", "chine continentale": "CN", "中国大陆": "CN", "中國大陸": "CN",
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "uk": "GB",
}  # fmt: skip
# A name with its code beside it: "China (CN)", "CN - China", "中国 (CN)".
WITH_CODE = re.compile(r"^\s*(?:([A-Za-z]{2})\s*[-–—:]\s*\S.*|.*\S\s*[(（]([A-Za-z]{2})[)）])\s*$")


@cache
def codes_by_name() -> dict[str, str]:
    """Return each country's ISO code by its name in each of the three languages, tidied as shown values are."""
    names = {tidied(name): code for name, code in ALIASES.items()}
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
    beside = WITH_CODE.match(text)
    if beside:
        return (beside.group(1) or beside.group(2)).upper()
    return codes_by_name().get(tidied(text), shown)
