"""case search: a folded line per case and an FTS5 trigram index over it

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 06:30:00

The index is derived data: the upgrade fills it from cases, people and institutions.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

from app.store.search import fold

# Frozen copies (a migration must not change when the app's code does).
CREATE = [
    "CREATE VIRTUAL TABLE fts_cases USING fts5(text, content='case_search_index', "
    "content_rowid='id', tokenize='trigram')",
    """CREATE TRIGGER case_search_index_ai AFTER INSERT ON case_search_index BEGIN
        INSERT INTO fts_cases(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER case_search_index_ad AFTER DELETE ON case_search_index BEGIN
        INSERT INTO fts_cases(fts_cases, rowid, text) VALUES ('delete', old.id, old.text); END""",
    """CREATE TRIGGER case_search_index_au AFTER UPDATE ON case_search_index BEGIN
        INSERT INTO fts_cases(fts_cases, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO fts_cases(rowid, text) VALUES (new.id, new.text); END""",
]
DROP = [
    "DROP TRIGGER IF EXISTS case_search_index_au",
    "DROP TRIGGER IF EXISTS case_search_index_ad",
    "DROP TRIGGER IF EXISTS case_search_index_ai",
    "DROP TABLE IF EXISTS fts_cases",
]
#: On PostgreSQL (issue 19) no FTS5: a trigram GIN index over the folded line instead, and
#: ``hw_fold`` (SQLite's is a Python function each connection registers) as an SQL function
#: equal to :func:`app.store.search.fold`: NFKD, case folding, NFKD again, the characters
#: Python calls combining removed, the special letters mapped (tests/integration/
#: test_search_fold_engines.py compares them). Full case folding needs PostgreSQL 18
#: (``casefold`` under ``pg_unicode_fast``); older servers fold with ``lower`` (ß stays ß).
PG_FOLD = """CREATE FUNCTION hw_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN translate(replace(replace(replace(
    regexp_replace(normalize({case}(normalize(coalesce(value, ''), NFKD){collate}), NFKD), '{marks}', '', 'g'),
    'æ', 'ae'), 'œ', 'oe'), 'þ', 'th'), 'øđðłıŀ', 'oddlil')"""
PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_case_search_trgm ON case_search_index USING gin (text gin_trgm_ops)",
]
PG_DROP = ["DROP INDEX IF EXISTS ix_case_search_trgm", "DROP FUNCTION IF EXISTS hw_fold(text)"]


def _combining_class() -> str:
    """A regular-expression class of every character with a nonzero combining class."""
    marks = [cp for cp in range(0x110000) if unicodedata.combining(chr(cp))]
    ranges: list[list[int]] = []
    for cp in marks:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])

    def char(cp: int) -> str:
        return f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"

    return "[" + "".join(char(a) + ("" if a == b else "-" + char(b)) for a, b in ranges) + "]"


def _pg_fold(bind: sa.Connection) -> str:
    version = int(bind.exec_driver_sql("SHOW server_version_num").scalar() or 0)
    full = version >= 180000
    return PG_FOLD.format(
        case="casefold" if full else "lower",
        collate=" COLLATE pg_unicode_fast" if full else "",
        marks=_combining_class(),
    )


FILL = """
SELECT c.id, c.reference, p.given_name, p.family_name, p.preferred_name, i.name
FROM cases c JOIN people p ON p.id = c.client_id LEFT JOIN institutions i ON i.id = c.institution_id
"""

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_search_index",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_search_index_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_search_index")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_search_index_case_id")),
    )
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for statement in CREATE if sqlite else [*PG_CREATE, _pg_fold(bind)]:
        op.execute(statement)
    rows = [
        {"case_id": r[0], "text": fold(" ".join(part for part in r[1:] if part))}
        for r in bind.execute(sa.text(FILL))
    ]
    if rows:
        bind.execute(
            sa.text("INSERT INTO case_search_index(case_id, text) VALUES (:case_id, :text)"), rows
        )


def downgrade() -> None:
    for statement in DROP if op.get_bind().dialect.name == "sqlite" else PG_DROP:
        op.execute(statement)
    op.drop_table("case_search_index")
