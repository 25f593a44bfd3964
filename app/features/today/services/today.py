"""The Today page: my tasks due today, overdue and coming up, my meetings this week, and
the cases I opened recently.

Recently opened cases are written by ``cases.get_case`` through
:mod:`app.features.cases.services.recent_views`; this module only reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.features.cases.services.case_list import CaseRow, case_row, case_rows_select
from app.features.cases.services.meetings import MeetingRow, meeting_rows
from app.features.cases.services.tasks import TaskView, open_tasks_of
from app.features.release.services.releases import UpcomingRelease, mentee_rows, release_rows
from app.models import Case, RecentView
from app.security.permissions import Permission, requires
from app.services.context import ServiceContext
from app.services.scope import visible_cases_clause

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
