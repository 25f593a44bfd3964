"""A raw psycopg cursor's results in SQLite's stored forms (see :mod:`app.store.adapters`).

The readers of hand-written SQL were written for SQLite, which hands back what SQLAlchemy
stored: UUIDs as 32 lowercase hex digits, times as ``YYYY-MM-DD HH:MM:SS.ffffff`` (naive
UTC), days as ``YYYY-MM-DD``, booleans as 0/1. These loaders, registered on one cursor (never
on the connection, whose ORM results stay Python values), make PostgreSQL's the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg.adapt import Loader


class _HexUuid(Loader):
    def load(self, data: Any) -> str:
        return bytes(data).replace(b"-", b"").decode("ascii")


#: A stored time's length (``YYYY-MM-DD HH:MM:SS.ffffff``), and without its fraction: the forms
#: PostgreSQL writes most times in (it drops trailing zeros of the fraction, and a zero one).
_WITH_FRACTION = 26
_WHOLE_SECONDS = 19


class _StoredTime(Loader):
    def load(self, data: Any) -> str:
        text = bytes(data).decode("ascii")
        # The two common forms by their length (a page of the case list reads hundreds of
        # times; parsing each costs more than the query at 100,000 cases): the rest parsed.
        if len(text) == _WITH_FRACTION:
            return text
        if len(text) == _WHOLE_SECONDS:
            return text + ".000000"
        return datetime.fromisoformat(text).isoformat(" ", "microseconds")


class _Text(Loader):
    def load(self, data: Any) -> str:
        return bytes(data).decode("ascii")


class _Flag(Loader):
    def load(self, data: Any) -> int:
        return 1 if bytes(data) == b"t" else 0


#: What a raw PostgreSQL cursor returns, in SQLite's stored forms (text results).
_STORED_FORM_LOADERS: dict[str, type[Loader]] = {
    "uuid": _HexUuid,
    "timestamp": _StoredTime,
    "date": _Text,
    "bool": _Flag,
}


def read_stored_forms(cursor: Any) -> None:
    """Make ``cursor`` (a psycopg cursor) return values in their stored forms."""
    for name, loader in _STORED_FORM_LOADERS.items():
        cursor.adapters.register_loader(name, loader)
