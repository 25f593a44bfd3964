"""Release planning and custody history (the release-support workflow).

A release plan is made from a template of tasks at offsets from the expected release date
(−90 days: apply for ID documents … +365: one-year follow-up). The tasks it creates carry
``plan_id`` and ``plan_offset_days`` so they move when the release date moves.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Entity, enum_type
from app.models.enums import CustodyStatus, NeedDomain


class PlanTemplate(Entity, Base):
    __tablename__ = "plan_templates"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)


class PlanTemplateItem(Entity, Base):
    __tablename__ = "plan_template_items"

    template_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("plan_templates.id", ondelete="CASCADE"), index=True
    )
    offset_days: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    need_domain: Mapped[NeedDomain | None] = mapped_column(enum_type(NeedDomain))
    position: Mapped[int] = mapped_column(default=0)


class ReleasePlan(Entity, Base):
    """A plan made for one case from a template, anchored on a release date."""

    __tablename__ = "release_plans"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("plan_templates.id", ondelete="SET NULL")
    )
    anchor_date: Mapped[date]
    started_on: Mapped[date]


class CustodyEvent(Entity, Base):
    """A change of custody status on a date (remand → sentenced → … → released)."""

    __tablename__ = "custody_events"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    status: Mapped[CustodyStatus] = mapped_column(enum_type(CustodyStatus))
    on: Mapped[date]
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_custody_events_case_on", "case_id", "on"),)
