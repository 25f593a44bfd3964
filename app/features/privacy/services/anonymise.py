"""Turning people and cases into anonymous counting stubs: shared by erasure and retention.

What goes is declared with each record (:mod:`app.kernel.record_labels`: its ``rows`` and each
field's ``Erase``); this module decides which rows belong to the erased. A stub keeps what the quarterly summary counts and nothing that names anyone:

* a person keeps gender, the *quarter* of birth (see :func:`quarter_start`), nationality (it
  becomes a region), languages and the interpreter flag (they become language groups);
  names become ``Erased``; the exact date of birth, contact details, national ID, country of
  origin and notes go;
* a case keeps kind, status, dates, close reason, priority, referral source, custody status,
  staff and institution; its summary and offence category go;
* rows that hang off a case (needs, meetings, visits, referrals, consular contacts,
  immigration records, family abroad, discrimination reports) keep their dates, kinds and
  statuses and lose every free text; tasks, attachments, consents and relationships are
  deleted outright;
* audit events keep their place in the chain but lose their link to the person and case
  (those links are outside the chain's MAC, so the chain still verifies);
* the person's name, wherever it appears in *other* records' free text, is replaced by
  ``[…]``.

Then :func:`purge_free_pages` rewrites the database file (``VACUUM``) and empties the WAL, so
the removed bytes are gone from the files too, not just unreachable (``secure_delete`` is on
for every connection as well).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, delete, false, func, or_, select, update
from sqlalchemy.orm import Session

from app.features.people.services import name_match
from app.kernel import records
from app.kernel.record_types import Erase, Rows
from app.models import (
    Attachment,
    AuditEvent,
    Case,
    ChildVisit,
    Consent,
    ConsularContact,
    DiscriminationReport,
    Draft,
    ErasureReceipt,
    FamilyAbroad,
    ImmigrationRecord,
    ImportKey,
    Meeting,
    Need,
    Person,
    Referral,
    Relationship,
    Task,
    VisitAssessment,
    utcnow,
)
from app.security.permissions import internal, pure
from app.services.context import ServiceContext
from app.store import search
from app.store.adapters import adapter
from app.store.engine import KeyHolder

ERASED_NAME = "Erased"
_CHUNK = 500

#: Every free-text column that may name someone: (model, column names), as declared.
FREE_TEXT: tuple[tuple[type[Any], tuple[str, ...]], ...] = records.free_text()
#: Rows that belong to a case and nothing else: stubbed or deleted with it (the declarations
#: say which, and what a stub keeps).
_CASE_TABLES = (
    "needs",
    "meetings",  # before tasks: a meeting's follow-up task link goes first
    "tasks",
    "referrals",
    "consular_contacts",
    "immigration_records",
    "discrimination_reports",
    "recent_views",
)


@dataclass(frozen=True)
class Plan:
    """What one erasure or anonymisation touches. ``people[0]`` is the subject (erasure)."""

    people: tuple[uuid.UUID, ...]
    cases: tuple[uuid.UUID, ...]


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _in(column: Any, ids: Sequence[uuid.UUID]) -> ColumnElement[bool]:
    return column.in_(list(ids)) if ids else false()


@pure
def quarter_start(day: date | None) -> date | None:
    """The first day of ``day``'s quarter: all a stub keeps of a date of birth.

    Ages are counted on the last day of a quarter (or year), and a birthday anywhere in a
    quarter has passed by that quarter's last day exactly when the quarter's first day has,
    so every age band in every quarterly and yearly summary stays exactly as it was.
    """
    return None if day is None else date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@internal
def only_theirs(session: Session, people: set[uuid.UUID], cases: set[uuid.UUID]) -> set[uuid.UUID]:
    """Relatives who exist in Homeward only because of ``people``: linked by relationships to
    no one else, client of no case, and named in no visit or family record of another case."""
    if not people:
        return set()
    related = {
        row[0]
        for row in session.execute(
            select(Relationship.related_person_id).where(_in(Relationship.person_id, list(people)))
        )
    } | {
        row[0]
        for row in session.execute(
            select(Relationship.person_id).where(_in(Relationship.related_person_id, list(people)))
        )
    }
    found = set()
    for candidate in related - people:
        links = session.execute(
            select(Relationship.person_id, Relationship.related_person_id).where(
                or_(
                    Relationship.person_id == candidate,
                    Relationship.related_person_id == candidate,
                )
            )
        ).all()
        if any((a if b == candidate else b) not in people for a, b in links):
            continue
        if session.scalar(select(func.count()).where(Case.client_id == candidate)):
            continue
        elsewhere = 0
        for model, column in (
            (ChildVisit, ChildVisit.child_id),
            (ChildVisit, ChildVisit.accompanying_adult_id),
            (VisitAssessment, VisitAssessment.child_id),
            (FamilyAbroad, FamilyAbroad.person_id),
        ):
            elsewhere += (
                session.scalar(
                    select(func.count())
                    .select_from(model)
                    .where(
                        column == candidate, model.case_id.not_in(list(cases) or [uuid.UUID(int=0)])
                    )
                )
                or 0
            )
        if not elsewhere:
            found.add(candidate)
    return found


def _count(session: Session, model: type[Any], clause: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(clause)) or 0)


def _case_rows(model: type[Any], plan: Plan) -> ColumnElement[bool]:
    return _in(model.case_id, plan.cases)


def _visit_rows(plan: Plan) -> ColumnElement[bool]:
    return or_(
        _in(ChildVisit.case_id, plan.cases),
        _in(ChildVisit.child_id, plan.people),
        _in(ChildVisit.accompanying_adult_id, plan.people),
    )


def _relationship_rows(plan: Plan) -> ColumnElement[bool]:
    return or_(
        _in(Relationship.person_id, plan.people), _in(Relationship.related_person_id, plan.people)
    )


def _attachment_rows(plan: Plan) -> ColumnElement[bool]:
    return or_(_in(Attachment.person_id, plan.people), _in(Attachment.case_id, plan.cases))


def _draft_rows(plan: Plan) -> ColumnElement[bool]:
    """Unsaved drafts about the cases or people: they may hold anything typed about them."""
    return or_(_in(Draft.case_id, plan.cases), _in(Draft.person_id, plan.people))


def _audit_rows(plan: Plan) -> ColumnElement[bool]:
    return or_(_in(AuditEvent.person_id, plan.people), _in(AuditEvent.case_id, plan.cases))


@internal
def count(session: Session, plan: Plan) -> dict[str, int]:
    """Rows each table will lose or have emptied, for the preview and the receipt."""
    counts = {
        "people": len(plan.people),
        "cases": len(plan.cases),
        "relationships": _count(session, Relationship, _relationship_rows(plan)),
        "consents": _count(session, Consent, _in(Consent.person_id, plan.people)),
        "attachments": _count(session, Attachment, _attachment_rows(plan)),
        "child_visits": _count(session, ChildVisit, _visit_rows(plan)),
        "visit_assessments": _count(
            session,
            VisitAssessment,
            or_(_case_rows(VisitAssessment, plan), _in(VisitAssessment.child_id, plan.people)),
        ),
        "family_abroad": _count(
            session,
            FamilyAbroad,
            or_(_case_rows(FamilyAbroad, plan), _in(FamilyAbroad.person_id, plan.people)),
        ),
        "drafts": _count(session, Draft, _draft_rows(plan)),
        "audit_links": _count(session, AuditEvent, _audit_rows(plan)),
    }
    for model in (
        Need,
        Meeting,
        Task,
        Referral,
        ConsularContact,
        ImmigrationRecord,
        DiscriminationReport,
    ):
        counts[model.__tablename__] = _count(session, model, _case_rows(model, plan))
    return counts


def _blank(session: Session, model: type[Any], clause: ColumnElement[bool], **values: Any) -> None:
    session.execute(
        update(model).where(clause).values(**values).execution_options(synchronize_session=False)
    )


def _erase(session: Session, table: str, clause: ColumnElement[bool], now: Any) -> None:
    """Stub or delete the rows of ``table`` that ``clause`` selects, as the table declares."""
    model = records.model(table)
    how = records.rows(table)
    if how is Rows.DELETE:
        session.execute(delete(model).where(clause))
    elif how is Rows.STUB:
        _blank(session, model, clause, **records.stub_values(table), updated_at=now)


def _person_stub(birth_date: date | None, year: int | None) -> dict[str, Any]:
    values = records.stub_values("people")
    values.update(dict.fromkeys(records.erased("people", Erase.NAME), ERASED_NAME))
    values.update(dict.fromkeys(records.erased("people", Erase.QUARTER), quarter_start(birth_date)))
    birth_year = birth_date.year if birth_date is not None else year
    values.update(dict.fromkeys(records.erased("people", Erase.YEAR), birth_year))
    return values


@internal
def apply(session: Session, plan: Plan) -> None:
    """Make the stubs (see the module docstring). Runs in the caller's transaction."""
    now = utcnow()
    session.flush()
    for ids in _chunks(plan.cases):
        sub = Plan((), tuple(ids))
        _blank(
            session,
            Case,
            _in(Case.id, ids),
            **records.stub_values("cases"),
            anonymised_at=now,
            updated_at=now,
        )
        for table in _CASE_TABLES:
            _erase(session, table, _case_rows(records.model(table), sub), now)
    _erase(session, "child_visits", _visit_rows(plan), now)
    # Erase.UNLINK: the accompanying adult's link, on the erased cases' visits and their own
    _blank(
        session,
        ChildVisit,
        or_(
            _in(ChildVisit.case_id, plan.cases), _in(ChildVisit.accompanying_adult_id, plan.people)
        ),
        accompanying_adult_id=None,
    )
    _erase(
        session,
        "visit_assessments",
        or_(_case_rows(VisitAssessment, plan), _in(VisitAssessment.child_id, plan.people)),
        now,
    )
    _erase(
        session,
        "family_abroad",
        or_(_case_rows(FamilyAbroad, plan), _in(FamilyAbroad.person_id, plan.people)),
        now,
    )
    _erase(session, "drafts", _draft_rows(plan), now)
    _erase(session, "attachments", _attachment_rows(plan), now)
    _erase(session, "consents", _in(Consent.person_id, plan.people), now)
    _erase(session, "relationships", _relationship_rows(plan), now)
    for person_id, birth_date, year in session.execute(
        select(Person.id, Person.birth_date, Person.birth_year_estimate).where(
            _in(Person.id, plan.people)
        )
    ).all():
        _blank(
            session,
            Person,
            Person.id == person_id,
            **_person_stub(birth_date, year),
            anonymised_at=now,
            updated_at=now,
        )
    # Erase.UNLINK: events keep their place in the chain, not their link to the erased
    _blank(session, AuditEvent, _in(AuditEvent.person_id, plan.people), person_id=None)
    _blank(session, AuditEvent, _in(AuditEvent.case_id, plan.cases), case_id=None)
    _erase(
        session,
        "import_keys",
        or_(_in(ImportKey.record_id, plan.people), _in(ImportKey.record_id, plan.cases)),
        now,
    )
    _refresh_search(session, plan)


@internal
def refresh_case_search(session: Session, case_ids: Sequence[uuid.UUID]) -> None:
    """Rewrite the case search index lines (they hold client names) of ``case_ids``."""
    if not case_ids:
        return
    for ids in _chunks(sorted(case_ids)):
        marks = ",".join(f":c{i}" for i in range(len(ids)))
        params = {f"c{i}": c.hex for i, c in enumerate(ids)}
        search.refresh_cases(session, f"c.id IN ({marks})", params)


def _refresh_search(session: Session, plan: Plan) -> None:
    cases = set(plan.cases)
    for ids in _chunks(list(plan.people)):
        cases.update(
            row[0] for row in session.execute(select(Case.id).where(_in(Case.client_id, ids)))
        )
    refresh_case_search(session, sorted(cases))


@dataclass(frozen=True)
class Mention:
    """The subject's name inside another record's free text."""

    table: str
    record_id: uuid.UUID
    column: str


@internal
def find_mentions(session: Session, given: str, family: str, plan: Plan) -> list[Mention]:
    """Where the name ``given family`` appears in records outside ``plan``."""
    pattern = name_match.name_pattern(given, family)
    if pattern is None:
        return []
    needle = search.contains_pattern(family.split()[0] if family.split() else family)
    found = []
    for model, columns in FREE_TEXT:
        for column in columns:
            attr = getattr(model, column)
            rows = session.execute(
                select(model.id, attr).where(search.folded(attr).like(needle, escape="\\"))
            ).all()
            for record_id, text in rows:
                if name_match.mentions(text, pattern) and not _in_plan(
                    session, model, record_id, plan
                ):
                    found.append(Mention(model.__tablename__, record_id, column))
    return found


def _in_plan(session: Session, model: type[Any], record_id: uuid.UUID, plan: Plan) -> bool:
    """Records that :func:`apply` already empties need no redaction."""
    if model is Person:
        return record_id in plan.people
    if model is Case:
        return record_id in plan.cases
    if model is Relationship:
        row = session.get(Relationship, record_id)
        return row is not None and (
            row.person_id in plan.people or row.related_person_id in plan.people
        )
    if model is Consent:
        row_c = session.get(Consent, record_id)
        return row_c is not None and row_c.person_id in plan.people
    if model is Draft:
        row_d = session.get(Draft, record_id)
        return row_d is not None and (row_d.case_id in plan.cases or row_d.person_id in plan.people)
    case_id = getattr(session.get(model, record_id), "case_id", None)
    return case_id is not None and case_id in plan.cases


@internal
def redact_mentions(session: Session, mentions: Sequence[Mention], given: str, family: str) -> int:
    pattern = name_match.name_pattern(given, family)
    if pattern is None:
        return 0
    models = {model.__tablename__: model for model, _columns in FREE_TEXT}
    total = 0
    for mention in mentions:
        model = models[mention.table]
        text = session.scalar(
            select(getattr(model, mention.column)).where(model.id == mention.record_id)
        )
        if not text:
            continue
        redacted, n = name_match.redact(text, [pattern])
        if n:
            _blank(session, model, model.id == mention.record_id, **{mention.column: redacted})
            total += n
    return total


@internal
def record_receipt(
    session: Session, ctx: ServiceContext, action: str, counts: dict[str, int]
) -> ErasureReceipt:
    actor = ctx.require_actor()
    receipt = ErasureReceipt(
        occurred_at=utcnow(),
        user_id=actor.id,
        action=action,
        counts=json.dumps(dict(sorted(counts.items()))),
        created_by=actor.id,
    )
    session.add(receipt)
    session.flush()
    return receipt


@internal
def purge_free_pages(ctx: ServiceContext) -> None:
    """Rewrite the stored data so removed rows leave no bytes behind (the file and its WAL
    on a laptop, the tables on a server: see
    :meth:`~app.store.adapters.Adapter.purge_free_pages`)."""
    with ctx.exclusive:  # not beside a backup copy's read transaction
        keys = KeyHolder(ctx.data_key())
        try:
            adapter(ctx.engine).purge_free_pages(ctx.engine, ctx.paths.location, keys)
        finally:
            keys.forget()
