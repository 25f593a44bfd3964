"""Foreign-inmate records: consular contact, immigration status, family abroad, discrimination.

All of these are restricted fields (DESIGN.md §4): volunteers never receive them.
Interpreter languages live on :class:`app.models.people.Person` (``languages``,
``interpreter_needed``).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Entity, enum_type
from app.models.enums import ConsularOutcome, ContactChannel, ImmigrationStatus, RelationshipKind


class ConsularContact(Entity, Base):
    __tablename__ = "consular_contacts"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    country: Mapped[str] = mapped_column(String(2))
    contacted_on: Mapped[date]
    channel: Mapped[ContactChannel] = mapped_column(enum_type(ContactChannel))
    consent_to_notify: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[ConsularOutcome] = mapped_column(
        enum_type(ConsularOutcome), default=ConsularOutcome.PENDING
    )
    notes: Mapped[str | None] = mapped_column(Text)

    # the summary's contacts in a period, by outcome, from the index (migration 0010)
    __table_args__ = (Index("ix_consular_contacts_time", "contacted_on", "outcome"),)


class ImmigrationRecord(Entity, Base):
    """One immigration or transfer status, valid from ``since`` until the next record."""

    __tablename__ = "immigration_records"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ImmigrationStatus] = mapped_column(enum_type(ImmigrationStatus))
    since: Mapped[date]
    notes: Mapped[str | None] = mapped_column(Text)


class FamilyAbroad(Entity, Base):
    __tablename__ = "family_abroad"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    name: Mapped[str | None] = mapped_column(String(200))
    relationship_kind: Mapped[RelationshipKind] = mapped_column(enum_type(RelationshipKind))
    country: Mapped[str] = mapped_column(String(2))
    contact_channel: Mapped[ContactChannel] = mapped_column(enum_type(ContactChannel))
    notes: Mapped[str | None] = mapped_column(Text)


class DiscriminationReport(Entity, Base):
    __tablename__ = "discrimination_reports"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    reported_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text)
    reported_to: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_discrimination_reports_time", "reported_on"),)
