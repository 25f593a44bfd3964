"""The domain model (DESIGN.md §3): typed SQLAlchemy tables and enums. No sessions, no Qt."""

from __future__ import annotations

from app.models.admin import AuditEvent, Draft, ExportRecord, RecentView, Setting, User
from app.models.base import Base, Entity, utcnow
from app.models.cases import (
    Attachment,
    Case,
    CaseReferenceCounter,
    Consent,
    Meeting,
    Need,
    Referral,
    Task,
)
from app.models.foreign import (
    ConsularContact,
    DiscriminationReport,
    FamilyAbroad,
    ImmigrationRecord,
)
from app.models.people import Institution, Organisation, Person, Relationship
from app.models.records import ErasureReceipt, ImportBatch, ImportKey
from app.models.release import CustodyEvent, PlanTemplate, PlanTemplateItem, ReleasePlan
from app.models.search import CaseSearchRow
from app.models.visits import ChildVisit, VisitAssessment

__all__ = [
    "Attachment",
    "AuditEvent",
    "Base",
    "Case",
    "CaseReferenceCounter",
    "CaseSearchRow",
    "ChildVisit",
    "Consent",
    "ConsularContact",
    "CustodyEvent",
    "DiscriminationReport",
    "Draft",
    "Entity",
    "ErasureReceipt",
    "ExportRecord",
    "FamilyAbroad",
    "ImmigrationRecord",
    "ImportBatch",
    "ImportKey",
    "Institution",
    "Meeting",
    "Need",
    "Organisation",
    "Person",
    "PlanTemplate",
    "PlanTemplateItem",
    "RecentView",
    "Referral",
    "Relationship",
    "ReleasePlan",
    "Setting",
    "Task",
    "User",
    "VisitAssessment",
    "utcnow",
]
