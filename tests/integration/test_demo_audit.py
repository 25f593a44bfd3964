"""The demo's audit trail and consents: a trail that verifies and tells the data's story, and
a consent warning on a believable few of the open cases."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.demo.consent import WARNING_SHARE
from app.demo.trail import TRAIL_DAYS
from app.demo.workspace import DEMO_PASSWORD, create_demo_workspace
from app.features.consent.services import consent
from app.models.enums import CaseStatus
from app.security import audit, audit_stored, audit_verify
from app.security.audit import AuditAction, NewAuditEvent, audit_key
from app.services import audit_log
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.store.engine import KeyHolder, make_engine
from app.store.migrate import upgrade

#: The table behind each entity type the demo's events name.
TABLES = {
    "case": "cases",
    "person": "people",
    "relationship": "relationships",
    "consent": "consents",
    "need": "needs",
    "meeting": "meetings",
    "task": "tasks",
    "referral": "referrals",
    "child_visit": "child_visits",
    "visit_assessment": "visit_assessments",
    "immigration_record": "immigration_records",
    "consular_contact": "consular_contacts",
    "family_abroad": "family_abroad",
    "discrimination_report": "discrimination_reports",
    "custody_event": "custody_events",
    "release_plan": "release_plans",
    "export_record": "export_records",
    "user": "users",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-audit") / "demo"
    created, _stats = create_demo_workspace(folder, cases=300, seed=11, kdf_seconds=0)
    return created.folder


def scalar(ctx: ServiceContext, sql: str, **params: object) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar() or 0)


def test_the_trail_verifies_and_has_the_volume_of_months_of_work(demo: Path) -> None:
    with ws.unlock(demo, "coordinator", DEMO_PASSWORD) as ctx:
        report = ws.verify(ctx)
        assert report.ok, report.problems
        trail = audit_log.verify_trail(ctx)
        assert trail.ok and trail.events > 300 * 8
        actions = {
            row[0]
            for row in ctx.engine.connect().execute(
                text("SELECT DISTINCT action FROM audit_events")
            )
        }
        assert {"create", "update", "view_case", "sign_in", "backup", "export"} <= actions


def test_events_describe_rows_that_exist_in_time_order(demo: Path) -> None:
    with ws.unlock(demo, "worker", DEMO_PASSWORD) as ctx:
        # the chain is in time order (ties broken as the services write them)
        assert (
            scalar(
                ctx,
                "SELECT count(*) FROM audit_events a JOIN audit_events b "
                "ON b.sequence = a.sequence + 1 WHERE b.occurred_at < a.occurred_at",
            )
            == 0
        )
        for kind, table in TABLES.items():
            missing = scalar(
                ctx,
                f"SELECT count(*) FROM audit_events WHERE entity_type = :kind "
                f"AND entity_id NOT IN (SELECT id FROM {table})",
                kind=kind,
            )
            assert missing == 0, kind
        for column, table in (("user_id", "users"), ("case_id", "cases"), ("person_id", "people")):
            dangling = scalar(
                ctx,
                f"SELECT count(*) FROM audit_events WHERE {column} IS NOT NULL "
                f"AND {column} NOT IN (SELECT id FROM {table})",
            )
            assert dangling == 0, column
        # nothing happens to a case before it is created, or to a person before they are
        for entity, column in (("case", "case_id"), ("person", "person_id")):
            early = scalar(
                ctx,
                "SELECT count(*) FROM audit_events e JOIN audit_events c ON c.action = 'create' "
                f"AND c.entity_type = :entity AND c.entity_id = e.{column} "
                "WHERE e.sequence < c.sequence",
                entity=entity,
            )
            assert early == 0, entity
        # every meeting recorded in the trail's time, at the moment the row was written
        since = (date.today() - timedelta(days=TRAIL_DAYS)).isoformat()
        today = date.today().isoformat()
        meetings = scalar(
            ctx,
            "SELECT count(*) FROM meetings WHERE created_at >= :since AND created_at < :today",
            since=since,
            today=today,
        )
        logged = scalar(
            ctx,
            "SELECT count(*) FROM audit_events e JOIN meetings m ON m.id = e.entity_id "
            "WHERE e.action = 'create' AND e.occurred_at = m.created_at "
            "AND e.user_id = m.recorded_by AND e.case_id = m.case_id AND e.occurred_at < :today",
            today=today,
        )
        assert meetings > 300 and logged == meetings
        # the History tab of one of the worker's active cases
        with ctx.engine.connect() as conn:
            mine = conn.execute(
                text(
                    "SELECT c.id FROM cases c JOIN meetings m ON m.case_id = c.id "
                    "WHERE c.worker_id = :me AND c.status = 'active' AND m.created_at >= :since "
                    "ORDER BY c.reference LIMIT 1"
                ),
                {"me": ctx.require_actor().id.hex, "since": since},
            ).scalar_one()
        history = audit_log.case_history(ctx, uuid.UUID(mine))
        assert {(e.action, e.entity_type) for e in history} >= {
            ("view_case", "case"),
            ("create", "meeting"),
        }


def test_a_consent_warning_on_a_believable_few_open_cases(demo: Path) -> None:
    with ws.unlock(demo, "coordinator", DEMO_PASSWORD) as ctx:
        with ctx.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, worker_id FROM cases WHERE status != :closed ORDER BY reference"),
                {"closed": CaseStatus.CLOSED.value},
            ).all()
        statuses = [(consent.consent_status(ctx, uuid.UUID(r[0])), r[1]) for r in rows]
    warned = [(s, w) for s, w in statuses if not s.ok]
    share = len(warned) / len(statuses)
    assert WARNING_SHARE / 2 <= share <= WARNING_SHARE * 1.6, (len(warned), len(statuses))
    assert any(s.missing for s, _w in warned) and any(s.expiring for s, _w in warned)
    with ws.unlock(demo, "worker", DEMO_PASSWORD) as ctx:
        me = ctx.require_actor().id.hex
    assert sum(1 for _s, w in warned if w == me) >= 1


EVENTS = [
    NewAuditEvent(
        action=AuditAction.CREATE,
        user_id=uuid.UUID(int=1),
        entity_type="meeting",
        entity_id=uuid.UUID(int=2),
        fields=["summary", "kind"],
        case_id=uuid.UUID(int=3),
        person_id=uuid.UUID(int=4),
    ),
    NewAuditEvent(action=AuditAction.SIGN_IN, user_id=uuid.UUID(int=1), entity_type="user"),
    NewAuditEvent(action=AuditAction.BACKUP, entity_type="backup"),
]


def stored(event: NewAuditEvent, n: int) -> audit_stored.StoredEvent:
    def hexed(value: uuid.UUID | None) -> str | None:
        return None if value is None else value.hex

    return (
        uuid.UUID(int=100 + n).hex,
        f"2026-03-01 09:3{n}:00.000000",
        hexed(event.get("user_id")),
        event["action"].value,
        event.get("entity_type"),
        hexed(event.get("entity_id")),
        ",".join(sorted(event.get("fields", ()))),
        hexed(event.get("case_id")),
        hexed(event.get("person_id")),
    )


def test_stored_events_chain_exactly_like_recorded_ones(tmp_path: Path) -> None:
    """The generators' fast path writes the same MACs and head as ``append_bulk``."""
    key = audit_key(secrets.token_bytes(32))
    macs = []
    for name, stored_form in (("bulk", False), ("stored", True)):
        engine = make_engine(
            tmp_path / f"{name}.db", KeyHolder(secrets.token_bytes(32)), create=True
        )
        upgrade(engine)
        with engine.begin() as conn:
            if stored_form:
                assert (
                    audit_stored.append_stored(
                        conn, key, [stored(e, n) for n, e in enumerate(EVENTS)]
                    )
                    == 3
                )
            else:
                timed = [
                    NewAuditEvent(**e, occurred_at=datetime(2026, 3, 1, 9, 30 + n))  # type: ignore[typeddict-item]
                    for n, e in enumerate(EVENTS)
                ]
                audit.append_bulk(conn, key, timed)
        with engine.connect() as conn:
            assert audit_verify.verify_chain(conn, key).ok
            macs.append(conn.execute(text("SELECT mac FROM audit_events ORDER BY sequence")).all())
        engine.dispose()
    assert macs[0] == macs[1]


@pytest.mark.parametrize(
    "broken",
    [
        {3: "drop_table"},  # not an action
        {6: "summary,kind"},  # not sorted
        {1: "2026-03-01T09:30:00"},  # not the stored time
        {2: uuid.UUID(int=1).hex.upper()[:31]},  # not a stored UUID
    ],
)
def test_stored_events_must_be_in_stored_form(tmp_path: Path, broken: dict[int, str]) -> None:
    engine = make_engine(tmp_path / "a.db", KeyHolder(secrets.token_bytes(32)), create=True)
    upgrade(engine)
    event = list(stored(EVENTS[0], 0))
    for index, value in broken.items():
        event[index] = value
    with pytest.raises(ValueError), engine.begin() as conn:
        audit_stored.append_stored(conn, audit_key(secrets.token_bytes(32)), [tuple(event)])  # type: ignore[list-item]
    engine.dispose()


def test_the_demo_keeps_the_schema_of_the_migrations(demo: Path, tmp_path: Path) -> None:
    """The generator drops indexes for its bulk loads and builds them again: all of them."""
    engine = make_engine(tmp_path / "fresh.db", KeyHolder(secrets.token_bytes(32)), create=True)
    upgrade(engine)
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    with engine.connect() as conn:
        fresh = conn.execute(text(schema)).all()
    engine.dispose()
    with ws.unlock(demo, "coordinator", DEMO_PASSWORD) as ctx, ctx.engine.connect() as conn:
        assert conn.execute(text(schema)).all() == fresh


def test_export_kind_is_the_reports_own() -> None:
    from app.demo.trail_sessions import EXPORT_KIND
    from app.features.reports.services.service import EXPORT_KIND as REPORTS_KIND

    assert EXPORT_KIND == REPORTS_KIND
