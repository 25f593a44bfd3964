"""``homeward demo``: a realistic, deterministic workspace, built fast."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import case, func, select

from app.demo.workspace import DEMO_PASSWORD, create_demo_workspace
from app.models import (
    AuditEvent,
    Case,
    CaseReferenceCounter,
    ChildVisit,
    Consent,
    Meeting,
    Person,
    Task,
    User,
)
from app.models.enums import CaseKind, CaseStatus
from app.services import workspace as ws
from app.services.workspace import is_demo_workspace


def test_demo_at_2000_cases_is_complete_and_consistent(tmp_path: Path) -> None:
    created, stats = create_demo_workspace(tmp_path / "demo", cases=2000, seed=7, kdf_seconds=0)
    assert stats.cases == 2000 and stats.meetings > 10_000 and stats.people > 1000
    assert is_demo_workspace(created.folder)
    for user in ("coordinator", "worker", "volunteer"):
        with ws.unlock(created.folder, user, DEMO_PASSWORD) as ctx:
            assert ctx.demo
    with ws.unlock(created.folder, "coordinator", DEMO_PASSWORD) as ctx:
        report = ws.verify(ctx)
        assert report.ok, report.problems
        with ctx.uow() as uow:
            s = uow.session
            assert s.scalar(select(func.count()).select_from(Case)) == 2000
            kinds = set(s.scalars(select(Case.kind).distinct()))
            statuses = {(k, st) for k, st in s.execute(select(Case.kind, Case.status).distinct())}
            assert kinds == set(CaseKind)
            assert statuses == {(k, st) for k in CaseKind for st in CaseStatus}
            refs = s.scalars(select(Case.reference)).all()
            assert len(set(refs)) == len(refs) and all(r.startswith("HW-") for r in refs)
            # each year's counter is where its cases end: the next case takes the number after
            highest = select(Case.reference_year, func.max(Case.reference_seq))
            used = {y: n for y, n in s.execute(highest.group_by(Case.reference_year))}
            counters = select(CaseReferenceCounter.year, CaseReferenceCounter.last_seq)
            assert {y: n for y, n in s.execute(counters)} == used
            assert s.scalar(select(func.count()).select_from(Meeting)) == stats.meetings
            assert s.scalar(select(func.count()).select_from(Task)) == stats.tasks
            assert s.scalar(select(func.count()).select_from(ChildVisit)) == stats.child_visits > 0
            assert s.scalar(select(func.count()).select_from(Person)) == stats.people
            closed_without_reason = s.scalar(
                select(func.count()).where(
                    Case.status == CaseStatus.CLOSED, Case.close_reason.is_(None)
                )
            )
            assert closed_without_reason == 0
            # meetings never precede the opening of their case
            early = s.scalar(
                select(func.count())
                .select_from(Meeting)
                .join(Case, Case.id == Meeting.case_id)
                .where(func.date(Meeting.occurred_at) < Case.opened_on)
            )
            assert early == 0


def test_demo_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    def fingerprint(name: str) -> list[tuple[object, ...]]:
        created, stats = create_demo_workspace(tmp_path / name, cases=60, seed=3, kdf_seconds=0)
        with ws.unlock(created.folder, "worker", DEMO_PASSWORD) as ctx, ctx.uow() as uow:
            cases = uow.session.execute(
                select(
                    Case.reference, Case.kind, Case.status, Person.given_name, Person.family_name
                )
                .join(Person, Person.id == Case.client_id)
                .order_by(Case.reference)
            )
            consents = uow.session.execute(
                select(Consent.id, Consent.scope, Consent.given_on, Consent.expires_on)
                .add_columns(Consent.withdrawn_on, Consent.created_at)
                .order_by(Consent.id)
            )
            # the demo's own events (signing in adds one); their times to the day, as an
            # event of today that would come after the moment of building is moved back to
            # it; users by name (the three demo accounts get new ids each time)
            events = uow.session.execute(
                select(AuditEvent.id, AuditEvent.action, AuditEvent.entity_type, User.username)
                .add_columns(AuditEvent.fields, AuditEvent.case_id, AuditEvent.person_id)
                .add_columns(func.date(AuditEvent.occurred_at))
                .add_columns(
                    case((AuditEvent.entity_type == "user", None), else_=AuditEvent.entity_id)
                )
                .outerjoin(User, User.id == AuditEvent.user_id)
                .where(AuditEvent.sequence <= stats.audit_events)
                .order_by(AuditEvent.sequence)
            )
            rows = [*cases, *consents, *events]
            assert stats.audit_events > 300 and len(rows) > 400
            return [tuple(r) for r in rows]

    assert fingerprint("a") == fingerprint("b")
