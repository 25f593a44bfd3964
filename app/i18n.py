"""The one place translatable text comes from.

Use ``from app.i18n import _, ngettext, N_`` everywhere; never the builtins.
Catalogues are Babel-compiled ``.mo`` files under ``translations/<lang>/LC_MESSAGES``
(shipped inside the package as ``app/locale`` once built). A missing catalogue falls back
to English, the source language.
"""

from __future__ import annotations

import gettext as _gettext
import threading
from pathlib import Path

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "nb", "ru", "ro")

_LOCALE_DIRS = (
    Path(__file__).resolve().parent / "locale",
    Path(__file__).resolve().parent.parent / "translations",
)

_lock = threading.Lock()
_current: _gettext.NullTranslations = _gettext.NullTranslations()
_current_language = SOURCE_LANGUAGE


def _load(language: str) -> _gettext.NullTranslations:
    for folder in _LOCALE_DIRS:
        if (folder / language / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
            return _gettext.translation(DOMAIN, localedir=str(folder), languages=[language])
    return _gettext.NullTranslations()


def set_language(language: str) -> None:
    """Switch the process-wide language. Unknown languages fall back to English."""
    global _current, _current_language
    translations = _load(language) if language != SOURCE_LANGUAGE else _gettext.NullTranslations()
    with _lock:
        _current = translations
        _current_language = language if language in LANGUAGES else SOURCE_LANGUAGE


def current_language() -> str:
    return _current_language


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translate at use)."""
    return message
