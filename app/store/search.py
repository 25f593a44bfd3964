"""The search adapter: everything SQLite-specific about finding text lives here.

``fold()`` makes text comparable regardless of case and diacritics, so ``stefan`` finds
Ștefan, ``orjan`` finds Ørjan and ``петр`` finds Пётр. It is registered on every connection
as the deterministic SQL function ``hw_fold``. On PostgreSQL ``hw_fold`` is an SQL function
made by migration 0003 (the same result: tests/integration/test_search_fold_engines.py) and
a trigram GIN index stands in for FTS5 (:meth:`app.store.adapters.Adapter.search_terms`).

Workers type names as they hear them, so the case search also crosses scripts: each search
line holds, beside the folded text, the Latin transliteration (``anyascii``) of every part
written in another script (Степан → "степан stepan"), and a query word in another script
is looked for in both forms (``ива`` → "ива" or "iva"): ``stepan`` finds Степан, ``ива`` finds
Иванов and Ivanov. Latin text and Latin queries are unchanged (their transliteration is
themselves), so is the cost of searching them.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from anyascii import anyascii
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


def latin(text: str | None) -> str:
    """The folded Latin transliteration of ``text``; ``""`` when it is Latin already (as
    folded, ASCII text: most names) or has no letters to write in Latin."""
    if not text or text.isascii():  # most names and every reference: nothing to do
        return ""
    folded = fold(text)
    if folded.isascii():
        return ""
    spelt = fold(anyascii(folded))
    return spelt if spelt != folded else ""


def variants(word: str) -> list[str]:
    """A folded query word and, if it is in another script, its Latin spelling."""
    folded = fold(word)
    spelt = latin(folded)
    return [folded, spelt] if spelt and spelt.strip() else [folded]


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
# Each line also carries its case's status, kind, worker, volunteer and last activity
# (migration 0007; a trigger on ``cases`` keeps them equal), so a filtered search is counted,
# and its first page in the default order found, on this table alone.

FTS_TABLE = "fts_cases"
INDEX_TABLE = "case_search_index"
#: On PostgreSQL, the trigram GIN index over the lines in place of ``fts_cases`` (0003).
TRIGRAM_INDEX = "ix_case_search_trgm"

_CASE_TEXT_SQL = """
SELECT c.id, c.reference, p.given_name, p.family_name, p.preferred_name, i.name,
       c.status, c.kind, c.worker_id, c.volunteer_id, c.last_activity_at
FROM cases c JOIN people p ON p.id = c.client_id LEFT JOIN institutions i ON i.id = c.institution_id
"""


def case_text(
    reference: str, given: str, family: str, preferred: str | None, institution: str | None
) -> str:
    """The search line: the folded parts, then the Latin spelling of those in another script."""
    parts = [part for part in (reference, given, family, preferred, institution) if part]
    spelt = [latin(part) for part in parts]
    return fold(" ".join(parts + [s for s in spelt if s]))


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """For Alembic autogenerate: the FTS table and its shadow tables (SQLite) and the trigram
    index (PostgreSQL) are the search's own, not the ORM's."""
    if type_ == "index":
        return name != TRIGRAM_INDEX
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))


def refresh_cases(conn: Any, where: str = "", params: dict[str, Any] | None = None) -> int:
    """Recompute the search line of the cases matching ``where`` (SQL on c/p/i); all if empty.

    ``conn`` is a SQLAlchemy Connection or Session. Returns how many lines were written.
    """
    from sqlalchemy import text

    rows = conn.execute(
        text(_CASE_TEXT_SQL + (f" WHERE {where}" if where else "")), params or {}
    ).all()
    values = [
        {
            "case_id": r[0],
            "text": case_text(r[1], r[2], r[3], r[4], r[5]),
            "status": r[6],
            "kind": r[7],
            "worker_id": r[8],
            "volunteer_id": r[9],
            "last_activity_at": r[10],
        }
        for r in rows
    ]
    if values:
        conn.execute(
            text(
                f"INSERT INTO {INDEX_TABLE}(case_id, text, status, kind, worker_id, volunteer_id, "
                "last_activity_at) VALUES (:case_id, :text, :status, :kind, :worker_id, "
                ":volunteer_id, :last_activity_at) "
                "ON CONFLICT(case_id) DO UPDATE SET text = excluded.text, "
                "status = excluded.status, kind = excluded.kind, "
                "worker_id = excluded.worker_id, volunteer_id = excluded.volunteer_id, "
                "last_activity_at = excluded.last_activity_at"
            ),
            values,
        )
    return len(values)


def _words(query: str) -> list[list[str]]:
    """Each word of the query with its spellings (one, or two for another script)."""
    return [variants(w) for w in fold(query).split() if w]


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def match_terms(query: str, alias: str = INDEX_TABLE) -> tuple[str, dict[str, Any]] | None:
    """SQL true for the search lines (``case_search_index`` rows, named ``alias`` in the
    query) containing every word.

    Words of three or more characters go through the FTS5 trigram index; shorter ones test
    the line with LIKE. Returns ``(sql, params)``, or ``None`` for an empty query.
    """
    words = _words(query)
    if not words:
        return None
    # A word in another script matches either spelling: one FTS expression "(a OR b) AND c".
    long_words = [w for w in words if min(len(v) for v in w) >= 3]
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if long_words:
        phrase = " AND ".join(
            _fts_string(w[0]) if len(w) == 1 else "(" + " OR ".join(map(_fts_string, w)) + ")"
            for w in long_words
        )
        clauses.append(
            f"{alias}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts)"
        )
        params["fts"] = phrase
    short = [w for w in words if min(len(v) for v in w) < 3]
    for n, spellings in enumerate(short):
        likes = []
        for k, spelling in enumerate(spellings):
            likes.append(f"{alias}.text LIKE :w{n}_{k} ESCAPE '\\'")
            params[f"w{n}_{k}"] = contains_pattern(spelling)
        clauses.append(likes[0] if len(likes) == 1 else "(" + " OR ".join(likes) + ")")
    return " AND ".join(clauses), params


def line_terms(query: str, alias: str = INDEX_TABLE) -> tuple[str, dict[str, Any]] | None:
    """Like :func:`match_terms`, but every word tested with LIKE on the line itself.

    For reading lines in list order and stopping after a page: when matches are common, a
    few hundred lines are tested, where the FTS index would first list every match.
    """
    words = _words(query)
    if not words:
        return None
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for n, spellings in enumerate(words):
        likes = []
        for k, spelling in enumerate(spellings):
            likes.append(f"{alias}.text LIKE :l{n}_{k} ESCAPE '\\'")
            params[f"l{n}_{k}"] = contains_pattern(spelling)
        clauses.append(likes[0] if len(likes) == 1 else "(" + " OR ".join(likes) + ")")
    return " AND ".join(clauses), params


def case_line_matches(query: str, case_id_column: str) -> tuple[str, dict[str, Any]] | None:
    """SQL true when the search line of the case ``case_id_column`` contains every word.

    For reading cases in list order and testing each one: a lookup by key and a LIKE per
    case, where :func:`match_terms` would first collect every match (100,000 for "s").
    """
    terms = line_terms(query, "l")
    if terms is None:
        return None
    likes, params = terms
    sql = f"EXISTS (SELECT 1 FROM {INDEX_TABLE} l WHERE l.case_id = {case_id_column} AND {likes})"
    return sql, params
