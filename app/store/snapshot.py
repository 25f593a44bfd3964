"""Consistent encrypted copies of an open database, and the checks that prove a copy good.

A copy is written by SQLCipher itself (``sqlcipher_export`` into a new file ATTACHed with
the same raw data key), inside one read transaction: the copy is the database as of one
moment, even while the app goes on writing, and nothing ever reads the live file's bytes
from Python. (SQLite's backup API would do too; the export also leaves out free pages.)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.store.engine import APPLICATION_ID, KeyHolder, open_connection

_ALIAS = "hw_copy"
CHECK_CACHE_KIB = 128 * 1024


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(conn: Any, schema: str = "main") -> list[str]:
    """Ordinary tables (FTS shadow tables included, virtual tables and sqlite_* not)."""
    rows = conn.execute(
        f"SELECT name, sql FROM {schema}.sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [
        str(name) for name, sql in rows if not str(sql or "").upper().startswith("CREATE VIRTUAL")
    ]


def table_counts(conn: Any, schema: str = "main") -> dict[str, int]:
    return {
        name: int(conn.execute(f"SELECT count(*) FROM {schema}.{_quote(name)}").fetchone()[0])
        for name in table_names(conn, schema)
    }


def table_digests(conn: Any, schema: str = "main") -> dict[str, str]:
    """SHA-256 of each table's rows in a canonical order: equal digests, equal content."""
    digests = {}
    for name in table_names(conn, schema):
        columns = len(conn.execute(f"SELECT * FROM {schema}.{_quote(name)} LIMIT 0").description)
        order = ", ".join(str(i) for i in range(1, columns + 1))
        digest = hashlib.sha256()
        cursor = conn.execute(f"SELECT * FROM {schema}.{_quote(name)} ORDER BY {order}")
        while rows := cursor.fetchmany(5000):
            for row in rows:
                digest.update(repr(row).encode("utf-8"))
        digests[name] = digest.hexdigest()
    return digests


def export_copy(conn: Any, keys: KeyHolder, destination: Path) -> dict[str, int]:
    """Write the database open on raw connection ``conn`` into the new file ``destination``
    (encrypted with the same key), as of one moment. Returns that moment's row counts.

    ``destination`` must not exist; on any failure it is removed again.
    """
    destination = Path(destination)
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    literal = "x'" + keys.material().hex() + "'"
    attached = False
    try:
        conn.execute(f"ATTACH DATABASE ? AS {_ALIAS} KEY ?", (str(destination), literal))
        attached = True
        conn.execute("BEGIN")
        try:
            counts = table_counts(conn)  # the first read fixes the snapshot
            conn.execute(f"SELECT sqlcipher_export('{_ALIAS}')")
            conn.execute(f"PRAGMA {_ALIAS}.application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            raise
    except BaseException:
        if attached:
            with contextlib.suppress(Exception):
                conn.execute(f"DETACH DATABASE {_ALIAS}")
            attached = False
        for leftover in (destination, *sidecars(destination)):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        if attached:
            conn.execute(f"DETACH DATABASE {_ALIAS}")
    fsync(destination)
    return counts


def sidecars(path: Path) -> list[Path]:
    """The files SQLite may keep beside a database while it is open."""
    return [path.with_name(path.name + end) for end in ("-journal", "-wal", "-shm")]


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class CopyCheck:
    """What opening a copy found. ``problems`` are SQLite's and SQLCipher's own lines."""

    cipher_problems: tuple[str, ...]
    integrity_problems: tuple[str, ...]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.cipher_problems and not self.integrity_problems


def check_copy(
    path: Path, keys: KeyHolder, *, digests: bool = False
) -> tuple[CopyCheck, dict[str, str]]:
    """Open a copy read-only with ``keys``; run ``cipher_integrity_check`` and
    ``integrity_check`` and count rows (and, with ``digests``, hash every table).

    Raises :class:`~app.kernel.errors.DatabaseDamagedError` if the copy cannot be decrypted at all.
    """
    conn = open_connection(path, keys, read_only=True)
    try:
        # integrity_check revisits index pages: a bigger page cache makes it 2x faster
        conn.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
        cipher = tuple(str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check"))
        integrity = tuple(
            str(r[0]) for r in conn.execute("PRAGMA integrity_check") if str(r[0]) != "ok"
        )
        counts = table_counts(conn)
        hashes = table_digests(conn) if digests else {}
    finally:
        conn.close()
    return CopyCheck(cipher, integrity, counts), hashes
