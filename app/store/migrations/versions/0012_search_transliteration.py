"""case search: each search line also holds the Latin spelling of names in another script

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 08:30:00

"stepan" found no Степан, "ива" no Ivanov: workers type names as they hear them. A line now
ends with the ``anyascii`` transliteration of each part written in another script ("степан
stepan"); the FTS trigger re-indexes the lines that change (those with such a part only).
Derived data: the upgrade recomputes every line, the downgrade recomputes them without it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

from app.store.search import fold

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Frozen copies (a migration must not change when the app's code does).
LINES = """
SELECT s.id, s.text, c.reference, p.given_name, p.family_name, p.preferred_name, i.name
FROM case_search_index s JOIN cases c ON c.id = s.case_id JOIN people p ON p.id = c.client_id
LEFT JOIN institutions i ON i.id = c.institution_id
"""


def _latin(text: str) -> str:
    folded = fold(text)
    if folded.isascii():
        return ""
    spelt = fold(anyascii(folded))
    return spelt if spelt != folded else ""


def _line(parts: list[str], transliterate: bool) -> str:
    spelt = [_latin(part) for part in parts] if transliterate else []
    return fold(" ".join(parts + [s for s in spelt if s]))


def _rebuild(transliterate: bool) -> None:
    bind = op.get_bind()
    changed = []
    for row_id, old, *parts in bind.execute(sa.text(LINES)):
        new = _line([part for part in parts if part], transliterate)
        if new != old:
            changed.append({"id": row_id, "text": new})
    if changed:
        bind.execute(sa.text("UPDATE case_search_index SET text = :text WHERE id = :id"), changed)


def upgrade() -> None:
    _rebuild(transliterate=True)


def downgrade() -> None:
    _rebuild(transliterate=False)
