"""Small checks shared by services. Each returns a message for the field, or ``None``.

Messages speak the user's terms ("the date of birth is in the future"), never the schema's.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from babel import Locale

from app.kernel.errors import ValidationError
from app.kernel.i18n import _, ngettext
from app.kernel.i18n_formats import number
from app.kernel.record_types import LONG_TEXT_MAX as LONG_TEXT_MAX
from app.kernel.record_types import NAME_MAX as NAME_MAX
from app.kernel.record_types import SHORT_TEXT_MAX as SHORT_TEXT_MAX
from app.kernel.record_types import F

STATELESS = "XX"
#: The longest text a search takes (a name, a reference, an institution: a few words). The
#: search fields refuse longer input; the services refuse it too, before any SQL is built.
SEARCH_TEXT_MAX = 200


class SearchTextTooLongError(ValidationError):
    """A search text longer than :data:`SEARCH_TEXT_MAX`: nothing was searched."""

    def __init__(self) -> None:
        super().__init__(
            {
                "search": ngettext(
                    "Search for at most {n} character: a name, a reference or a place.",
                    "Search for at most {n} characters: a name, a reference or a place.",
                    SEARCH_TEXT_MAX,
                ).format(n=number(SEARCH_TEXT_MAX))
            }
        )


def search_text(text: str) -> str:
    """``text`` if a search may take it; else :class:`SearchTextTooLongError`."""
    if len(text) > SEARCH_TEXT_MAX:
        raise SearchTextTooLongError()
    return text


class Errors(dict[str, str]):
    """Collects one message per field; the first problem found for a field wins."""

    def add(self, field: str, message: str | None) -> None:
        if message and field not in self:
            self[field] = message


def required_text(value: str | None, *, limit: int = NAME_MAX) -> str | None:
    if value is None or not value.strip():
        return _("This field is required.")
    return text_limit(value, limit=limit)


def text_limit(value: str | None, *, limit: int = LONG_TEXT_MAX) -> str | None:
    if value is not None and len(value) > limit:
        return ngettext(
            "This text is too long: at most {limit} character, this has {n}.",
            "This text is too long: at most {limit} characters, this has {n}.",
            limit,
        ).format(limit=number(limit), n=number(len(value)))
    return None


def declared_text(value: str | None, spec: F) -> str | None:
    """The message for a typed text its declaration (:class:`~app.kernel.record_types.F`)
    limits, and requires if it says so."""
    assert spec.limit is not None, "not a typed text"
    if spec.required:
        return required_text(value, limit=spec.limit)
    return text_limit(value, limit=spec.limit)


def not_future(value: date | None, today: date, message: str) -> str | None:
    return message if value is not None and value > today else None


#: CLDR two-letter codes that are groupings or placeholders, not countries.
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})


@cache
def _countries() -> frozenset[str]:
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES)


@cache
def _languages() -> frozenset[str]:
    codes = (str(code) for code in Locale("en").languages)
    return frozenset(c for c in codes if c.isalpha() and len(c) in (2, 3))


def country_code(value: str | None) -> str | None:
    if value is None or value == STATELESS or value in _countries():
        return None
    return _("Choose a country from the list.")


def language_codes(values: tuple[str, ...]) -> str | None:
    unknown = [v for v in values if v not in _languages()]
    return _("Choose languages from the list.") if unknown else None


def clean(value: str | None) -> str | None:
    """Trim, and turn an empty string into ``None``."""
    if value is None:
        return None
    value = value.strip()
    return value or None
