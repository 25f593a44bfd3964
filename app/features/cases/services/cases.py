"""Cases: open, read, edit and move through the workflow (lists of cases: :mod:`case_list`).

References are ``HW-<year>-<number>``: the year the case was opened and a number that counts
up within that year (four digits, more when a year passes 9,999 cases), taken from the
year's counter row (:func:`take_reference_numbers`). The pair is unique in the database as
well, so two writers can never hand out the same reference.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session, aliased

from app.features.cases.services.recent_views import record_case_view
from app.features.release.services.release_plans import reschedule_plan
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.field_labels import CASE_FORM
from app.kernel.i18n import _
from app.kernel.records import restricted_fields
from app.models import Case, Institution, Person, User, utcnow
from app.models.enums import (
    CaseKind,
    CaseStatus,
    CloseReason,
    CustodyStatus,
    OffenceCategory,
    Priority,
    ReferralSource,
)
from app.security.permissions import Permission, internal, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log, log_on_cursor
from app.services.context import Actor, ServiceContext
from app.services.edits import merge_edit
from app.services.scope import reader_params, visible_cases_prepared
from app.store import search
from app.store.prepared import Prepared, param
from app.store.uow import session_cursor, write_cursor

REFERENCE_PREFIX = "HW"

#: The case workflow (DESIGN.md §3): referral → open → active → on_hold → closed.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.REFERRAL: frozenset({CaseStatus.OPEN, CaseStatus.CLOSED}),
    CaseStatus.OPEN: frozenset({CaseStatus.ACTIVE, CaseStatus.ON_HOLD, CaseStatus.CLOSED}),
    CaseStatus.ACTIVE: frozenset({CaseStatus.ON_HOLD, CaseStatus.CLOSED}),
    CaseStatus.ON_HOLD: frozenset({CaseStatus.ACTIVE, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),
}


@pure
def format_reference(year: int, seq: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{seq:04d}"


#: Raise a year's counter by ``count`` (making it when the year has none) and give its new
#: value: one statement, the same on both engines, so no second writer reads the old value.
_TAKE_NUMBERS = text(
    "INSERT INTO case_reference_counters (year, last_seq) VALUES (:year, :count) "
    "ON CONFLICT (year) DO UPDATE "
    "SET last_seq = case_reference_counters.last_seq + excluded.last_seq "
    "RETURNING last_seq"
)

#: Bring every counter up to the highest number its year's cases hold (never down).
_CATCH_UP = text(
    "INSERT INTO case_reference_counters (year, last_seq) "
    "SELECT reference_year, max(reference_seq) FROM cases WHERE true GROUP BY reference_year "
    "ON CONFLICT (year) DO UPDATE SET last_seq = CASE "
    "WHEN excluded.last_seq > case_reference_counters.last_seq THEN excluded.last_seq "
    "ELSE case_reference_counters.last_seq END"
)


@internal
def take_reference_numbers(db: Session | Connection, year: int, count: int = 1) -> int:
    """Take the next ``count`` reference numbers of ``year`` in ``db``'s transaction and give
    the last: the numbers are ``last - count + 1`` to ``last``. A number taken is never taken
    again, even if its case is erased; a rolled-back transaction gives its numbers back."""
    if count < 1:
        raise ValueError("take at least one reference number")
    return int(db.execute(_TAKE_NUMBERS, {"year": year, "count": count}).scalar_one())


@internal
def catch_up_reference_counters(db: Session | Connection) -> None:
    """After cases were written with their numbers already chosen (the demo): make each
    year's counter at least the highest number in use, so the next case gets the one after."""
    db.execute(_CATCH_UP)


@dataclass(frozen=True)
class CaseInput:
    kind: CaseKind
    client_id: uuid.UUID
    opened_on: date
    worker_id: uuid.UUID | None = None
    volunteer_id: uuid.UUID | None = None
    institution_id: uuid.UUID | None = None
    priority: Priority = Priority.NORMAL
    referral_source: ReferralSource | None = None
    custody_status: CustodyStatus | None = None
    sentence_start: date | None = None
    expected_release: date | None = None
    actual_release: date | None = None
    offence_category: OffenceCategory | None = None
    summary: str | None = None


@dataclass(frozen=True, kw_only=True)
class CaseView(CaseInput):
    id: uuid.UUID
    reference: str
    status: CaseStatus
    closed_on: date | None
    close_reason: CloseReason | None
    client_name: str
    worker_name: str | None
    volunteer_name: str | None
    institution_name: str | None
    last_activity_at: datetime
    created_at: datetime
    updated_at: datetime
    #: True when restricted fields were left out because of the reader's role.
    restricted_hidden: bool = False


#: Left out for volunteers (DESIGN.md §4): the offence (GDPR Art. 10) and staff's summary.
RESTRICTED_CASE_FIELDS = restricted_fields("cases")  # hidden from volunteers


_INPUT_FIELDS = tuple(f.name for f in fields(CaseInput))


@pure
def validate_case(data: CaseInput, today: date | None = None) -> None:
    today = today or date.today()
    errors = v.Errors()
    errors.add(
        "opened_on",
        v.not_future(data.opened_on, today, _("A case cannot be opened in the future.")),
    )
    if (
        data.sentence_start
        and data.expected_release
        and data.expected_release < data.sentence_start
    ):
        errors.add("expected_release", _("The expected release is before the sentence starts."))
    if data.sentence_start and data.actual_release and data.actual_release < data.sentence_start:
        errors.add("actual_release", _("The release date is before the sentence starts."))
    errors.add(
        "actual_release",
        v.not_future(
            data.actual_release,
            today,
            _("The release date is in the future; use the expected release for that."),
        ),
    )
    if data.custody_status == CustodyStatus.RELEASED and data.actual_release is None:
        errors.add("actual_release", _("Enter the release date for a released client."))
    errors.add("summary", v.text_limit(data.summary))
    if errors:
        raise ValidationError(errors)


def _check_links(session: Session, data: CaseInput) -> None:
    errors = v.Errors()
    if session.get(Person, data.client_id) is None:
        errors.add("client_id", _("Choose the client from the list of people."))
    for name in ("worker_id", "volunteer_id"):
        user_id = getattr(data, name)
        if user_id is not None:
            user = session.get(User, user_id)
            if user is None or not user.active:
                errors.add(name, _("Choose an active member of staff."))
    if data.institution_id is not None and session.get(Institution, data.institution_id) is None:
        errors.add("institution_id", _("Choose an institution from the list."))
    if errors:
        raise ValidationError(errors)


#: The case's own columns that a view shows, in the order :func:`_view_prepared` reads them.
_VIEW_COLUMNS = (
    *_INPUT_FIELDS,
    "id",
    "reference",
    "status",
    "closed_on",
    "close_reason",
    "last_activity_at",
    "created_at",
    "updated_at",
)


@cache
def _view_prepared(volunteer: bool) -> Prepared:
    worker = aliased(User)
    volunteer_user = aliased(User)
    return Prepared(
        select(
            *(getattr(Case, name) for name in _VIEW_COLUMNS),
            Person.given_name,
            Person.family_name,
            worker.display_name,
            volunteer_user.display_name,
            Institution.name,
        )
        .join(Person, Person.id == Case.client_id)
        .outerjoin(worker, worker.id == Case.worker_id)
        .outerjoin(volunteer_user, volunteer_user.id == Case.volunteer_id)
        .outerjoin(Institution, Institution.id == Case.institution_id)
        .where(Case.id == param("case"), visible_cases_prepared(volunteer))
    )


@internal
def case_view(cursor: Any, reader: Actor, case_id: uuid.UUID) -> CaseView:
    """The case as ``reader`` may see it, read on a bare cursor (a read or write cursor of
    :mod:`app.store.uow`, or :func:`~app.store.uow.session_cursor` inside a unit of work);
    :class:`NotFoundError` if it is gone or not theirs to see."""
    rows = _view_prepared(reader.is_volunteer).rows(
        cursor, {"case": case_id, **reader_params(reader)}
    )
    if not rows:
        raise NotFoundError(_("That case no longer exists."))
    row = rows[0]
    values = dict(zip(_VIEW_COLUMNS, row, strict=False))
    given, family, worker_name, volunteer_name, institution_name = row[len(_VIEW_COLUMNS) :]
    hidden = reader.is_volunteer
    if hidden:
        for name in RESTRICTED_CASE_FIELDS:
            values[name] = None
    return CaseView(
        **values,
        restricted_hidden=hidden,
        client_name=f"{given} {family}",
        worker_name=worker_name,
        volunteer_name=volunteer_name,
        institution_name=institution_name,
    )


def _load_view(session: Session, case_id: uuid.UUID, reader: Actor) -> CaseView:
    """:func:`case_view` inside a unit of work (after its changes)."""
    with session_cursor(session) as cursor:
        return case_view(cursor, reader, case_id)


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def open_case(ctx: ServiceContext, data: CaseInput) -> CaseView:
    """Create a case with the next reference of its opening year, in status ``referral``."""
    validate_case(data)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        _check_links(session, data)
        year = data.opened_on.year
        seq = take_reference_numbers(session, year)
        values = {name: getattr(data, name) for name in _INPUT_FIELDS}
        values["summary"] = v.clean(data.summary)
        case = Case(
            **values,
            reference=format_reference(year, seq),
            reference_year=year,
            reference_seq=seq,
            status=CaseStatus.REFERRAL,
            last_activity_at=utcnow(),
            created_by=actor.id,
        )
        session.add(case)
        session.flush()
        search.refresh_cases(session, "c.id = :id", {"id": case.id.hex})
        filled = [name for name, value in values.items() if value is not None]
        log(
            uow,
            ctx,
            AuditAction.CREATE,
            entity_type="case",
            entity_id=case.id,
            fields=[*filled, "reference", "status"],
            case_id=case.id,
            person_id=case.client_id,
        )
        view = _load_view(session, case.id, actor)
        uow.commit()
        return view


@requires(Permission.CASE_READ)
def get_case(ctx: ServiceContext, case_id: uuid.UUID) -> CaseView:
    """The case, as the signed-in user may see it; the view is audited and goes on their
    list of recent cases."""
    actor = ctx.require_actor()
    with write_cursor(ctx.engine) as cursor:
        view = case_view(cursor, actor, case_id)
        record_view(ctx, cursor, view)
        return view


@internal
def record_view(ctx: ServiceContext, cursor: Any, view: CaseView) -> None:
    """Audit that the signed-in user read the case, and put it on their recent list, in the
    write transaction of ``cursor``."""
    record_case_view(ctx, view.id, cursor=cursor)
    log_on_cursor(
        cursor,
        ctx,
        AuditAction.VIEW_CASE,
        entity_type="case",
        entity_id=view.id,
        case_id=view.id,
        person_id=view.client_id,
    )


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def update_case(
    ctx: ServiceContext, case_id: uuid.UUID, data: CaseInput, *, base: CaseView | None = None
) -> CaseView:
    """Replace the editable fields (not status or reference; see :func:`change_status`).

    ``base``: the case as the form showed it when it opened; a field someone else changed
    since is kept, or raises :class:`~app.kernel.errors.EditConflict` if this edit changes it
    too (:mod:`app.services.edits`)."""
    validate_case(data)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = session.get(Case, case_id)
        if case is None:
            raise NotFoundError(_("That case no longer exists."))
        if data.kind != case.kind:
            raise ValidationError({"kind": _("The kind of a case cannot change; open a new case.")})
        _check_links(session, data)
        typed = {name: getattr(data, name) for name in _INPUT_FIELDS}
        typed["summary"] = v.clean(data.summary)
        merged = merge_edit(
            session,
            case,
            base=base,
            typed=typed,
            table="cases",
            entity_type="case",
            current=lambda: _load_view(session, case_id, actor),
            labels=CASE_FORM,
        )
        changed = []
        for name in _INPUT_FIELDS:
            value = merged[name]
            if getattr(case, name) != value:
                setattr(case, name, value)
                changed.append(name)
        if changed:
            case.last_activity_at = utcnow()
            session.flush()
            search.refresh_cases(session, "c.id = :id", {"id": case.id.hex})
            log(
                uow,
                ctx,
                AuditAction.UPDATE,
                entity_type="case",
                entity_id=case.id,
                fields=changed,
                case_id=case.id,
                person_id=case.client_id,
            )
            if "expected_release" in changed and case.expected_release is not None:
                # the release plan's open tasks move with the date, in this same transaction
                reschedule_plan(uow, ctx, case, case.expected_release)
        session.flush()
        view = _load_view(session, case.id, actor)
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def change_status(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    status: CaseStatus,
    *,
    close_reason: CloseReason | None = None,
    closed_on: date | None = None,
) -> CaseView:
    """Move a case along the workflow. Closing needs a reason; reopening clears it."""
    actor = ctx.require_actor()
    today = date.today()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = session.get(Case, case_id)
        if case is None:
            raise NotFoundError(_("That case no longer exists."))
        if status == case.status:
            return _load_view(session, case_id, actor)
        if status not in TRANSITIONS[case.status]:
            raise ValidationError(
                {"status": _("A case cannot go straight from this status to that one.")}
            )
        if status == CaseStatus.CLOSED:
            errors = v.Errors()
            if close_reason is None:
                errors.add("close_reason", _("Choose why the case is being closed."))
            closed = closed_on or today
            errors.add(
                "closed_on", v.not_future(closed, today, _("The closing date is in the future."))
            )
            if closed < case.opened_on:
                errors.add("closed_on", _("The closing date is before the case was opened."))
            if errors:
                raise ValidationError(errors)
            case.closed_on = closed
            case.close_reason = close_reason
        else:
            case.closed_on = None
            case.close_reason = None
        case.status = status
        case.last_activity_at = utcnow()
        log(
            uow,
            ctx,
            AuditAction.UPDATE,
            entity_type="case",
            entity_id=case.id,
            fields=["status", "closed_on", "close_reason"],
            case_id=case.id,
            person_id=case.client_id,
        )
        session.flush()
        view = _load_view(session, case_id, actor)
        uow.commit()
        return view
