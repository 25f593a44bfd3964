"""Tasks through the service: defaults, ordering, overdue, and who may do what."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from app.features.admin.services import users
from app.features.cases.services import cases, tasks
from app.features.cases.services.tasks import TaskInput
from app.kernel.errors import NotFoundError, ValidationError
from app.models.enums import Role
from app.security.permissions import PermissionDenied
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import CANARY, case_for, client, events, sign_in_new_user

TODAY = date.today()


def test_a_new_task_is_mine_by_default_and_touches_its_case(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    view = tasks.create_task(
        ctx, TaskInput("  Book the interpreter ", due_on=TODAY, case_id=case.id, notes=" ok ")
    )
    assert (view.title, view.notes, view.due_on) == ("Book the interpreter", "ok", TODAY)
    assert view.assignee_id == ctx.actor.id and view.assignee_name == "Cora Coordinator"  # type: ignore[union-attr]
    assert (view.case_reference, view.client_name) == (case.reference, "Ștefan Popescu")
    assert not view.done and view.done_at is None and not view.overdue
    assert cases.get_case(ctx, case.id).last_activity_at > case.last_activity_at
    assert ("create", "task", ("assignee_id", "case_id", "due_on", "notes", "title")) in events(
        ctx, case.id
    )
    free = tasks.create_task(ctx, TaskInput("Renew my first-aid course"))
    assert free.case_id is None and free.case_reference is None and free.client_name is None


def test_overdue_first_then_by_due_date_undated_last(ctx: ServiceContext) -> None:
    def make(title: str, due: date | None) -> tasks.TaskView:
        return tasks.create_task(ctx, TaskInput(title, due_on=due))

    someday = make("someday", None)
    tomorrow = make("tomorrow", TODAY + timedelta(days=1))
    today = make("today", TODAY)
    late = make("late", TODAY - timedelta(days=3))
    later_late = make("a bit late", TODAY - timedelta(days=1))
    done_late = make("done and late", TODAY - timedelta(days=5))
    tasks.set_task_done(ctx, done_late.id, True)

    mine = tasks.list_my_tasks(ctx)
    assert [t.title for t in mine] == ["late", "a bit late", "today", "tomorrow", "someday"]
    assert [t.overdue for t in mine] == [True, True, False, False, False]
    with_done = tasks.list_my_tasks(ctx, include_done=True)
    assert [t.id for t in with_done][-1] == done_late.id and not with_done[-1].overdue
    assert {someday.id, tomorrow.id, today.id, late.id, later_late.id} < {t.id for t in with_done}


def test_update_and_done_are_audited_and_no_change_writes_nothing(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    task = tasks.create_task(ctx, TaskInput("Call probation", case_id=case.id))
    changed = tasks.update_task(
        ctx, task.id, TaskInput("Call probation office", due_on=TODAY, case_id=case.id)
    )
    assert changed.title == "Call probation office" and changed.due_on == TODAY
    assert changed.assignee_id == task.assignee_id  # None keeps the assignee
    before = len(events(ctx, case.id))
    tasks.update_task(ctx, task.id, TaskInput("Call probation office", TODAY, case_id=case.id))
    assert len(events(ctx, case.id)) == before

    done = tasks.set_task_done(ctx, task.id, True)
    assert done.done and done.done_at is not None
    tasks.set_task_done(ctx, task.id, True)  # again: nothing to write
    reopened = tasks.set_task_done(ctx, task.id, False)
    assert not reopened.done and reopened.done_at is None
    trail = [e for e in events(ctx, case.id) if e[1] == "task"]
    assert [e[2] for e in trail] == [
        ("assignee_id", "case_id", "title"),
        ("due_on", "title"),
        ("done", "done_at"),
        ("done", "done_at"),
    ]
    # moving the task to another case leaves a trace in both
    other = case_for(ctx, client(ctx, "Ana", "Lungu").id)
    tasks.update_task(ctx, task.id, TaskInput("Call probation office", TODAY, case_id=other.id))
    assert ("update", "task", ("case_id",)) in events(ctx, case.id)
    assert tasks.list_case_tasks(ctx, case.id) == []
    assert [t.id for t in tasks.list_case_tasks(ctx, other.id)] == [task.id]
    with pytest.raises(NotFoundError):
        tasks.set_task_done(ctx, uuid.uuid4(), True)


def test_validation_and_assignment_rules(ctx: ServiceContext, workspace: CreatedWorkspace) -> None:
    case = case_for(ctx, client(ctx).id)
    bad = [
        (TaskInput("  "), "title", "required"),
        (TaskInput("x" * 10_000_000), "title", "too long"),
        (TaskInput("ok", notes="x" * 10_000_000), "notes", "too long"),
        (TaskInput("ok", case_id=uuid.uuid4()), "case_id", "case"),
        (TaskInput("ok", assignee_id=uuid.uuid4()), "assignee_id", "active"),
    ]
    for data, field, message in bad:
        with pytest.raises(ValidationError) as err:
            tasks.create_task(ctx, data)
        assert message in err.value.errors[field]
    vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    vera_ctx.lock()
    with pytest.raises(ValidationError, match="not assigned to the case"):
        tasks.create_task(ctx, TaskInput("Visit", assignee_id=vera.id, case_id=case.id))
    users.set_active(ctx, vera.id, False)
    with pytest.raises(ValidationError, match="active"):
        tasks.create_task(ctx, TaskInput("Visit", assignee_id=vera.id))
    assert tasks.list_tasks(ctx, include_done=True) == []


def test_volunteers_keep_only_their_own_tasks(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    mine = case_for(ctx, client(ctx).id, volunteer_id=vera.id)
    other = case_for(ctx, client(ctx, "Ana", "Lungu").id)
    staff_task = tasks.create_task(ctx, TaskInput(f"Ask the GP about {CANARY}", case_id=mine.id))
    given = tasks.create_task(
        ctx, TaskInput("Meet at the station", assignee_id=vera.id, case_id=mine.id)
    )
    with vera_ctx:
        own = tasks.create_task(vera_ctx, TaskInput("Buy a bus card", case_id=mine.id))
        free = tasks.create_task(vera_ctx, TaskInput("Volunteer training"))
        assert own.assignee_id == vera.id and free.case_id is None
        with pytest.raises(PermissionDenied, match="themselves"):
            tasks.create_task(vera_ctx, TaskInput("For Cora", assignee_id=ctx.actor.id))  # type: ignore[union-attr]
        with pytest.raises(ValidationError, match="case"):
            tasks.create_task(vera_ctx, TaskInput("Sneak in", case_id=other.id))
        with pytest.raises(NotFoundError):
            tasks.set_task_done(vera_ctx, staff_task.id, True)
        with pytest.raises(NotFoundError):
            tasks.update_task(vera_ctx, staff_task.id, TaskInput("Renamed"))
        assert tasks.set_task_done(vera_ctx, given.id, True).done
        seen = [
            tasks.list_case_tasks(vera_ctx, mine.id),
            tasks.list_my_tasks(vera_ctx, include_done=True),
            tasks.list_tasks(vera_ctx, include_done=True),
        ]
        assert {t.id for t in seen[0]} == {own.id, given.id}
        assert {t.id for t in seen[1]} == {t.id for t in seen[2]} == {own.id, given.id, free.id}
        assert tasks.list_tasks(vera_ctx, assignee_id=ctx.actor.id) == []  # type: ignore[union-attr]
        assert CANARY not in repr(seen)
        with pytest.raises(NotFoundError):
            tasks.list_case_tasks(vera_ctx, other.id)
    assert {t.id for t in tasks.list_case_tasks(ctx, mine.id)} == {staff_task.id, given.id, own.id}


def test_staff_list_everyone_s_tasks_in_pages(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    siv, siv_ctx = sign_in_new_user(ctx, workspace.folder, "siv", Role.SOCIAL_WORKER)
    for day in range(5):
        tasks.create_task(ctx, TaskInput(f"coord {day}", due_on=TODAY + timedelta(days=day)))
    with siv_ctx:
        tasks.create_task(siv_ctx, TaskInput("siv's"))
        assert len(tasks.list_tasks(siv_ctx)) == 6
    everyone = tasks.list_tasks(ctx)
    assert [t.title for t in everyone] == [f"coord {d}" for d in range(5)] + ["siv's"]
    assert [t.title for t in tasks.list_tasks(ctx, assignee_id=siv.id)] == ["siv's"]
    page = tasks.list_tasks(ctx, limit=2, offset=2)
    assert [t.title for t in page] == ["coord 2", "coord 3"]
