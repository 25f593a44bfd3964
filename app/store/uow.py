"""Unit of work: one session, one transaction, rolled back unless committed.

```python
with uow:
    uow.session.add(thing)
    uow.commit()
```

Leaving the block without ``commit()`` (or with an exception) rolls everything back. A unit
of work is used by one thread at a time; the UI's single database worker owns it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.store.adapters import adapter

#: One session factory for every unit of work (the engine is given per session): making a
#: ``sessionmaker`` sets up a class and its event dispatch, ~60 µs on every unit of work.
_SESSIONS = sessionmaker(expire_on_commit=False, autoflush=True)

#: Work to run once a transaction has committed (the audit witness), by name: a later
#: registration under the same name replaces an earlier one. Dropped on rollback.
AfterCommit = dict[str, Callable[[], None]]
#: The pending work of each open :func:`write_cursor` (cursors accept no attributes).
_CURSOR_HOOKS: weakref.WeakKeyDictionary[Any, AfterCommit] = weakref.WeakKeyDictionary()


def after_cursor_commit(cursor: Any, name: str, work: Callable[[], None]) -> bool:
    """Run ``work`` once the write transaction of ``cursor`` (a :func:`write_cursor`) has
    committed; ``False`` (and nothing registered) for any other cursor."""
    hooks = _CURSOR_HOOKS.get(cursor)
    if hooks is None:
        return False
    hooks[name] = work
    return True


def _run(hooks: AfterCommit) -> None:
    for work in hooks.values():
        work()


@contextmanager
def read_cursor(engine: Engine) -> Iterator[Any]:
    """A DBAPI cursor inside a read transaction of its own, for hand-written SQL (the case
    list): one snapshot for every statement, no session, no ORM. Always rolled back, so it
    cannot write; the connection goes back to the pool (and keeps its page cache)."""
    engine_adapter = adapter(engine)
    connection = engine.raw_connection()
    try:
        cursor = engine_adapter.cursor(connection.cursor())
        try:
            engine_adapter.begin_read(cursor)
            yield cursor
        finally:
            cursor.close()
            connection.rollback()
    finally:
        connection.close()


@contextmanager
def write_cursor(engine: Engine) -> Iterator[Any]:
    """A DB-API cursor inside a write transaction of its own (the write lock is taken first,
    see :meth:`~app.store.adapters.Adapter.begin_write`, so reads and writes in it see one
    state), committed when the block ends normally and rolled back when it raises. For the
    audited view of a case, read and written without the ORM. Work registered with
    :func:`after_cursor_commit` runs after the commit."""
    engine_adapter = adapter(engine)
    connection = engine.raw_connection()
    hooks: AfterCommit = {}
    try:
        cursor = engine_adapter.cursor(connection.cursor())
        _CURSOR_HOOKS[cursor] = hooks
        try:
            engine_adapter.begin_write(cursor)
            try:
                yield cursor
                cursor.execute("COMMIT")
            except BaseException:
                connection.rollback()
                raise
        finally:
            _CURSOR_HOOKS.pop(cursor, None)
            cursor.close()
    finally:
        connection.close()
    _run(hooks)


@contextmanager
def session_cursor(session: Session) -> Iterator[Any]:
    """A DB-API cursor on ``session``'s own connection and transaction (flushed first), for
    the readers written for :func:`read_cursor` to run inside a unit of work."""
    session.flush()
    cursor = adapter(session).cursor(session.connection().connection.cursor())
    try:
        yield cursor
    finally:
        cursor.close()


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._session: Session | None = None
        self._after_commit: AfterCommit = {}

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is not re-entrant")
        self._session = _SESSIONS(bind=self._engine)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        self._after_commit = {}
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None

    def after_commit(self, name: str, work: Callable[[], None]) -> None:
        """Run ``work`` after the next :meth:`commit` (not if the work is rolled back)."""
        self._after_commit[name] = work

    def commit(self) -> None:
        self.session.commit()
        hooks, self._after_commit = self._after_commit, {}
        _run(hooks)

    def rollback(self) -> None:
        self._after_commit = {}
        self.session.rollback()
