"""The one place translatable text comes from.

Use ``from app.kernel.i18n import _, ngettext, N_`` everywhere; never the builtins. ``pgettext`` and
``NC_`` add a context, for a word that means two things ("Open" the case status, "Open" the
file-dialog button).

Catalogues: ``translations/<lang>/LC_MESSAGES/messages.po`` (source, edited by translators),
compiled by ``make`` into ``app/locale/<lang>/LC_MESSAGES/messages.mo`` (inside the package, so
an installed Homeward finds them). In a source checkout whose ``.mo`` is missing or older than
its ``.po``, the ``.po`` is compiled in memory instead, so a fresh edit is never ignored. A
language without a catalogue falls back to English, the source language.

The pseudo-locale ``xx`` (see :func:`pseudo`) makes every string longer and accented, to find
clipped labels and text that bypasses translation; ``HOMEWARD_PSEUDO=1`` switches it on for
the whole app.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import io
import os
import re
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "nb", "ru", "ro")
PSEUDO_LANGUAGE = "xx"
PSEUDO_ENV = "HOMEWARD_PSEUDO"
#: Babel/CLDR locales for dates and numbers (British English: day-month dates, as in Europe).
BABEL_LOCALES: Mapping[str, str] = {
    "en": "en_GB",
    "nb": "nb_NO",
    "ru": "ru_RU",
    "ro": "ro_RO",
    PSEUDO_LANGUAGE: "en_GB",
}

_PACKAGE = Path(__file__).resolve().parents[1]  # the app package (this module is in app/kernel)
COMPILED_DIR = _PACKAGE / "locale"
SOURCE_DIR = _PACKAGE.parent / "translations"

_lock = threading.Lock()
_cache: dict[str, tuple[float, _gettext.NullTranslations]] = {}
_current: _gettext.NullTranslations = _gettext.NullTranslations()
_current_language = SOURCE_LANGUAGE
#: Per-thread override (see :func:`thread_language`); ``None`` means the process-wide language.
_thread = threading.local()


def pseudo_enabled() -> bool:
    return os.environ.get(PSEUDO_ENV, "") not in ("", "0")


def known_language(language: str | None) -> str:
    """``language`` if Homeward has it (or the pseudo-locale), else English."""
    if pseudo_enabled():
        return PSEUDO_LANGUAGE
    if language is not None and (language in LANGUAGES or language == PSEUDO_LANGUAGE):
        return language
    return SOURCE_LANGUAGE


def _files(language: str) -> tuple[Path, Path]:
    name = Path(language) / "LC_MESSAGES"
    return COMPILED_DIR / name / f"{DOMAIN}.mo", SOURCE_DIR / name / f"{DOMAIN}.po"


def _compile_po(po: Path) -> _gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def _load(language: str) -> _gettext.NullTranslations:
    if language == PSEUDO_LANGUAGE:
        return PseudoTranslations()
    if language == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    mo, po = _files(language)
    mo_time = mo.stat().st_mtime if mo.is_file() else -1.0
    po_time = po.stat().st_mtime if po.is_file() else -1.0
    stamp = max(mo_time, po_time)
    with _lock:
        cached = _cache.get(language)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    translations: _gettext.NullTranslations
    if mo_time >= 0 and mo_time >= po_time:
        with mo.open("rb") as f:
            translations = _gettext.GNUTranslations(f)
    elif po_time >= 0:
        translations = _compile_po(po)
    else:
        translations = _gettext.NullTranslations()
    with _lock:
        _cache[language] = (stamp, translations)
    return translations


def has_catalogue(language: str) -> bool:
    return any(path.is_file() for path in _files(language))


def set_language(language: str) -> None:
    """Switch the process-wide language. Unknown languages fall back to English."""
    global _current, _current_language
    known = known_language(language)
    translations = _load(known)
    with _lock:
        _current = translations
        _current_language = known


def current_language() -> str:
    return getattr(_thread, "language", None) or _current_language


def babel_locale(language: str | None = None) -> str:
    """The CLDR locale for dates, numbers and names in ``language`` (default: the current)."""
    return BABEL_LOCALES.get(language or current_language(), BABEL_LOCALES[SOURCE_LANGUAGE])


def language_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The first of Homeward's languages in LANGUAGE / LC_ALL / LC_MESSAGES / LANG (as gettext
    reads them), or ``None``. Norwegian ``no``/``nn`` count as Bokmål."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        for part in value.split(":"):
            code = part.split(".")[0].split("@")[0].split("_")[0].lower()
            code = "nb" if code in ("no", "nn") else code
            if code in LANGUAGES:
                return code
        if value:
            return None  # set, but to a language Homeward does not have: English
    return None


@contextlib.contextmanager
def thread_language(language: str) -> Iterator[None]:
    """Translate text made on *this thread* into ``language`` until the block ends.

    For output in another language than the user interface (a PDF for a funder, made on the
    database thread): the GUI thread keeps its own language meanwhile. Nests and restores.
    """
    known = known_language(language)
    previous = (getattr(_thread, "translations", None), getattr(_thread, "language", None))
    _thread.translations = _load(known)
    _thread.language = known
    try:
        yield
    finally:
        _thread.translations, _thread.language = previous


def _active() -> _gettext.NullTranslations:
    override: _gettext.NullTranslations | None = getattr(_thread, "translations", None)
    return override if override is not None else _current


def _(message: str) -> str:
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _active().pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translate at use)."""
    return message


def NC_(context: str, message: str) -> str:
    """Like :func:`N_`, with a context (translate later with :func:`pgettext`)."""
    return message


# -- the pseudo-locale --

_ACCENTED = str.maketrans(
    "abcdeghiklnorstuwyzABCDEGHIKLNORSTUWYZ",
    "åƀçđéĝĥîķļñöŕšţüŵýžÅƁÇĐÉĜĤÎĶĻÑÖŔŠŢÜŴÝŽ",
)
#: Left as they are: placeholders, HTML tags, keyboard mnemonics' "&", escapes, newlines.
_KEEP = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]|%[a-z%]|%\d|<[^>]*>|&&|&(?=\S)|&\w+;|\n")
PSEUDO_GROWTH = 0.4


def pseudo(text: str) -> str:
    """``Sign in`` → ``⟦Šîĝñ îñ·····⟧``: accented, about 40 % longer, placeholders intact."""
    if not text:
        return text
    parts, visible, last = [], 0, 0
    for match in _KEEP.finditer(text):
        plain = text[last : match.start()]
        parts += [plain.translate(_ACCENTED), match.group()]
        visible += len(plain)
        last = match.end()
    plain = text[last:]
    parts.append(plain.translate(_ACCENTED))
    visible += len(plain)
    padding = "·" * max(1, round(visible * PSEUDO_GROWTH))
    return "⟦" + "".join(parts) + padding + "⟧"


class PseudoTranslations(_gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)
