"""People, the relationships between them, institutions and partner organisations."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Entity, enum_type
from app.models.enums import (
    Gender,
    InstitutionKind,
    OrganisationType,
    RelationshipKind,
    SecurityLevel,
)


class Person(Entity, Base):
    """A client, a child, a family member: anyone the organisation holds data about.

    ``languages`` is a comma-separated list of ISO 639 codes; ``nationality`` and
    ``country_of_origin`` are ISO 3166-1 alpha-2 codes (``XX`` for stateless).
    ``national_id`` is a restricted field (DESIGN.md §4).
    """

    __tablename__ = "people"

    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    preferred_name: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[date | None]
    birth_year_estimate: Mapped[int | None]
    gender: Mapped[Gender] = mapped_column(enum_type(Gender), default=Gender.UNKNOWN)
    nationality: Mapped[str | None] = mapped_column(String(2))
    country_of_origin: Mapped[str | None] = mapped_column(String(2))
    languages: Mapped[str] = mapped_column(String(200), default="")
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    national_id: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    #: Set when erasure or retention removed the personal data: the row is then an
    #: anonymous counting stub (gender, birth year, nationality, languages) for statistics.
    anonymised_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_people_name", "family_name", "given_name"),
        Index("ix_people_birth", "birth_date"),
        # what the summary counts of a client, without reading the table (migration 0010)
        Index(
            "ix_people_summary",
            "id",
            "gender",
            "birth_date",
            "birth_year_estimate",
            "nationality",
            "interpreter_needed",
            "languages",
        ),
    )


class Relationship(Entity, Base):
    """``related_person`` is the ``kind`` of ``person`` (kind=child: related is person's child)."""

    __tablename__ = "relationships"

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    related_person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RelationshipKind] = mapped_column(enum_type(RelationshipKind))
    lives_together: Mapped[bool] = mapped_column(default=False)
    is_caregiver: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)


class Institution(Entity, Base):
    """A prison, probation office, detention centre or police custody suite."""

    __tablename__ = "institutions"

    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[InstitutionKind] = mapped_column(enum_type(InstitutionKind))
    security_level: Mapped[SecurityLevel] = mapped_column(
        enum_type(SecurityLevel), default=SecurityLevel.NOT_APPLICABLE
    )
    region: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="NO")
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(60))
    visiting_info: Mapped[str | None] = mapped_column(Text)
    child_contact_name: Mapped[str | None] = mapped_column(String(200))
    child_contact_phone: Mapped[str | None] = mapped_column(String(60))
    child_contact_email: Mapped[str | None] = mapped_column(String(200))


class Organisation(Entity, Base):
    """A partner that referrals go to: welfare office, housing, legal aid, a consulate…"""

    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType))
    country: Mapped[str] = mapped_column(String(2), default="NO")
    region: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
