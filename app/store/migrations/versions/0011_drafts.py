"""drafts: what a user was typing when Homeward locked or stopped

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 08:00:00

One row per open dialog of one user: the field values as JSON (free text, so only in the
encrypted database), what case or person it is about (erasure removes it with them), kept
until the dialog is saved or the draft discarded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_drafts_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_drafts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_drafts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )
    op.create_index("ix_drafts_user", "drafts", ["user_id", "updated_at"])
    op.create_index("ix_drafts_case", "drafts", ["case_id"])
    op.create_index("ix_drafts_person", "drafts", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_drafts_person", table_name="drafts")
    op.drop_index("ix_drafts_case", table_name="drafts")
    op.drop_index("ix_drafts_user", table_name="drafts")
    op.drop_table("drafts")
