"""Several writers at once through the services, each signed in with a context of its own (a
team on a server; two windows on a laptop): every write waits its turn instead of failing,
case references count up with no collision and no gap, and the audit chain stays one
unbroken, verifiable chain."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.features.cases.services import cases, meetings
from app.models import AuditEvent, Case, User
from app.models.enums import CaseKind, MeetingKind
from app.services import audit_log, audit_witness
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, unlock
from app.store.uow import write_cursor
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


def test_a_writer_waits_for_the_one_before_it_and_a_reader_waits_for_none(
    workspace: CreatedWorkspace, ctx: ServiceContext
) -> None:
    other = unlock(workspace.folder, "coord", PASSWORD)
    holding, release = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with ctx.uow(write=True):
            holding.set()
            release.wait(10)
            order.append("first ends")

    def second() -> None:
        with other.uow(write=True):
            order.append("second begins")

    writer = threading.Thread(target=first)
    writer.start()
    try:
        assert holding.wait(10)
        with other.uow() as uow:  # reading needs no lock: not held up by the writer
            assert uow.session.scalar(select(func.count()).select_from(User)) == 1
        order.append("read")
        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(0.5)  # long enough for the second writer to begin, were it not waiting
        order.append("first told to end")
    finally:
        release.set()
        writer.join()
    waiting.join()
    other.lock()
    assert order == ["read", "first told to end", "first ends", "second begins"]


def test_a_write_inside_a_write_fails_at_once_and_a_reader_cannot_commit(
    ctx: ServiceContext,
) -> None:
    started = time.perf_counter()
    nested = "inside another write"
    with ctx.uow(write=True), pytest.raises(RuntimeError, match=nested), ctx.uow(write=True):
        pass
    with ctx.uow(write=True), pytest.raises(RuntimeError, match=nested), write_cursor(ctx.engine):
        pass
    assert time.perf_counter() - started < 2  # not after the busy timeout
    with ctx.uow() as uow, pytest.raises(RuntimeError, match="cannot commit"):
        uow.commit()
    with ctx.uow(write=True) as uow:  # the first write left nothing held
        uow.commit()
