"""Release plans: tasks at offsets from the expected release date, made from editable templates.

A plan template is a list of items ("−90 days: apply for ID documents", "+30: follow-up
meeting"). Starting a plan for a case writes one task per item, due on the release date plus
the item's offset, with ``plan_id`` and ``plan_offset_days`` set. ``tasks.plan_id`` is not a
foreign key (see the model); this module is the only writer of both fields and keeps them
consistent: a task with a ``plan_id`` belongs to that plan's case.

When the release date moves, the plan's *open* tasks move by the same number of days and the
anchor moves with them; done tasks keep their dates (they record what happened). Moving by
the difference, rather than recomputing ``anchor + offset``, keeps a due date someone changed
by hand in the same place relative to the release.

Default templates are stored with their English names and titles (marked with ``N_``) and
shown through ``_()``, so each user reads them in their own language; a template a
coordinator writes is shown as written. Tasks are written in the language of the user who
starts the plan, like any task they would type.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, ValidationError
from app.i18n import N_, _
from app.models import Case, PlanTemplate, PlanTemplateItem, ReleasePlan, Task, User, utcnow
from app.models.enums import CaseKind, CaseStatus, NeedDomain, Role
from app.security.permissions import Permission, allowed, internal, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.case_access import touch, visible_case
from app.services.context import Actor, ServiceContext
from app.store.uow import UnitOfWork

#: Offsets further than this from the release date are almost certainly typing mistakes.
MAX_OFFSET_DAYS = 3 * 365

_D = NeedDomain
#: The default templates: (name, description, items of (offset days, title, need domain)).
DEFAULT_TEMPLATES: tuple[tuple[str, str, tuple[tuple[int, str, NeedDomain | None], ...]], ...] = (
    (
        N_("Short sentence"),
        N_("For sentences under a year: a short run-up, the first weeks after release."),
        (
            (-60, N_("Apply for ID documents"), _D.ID_DOCUMENTS),
            (-45, N_("Housing application"), _D.HOUSING),
            (-30, N_("Benefits appointment and bank account"), _D.INCOME_BENEFITS),
            (-14, N_("Match a mentor"), None),
            (0, N_("Meet at the gate"), None),
            (7, N_("Follow-up meeting: first week"), None),
            (30, N_("Follow-up meeting: one month"), None),
            (90, N_("Follow-up meeting: three months"), None),
        ),
    ),
    (
        N_("Long sentence"),
        N_("For long sentences: documents, housing, work and family prepared well ahead."),
        (
            (-90, N_("Apply for ID documents"), _D.ID_DOCUMENTS),
            (-75, N_("Debt advice and payment plan"), _D.DEBT),
            (-60, N_("Housing application"), _D.HOUSING),
            (-45, N_("Work or education plan"), _D.EMPLOYMENT),
            (-30, N_("Benefits appointment and bank account"), _D.INCOME_BENEFITS),
            (-21, N_("Family contact: prepare the return home"), _D.FAMILY_CONTACT),
            (-14, N_("Match a mentor"), None),
            (0, N_("Meet at the gate"), None),
            (7, N_("Follow-up meeting: first week"), None),
            (30, N_("Follow-up meeting: one month"), None),
            (90, N_("Follow-up meeting: three months"), None),
            (180, N_("Follow-up meeting: six months"), None),
            (365, N_("Follow-up meeting: one year"), None),
        ),
    ),
    (
        N_("Electronic monitoring"),
        N_("For a sentence served at home with an ankle tag: work, routine and the end date."),
        (
            (-30, N_("Check the address and household agree to the monitoring"), _D.HOUSING),
            (-21, N_("Work or education plan"), _D.EMPLOYMENT),
            (-14, N_("Benefits appointment and bank account"), _D.INCOME_BENEFITS),
            (-7, N_("Match a mentor"), None),
            (0, N_("Meeting on the day the tag comes off"), None),
            (30, N_("Follow-up meeting: one month"), None),
            (90, N_("Follow-up meeting: three months"), None),
        ),
    ),
)


# -- read models -------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateItemInput:
    offset_days: int
    title: str
    need_domain: NeedDomain | None = None


@dataclass(frozen=True)
class TemplateInput:
    name: str
    items: tuple[TemplateItemInput, ...]
    description: str | None = None
    #: ``None``: a new template; otherwise the template to replace.
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class TemplateItemView:
    offset_days: int
    #: As stored (the English source for a default template).
    title: str
    need_domain: NeedDomain | None
    #: For people: in the reader's language when it is a default title.
    label: str


@dataclass(frozen=True)
class TemplateView:
    id: uuid.UUID
    name: str
    label: str
    description: str | None
    active: bool
    items: tuple[TemplateItemView, ...]


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


@pure
def template_label(name: str | None) -> str:
    """A template's name for people (a default template's name is translated)."""
    return _(name) if name else _("(template removed)")


# -- templates ---------------------------------------------------------------------------


@internal
def ensure_default_templates(session: Session, created_by: uuid.UUID | None = None) -> int:
    """Add the default templates if the workspace has no template yet; returns how many.

    Runs inside the caller's transaction. A workspace where a coordinator has removed or
    renamed the defaults is left alone: only an empty template table is seeded.
    """
    if session.scalar(select(func.count()).select_from(PlanTemplate)):
        return 0
    for name, description, items in DEFAULT_TEMPLATES:
        template = PlanTemplate(name=name, description=description, created_by=created_by)
        session.add(template)
        session.flush()
        for position, (offset, title, domain) in enumerate(items):
            session.add(
                PlanTemplateItem(
                    template_id=template.id,
                    offset_days=offset,
                    title=title,
                    need_domain=domain,
                    position=position,
                    created_by=created_by,
                )
            )
    session.flush()
    return len(DEFAULT_TEMPLATES)


def _template_view(template: PlanTemplate, items: Sequence[PlanTemplateItem]) -> TemplateView:
    return TemplateView(
        id=template.id,
        name=template.name,
        label=template_label(template.name),
        description=_(template.description) if template.description else None,
        active=template.active,
        items=tuple(
            TemplateItemView(i.offset_days, i.title, i.need_domain, _(i.title)) for i in items
        ),
    )


def _items(session: Session, template_id: uuid.UUID) -> list[PlanTemplateItem]:
    stmt = (
        select(PlanTemplateItem)
        .where(PlanTemplateItem.template_id == template_id)
        .order_by(PlanTemplateItem.offset_days, PlanTemplateItem.position)
    )
    return list(session.scalars(stmt))


def _seed(uow: UnitOfWork, ctx: ServiceContext) -> None:
    """Seed the defaults on first use, as its own audited write (the caller commits)."""
    actor = ctx.actor
    if ensure_default_templates(uow.session, actor.id if actor else None):
        for template in uow.session.scalars(select(PlanTemplate)):
            log(
                uow,
                ctx,
                AuditAction.CREATE,
                entity_type="plan_template",
                entity_id=template.id,
                fields=["name", "description", "items"],
            )


@requires(Permission.CASE_WRITE)
def list_templates(ctx: ServiceContext, *, include_inactive: bool = False) -> list[TemplateView]:
    """The plan templates, by name; the defaults are added the first time anyone asks."""
    with ctx.uow() as uow:
        session = uow.session
        if not session.scalar(select(func.count()).select_from(PlanTemplate)):
            _seed(uow, ctx)
            uow.commit()
        stmt = select(PlanTemplate).order_by(PlanTemplate.name)
        if not include_inactive:
            stmt = stmt.where(PlanTemplate.active.is_(True))
        views = [_template_view(t, _items(session, t.id)) for t in session.scalars(stmt)]
    return sorted(views, key=lambda t: t.label.casefold())


@pure
def validate_template(data: TemplateInput) -> None:
    errors = v.Errors()
    errors.add("name", v.required_text(data.name))
    errors.add("description", v.text_limit(data.description))
    if not data.items:
        errors.add("items", _("Add at least one task to the template."))
    for item in data.items:
        problem = v.required_text(item.title, limit=v.SHORT_TEXT_MAX)
        if problem is None and abs(item.offset_days) > MAX_OFFSET_DAYS:
            problem = _("A task can be at most three years before or after the release.")
        errors.add("items", problem)
    if errors:
        raise ValidationError(errors)


@requires(Permission.ADMIN)
def save_template(ctx: ServiceContext, data: TemplateInput) -> TemplateView:
    """Create a template, or replace an existing one's name, description and items.

    Plans already made from it keep their tasks: a template is a starting point, not a link.
    """
    validate_template(data)
    actor = ctx.require_actor()
    name = data.name.strip()
    with ctx.uow() as uow:
        session = uow.session
        _seed(uow, ctx)
        clash = session.scalar(select(PlanTemplate.id).where(PlanTemplate.name == name))
        if clash is not None and clash != data.id:
            raise ValidationError({"name": _("A template with this name already exists.")})
        if data.id is None:
            template = PlanTemplate(name=name, created_by=actor.id)
            session.add(template)
            action = AuditAction.CREATE
        else:
            found = session.get(PlanTemplate, data.id)
            if found is None:
                raise NotFoundError(_("That template no longer exists."))
            template, action = found, AuditAction.UPDATE
            for old in _items(session, template.id):
                session.delete(old)
        template.name = name
        template.description = v.clean(data.description)
        template.active = True
        session.flush()
        for position, item in enumerate(data.items):
            session.add(
                PlanTemplateItem(
                    template_id=template.id,
                    offset_days=item.offset_days,
                    title=item.title.strip(),
                    need_domain=item.need_domain,
                    position=position,
                    created_by=actor.id,
                )
            )
        session.flush()
        log(
            uow,
            ctx,
            action,
            entity_type="plan_template",
            entity_id=template.id,
            fields=["name", "description", "items", "active"],
        )
        view = _template_view(template, _items(session, template.id))
        uow.commit()
        return view


@requires(Permission.ADMIN)
def set_template_active(ctx: ServiceContext, template_id: uuid.UUID, active: bool) -> None:
    """Retire a template (it is no longer offered) or bring it back. Plans keep their tasks."""
    with ctx.uow() as uow:
        template = uow.session.get(PlanTemplate, template_id)
        if template is None:
            raise NotFoundError(_("That template no longer exists."))
        if template.active != bool(active):
            template.active = bool(active)
            log(
                uow,
                ctx,
                AuditAction.UPDATE,
                entity_type="plan_template",
                entity_id=template.id,
                fields=["active"],
            )
        uow.commit()


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
        return _preview(case, anchor, template, _items(session, template.id))


def _existing_plan(session: Session, case_id: uuid.UUID) -> ReleasePlan | None:
    return session.scalar(select(ReleasePlan).where(ReleasePlan.case_id == case_id))


@requires(Permission.CASE_WRITE)
def start_plan(ctx: ServiceContext, case_id: uuid.UUID, template_id: uuid.UUID) -> PlanView:
    """Make the case's release plan from a template: the plan and all its tasks, or nothing.

    The tasks go to the case's social worker (or to whoever starts the plan, if the case has
    no active worker).
    """
    actor = ctx.require_actor()
    today = date.today()
    with ctx.uow() as uow:
        session = uow.session
        case, anchor = _plannable(session, actor, case_id)
        if _existing_plan(session, case.id) is not None:
            raise ValidationError({"case": _("This case already has a release plan.")})
        template = _template(session, template_id)
        preview = _preview(case, anchor, template, _items(session, template.id))
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
        session.add(plan)
        session.flush()
        log(
            uow,
            ctx,
            AuditAction.CREATE,
            entity_type="release_plan",
            entity_id=plan.id,
            fields=["template_id", "anchor_date", "started_on"],
            case_id=case.id,
            person_id=case.client_id,
        )
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
            session.add(task)
            session.flush()
            log(
                uow,
                ctx,
                AuditAction.CREATE,
                entity_type="task",
                entity_id=task.id,
                fields=["title", "due_on", "assignee_id", "case_id", "plan_id", "plan_offset_days"],
                case_id=case.id,
                person_id=case.client_id,
            )
        touch(case)
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
    log(
        uow,
        ctx,
        AuditAction.UPDATE,
        entity_type="release_plan",
        entity_id=plan.id,
        fields=["anchor_date"],
        case_id=case.id,
        person_id=case.client_id,
    )
    moved = 0
    for task, new_due in zip(tasks, new_dues, strict=True):
        if task.due_on != new_due:
            task.due_on = new_due
            task.updated_at = utcnow()
            moved += 1
            log(
                uow,
                ctx,
                AuditAction.UPDATE,
                entity_type="task",
                entity_id=task.id,
                fields=["due_on"],
                case_id=case.id,
                person_id=case.client_id,
            )
    session.flush()
    return moved


@requires(Permission.CASE_WRITE)
def move_release_date(ctx: ServiceContext, case_id: uuid.UUID, new_date: date) -> PlanView | None:
    """Change the expected release date; the plan's open tasks move with it."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        if case.sentence_start is not None and new_date < case.sentence_start:
            raise ValidationError(
                {"expected_release": _("The expected release is before the sentence starts.")}
            )
        if case.expected_release != new_date:
            case.expected_release = new_date
            touch(case)
            log(
                uow,
                ctx,
                AuditAction.UPDATE,
                entity_type="case",
                entity_id=case.id,
                fields=["expected_release"],
                case_id=case.id,
                person_id=case.client_id,
            )
            reschedule_plan(uow, ctx, case, new_date)
        plan = _existing_plan(session, case.id)
        view = None if plan is None else _plan_view(session, actor, plan, date.today())
        uow.commit()
        return view
