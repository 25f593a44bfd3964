"""case references from a counter row per year

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 17:30:00

A case's reference number was the year's highest plus one, read and then written: two
writers at once (a team on a server) read the same highest and collided on the reference.
Now each year has a counter row raised in one statement. The counters start from the
references already handed out.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_reference_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_case_reference_counters")),
    )
    op.execute(
        "INSERT INTO case_reference_counters (year, last_seq) "
        "SELECT reference_year, max(reference_seq) FROM cases GROUP BY reference_year"
    )


def downgrade() -> None:
    op.drop_table("case_reference_counters")
