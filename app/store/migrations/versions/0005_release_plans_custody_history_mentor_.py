"""release plans, custody history, mentor capacity

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 06:30:23.660719
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_plan_templates_name")),
    )
    op.create_table(
        "plan_template_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "need_domain",
            sa.Enum(
                "housing",
                "employment",
                "education",
                "income_benefits",
                "debt",
                "health",
                "mental_health",
                "substance_use",
                "family_contact",
                "id_documents",
                "legal",
                "immigration",
                "language",
                "consular",
                "discrimination",
                "other",
                name="needdomain",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["plan_templates.id"],
            name=op.f("fk_plan_template_items_template_id_plan_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_template_items")),
    )
    with op.batch_alter_table("plan_template_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_template_items_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "custody_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "remand",
                "sentenced",
                "electronic_monitoring",
                "on_leave",
                "parole",
                "released",
                "transferred",
                "deported",
                name="custodystatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_custody_events_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_events")),
    )
    with op.batch_alter_table("custody_events", schema=None) as batch_op:
        batch_op.create_index("ix_custody_events_case_on", ["case_id", "on"], unique=False)

    op.create_table(
        "release_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=True),
        sa.Column("anchor_date", sa.Date(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_release_plans_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["plan_templates.id"],
            name=op.f("fk_release_plans_template_id_plan_templates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_plans")),
        sa.UniqueConstraint("case_id", name=op.f("uq_release_plans_case_id")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("plan_offset_days", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_tasks_plan_id"), ["plan_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mentor_capacity", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("mentor_capacity")

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_plan_id"))
        batch_op.drop_column("plan_offset_days")
        batch_op.drop_column("plan_id")

    op.drop_table("release_plans")
    with op.batch_alter_table("custody_events", schema=None) as batch_op:
        batch_op.drop_index("ix_custody_events_case_on")

    op.drop_table("custody_events")
    with op.batch_alter_table("plan_template_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_template_items_template_id"))

    op.drop_table("plan_template_items")
    op.drop_table("plan_templates")
