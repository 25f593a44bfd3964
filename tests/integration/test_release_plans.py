"""Release support: plans from templates, moving the release date, custody history, mentors
and the list of upcoming releases."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.features.admin.services import users
from app.features.cases.services import cases, custody, tasks
from app.features.release.services import plan_templates, release_plans, releases
from app.features.release.services.plan_templates import TemplateInput, TemplateItemInput
from app.features.today.services import today
from app.kernel.errors import ValidationError
from app.models import PlanTemplate, ReleasePlan, Task
from app.models.enums import CaseKind, CaseStatus, CloseReason, CustodyStatus, Role
from app.security.permissions import PermissionDenied
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import client, events, sign_in_new_user

TODAY = date.today()
RELEASE = TODAY + timedelta(days=60)


def release_case(
    ctx: ServiceContext,
    *,
    expected: date | None = RELEASE,
    kind: CaseKind = CaseKind.RELEASE_SUPPORT,
    worker_id: uuid.UUID | None = None,
    volunteer_id: uuid.UUID | None = None,
    given: str = "Ștefan",
) -> cases.CaseView:
    person = client(ctx, given=given)
    return cases.open_case(
        ctx,
        cases.CaseInput(
            kind=kind,
            client_id=person.id,
            opened_on=TODAY - timedelta(days=30),
            expected_release=expected,
            sentence_start=TODAY - timedelta(days=400),
            custody_status=CustodyStatus.SENTENCED,
            worker_id=worker_id,
            volunteer_id=volunteer_id,
        ),
    )


def template_named(ctx: ServiceContext, name: str) -> plan_templates.TemplateView:
    return next(t for t in plan_templates.list_templates(ctx) if t.name == name)


# -- templates ---------------------------------------------------------------------------


def test_three_default_templates_are_seeded_once(ctx: ServiceContext) -> None:
    first = plan_templates.list_templates(ctx)
    second = plan_templates.list_templates(ctx)
    assert [t.name for t in first] == ["Electronic monitoring", "Long sentence", "Short sentence"]
    assert [t.id for t in second] == [t.id for t in first]
    long = template_named(ctx, "Long sentence")
    offsets = [i.offset_days for i in long.items]
    assert offsets == sorted(offsets) and offsets[0] == -90 and offsets[-1] == 365
    assert 0 in offsets
    with ctx.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(PlanTemplate)) == 3


def test_a_coordinator_edits_and_retires_templates(ctx: ServiceContext) -> None:
    short = template_named(ctx, "Short sentence")
    edited = plan_templates.save_template(
        ctx,
        TemplateInput(
            name="Short sentence",
            description="Our own",
            items=(TemplateItemInput(-10, "Call the prison"), TemplateItemInput(3, "Coffee")),
            id=short.id,
        ),
    )
    assert edited.id == short.id
    assert [(i.offset_days, i.title) for i in edited.items] == [
        (-10, "Call the prison"),
        (3, "Coffee"),
    ]
    new = plan_templates.save_template(
        ctx, TemplateInput(name="Women's unit", items=(TemplateItemInput(-30, "Childcare"),))
    )
    with pytest.raises(ValidationError) as clash:
        plan_templates.save_template(
            ctx, TemplateInput(name="Long sentence", items=(TemplateItemInput(0, "x"),))
        )
    assert "name" in clash.value.errors
    with pytest.raises(ValidationError) as empty:
        plan_templates.save_template(ctx, TemplateInput(name="Nothing", items=()))
    assert "items" in empty.value.errors
    plan_templates.set_template_active(ctx, new.id, False)
    assert "Women's unit" not in [t.name for t in plan_templates.list_templates(ctx)]
    assert "Women's unit" in [
        t.name for t in plan_templates.list_templates(ctx, include_inactive=True)
    ]


# -- plans -------------------------------------------------------------------------------


def test_preview_dates_are_offsets_from_the_release_date(ctx: ServiceContext) -> None:
    case = release_case(ctx)
    long = template_named(ctx, "Long sentence")
    preview = release_plans.propose_plan(ctx, case.id, long.id)
    assert preview.anchor_date == RELEASE
    assert [t.due_on for t in preview.tasks] == [
        RELEASE + timedelta(days=i.offset_days) for i in long.items
    ]
    with ctx.uow() as uow:  # a preview writes nothing
        assert uow.session.scalar(select(func.count()).select_from(ReleasePlan)) == 0


def test_starting_a_plan_makes_tasks_for_the_worker(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    worker, _worker_ctx = sign_in_new_user(ctx, workspace.folder, "wanda", Role.SOCIAL_WORKER)
    case = release_case(ctx, worker_id=worker.id)
    short = template_named(ctx, "Short sentence")
    plan = release_plans.start_plan(ctx, case.id, short.id)
    assert plan.total == len(short.items) and plan.done == 0
    assert plan.anchor_date == RELEASE and plan.template_label == "Short sentence"
    assert {t.assignee_name for t in plan.tasks} == {"Wanda"}
    assert plan.next_due is not None and plan.next_due.offset_days == short.items[0].offset_days
    case_tasks = tasks.list_case_tasks(ctx, case.id)
    assert len(case_tasks) == len(short.items)
    with ctx.uow() as uow:
        rows = uow.session.scalars(select(Task).where(Task.case_id == case.id)).all()
        assert {t.plan_id for t in rows} == {plan.id}
        assert sorted(t.plan_offset_days or 0 for t in rows) == sorted(
            i.offset_days for i in short.items
        )
    trail = events(ctx, case.id)
    assert ("create", "release_plan", ("anchor_date", "started_on", "template_id")) in trail
    assert sum(1 for e in trail if e[1] == "task") == len(short.items)
    with pytest.raises(ValidationError, match="already has a release plan"):
        release_plans.start_plan(ctx, case.id, short.id)


def test_a_plan_needs_a_release_date_and_a_release_support_case(ctx: ServiceContext) -> None:
    short = template_named(ctx, "Short sentence")
    undated = release_case(ctx, expected=None)
    with pytest.raises(ValidationError) as no_date:
        release_plans.propose_plan(ctx, undated.id, short.id)
    assert "expected release date" in no_date.value.errors["expected_release"]
    with pytest.raises(ValidationError, match="release-support"):
        release_plans.start_plan(ctx, release_case(ctx, kind=CaseKind.CHILD_VISITS).id, short.id)
    closed = release_case(ctx)
    cases.change_status(ctx, closed.id, CaseStatus.CLOSED, close_reason=CloseReason.OTHER)
    with pytest.raises(ValidationError, match="closed"):
        release_plans.start_plan(ctx, closed.id, short.id)
    with ctx.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Task)) == 0


def _dues(ctx: ServiceContext, case_id: uuid.UUID) -> dict[uuid.UUID, date | None]:
    return {t.id: t.due_on for t in tasks.list_case_tasks(ctx, case_id)}


def test_moving_the_release_moves_open_tasks_only(ctx: ServiceContext) -> None:
    case = release_case(ctx)
    plan = release_plans.start_plan(ctx, case.id, template_named(ctx, "Long sentence").id)
    done_task = plan.tasks[0]
    tasks.set_task_done(ctx, done_task.id, True)
    before = _dues(ctx, case.id)
    later = RELEASE + timedelta(days=21)
    moved = release_plans.move_release_date(ctx, case.id, later)
    assert moved is not None and moved.anchor_date == later
    after = _dues(ctx, case.id)
    assert after[done_task.id] == before[done_task.id]
    for task_id, due in before.items():
        if task_id != done_task.id:
            assert due is not None and after[task_id] == due + timedelta(days=21)
    assert cases.get_case(ctx, case.id).expected_release == later
    trail = events(ctx, case.id)
    assert ("update", "release_plan", ("anchor_date",)) in trail
    assert sum(1 for e in trail if e == ("update", "task", ("due_on",))) == len(before) - 1


def test_editing_the_case_release_date_reschedules_too(ctx: ServiceContext) -> None:
    case = release_case(ctx)
    plan = release_plans.start_plan(ctx, case.id, template_named(ctx, "Short sentence").id)
    gate = next(t for t in plan.tasks if t.offset_days == 0)
    earlier = RELEASE - timedelta(days=10)
    data = cases.CaseInput(
        **{f.name: getattr(case, f.name) for f in dataclasses.fields(cases.CaseInput)}
    )
    cases.update_case(ctx, case.id, dataclasses.replace(data, expected_release=earlier))
    assert _dues(ctx, case.id)[gate.id] == earlier
    view = release_plans.plan_for_case(ctx, case.id)
    assert view is not None and view.anchor_date == earlier
    # clearing the date leaves the plan where it was
    cases.update_case(ctx, case.id, dataclasses.replace(data, expected_release=None))
    assert _dues(ctx, case.id)[gate.id] == earlier


def test_plan_progress_and_overdue(ctx: ServiceContext) -> None:
    case = release_case(ctx, expected=TODAY + timedelta(days=10))
    plan = release_plans.start_plan(ctx, case.id, template_named(ctx, "Short sentence").id)
    for task in plan.tasks[:2]:
        tasks.set_task_done(ctx, task.id, True)
    view = release_plans.plan_for_case(ctx, case.id)
    assert view is not None and (view.done, view.total) == (2, plan.total)
    overdue = [t for t in view.tasks if t.overdue]
    assert overdue and all(not t.done and t.due_on and t.due_on < TODAY for t in overdue)
    assert view.next_due == next(t for t in view.tasks if not t.done)
    assert release_plans.plan_for_case(ctx, release_case(ctx).id) is None


def test_a_volunteer_cannot_plan_and_sees_only_their_own_plan_tasks(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    volunteer, vctx = sign_in_new_user(ctx, workspace.folder, "vera")
    case = release_case(ctx, volunteer_id=volunteer.id)
    short = template_named(ctx, "Short sentence")
    with pytest.raises(PermissionDenied):
        release_plans.start_plan(vctx, case.id, short.id)
    plan = release_plans.start_plan(ctx, case.id, short.id)
    seen = release_plans.plan_for_case(vctx, case.id)
    assert seen is not None and seen.tasks == () and seen.total == plan.total


# -- custody -----------------------------------------------------------------------------


def test_custody_changes_in_order_and_release_sets_the_date(ctx: ServiceContext) -> None:
    case = release_case(ctx)
    d = TODAY - timedelta(days=100)
    custody.record_custody_change(ctx, case.id, CustodyStatus.REMAND, d - timedelta(days=200))
    custody.record_custody_change(ctx, case.id, CustodyStatus.SENTENCED, d, "Judgment")
    with pytest.raises(ValidationError) as earlier:
        custody.record_custody_change(ctx, case.id, CustodyStatus.ON_LEAVE, d - timedelta(days=1))
    assert "cannot be earlier" in earlier.value.errors["on"]
    with pytest.raises(ValidationError) as same:
        custody.record_custody_change(ctx, case.id, CustodyStatus.SENTENCED, TODAY)
    assert "status" in same.value.errors
    with pytest.raises(ValidationError) as future:
        custody.record_custody_change(
            ctx, case.id, CustodyStatus.RELEASED, TODAY + timedelta(days=1)
        )
    assert "future" in future.value.errors["on"]
    custody.record_custody_change(
        ctx, case.id, CustodyStatus.ELECTRONIC_MONITORING, TODAY - timedelta(days=30)
    )
    custody.record_custody_change(ctx, case.id, CustodyStatus.RELEASED, TODAY - timedelta(days=2))
    history = custody.custody_history(ctx, case.id)
    assert [e.status for e in history] == [
        CustodyStatus.REMAND,
        CustodyStatus.SENTENCED,
        CustodyStatus.ELECTRONIC_MONITORING,
        CustodyStatus.RELEASED,
    ]
    assert history[1].notes == "Judgment" and history[0].recorded_by_name == "Cora Coordinator"
    view = cases.get_case(ctx, case.id)
    assert view.custody_status == CustodyStatus.RELEASED
    assert view.actual_release == TODAY - timedelta(days=2)
    assert ("update", "case", ("actual_release", "custody_status")) in events(ctx, case.id)


def test_volunteers_read_custody_history_without_notes(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    volunteer, vctx = sign_in_new_user(ctx, workspace.folder, "vera")
    case = release_case(ctx, volunteer_id=volunteer.id)
    custody.record_custody_change(ctx, case.id, CustodyStatus.PAROLE, TODAY, "staff only")
    seen = custody.custody_history(vctx, case.id)
    assert [(e.status, e.notes, e.notes_hidden) for e in seen] == [
        (CustodyStatus.PAROLE, None, True)
    ]
    with pytest.raises(PermissionDenied):
        custody.record_custody_change(vctx, case.id, CustodyStatus.RELEASED, TODAY)


# -- mentors and upcoming releases -------------------------------------------------------


def test_mentor_capacity_is_respected_unless_overridden(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    volunteer, _vctx = sign_in_new_user(ctx, workspace.folder, "vera")
    worker, _wctx = sign_in_new_user(ctx, workspace.folder, "wanda", Role.SOCIAL_WORKER)
    releases.set_mentor_capacity(ctx, volunteer.id, 1)
    first, second = release_case(ctx), release_case(ctx, given="Ion")
    load = releases.assign_mentor(ctx, first.id, volunteer.id)
    assert load is not None and (load.load, load.capacity, load.full) == (1, 1, True)
    assert releases.assign_mentor(ctx, first.id, volunteer.id) is not None  # same case again
    with pytest.raises(ValidationError, match="at capacity"):
        releases.assign_mentor(ctx, second.id, volunteer.id)
    releases.assign_mentor(ctx, second.id, volunteer.id, allow_over_capacity=True)
    with pytest.raises(ValidationError, match="active volunteer"):
        releases.assign_mentor(ctx, second.id, worker.id)
    loads = {r.name: r for r in releases.volunteer_capacity(ctx)}
    assert (loads["Vera"].load, loads["Vera"].free) == (2, 0)
    assert cases.get_case(ctx, first.id).volunteer_name == "Vera"
    assert ("update", "case", ("volunteer_id",)) in events(ctx, first.id)
    with pytest.raises(ValidationError):
        releases.set_mentor_capacity(ctx, worker.id, 3)


def test_clients_without_a_mentor(ctx: ServiceContext, workspace: CreatedWorkspace) -> None:
    volunteer, _vctx = sign_in_new_user(ctx, workspace.folder, "vera")
    mentored = release_case(ctx, volunteer_id=volunteer.id, given="Ana")
    alone = release_case(ctx, given="Ion")
    far = release_case(ctx, expected=TODAY + timedelta(days=400), given="Far")
    ids = [r.case_id for r in releases.clients_without_mentor(ctx)]
    assert alone.id in ids and mentored.id not in ids and far.id not in ids


def test_upcoming_releases_with_plan_progress_and_scoping(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    volunteer, vctx = sign_in_new_user(ctx, workspace.folder, "vera")
    soon = release_case(ctx, expected=TODAY + timedelta(days=5), given="Soon")
    mine = release_case(ctx, expected=TODAY + timedelta(days=40), volunteer_id=volunteer.id)
    later = release_case(ctx, expected=TODAY + timedelta(days=120), given="Later")
    child = release_case(ctx, expected=TODAY + timedelta(days=6), kind=CaseKind.CHILD_VISITS)
    plan = release_plans.start_plan(ctx, soon.id, template_named(ctx, "Short sentence").id)
    tasks.set_task_done(ctx, plan.tasks[0].id, True)
    rows = releases.upcoming_releases(ctx)
    assert [r.case_id for r in rows] == [soon.id, mine.id]
    assert later.id not in [r.case_id for r in rows] and child.id not in [r.case_id for r in rows]
    first = rows[0]
    assert (first.has_plan, first.plan_done, first.plan_total, first.days_left) == (
        True,
        1,
        plan.total,
        5,
    )
    assert (rows[1].has_plan, rows[1].mentor_name) == (False, "Vera")
    assert [r.case_id for r in releases.upcoming_releases(vctx)] == [mine.id]
    # released clients drop off the list
    custody.record_custody_change(ctx, soon.id, CustodyStatus.RELEASED, TODAY)
    assert [r.case_id for r in releases.upcoming_releases(ctx)] == [mine.id]


def test_today_shows_my_upcoming_releases_and_a_volunteers_mentees(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    volunteer, vctx = sign_in_new_user(ctx, workspace.folder, "vera")
    me = ctx.require_actor().id
    mine = release_case(ctx, worker_id=me, expected=TODAY + timedelta(days=20))
    release_case(ctx, expected=TODAY + timedelta(days=20), given="Other")  # nobody's
    mentee = release_case(ctx, expected=TODAY + timedelta(days=200), given="Ana")
    releases.assign_mentor(ctx, mentee.id, volunteer.id)
    assert [r.case_id for r in today.today(ctx).upcoming_releases] == [mine.id]
    assert [r.case_id for r in today.today(vctx).upcoming_releases] == [mentee.id]


def test_workers_see_capacity_but_only_coordinators_manage_it(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    volunteer, _vctx = sign_in_new_user(ctx, workspace.folder, "vera")
    _worker, wctx = sign_in_new_user(ctx, workspace.folder, "wanda", Role.SOCIAL_WORKER)
    assert [r.name for r in releases.volunteer_capacity(wctx)] == ["Vera"]
    with pytest.raises(PermissionDenied):
        releases.set_mentor_capacity(wctx, volunteer.id, 2)
    with pytest.raises(PermissionDenied):
        releases.clients_without_mentor(wctx)
    assert users.list_active_staff(wctx, Role.VOLUNTEER)[0].id == volunteer.id
