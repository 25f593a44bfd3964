"""The unlocked workspace: what every service call receives as its first argument.

A :class:`ServiceContext` owns the engine (and through it the data key) for one signed-in
user. ``lock()`` closes every connection and overwrites the key; after that every service
call fails with a "sign in again" message until a new context is made by unlocking.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from app.kernel.errors import WorkspaceError
from app.kernel.i18n import _
from app.models.enums import Role
from app.security.permissions import allowed, declared_permission
from app.services.accounts import Accounts
from app.store.engine import KeyHolder
from app.store.instance_lock import InstanceLock
from app.store.uow import UnitOfWork, writer_engine
from app.store.workspace import WorkspacePaths


@dataclass(frozen=True)
class Actor:
    """The signed-in user, as services see them."""

    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    language: str
    must_change_password: bool = False

    @property
    def is_volunteer(self) -> bool:
        return self.role == Role.VOLUNTEER

    def may(self, service: Callable[..., Any]) -> bool:
        """Whether this user's role holds the permission ``service`` declares — so a screen
        offers only what the service would allow (the service still checks)."""
        permission = declared_permission(service)
        return permission is not None and allowed(self.role, permission)


class ServiceContext:
    def __init__(
        self,
        paths: WorkspacePaths,
        engine: Engine,
        keys: KeyHolder,
        actor: Actor | None,
        *,
        demo: bool = False,
        read_only: bool = False,
        instance_lock: InstanceLock | None = None,
        accounts: Accounts | None = None,
    ) -> None:
        self.paths = paths
        #: Where the key slots (and on a team server the logins) are kept.
        self.accounts = accounts if accounts is not None else Accounts(paths.keyslots)
        self._engine: Engine | None = engine
        #: The engine and its writers' view (:func:`~app.store.uow.writer_engine`), kept.
        self._writer: tuple[Engine, Engine] | None = None
        self._keys = keys
        self.actor = actor
        self.demo = demo
        #: Opened read-only (a damaged database): every write fails; offer a restore.
        self.read_only = read_only
        #: The single-instance lock on the workspace folder, released by :meth:`lock`.
        self._instance_lock = instance_lock
        #: Key-derived values worth keeping while unlocked (the audit MAC key); cleared on lock.
        self.cache: dict[str, object] = {}
        #: Work that must finish before the workspace locks (the audit witness's last write).
        self.on_lock: dict[str, Callable[[], None]] = {}
        #: Held by work that must not overlap: a backup copy (which reads the database on a
        #: connection of its own, possibly on a thread beside the database thread), key
        #: rotation and ``VACUUM`` (which need the only connection), and locking (which closes
        #: the connections and forgets the key). Each waits for the others to finish.
        self.exclusive = threading.RLock()

    @property
    def folder(self) -> Path:
        return self.paths.folder

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise WorkspaceError(_("The workspace is locked. Sign in again to continue."))
        return self._engine

    @property
    def locked(self) -> bool:
        return self._engine is None

    def uow(self, *, write: bool = False) -> UnitOfWork:
        """A unit of work on the workspace's database: a reader's, or with ``write=True`` a
        writer's, which begins by taking the write lock (see :mod:`app.store.uow`)."""
        if not write:
            return UnitOfWork(self.engine)
        engine = self.engine
        if self._writer is None or self._writer[0] is not engine:
            self._writer = (engine, writer_engine(engine))
        return UnitOfWork(self._writer[1], write=True)

    def data_key(self) -> bytes:
        """For key-derived secrets (audit MAC key, backups). Never log or store it."""
        return self._keys.material()

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise WorkspaceError(_("This action needs a signed-in user."))
        return self.actor

    def replace_key(self, keys: KeyHolder, engine: Engine) -> None:
        """After a data-key rotation: switch to the new key and engine, forget the old key."""
        with self.exclusive:
            if self._engine is not None:
                self._engine.dispose()
            self._keys.forget()
            self.cache.clear()
            self._keys = keys
            self._engine = engine
            self._writer = None

    def lock(self) -> None:
        """Close every database connection and forget the key (after a backup copy that is
        being made has finished). Idempotent."""
        with self.exclusive:
            hooks, self.on_lock = self.on_lock, {}
            for work in hooks.values():
                work()
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
                self._writer = None
            self._keys.forget()
            self.cache.clear()
            if self._instance_lock is not None:
                self._instance_lock.release()
                self._instance_lock = None

    close = lock

    def __enter__(self) -> ServiceContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()
