"""Every field an audit event names is declared for its record, so the audit trail shows it in
the user's language (issue 18) — checked on a workspace's real events, not on a list.

Found walking the GUI: a report export listed its parameters ("end, format, language, …")
as raw names in every language.
"""

from __future__ import annotations

from pathlib import Path

from app.demo.workspace import DEMO_PASSWORD, create_demo_workspace
from app.features.reports.services import periods, service
from app.kernel.record_labels import declared
from app.services import audit_log
from app.services import workspace as ws


def test_every_field_of_every_event_has_a_declared_label(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    create_demo_workspace(folder, cases=30, seed=3, kdf_seconds=0)
    with ws.unlock(folder, "coordinator", DEMO_PASSWORD) as ctx:
        service.export_csv(ctx, periods.quarter(2026, 2), tmp_path / "q2.csv")
        service.export_pdf(ctx, periods.quarter(2026, 2), tmp_path / "q2.pdf", "ru")
        events = audit_log.list_events(ctx, limit=100_000)
    assert any(e.action == "export" and e.entity_type == "export_record" for e in events)
    undeclared = sorted(
        {
            f"{e.entity_type}.{name}"
            for e in events
            if e.entity_type
            for name in e.fields
            if declared(e.entity_type, name) is None
        }
    )
    assert undeclared == []
