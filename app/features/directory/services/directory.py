"""The directories: institutions (prisons, probation offices…) and partner organisations.

Everyone who reads cases reads the directories: a volunteer needs a prison's visiting
information as much as a social worker does. Neither holds client data. The coordinator
maintains both (:func:`save_institution`, :func:`save_organisation`,
:func:`set_organisation_active`). A partner no longer used is made inactive, never deleted, so
old referrals keep their name; institutions are only edited (cases and visits point at them).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select

from app.features.cases.services.case_access import choice
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _
from app.models import Institution, Organisation
from app.models.enums import InstitutionKind, OrganisationType, SecurityLevel
from app.security.permissions import Permission, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.services.edits import merge_edit
from app.store import search
from app.store.search import fold, folded

Entry = TypeVar("Entry", Institution, Organisation)
Row = TypeVar("Row")


@dataclass(frozen=True)
class InstitutionRow:
    id: uuid.UUID
    name: str
    kind: InstitutionKind
    region: str | None
    country: str
    visiting_info: str | None
    child_contact_name: str | None
    child_contact_phone: str | None
    child_contact_email: str | None = None
    security_level: SecurityLevel = SecurityLevel.NOT_APPLICABLE
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class OrganisationRow:
    id: uuid.UUID
    name: str
    type: OrganisationType
    country: str
    region: str | None
    phone: str | None
    email: str | None
    active: bool
    address: str | None = None
    notes: str | None = None


_INST_COLUMNS = (
    "id",
    "name",
    "kind",
    "region",
    "country",
    "visiting_info",
    "child_contact_name",
    "child_contact_phone",
    "child_contact_email",
    "security_level",
    "address",
    "phone",
)
_ORG_COLUMNS = (
    "id",
    "name",
    "type",
    "country",
    "region",
    "phone",
    "email",
    "active",
    "address",
    "notes",
)


def _inst_row(inst: Institution) -> InstitutionRow:
    return InstitutionRow(*(getattr(inst, n) for n in _INST_COLUMNS))


def _org_row(org: Organisation) -> OrganisationRow:
    return OrganisationRow(*(getattr(org, n) for n in _ORG_COLUMNS))


@requires(Permission.CASE_READ)
def list_institutions(ctx: ServiceContext) -> list[InstitutionRow]:
    """Every institution, by name."""
    stmt = select(*(getattr(Institution, n) for n in _INST_COLUMNS)).order_by(
        Institution.name, Institution.id
    )
    with ctx.uow() as uow:
        return [InstitutionRow(*row) for row in uow.session.execute(stmt)]


@requires(Permission.CASE_READ)
def list_organisations(
    ctx: ServiceContext, include_inactive: bool = False
) -> list[OrganisationRow]:
    """Partner organisations by name; those no longer in use only when asked for."""
    stmt = select(*(getattr(Organisation, n) for n in _ORG_COLUMNS)).order_by(
        Organisation.name, Organisation.id
    )
    if not include_inactive:
        stmt = stmt.where(Organisation.active.is_(True))
    with ctx.uow() as uow:
        return [OrganisationRow(*row) for row in uow.session.execute(stmt)]


@dataclass(frozen=True)
class InstitutionInput:
    name: str
    kind: InstitutionKind
    security_level: SecurityLevel = SecurityLevel.NOT_APPLICABLE
    country: str = "NO"
    region: str | None = None
    address: str | None = None
    phone: str | None = None
    visiting_info: str | None = None
    child_contact_name: str | None = None
    child_contact_phone: str | None = None
    child_contact_email: str | None = None


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    type: OrganisationType
    country: str = "NO"
    region: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    notes: str | None = None


#: The longest entry each short field takes (the columns' sizes): longer is refused, not cut.
_SHORT_LIMITS = {
    "region": 100,
    "phone": 60,
    "email": v.NAME_MAX,
    "child_contact_name": v.NAME_MAX,
    "child_contact_phone": 60,
    "child_contact_email": v.NAME_MAX,
}
_ADDRESS_MAX = v.SHORT_TEXT_MAX * 4


def _check_entry(data: InstitutionInput | OrganisationInput, free: tuple[str, ...]) -> v.Errors:
    """What both directories check: a name, a real country, contact details that fit."""
    errors = v.Errors()
    errors.add("name", v.required_text(data.name))
    if not data.country or data.country == v.STATELESS:
        errors.add("country", _("Choose a country from the list."))
    errors.add("country", v.country_code(data.country))
    for name, limit in _SHORT_LIMITS.items():
        value = getattr(data, name, None)
        errors.add(name, v.text_limit(value, limit=limit))
        if name.endswith("email") and value and value.strip() and "@" not in value:
            errors.add(name, _("This does not look like an e-mail address."))
    errors.add("address", v.text_limit(data.address, limit=_ADDRESS_MAX))
    for name in free:
        errors.add(name, v.text_limit(getattr(data, name)))
    return errors


def _save(
    ctx: ServiceContext,
    model: type[Entry],
    values: dict[str, Any],
    entry_id: uuid.UUID | None,
    *,
    entity_type: str,
    taken: Callable[[Entry], str],
    gone: str,
    to_row: Callable[[Entry], Row],
    base: Row | None,
) -> Row:
    """Add or edit one directory entry, refusing a second entry of the same name; an edit
    keeps a colleague's change made since ``base`` (:mod:`app.services.edits`)."""
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        found = None if entry_id is None else session.get(model, entry_id)
        if entry_id is not None and found is None:
            raise NotFoundError(gone)
        if found is not None:
            entry_now = found
            values = merge_edit(
                session,
                found,
                base=base,
                typed=values,
                table=model.__tablename__,
                entity_type=entity_type,
                current=lambda: to_row(entry_now),
            )
        same_name = select(model).where(folded(model.name) == fold(values["name"]))
        if entry_id is not None:
            same_name = same_name.where(model.id != entry_id)
        twin = session.scalars(same_name.limit(1)).first()
        if twin is not None:
            raise ValidationError({"name": taken(twin)})
        if found is None:
            entry = model(**values, created_by=actor.id)
            session.add(entry)
            changed = [n for n, value in values.items() if value is not None]
            action = AuditAction.CREATE
        else:
            entry = found
            changed = [n for n, value in values.items() if getattr(entry, n) != value]
            for name, value in values.items():
                setattr(entry, name, value)
            action = AuditAction.UPDATE
        session.flush()
        if isinstance(entry, Institution) and found is not None and "name" in changed:
            # Case search lines carry the institution's name: find cases by the new one.
            search.refresh_cases(session, "c.institution_id = :id", {"id": entry.id.hex})
        log(uow, ctx, action, entity_type=entity_type, entity_id=entry.id, fields=sorted(changed))
        row = to_row(entry)
        uow.commit()
        return row


_INST_TEXT = (
    "region",
    "address",
    "phone",
    "visiting_info",
    "child_contact_name",
    "child_contact_phone",
    "child_contact_email",
)


@requires(Permission.ADMIN)
@writes(Topic.DIRECTORY)
def save_institution(
    ctx: ServiceContext,
    data: InstitutionInput,
    institution_id: uuid.UUID | None = None,
    *,
    base: InstitutionRow | None = None,
) -> InstitutionRow:
    """Add a prison, probation office… to the directory, or (with ``institution_id``) edit
    one: its visiting information and child contact person are shown when visits are booked.
    ``base``: the entry as the form showed it (see :mod:`app.services.edits`)."""
    kind = choice(InstitutionKind, data.kind, "kind")
    level = choice(SecurityLevel, data.security_level, "security_level")
    errors = _check_entry(data, ("visiting_info",))
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "name": data.name.strip(),
        "kind": kind,
        "security_level": level,
        "country": data.country,
        **{n: v.clean(getattr(data, n)) for n in _INST_TEXT},
    }
    return _save(
        ctx,
        Institution,
        values,
        institution_id,
        entity_type="institution",
        taken=lambda _twin: _("An institution with this name is already in the directory."),
        gone=_("That institution no longer exists."),
        to_row=_inst_row,
        base=base,
    )


@requires(Permission.ADMIN)
@writes(Topic.DIRECTORY)
def save_organisation(
    ctx: ServiceContext,
    data: OrganisationInput,
    organisation_id: uuid.UUID | None = None,
    *,
    base: OrganisationRow | None = None,
) -> OrganisationRow:
    """Add a partner to the directory, or (with ``organisation_id``) edit one. ``base``: the
    entry as the form showed it (see :mod:`app.services.edits`)."""
    kind = choice(OrganisationType, data.type, "type")
    errors = _check_entry(data, ("notes",))
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "name": data.name.strip(),
        "type": kind,
        "country": data.country,
        **{n: v.clean(getattr(data, n)) for n in ("region", "phone", "email", "address", "notes")},
    }
    return _save(
        ctx,
        Organisation,
        values,
        organisation_id,
        entity_type="organisation",
        taken=lambda twin: (
            _("An organisation with this name is already in the directory.")
            if twin.active
            else _(
                "An inactive organisation with this name is already in the directory: "
                "reactivate it instead."
            )
        ),
        gone=_("That organisation no longer exists."),
        to_row=_org_row,
        base=base,
    )


@requires(Permission.ADMIN)
@writes(Topic.DIRECTORY)
def set_organisation_active(
    ctx: ServiceContext, organisation_id: uuid.UUID, active: bool
) -> OrganisationRow:
    """Take a partner out of the lists for new referrals (or back in)."""
    with ctx.uow(write=True) as uow:
        org = uow.session.get(Organisation, organisation_id)
        if org is None:
            raise NotFoundError(_("That organisation no longer exists."))
        org.active = bool(active)
        log(
            uow,
            ctx,
            AuditAction.UPDATE,
            entity_type="organisation",
            entity_id=org.id,
            fields=["active"],
        )
        uow.session.flush()
        row = _org_row(org)
        uow.commit()
        return row
