"""The daily backup beside the database thread: it writes nothing to the database, the
screens' reads and writes go on while it copies, and locking (like key rotation and VACUUM)
waits for it to finish."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.features.admin.services import backup, backup_files
from app.features.cases.services import cases
from app.models import AuditEvent
from app.services.context import ServiceContext
from app.store import copies
from tests.integration.helpers.casework import case_for, client


def audit_events(ctx: ServiceContext) -> int:
    with ctx.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_the_daily_copy_writes_nothing_to_the_database_and_is_recorded_after(
    ctx: ServiceContext, workspace: Any
) -> None:
    before = audit_events(ctx)
    result = backup.daily_copy(ctx)
    assert result is not None and backup_files.check_backup(result.backup.path).intact
    assert audit_events(ctx) == before  # the copy itself wrote no row
    assert backup.daily_copy(ctx) is None  # made minutes ago: not due again
    backup.record_backup(ctx)
    assert audit_events(ctx) == before + 1


def test_work_goes_on_beside_a_copy_and_locking_waits_for_it(
    ctx: ServiceContext, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    copying, release = threading.Event(), threading.Event()
    real_export = copies.export_copy

    def held_export(engine: Any, location: Any, keys: Any, destination: Path) -> dict[str, int]:
        copying.set()
        assert release.wait(30)
        return real_export(engine, location, keys, destination)

    monkeypatch.setattr(copies, "export_copy", held_export)
    person = client(ctx)
    outcome: dict[str, Any] = {}

    def make_backup() -> None:
        try:
            outcome["result"] = backup.daily_copy(ctx)
        except BaseException as exc:  # reported below
            outcome["error"] = exc

    beside = threading.Thread(target=make_backup)
    beside.start()
    assert copying.wait(30)
    # The copy holds a read transaction on a connection of its own: the database thread
    # still reads and writes.
    made = case_for(ctx, person.id)
    assert cases.get_case(ctx, made.id).client_id == person.id
    locking = threading.Thread(target=ctx.lock)
    locking.start()
    locking.join(0.5)
    assert locking.is_alive() and not ctx.locked  # waits for the copy to finish
    release.set()
    beside.join(60)
    locking.join(60)
    assert "error" not in outcome, outcome.get("error")
    assert ctx.locked
    result = outcome["result"]
    assert result is not None and backup_files.check_backup(result.backup.path).intact
    assert result.backup.rows > 0
