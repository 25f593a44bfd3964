"""The directories: institutions (prisons, probation offices…) and partner organisations.

Everyone who reads cases reads the directories: a volunteer needs a prison's visiting
information as much as a social worker does. Neither holds client data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.models import Institution, Organisation
from app.models.enums import InstitutionKind, OrganisationType
from app.security.permissions import Permission, requires
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
