"""export records keep the figure set an anonymised summary published

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 08:20:00

A summary is protected against every earlier export of the workspace (a year minus three
quarters is the fourth). That needs what each export published: every count, how it was
shown (published, "<k" or hidden), the threshold and the merged categories. Aggregates only.
Summaries exported before this revision have none and cannot be taken into account.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
# 0011 and 0012 are other branches' numbers: whoever lands last sets this to the one before.
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("export_records") as batch:
        batch.add_column(sa.Column("figure_set", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("export_records") as batch:
        batch.drop_column("figure_set")
