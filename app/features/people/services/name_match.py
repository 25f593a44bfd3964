"""Finding a person's name inside free text, whatever the case and diacritics.

Used twice: the subject access pack flags *other* people's names in the subject's notes for
review (third-party data), and erasure finds the subject's name in *other* records' notes
and replaces it. A name matches as "given family", "family given" or "family, given", with
any whitespace between, ignoring case and diacritics (``Stefan`` matches ``Ștefan`` and
``Ştefan``): the search runs on the folded text, and matches map back to the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from app.security.permissions import pure
from app.store.search import fold

ERASED_MARK = "[…]"


@dataclass(frozen=True)
class NamePattern:
    regex: re.Pattern[str]  # over folded text


def _folded(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    pieces: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        piece = fold(ch)
        pieces.append(piece)
        origin.extend([i] * len(piece))
    return "".join(pieces), origin


def _words(name: str) -> str:
    return r"\s+".join(re.escape(word) for word in fold(name).split())


@pure
def name_pattern(given: str, family: str) -> NamePattern | None:
    """A pattern for the full name in either order; ``None`` for names too short to search."""
    if len(fold(given).strip()) < 2 or len(fold(family).strip()) < 2:
        return None
    g, f = _words(given), _words(family)
    return NamePattern(re.compile(rf"(?<!\w)(?:{g}\s+{f}|{f},?\s+{g})(?!\w)"))


def _spans(text: str, pattern: NamePattern) -> list[tuple[int, int]]:
    folded, origin = _folded(text)
    return [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.regex.finditer(folded)]


@pure
def mentions(text: str | None, pattern: NamePattern) -> bool:
    if not text:
        return False
    return bool(pattern.regex.search(_folded(unicodedata.normalize("NFC", text))[0]))


@pure
def redact(text: str, patterns: Iterable[NamePattern]) -> tuple[str, int]:
    """``text`` with every match replaced by :data:`ERASED_MARK`; and how many there were."""
    result = unicodedata.normalize("NFC", text)
    total = 0
    for pattern in patterns:
        spans = _spans(result, pattern)
        for start, end in reversed(spans):
            result = result[:start] + ERASED_MARK + result[end:]
        total += len(spans)
    return result, total


@pure
def folded_words(text: str | None) -> set[str]:
    """The folded words of ``text`` (a cheap pre-filter before any pattern is tried)."""
    return set(re.findall(r"\w+", fold(text)))
