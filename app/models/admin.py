"""Users, workspace settings, the audit trail, the export log, recent views and drafts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Entity, enum_type, utcnow
from app.models.enums import Role


class User(Entity, Base):
    """A member of staff or a volunteer. ``username`` is stored case-folded."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    last_sign_in_at: Mapped[datetime | None]
    #: For volunteers: how many clients they can mentor at once (None: not set).
    mentor_capacity: Mapped[int | None]


class Setting(Entity, Base):
    """One workspace setting (organisation name, thresholds…): ``value`` is JSON text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEvent(Entity, Base):
    """One link of the audit chain. ``fields`` names changed fields, never their values.

    ``mac`` chains this event to the previous one (keyed from the data key). ``case_id`` and
    ``person_id`` are lookup links outside the MAC, so erasure can cut them and the chain
    still verifies.
    """

    __tablename__ = "audit_events"

    sequence: Mapped[int] = mapped_column(unique=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID | None]
    fields: Mapped[str] = mapped_column(Text, default="")
    mac: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[uuid.UUID | None]
    person_id: Mapped[uuid.UUID | None]

    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_case", "case_id"),
        Index("ix_audit_events_person", "person_id"),
        Index("ix_audit_events_time", "occurred_at"),
    )


class ExportRecord(Entity, Base):
    """Who exported what, when, with which parameters (JSON) and the SHA-256 of the file."""

    __tablename__ = "export_records"

    exported_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[str] = mapped_column(Text, default="{}")
    file_sha256: Mapped[str] = mapped_column(String(64))
    #: For an anonymised summary: its figure set (JSON; aggregates only — each count, how it
    #: was shown, the threshold and categories), so later summaries can protect against
    #: differencing with it. None for other exports and for summaries before migration 0013.
    figure_set: Mapped[str | None] = mapped_column(Text, default=None)


class RecentView(Entity, Base):
    """A case a user opened recently (kept here, encrypted, never in settings)."""

    __tablename__ = "recent_views"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_recent_views_user", "user_id", "viewed_at"),)


class Draft(Entity, Base):
    """What a user was typing in a dialog that was not saved yet (locking, a crash).

    ``payload`` is JSON of the dialog's field values: free text, as sensitive as the record it
    would become, so it lives here in the encrypted database and nowhere else. Only its
    author ever reads it (see :mod:`app.services.drafts`). ``case_id`` and ``person_id`` say
    what the draft is about, so erasure and anonymisation remove it with the rest.
    """

    __tablename__ = "drafts"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    payload: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_drafts_user", "user_id", "updated_at"),
        Index("ix_drafts_case", "case_id"),
        Index("ix_drafts_person", "person_id"),
    )
