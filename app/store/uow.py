"""Unit of work: one session, one transaction, rolled back unless committed.

```python
with UnitOfWork(engine, write=True) as uow:   # services: ctx.uow(write=True)
    uow.session.add(thing)
    uow.commit()
```

Leaving the block without ``commit()`` (or with an exception) rolls everything back. A unit
of work is used by one thread at a time; the UI's single database worker owns it.

Reading and writing: a unit of work that writes says so (``write=True``) and its
transaction begins by taking the database's one write lock (``BEGIN IMMEDIATE`` on SQLite, an
advisory lock on PostgreSQL; see :meth:`~app.store.adapters.Adapter.begin`). A second writer
(another window, another member of staff on the server) waits for its turn instead of
failing, and what a writer reads (the audit chain's end, a counter) is still true when it
writes. A reading unit of work takes no lock and cannot commit. Writers do not nest: a write
opened inside another on the same engine would wait for itself, so it fails at once.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.store.adapters import adapter
from app.store.engine import WRITER

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


def writer_engine(engine: Engine) -> Engine:
    """``engine`` for writing units of work: the same pool and connections, whose
    transactions begin by taking the write lock (the :data:`~app.store.engine.WRITER`
    option). Making one costs ~45 µs, so :class:`~app.services.context.ServiceContext`
    keeps its own."""
    if engine.get_execution_options().get(WRITER):
        return engine
    return engine.execution_options(**{WRITER: True})


class _Writing(threading.local):
    def __init__(self) -> None:
        #: The engines (by identity of their pool) this thread has a write transaction open on.
        self.open: set[int] = set()


_writing = _Writing()


@contextmanager
def _one_writer(engine: Engine) -> Iterator[None]:
    """Mark the block as this thread's write on ``engine``; a second one inside it fails at
    once (it would wait for the first, which waits for it, until the busy timeout)."""
    key = id(engine.pool)
    if key in _writing.open:
        raise RuntimeError("a write was opened inside another write on the same database")
    _writing.open.add(key)
    try:
        yield
    finally:
        _writing.open.discard(key)


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
    hooks: AfterCommit = {}
    with _one_writer(engine):
        connection = engine.raw_connection()
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
    """One session and its transaction. ``write=True``: a writer's (see the module), bound to
    :func:`writer_engine` (pass that engine to save making it again); otherwise a reader's,
    which cannot commit."""

    def __init__(self, engine: Engine, *, write: bool = False) -> None:
        self._engine = writer_engine(engine) if write else engine
        self.write = write
        self._session: Session | None = None
        self._after_commit: AfterCommit = {}
        self._writing: ExitStack | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is not re-entrant")
        if not self.write:
            self._session = _SESSIONS(bind=self._engine)
            return self
        writing = ExitStack()
        writing.enter_context(_one_writer(self._engine))
        try:
            self._session = _SESSIONS(bind=self._engine)
            self._session.connection()  # begin now: wait for the write lock here
        except BaseException:
            if self._session is not None:
                self._session.close()
                self._session = None
            writing.close()
            raise
        self._writing = writing
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
            writing, self._writing = self._writing, None
            if writing is not None:
                writing.close()

    def after_commit(self, name: str, work: Callable[[], None]) -> None:
        """Run ``work`` after the next :meth:`commit` (not if the work is rolled back)."""
        self._after_commit[name] = work

    def commit(self) -> None:
        if not self.write:
            raise RuntimeError("a reading unit of work cannot commit: open it with write=True")
        self.session.commit()
        hooks, self._after_commit = self._after_commit, {}
        _run(hooks)

    def rollback(self) -> None:
        self._after_commit = {}
        self.session.rollback()
