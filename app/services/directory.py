"""The directories: institutions (prisons, probation offices…) and partner organisations.

Everyone who reads cases reads the directories: a volunteer needs a prison's visiting
information as much as a social worker does. Neither holds client data. The coordinator
maintains the partner directory (:func:`save_organisation`, :func:`set_organisation_active`);
a partner no longer used is made inactive, never deleted, so old referrals keep their name.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.errors import NotFoundError, ValidationError
from app.i18n import _
from app.models import Institution, Organisation
from app.models.enums import InstitutionKind, OrganisationType
from app.security.permissions import Permission, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.case_access import choice
from app.services.context import ServiceContext


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


@requires(Permission.CASE_READ)
def list_institutions(ctx: ServiceContext) -> list[InstitutionRow]:
    """Every institution, by name."""
    stmt = select(
        Institution.id,
        Institution.name,
        Institution.kind,
        Institution.region,
        Institution.country,
        Institution.visiting_info,
        Institution.child_contact_name,
        Institution.child_contact_phone,
        Institution.child_contact_email,
    ).order_by(Institution.name, Institution.id)
    with ctx.uow() as uow:
        return [InstitutionRow(*row) for row in uow.session.execute(stmt)]


@requires(Permission.CASE_READ)
def list_organisations(
    ctx: ServiceContext, include_inactive: bool = False
) -> list[OrganisationRow]:
    """Partner organisations by name; those no longer in use only when asked for."""
    stmt = select(
        Organisation.id,
        Organisation.name,
        Organisation.type,
        Organisation.country,
        Organisation.region,
        Organisation.phone,
        Organisation.email,
        Organisation.active,
    ).order_by(Organisation.name, Organisation.id)
    if not include_inactive:
        stmt = stmt.where(Organisation.active.is_(True))
    with ctx.uow() as uow:
        return [OrganisationRow(*row) for row in uow.session.execute(stmt)]


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


_ORG_FIELDS = ("name", "type", "country", "region", "phone", "email", "address", "notes")


def _org_row(org: Organisation) -> OrganisationRow:
    return OrganisationRow(
        org.id, org.name, org.type, org.country, org.region, org.phone, org.email, org.active
    )


@requires(Permission.ADMIN)
def save_organisation(
    ctx: ServiceContext, data: OrganisationInput, organisation_id: uuid.UUID | None = None
) -> OrganisationRow:
    """Add a partner to the directory, or (with ``organisation_id``) edit one."""
    kind = choice(OrganisationType, data.type, "type")
    errors = v.Errors()
    errors.add("name", v.required_text(data.name))
    errors.add("country", v.country_code(data.country) if data.country else None)
    if not data.country:
        errors.add("country", _("Choose a country from the list."))
    for name in ("region", "phone", "email"):
        errors.add(name, v.text_limit(getattr(data, name), limit=v.NAME_MAX))
    if data.email and "@" not in data.email:
        errors.add("email", _("This does not look like an e-mail address."))
    errors.add("address", v.text_limit(data.address, limit=v.SHORT_TEXT_MAX * 4))
    errors.add("notes", v.text_limit(data.notes))
    if errors:
        raise ValidationError(errors)
    values: dict[str, object] = {
        "name": data.name.strip(),
        "type": kind,
        "country": data.country,
        **{n: v.clean(getattr(data, n)) for n in _ORG_FIELDS[3:]},
    }
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        session = uow.session
        if organisation_id is None:
            org = Organisation(**values, created_by=actor.id)
            session.add(org)
            changed = [n for n, value in values.items() if value is not None]
            action = AuditAction.CREATE
        else:
            found = session.get(Organisation, organisation_id)
            if found is None:
                raise NotFoundError(_("That organisation no longer exists."))
            org = found
            changed = [n for n, value in values.items() if getattr(org, n) != value]
            for name, value in values.items():
                setattr(org, name, value)
            action = AuditAction.UPDATE
        session.flush()
        log(uow, ctx, action, entity_type="organisation", entity_id=org.id, fields=sorted(changed))
        row = _org_row(org)
        uow.commit()
        return row


@requires(Permission.ADMIN)
def set_organisation_active(
    ctx: ServiceContext, organisation_id: uuid.UUID, active: bool
) -> OrganisationRow:
    """Take a partner out of the lists for new referrals (or back in)."""
    with ctx.uow() as uow:
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
