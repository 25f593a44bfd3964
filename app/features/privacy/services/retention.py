"""Retention: how long a closed case is kept, and what happens after (GDPR Art. 5(1)(e)).

A coordinator sets, per kind of case, a period after closing (in months; none set means
cases of that kind are never proposed). Cases past it are *listed* by
:func:`retention_review`; nothing happens to them until a coordinator either anonymises
them (:func:`anonymise_cases`: personal data removed, statistical stub kept — see
:mod:`.anonymise`) or keeps them longer with a reason (:func:`extend_retention`). Nothing
is ever removed automatically.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select

from app.features.privacy.services import anonymise
from app.features.privacy.services.erasure import Receipt, receipt_from_row
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _
from app.models import Case, Person
from app.models.enums import CaseKind, CaseStatus
from app.security.permissions import Permission, pure, requires
from app.services import settings, workspace_settings
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.services.jobs import CancelFlag, Progress, Steps
from app.services.validation import text_limit

RETENTION_MONTHS = settings.RETENTION_MONTHS.key
MAX_MONTHS = settings.MAX_RETENTION_MONTHS
REASON_MAX = 1000


@dataclass(frozen=True)
class RetentionPolicy:
    """Months after closing, per kind; ``None`` where the coordinator has set none."""

    months: tuple[tuple[CaseKind, int | None], ...]

    def for_kind(self, kind: CaseKind) -> int | None:
        return dict(self.months).get(kind)


@dataclass(frozen=True)
class RetentionCase:
    case_id: uuid.UUID
    reference: str
    kind: CaseKind
    closed_on: date
    due_on: date
    extended_until: date | None
    extension_reason: str | None
    #: The client has other cases that are not anonymised: only this case's data goes.
    client_kept: bool


@pure
def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _policy(ctx: ServiceContext) -> RetentionPolicy:
    values = settings.read(ctx, settings.RETENTION_MONTHS)
    return RetentionPolicy(tuple((kind, values.get(kind.value)) for kind in CaseKind))


@requires(Permission.GDPR)
def retention_policy(ctx: ServiceContext) -> RetentionPolicy:
    return _policy(ctx)


@requires(Permission.GDPR)
@writes()
def set_retention_period(
    ctx: ServiceContext, kind: CaseKind, months: int | None
) -> RetentionPolicy:
    current = {k.value: v for k, v in _policy(ctx).months if v is not None}
    if months is None:
        current.pop(kind.value, None)
    else:
        current[kind.value] = months
    problem = settings.RETENTION_MONTHS.problem(current)
    if problem is not None:
        raise ValidationError({"months": problem})
    workspace_settings.save(ctx, {settings.RETENTION_MONTHS: current})
    return _policy(ctx)


def _due(ctx: ServiceContext, today: date) -> list[RetentionCase]:
    policy = _policy(ctx)
    clauses = [
        and_(Case.kind == kind, Case.closed_on <= add_months(today, -months))
        for kind, months in policy.months
        if months is not None
    ]
    if not clauses:
        return []
    stmt = (
        select(Case)
        .where(
            Case.status == CaseStatus.CLOSED,
            Case.anonymised_at.is_(None),
            Case.closed_on.is_not(None),
            or_(*clauses),
            or_(Case.retention_extended_until.is_(None), Case.retention_extended_until <= today),
        )
        .order_by(Case.closed_on, Case.reference)
    )
    with ctx.uow() as uow:
        due = list(uow.session.scalars(stmt))
        open_cases = dict(
            uow.session.execute(
                select(Case.client_id, func.count())
                .where(Case.anonymised_at.is_(None), Case.client_id.in_({c.client_id for c in due}))
                .group_by(Case.client_id)
            ).all()
        )
        per_client: dict[uuid.UUID, int] = {}
        for case in due:
            per_client[case.client_id] = per_client.get(case.client_id, 0) + 1
        result = []
        for case in due:
            assert case.closed_on is not None
            months = policy.for_kind(case.kind) or 0
            result.append(
                RetentionCase(
                    case_id=case.id,
                    reference=case.reference,
                    kind=case.kind,
                    closed_on=case.closed_on,
                    due_on=add_months(case.closed_on, months),
                    extended_until=case.retention_extended_until,
                    extension_reason=case.retention_reason,
                    client_kept=open_cases.get(case.client_id, 0) > per_client[case.client_id],
                )
            )
        return result


@requires(Permission.GDPR)
def retention_review(ctx: ServiceContext, *, today: date | None = None) -> list[RetentionCase]:
    """Closed cases past their kind's retention period (and any extension), oldest first."""
    return _due(ctx, today or date.today())


@requires(Permission.GDPR)
@writes(Topic.PEOPLE, Topic.CASES)
def anonymise_cases(
    ctx: ServiceContext,
    case_ids: list[uuid.UUID],
    *,
    today: date | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Receipt:
    """Anonymise the chosen cases from the review list (all in one transaction).

    A client whose every case is then anonymous becomes a stub too, with the relatives who
    are only theirs. Cases not due for review are refused.
    """
    steps = Steps(progress, cancel)
    actor = ctx.require_actor()
    chosen = set(case_ids)
    if not chosen:
        raise ValidationError({"cases": _("Choose at least one case.")})
    due = {c.case_id for c in _due(ctx, today or date.today())}
    if not chosen <= due:
        raise ValidationError(
            {"cases": _("Some of the chosen cases are not due for review; nothing was changed.")}
        )
    steps.at(_("Anonymising"), 0.1)
    with ctx.uow(write=True) as uow:
        session = uow.session
        clients = set(session.scalars(select(Case.client_id).where(Case.id.in_(chosen))))
        remaining = set(
            session.scalars(
                select(Case.client_id).where(
                    Case.client_id.in_(clients),
                    Case.anonymised_at.is_(None),
                    Case.id.not_in(chosen),
                )
            )
        )
        people = {
            pid
            for pid in clients - remaining
            if session.scalar(select(Person.anonymised_at).where(Person.id == pid)) is None
        }
        people |= anonymise.only_theirs(session, people, chosen)
        plan = anonymise.Plan(tuple(sorted(people)), tuple(sorted(chosen)))
        counts = anonymise.count(session, plan)
        anonymise.apply(session, plan)
        receipt = anonymise.record_receipt(session, ctx, "anonymise", counts)
        for case_id in plan.cases:
            log(uow, ctx, AuditAction.ANONYMISE, entity_type="case", entity_id=case_id)
        steps.at(_("Anonymising"), 0.5)
        uow.commit()
        result = receipt_from_row(receipt, actor.display_name)
    steps.report(_("Removing the anonymised data from the file"), 0.7)
    anonymise.purge_free_pages(ctx)
    steps.report(_("Done"), 1.0)
    return result


@requires(Permission.GDPR)
@writes(Topic.CASES)
def extend_retention(
    ctx: ServiceContext, case_id: uuid.UUID, until: date, reason: str, *, today: date | None = None
) -> None:
    """Keep a closed case until ``until`` (it leaves the review list until then)."""
    errors: dict[str, str] = {}
    if until <= (today or date.today()):
        errors["until"] = _("Choose a date in the future.")
    if not reason.strip():
        errors["reason"] = _("Say why the case is kept longer.")
    elif message := text_limit(reason, limit=REASON_MAX):
        errors["reason"] = message
    if errors:
        raise ValidationError(errors)
    with ctx.uow(write=True) as uow:
        case = uow.session.get(Case, case_id)
        if case is None or case.anonymised_at is not None:
            raise NotFoundError(_("That case no longer exists."))
        case.retention_extended_until = until
        case.retention_reason = reason.strip()
        log(
            uow,
            ctx,
            AuditAction.RETENTION,
            entity_type="case",
            entity_id=case.id,
            fields=["retention_extended_until", "retention_reason"],
            case_id=case.id,
        )
        uow.commit()
