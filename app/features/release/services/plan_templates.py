"""Release-plan templates: editable lists of tasks at offsets from the expected release date
("−90 days: apply for ID documents", "+30: follow-up meeting"). :mod:`app.features.release.services.release_plans`
makes a case's plan from one; a template is a starting point, not a link.

Default templates are stored with their English names and titles (marked with ``N_``) and
shown through ``_()``, so each user reads them in their own language; a template a
coordinator writes is shown as written.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import N_, _
from app.models import PlanTemplate, PlanTemplateItem
from app.models.enums import NeedDomain
from app.security.permissions import Permission, internal, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
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


@internal
def template_items(session: Session, template_id: uuid.UUID) -> list[PlanTemplateItem]:
    """The template's items by offset (and, on the same day, in the order written)."""
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
        seeded = bool(uow.session.scalar(select(func.count()).select_from(PlanTemplate)))
    if not seeded:
        with ctx.uow(write=True) as uow:  # the write lock first: nobody else adds them too
            if not uow.session.scalar(select(func.count()).select_from(PlanTemplate)):
                _seed(uow, ctx)
                uow.commit()
    with ctx.uow() as uow:
        session = uow.session
        stmt = select(PlanTemplate).order_by(PlanTemplate.name)
        if not include_inactive:
            stmt = stmt.where(PlanTemplate.active.is_(True))
        views = [_template_view(t, template_items(session, t.id)) for t in session.scalars(stmt)]
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
@writes(Topic.RELEASES)
def save_template(ctx: ServiceContext, data: TemplateInput) -> TemplateView:
    """Create a template, or replace an existing one's name, description and items.

    Plans already made from it keep their tasks: a template is a starting point, not a link.
    """
    validate_template(data)
    actor = ctx.require_actor()
    name = data.name.strip()
    with ctx.uow(write=True) as uow:
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
            for old in template_items(session, template.id):
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
        view = _template_view(template, template_items(session, template.id))
        uow.commit()
        return view


@requires(Permission.ADMIN)
@writes(Topic.RELEASES)
def set_template_active(ctx: ServiceContext, template_id: uuid.UUID, active: bool) -> None:
    """Retire a template (it is no longer offered) or bring it back. Plans keep their tasks."""
    with ctx.uow(write=True) as uow:
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
