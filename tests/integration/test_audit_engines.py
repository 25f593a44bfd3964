"""The audit chain across engines: its MACs cover one canonical encoding, so a chain written on
SQLCipher verifies on PostgreSQL; and on PostgreSQL concurrent writers queue for the chain
(a transaction-scoped advisory lock) instead of colliding on its sequence."""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from app.models import AuditEvent, Setting
from app.security.audit import AuditAction, audit_key, record
from app.security.audit_chain import HEAD_SETTING
from app.security.audit_verify import verify_chain
from app.store.engine import KeyHolder, make_engine
from app.store.migrate import upgrade
from app.store.pg_engine import make_server_engine

DATA_KEY = secrets.token_bytes(32)
KEY = audit_key(DATA_KEY)
T0 = datetime(2026, 3, 1, 9, 30, 0, 0)  # microsecond 0: the stored form keeps ".000000"

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def pg(store_engine: str, pg_url: str) -> Iterator[Engine]:
    assert store_engine == "postgresql"
    engine = make_server_engine(pg_url)
    yield engine
    engine.dispose()


def test_a_chain_written_on_sqlcipher_verifies_on_postgresql(tmp_path: Path, pg: Engine) -> None:
    keys = KeyHolder(DATA_KEY)
    laptop = make_engine(tmp_path / "a.db", keys, create=True)
    upgrade(laptop)
    user, entity = uuid.uuid4(), uuid.uuid4()
    with Session(laptop) as session:
        for i in range(12):
            record(
                session,
                KEY,
                action=list(AuditAction)[i % len(AuditAction)],
                user_id=None if i % 3 == 0 else user,
                entity_type=None if i % 4 == 0 else "case",
                entity_id=None if i % 4 == 0 else entity,
                fields=("status", "notes") if i % 2 else (),
                occurred_at=T0 + timedelta(minutes=i, microseconds=i * 10),
            )
        session.commit()
    with laptop.connect() as conn:
        assert verify_chain(conn, KEY).ok
        events = [dict(r._mapping) for r in conn.execute(select(AuditEvent.__table__))]
        head = dict(
            conn.execute(select(Setting.__table__).where(Setting.key == HEAD_SETTING))
            .one()
            ._mapping
        )
    laptop.dispose()
    keys.forget()
    with pg.begin() as conn:
        conn.execute(AuditEvent.__table__.insert(), events)
        conn.execute(Setting.__table__.insert(), head)
    with pg.connect() as conn:
        report = verify_chain(conn, KEY)
        assert (report.ok, report.events) == (True, 12)
        conn.execute(text("UPDATE audit_events SET fields = 'notes' WHERE sequence = 7"))
        assert verify_chain(conn, KEY).first_bad_sequence == 7


@pytest.mark.parametrize("writers", [2, 8])
def test_concurrent_writers_on_postgresql_extend_one_chain(pg: Engine, writers: int) -> None:
    each = 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with Session(pg) as session:
                    record(session, KEY, action=AuditAction.VIEW_CASE, fields=(f"w{n}_{i}",))
                    session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with pg.connect() as conn:
        sequences = [r[0] for r in conn.execute(text("SELECT sequence FROM audit_events"))]
        report = verify_chain(conn, KEY)
    assert sorted(sequences) == list(range(1, writers * each + 1))  # no collision, no gap
    assert (report.ok, report.events) == (True, writers * each)
