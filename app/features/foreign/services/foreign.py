"""Foreign-inmate needs: interpreter and languages, consular contacts, immigration and transfer
status, family abroad, discrimination reports.

Consular contacts, immigration status, family abroad and discrimination reports are restricted
(DESIGN.md §4): reading them needs ``RESTRICTED_READ`` (volunteers never get them), writing
``CASE_WRITE``. Languages and the need for an interpreter are not restricted: a volunteer
meeting the client needs to know them.

Contacting a consulate needs the client's valid consent for that purpose on the day of the
contact; without it :func:`log_consular_contact` refuses with a message that says what is
missing (no consent, withdrawn, expired).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.features.cases.services.case_access import (
    add_record,
    audit_record,
    choice,
    filled,
    record_in_case,
    touch,
    visible_case,
)
from app.features.consent.services.consent import consent_refusal
from app.kernel.changes import Topic, writes
from app.kernel.errors import ValidationError
from app.kernel.field_labels import PERSON_FORM
from app.kernel.i18n import _
from app.models import (
    Case,
    ConsularContact,
    DiscriminationReport,
    FamilyAbroad,
    ImmigrationRecord,
    Meeting,
    Person,
)
from app.models.enums import (
    ConsentScope,
    ConsularOutcome,
    ContactChannel,
    ImmigrationStatus,
    RelationshipKind,
)
from app.security.permissions import Permission, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.services.edits import merge_edit


@dataclass(frozen=True)
class InterpreterInfo:
    person_id: uuid.UUID
    languages: tuple[str, ...]  # ISO 639, in the order recorded
    interpreter_needed: bool
    meetings: int
    meetings_with_interpreter: int


@dataclass(frozen=True)
class ConsularContactView:
    id: uuid.UUID
    case_id: uuid.UUID
    country: str
    contacted_on: date
    channel: ContactChannel
    consent_to_notify: bool
    outcome: ConsularOutcome
    notes: str | None


@dataclass(frozen=True)
class ImmigrationView:
    id: uuid.UUID
    case_id: uuid.UUID
    status: ImmigrationStatus
    since: date
    notes: str | None
    current: bool


@dataclass(frozen=True)
class FamilyAbroadView:
    id: uuid.UUID
    case_id: uuid.UUID
    person_id: uuid.UUID | None
    name: str | None
    relationship_kind: RelationshipKind
    country: str
    contact_channel: ContactChannel
    notes: str | None


@dataclass(frozen=True)
class DiscriminationView:
    id: uuid.UUID
    case_id: uuid.UUID
    reported_on: date
    description: str
    reported_to: str | None
    outcome: str | None


@dataclass(frozen=True)
class ForeignRecords:
    """Everything the foreign-inmate tab shows, in one read."""

    interpreter: InterpreterInfo
    consular: list[ConsularContactView]
    immigration: list[ImmigrationView]
    family: list[FamilyAbroadView]
    discrimination: list[DiscriminationView]


def _country(errors: v.Errors, field: str, code: str | None) -> None:
    if not code or code == v.STATELESS:
        errors.add(field, _("Choose a country from the list."))
    else:
        errors.add(field, v.country_code(code))


def _not_future(errors: v.Errors, field: str, value: date, today: date) -> None:
    errors.add(field, v.not_future(value, today, _("The date is in the future.")))


# -- interpreter ----------------------------------------------------------------------------


def _interpreter(session: Session, case: Case) -> InterpreterInfo:
    person = session.get(Person, case.client_id)
    assert person is not None  # a case always has its client
    total, used = session.execute(
        select(
            func.count(Meeting.id),
            func.coalesce(func.sum(when((Meeting.interpreter_used, 1), else_=0)), 0),
        ).where(Meeting.case_id == case.id)
    ).one()
    return InterpreterInfo(
        person_id=person.id,
        languages=tuple(code for code in person.languages.split(",") if code),
        interpreter_needed=person.interpreter_needed,
        meetings=int(total),
        meetings_with_interpreter=int(used),
    )


@requires(Permission.CASE_READ)
def interpreter_info(ctx: ServiceContext, case_id: uuid.UUID) -> InterpreterInfo:
    """The client's languages, whether they need an interpreter, and how many of the case's
    meetings had one."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        return _interpreter(uow.session, visible_case(uow.session, actor, case_id))


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def set_interpreter_needs(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    languages: tuple[str, ...],
    interpreter_needed: bool,
    *,
    base: InterpreterInfo | None = None,
) -> InterpreterInfo:
    """Record the languages the client speaks and whether meetings need an interpreter.
    ``base``: what the form showed (see :mod:`app.services.edits`)."""
    error = v.language_codes(languages)
    if error:
        raise ValidationError({"languages": error})
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        person = session.get(Person, case.client_id)
        assert person is not None
        values = merge_edit(
            session,
            person,
            base=base,
            base_values=None
            if base is None
            else {
                "languages": ",".join(base.languages),
                "interpreter_needed": base.interpreter_needed,
            },
            typed={
                "languages": ",".join(dict.fromkeys(languages)),
                "interpreter_needed": bool(interpreter_needed),
            },
            table="people",
            entity_type="person",
            current=lambda: _interpreter(session, case),
            labels=PERSON_FORM,
        )
        person.languages = values["languages"]
        person.interpreter_needed = values["interpreter_needed"]
        log(
            uow,
            ctx,
            AuditAction.UPDATE,
            entity_type="person",
            entity_id=person.id,
            fields=["interpreter_needed", "languages"],
            case_id=case.id,
            person_id=person.id,
        )
        touch(case)
        session.flush()
        info = _interpreter(session, case)
        uow.commit()
        return info


# -- consular contacts ----------------------------------------------------------------------


def _consular_view(row: ConsularContact) -> ConsularContactView:
    return ConsularContactView(
        id=row.id,
        case_id=row.case_id,
        country=row.country,
        contacted_on=row.contacted_on,
        channel=row.channel,
        consent_to_notify=row.consent_to_notify,
        outcome=row.outcome,
        notes=row.notes,
    )


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def log_consular_contact(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    country: str,
    contacted_on: date,
    channel: ContactChannel,
    outcome: ConsularOutcome = ConsularOutcome.PENDING,
    notes: str | None = None,
) -> ConsularContactView:
    """Record a contact with the client's consulate. Refused unless the client's consent to
    consular contact is valid on ``contacted_on``."""
    channel = choice(ContactChannel, channel, "channel")
    outcome = choice(ConsularOutcome, outcome, "outcome")
    errors = v.Errors()
    _country(errors, "country", country)
    _not_future(errors, "contacted_on", contacted_on, date.today())
    errors.add("notes", v.text_limit(notes))
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        refusal = consent_refusal(
            session, case.client_id, ConsentScope.CONSULAR_CONTACT, contacted_on
        )
        if refusal is not None:
            raise ValidationError({"consent": refusal})
        row = ConsularContact(
            case_id=case.id,
            country=country,
            contacted_on=contacted_on,
            channel=channel,
            consent_to_notify=True,
            outcome=outcome,
            notes=v.clean(notes),
            created_by=actor.id,
        )
        fields = ["channel", "consent_to_notify", "contacted_on", "country", "outcome"]
        add_record(uow, ctx, case, row, "consular_contact", fields + filled(row, ("notes",)))
        view = _consular_view(row)
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
def set_consular_outcome(
    ctx: ServiceContext,
    contact_id: uuid.UUID,
    outcome: ConsularOutcome,
    *,
    base: ConsularContactView | None = None,
) -> ConsularContactView:
    """The consulate answered (or did not). ``base``: what the form showed (see
    :mod:`app.services.edits`)."""
    outcome = choice(ConsularOutcome, outcome, "outcome")
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        row, case = record_in_case(
            session,
            actor,
            ConsularContact,
            contact_id,
            _("That consular contact no longer exists."),
        )
        contact = row
        row.outcome = merge_edit(
            session,
            row,
            base=base,
            typed={"outcome": outcome},
            table="consular_contacts",
            entity_type="consular_contact",
            current=lambda: _consular_view(contact),
        )["outcome"]
        audit_record(uow, ctx, AuditAction.UPDATE, "consular_contact", row.id, case, ["outcome"])
        touch(case)
        session.flush()
        view = _consular_view(row)
        uow.commit()
        return view


def _consular(session: Session, case_id: uuid.UUID) -> list[ConsularContactView]:
    stmt = (
        select(ConsularContact)
        .where(ConsularContact.case_id == case_id)
        .order_by(ConsularContact.contacted_on.desc(), ConsularContact.created_at.desc())
    )
    return [_consular_view(r) for r in session.scalars(stmt)]


@requires(Permission.RESTRICTED_READ)
def list_consular_contacts(ctx: ServiceContext, case_id: uuid.UUID) -> list[ConsularContactView]:
    """The case's consular contacts, newest first."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        visible_case(uow.session, actor, case_id)
        return _consular(uow.session, case_id)


# -- immigration and transfer status --------------------------------------------------------


def _immigration(session: Session, case_id: uuid.UUID) -> list[ImmigrationView]:
    stmt = (
        select(ImmigrationRecord)
        .where(ImmigrationRecord.case_id == case_id)
        .order_by(ImmigrationRecord.since.desc(), ImmigrationRecord.created_at.desc())
    )
    rows = list(session.scalars(stmt))
    return [
        ImmigrationView(r.id, r.case_id, r.status, r.since, r.notes, current=i == 0)
        for i, r in enumerate(rows)
    ]


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def add_immigration_record(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    status: ImmigrationStatus,
    since: date,
    notes: str | None = None,
) -> ImmigrationView:
    """A new immigration or transfer status, valid from ``since`` until the next one."""
    status = choice(ImmigrationStatus, status, "status")
    errors = v.Errors()
    _not_future(errors, "since", since, date.today())
    errors.add("notes", v.text_limit(notes))
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        row = ImmigrationRecord(
            case_id=case.id, status=status, since=since, notes=v.clean(notes), created_by=actor.id
        )
        fields = ["since", "status", *filled(row, ("notes",))]
        add_record(uow, ctx, case, row, "immigration_record", fields)
        view = next(r for r in _immigration(session, case.id) if r.id == row.id)
        uow.commit()
        return view


@requires(Permission.RESTRICTED_READ)
def list_immigration_records(ctx: ServiceContext, case_id: uuid.UUID) -> list[ImmigrationView]:
    """The status history, newest first; the first is the current status."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        visible_case(uow.session, actor, case_id)
        return _immigration(uow.session, case_id)


# -- family abroad --------------------------------------------------------------------------


def _family_view(r: FamilyAbroad, person_name: str | None) -> FamilyAbroadView:
    return FamilyAbroadView(
        id=r.id,
        case_id=r.case_id,
        person_id=r.person_id,
        name=person_name or r.name,
        relationship_kind=r.relationship_kind,
        country=r.country,
        contact_channel=r.contact_channel,
        notes=r.notes,
    )


def _family(session: Session, case_id: uuid.UUID) -> list[FamilyAbroadView]:
    stmt = (
        select(FamilyAbroad, Person.given_name, Person.family_name)
        .outerjoin(Person, Person.id == FamilyAbroad.person_id)
        .where(FamilyAbroad.case_id == case_id)
        .order_by(FamilyAbroad.created_at, FamilyAbroad.id)
    )
    return [
        _family_view(r, f"{given} {family}" if given is not None else None)
        for r, given, family in session.execute(stmt)
    ]


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def add_family_abroad(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    relationship_kind: RelationshipKind,
    country: str,
    contact_channel: ContactChannel,
    *,
    name: str | None = None,
    person_id: uuid.UUID | None = None,
    notes: str | None = None,
) -> FamilyAbroadView:
    """A family member living abroad: a person in the system or a name."""
    kind = choice(RelationshipKind, relationship_kind, "relationship_kind")
    channel = choice(ContactChannel, contact_channel, "contact_channel")
    errors = v.Errors()
    _country(errors, "country", country)
    if person_id is None:
        errors.add("name", v.required_text(name))
    errors.add("notes", v.text_limit(notes))
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        if person_id is not None and session.get(Person, person_id) is None:
            raise ValidationError({"person_id": _("That person no longer exists.")})
        row = FamilyAbroad(
            case_id=case.id,
            person_id=person_id,
            name=None if person_id else v.clean(name),
            relationship_kind=kind,
            country=country,
            contact_channel=channel,
            notes=v.clean(notes),
            created_by=actor.id,
        )
        fields = ["contact_channel", "country", "relationship_kind"]
        fields += filled(row, ("name", "person_id", "notes"))
        add_record(uow, ctx, case, row, "family_abroad", fields)
        view = next(f for f in _family(session, case.id) if f.id == row.id)
        uow.commit()
        return view


@requires(Permission.RESTRICTED_READ)
def list_family_abroad(ctx: ServiceContext, case_id: uuid.UUID) -> list[FamilyAbroadView]:
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        visible_case(uow.session, actor, case_id)
        return _family(uow.session, case_id)


# -- discrimination reports -----------------------------------------------------------------


def _report_view(r: DiscriminationReport) -> DiscriminationView:
    return DiscriminationView(
        r.id, r.case_id, r.reported_on, r.description, r.reported_to, r.outcome
    )


def _reports(session: Session, case_id: uuid.UUID) -> list[DiscriminationView]:
    stmt = (
        select(DiscriminationReport)
        .where(DiscriminationReport.case_id == case_id)
        .order_by(DiscriminationReport.reported_on.desc(), DiscriminationReport.created_at.desc())
    )
    return [_report_view(r) for r in session.scalars(stmt)]


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def add_discrimination_report(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    reported_on: date,
    description: str,
    reported_to: str | None = None,
    outcome: str | None = None,
) -> DiscriminationView:
    """What happened, when, to whom it was reported, and (if known) the outcome."""
    errors = v.Errors()
    _not_future(errors, "reported_on", reported_on, date.today())
    errors.add("description", v.required_text(description, limit=v.LONG_TEXT_MAX))
    errors.add("reported_to", v.text_limit(reported_to, limit=v.NAME_MAX))
    errors.add("outcome", v.text_limit(outcome))
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        row = DiscriminationReport(
            case_id=case.id,
            reported_on=reported_on,
            description=description.strip(),
            reported_to=v.clean(reported_to),
            outcome=v.clean(outcome),
            created_by=actor.id,
        )
        fields = ["description", "reported_on", *filled(row, ("reported_to", "outcome"))]
        add_record(uow, ctx, case, row, "discrimination_report", fields)
        view = _report_view(row)
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def set_discrimination_outcome(
    ctx: ServiceContext,
    report_id: uuid.UUID,
    outcome: str | None,
    *,
    base: DiscriminationView | None = None,
) -> DiscriminationView:
    """Record (or change) what came of a discrimination report. ``base``: what the form
    showed (see :mod:`app.services.edits`)."""
    error = v.text_limit(outcome)
    if error:
        raise ValidationError({"outcome": error})
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        row, case = record_in_case(
            session, actor, DiscriminationReport, report_id, _("That report no longer exists.")
        )
        report = row
        row.outcome = merge_edit(
            session,
            row,
            base=base,
            typed={"outcome": v.clean(outcome)},
            table="discrimination_reports",
            entity_type="discrimination_report",
            current=lambda: _report_view(report),
        )["outcome"]
        audit_record(
            uow, ctx, AuditAction.UPDATE, "discrimination_report", row.id, case, ["outcome"]
        )
        touch(case)
        session.flush()
        view = _report_view(row)
        uow.commit()
        return view


@requires(Permission.RESTRICTED_READ)
def list_discrimination_reports(
    ctx: ServiceContext, case_id: uuid.UUID
) -> list[DiscriminationView]:
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        visible_case(uow.session, actor, case_id)
        return _reports(uow.session, case_id)


@requires(Permission.RESTRICTED_READ)
def foreign_records(ctx: ServiceContext, case_id: uuid.UUID) -> ForeignRecords:
    """Everything the foreign-inmate tab shows, in one read."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        return ForeignRecords(
            interpreter=_interpreter(session, case),
            consular=_consular(session, case.id),
            immigration=_immigration(session, case.id),
            family=_family(session, case.id),
            discrimination=_reports(session, case.id),
        )
