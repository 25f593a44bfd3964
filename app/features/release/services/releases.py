"""Who is released soon, with how much of their plan done, and who mentors them.

* :func:`upcoming_releases` — every release-support client expected out in the next 90 days
  (scoped: a volunteer sees their own), with plan progress, so nobody walks out of the gate
  without a plan.
* Mentor matching: :func:`assign_mentor` puts a volunteer on a case (they then see it on
  their Today page); :func:`volunteer_capacity` shows each volunteer's load against the
  capacity a coordinator set; :func:`clients_without_mentor` lists who still needs one.

A volunteer's *load* is the number of their cases that are not closed. Assigning beyond the
capacity is refused with a clear message unless the caller says it is on purpose
(``allow_over_capacity``): a coordinator may know the volunteer agreed to one more.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.features.cases.services.case_access import touch, visible_case
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _, ngettext
from app.models import Case, Person, ReleasePlan, Task, User
from app.models.enums import CaseKind, CaseStatus, CustodyStatus, Role
from app.security.permissions import Permission, internal, requires
from app.services.audit_log import AuditAction, log
from app.services.context import Actor, ServiceContext
from app.services.scope import visible_cases_clause

UPCOMING_DAYS = 90
MAX_ROWS = 2_000
#: Out of custody already: not an upcoming release any more.
_OUT = (CustodyStatus.RELEASED.value, CustodyStatus.TRANSFERRED.value, CustodyStatus.DEPORTED.value)


@dataclass(frozen=True)
class UpcomingRelease:
    case_id: uuid.UUID
    reference: str
    client_name: str
    expected_release: date | None
    actual_release: date | None
    #: Days from today to the expected release (negative once it has passed).
    days_left: int | None
    has_plan: bool
    plan_done: int
    plan_total: int
    mentor_name: str | None
    worker_name: str | None


@dataclass(frozen=True)
class VolunteerLoad:
    user_id: uuid.UUID
    name: str
    #: ``None``: no capacity set (no limit is enforced).
    capacity: int | None
    #: Cases (not closed) the volunteer is assigned to.
    load: int

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.load)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.load >= self.capacity


@cache  # built once (statements are immutable): new aliases on every call cost ~1 ms
def _release_stmt() -> Select[Any]:
    """Columns of :class:`UpcomingRelease`, with plan progress summed per plan."""
    worker, mentor = aliased(User), aliased(User)
    progress = (
        select(
            Task.plan_id.label("plan_id"),
            func.count().label("total"),
            func.sum(case((Task.done.is_(True), 1), else_=0)).label("done"),
        )
        .where(Task.plan_id.is_not(None))
        .group_by(Task.plan_id)
        .subquery()
    )
    return (
        select(
            Case.id,
            Case.reference,
            Person.given_name,
            Person.family_name,
            Case.expected_release,
            Case.actual_release,
            ReleasePlan.id,
            progress.c.done,
            progress.c.total,
            mentor.display_name,
            worker.display_name,
        )
        .join(Person, Person.id == Case.client_id)
        .outerjoin(ReleasePlan, ReleasePlan.case_id == Case.id)
        .outerjoin(progress, progress.c.plan_id == ReleasePlan.id)
        .outerjoin(mentor, mentor.id == Case.volunteer_id)
        .outerjoin(worker, worker.id == Case.worker_id)
        .where(Case.kind == CaseKind.RELEASE_SUPPORT, Case.status != CaseStatus.CLOSED)
    )


def _rows(session: Session, stmt: Select[Any], today: date) -> list[UpcomingRelease]:
    return [
        UpcomingRelease(
            case_id=r[0],
            reference=r[1],
            client_name=f"{r[2]} {r[3]}",
            expected_release=r[4],
            actual_release=r[5],
            days_left=None if r[4] is None else (r[4] - today).days,
            has_plan=r[6] is not None,
            plan_done=int(r[7] or 0),
            plan_total=int(r[8] or 0),
            mentor_name=r[9],
            worker_name=r[10],
        )
        for r in session.execute(stmt)
    ]


def _not_out() -> ColumnElement[bool]:
    return or_(Case.custody_status.is_(None), Case.custody_status.not_in(_OUT))


@internal
def release_rows(
    session: Session, reader: Actor, today: date, *, days: int = UPCOMING_DAYS, mine: bool = False
) -> list[UpcomingRelease]:
    """Open release-support cases expected out between today and ``days`` from now, soonest
    first; with ``mine``, only the reader's own cases (as worker or mentor)."""
    stmt = _release_stmt().where(
        Case.expected_release >= today,
        Case.expected_release <= today + timedelta(days=max(0, days)),
        Case.actual_release.is_(None),
        _not_out(),
        visible_cases_clause(reader),
    )
    if mine:
        stmt = stmt.where(or_(Case.worker_id == reader.id, Case.volunteer_id == reader.id))
    stmt = stmt.order_by(Case.expected_release, Case.reference).limit(MAX_ROWS)
    return _rows(session, stmt, today)


@internal
def mentee_rows(session: Session, reader: Actor, today: date) -> list[UpcomingRelease]:
    """Every open release-support case the reader mentors, before or after release: what a
    volunteer sees on their Today page, soonest release first."""
    stmt = (
        _release_stmt()
        .where(Case.volunteer_id == reader.id, visible_cases_clause(reader))
        .order_by(Case.expected_release.asc().nulls_last(), Case.reference)
        .limit(MAX_ROWS)
    )
    return _rows(session, stmt, today)


@requires(Permission.CASE_READ)
def upcoming_releases(
    ctx: ServiceContext, days: int = UPCOMING_DAYS, today: date | None = None
) -> list[UpcomingRelease]:
    """Release-support clients expected out in the next ``days`` days, soonest first, with
    their plan progress and mentor. Staff see everyone's; a volunteer their own."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        return release_rows(uow.session, actor, today or date.today(), days=days)


@requires(Permission.ADMIN)
def clients_without_mentor(
    ctx: ServiceContext, within_days: int = 180, today: date | None = None
) -> list[UpcomingRelease]:
    """Release-support clients expected out within ``within_days`` who have no mentor yet."""
    actor = ctx.require_actor()
    day = today or date.today()
    with ctx.uow() as uow:
        rows = release_rows(uow.session, actor, day, days=within_days)
    return [r for r in rows if r.mentor_name is None]


def _loads(session: Session) -> dict[uuid.UUID, int]:
    stmt = (
        select(Case.volunteer_id, func.count())
        .where(Case.volunteer_id.is_not(None), Case.status != CaseStatus.CLOSED)
        .group_by(Case.volunteer_id)
    )
    return {user_id: int(n) for user_id, n in session.execute(stmt) if user_id is not None}


@requires(Permission.CASE_WRITE)
def volunteer_capacity(ctx: ServiceContext) -> list[VolunteerLoad]:
    """Active volunteers with their load and capacity, those with room first.

    Staff, not only coordinators: a social worker matching a mentor needs to see who has room.
    """
    with ctx.uow() as uow:
        session = uow.session
        loads = _loads(session)
        volunteers = session.scalars(
            select(User).where(User.role == Role.VOLUNTEER, User.active.is_(True))
        )
        rows = [
            VolunteerLoad(u.id, u.display_name, u.mentor_capacity, loads.get(u.id, 0))
            for u in volunteers
        ]
    return sorted(rows, key=lambda r: (r.full, r.name.casefold()))


@requires(Permission.ADMIN)
@writes(Topic.RELEASES)
def set_mentor_capacity(
    ctx: ServiceContext, user_id: uuid.UUID, capacity: int | None
) -> VolunteerLoad:
    """How many clients a volunteer can mentor at once (``None``: not set)."""
    if capacity is not None and not 0 <= capacity <= 50:
        raise ValidationError({"capacity": _("Enter a number from 0 to 50.")})
    with ctx.uow(write=True) as uow:
        session = uow.session
        user = session.get(User, user_id)
        if user is None:
            raise NotFoundError(_("That user no longer exists."))
        if user.role != Role.VOLUNTEER:
            raise ValidationError({"capacity": _("Only volunteers mentor clients.")})
        if user.mentor_capacity != capacity:
            user.mentor_capacity = capacity
            log(
                uow,
                ctx,
                AuditAction.UPDATE,
                entity_type="user",
                entity_id=user.id,
                fields=["mentor_capacity"],
            )
        view = VolunteerLoad(user.id, user.display_name, capacity, _loads(session).get(user.id, 0))
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.RELEASES)
def assign_mentor(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    volunteer_id: uuid.UUID | None,
    *,
    allow_over_capacity: bool = False,
) -> VolunteerLoad | None:
    """Make an active volunteer the case's mentor (``None``: no mentor). A volunteer at their
    capacity is refused unless ``allow_over_capacity``. Returns the volunteer's new load."""
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case_ = visible_case(session, actor, case_id)
        if case_.status == CaseStatus.CLOSED:
            raise ValidationError({"volunteer_id": _("The case is closed.")})
        result = None
        if volunteer_id is not None:
            user = session.get(User, volunteer_id)
            if user is None or not user.active or user.role != Role.VOLUNTEER:
                raise ValidationError({"volunteer_id": _("Choose an active volunteer.")})
            load = _loads(session).get(user.id, 0)
            if case_.volunteer_id == user.id:
                load -= 1  # already theirs: not an extra client
            capacity = user.mentor_capacity
            if capacity is not None and load >= capacity and not allow_over_capacity:
                raise ValidationError(
                    {
                        "volunteer_id": ngettext(
                            "This volunteer is at capacity ({n} client). Choose another, "
                            "or confirm that they agreed to one more.",
                            "This volunteer is at capacity ({n} clients). Choose another, "
                            "or confirm that they agreed to one more.",
                            capacity,
                        ).format(n=capacity)
                    }
                )
            result = VolunteerLoad(user.id, user.display_name, capacity, load + 1)
        if case_.volunteer_id != volunteer_id:
            case_.volunteer_id = volunteer_id
            touch(case_)
            log(
                uow,
                ctx,
                AuditAction.UPDATE,
                entity_type="case",
                entity_id=case_.id,
                fields=["volunteer_id"],
                case_id=case_.id,
                person_id=case_.client_id,
            )
        uow.commit()
        return result
