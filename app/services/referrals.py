"""Referrals to partner organisations: list a case's referrals and draft a new one.

Consent checks before sending come later (their own issue); a referral made here is a
draft. Referral details are case work, and a partner's type alone can reveal health data
(addiction services), so volunteers receive no referrals at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from app.errors import ValidationError
from app.i18n import _
from app.models import Need, Organisation, Referral
from app.models.enums import NeedDomain, OrganisationType, ReferralStatus
from app.security.permissions import Permission, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.case_access import sees_restricted, touch, visible_case
from app.services.context import ServiceContext


@dataclass(frozen=True)
class ReferralView:
    id: uuid.UUID
    case_id: uuid.UUID
    need_id: uuid.UUID | None
    need_domain: NeedDomain | None
    organisation_id: uuid.UUID
    organisation_name: str
    organisation_type: OrganisationType
    status: ReferralStatus
    sent_on: date | None
    responded_on: date | None
    outcome: str | None
    notes: str | None


def _stmt() -> Select[*tuple[Any, ...]]:
    return (
        select(Referral, Need.domain, Organisation.name, Organisation.type)
        .join(Organisation, Organisation.id == Referral.organisation_id)
        .outerjoin(Need, Need.id == Referral.need_id)
    )


def _view(
    ref: Referral, domain: NeedDomain | None, name: str, kind: OrganisationType
) -> ReferralView:
    return ReferralView(
        id=ref.id,
        case_id=ref.case_id,
        need_id=ref.need_id,
        need_domain=domain,
        organisation_id=ref.organisation_id,
        organisation_name=name,
        organisation_type=kind,
        status=ref.status,
        sent_on=ref.sent_on,
        responded_on=ref.responded_on,
        outcome=ref.outcome,
        notes=ref.notes,
    )


@requires(Permission.CASE_READ)
def list_case_referrals(ctx: ServiceContext, case_id: uuid.UUID) -> list[ReferralView]:
    """A case's referrals, newest first. Always empty for volunteers (see the module note)."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        session = uow.session
        visible_case(session, actor, case_id)
        if not sees_restricted(actor):
            return []
        stmt = (
            _stmt()
            .where(Referral.case_id == case_id)
            .order_by(Referral.created_at.desc(), Referral.id)
        )
        return [_view(*row) for row in session.execute(stmt)]


@requires(Permission.CASE_WRITE)
def create_referral(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    organisation_id: uuid.UUID,
    need_id: uuid.UUID | None = None,
    notes: str | None = None,
) -> ReferralView:
    """A draft referral of the case to an active partner, optionally for one of its needs."""
    error = v.text_limit(notes)
    if error:
        raise ValidationError({"notes": error})
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        errors = v.Errors()
        organisation = session.get(Organisation, organisation_id)
        if organisation is None or not organisation.active:
            errors.add("organisation_id", _("Choose an organisation from the list."))
        if need_id is not None:
            need = session.get(Need, need_id)
            if need is None or need.case_id != case.id:
                errors.add("need_id", _("Choose one of this case's needs."))
        if errors:
            raise ValidationError(errors)
        referral = Referral(
            case_id=case.id,
            need_id=need_id,
            organisation_id=organisation_id,
            status=ReferralStatus.DRAFT,
            notes=v.clean(notes),
            created_by=actor.id,
        )
        session.add(referral)
        session.flush()
        fields = ["organisation_id", "status"] + [
            name for name in ("need_id", "notes") if getattr(referral, name) is not None
        ]
        log(
            uow,
            ctx,
            AuditAction.CREATE,
            entity_type="referral",
            entity_id=referral.id,
            fields=fields,
            case_id=case.id,
            person_id=case.client_id,
        )
        touch(case)
        view = _view(*session.execute(_stmt().where(Referral.id == referral.id)).one())
        uow.commit()
        return view
