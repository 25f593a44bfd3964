"""Consent records: record, withdraw, list, and the per-case consent status the header warns with.

A consent is *valid* on a day when it was given on or before that day, has not expired
(``expires_on`` is the last day it covers) and was not withdrawn on or before that day.
Other services ask :func:`consent_refusal` before doing something that needs consent
(sending a referral needs ``SHARING_WITH_PARTNERS``, contacting a consulate needs
``CONSULAR_CONTACT``); it answers with a message that says what is missing, or ``None``.

Which scopes a case needs: case work, always; consular contact for a foreign-inmate case;
sharing with partners once the case has a referral.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.features.cases.services.case_access import choice
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _
from app.kernel.labels import label
from app.models import Case, Consent, Person, Referral, User
from app.models.enums import CaseKind, ConsentScope, LegalBasis
from app.security.permissions import Permission, internal, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.services.scope import VisibleCase, readable_case, visible_people_clause
from app.store.prepared import Prepared, param
from app.store.uow import read_cursor

#: The header warns this many days before a consent runs out.
EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class ConsentView:
    id: uuid.UUID
    person_id: uuid.UUID
    scope: ConsentScope
    legal_basis: LegalBasis
    given_on: date
    expires_on: date | None
    withdrawn_on: date | None
    recorded_by_name: str | None
    #: ``None`` for volunteers (staff notes are restricted).
    notes: str | None
    valid: bool


@dataclass(frozen=True)
class ConsentStatus:
    """What the case header warns about. Every tuple is in :class:`ConsentScope` order."""

    case_id: uuid.UUID
    #: Scopes the case needs for which the client has no valid consent today.
    missing: tuple[ConsentScope, ...]
    #: Of ``missing``: those whose latest consent was withdrawn, or has expired.
    withdrawn: tuple[ConsentScope, ...]
    expired: tuple[ConsentScope, ...]
    #: Valid consents that run out within :data:`EXPIRY_WARNING_DAYS`: (scope, last day).
    expiring: tuple[tuple[ConsentScope, date], ...]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.expiring


@pure
def is_valid(given_on: date, expires_on: date | None, withdrawn_on: date | None, on: date) -> bool:
    """Whether a consent with these dates covers the day ``on``."""
    return (
        given_on <= on
        and (expires_on is None or on <= expires_on)
        and (withdrawn_on is None or on < withdrawn_on)
    )


def _consents(session: Session, person_id: uuid.UUID, scope: ConsentScope) -> list[Consent]:
    stmt = (
        select(Consent)
        .where(Consent.person_id == person_id, Consent.scope == scope)
        .order_by(Consent.given_on.desc(), Consent.created_at.desc())
    )
    return list(session.scalars(stmt))


def _scope_name(scope: ConsentScope) -> str:
    return label(scope).lower()


@internal
def consent_refusal(
    session: Session, person_id: uuid.UUID, scope: ConsentScope, on: date
) -> str | None:
    """``None`` if the person has a valid ``scope`` consent on ``on``; else why not (a
    translated message naming the scope, never the person)."""
    rows = _consents(session, person_id, scope)
    if any(is_valid(c.given_on, c.expires_on, c.withdrawn_on, on) for c in rows):
        return None
    name = _scope_name(scope)
    latest = rows[0] if rows else None
    if latest is None:
        return _(
            "The client has not given consent to {scope}. Record the client's consent on the "
            "Consent tab first."
        ).format(scope=name)
    if latest.withdrawn_on is not None and latest.withdrawn_on <= on:
        return _(
            "The client withdrew consent to {scope}. Record a new consent on the Consent tab first."
        ).format(scope=name)
    if latest.expires_on is not None and latest.expires_on < on:
        return _(
            "The client's consent to {scope} has expired. Record a renewed consent on the "
            "Consent tab first."
        ).format(scope=name)
    return _(
        "The client's consent to {scope} does not cover that date. Check the consent's dates "
        "on the Consent tab."
    ).format(scope=name)


def _view(row: Consent, recorder: str | None, hide_notes: bool, today: date) -> ConsentView:
    return ConsentView(
        id=row.id,
        person_id=row.person_id,
        scope=row.scope,
        legal_basis=row.legal_basis,
        given_on=row.given_on,
        expires_on=row.expires_on,
        withdrawn_on=row.withdrawn_on,
        recorded_by_name=recorder,
        notes=None if hide_notes else row.notes,
        valid=is_valid(row.given_on, row.expires_on, row.withdrawn_on, today),
    )


def _one(session: Session, consent_id: uuid.UUID) -> tuple[Consent, str | None]:
    row = session.execute(
        select(Consent, User.display_name)
        .outerjoin(User, User.id == Consent.recorded_by)
        .where(Consent.id == consent_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(_("That consent record no longer exists."))
    return row[0], row[1]


@requires(Permission.CASE_WRITE)
@writes(Topic.PEOPLE)
def record_consent(
    ctx: ServiceContext,
    person_id: uuid.UUID,
    scope: ConsentScope,
    legal_basis: LegalBasis,
    given_on: date,
    expires_on: date | None = None,
    notes: str | None = None,
) -> ConsentView:
    """Record a consent (or another legal basis) the person gave for ``scope``."""
    scope = choice(ConsentScope, scope, "scope")
    legal_basis = choice(LegalBasis, legal_basis, "legal_basis")
    today = date.today()
    errors = v.Errors()
    errors.add("given_on", v.not_future(given_on, today, _("The consent date is in the future.")))
    if expires_on is not None and expires_on < given_on:
        errors.add("expires_on", _("The consent expires before it was given."))
    errors.add("notes", v.text_limit(notes))
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        if session.get(Person, person_id) is None:
            raise NotFoundError(_("That person no longer exists."))
        consent = Consent(
            person_id=person_id,
            scope=scope,
            legal_basis=legal_basis,
            given_on=given_on,
            expires_on=expires_on,
            notes=v.clean(notes),
            recorded_by=actor.id,
            created_by=actor.id,
        )
        session.add(consent)
        session.flush()
        fields = ["scope", "legal_basis", "given_on", "recorded_by"]
        fields += [n for n in ("expires_on", "notes") if getattr(consent, n) is not None]
        log(
            uow,
            ctx,
            AuditAction.CREATE,
            entity_type="consent",
            entity_id=consent.id,
            fields=fields,
            person_id=person_id,
        )
        view = _view(*_one(session, consent.id), False, today)
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
@writes(Topic.PEOPLE)
def withdraw_consent(
    ctx: ServiceContext, consent_id: uuid.UUID, withdrawn_on: date | None = None
) -> ConsentView:
    """Mark a consent withdrawn from ``withdrawn_on`` (today by default)."""
    today = date.today()
    on = withdrawn_on or today
    with ctx.uow(write=True) as uow:
        session = uow.session
        consent, _recorder = _one(session, consent_id)
        errors = v.Errors()
        if consent.withdrawn_on is not None:
            errors.add("withdrawn_on", _("This consent was already withdrawn."))
        errors.add(
            "withdrawn_on", v.not_future(on, today, _("The withdrawal date is in the future."))
        )
        if on < consent.given_on:
            errors.add("withdrawn_on", _("The consent is withdrawn before it was given."))
        if errors:
            raise ValidationError(errors)
        consent.withdrawn_on = on
        log(
            uow,
            ctx,
            AuditAction.UPDATE,
            entity_type="consent",
            entity_id=consent.id,
            fields=["withdrawn_on"],
            person_id=consent.person_id,
        )
        session.flush()
        view = _view(*_one(session, consent.id), False, today)
        uow.commit()
        return view


@requires(Permission.CASE_READ)
def list_consents(ctx: ServiceContext, person_id: uuid.UUID) -> list[ConsentView]:
    """A person's consent records, newest first (a volunteer: only their clients', no notes)."""
    actor = ctx.require_actor()
    today = date.today()
    with ctx.uow() as uow:
        session = uow.session
        seen = session.scalar(
            select(Person.id).where(Person.id == person_id, visible_people_clause(actor))
        )
        if seen is None:
            raise NotFoundError(_("That person no longer exists."))
        stmt = (
            select(Consent, User.display_name)
            .outerjoin(User, User.id == Consent.recorded_by)
            .where(Consent.person_id == person_id)
            .order_by(Consent.given_on.desc(), Consent.created_at.desc(), Consent.id)
        )
        return [_view(c, name, actor.is_volunteer, today) for c, name in session.execute(stmt)]


def _scopes(kind: CaseKind, has_referral: bool) -> tuple[ConsentScope, ...]:
    """The consent scopes the case's work needs (see the module note)."""
    needed = {ConsentScope.CASE_WORK}
    if kind is CaseKind.FOREIGN_INMATE:
        needed.add(ConsentScope.CONSULAR_CONTACT)
    if has_referral:
        needed.add(ConsentScope.SHARING_WITH_PARTNERS)
    return tuple(s for s in ConsentScope if s in needed)


@requires(Permission.CASE_READ)
def consent_status(
    ctx: ServiceContext, case_id: uuid.UUID, today: date | None = None
) -> ConsentStatus:
    """Which consents the case's client lacks today, or will lose within 30 days."""
    actor = ctx.require_actor()
    with read_cursor(ctx.engine) as cursor:
        return status_of(cursor, readable_case(cursor, actor, case_id), today or date.today())


class _Given(NamedTuple):
    scope: ConsentScope
    given_on: date
    created_at: datetime
    expires_on: date | None
    withdrawn_on: date | None


@cache
def _client_consents() -> Prepared:
    columns = [getattr(Consent, name) for name in _Given._fields]
    referred = exists().where(Referral.case_id == param("case"))
    return Prepared(
        select(referred.label("referred"), *columns)
        .select_from(Case)
        .outerjoin(Consent, Consent.person_id == Case.client_id)
        .where(Case.id == param("case"))
    )


@internal
def status_of(cursor: Any, case: VisibleCase, today: date) -> ConsentStatus:
    """:func:`consent_status` on a read cursor, once the caller knows the reader may see the
    case (:func:`~app.services.scope.readable_case`)."""
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    found = _client_consents().rows(cursor, {"case": case.id})
    rows = [_Given(*r[1:]) for r in found if r[1] is not None]
    missing: list[ConsentScope] = []
    withdrawn: list[ConsentScope] = []
    expired: list[ConsentScope] = []
    expiring: list[tuple[ConsentScope, date]] = []
    for scope in _scopes(case.kind, bool(found and found[0][0])):
        mine = sorted(
            (c for c in rows if c.scope is scope),
            key=lambda c: (c.given_on, c.created_at),
            reverse=True,
        )
        valid = [c for c in mine if is_valid(c.given_on, c.expires_on, c.withdrawn_on, today)]
        if not valid:
            missing.append(scope)
            latest = mine[0] if mine else None
            if latest is not None and latest.withdrawn_on is not None:
                withdrawn.append(scope)
            elif latest is not None and latest.expires_on is not None:
                expired.append(scope)
            continue
        ends = [c.expires_on for c in valid]
        last = None if None in ends else max(e for e in ends if e is not None)
        if last is not None and last <= soon:
            expiring.append((scope, last))
    return ConsentStatus(
        case_id=case.id,
        missing=tuple(missing),
        withdrawn=tuple(withdrawn),
        expired=tuple(expired),
        expiring=tuple(expiring),
    )
