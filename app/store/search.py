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


# --- the case search index ---------------------------------------------------------------
#
# ``case_search_index`` holds one folded line per case (reference, client's names, institution);
# ``fts_cases`` is an FTS5 trigram index over it (external content, synced by triggers), so a
# substring of three or more characters is found without scanning every case. Shorter queries
# scan the narrow index table with LIKE, which is still far cheaper than folding every row.

FTS_TABLE = "fts_cases"

CREATE_FTS = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, content='case_search_index', "
    "content_rowid='id', tokenize='trigram')",
    f"""CREATE TRIGGER case_search_index_ai AFTER INSERT ON case_search_index BEGIN
        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END""",
    f"""CREATE TRIGGER case_search_index_ad AFTER DELETE ON case_search_index BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); END""",
    f"""CREATE TRIGGER case_search_index_au AFTER UPDATE ON case_search_index BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END""",
]
DROP_FTS = [
    "DROP TRIGGER IF EXISTS case_search_index_au",
    "DROP TRIGGER IF EXISTS case_search_index_ad",
    "DROP TRIGGER IF EXISTS case_search_index_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

_CASE_TEXT_SQL = """
SELECT c.id, c.reference, p.given_name, p.family_name, p.preferred_name, i.name
FROM cases c JOIN people p ON p.id = c.client_id LEFT JOIN institutions i ON i.id = c.institution_id
"""


def case_text(
    reference: str, given: str, family: str, preferred: str | None, institution: str | None
) -> str:
    return fold(
        " ".join(part for part in (reference, given, family, preferred, institution) if part)
    )


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """For Alembic autogenerate: the FTS table and its shadow tables are not ORM tables."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))


def refresh_cases(conn: Any, where: str = "", params: dict[str, Any] | None = None) -> int:
    """Recompute the search line of the cases matching ``where`` (SQL on c/p/i); all if empty.

    ``conn`` is a SQLAlchemy Connection or Session. Returns how many lines were written.
    """
    from sqlalchemy import text

    rows = conn.execute(
        text(_CASE_TEXT_SQL + (f" WHERE {where}" if where else "")), params or {}
    ).all()
    values = [{"case_id": r[0], "text": case_text(r[1], r[2], r[3], r[4], r[5])} for r in rows]
    if values:
        conn.execute(
            text(
                "INSERT INTO case_search_index(case_id, text) VALUES (:case_id, :text) "
                "ON CONFLICT(case_id) DO UPDATE SET text = excluded.text"
            ),
            values,
        )
    return len(values)


def matching_case_ids(query: str) -> tuple[str, dict[str, Any]] | None:
    """SQL selecting ``case_id`` of cases whose search line contains every word of ``query``.

    Returns ``(sql, params)``, or ``None`` for an empty query.
    """
    words = [w for w in fold(query).split() if w]
    if not words:
        return None
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if long_words:
        phrase = " ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        clauses.append(f"s.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts)")
        params["fts"] = phrase
    for n, word in enumerate(short_words):
        clauses.append(f"s.text LIKE :w{n} ESCAPE '\\'")
        params[f"w{n}"] = contains_pattern(word)
    return "SELECT s.case_id FROM case_search_index s WHERE " + " AND ".join(clauses), params
