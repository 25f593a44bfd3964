"""The search adapter: everything SQLite-specific about finding text lives here.

``fold()`` makes text comparable regardless of case and diacritics, so ``stefan`` finds
Ștefan, ``orjan`` finds Ørjan and ``петр`` finds Пётр. It is registered on every connection
as the deterministic SQL function ``hw_fold``. A PostgreSQL backend would provide the same
function (or an unaccent-based index) behind the same names.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, func

# Letters that carry no combining mark in Unicode but are "the same letter" to a searcher.
_SPECIAL = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "þ": "th", "ŀ": "l"}
)


def fold(text: str | None) -> str:
    if not text:
        return ""
    # NFKD before casefold too: compatibility forms (𝕊, ﬁ) only fold once decomposed.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_SPECIAL)


def register(conn: Any) -> None:
    """Install ``hw_fold`` on a raw DBAPI connection."""
    conn.create_function("hw_fold", 1, fold, deterministic=True)


def folded(column: Any) -> ColumnElement[str]:
    return func.hw_fold(column)


def contains_pattern(text: str) -> str:
    """A LIKE pattern that matches ``text`` anywhere, with LIKE's wildcards escaped."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def prefix_pattern(text: str) -> str:
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"
