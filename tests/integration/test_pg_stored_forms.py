"""On PostgreSQL a hand-written read returns values in SQLite's stored forms
(:mod:`app.store.pg_forms`), whatever form the server writes them in."""

from __future__ import annotations

import pytest

from app.store import uow
from app.store.pg_engine import make_server_engine

pytestmark = pytest.mark.postgresql_only


def test_times_and_ids_come_back_in_their_stored_forms(store_engine: str, pg_url: str) -> None:
    assert store_engine == "postgresql"
    engine = make_server_engine(pg_url)
    try:
        with uow.read_cursor(engine) as cursor:
            row = cursor.execute(
                "SELECT CAST('2026-12-07 09:05:00' AS timestamp), "
                "CAST('2026-12-07 09:05:00.1' AS timestamp), "
                "CAST('2026-12-07 09:05:00.123456' AS timestamp), "
                "CAST('2026-12-07 09:05:00.000050' AS timestamp), "
                "CAST('0a0eebc9-99c0-4ef8-bb6d-6bb9bd380a11' AS uuid), "
                "CAST('2026-12-07' AS date), true, false"
            ).fetchone()
    finally:
        engine.dispose()
    assert list(row) == [
        "2026-12-07 09:05:00.000000",
        "2026-12-07 09:05:00.100000",
        "2026-12-07 09:05:00.123456",
        "2026-12-07 09:05:00.000050",
        "0a0eebc999c04ef8bb6d6bb9bd380a11",
        "2026-12-07",
        1,
        0,
    ]
