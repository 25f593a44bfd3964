"""Referrals to partner organisations: list a case's referrals and draft a new one.

A referral starts as a draft; :func:`send_referral` sends it only when the client's consent
to sharing with partners is valid that day, and :func:`record_referral_response` records
the partner's answer (accepted, declined, completed) and the outcome. Referral details are case work, and a partner's type alone can reveal health data
(addiction services), so volunteers receive no referrals at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.features.cases.services.case_access import choice, sees_restricted, touch, visible_case
from app.features.consent.services.consent import consent_refusal
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _
from app.models import Case, Need, Organisation, Referral, utcnow
from app.models.enums import ConsentScope, NeedDomain, OrganisationType, ReferralStatus
from app.security.permissions import Permission, internal, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import Actor, ServiceContext
from app.services.edits import merge_edit
from app.services.scope import readable_case
from app.store.prepared import Prepared, param
from app.store.uow import read_cursor


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
    ref: Referral | _ReferralRow, domain: NeedDomain | None, name: str, kind: OrganisationType
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
    with read_cursor(ctx.engine) as cursor:
        readable_case(cursor, actor, case_id)
        return case_referrals(cursor, actor, case_id)


class _ReferralRow(NamedTuple):
    """The columns of a referral that a view shows, read without the ORM."""

    id: uuid.UUID
    case_id: uuid.UUID
    need_id: uuid.UUID | None
    organisation_id: uuid.UUID
    status: ReferralStatus
    sent_on: date | None
    responded_on: date | None
    outcome: str | None
    notes: str | None


@cache
def _case_referrals() -> Prepared:
    columns = [getattr(Referral, name) for name in _ReferralRow._fields]
    return Prepared(
        select(*columns, Need.domain, Organisation.name, Organisation.type)
        .join(Organisation, Organisation.id == Referral.organisation_id)
        .outerjoin(Need, Need.id == Referral.need_id)
        .where(Referral.case_id == param("case"))
        .order_by(Referral.created_at.desc(), Referral.id)
    )


@internal
def case_referrals(cursor: Any, reader: Actor, case_id: uuid.UUID) -> list[ReferralView]:
    """:func:`list_case_referrals` on a read cursor, once the caller knows ``reader`` may see
    the case (:func:`~app.services.scope.readable_case`)."""
    if not sees_restricted(reader):
        return []
    rows = _case_referrals().rows(cursor, {"case": case_id})
    return [_view(_ReferralRow(*r[:-3]), *r[-3:]) for r in rows]


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
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
    with ctx.uow(write=True) as uow:
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


def _referral_in_case(
    session: Session, actor: Actor, referral_id: uuid.UUID
) -> tuple[Referral, Case]:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFoundError(_("That referral no longer exists."))
    return referral, visible_case(session, actor, referral.case_id)


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def send_referral(
    ctx: ServiceContext, referral_id: uuid.UUID, sent_on: date | None = None
) -> ReferralView:
    """Send a draft referral. Refused unless the client's consent to sharing with partners is
    valid on the day it is sent (given, not expired, not withdrawn)."""
    today = date.today()
    on = sent_on or today
    if on > today:
        raise ValidationError({"sent_on": _("The date sent is in the future.")})
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        referral, case = _referral_in_case(session, actor, referral_id)
        if referral.status is not ReferralStatus.DRAFT:
            raise ValidationError({"status": _("This referral has already been sent.")})
        refusal = consent_refusal(session, case.client_id, ConsentScope.SHARING_WITH_PARTNERS, on)
        if refusal is not None:
            raise ValidationError({"consent": refusal})
        referral.status = ReferralStatus.SENT
        referral.sent_on = on
        referral.consent_checked_at = utcnow()
        log(
            uow,
            ctx,
            AuditAction.UPDATE,
            entity_type="referral",
            entity_id=referral.id,
            fields=["consent_checked_at", "sent_on", "status"],
            case_id=case.id,
            person_id=case.client_id,
        )
        touch(case)
        session.flush()
        view = _view(*session.execute(_stmt().where(Referral.id == referral.id)).one())
        uow.commit()
        return view


#: The answers a partner can give, and what they can follow.
_RESPONSES: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.SENT}),
    ReferralStatus.DECLINED: frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED}),
    ReferralStatus.COMPLETED: frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED}),
}


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def record_referral_response(
    ctx: ServiceContext,
    referral_id: uuid.UUID,
    status: ReferralStatus,
    outcome: str | None = None,
    responded_on: date | None = None,
    *,
    base: ReferralView | None = None,
) -> ReferralView:
    """The partner accepted, declined or completed the referral (with the outcome).
    ``base``: the referral as the form showed it (see :mod:`app.services.edits`)."""
    status = choice(ReferralStatus, status, "status")
    if status not in _RESPONSES:
        raise ValidationError({"status": _("Choose accepted, declined or completed.")})
    today = date.today()
    on = responded_on or today
    errors = v.Errors()
    errors.add("responded_on", v.not_future(on, today, _("The answer date is in the future.")))
    errors.add("outcome", v.text_limit(outcome))
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        referral, case = _referral_in_case(session, actor, referral_id)
        answer = merge_edit(
            session,
            referral,
            base=base,
            typed={"status": status, "responded_on": on, "outcome": v.clean(outcome)},
            table="referrals",
            entity_type="referral",
            current=lambda: _view(
                *session.execute(_stmt().where(Referral.id == referral_id)).one()
            ),
        )
        status, on, outcome = answer["status"], answer["responded_on"], answer["outcome"]
        if referral.status not in _RESPONSES[status]:
            message = (
                _("Send the referral before recording the answer.")
                if referral.status is ReferralStatus.DRAFT
                else _("This referral already has a final answer.")
            )
            raise ValidationError({"status": message})
        if referral.sent_on is not None and on < referral.sent_on:
            raise ValidationError({"responded_on": _("The answer came before it was sent.")})
        referral.status = status
        referral.responded_on = on
        fields = ["responded_on", "status"]
        if v.clean(outcome) is not None or referral.outcome is not None:
            referral.outcome = v.clean(outcome)
            fields.insert(0, "outcome")
        log(
            uow,
            ctx,
            AuditAction.UPDATE,
            entity_type="referral",
            entity_id=referral.id,
            fields=fields,
            case_id=case.id,
            person_id=case.client_id,
        )
        touch(case)
        session.flush()
        view = _view(*session.execute(_stmt().where(Referral.id == referral.id)).one())
        uow.commit()
        return view
