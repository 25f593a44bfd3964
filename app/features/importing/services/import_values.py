"""Reading one spreadsheet value as a Homeward value: dates, codes, choices, yes/no.

Every reader returns the value or raises ``ValueError`` with a message for the user; the
importer turns that into a problem with the row number and the column.
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from functools import cache, lru_cache

from babel import Locale

from app.kernel.i18n import LANGUAGES, _
from app.models.enums import (
    CaseKind,
    CaseStatus,
    CloseReason,
    CustodyStatus,
    Gender,
    Priority,
    ReferralSource,
)
from app.security.permissions import pure
from app.services.validation import STATELESS
from app.store.search import fold

_YES = {"yes", "y", "true", "1", "x", "ja", "j", "da", "да", "sant"}
_NO = {"no", "n", "false", "0", "nei", "nu", "нет", "usant", ""}

#: Words people write for each choice, beyond the value and its English words.
_CHOICES: dict[type[enum.Enum], dict[str, str]] = {
    Gender: {
        "m": "male",
        "man": "male",
        "mann": "male",
        "mannlig": "male",
        "gutt": "male",
        "boy": "male",
        "м": "male",
        "муж": "male",
        "мужской": "male",
        "мужчина": "male",
        "masculin": "male",
        "barbat": "male",
        "f": "female",
        "woman": "female",
        "k": "female",
        "kvinne": "female",
        "kvinnelig": "female",
        "jente": "female",
        "girl": "female",
        "ж": "female",
        "жен": "female",
        "женский": "female",
        "женщина": "female",
        "feminin": "female",
        "femeie": "female",
        "nonbinary": "non_binary",
        "ikke binaer": "non_binary",
        "ukjent": "unknown",
        "": "unknown",
    },
    CaseKind: {
        "release": "release_support",
        "loslatelse": "release_support",
        "loslatelsesstotte": "release_support",
        "освобождение": "release_support",
        "child visit": "child_visits",
        "child visits": "child_visits",
        "barnebesok": "child_visits",
        "besok": "child_visits",
        "foreign": "foreign_inmate",
        "utenlandsk innsatt": "foreign_inmate",
        "utenlandske innsatte": "foreign_inmate",
        "иностранец": "foreign_inmate",
    },
    CaseStatus: {
        "apen": "open",
        "aktiv": "active",
        "pa vent": "on_hold",
        "avsluttet": "closed",
        "henvisning": "referral",
        "lukket": "closed",
    },
    Priority: {"lav": "low", "hoy": "high", "haster": "urgent"},
}


@lru_cache(maxsize=4096)
def _words(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", fold(text)).strip()


@cache
def _choices(enum_cls: type[enum.Enum]) -> dict[str, str]:
    return {_words(k): v for k, v in _CHOICES.get(enum_cls, {}).items()}


@cache
def _members(enum_cls: type[enum.Enum]) -> dict[str, enum.Enum]:
    return {_words(m.value): m for m in enum_cls}


_ISO = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T].*)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})")


@pure
def read_date(text: str, fmt: str | None = None) -> date | None:
    """ISO (2026-03-31) or day first (31.03.2026, 31/03/2026, 31-03-26); ``fmt`` first."""
    text = text.strip()
    if not text:
        return None
    if fmt is not None:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    try:
        if match := _ISO.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_FIRST.fullmatch(text):
            year = int(match[3])
            if len(match[3]) == 2:  # 31.03.26: this century unless that is in the future
                year += 2000 if 2000 + year <= date.today().year else 1900
            return date(year, int(match[2]), int(match[1]))
    except ValueError:
        pass
    raise ValueError(
        _("This is not a date Homeward can read. Write it as 2026-03-31 or 31.03.2026.")
    )


@pure
def read_bool(text: str) -> bool:
    word = _words(text)
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(_("Write yes or no."))


@pure
def read_int(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(float(text)) if re.fullmatch(r"\d+(\.0+)?", text) else int(text)
    except ValueError:
        raise ValueError(_("Write a whole number.")) from None


@pure
def read_choice(
    text: str, enum_cls: type[enum.Enum], extra: dict[str, str] | None = None
) -> enum.Enum | None:
    word = _words(text)
    if not word and enum_cls is not Gender:
        return None
    values = _members(enum_cls)
    if word in values:
        return values[word]
    target = _choices(enum_cls).get(word)
    if target is None and extra:
        target = {_words(k): v for k, v in extra.items()}.get(word)
    if target is not None:
        return enum_cls(target)
    allowed = ", ".join(m.value for m in enum_cls)
    raise ValueError(_("Unknown value. Use one of: {allowed}.").format(allowed=allowed))


@cache
def _countries() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_words(name), code)
    return names


@cache
def _languages() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale.parse(language).languages.items():
            if code.isalpha() and len(code) in (2, 3):
                names.setdefault(_words(name), code)
    return names


@pure
def read_country(text: str) -> str | None:
    word = text.strip()
    if not word:
        return None
    if len(word) == 2 and word.isalpha():
        return word.upper()
    if word.upper() in ("STATELESS", "STATSLØS", "STATSLOS"):
        return STATELESS
    code = _countries().get(_words(word))
    if code is None:
        raise ValueError(_("Unknown country. Use its name or its two-letter code (NO, RO, UA)."))
    return code


@pure
def read_languages(text: str) -> tuple[str, ...]:
    codes = []
    for part in re.split(r"[,;/|+]", text):
        word = part.strip()
        if not word:
            continue
        if word.isalpha() and len(word) in (2, 3) and word.lower() == word:
            codes.append(word)
            continue
        code = _languages().get(_words(word))
        if code is None:
            raise ValueError(_("Unknown language: use names or ISO codes (nb, ru, ro)."))
        codes.append(code)
    return tuple(dict.fromkeys(codes))


CASE_CHOICES: dict[str, type[enum.Enum]] = {
    "case_kind": CaseKind,
    "case_status": CaseStatus,
    "case_close_reason": CloseReason,
    "case_priority": Priority,
    "case_referral_source": ReferralSource,
    "case_custody_status": CustodyStatus,
}
