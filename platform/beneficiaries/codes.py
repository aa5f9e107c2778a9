"""Countries and languages by ISO code, named in the user's language by Babel's CLDR data:
the common ones of this work first, found by code or by a name in Swedish or English."""

from __future__ import annotations

import functools
from typing import Final

from babel import Locale

from fristad.i18n import active_locale


def _locale() -> Locale:
    return _parsed_locale("sv" if active_locale() == "sv" else "en")


@functools.cache
def _parsed_locale(code: str) -> Locale:
    """Babel parses a locale's CLDR data anew at every call: once per language is enough."""
    return Locale.parse(code)


# CLDR's territories beyond ISO 3166-1's countries (test and grouping codes: "Pseudo-Bidi",
# "European Union", "Unknown Region"; parts of countries). Kosovo (XK) stays: people come from
# there.
NOT_COUNTRIES: Final = frozenset(
    {"AC", "CP", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)
COUNTRY_CODES: Final[frozenset[str]] = frozenset(
    str(code)
    for code in Locale.parse("en").territories
    if isinstance(code, str) and len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
)
# The countries people in this work most often come from, first in every list of countries.
COMMON_COUNTRIES: Final = (
    "RO", "BG", "NG", "TH", "VN", "MN", "UA", "PL", "HU", "AL", "ER", "SO", "AF", "SY", "IQ",
    "MA", "UG", "KE", "CN", "PH", "BR", "SE",
)  # fmt: skip


def countries() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes with their names: the common ones first, then the rest, each
    sorted by name in the active language."""
    names = _locale().territories
    common = sorted(((c, str(names[c])) for c in COMMON_COUNTRIES), key=lambda item: item[1])
    rest = sorted(
        ((c, str(names[c])) for c in COUNTRY_CODES - set(COMMON_COUNTRIES) if c in names),
        key=lambda item: item[1],
    )
    return common + rest


def country_name(code: str | None) -> str:
    return str(_locale().territories.get(code or "", code or ""))


def is_country(code: str) -> bool:
    return code.upper() in COUNTRY_CODES


def country_code(text: str) -> str | None:
    """The country a person chose or typed: its code, or its name in Swedish or English."""
    return _code_of(text.strip(), COUNTRY_CODES, "territories", upper=True)


# Codes for no language in particular, and the private-use range, are no language of a person.
NOT_LANGUAGES: Final = frozenset({"und", "zxx", "mul", "mis", "root"})
LANGUAGE_CODES: Final[frozenset[str]] = frozenset(
    code
    for code in Locale.parse("en").languages
    if isinstance(code, str)
    and code.isalpha()
    and len(code) in (2, 3)
    and code not in NOT_LANGUAGES
    and not ("qaa" <= code <= "qtz")
)
# The languages of the people in this work, first in every list of languages.
COMMON_LANGUAGES: Final = (
    "sv", "en", "ro", "bg", "pcm", "th", "vi", "mn", "uk", "ru", "pl", "hu", "sq", "ar",
    "fa", "ti", "so", "es", "fr", "zh", "tl",
)  # fmt: skip


def languages() -> list[tuple[str, str]]:
    """Language codes with their names: the common ones first, then the rest by name."""
    return list(_languages("sv" if active_locale() == "sv" else "en"))


@functools.cache
def _languages(code: str) -> tuple[tuple[str, str], ...]:
    # Sorted once per language: a record's page offers them in every consent form.
    names = _parsed_locale(code).languages
    common = sorted(((c, str(names[c])) for c in COMMON_LANGUAGES), key=lambda item: item[1])
    rest = sorted(
        ((c, str(names[c])) for c in LANGUAGE_CODES - set(COMMON_LANGUAGES) if c in names),
        key=lambda item: item[1],
    )
    return tuple(common + rest)


def common_languages() -> list[tuple[str, str]]:
    return languages()[: len(COMMON_LANGUAGES)]


def language_name(code: str | None) -> str:
    return str(_locale().languages.get(code or "", code or ""))


def is_language(code: str) -> bool:
    return code in LANGUAGE_CODES


def language_code(text: str) -> str | None:
    """The language a person chose or typed: its code, or its name in Swedish or English
    ("rumänska", "Romanian", "ro")."""
    return _code_of(text.strip(), LANGUAGE_CODES, "languages", upper=False)


def _code_of(text: str, codes: frozenset[str], names: str, *, upper: bool) -> str | None:
    if not text:
        return None
    code = text.upper() if upper else text.lower()
    if code in codes:
        return code
    return _codes_by_name(names, codes).get(text.casefold())


@functools.cache
def _codes_by_name(names: str, codes: frozenset[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for locale in ("en", "sv"):
        for code, name in getattr(_parsed_locale(locale), names).items():
            if code in codes:
                found.setdefault(str(name).casefold(), str(code))
    return found
