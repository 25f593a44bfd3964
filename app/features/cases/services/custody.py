"""Custody history: remand → sentenced → electronic monitoring / leave / parole → released,
transferred or deported, each change recorded with its date.

The case keeps the *current* status (``Case.custody_status``) for lists and the header; the
events are the history. Rules that keep the history believable: a change is not in the
future, not before the previous recorded change, and not the status the client already has.
Recording "released" sets the case's actual release date. Any status may follow any other
(a client on parole can be recalled; a released client can be remanded on a new charge).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.features.cases.services.case_access import choice, sees_restricted, touch, visible_case
from app.kernel.changes import Topic, writes
from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.kernel.i18n_formats import date_text
from app.models import CustodyEvent, User
from app.models.enums import CustodyStatus
from app.security.permissions import Permission, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext


@dataclass(frozen=True)
class CustodyEventView:
    id: uuid.UUID
    case_id: uuid.UUID
    status: CustodyStatus
    on: date
    #: ``None`` with ``notes_hidden`` for volunteers (staff's notes).
    notes: str | None
    recorded_by_name: str | None
    notes_hidden: bool = False


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.RELEASES)
def record_custody_change(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    status: CustodyStatus,
    on: date,
    notes: str | None = None,
    *,
    today: date | None = None,
) -> CustodyEventView:
    """Record that the client's custody status changed to ``status`` on ``on``."""
    status = choice(CustodyStatus, status, "status")
    today = today or date.today()
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        last = session.scalar(
            select(CustodyEvent)
            .where(CustodyEvent.case_id == case.id)
            .order_by(CustodyEvent.on.desc(), CustodyEvent.created_at.desc())
            .limit(1)
        )
        errors = v.Errors()
        errors.add("on", v.not_future(on, today, _("A custody change cannot be in the future.")))
        if last is not None and on < last.on:
            errors.add(
                "on",
                _("The last recorded change was on {date}; this one cannot be earlier.").format(
                    date=date_text(last.on)
                ),
            )
        if last is not None and last.status == status:
            errors.add("status", _("This is already the client's custody status."))
        if (
            status == CustodyStatus.RELEASED
            and case.sentence_start is not None
            and on < case.sentence_start
        ):
            errors.add("on", _("The release date is before the sentence starts."))
        errors.add("notes", v.text_limit(notes))
        if errors:
            raise ValidationError(errors)
        event = CustodyEvent(
            case_id=case.id, status=status, on=on, notes=v.clean(notes), created_by=actor.id
        )
        session.add(event)
        session.flush()
        changed = []
        if case.custody_status != status:
            case.custody_status = status
            changed.append("custody_status")
        if status == CustodyStatus.RELEASED and case.actual_release != on:
            case.actual_release = on
            changed.append("actual_release")
        fields = ["status", "on"] + (["notes"] if event.notes else [])
        log(
            uow,
            ctx,
            AuditAction.CREATE,
            entity_type="custody_event",
            entity_id=event.id,
            fields=fields,
            case_id=case.id,
            person_id=case.client_id,
        )
        if changed:
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
        touch(case)
        view = CustodyEventView(
            event.id, case.id, status, on, event.notes, actor.display_name, notes_hidden=False
        )
        uow.commit()
        return view


@requires(Permission.CASE_READ)
def custody_history(ctx: ServiceContext, case_id: uuid.UUID) -> list[CustodyEventView]:
    """The case's custody changes, oldest first. Volunteers do not get staff's notes."""
    actor = ctx.require_actor()
    hidden = not sees_restricted(actor)
    with ctx.uow() as uow:
        session = uow.session
        visible_case(session, actor, case_id)
        rows = session.execute(
            select(CustodyEvent, User.display_name)
            .outerjoin(User, User.id == CustodyEvent.created_by)
            .where(CustodyEvent.case_id == case_id)
            .order_by(CustodyEvent.on, CustodyEvent.created_at, CustodyEvent.id)
        ).all()
        return [
            CustodyEventView(
                e.id,
                e.case_id,
                e.status,
                e.on,
                None if hidden else e.notes,
                name,
                notes_hidden=hidden,
            )
            for e, name in rows
        ]
