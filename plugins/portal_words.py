r"""The portal's own words that tests expect verbatim: a field's error, the conflict's message, an empty search.

The spec names the portal's labels and buttons, not its messages: these are the bundled portal's, in each language.
A deployment that words them otherwise gives its own in a TOML file, ``--portal-words FILE`` (or
``$PORTAL_WORDS``), a table per language holding any of the keys below; what it leaves out stays the bundled
portal's::

    ["en-US"]
    conflict = "This billing profile was changed by someone else"
    no_customers = "No results"

    [kinds]
    required = 'is required\.?$'

    [limits]
    city = 128

Its ``[kinds]`` table holds regular expressions, not words: how an English field error (after the field's label) says
which rule it is, where validation's tests tell a wrong rule from the right one. Its ``[limits]`` table holds the most
characters a field takes, where tests type one more (refused) and as many (saved): the spec gives those of the names
and address lines; the others are the bundled portal's.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple, TypeVar

import pytest

WORDS_VARIABLE = "PORTAL_WORDS"
PortalWords = Mapping[str, Mapping[str, str]]  # by language, then by key
T = TypeVar("T")
BUNDLED_WORDS: PortalWords = {
    "en-US": {
        "postal": "Postal code is not a valid postal code for China.",
        "required": "City is required.",
        "too_long": "First name can be at most 50 characters.",
        "email": "Email must be a valid email address.",
        "phone": "Phone number is not a valid phone number for China.",
        "state": "State/Province must be a state or province of China.",
        "company": "Company name must be more than one character and not only punctuation.",
        "partner_domain": "Email cannot be an address at the partner’s own domain.",
        "conflict": "Nothing was saved",
        "no_customers": "No customers match your search.",
        "session_ended": "nothing was saved",
    },
    "fr-FR": {
        "postal": "Code postal n’est pas un code postal valide pour la Chine.",
        "required": "Ville est obligatoire.",
        "too_long": "Prénom ne peut pas dépasser 50 caractères.",
        "email": "Adresse e-mail doit être une adresse e-mail valide.",
        "phone": "Numéro de téléphone n’est pas un numéro de téléphone valide pour la Chine.",
        "state": "État/Province doit être un État ou une province de la Chine.",
        "company": "Nom de la société doit comporter plus d’un caractère et pas seulement de la ponctuation.",
        "partner_domain": "Adresse e-mail ne peut pas être une adresse du domaine du partenaire.",
        "conflict": "Rien n’a été enregistré",
        "no_customers": "Aucun client ne correspond à votre recherche.",
        "session_ended": "rien n’a été enregistré",
    },
    "zh-CN": {
        "postal": "邮政编码不是中国的有效邮政编码。",
        "required": "城市为必填项。",
        "too_long": "名字最多可包含 50 个字符。",
        "email": "电子邮件必须是有效的电子邮件地址。",
        "phone": "电话号码不是中国的有效电话号码。",
        "state": "省/自治区/直辖市必须是中国的省/州。",
        "company": "公司名称必须多于一个字符，且不能只包含标点符号。",
        "partner_domain": "电子邮件不能是合作伙伴自己域中的地址。",
        "conflict": "未保存任何内容",
        "no_customers": "没有与搜索匹配的客户。",
        "session_ended": "未保存任何内容",
    },
}
# How each kind of English field error ends, as the bundled portal words it (regular expressions).
BUNDLED_KINDS = {
    "required": r"is required\.$",
    "length": r"can be at most \d+ characters\.$",
    "email": r"must be a valid email address\.$",
    "company": r"must be more than one character and not only punctuation\.$",
    "partner-domain": r"cannot be an address at the partner.s own domain\.$",
    "postal": r"is not a valid postal code for .+\.$",
    "phone": r"is not a valid phone number for .+\.$",
    "state": r"must be a state or province of .+\.$",
}
KINDS_TABLE = "kinds"
# The most characters each field takes: the spec's for the names and address lines, the bundled portal's otherwise.
BUNDLED_LIMITS = {
    "addressLine1": 200, "addressLine2": 200, "firstName": 50, "lastName": 50,
    "companyName": 200, "email": 200, "phoneNumber": 50, "city": 100, "state": 100, "postalCode": 20,
}  # fmt: skip
LIMITS_TABLE = "limits"
WORDS = pytest.StashKey[PortalWords]()
LIMITS = pytest.StashKey[Mapping[str, int]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("portal").addoption(
        "--portal-words",
        default=os.environ.get(WORDS_VARIABLE) or None,
        metavar="FILE",
        help="a TOML file of the deployment's own messages the tests expect verbatim, a table per language "
        f"(keys: {', '.join(BUNDLED_WORDS['en-US'])}), and a [{KINDS_TABLE}] table of how English field errors end "
        f"(regular expressions: {', '.join(BUNDLED_KINDS)}) and a [{LIMITS_TABLE}] table of the most characters "
        f"a field takes ({', '.join(BUNDLED_LIMITS)}); default: ${WORDS_VARIABLE}, else the bundled portal's",
    )


class GivenWords(NamedTuple):
    """What a deployment's file says, over the bundled portal's: its words (and ``[kinds]``), its ``[limits]``."""

    words: PortalWords
    limits: Mapping[str, int]


def read_words(path: str) -> GivenWords:
    """Return the bundled portal's words and limits with the file's in their place, read once; a file that cannot be
    is a usage error."""
    try:
        given = tomllib.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise pytest.UsageError(f"--portal-words {path}: cannot be read as TOML: {error}") from None
    limits = overlay(path, LIMITS_TABLE, given.pop(LIMITS_TABLE, {}), BUNDLED_LIMITS, read_characters,
                     "a number of characters (a whole number, 1 or more)", "numbers of characters")  # fmt: skip
    words = {locale: dict(said) for locale, said in BUNDLED_WORDS.items()}
    words[KINDS_TABLE] = overlay(path, KINDS_TABLE, given.pop(KINDS_TABLE, {}), BUNDLED_KINDS, read_pattern,
                                 "a regular expression (a string)", "regular expressions")  # fmt: skip
    for locale, said in given.items():
        if locale not in words or not isinstance(said, dict):
            raise pytest.UsageError(f"--portal-words {path}: [{locale}] is no language of the portal's "
                                    f"(a table of one of: {', '.join([*words, LIMITS_TABLE])})")  # fmt: skip
        words[locale] = overlay(path, locale, said, words[locale], read_text, "words (a string)", "words")
    return GivenWords(words, limits)


def overlay(
    path: str, table: str, given: object, defaults: Mapping[str, T], read: Callable[[object], T | None], what: str,
    holds: str,
) -> dict[str, T]:  # fmt: skip
    """Return ``defaults`` with the file's ``[table]`` (``given``) in their place, each value as ``read`` takes it;
    a usage error for no table (of ``holds``), a key ``defaults`` does not have, or a value ``read`` refuses (None:
    not ``what`` it expects; a pattern that does not compile, its words)."""
    if not isinstance(given, dict):
        raise pytest.UsageError(f"--portal-words {path}: [{table}] is a table of {holds}")
    merged = dict(defaults)
    for key, value in given.items():
        try:
            if key not in merged:
                likely = difflib.get_close_matches(key, merged, n=1)
                raise ValueError(f"no such key{f' (did you mean {likely[0]}?)' if likely else ''}")
            taken = read(value)
            if taken is None:
                raise ValueError(f"expected {what}")
        except (ValueError, re.error) as error:
            raise pytest.UsageError(
                f"--portal-words {path}: [{table}] {key} = {value!r}: {error}, for one of {', '.join(merged)}"
            ) from None
        merged[key] = taken
    return merged


def read_text(value: object) -> str | None:
    """Words, as a ``[language]`` table holds them: a string not blank."""
    return value if isinstance(value, str) and value.strip() else None


def read_pattern(value: object) -> str | None:
    """A regular expression, as ``[kinds]`` holds them: a string that compiles (``re.error`` where it does not)."""
    return re.compile(value).pattern if isinstance(value, str) and value else None


def read_characters(value: object) -> int | None:
    """A number of characters, as ``[limits]`` holds them: a whole number, 1 or more (a TOML boolean is none)."""
    return value if type(value) is int and value >= 1 else None


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--portal-words", None)
    given = (
        GivenWords({**BUNDLED_WORDS, KINDS_TABLE: BUNDLED_KINDS}, BUNDLED_LIMITS) if path is None else read_words(path)
    )
    config.stash[WORDS], config.stash[LIMITS] = given


@pytest.fixture(scope="session")
def portal_words(pytestconfig: pytest.Config) -> PortalWords:
    """The portal's messages the tests expect verbatim, by language and key (``portal_words["fr-FR"]["conflict"]``)."""
    return pytestconfig.stash[WORDS]


@pytest.fixture(scope="session")
def field_limits(pytestconfig: pytest.Config) -> Mapping[str, int]:
    """The most characters each field takes (``field_limits["city"]``): the deployment's ``[limits]``, else these."""
    return pytestconfig.stash[LIMITS]
