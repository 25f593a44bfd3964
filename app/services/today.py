"""The Today page: my tasks due today, overdue and coming up, my meetings this week, and
the cases I opened recently.

Recently opened cases live in the encrypted ``recent_views`` table, never in QSettings
(STYLE.md, convention 8): :func:`record_case_view` keeps the latest 30 per user.

``app.services.cases`` is imported inside the functions, not at the top: ``cases.get_case``
calls :func:`record_case_view`, and a top-level import both ways would be a cycle.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from app.models import Case, RecentView, utcnow
from app.security.permissions import Permission, internal, requires
from app.services.context import ServiceContext
from app.services.meetings import MeetingRow, meeting_rows
from app.services.releases import UpcomingRelease, mentee_rows, release_rows
from app.services.scope import readable_case, visible_cases_clause
from app.services.tasks import TaskView, open_tasks_of
from app.store.prepared import stored
from app.store.uow import write_cursor

if TYPE_CHECKING:
    from app.services.cases import CaseRow

RECENT_KEPT = 30
RECENT_SHOWN = 10
UPCOMING_DAYS = 7


@dataclass(frozen=True)
class TodayView:
    due_today: list[TaskView]
    overdue: list[TaskView]
    #: Due in the next 7 days (tomorrow up to a week from today).
    upcoming: list[TaskView]
    #: My meetings from Monday to Sunday of this week, oldest first.
    meetings_this_week: list[MeetingRow]
    #: Cases I opened recently, newest first (at most 10).
    recent_cases: list[CaseRow]
    #: My release-support clients expected out in the next 90 days (staff: as worker or
    #: mentor); for a volunteer, every open case they mentor, before or after release.
    upcoming_releases: list[UpcomingRelease] = field(default_factory=list)


@requires(Permission.CASE_READ)
def today(ctx: ServiceContext, today: date | None = None) -> TodayView:
    from app.services.cases import case_row, case_rows_select  # cases imports today

    day = today or date.today()
    actor = ctx.require_actor()
    monday = day - timedelta(days=day.weekday())
    recent, _worker = case_rows_select()
    recent = (
        recent.join(RecentView, RecentView.case_id == Case.id)
        .where(RecentView.user_id == actor.id, visible_cases_clause(actor))
        .order_by(RecentView.viewed_at.desc(), Case.id)
        .limit(RECENT_SHOWN)
    )
    with ctx.uow() as uow:
        session = uow.session
        tasks = open_tasks_of(session, actor, day, due_by=day + timedelta(days=UPCOMING_DAYS))
        meetings = meeting_rows(session, actor, monday, monday + timedelta(days=6))
        cases = [case_row(r) for r in session.execute(recent)]
        releases = (
            mentee_rows(session, actor, day)
            if actor.is_volunteer
            else release_rows(session, actor, day, mine=True)
        )
    return TodayView(
        due_today=[t for t in tasks if t.due_on == day],
        overdue=[t for t in tasks if t.due_on is not None and t.due_on < day],
        upcoming=[t for t in tasks if t.due_on is not None and t.due_on > day],
        meetings_this_week=meetings,
        recent_cases=cases,
        upcoming_releases=releases,
    )


@internal
def record_case_view(ctx: ServiceContext, case_id: uuid.UUID, *, cursor: Any = None) -> None:
    """Remember that the signed-in user opened a case (after the caller's own checks).

    With ``cursor`` (of :func:`~app.store.uow.write_cursor`), the write joins the caller's
    transaction and the caller commits: ``cases.get_case`` has just read the case as this
    user may see it. Without, it checks that the user may see the case and commits on its
    own.
    """
    actor = ctx.actor
    if actor is None:  # a recovery-code session has no user to remember for
        return
    if cursor is not None:
        _remember(cursor, actor.id, case_id)
        return
    with write_cursor(ctx.engine) as own:
        readable_case(own, actor, case_id)
        _remember(own, actor.id, case_id)


_TABLE = RecentView.__tablename__
_TOUCH = f"UPDATE {_TABLE} SET viewed_at = ?, updated_at = ? WHERE user_id = ? AND case_id = ?"
_ADD = (
    f"INSERT INTO {_TABLE} (id, user_id, case_id, viewed_at, created_at, updated_at, created_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_PRUNE = (
    f"DELETE FROM {_TABLE} WHERE user_id = ? AND id NOT IN "
    f"(SELECT id FROM {_TABLE} WHERE user_id = ? ORDER BY viewed_at DESC, id LIMIT ?)"
)


def _remember(cursor: Any, user_id: uuid.UUID, case_id: uuid.UUID) -> None:
    now, user, case = stored(utcnow()), user_id.hex, case_id.hex
    if cursor.execute(_TOUCH, (now, now, user, case)).rowcount:
        return  # opened before: the list keeps its length
    cursor.execute(_ADD, (uuid.uuid4().hex, user, case, now, now, now, user))
    cursor.execute(_PRUNE, (user, user, RECENT_KEPT))
