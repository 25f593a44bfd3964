"""SQLAlchemy statements compiled once and run on a bare DB-API cursor.

Opening a case reads nine small things (the case, its needs, meetings, tasks…), each a few
dozen microseconds of SQLite work. Through the ORM each read cost 0.3–0.7 ms of Python:
a session, statement caching and compilation lookups, result processing, identity-map
bookkeeping. A :class:`Prepared` statement keeps the ORM's vocabulary (its SQL is written
with the models' columns, so it follows a renamed column) but is compiled to a SQL string
once; each run is then one ``cursor.execute`` and the conversion of the returned values from
their stored form, chosen per column from its type when the statement is prepared.

Stored forms (what SQLAlchemy writes on SQLite): UUIDs as 32 lowercase hex digits, times as
``YYYY-MM-DD HH:MM:SS.ffffff`` (naive UTC), days as ``YYYY-MM-DD``, enums by their value,
booleans as 0/1. Parameters are given in Python form and stored the same way.

Values a statement carries (``Need.domain.not_in(...)``) are fixed when it is prepared; the
values that change from run to run are named ``bindparam("case", None)`` (the ``None``
lets the statement compile; a run must give every named parameter).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, ColumnDefault, Date, DateTime, Enum, Select, Table, Uuid, bindparam
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeEngine

_DIALECT = sqlite.dialect(paramstyle="named")

_new_object = object.__new__
_set_attribute = object.__setattr__
_UNKNOWN_SAFETY = uuid.SafeUUID.unknown


def uuid_from_hex(hex32: str) -> uuid.UUID:
    """``uuid.UUID(hex=hex32)`` for the 32 lowercase hex digits the database stores, in 40 %
    of the time: it skips the constructor's parsing of braces, dashes and "urn:" (the value
    is ours, written by :class:`~sqlalchemy.types.Uuid`). Equal, hashable and printable as the
    constructor's result (tests/unit/test_uuid_from_hex.py)."""
    value = _new_object(uuid.UUID)
    _set_attribute(value, "int", int(hex32, 16))
    _set_attribute(value, "is_safe", _UNKNOWN_SAFETY)
    return value


def stored(value: Any) -> Any:
    """A Python value in the form SQLAlchemy stores it on SQLite (see the module docstring)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _reader(type_: TypeEngine[Any]) -> Callable[[Any], Any] | None:
    """How a stored value of ``type_`` becomes its Python value (``None``: as it is)."""
    if isinstance(type_, Uuid):
        return uuid_from_hex
    if isinstance(type_, DateTime):
        return datetime.fromisoformat
    if isinstance(type_, Date):
        return date.fromisoformat
    if isinstance(type_, Boolean):
        return bool
    if isinstance(type_, Enum) and type_.enum_class is not None:
        members: dict[Any, Any] = {m.value: m for m in type_.enum_class}
        return members.__getitem__
    return None


class Prepared:
    """A ``SELECT`` compiled once; :meth:`rows` runs it and returns converted tuples."""

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        compiled = statement.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
        self.sql = str(compiled)
        self._names = frozenset(name for name, value in compiled.params.items() if value is None)
        self._fixed = {
            name: stored(value) for name, value in compiled.params.items() if value is not None
        }
        readers = [_reader(column.type) for column in statement.selected_columns]
        #: (position, reader) of the columns that need converting; the rest pass through.
        self._convert = tuple((i, r) for i, r in enumerate(readers) if r is not None)

    def rows(self, cursor: Any, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row, each a tuple of Python values in the statement's column order."""
        if params.keys() != self._names:
            raise TypeError(f"parameters {sorted(params)} given, {sorted(self._names)} wanted")
        values = dict(self._fixed)
        for name, value in params.items():
            values[name] = stored(value)
        rows = cursor.execute(self.sql, values).fetchall()
        if not self._convert:
            return list(rows)
        # The same stored value is converted once per column and run: a case's history
        # repeats its case, client and users in every row (a dict lookup is a fifth of a
        # conversion).
        convert: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = [
            (i, read, {}) for i, read in self._convert
        ]
        out = []
        for row in rows:
            converted = list(row)
            for i, read, seen in convert:
                value = converted[i]
                if value is not None:
                    known = seen.get(value)
                    if known is None:
                        known = seen[value] = read(value)
                    converted[i] = known
            out.append(tuple(converted))
        return out


def param(name: str) -> Any:
    """A named UUID parameter for a prepared statement (``param("case")``)."""
    return bindparam(name, None, type_=Uuid())


def insert_row(cursor: Any, table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """``INSERT`` one row of ``table`` on a bare cursor, as the ORM would write it: each
    column not in ``values`` takes its Python-side default (``id``, ``created_at``… — a
    column with only a server default is left to the server), every value in its stored
    form (a boolean stays a boolean: SQLite stores it 0/1, PostgreSQL as a boolean). Returns
    the row's values in Python form, defaults included."""
    unknown = values.keys() - table.columns.keys()
    if unknown:
        raise TypeError(f"{table.name} has no column {sorted(unknown)}")
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.name in values:
            row[column.name] = values[column.name]
        elif column.default is not None:
            default = column.default
            if not isinstance(default, ColumnDefault) or default.is_sequence:
                raise TypeError(f"{table.name}.{column.name}: a default not written in Python")
            row[column.name] = default.arg(None) if default.is_callable else default.arg
        elif column.server_default is None:
            row[column.name] = None
    names = list(row)
    cursor.execute(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [value if isinstance(value, bool) else stored(value) for value in row.values()],
    )
    return row
