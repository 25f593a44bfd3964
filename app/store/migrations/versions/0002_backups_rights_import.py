"""anonymised stubs, retention extensions, import bookkeeping, erasure receipts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:15:00

- people.anonymised_at, cases.anonymised_at: the row is an anonymous counting stub
  (erasure, Art. 17, or the end of a retention period);
- cases.retention_extended_until / retention_reason: a coordinator kept a closed case
  longer than its kind's retention period, and why;
- import_batches, import_keys: resumable, idempotent imports (a re-run creates nothing twice);
- erasure_receipts: what an erasure or anonymisation removed (counts only).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _entity_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("retention_extended_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("retention_reason", sa.Text(), nullable=True))

    op.create_table(
        "import_batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.String(length=64), nullable=False),
        sa.Column("batch_no", sa.Integer(), nullable=False),
        sa.Column("first_row", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("people_created", sa.Integer(), nullable=False),
        sa.Column("cases_created", sa.Integer(), nullable=False),
        *_entity_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint("import_id", "batch_no", name="uq_import_batches_import_batch"),
    )

    op.create_table(
        "import_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.String(length=64), nullable=False),
        sa.Column("batch_no", sa.Integer(), nullable=False),
        *_entity_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_keys")),
        sa.UniqueConstraint("key", name=op.f("uq_import_keys_key")),
    )
    with op.batch_alter_table("import_keys", schema=None) as batch_op:
        batch_op.create_index("ix_import_keys_import", ["import_id", "batch_no"], unique=False)
        batch_op.create_index("ix_import_keys_record", ["record_id"], unique=False)

    op.create_table(
        "erasure_receipts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        *_entity_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_receipts")),
    )


def downgrade() -> None:
    op.drop_table("erasure_receipts")
    with op.batch_alter_table("import_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_import_keys_record")
        batch_op.drop_index("ix_import_keys_import")
    op.drop_table("import_keys")
    op.drop_table("import_batches")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("retention_reason")
        batch_op.drop_column("retention_extended_until")
        batch_op.drop_column("anonymised_at")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
