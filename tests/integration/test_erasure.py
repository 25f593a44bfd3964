"""Erasure (Art. 17): the person and what is only theirs leave every file; statistics stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.features.admin.services import backup
from app.features.people.services import people
from app.features.privacy.services import erasure
from app.features.reports.services.periods import quarter, trend_quarters
from app.features.reports.services.queries import count_all
from app.kernel.errors import ValidationError
from app.models import AuditEvent, Case, ChildVisit, Meeting, Person
from app.services import workspace as ws
from app.services.context import ServiceContext
from tests.integration.helpers.gdpr_data import make_client
from tests.integration.helpers.pages import find_in_workspace
from tests.integration.helpers.server_files import find_in_tables


def summary(ctx: ServiceContext) -> tuple[dict[object, int], dict[str, int]]:
    period = quarter(2026, 3)
    with ctx.engine.connect() as conn:
        counts = count_all(conn, period, trend_quarters(period))
    return dict(counts.values), dict(counts.minutes)


def test_erasure_leaves_no_trace_and_keeps_the_statistics(
    ctx: ServiceContext, tmp_path: Path, store_engine: str, request: pytest.FixtureRequest
) -> None:
    a = make_client(ctx, "A")
    b = make_client(ctx, "B", mention=f"{a.given} {a.family}")  # B's notes name A
    people.get_person(ctx, a.person_id)  # a view: an audit event about A
    before = summary(ctx)
    key = ctx.data_key()
    older = backup.create_backup(ctx, out=tmp_path / "usb").backup.path
    assert find_in_workspace(older, key, a.canaries) != []  # the scanner sees them

    preview = erasure.preview_erasure(ctx, a.person_id)
    assert [p.id for p in preview.also_erased] == [a.child_id]  # the child goes too
    assert preview.mentions == 1
    counts = dict(preview.counts)
    assert counts["meetings"] == 1 and counts["child_visits"] == 1 and counts["people"] == 2

    receipt = erasure.erase_person(ctx, a.person_id, token=preview.token)
    assert receipt.by == "Cora Coordinator" and receipt.count("mentions") == 1
    text = erasure.receipt_text(receipt)
    assert all(c not in text for c in a.canaries)

    # The previous quarter's summary is exactly what it was.
    assert summary(ctx) == before
    report = ws.verify(ctx)
    assert report.ok, report.problems
    with ctx.uow() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).where(AuditEvent.person_id == a.person_id)) == 0
        assert s.scalar(select(func.count()).where(AuditEvent.case_id == a.case_id)) == 0
        stub = s.get(Person, a.person_id)
        assert stub is not None and stub.anonymised_at is not None and stub.nationality == "RO"
        assert s.scalar(select(Case.anonymised_at).where(Case.id == a.case_id)) is not None
        assert s.scalar(select(func.count()).select_from(ChildVisit)) == 2  # stubs kept
        b_summary = s.scalar(select(Meeting.summary).where(Meeting.case_id == b.case_id))
        assert b_summary is not None and a.given not in b_summary and "[…]" in b_summary

    backup.create_backup(ctx)  # a backup made afterwards
    people.get_person(ctx, b.person_id)  # and the WAL in use again
    if store_engine == "sqlcipher":
        assert (ctx.folder / "homeward.db-wal").exists()
    # Database, WAL and backups, decrypted page by page (free pages included): no trace.
    assert find_in_workspace(ctx.folder, key, a.canaries) == []
    assert find_in_workspace(ctx.folder, key, b.canaries[:3]) != []  # B's data is still there
    if store_engine == "postgresql":  # the server's table files, as they lie on its disk
        data, server = request.getfixturevalue("pg_cluster").data, ctx.paths.server
        assert find_in_tables(data, server, a.canaries) == []
        assert find_in_tables(data, server, b.canaries[:3]) != []


def test_erasure_refuses_a_stale_preview(ctx: ServiceContext) -> None:
    a = make_client(ctx, "S")
    preview = erasure.preview_erasure(ctx, a.person_id)
    people.update_person(
        ctx, a.person_id, people.PersonInput(given_name=a.given, family_name=a.family, notes="new")
    )
    with pytest.raises(ValidationError, match="changed since the preview"):
        erasure.erase_person(ctx, a.person_id, token=preview.token)
    assert people.get_person(ctx, a.person_id).notes == "new"
    fresh = erasure.preview_erasure(ctx, a.person_id)
    erasure.erase_person(ctx, a.person_id, token=fresh.token)
    with pytest.raises(ValidationError, match="already erased"):
        erasure.preview_erasure(ctx, a.person_id)
    assert [r.action for r in erasure.list_receipts(ctx)] == ["erase"]
