"""Child visits: children visiting an imprisoned parent, and overnight-stay assessments."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Entity, enum_type
from app.models.enums import AssessmentOutcome, TransportSupport, VisitStatus, VisitType


class ChildVisit(Entity, Base):
    """A child's visit to the case client. The accompanying adult is a person in the system
    (``accompanying_adult_id``) or just a name. Money is in minor units (øre, kopecks, bani)."""

    __tablename__ = "child_visits"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    accompanying_adult_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    accompanying_adult_name: Mapped[str | None] = mapped_column(String(200))
    institution_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("institutions.id"))
    scheduled_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=90)
    visit_type: Mapped[VisitType] = mapped_column(enum_type(VisitType))
    status: Mapped[VisitStatus] = mapped_column(
        enum_type(VisitStatus), default=VisitStatus.REQUESTED
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    transport_support: Mapped[TransportSupport] = mapped_column(
        enum_type(TransportSupport), default=TransportSupport.NONE
    )
    transport_amount_minor: Mapped[int | None]
    child_reaction: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # covers the summary's visit counts (migration 0010)
        Index("ix_child_visits_time", "scheduled_at", "status", "visit_type", "child_id"),
        Index("ix_child_visits_child_time", "child_id", "scheduled_at"),
    )


class VisitAssessment(Entity, Base):
    """The assessment an overnight stay in a family flat needs before it can be scheduled."""

    __tablename__ = "visit_assessments"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    assessed_on: Mapped[date]
    assessed_by: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[AssessmentOutcome] = mapped_column(enum_type(AssessmentOutcome))
    notes: Mapped[str | None] = mapped_column(Text)
