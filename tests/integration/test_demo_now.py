"""The demo built at 07:00 holds nothing after 07:00 except what is planned."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Date, DateTime, text

from app.demo.workspace import DEMO_PASSWORD, create_demo_workspace
from app.models import Base
from app.services import workspace as ws

#: A day well before the test runs, so that signing in to look (an audit event, a last
#: sign-in time, stamped by the real clock) is told apart from the demo's rows.
NOW = datetime(2025, 3, 3, 7, 0)
#: What is planned may lie ahead: the condition under which a row's value is a plan.
PLANNED = {
    ("tasks", "due_on"): "1",
    ("cases", "expected_release"): "1",
    ("cases", "retention_extended_until"): "1",
    ("consents", "expires_on"): "1",
    ("release_plans", "anchor_date"): "1",
    ("child_visits", "scheduled_at"): "status IN ('requested', 'approved', 'scheduled')",
}


def test_nothing_in_the_demo_lies_after_its_moment_but_plans(tmp_path: Path) -> None:
    created, _stats = create_demo_workspace(
        tmp_path / "demo", cases=300, seed=1, kdf_seconds=0, now=NOW
    )
    stamp, day = NOW.isoformat(sep=" ", timespec="microseconds"), NOW.date().isoformat()
    real = min(datetime.now(), datetime.now(UTC).replace(tzinfo=None)) - timedelta(minutes=5)
    real_stamp = real.isoformat(sep=" ", timespec="microseconds")
    future: dict[str, int] = {}
    checked = 0
    with ws.unlock(created.folder, "coordinator", DEMO_PASSWORD) as ctx, ctx.uow() as uow:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, DateTime):
                    limit = stamp
                elif isinstance(column.type, Date):
                    limit = day
                else:
                    continue
                plan = PLANNED.get((table.name, column.name), "0")
                n = uow.session.scalar(
                    text(
                        f'SELECT count(*) FROM {table.name} WHERE "{column.name}" > :limit '
                        f'AND "{column.name}" < :real AND NOT ({plan})'
                    ),
                    {"limit": limit, "real": real_stamp},
                )
                checked += 1
                if n:
                    future[f"{table.name}.{column.name}"] = n
        planned_ahead = uow.session.scalar(
            text("SELECT count(*) FROM tasks WHERE due_on > :day"), {"day": day}
        )
    assert checked > 60
    assert future == {}, str(sorted(future.items()))
    assert planned_ahead  # plans still lie ahead
    assert date.fromisoformat(day) == NOW.date()
