"""case search: a folded line per case and an FTS5 trigram index over it

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 06:30:00

The index is derived data: the upgrade fills it from cases, people and institutions.
"""

from __future__ import annotations

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
    for statement in CREATE:
        op.execute(statement)
    bind = op.get_bind()
    rows = [
        {"case_id": r[0], "text": fold(" ".join(part for part in r[1:] if part))}
        for r in bind.execute(sa.text(FILL))
    ]
    if rows:
        bind.execute(
            sa.text("INSERT INTO case_search_index(case_id, text) VALUES (:case_id, :text)"), rows
        )


def downgrade() -> None:
    for statement in DROP:
        op.execute(statement)
    op.drop_table("case_search_index")
