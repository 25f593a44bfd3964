"""The Today page: task buckets, this week's meetings, and recently opened cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.features.cases.services import cases, meetings, recent_views, tasks
from app.features.cases.services.tasks import TaskInput
from app.features.today.services import today
from app.models import RecentView
from app.models.enums import MeetingKind
from app.services import audit_log
from app.services.audit_log import AuditAction
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from app.store.uow import write_cursor
from tests.integration.helpers.casework import case_for, client, sign_in_new_user

WEDNESDAY = date(2026, 1, 7)


def test_tasks_fall_into_today_overdue_and_the_coming_week(ctx: ServiceContext) -> None:
    def due(offset: int | None, title: str) -> None:
        day = None if offset is None else WEDNESDAY + timedelta(days=offset)
        tasks.create_task(ctx, TaskInput(title, due_on=day))

    plan: list[tuple[int | None, str]] = [
        (-3, "late"),
        (0, "today"),
        (1, "tomorrow"),
        (7, "in a week"),
        (8, "in 8 days"),
        (None, "someday"),
    ]
    for offset, title in plan:
        due(offset, title)
    finished = tasks.create_task(ctx, TaskInput("done", due_on=WEDNESDAY))
    tasks.set_task_done(ctx, finished.id, True)

    view = today.today(ctx, WEDNESDAY)
    assert [t.title for t in view.overdue] == ["late"]
    assert [t.title for t in view.due_today] == ["today"]
    assert [t.title for t in view.upcoming] == ["tomorrow", "in a week"]


def test_meetings_of_this_week_monday_to_sunday(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    for day in (4, 5, 11, 12):  # Sunday before, Monday, Sunday, Monday after
        meetings.record_meeting(
            ctx,
            meetings.MeetingInput(
                case_id=case.id,
                occurred_at=datetime(2026, 1, day, 10),
                duration_minutes=30,
                kind=MeetingKind.PHONE,
                summary="Checked in.",
            ),
        )
    week = today.today(ctx, WEDNESDAY).meetings_this_week
    assert [m.occurred_at.day for m in week] == [5, 11]


def test_recent_cases_newest_first_at_most_ten_and_thirty_kept(ctx: ServiceContext) -> None:
    person = client(ctx)
    made = [case_for(ctx, person.id) for _ in range(32)]
    for case in made:
        recent_views.record_case_view(ctx, case.id)
    recent_views.record_case_view(ctx, made[0].id)  # opened again: to the top, not twice
    recent = today.today(ctx).recent_cases
    assert [c.id for c in recent] == [made[0].id] + [c.id for c in reversed(made[-9:])]
    assert recent[0].reference == made[0].reference and recent[0].client_name == "Ștefan Popescu"
    with ctx.uow() as uow:
        kept = uow.session.scalar(select(func.count()).select_from(RecentView))
    assert kept == recent_views.RECENT_KEPT


def test_recording_a_view_inside_another_unit_of_work(ctx: ServiceContext) -> None:
    """How cases.get_case calls it: inside its write transaction, committed once."""
    case = case_for(ctx, client(ctx).id)
    with write_cursor(ctx.engine) as cursor:
        audit_log.log_on_cursor(
            cursor, ctx, AuditAction.VIEW_CASE, entity_type="case", case_id=case.id
        )
        recent_views.record_case_view(ctx, case.id, cursor=cursor)
    assert [c.id for c in today.today(ctx).recent_cases] == [case.id]
    assert audit_log.verify_trail(ctx).ok


def test_a_failed_write_transaction_remembers_nothing(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    with pytest.raises(RuntimeError), write_cursor(ctx.engine) as cursor:
        recent_views.record_case_view(ctx, case.id, cursor=cursor)
        raise RuntimeError("the audit event could not be written")
    assert today.today(ctx).recent_cases == []


def test_a_volunteer_s_recent_cases_follow_their_assignments(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    case = case_for(ctx, client(ctx).id, volunteer_id=vera.id)
    with vera_ctx:
        recent_views.record_case_view(vera_ctx, case.id)
        assert [c.id for c in today.today(vera_ctx).recent_cases] == [case.id]
        cases.update_case(ctx, case.id, cases.CaseInput(case.kind, case.client_id, case.opened_on))
        assert today.today(vera_ctx).recent_cases == []
    assert today.today(ctx).recent_cases == []  # Vera's list is hers alone
