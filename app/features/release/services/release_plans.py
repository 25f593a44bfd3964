"""Release plans: a case's tasks at offsets from the expected release date, made from a
template (:mod:`app.features.release.services.plan_templates`).

Starting a plan for a case writes one task per template item, due on the release date plus
the item's offset, with ``plan_id`` and ``plan_offset_days`` set. ``tasks.plan_id`` is not a
foreign key (see the model); this module is the only writer of both fields and keeps them
consistent: a task with a ``plan_id`` belongs to that plan's case.

When the release date moves, the plan's *open* tasks move by the same number of days and the
anchor moves with them; done tasks keep their dates (they record what happened). Moving by
the difference, rather than recomputing ``anchor + offset``, keeps a due date someone changed
by hand in the same place relative to the release.

Tasks are written in the language of the user who starts the plan, like any task they would
type.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.features.cases.services.case_access import add_record, audit_record, touch, visible_case
from app.features.release.services.plan_templates import template_items, template_label
from app.kernel.changes import Topic, writes
from app.kernel.errors import ValidationError
from app.kernel.field_labels import CASE_FORM
from app.kernel.i18n import _
from app.models import Case, PlanTemplate, PlanTemplateItem, ReleasePlan, Task, User, utcnow
from app.models.enums import CaseKind, CaseStatus, NeedDomain, Role
from app.security.permissions import Permission, allowed, internal, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction
from app.services.context import Actor, ServiceContext
from app.services.edits import merge_edit
from app.store.uow import UnitOfWork

# -- read models -------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedTask:
    offset_days: int
    title: str
    due_on: date
    need_domain: NeedDomain | None


@dataclass(frozen=True)
class PlanPreview:
    case_id: uuid.UUID
    template_id: uuid.UUID
    template_label: str
    anchor_date: date
    tasks: tuple[PlannedTask, ...]


@dataclass(frozen=True)
class PlanTaskView:
    id: uuid.UUID
    title: str
    due_on: date | None
    offset_days: int | None
    done: bool
    assignee_name: str | None
    overdue: bool


@dataclass(frozen=True)
class PlanView:
    id: uuid.UUID
    case_id: uuid.UUID
    template_id: uuid.UUID | None
    template_label: str
    anchor_date: date
    started_on: date
    #: The plan's tasks the reader may see, by due date (a volunteer: their own only).
    tasks: tuple[PlanTaskView, ...]
    #: Progress over all of the plan's tasks.
    done: int
    total: int
    #: The first open task by due date, if any.
    next_due: PlanTaskView | None


# -- pure date arithmetic ------------------------------------------------------------------


@pure
def due_on(anchor: date, offset_days: int) -> date:
    """The due date of a plan item: ``offset_days`` from the release date (negative: before)."""
    return anchor + timedelta(days=offset_days)


@pure
def moved_due_dates(
    tasks: Sequence[tuple[date | None, int | None, bool]], old_anchor: date, new_anchor: date
) -> list[date | None]:
    """New due dates for plan tasks given as (due date, offset, done) when the release date
    moves from ``old_anchor`` to ``new_anchor``.

    Done tasks keep their dates. Open tasks move by the same number of days as the anchor;
    an open task without a due date gets ``new_anchor + offset`` (its offset still says when).
    """
    shift = new_anchor - old_anchor
    moved: list[date | None] = []
    for due, offset, done in tasks:
        if done:
            moved.append(due)
        elif due is not None:
            moved.append(due + shift)
        elif offset is not None:
            moved.append(due_on(new_anchor, offset))
        else:
            moved.append(None)
    return moved


# -- plans -------------------------------------------------------------------------------


def _plannable(session: Session, actor: Actor, case_id: uuid.UUID) -> tuple[Case, date]:
    case = visible_case(session, actor, case_id)
    if case.kind != CaseKind.RELEASE_SUPPORT:
        raise ValidationError({"case": _("Release plans are for release-support cases.")})
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"case": _("The case is closed. Reopen it to plan a release.")})
    if case.expected_release is None:
        raise ValidationError(
            {
                "expected_release": _(
                    "Enter the expected release date first: the plan is counted from it."
                )
            }
        )
    return case, case.expected_release


def _template(session: Session, template_id: uuid.UUID) -> PlanTemplate:
    template = session.get(PlanTemplate, template_id)
    if template is None or not template.active:
        raise ValidationError({"template": _("Choose a template from the list.")})
    return template


def _preview(
    case: Case, anchor: date, template: PlanTemplate, items: list[PlanTemplateItem]
) -> PlanPreview:
    return PlanPreview(
        case_id=case.id,
        template_id=template.id,
        template_label=template_label(template.name),
        anchor_date=anchor,
        tasks=tuple(
            PlannedTask(i.offset_days, _(i.title), due_on(anchor, i.offset_days), i.need_domain)
            for i in items
        ),
    )


@requires(Permission.CASE_WRITE)
def propose_plan(ctx: ServiceContext, case_id: uuid.UUID, template_id: uuid.UUID) -> PlanPreview:
    """The tasks a plan from this template would have, with their due dates. Writes nothing."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        session = uow.session
        case, anchor = _plannable(session, actor, case_id)
        template = _template(session, template_id)
        return _preview(case, anchor, template, template_items(session, template.id))


def _existing_plan(session: Session, case_id: uuid.UUID) -> ReleasePlan | None:
    return session.scalar(select(ReleasePlan).where(ReleasePlan.case_id == case_id))


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.TASKS, Topic.RELEASES)
def start_plan(ctx: ServiceContext, case_id: uuid.UUID, template_id: uuid.UUID) -> PlanView:
    """Make the case's release plan from a template: the plan and all its tasks, or nothing.

    The tasks go to the case's social worker (or to whoever starts the plan, if the case has
    no active worker).
    """
    actor = ctx.require_actor()
    today = date.today()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case, anchor = _plannable(session, actor, case_id)
        if _existing_plan(session, case.id) is not None:
            raise ValidationError({"case": _("This case already has a release plan.")})
        template = _template(session, template_id)
        preview = _preview(case, anchor, template, template_items(session, template.id))
        worker = session.get(User, case.worker_id) if case.worker_id is not None else None
        assignee = (
            worker.id
            if worker is not None and worker.active and worker.role != Role.VOLUNTEER
            else actor.id
        )
        plan = ReleasePlan(
            case_id=case.id,
            template_id=template.id,
            anchor_date=anchor,
            started_on=today,
            created_by=actor.id,
        )
        fields = ["template_id", "anchor_date", "started_on"]
        add_record(uow, ctx, case, plan, "release_plan", fields)
        for planned in preview.tasks:
            task = Task(
                title=planned.title[: v.SHORT_TEXT_MAX],
                due_on=planned.due_on,
                assignee_id=assignee,
                case_id=case.id,
                plan_id=plan.id,
                plan_offset_days=planned.offset_days,
                created_by=actor.id,
            )
            fields = ["title", "due_on", "assignee_id", "case_id", "plan_id", "plan_offset_days"]
            add_record(uow, ctx, case, task, "task", fields)
        view = _plan_view(session, actor, plan, today)
        uow.commit()
        return view


def _plan_view(session: Session, reader: Actor, plan: ReleasePlan, today: date) -> PlanView:
    session.flush()
    template = session.get(PlanTemplate, plan.template_id) if plan.template_id else None
    rows = session.execute(
        select(Task, User.display_name)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(Task.plan_id == plan.id, Task.case_id == plan.case_id)
        .order_by(Task.due_on.asc().nulls_last(), Task.plan_offset_days, Task.title, Task.id)
    ).all()
    sees_all = allowed(reader.role, Permission.TASKS_ALL)
    views = [
        PlanTaskView(
            id=task.id,
            title=task.title,
            due_on=task.due_on,
            offset_days=task.plan_offset_days,
            done=task.done,
            assignee_name=name,
            overdue=not task.done and task.due_on is not None and task.due_on < today,
        )
        for task, name in rows
        if sees_all or task.assignee_id == reader.id
    ]
    return PlanView(
        id=plan.id,
        case_id=plan.case_id,
        template_id=plan.template_id,
        template_label=template_label(template.name if template else None),
        anchor_date=plan.anchor_date,
        started_on=plan.started_on,
        tasks=tuple(views),
        done=sum(1 for task, _name in rows if task.done),
        total=len(rows),
        next_due=next((t for t in views if not t.done), None),
    )


@requires(Permission.CASE_READ)
def plan_for_case(
    ctx: ServiceContext, case_id: uuid.UUID, today: date | None = None
) -> PlanView | None:
    """The case's release plan with its progress, or ``None`` if none was started."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        session = uow.session
        visible_case(session, actor, case_id)
        plan = _existing_plan(session, case_id)
        if plan is None:
            return None
        return _plan_view(session, actor, plan, today or date.today())


@internal
def reschedule_plan(uow: UnitOfWork, ctx: ServiceContext, case: Case, new_date: date) -> int:
    """Move the case's plan to a new release date inside the caller's unit of work: open
    tasks move by the same number of days, done tasks stay, the anchor follows. Returns how
    many tasks moved (0 when the case has no plan)."""
    session = uow.session
    plan = _existing_plan(session, case.id)
    if plan is None or plan.anchor_date == new_date:
        return 0
    tasks = list(
        session.scalars(select(Task).where(Task.plan_id == plan.id, Task.case_id == case.id))
    )
    new_dues = moved_due_dates(
        [(t.due_on, t.plan_offset_days, t.done) for t in tasks], plan.anchor_date, new_date
    )
    plan.anchor_date = new_date
    audit_record(uow, ctx, AuditAction.UPDATE, "release_plan", plan.id, case, ["anchor_date"])
    moved = 0
    for task, new_due in zip(tasks, new_dues, strict=True):
        if task.due_on != new_due:
            task.due_on = new_due
            task.updated_at = utcnow()
            moved += 1
            audit_record(uow, ctx, AuditAction.UPDATE, "task", task.id, case, ["due_on"])
    session.flush()
    return moved


@dataclass(frozen=True)
class ReleaseDate:
    """The expected release date as a form showed it (the base of :func:`move_release_date`)."""

    expected_release: date | None


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.TASKS, Topic.RELEASES)
def move_release_date(
    ctx: ServiceContext, case_id: uuid.UUID, new_date: date, *, base: ReleaseDate | None = None
) -> PlanView | None:
    """Change the expected release date; the plan's open tasks move with it. ``base``: the
    date the form showed (see :mod:`app.services.edits`)."""
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        moved = case
        new_date = merge_edit(
            session,
            case,
            base=base,
            typed={"expected_release": new_date},
            table="cases",
            entity_type="case",
            current=lambda: ReleaseDate(moved.expected_release),
            labels=CASE_FORM,
        )["expected_release"]
        if case.sentence_start is not None and new_date < case.sentence_start:
            raise ValidationError(
                {"expected_release": _("The expected release is before the sentence starts.")}
            )
        if case.expected_release != new_date:
            case.expected_release = new_date
            touch(case)
            audit_record(uow, ctx, AuditAction.UPDATE, "case", case.id, case, ["expected_release"])
            reschedule_plan(uow, ctx, case, new_date)
        plan = _existing_plan(session, case.id)
        view = None if plan is None else _plan_view(session, actor, plan, date.today())
        uow.commit()
        return view
