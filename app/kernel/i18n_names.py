"""Names of countries and languages in the user's language, sorted the way that language sorts.

Names come from Babel's CLDR data. Babel has no collation, so :func:`sort_key` is a light one
(pyuca would bring the Unicode default order but none of the tailorings that matter here:
Norwegian puts æ ø å after z, Romanian ă â after a, î after i, ș after s, ț after t; Russian
files ё with е). For each language a tailored alphabet gives the primary order; other letters
fall back to their base letter, accents and case only break ties — as a dictionary does.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale, localedata

from app.kernel.i18n import LANGUAGES, _, babel_locale, current_language

#: The code Homeward stores for "no nationality".
STATELESS = "XX"
#: CLDR two-letter codes that are groupings or placeholders, not countries.
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})
#: Constructed, liturgical or historical languages nobody asks an interpreter for.
_NOT_SPOKEN = frozenset(
    {
        "ae",
        "cop",
        "cu",
        "eo",
        "gez",
        "ia",
        "ie",
        "io",
        "jbo",
        "la",
        "mul",
        "no",
        "pi",
        "prg",
        "sa",
        "tok",
        "und",
        "vo",
        "zxx",
    }
)

_ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "nb": "abcdefghijklmnopqrstuvwxyzæøå",
    "ro": "aăâbcdefghiîjklmnopqrsștțuvwxyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщъыьэюя",
}
#: Letters filed as another letter (the accent then only breaks ties).
_AS_LETTER = {
    "nb": {"ä": "æ", "ö": "ø", "ü": "y", "ǿ": "ø", "ǻ": "å"},
    "ro": {"ş": "ș", "ţ": "ț"},
    "ru": {"ё": "е"},
}
_LATIN = _ALPHABETS["en"]
_CYRILLIC = _ALPHABETS["ru"]


def _language_of(language: str | None) -> str:
    language = language or current_language()
    return language if language in _ALPHABETS else "en"


def sort_key(text: str, language: str | None = None) -> tuple[tuple[int, ...], ...]:
    """A key that orders ``text`` as a dictionary in ``language`` would."""
    language = _language_of(language)
    alphabet = _ALPHABETS[language]
    tailoring = _AS_LETTER.get(language, {})
    # The language's own script first (Cyrillic before Latin in Russian, after it elsewhere).
    scripts = (alphabet, _LATIN if alphabet is _CYRILLIC else _CYRILLIC)
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFC", text):
        lower = char.lower()
        tertiary.append(0 if char == lower else 1)
        accent = 0
        if lower in tailoring:
            lower, accent = tailoring[lower], 1
        if lower not in alphabet:
            decomposed = unicodedata.normalize("NFD", lower)
            if len(decomposed) > 1 and decomposed[0] in scripts[0] + scripts[1]:
                lower, accent = decomposed[0], sum(ord(c) for c in decomposed[1:])
        if lower in scripts[0]:
            primary.append(3000 + scripts[0].index(lower))
        elif lower in scripts[1]:
            primary.append(4000 + scripts[1].index(lower))
        elif lower.isdigit():
            primary.append(2000 + int(unicodedata.digit(lower, 0)))
        elif lower.isalpha():
            primary.append(5000 + ord(lower))
        elif lower.isspace() or lower in "-‐‑–—'’.,()":
            primary.append(1000 + ord(lower) % 1000 if not lower.isspace() else 1000)
        else:
            primary.append(1500 + ord(lower) % 500)
        secondary.append(accent)
    return (tuple(primary), tuple(secondary), tuple(tertiary))


def sorted_names(names: dict[str, str], language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs ordered by name in ``language``."""
    return sorted(names.items(), key=lambda item: sort_key(item[1], language))


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def _capitalise(text: str) -> str:
    # CLDR's names in nb, ru and ro are lower-case in running text; lists and menus start
    # with a capital (CLDR contextTransforms, uiListOrMenu).
    return text[:1].upper() + text[1:]


@cache
def country_codes() -> frozenset[str]:
    """Countries and territories with a name in every language Homeward speaks."""
    named = [_locale(babel_locale(lang)).territories for lang in LANGUAGES]
    codes = (str(code) for code in named[0])
    return frozenset(
        c
        for c in codes
        if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES and all(c in n for n in named)
    )


@cache
def language_codes() -> frozenset[str]:
    """Living languages: those CLDR has locale data for, and every ISO 639-1 language."""
    names = [str(code) for code in _locale("en").languages]
    with_data = {i.split("_")[0] for i in localedata.locale_identifiers()}
    named = [_locale(babel_locale(lang)).languages for lang in LANGUAGES]
    codes = {c for c in names if c.isalpha() and (len(c) == 2 or c in with_data)}
    return frozenset(
        c for c in codes if len(c) in (2, 3) and c not in _NOT_SPOKEN and all(c in n for n in named)
    )


def country_name(code: str | None, language: str | None = None) -> str:
    """``"RO"`` → "Romania" / "Румыния" / "România"; unknown codes come back as they are."""
    if not code:
        return ""
    if code == STATELESS:
        return _("Stateless")
    name = _locale(babel_locale(language)).territories.get(code) or _locale("en").territories.get(
        code
    )
    return str(name) if name else code


def language_name(code: str | None, language: str | None = None, *, in_list: bool = True) -> str:
    """``"ro"`` → "Romanian" / "Румынский" / "Română" (lower case in running text if
    ``in_list`` is false, as nb, ru and ro write them)."""
    if not code:
        return ""
    name = _locale(babel_locale(language)).languages.get(code) or _locale("en").languages.get(code)
    if not name:
        return code
    return _capitalise(str(name)) if in_list else str(name)


def countries(language: str | None = None) -> list[tuple[str, str]]:
    """Every country as (code, name), in the order of ``language``."""
    names = {code: country_name(code, language) for code in country_codes()}
    return sorted_names(names, language)


def languages(language: str | None = None) -> list[tuple[str, str]]:
    """Every living language as (code, name), in the order of ``language``."""
    names = {code: language_name(code, language) for code in language_codes()}
    return sorted_names(names, language)


def language_list(codes: tuple[str, ...] | list[str], language: str | None = None) -> str:
    """ "Romanian and Russian" / "румынский и русский": names joined the locale's way."""
    from babel.lists import format_list

    names = [language_name(c, language, in_list=False) for c in codes]
    return format_list(names, locale=babel_locale(language)) if names else ""
