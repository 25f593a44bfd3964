"""A workspace's database copied into a backup file, whatever its engine, and a backup file
loaded into a server's database.

A backup is the same thing on both engines: a SQLCipher file keyed with the workspace's data
key that holds every row of every table as of one moment (see
:mod:`app.features.admin.services.backup_files`). How it is written depends on the engine,
and :func:`export_copy` picks the way by the engine's adapter, as :func:`app.store.adapters.
adapter` does (this half of the adapter lives apart because it builds schemas with the
migrations, which themselves use the adapters):

- a SQLCipher database writes a copy of itself (:func:`app.store.snapshot.export_copy`);
- from PostgreSQL, a new SQLCipher file is built at the schema's head by the migrations and
  filled table by table, in foreign-key order and in batches, inside one ``REPEATABLE READ,
  READ ONLY`` transaction: the database as of one moment while the team goes on writing.
  The rows travel in SQLite's stored forms (the adapter's readers for hand-written SQL), so
  the copy holds exactly what a laptop would, and the audit chain verifies in it.

:func:`load_copy` goes the other way: a backup's rows replace a server database's rows in one
transaction (all or nothing), under the writers' lock.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select, table, text
from sqlalchemy.engine import Result

from app.kernel.errors import WorkspaceError
from app.kernel.i18n import _
from app.models import Base
from app.store import migrate, search, snapshot
from app.store.adapters import POSTGRES, SQLITE, adapter
from app.store.engine import KeyHolder, make_engine, open_connection

#: Rows read and written at a time.
BATCH = 5_000
VERSION_TABLE = "alembic_version"


def tables() -> list[Table]:
    """Every table of the models, each after the tables it points at."""
    return list(Base.metadata.sorted_tables)


def export_copy(
    engine: Engine, location: Path | str, keys: KeyHolder, destination: Path
) -> dict[str, int]:
    """Write the workspace's database (``engine``, at ``location``) into the new SQLCipher
    file ``destination`` keyed with ``keys``, as of one moment; return that moment's row
    count of every table it copied. ``destination`` must not exist; on failure it is removed.
    """
    return _EXPORTERS[adapter(engine).name](engine, location, keys, destination)


def _export_file(
    engine: Engine, location: Path | str, keys: KeyHolder, destination: Path
) -> dict[str, int]:
    conn = open_connection(Path(location), keys)
    try:
        return snapshot.export_copy(conn, keys, destination)
    finally:
        conn.close()


def _export_server(
    engine: Engine, location: Path | str, keys: KeyHolder, destination: Path
) -> dict[str, int]:
    destination = Path(destination)
    try:
        copy = make_engine(destination, keys, create=True)
        try:
            migrate.upgrade(copy)
        finally:
            copy.dispose()
        target = open_connection(destination, keys)  # the only connection to the copy now
        try:
            with engine.connect() as source:
                # The first statement of the transaction: one snapshot for every table.
                source.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                _same_schema(POSTGRES.table_names(source))
                counts = _counts(source)
                target.execute("BEGIN")
                _copy_rows(source, target)
                target.execute("COMMIT")
                source.rollback()
            target.execute("PRAGMA journal_mode = DELETE")  # one file, no journal beside it
        finally:
            target.close()
    except BaseException:
        for leftover in (destination, *snapshot.sidecars(destination)):
            leftover.unlink(missing_ok=True)
        raise
    snapshot.fsync(destination)
    return counts


def _copy_rows(source: Connection, target: Any) -> None:
    """Every row of the server's tables (``source``, in its snapshot) into the SQLCipher
    copy (``target``, a raw connection inside a transaction), parents first, ``BATCH`` rows
    at a time through a cursor on the server. Values travel in SQLite's stored forms (the
    adapter's readers for hand-written SQL: UUIDs as hex, times as text…), exactly as the
    laptop stores them; rows the migrations may have put in the copy go first."""
    for model in reversed(tables()):
        target.execute(f"DELETE FROM {_quote(model.name)}")
    driver = source.connection.dbapi_connection
    assert driver is not None
    cursor = POSTGRES.cursor(driver.cursor(name="homeward_backup"))
    try:
        for model in tables():
            names = ", ".join(_quote(column.name) for column in model.columns)
            marks = ", ".join("?" for _ in model.columns)
            cursor.execute(f"SELECT {names} FROM {_quote(model.name)}")
            insert_sql = f"INSERT INTO {_quote(model.name)} ({names}) VALUES ({marks})"
            while rows := cursor.fetchmany(BATCH):
                target.executemany(insert_sql, rows)
    finally:
        cursor.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_EXPORTERS: dict[str, Callable[[Engine, Path | str, KeyHolder, Path], dict[str, int]]] = {
    SQLITE.name: _export_file,
    POSTGRES.name: _export_server,
}


def load_copy(source: Path, keys: KeyHolder, server: Engine) -> dict[str, int]:
    """Replace every row of the server database ``server`` with the rows of the SQLCipher
    copy ``source`` (upgraded first if an older Homeward made it), in one transaction that
    holds the writers' lock; the server's schema is brought to head first. Returns the row
    counts, checked equal on both sides before the transaction commits.
    """
    copy = make_engine(source, keys)
    try:
        if migrate.needs_upgrade(copy):
            migrate.upgrade(copy)
        if migrate.needs_upgrade(server):
            migrate.upgrade(server)
        with copy.connect() as reading, reading.begin():
            _same_schema(SQLITE.table_names(reading))
            counts = _counts(reading)
            with server.begin() as target:
                POSTGRES.lock_for_writing(target)
                names = ", ".join(_quote(t.name) for t in tables())
                target.exec_driver_sql(f"TRUNCATE {names}")
                _load_rows(reading, target)
                _continue_sequences(target)
                if _counts(target) != counts:
                    raise WorkspaceError(
                        _("The restored rows did not add up; nothing on the server was changed.")
                    )
    finally:
        copy.dispose()
    return counts


def _same_schema(found: list[str]) -> None:
    """Refuse a database with a table the models do not know: it would not be copied. (The
    search's own tables on SQLite are filled by its triggers as the rows arrive.)"""
    known = {t.name for t in tables()} | {VERSION_TABLE}
    unknown = [n for n in found if n not in known and not n.startswith(search.FTS_TABLE)]
    if unknown:
        raise WorkspaceError(
            _("The database holds tables this Homeward does not know; update Homeward.")
        )


def _counts(conn: Connection) -> dict[str, int]:
    names = [t.name for t in tables()] + [VERSION_TABLE]
    return {
        name: int(conn.scalar(select(func.count()).select_from(table(name))) or 0) for name in names
    }


def _load_rows(source: Connection, target: Connection) -> None:
    """Every row of the copy (``source``) into the server (``target``), parents first,
    ``BATCH`` rows at a time, through the models' column types (SQLite's stored forms read
    back as values, written as PostgreSQL's)."""
    for model in tables():
        result: Result[tuple[object, ...]] = source.execution_options(yield_per=BATCH).execute(
            select(model)
        )
        for rows in result.partitions():
            target.execute(insert(model), [dict(row._mapping) for row in rows])


def _continue_sequences(conn: Connection) -> None:
    """Integer keys the server numbers go on after the largest restored one."""
    for model in tables():
        column = model.autoincrement_column
        if column is None:
            continue
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"coalesce(max({_quote(column.name)}), 0) + 1, false) FROM {_quote(model.name)}"
            ),
            {"table": model.name, "column": column.name},
        )
