"""Committing an import (see :mod:`app.features.importing.services.importing`): the matching keys of what the
database already holds, and one batch of checked rows written in the caller's transaction
with its import keys, batch record and audit events.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.features.cases.services.cases import (
    CaseInput,
    format_reference,
    take_reference_numbers,
)
from app.features.people.services.people import PersonInput, _row_values
from app.features.privacy.services.anonymise import refresh_case_search
from app.models import Case, ImportBatch, ImportKey, Person, utcnow
from app.models.enums import CaseKind, CaseStatus
from app.security import audit
from app.security.permissions import internal, pure
from app.services.audit_log import AuditAction, log_many
from app.services.context import ServiceContext
from app.store.search import fold
from app.store.uow import UnitOfWork


@dataclass(frozen=True)
class ImportRow:
    """One spreadsheet row, read and checked: the person, the case if any, their keys."""

    number: int
    person: PersonInput
    person_key: str
    case: CaseInput | None  # client_id filled in at commit
    case_status: CaseStatus
    case_closed_on: date | None
    case_close_reason: object
    case_key: str | None


@pure
def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@pure
def natural_key(given: str, family: str, born: date | None, year: int | None) -> str:
    birth = born.isoformat() if born else (str(year) if year else "")
    return digest("name", fold(given).strip(), fold(family).strip(), birth)


def _existing_people(session: Session) -> dict[str, uuid.UUID]:
    """Matching keys of everyone in Homeward (by import key and by name and birth date)."""
    known: dict[str, uuid.UUID] = {}
    for pid, given, family, born, year in session.execute(
        select(
            Person.id,
            Person.given_name,
            Person.family_name,
            Person.birth_date,
            Person.birth_year_estimate,
        ).where(Person.anonymised_at.is_(None))
    ):
        known.setdefault(natural_key(given, family, born, year), pid)
    for key, record in session.execute(
        select(ImportKey.key, ImportKey.record_id).where(ImportKey.kind == "person")
    ):
        known[key] = record
    return known


def _existing_cases(session: Session) -> dict[str, uuid.UUID]:
    return dict(
        session.execute(
            select(ImportKey.key, ImportKey.record_id).where(ImportKey.kind == "case")
        ).all()
    )


@dataclass
class ImportState:
    """What the database already holds, loaded once per run and kept current as batches are
    written (matching assumes one import at a time). Reference numbers are not kept here:
    each batch takes its own from the counters (:func:`_number`), so cases opened meanwhile
    by other writers never collide with them."""

    people: dict[str, uuid.UUID]
    keys: set[str]
    cases: dict[str, uuid.UUID]
    case_index: set[tuple[uuid.UUID, CaseKind, date]]
    seen: set[str]
    people_created: int = 0
    people_matched: int = 0
    cases_created: int = 0
    cases_matched: int = 0

    @classmethod
    def load(cls, session: Session) -> ImportState:
        return cls(
            people=_existing_people(session),
            keys=set(session.scalars(select(ImportKey.key))),
            cases=_existing_cases(session),
            case_index={
                (client, kind, opened)
                for client, kind, opened in session.execute(
                    select(Case.client_id, Case.kind, Case.opened_on)
                )
            },
            seen=set(),
        )


@internal
def commit_batch(
    ctx: ServiceContext,
    uow: UnitOfWork,
    rows: list[ImportRow],
    import_id: str,
    batch_no: int,
    state: ImportState,
) -> None:
    """Write one batch in ``uow``'s transaction (the caller commits)."""
    actor = ctx.require_actor()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}
    new_people: list[dict[str, object]] = []
    new_cases: list[dict[str, object]] = []
    keys: list[dict[str, object]] = []
    events: list[audit.NewAuditEvent] = []
    batch_people = batch_cases = 0

    def remember(key: str, kind: str, record: uuid.UUID) -> None:
        if key not in state.keys:
            state.keys.add(key)
            keys.append(
                {
                    "id": uuid.uuid4(),
                    "key": key,
                    "kind": kind,
                    "record_id": record,
                    "import_id": import_id,
                    "batch_no": batch_no,
                    **stamp,
                }
            )

    for row in rows:
        person_id = state.people.get(row.person_key)
        if person_id is None:
            person_id = uuid.uuid4()
            person = _row_values(row.person)
            new_people.append({**person, "id": person_id, **stamp, "created_by": actor.id})
            filled = [k for k, v in person.items() if v not in (None, "", False)]
            events.append(
                audit.NewAuditEvent(
                    action=AuditAction.CREATE,
                    user_id=actor.id,
                    entity_type="person",
                    entity_id=person_id,
                    fields=filled,
                    person_id=person_id,
                )
            )
            state.people[row.person_key] = person_id
            state.people_created += 1
            batch_people += 1
        elif row.person_key not in state.seen:
            state.people_matched += 1
        state.seen.add(row.person_key)
        remember(row.person_key, "person", person_id)
        if row.case is None or row.case_key is None:
            continue
        index = (person_id, row.case.kind, row.case.opened_on)
        if row.case_key in state.cases or index in state.case_index:
            state.cases_matched += 1
            continue
        case_id = uuid.uuid4()
        data = replace(row.case, client_id=person_id)
        new_cases.append(
            {
                **{name: getattr(data, name) for name in CaseInput.__dataclass_fields__},
                "id": case_id,
                "reference_year": row.case.opened_on.year,  # its number: see _number below
                "status": row.case_status,
                "closed_on": row.case_closed_on,
                "close_reason": row.case_close_reason,
                "last_activity_at": now,
                **stamp,
                "created_by": actor.id,
            }
        )
        state.cases[row.case_key] = case_id
        state.case_index.add(index)
        remember(row.case_key, "case", case_id)
        events.append(
            audit.NewAuditEvent(
                action=AuditAction.CREATE,
                user_id=actor.id,
                entity_type="case",
                entity_id=case_id,
                fields=["kind", "opened_on", "reference", "status"],
                case_id=case_id,
                person_id=person_id,
            )
        )
        state.cases_created += 1
        batch_cases += 1
    session = uow.session
    _number(session, new_cases)
    if new_people:
        session.execute(insert(Person), new_people)
    if new_cases:
        session.execute(insert(Case), new_cases)
        refresh_case_search(session, [uuid.UUID(str(c["id"])) for c in new_cases])
    if keys:
        session.execute(insert(ImportKey), keys)
    session.add(
        ImportBatch(
            import_id=import_id,
            batch_no=batch_no,
            first_row=rows[0].number if rows else 0,
            rows=len(rows),
            people_created=batch_people,
            cases_created=batch_cases,
            created_by=actor.id,
        )
    )
    session.flush()
    log_many(uow, ctx, events)


def _number(session: Session, new_cases: list[dict[str, object]]) -> None:
    """Give the batch's new cases their references, in row order within each opening year:
    one block of numbers per year from the year's counter, in the batch's transaction (so a
    case opened meanwhile by someone else takes the number after the block)."""
    by_year: dict[int, list[dict[str, object]]] = {}
    for case in new_cases:
        by_year.setdefault(int(str(case["reference_year"])), []).append(case)
    for year, in_year in sorted(by_year.items()):
        last = take_reference_numbers(session, year, len(in_year))
        for seq, case in enumerate(in_year, last - len(in_year) + 1):
            case["reference_seq"] = seq
            case["reference"] = format_reference(year, seq)
