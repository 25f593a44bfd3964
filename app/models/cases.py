"""Cases and what every case shares: needs, meetings, tasks, referrals, consent, attachments."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.models.base import Base, Entity, enum_type
from app.models.enums import (
    CaseKind,
    CaseStatus,
    CloseReason,
    ConsentScope,
    CustodyStatus,
    LegalBasis,
    MeetingKind,
    NeedDomain,
    NeedStatus,
    OffenceCategory,
    Priority,
    ReferralSource,
    ReferralStatus,
)


class Case(Entity, Base):
    """One piece of support work for one client.

    ``reference`` (``HW-2026-0042``) is unique; ``reference_year`` and ``reference_seq`` make
    the next number cheap to find. ``last_activity_at`` is kept by the services (any meeting,
    need, task or status change) so the case list can sort on an indexed column.
    ``offence_category`` is restricted (GDPR Art. 10).
    """

    __tablename__ = "cases"

    reference: Mapped[str] = mapped_column(String(20), unique=True)
    reference_year: Mapped[int]
    reference_seq: Mapped[int]
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind))
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus), default=CaseStatus.REFERRAL)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    worker_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    volunteer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    institution_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("institutions.id"))
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    close_reason: Mapped[CloseReason | None] = mapped_column(enum_type(CloseReason))
    priority: Mapped[Priority] = mapped_column(enum_type(Priority), default=Priority.NORMAL)
    referral_source: Mapped[ReferralSource | None] = mapped_column(enum_type(ReferralSource))
    custody_status: Mapped[CustodyStatus | None] = mapped_column(enum_type(CustodyStatus))
    sentence_start: Mapped[date | None]
    expected_release: Mapped[date | None]
    actual_release: Mapped[date | None]
    offence_category: Mapped[OffenceCategory | None] = mapped_column(enum_type(OffenceCategory))
    summary: Mapped[str | None] = mapped_column(Text)
    last_activity_at: Mapped[datetime]
    #: Retention (coordinator-set period after closing): a stub once anonymised, or kept
    #: longer until ``retention_extended_until`` for the recorded reason.
    anonymised_at: Mapped[datetime | None] = mapped_column(default=None)
    retention_extended_until: Mapped[date | None] = mapped_column(default=None)
    retention_reason: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (
        UniqueConstraint("reference_year", "reference_seq", name="uq_cases_reference_number"),
        Index("ix_cases_status_kind", "status", "kind"),
        # one worker's cases newest first, status tested in the index (migration 0009)
        Index("ix_cases_worker_activity", "worker_id", "last_activity_at", "status"),
        # one status's cases newest first (migration 0009)
        Index("ix_cases_status_activity", "status", "last_activity_at"),
        Index("ix_cases_volunteer", "volunteer_id"),
        Index("ix_cases_institution", "institution_id"),
        Index("ix_cases_last_activity", "last_activity_at"),
        Index("ix_cases_expected_release", "expected_release"),
        Index("ix_cases_opened_closed", "opened_on", "closed_on"),
        # covering indexes for the quarterly summary (clients served; caseload by reason)
        Index("ix_cases_client_kind_dates", "client_id", "kind", "opened_on", "closed_on"),
        Index("ix_cases_kind_reason_dates", "kind", "close_reason", "opened_on", "closed_on"),
        # the summary's releases in a quarter, from the index alone (migration 0008)
        Index("ix_cases_kind_release", "kind", "actual_release", "client_id", "id"),
        # a case's kind without reading the table: the summary's lookups (migration 0010)
        Index("ix_cases_id_kind", "id", "kind"),
    )


class CaseReferenceCounter(Base):
    """The last reference number handed out in one year (``HW-<year>-<last_seq>``).

    Bookkeeping, not a record (so no UUID or timestamps): the next number is taken by
    raising ``last_seq`` in one statement (``cases.take_reference_numbers``), so two writers
    never read the same "last" and a number, once given, is never given again, even after
    its case is erased."""

    __tablename__ = "case_reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)


class Need(Entity, Base):
    __tablename__ = "needs"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[NeedDomain] = mapped_column(enum_type(NeedDomain))
    status: Mapped[NeedStatus] = mapped_column(enum_type(NeedStatus), default=NeedStatus.IDENTIFIED)
    identified_on: Mapped[date]
    met_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_needs_domain_status", "domain", "status"),
        # the summary's needs identified and met in a period, from the index (migration 0010)
        Index("ix_needs_identified", "identified_on", "case_id", "domain", "status", "met_on"),
        Index("ix_needs_met", "met_on", "status", "case_id", "domain", "identified_on"),
    )


class Task(Entity, Base):
    __tablename__ = "tasks"

    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None]
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)
    #: Set on tasks a release plan made: they move when the release date moves. Not a foreign
    #: key on purpose: adding one would make SQLite rebuild ``tasks``, and dropping a table
    #: that meetings point to would null their follow-up links. The plan service keeps it.
    plan_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    plan_offset_days: Mapped[int | None]

    __table_args__ = (
        Index("ix_tasks_assignee_open", "assignee_id", "done", "due_on"),
        Index("ix_tasks_open_due", "done", "due_on"),
        # a case's tasks, and the first task's date for the summary (migration 0008)
        Index("ix_tasks_case_created", "case_id", "created_at"),
    )


class Meeting(Entity, Base):
    """A meeting with the client. ``occurred_at`` is local wall-clock time; ``summary`` is
    sensitive free text, visible to volunteers only for meetings they recorded."""

    __tablename__ = "meetings"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=60)
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind))
    location: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    wellbeing: Mapped[int | None]
    interpreter_used: Mapped[bool] = mapped_column(default=False)
    follow_up_task_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL")
    )

    __table_args__ = (
        Index("ix_meetings_case_time", "case_id", "occurred_at"),
        # covers the summary's meeting counts (1M meetings: 1.7 s → 0.5 s)
        Index(
            "ix_meetings_time", "occurred_at", "case_id", "kind", "duration_minutes", "recorded_by"
        ),
        Index("ix_meetings_recorded_by", "recorded_by", "occurred_at"),
        # a third of the width of ix_meetings_time: the trend's counts (migration 0010)
        Index("ix_meetings_occurred", "occurred_at"),
    )


class Referral(Entity, Base):
    __tablename__ = "referrals"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    need_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_type(ReferralStatus), default=ReferralStatus.DRAFT
    )
    sent_on: Mapped[date | None]
    responded_on: Mapped[date | None]
    consent_checked_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_referrals_sent_on", "sent_on"),)


class Consent(Entity, Base):
    __tablename__ = "consents"

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[ConsentScope] = mapped_column(enum_type(ConsentScope))
    legal_basis: Mapped[LegalBasis] = mapped_column(enum_type(LegalBasis))
    given_on: Mapped[date]
    expires_on: Mapped[date | None]
    withdrawn_on: Mapped[date | None]
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str | None] = mapped_column(Text)


class Attachment(Entity, Base):
    """A document stored inside the encrypted database (never as a loose file).

    ``content`` is deferred so lists never load it.
    """

    __tablename__ = "attachments"

    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
