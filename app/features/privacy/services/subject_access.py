"""Subject access (GDPR Art. 15): everything Homeward holds about one person, as a pack.

The pack covers the person, their relationships, their cases and everything in them (needs,
meetings, tasks, child visits, assessments, referrals, consular contacts, immigration
records, family abroad, discrimination reports, attachments), their consents, the visits and
family records of other cases that name them, and the audit events about them. It is
written as a JSON file (complete, machine-readable, attachments included) and a readable PDF
in the chosen language (:mod:`.subject_access_pdf`).

Third parties' data must not be released without thought, so the pack lists for review:
relatives' details (relationships, visiting children and adults, family abroad) and the
names of *other* people in Homeward found inside this person's free texts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.features.people.services import name_match
from app.features.privacy.services.subject_access_pack import (
    AttachmentFile,
    Record,
    ReviewItem,
    SubjectAccessPack,
    section_table,
)
from app.features.privacy.services.subject_access_pdf import render_pdf
from app.kernel.changes import writes
from app.kernel.errors import NotFoundError
from app.kernel.i18n import _, current_language, thread_language
from app.kernel.record_labels import field_label
from app.kernel.record_types import Kind
from app.kernel.records import field_kind, free_text_columns, section_names, section_title
from app.models import (
    Attachment,
    AuditEvent,
    Case,
    ChildVisit,
    Consent,
    ConsularContact,
    DiscriminationReport,
    ExportRecord,
    FamilyAbroad,
    ImmigrationRecord,
    Institution,
    Meeting,
    Need,
    Organisation,
    Person,
    Referral,
    Relationship,
    Task,
    User,
    VisitAssessment,
    utcnow,
)
from app.security.permissions import Permission, pure, requires
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.services.jobs import CancelFlag, Progress, Steps
from app.services.workspace import organisation_name
from app.store.files import atomic_write

__all__ = [
    "AttachmentFile",
    "Record",
    "ReviewItem",
    "SubjectAccessPack",
    "pack_json",
    "section_table",
    "subject_access_pack",
    "write_subject_access_pack",
]
FORMAT = "homeward-subject-access"
#: The pack's sections in their order, as the records declare them (titles: ``section_title``).
SECTIONS = section_names()


@dataclass(frozen=True)
class SubjectAccessFiles:
    json_path: Path
    pdf_path: Path
    records: int
    review_items: int


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value  # enums are StrEnums: JSON writes their value, the PDF their label


class _Collector:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.users = {
            uid: name for uid, name in session.execute(select(User.id, User.display_name))
        }
        self.sections: dict[str, list[Record]] = {name: [] for name in SECTIONS}
        self.review: list[ReviewItem] = []
        self._seen: set[tuple[str, uuid.UUID]] = set()

    def add(self, section: str, row: Any, **extra: Any) -> Record | None:
        if (section, row.id) in self._seen:
            return None
        self._seen.add((section, row.id))
        table = row.__table__.name
        values: list[tuple[str, Any]] = []
        for column in row.__table__.columns:
            name = column.key
            kind = field_kind(table, name)
            if kind is Kind.INTERNAL:
                continue
            value = getattr(row, name)
            if kind is Kind.USER:
                value = self.users.get(value, "") if value is not None else None
            values.append((name, _plain(value)))
        values.extend((k, _plain(v)) for k, v in extra.items())
        record = Record(section, row.id, tuple(values))
        self.sections[section].append(record)
        return record

    def flag(self, record: Record | None, field: str, reason: str, name: str) -> None:
        if record is not None and name.strip():
            self.review.append(ReviewItem(record.section, record.id, field, reason, name.strip()))

    def name_of(self, person_id: uuid.UUID | None) -> str:
        if person_id is None:
            return ""
        row = self.session.execute(
            select(Person.given_name, Person.family_name).where(Person.id == person_id)
        ).first()
        return f"{row[0]} {row[1]}".strip() if row else ""


def _collect(session: Session, person_id: uuid.UUID, steps: Steps) -> tuple[_Collector, Person]:
    person = session.get(Person, person_id)
    if person is None or person.anonymised_at is not None:
        raise NotFoundError(_("That person no longer exists."))
    c = _Collector(session)
    c.add("person", person)
    for rel in session.scalars(
        select(Relationship).where(
            or_(Relationship.person_id == person_id, Relationship.related_person_id == person_id)
        )
    ):
        other = rel.related_person_id if rel.person_id == person_id else rel.person_id
        other_name = c.name_of(other)
        record = c.add("relationships", rel, other_person=other_name)
        c.flag(record, "other_person", "family_member", other_name)
    for consent in session.scalars(select(Consent).where(Consent.person_id == person_id)):
        c.add("consents", consent)
    steps.at(_("Collecting cases"), 0.2)
    cases = list(
        session.scalars(select(Case).where(Case.client_id == person_id).order_by(Case.opened_on))
    )
    case_ids = [case.id for case in cases]
    for case in cases:
        institution = session.get(Institution, case.institution_id) if case.institution_id else None
        c.add("cases", case, institution=institution.name if institution else None)
    for model, section in (
        (Need, "needs"),
        (Meeting, "meetings"),
        (Task, "tasks"),
        (ConsularContact, "consular_contacts"),
        (ImmigrationRecord, "immigration_records"),
        (DiscriminationReport, "discrimination_reports"),
    ):
        order = getattr(model, "occurred_at", None) or model.created_at
        for row in session.scalars(
            select(model).where(model.case_id.in_(case_ids)).order_by(order)
        ):
            c.add(section, row)
    for referral in session.scalars(select(Referral).where(Referral.case_id.in_(case_ids))):
        org = session.get(Organisation, referral.organisation_id)
        c.add("referrals", referral, organisation=org.name if org else None)
    steps.at(_("Collecting visits and family"), 0.4)
    for visit in session.scalars(
        select(ChildVisit)
        .where(
            or_(
                ChildVisit.case_id.in_(case_ids),
                ChildVisit.child_id == person_id,
                ChildVisit.accompanying_adult_id == person_id,
            )
        )
        .order_by(ChildVisit.scheduled_at)
    ):
        child = c.name_of(visit.child_id)
        adult = c.name_of(visit.accompanying_adult_id) or (visit.accompanying_adult_name or "")
        record = c.add("child_visits", visit, child=child, accompanying_adult=adult)
        if visit.child_id != person_id:
            c.flag(record, "child", "family_member", child)
        if visit.accompanying_adult_id != person_id:
            c.flag(record, "accompanying_adult", "other_person", adult)
        if visit.case_id not in case_ids:  # their visit to someone else's case: that parent
            parent = session.scalar(select(Case.client_id).where(Case.id == visit.case_id))
            c.flag(record, "case_id", "family_member", c.name_of(parent))
    for assessment in session.scalars(
        select(VisitAssessment).where(
            or_(VisitAssessment.case_id.in_(case_ids), VisitAssessment.child_id == person_id)
        )
    ):
        child = c.name_of(assessment.child_id)
        record = c.add("visit_assessments", assessment, child=child)
        if assessment.child_id != person_id:
            c.flag(record, "child", "family_member", child)
    for family in session.scalars(
        select(FamilyAbroad).where(
            or_(FamilyAbroad.case_id.in_(case_ids), FamilyAbroad.person_id == person_id)
        )
    ):
        record = c.add("family_abroad", family)
        if family.person_id != person_id:
            c.flag(record, "name", "family_member", family.name or c.name_of(family.person_id))
    for attachment in session.scalars(
        select(Attachment).where(
            or_(Attachment.person_id == person_id, Attachment.case_id.in_(case_ids))
        )
    ):
        c.add("attachments", attachment)
    steps.at(_("Collecting the audit trail"), 0.55)
    events = session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.person_id == person_id, AuditEvent.case_id.in_(case_ids)))
        .order_by(AuditEvent.sequence)
    )
    for event in events:
        c.add("audit_events", event)
    return c, person


def _flag_names_in_text(c: _Collector, person_id: uuid.UUID) -> None:
    """Other people's names inside the pack's free texts."""
    texts: list[tuple[Record, str, str]] = []
    for records in c.sections.values():
        for record in records:
            free = free_text_columns(section_table(record.section))
            texts.extend(
                (record, name, value)
                for name, value in record.values
                if name in free and isinstance(value, str) and value
            )
    if not texts:
        return
    words: set[str] = set()
    for _record, _name, value in texts:
        words |= name_match.folded_words(value)
    candidates = c.session.execute(
        select(Person.id, Person.given_name, Person.family_name).where(
            Person.id != person_id, Person.anonymised_at.is_(None)
        )
    )
    for _other_id, given, family in candidates:
        needed = name_match.folded_words(given) | name_match.folded_words(family)
        if not needed or not needed <= words:
            continue
        pattern = name_match.name_pattern(given, family)
        if pattern is None:
            continue
        for record, field, value in texts:
            if name_match.mentions(value, pattern):
                c.flag(record, field, "name_in_text", f"{given} {family}")


@pure
def pack_headings(pack: SubjectAccessPack, language: str) -> dict[str, Any]:
    """Each section's title and the labels of its fields, in ``language`` (the JSON's
    headings, so a reader of the file need not guess what ``transport_amount_minor`` is)."""
    with thread_language(language):
        return {
            name: {
                "title": _(section_title(name)),
                "fields": {
                    field: field_label(section_table(name), field)
                    for field in dict.fromkeys(f for r in records for f, _v in r.values)
                },
            }
            for name, records in pack.sections
            if records
        }


@requires(Permission.GDPR)
def subject_access_pack(
    ctx: ServiceContext,
    person_id: uuid.UUID,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> SubjectAccessPack:
    """Everything held about one person, with the third-party items to review."""
    steps = Steps(progress, cancel)
    organisation = organisation_name(ctx)
    with ctx.uow() as uow:
        collector, person = _collect(uow.session, person_id, steps)
        steps.at(_("Looking for other people's names"), 0.65)
        _flag_names_in_text(collector, person_id)
        attachments = tuple(
            AttachmentFile(a.id, a.filename, a.media_type, a.size, a.sha256, a.content)
            for a in uow.session.scalars(
                select(Attachment).where(
                    Attachment.id.in_([r.id for r in collector.sections["attachments"]])
                )
            )
        )
        return SubjectAccessPack(
            person_id=person.id,
            person_name=f"{person.given_name} {person.family_name}".strip(),
            organisation=organisation,
            generated_at=datetime.now(UTC).replace(microsecond=0),
            sections=tuple((name, tuple(collector.sections[name])) for name in SECTIONS),
            attachments=attachments,
            review=tuple(collector.review),
        )


@pure
def pack_json(pack: SubjectAccessPack, language: str) -> bytes:
    body = {
        "format": FORMAT,
        "version": 1,
        "generated_at": pack.generated_at.isoformat(),
        "language": language,
        "organisation": pack.organisation,
        "person_id": str(pack.person_id),
        "headings": pack_headings(pack, language),
        "sections": {
            name: [{"id": str(r.id), **dict(r.values)} for r in records]
            for name, records in pack.sections
        },
        "attachment_files": [
            {
                "id": str(a.id),
                "filename": a.filename,
                "media_type": a.media_type,
                "size": a.size,
                "sha256": a.sha256,
                "content_base64": base64.b64encode(a.content).decode("ascii"),
            }
            for a in pack.attachments
        ],
        "review_before_release": [
            {
                "section": item.section,
                "record_id": str(item.record_id),
                "field": item.field,
                "reason": item.reason,
                "other_name": item.other_name,
            }
            for item in pack.review
        ],
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _record_exports(
    ctx: ServiceContext, pack: SubjectAccessPack, files: Iterable[tuple[str, bytes]], language: str
) -> None:
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        for kind, data in files:
            uow.session.add(
                ExportRecord(
                    exported_at=utcnow(),
                    user_id=actor.id,
                    kind=kind,
                    parameters=json.dumps({"language": language, "records": pack.records}),
                    file_sha256=hashlib.sha256(data).hexdigest(),
                    created_by=actor.id,
                )
            )
        log(
            uow,
            ctx,
            AuditAction.SUBJECT_ACCESS,
            entity_type="person",
            entity_id=pack.person_id,
            person_id=pack.person_id,
        )
        uow.commit()


@requires(Permission.GDPR)
@writes()
def write_subject_access_pack(
    ctx: ServiceContext,
    person_id: uuid.UUID,
    folder: Path,
    *,
    language: str | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> SubjectAccessFiles:
    """Write the pack as ``subject-access-<date>-<id>.json`` and ``.pdf`` into ``folder``.

    Both files are written atomically; the export is audited and recorded (hashes only).
    """
    steps = Steps(progress, cancel)
    language = language or current_language()
    pack = subject_access_pack(ctx, person_id, progress=progress, cancel=cancel)
    steps.at(_("Writing the PDF"), 0.75)
    pdf = render_pdf(pack, language)
    data = pack_json(pack, language)
    steps.at(_("Saving"), 0.95)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"subject-access-{pack.generated_at:%Y%m%d}-{pack.person_id.hex[:8]}"
    json_path, pdf_path = folder / f"{stem}.json", folder / f"{stem}.pdf"
    atomic_write(json_path, data)
    atomic_write(pdf_path, pdf)
    _record_exports(
        ctx, pack, (("subject_access_json", data), ("subject_access_pdf", pdf)), language
    )
    steps.report(_("Done"), 1.0)
    return SubjectAccessFiles(json_path, pdf_path, pack.records, len(pack.review))
