"""covering indexes for the quarterly summary at 100,000 cases

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 07:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MEETINGS_TIME = ["occurred_at", "case_id", "kind", "duration_minutes", "recorded_by"]


def upgrade() -> None:
    op.drop_index("ix_meetings_time", table_name="meetings")
    op.create_index("ix_meetings_time", "meetings", MEETINGS_TIME)
    op.create_index(
        "ix_cases_client_kind_dates", "cases", ["client_id", "kind", "opened_on", "closed_on"]
    )
    op.create_index(
        "ix_cases_kind_reason_dates", "cases", ["kind", "close_reason", "opened_on", "closed_on"]
    )
    op.create_index("ix_cases_actual_release", "cases", ["actual_release"])
    op.create_index(
        "ix_needs_summary", "needs", ["case_id", "domain", "identified_on", "met_on", "status"]
    )
    op.create_index("ix_referrals_sent_on", "referrals", ["sent_on"])


def downgrade() -> None:
    for name, table in (
        ("ix_referrals_sent_on", "referrals"),
        ("ix_needs_summary", "needs"),
        ("ix_cases_actual_release", "cases"),
        ("ix_cases_kind_reason_dates", "cases"),
        ("ix_cases_client_kind_dates", "cases"),
    ):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_meetings_time", table_name="meetings")
    op.create_index("ix_meetings_time", "meetings", ["occurred_at"])
