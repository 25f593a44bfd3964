"""Tasks: create, edit, tick off and list.

Everyone may keep tasks (``TASKS_OWN``); the rule that depends on the data lives here:
staff (``TASKS_ALL``) may create and change any task, give it to any active user and link
it to any case; a volunteer only tasks assigned to themselves, free-standing or on a case
assigned to them. A volunteer sees only their own tasks, even on their own cases, because
a task title written by staff can carry restricted detail ("call the GP about …").

Lists are ordered open before done, then by due date with undated tasks last, so the
overdue ones (due before today) come first without a separate sort.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, or_, select, true
from sqlalchemy.orm import Session, aliased

from app.features.cases.services.case_access import touch
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _
from app.models import Case, Person, Task, User, utcnow
from app.models.enums import Role
from app.security.permissions import Permission, PermissionDenied, allowed, internal, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import Actor, ServiceContext
from app.services.edits import merge_edit
from app.services.scope import VisibleCase, readable_case, visible_cases_clause
from app.store.prepared import Prepared, param
from app.store.uow import UnitOfWork, read_cursor

MAX_LIST = 5_000


@dataclass(frozen=True)
class TaskInput:
    title: str
    due_on: date | None = None
    #: ``None``: the signed-in user (on create); the current assignee (on update).
    assignee_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    notes: str | None = None


@dataclass(frozen=True)
class TaskView:
    id: uuid.UUID
    title: str
    due_on: date | None
    assignee_id: uuid.UUID | None
    assignee_name: str | None
    case_id: uuid.UUID | None
    case_reference: str | None
    client_name: str | None
    done: bool
    done_at: datetime | None
    notes: str | None
    #: Not done and due before today.
    overdue: bool


@pure
def validate_task(data: TaskInput) -> None:
    errors = v.Errors()
    errors.add("title", v.required_text(data.title, limit=v.SHORT_TEXT_MAX))
    errors.add("notes", v.text_limit(data.notes))
    if data.due_on is not None and data.due_on.year < 2000:
        errors.add("due_on", _("The due date is before 2000. Check the year."))
    if errors:
        raise ValidationError(errors)


def _manages_all(actor: Actor) -> bool:
    return allowed(actor.role, Permission.TASKS_ALL)


def _readable(reader: Actor) -> ColumnElement[bool]:
    """Tasks ``reader`` may see. Needs ``Case`` outer-joined (see :func:`_stmt`)."""
    if _manages_all(reader):
        return true()
    return and_(
        Task.assignee_id == reader.id,
        or_(Task.case_id.is_(None), visible_cases_clause(reader)),
    )


_ASSIGNEE = aliased(User)
#: What a task view shows (see :func:`_task_views`); needs ``_ASSIGNEE``, ``Case`` and
#: ``Person`` joined.
_COLUMNS = (
    Task.id,
    Task.title,
    Task.due_on,
    Task.assignee_id,
    _ASSIGNEE.display_name,
    Task.case_id,
    Case.reference,
    (Person.given_name + " " + Person.family_name).label("client_name"),
    Task.done,
    Task.done_at,
    Task.notes,
)


@cache  # built once (statements are immutable): new aliases on every call cost ~1 ms
def _stmt() -> Select[*tuple[Any, ...]]:
    """Columns, not ORM objects: a list of thousands of tasks stays quick."""
    return (
        select(*_COLUMNS)
        .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Task.assignee_id)
        .outerjoin(Case, Case.id == Task.case_id)
        .outerjoin(Person, Person.id == Case.client_id)
    )


#: Open before done, then by due date with undated last. ``NULLS LAST`` (not an ``IS NULL``
#: term) lets an index on the due date deliver the order without sorting every task.
_ORDER = (Task.done, Task.due_on.asc().nulls_last(), Task.title, Task.id)


def _views(session: Session, stmt: Select[*tuple[Any, ...]], today: date) -> list[TaskView]:
    return _task_views(session.execute(stmt), today)


def _task_views(rows: Iterable[Sequence[Any]], today: date) -> list[TaskView]:
    """Views of rows of :func:`_stmt`'s columns."""
    return [
        TaskView(
            id=r[0],
            title=r[1],
            due_on=r[2],
            assignee_id=r[3],
            assignee_name=r[4],
            case_id=r[5],
            case_reference=r[6],
            client_name=r[7],
            done=r[8],
            done_at=r[9],
            notes=r[10],
            overdue=not r[8] and r[2] is not None and r[2] < today,
        )
        for r in rows
    ]


def _one(session: Session, task_id: uuid.UUID) -> TaskView:
    session.flush()
    return _views(session, _stmt().where(Task.id == task_id), date.today())[0]


def _changeable(session: Session, actor: Actor, task_id: uuid.UUID) -> Task:
    task = session.scalar(
        select(Task)
        .outerjoin(Case, Case.id == Task.case_id)
        .where(Task.id == task_id, _readable(actor))
    )
    if task is None:
        raise NotFoundError(_("That task no longer exists."))
    return task


def _check_links(
    session: Session,
    actor: Actor,
    assignee_id: uuid.UUID,
    case_id: uuid.UUID | None,
    *,
    assignee_changed: bool,
) -> Case | None:
    """Apply the assignment rules; return the task's case (``None`` for a free-standing task)."""
    if not _manages_all(actor) and assignee_id != actor.id:
        raise PermissionDenied(_("Volunteers can only give tasks to themselves."))
    errors = v.Errors()
    assignee = session.get(User, assignee_id)
    if assignee is None or (assignee_changed and not assignee.active):
        errors.add("assignee_id", _("Choose an active member of staff."))
    case = None
    if case_id is not None:
        case = session.scalar(select(Case).where(Case.id == case_id, visible_cases_clause(actor)))
        if case is None:
            errors.add("case_id", _("Choose a case from the list."))
    if (
        case is not None
        and assignee is not None
        and assignee.role == Role.VOLUNTEER
        and assignee.id not in (case.volunteer_id, case.worker_id)
    ):
        # The volunteer could not even see the task: their view is limited to their cases.
        errors.add("assignee_id", _("This volunteer is not assigned to the case."))
    if errors:
        raise ValidationError(errors)
    return case


def _log(
    uow: UnitOfWork,
    ctx: ServiceContext,
    action: AuditAction,
    task: Task,
    fields: list[str],
    case: Case | None,
) -> None:
    log(
        uow,
        ctx,
        action,
        entity_type="task",
        entity_id=task.id,
        fields=fields,
        case_id=case.id if case else None,
        person_id=case.client_id if case else None,
    )


@requires(Permission.TASKS_OWN)
@writes(Topic.CASES, Topic.TASKS)
def create_task(ctx: ServiceContext, data: TaskInput) -> TaskView:
    validate_task(data)
    actor = ctx.require_actor()
    assignee_id = actor.id if data.assignee_id is None else data.assignee_id
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = _check_links(session, actor, assignee_id, data.case_id, assignee_changed=True)
        task = Task(
            title=data.title.strip(),
            due_on=data.due_on,
            assignee_id=assignee_id,
            case_id=data.case_id,
            notes=v.clean(data.notes),
            created_by=actor.id,
        )
        session.add(task)
        session.flush()
        filled = ["title", "assignee_id"] + [
            name for name in ("due_on", "case_id", "notes") if getattr(task, name) is not None
        ]
        _log(uow, ctx, AuditAction.CREATE, task, filled, case)
        if case is not None:
            touch(case)
        view = _one(session, task.id)
        uow.commit()
        return view


@requires(Permission.TASKS_OWN)
def update_task(
    ctx: ServiceContext, task_id: uuid.UUID, data: TaskInput, *, base: TaskView | None = None
) -> TaskView:
    """Replace title, due date, assignee, case and notes. Unchanged input writes nothing.

    ``base``: the task as the form showed it when it opened; a field someone else changed
    since is kept, or raises :class:`~app.kernel.errors.EditConflict` if this edit changes it
    too (:mod:`app.services.edits`)."""
    validate_task(data)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        task = _changeable(session, actor, task_id)
        assignee_id = data.assignee_id
        if assignee_id is None:
            assignee_id = actor.id if task.assignee_id is None else task.assignee_id
        values = merge_edit(
            session,
            task,
            base=base,
            typed={
                "title": data.title.strip(),
                "due_on": data.due_on,
                "assignee_id": assignee_id,
                "case_id": data.case_id,
                "notes": v.clean(data.notes),
            },
            table="tasks",
            entity_type="task",
            current=lambda: _one(session, task_id),
        )
        case = _check_links(
            session,
            actor,
            values["assignee_id"],
            values["case_id"],
            assignee_changed=values["assignee_id"] != task.assignee_id,
        )
        old_case = session.get(Case, task.case_id) if task.case_id is not None else None
        changed = [name for name, value in values.items() if getattr(task, name) != value]
        for name in changed:
            setattr(task, name, values[name])
        if changed:
            _log(uow, ctx, AuditAction.UPDATE, task, changed, case)
            if old_case is not None and old_case is not case:
                # The case the task left has a history too.
                _log(uow, ctx, AuditAction.UPDATE, task, ["case_id"], old_case)
                touch(old_case)
            if case is not None:
                touch(case)
        view = _one(session, task.id)
        uow.commit()
        return view


@requires(Permission.TASKS_OWN)
@writes(Topic.CASES, Topic.TASKS)
def set_task_done(ctx: ServiceContext, task_id: uuid.UUID, done: bool) -> TaskView:
    """Tick a task off (recording when) or reopen it."""
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        task = _changeable(session, actor, task_id)
        if task.done != bool(done):
            task.done = bool(done)
            task.done_at = utcnow() if done else None
            case = session.get(Case, task.case_id) if task.case_id is not None else None
            _log(uow, ctx, AuditAction.UPDATE, task, ["done", "done_at"], case)
            if case is not None:
                touch(case)
        view = _one(session, task.id)
        uow.commit()
        return view


@internal
def open_tasks_of(
    session: Session, reader: Actor, today: date, *, due_by: date | None = None
) -> list[TaskView]:
    """The open tasks assigned to ``reader``; with ``due_by``, only those due by that day."""
    stmt = _stmt().where(Task.assignee_id == reader.id, Task.done.is_(False), _readable(reader))
    if due_by is not None:
        stmt = stmt.where(Task.due_on <= due_by)
    return _views(session, stmt.order_by(*_ORDER).limit(MAX_LIST), today)


@requires(Permission.TASKS_OWN)
def list_my_tasks(ctx: ServiceContext, include_done: bool = False) -> list[TaskView]:
    """Tasks assigned to me: overdue first, then by due date (undated last), done ones last."""
    actor = ctx.require_actor()
    stmt = _stmt().where(Task.assignee_id == actor.id, _readable(actor))
    if not include_done:
        stmt = stmt.where(Task.done.is_(False))
    with ctx.uow() as uow:
        return _views(uow.session, stmt.order_by(*_ORDER).limit(MAX_LIST), date.today())


@requires(Permission.CASE_READ)
def list_case_tasks(ctx: ServiceContext, case_id: uuid.UUID) -> list[TaskView]:
    """A case's tasks, done ones included (after the open ones). Volunteers: their own only."""
    actor = ctx.require_actor()
    with read_cursor(ctx.engine) as cursor:
        return case_tasks(cursor, actor, readable_case(cursor, actor, case_id))


@cache
def _case_tasks(all_tasks: bool) -> Prepared:
    # The caller has checked the case: what is left of _readable is whose tasks. The case's
    # reference and client come from the caller (looking them up again costs as much as
    # reading the tasks).
    mine = true() if all_tasks else Task.assignee_id == param("reader")
    columns = [
        bindparam(c.key, None, type_=String()) if c.key in ("reference", "client_name") else c
        for c in _COLUMNS
    ]
    stmt = (
        select(*columns)
        .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Task.assignee_id)
        .where(Task.case_id == param("case"), mine)
    )
    return Prepared(stmt.order_by(*_ORDER).limit(MAX_LIST))


@internal
def case_tasks(cursor: Any, reader: Actor, case: VisibleCase) -> list[TaskView]:
    """:func:`list_case_tasks` on a read cursor, once the caller knows ``reader`` may see the
    case (:func:`~app.services.scope.readable_case`)."""
    all_tasks = _manages_all(reader)
    params: dict[str, Any] = {
        "case": case.id,
        "reference": case.reference,
        "client_name": case.client_name,
    }
    if not all_tasks:
        params["reader"] = reader.id
    return _task_views(_case_tasks(all_tasks).rows(cursor, params), date.today())


@requires(Permission.TASKS_OWN)
def list_tasks(
    ctx: ServiceContext,
    *,
    assignee_id: uuid.UUID | None = None,
    include_done: bool = False,
    limit: int = 500,
    offset: int = 0,
) -> list[TaskView]:
    """Everyone's tasks for staff (optionally one assignee's); a volunteer gets only their
    own, whatever ``assignee_id`` says (another user's id gives an empty list)."""
    actor = ctx.require_actor()
    # The page is chosen on the tasks table alone, then joined: joining every task to its
    # assignee, case and client before sorting costs seconds at 300,000 tasks.
    page = select(Task.id)
    if not _manages_all(actor):
        page = page.outerjoin(Case, Case.id == Task.case_id)
    page = page.where(_readable(actor))
    if assignee_id is not None:
        page = page.where(Task.assignee_id == assignee_id)
    if not include_done:
        page = page.where(Task.done.is_(False))
    chosen = (
        page.order_by(*_ORDER).offset(max(offset, 0)).limit(max(0, min(limit, MAX_LIST))).subquery()
    )
    stmt = _stmt().join(chosen, chosen.c.id == Task.id).order_by(*_ORDER)
    with ctx.uow() as uow:
        return _views(uow.session, stmt, date.today())
