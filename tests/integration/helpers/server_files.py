"""Read a PostgreSQL database's table files the hard way, as its server's administrator could.

The test cluster's data folder is the tests' own (tests/pg_cluster.py): every file of the
workspace's tables, their TOAST tables and their indexes is read as it lies on disk. The
write-ahead log is not: what it keeps, and for how long, is the server's own business (its
administrator's settings), not the app's.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.store.pg_engine import make_server_engine
from tests.integration.helpers.pages import encodings

_FILES = text(
    """
    WITH ours AS (SELECT oid, reltoastrelid FROM pg_class
                  WHERE relnamespace = current_schema()::regnamespace)
    SELECT pg_relation_filepath(c.oid) FROM pg_class c
    WHERE c.oid IN (SELECT oid FROM ours)
       OR c.oid IN (SELECT reltoastrelid FROM ours)
       OR c.oid IN (SELECT indexrelid FROM pg_index
                    WHERE indrelid IN (SELECT reltoastrelid FROM ours))
    """
)


def find_in_tables(data_folder: Path, url: str, needles: list[str]) -> list[str]:
    """Where any needle appears in the files of the database at ``url`` (forks and segments
    included), under the cluster's ``data_folder``."""
    engine = make_server_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("CHECKPOINT")  # what the server holds in memory, on disk too
            relative = [str(r[0]) for r in conn.execute(_FILES) if r[0] is not None]
    finally:
        engine.dispose()
    found = []
    for name in relative:
        base = data_folder / name
        for path in sorted(base.parent.glob(base.name + "*")):
            blob = path.read_bytes()
            for needle in needles:
                if any(encoded in blob for encoded in encodings(needle)):
                    found.append(f"{name}: {needle}")
    return found
