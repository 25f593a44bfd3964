"""Several writers at once through the services, each signed in with a context of its own (a
team on a server; two windows on a laptop): every write waits its turn instead of failing,
case references count up with no collision and no gap, and the audit chain stays one
unbroken, verifiable chain."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.features.cases.services import cases, meetings
from app.models import AuditEvent, Case
from app.models.enums import CaseKind, MeetingKind
from app.services import audit_log, audit_witness
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, unlock
from tests.conftest import PASSWORD
from tests.integration.helpers.casework import client

pytestmark = pytest.mark.engines

OPENED = date(2025, 3, 4)


def _work(ctx: ServiceContext, client_id: object, writer: int, rounds: int) -> None:
    """Open a case and record a meeting on it (with a follow-up task), ``rounds`` times."""
    for i in range(rounds):
        case = cases.open_case(
            ctx,
            cases.CaseInput(kind=CaseKind.RELEASE_SUPPORT, client_id=client_id, opened_on=OPENED),  # type: ignore[arg-type]
        )
        meetings.record_meeting(
            ctx,
            meetings.MeetingInput(
                case_id=case.id,
                occurred_at=datetime(2025, 3, 5, 10, 0),
                duration_minutes=30,
                kind=MeetingKind.OFFICE,
                summary=f"writer {writer}, round {i}",
                follow_up_title="Call back",
            ),
        )


@pytest.mark.parametrize(("writers", "rounds"), [(2, 10), (8, 4)])
def test_concurrent_writers_queue_and_leave_no_collision_and_no_gap(
    workspace: CreatedWorkspace, ctx: ServiceContext, writers: int, rounds: int
) -> None:
    person = client(ctx)
    contexts = [unlock(workspace.folder, "coord", PASSWORD) for _ in range(writers)]
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            start.wait()
            _work(contexts[n], person.id, n, rounds)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for other in contexts:
            other.lock()
    assert [repr(e) for e in errors] == []

    total = writers * rounds
    with ctx.engine.connect() as conn:
        refs = conn.execute(select(Case.reference_year, Case.reference_seq, Case.reference)).all()
        sequences = sorted(conn.execute(select(AuditEvent.sequence)).scalars())
    assert sorted(r[1] for r in refs) == list(range(1, total + 1))  # no collision, no gap
    assert {r[0] for r in refs} == {OPENED.year}
    assert sorted(r[2] for r in refs) == [
        cases.format_reference(2025, n) for n in range(1, total + 1)
    ]
    assert sequences == list(range(1, len(sequences) + 1))
    # each round wrote a case, a meeting and its task; plus the sign-ins and the client
    assert len(sequences) >= 3 * total + writers + 2
    audit_witness.flush(ctx.paths)
    report = audit_log.verify_trail(ctx)
    assert (report.ok, report.events) == (True, len(sequences)), report
