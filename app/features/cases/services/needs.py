"""A case's needs: what the client needs help with, and whether it has been met.

Health, mental health and substance use are health data (restricted, DESIGN.md §4):
volunteers never receive those needs at all, not even as a row with the domain blanked.
They see the other needs' domains, statuses and dates, but not the notes staff wrote.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.features.cases.services.case_access import (
    add_record,
    audit_record,
    choice,
    filled,
    record_in_case,
    sees_restricted,
    touch,
    visible_case,
)
from app.kernel.changes import Topic, writes
from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.models import Case, Need
from app.models.enums import RESTRICTED_NEED_DOMAINS, NeedDomain, NeedStatus
from app.security.permissions import Permission, internal, requires
from app.services import validation as v
from app.services.audit_log import AuditAction
from app.services.context import Actor, ServiceContext
from app.services.edits import merge_edit
from app.services.scope import readable_case
from app.store.prepared import Prepared, param
from app.store.uow import read_cursor


@dataclass(frozen=True)
class NeedView:
    id: uuid.UUID
    case_id: uuid.UUID
    domain: NeedDomain
    status: NeedStatus
    identified_on: date
    met_on: date | None
    #: ``None`` with ``notes_hidden`` for volunteers (staff's notes).
    notes: str | None
    notes_hidden: bool = False


class _NeedRow(NamedTuple):
    """The columns of a need that a view shows, read without the ORM."""

    id: uuid.UUID
    case_id: uuid.UUID
    domain: NeedDomain
    status: NeedStatus
    identified_on: date
    met_on: date | None
    notes: str | None


_COLUMNS = tuple(getattr(Need, name) for name in _NeedRow._fields)


def _view(need: Need | _NeedRow, reader: Actor) -> NeedView:
    hidden = not sees_restricted(reader)
    return NeedView(
        id=need.id,
        case_id=need.case_id,
        domain=need.domain,
        status=need.status,
        identified_on=need.identified_on,
        met_on=need.met_on,
        notes=None if hidden else need.notes,
        notes_hidden=hidden,
    )


def _need(session: Session, reader: Actor, need_id: uuid.UUID) -> tuple[Need, Case]:
    return record_in_case(session, reader, Need, need_id, _("That need no longer exists."))


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def add_need(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    domain: NeedDomain,
    identified_on: date | None = None,
    notes: str | None = None,
) -> NeedView:
    """A new need, status "identified", identified today unless another day is given."""
    domain = choice(NeedDomain, domain, "domain")
    today = date.today()
    identified = identified_on or today
    errors = v.Errors()
    errors.add(
        "identified_on",
        v.not_future(identified, today, _("The need cannot be identified in the future.")),
    )
    errors.add("notes", v.text_limit(notes))
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        need = Need(
            case_id=case.id,
            domain=domain,
            status=NeedStatus.IDENTIFIED,
            identified_on=identified,
            notes=v.clean(notes),
            created_by=actor.id,
        )
        fields = ["domain", "status", "identified_on", *filled(need, ("notes",))]
        add_record(uow, ctx, case, need, "need", fields)
        view = _view(need, actor)
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def set_need_status(
    ctx: ServiceContext, need_id: uuid.UUID, status: NeedStatus, on: date | None = None
) -> NeedView:
    """Move a need to ``status``. "Met" records the day (``on``, or today); leaving "met"
    clears it. ``on`` is ignored for other statuses."""
    status = choice(NeedStatus, status, "status")
    today = date.today()
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        need, case = _need(session, actor, need_id)
        met_on = (on or today) if status == NeedStatus.MET else None
        if met_on is not None:
            errors = v.Errors()
            errors.add(
                "on", v.not_future(met_on, today, _("The need cannot be met in the future."))
            )
            if met_on < need.identified_on:
                errors.add("on", _("The need cannot be met before it was identified."))
            if errors:
                raise ValidationError(errors)
        changed = [
            name
            for name, value in (("status", status), ("met_on", met_on))
            if getattr(need, name) != value
        ]
        if changed:
            need.status = status
            need.met_on = met_on
            audit_record(uow, ctx, AuditAction.UPDATE, "need", need.id, case, changed)
            touch(case)
        view = _view(need, actor)
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
def update_need_notes(
    ctx: ServiceContext, need_id: uuid.UUID, notes: str | None, *, base: NeedView | None = None
) -> NeedView:
    """Replace the need's notes. ``base``: the need as the form showed it; notes someone else
    changed since raise :class:`~app.kernel.errors.EditConflict` (:mod:`app.services.edits`)."""
    error = v.text_limit(notes)
    if error:
        raise ValidationError({"notes": error})
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        need, case = _need(uow.session, actor, need_id)
        cleaned = merge_edit(
            uow.session,
            need,
            base=base,
            typed={"notes": v.clean(notes)},
            table="needs",
            entity_type="need",
            current=lambda: _view(need, actor),
        )["notes"]
        if need.notes != cleaned:
            need.notes = cleaned
            audit_record(uow, ctx, AuditAction.UPDATE, "need", need.id, case, ["notes"])
            touch(case)
        view = _view(need, actor)
        uow.commit()
        return view


@requires(Permission.CASE_READ)
def list_case_needs(ctx: ServiceContext, case_id: uuid.UUID) -> list[NeedView]:
    """A case's needs in the order they were identified. Volunteers: no health needs."""
    actor = ctx.require_actor()
    with read_cursor(ctx.engine) as cursor:
        readable_case(cursor, actor, case_id)
        return case_needs(cursor, actor, case_id)


@cache
def _case_needs(restricted: bool) -> Prepared:
    stmt = select(*_COLUMNS).where(Need.case_id == param("case"))
    if not restricted:
        stmt = stmt.where(Need.domain.not_in(sorted(RESTRICTED_NEED_DOMAINS)))
    return Prepared(stmt.order_by(Need.identified_on, Need.created_at, Need.id))


@internal
def case_needs(cursor: Any, reader: Actor, case_id: uuid.UUID) -> list[NeedView]:
    """:func:`list_case_needs` on a read cursor, once the caller knows ``reader`` may see
    the case (:func:`~app.services.scope.readable_case`)."""
    restricted = sees_restricted(reader)
    rows = _case_needs(restricted).rows(cursor, {"case": case_id})
    return [_view(_NeedRow(*r), reader) for r in rows]
