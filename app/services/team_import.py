"""A laptop workspace moved onto a team server (issue 20): ``homeward server
import-workspace`` and ``homeward demo --server``.

:func:`import_workspace` signs a coordinator in to the laptop workspace read-only (nothing is
written to it: no sign-in event, no migration), takes a consistent encrypted copy of its
database into a private temporary folder (the same copy a backup makes), loads the copy into
the server's empty database in one transaction, and then checks, table by table and row by
row, that the server holds exactly the copy's rows: every value read back through the models'
column types (ids, times, yes/no values, attachments' bytes) and compared in primary-key
order. Only then does :func:`app.services.team.adopt_workspace` make the database a team
server (the audit trail checked under the laptop's key and re-keyed under the server's, the
roles, views and policies, a login per user), and the server's own check of its audit trail
must find every event the laptop had.

A database that already holds a workspace or a team server is refused before anything is
written: an import never replaces a server's rows. If a check fails after the rows were
loaded, the loaded rows are removed again, so the database is empty as it was found.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, String, Table, func, select, table
from sqlalchemy.exc import DBAPIError

from app.kernel.errors import UnlockError, WorkspaceError, WorkspaceExistsError
from app.kernel.i18n import _
from app.models import User
from app.models.enums import Role
from app.security import keyslots as ks
from app.security.permissions import PermissionDenied, entry_point
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.jobs import Progress
from app.services.team import ServerAddress, adopt_workspace
from app.store import copies, migrate, snapshot
from app.store.engine import KeyHolder, make_engine, open_connection
from app.store.pg_engine import make_server_engine
from app.store.team_schema import quote
from app.store.workspace import WorkspacePaths

#: Rows compared at a time.
BATCH = 2_000
#: Tables whose rows, if any, mean the database already holds someone's workspace (the
#: migrations themselves put rows in none of them).
_HOLDS_WORK = ("users", "people", "cases", "audit_events")


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_workspace` moved and checked."""

    address: ServerAddress
    tables: int
    rows: int
    attachments: int
    audit_events: int
    #: Users who sign in to the server with the password they had on the laptop.
    signing_in: tuple[str, ...]
    #: Users whose login waits for a coordinator to reset their password.
    waiting: tuple[str, ...]


@entry_point
def import_workspace(
    folder: Path,
    username: str,
    password: str,
    admin_url: str,
    *,
    passwords: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Move the laptop workspace in ``folder`` onto the empty PostgreSQL database at
    ``admin_url`` (its owner's address, a superuser's or one that may create roles), signed
    in to the workspace as the coordinator ``username``. ``username`` keeps ``password`` on the
    server; so does each user named in ``passwords``; every other user's login waits for a
    coordinator to reset their password. The workspace itself is left as it was."""

    def step(text: str, fraction: float) -> None:
        if progress is not None:
            progress(text, fraction)

    database = WorkspacePaths(Path(folder).expanduser().resolve()).database
    beside = [p for p in snapshot.sidecars(database) if p.exists()]
    ctx = ws.unlock(folder, username, password, read_only=True, record=False)
    try:
        slots = ks.KeySlotFile.load(ctx.paths.keyslots)
        actor = ctx.require_actor()
        if actor.role != Role.COORDINATOR:
            raise PermissionDenied(_("Only a coordinator can move a workspace onto a server."))
        logins = {ws.normalise_username(k): v for k, v in (passwords or {}).items()}
        logins[actor.username] = password
        _check_passwords(slots, logins, actor.username)
        server = make_server_engine(admin_url)
        try:
            _refuse_if_not_empty(server)
            with ctx.uow() as uow:
                usernames = list(uow.session.scalars(select(User.username)))
            _refuse_taken_logins(server, usernames)
            keys = KeyHolder(ctx.data_key())
            private = Path(tempfile.mkdtemp(prefix="homeward-import-"))
            try:
                copy = private / "workspace.db"
                step(_("Copying the workspace"), 0.05)
                with ctx.exclusive:
                    copies.export_copy(ctx.engine, ctx.paths.location, keys, copy)
                step(_("Loading it onto the server"), 0.15)
                counts = copies.load_copy(copy, keys, server)
                try:
                    step(_("Checking every row"), 0.5)
                    checked = _compare_rows(copy, keys, server)
                    events = counts.get("audit_events", 0)
                    step(_("Setting up the team server"), 0.75)
                    address = adopt_workspace(admin_url, slots.on_server(None), logins)
                except BaseException:
                    _unload(server)
                    raise
            finally:
                keys.forget()
                shutil.rmtree(private, ignore_errors=True)
            step(_("Checking the audit trail on the server"), 0.9)
            _check_audit(server, events)
            with server.connect() as conn:
                users = [
                    (str(name), bool(active))
                    for name, active in conn.execute(
                        select(User.username, User.active).order_by(User.username)
                    )
                ]
        finally:
            server.dispose()
    finally:
        try:
            _leave_as_found(ctx, beside)
        finally:
            ctx.lock()
    signing_in = tuple(n for n, active in users if active and n in logins)
    return ImportReport(
        address=address,
        tables=len(checked),
        rows=sum(checked.values()),
        attachments=counts.get("attachments", 0),
        audit_events=events,
        signing_in=signing_in,
        waiting=tuple(n for n, active in users if active and n not in signing_in),
    )


def _leave_as_found(ctx: ServiceContext, beside: list[Path]) -> None:
    """Leave the workspace's folder as it was found. A read-only connection to a SQLite
    database in WAL mode leaves its ``-wal`` and ``-shm`` files behind when it closes (it may
    not remove them); a writer's connection, the last to close, removes them. So when there
    were none, the read-only connections are closed and one writer's connection is opened and
    closed again: it writes nothing (the write-ahead log is empty) and tidies them away."""
    database = ctx.paths.database
    if ctx.paths.server is not None or not database.is_file():
        return
    if any(p.exists() and p not in beside for p in snapshot.sidecars(database)):
        keys = KeyHolder(ctx.data_key())
        try:
            with ctx.exclusive:
                ctx.engine.dispose()
                open_connection(database, keys).close()
        finally:
            keys.forget()


def _refuse_if_not_empty(server: Engine) -> None:
    """Refuse a database that holds a workspace or a team server (or anything of one)."""
    with server.connect() as conn:
        if conn.exec_driver_sql("SELECT to_regnamespace('hw_team')").scalar() is not None:
            raise WorkspaceExistsError(
                _("That database is a team server already; nothing was changed on it.")
            )
    if migrate.current_revision(server) is None:
        return
    with server.connect() as conn:
        for name in _HOLDS_WORK:
            if conn.execute(select(func.count()).select_from(table(name))).scalar_one():
                raise WorkspaceExistsError(
                    _(
                        "That database already holds a Homeward workspace; nothing was changed "
                        "on it. Choose an empty database."
                    )
                )


def _check_passwords(slots: ks.KeySlotFile, logins: dict[str, str], signed_in: str) -> None:
    """Each password given for another user must open that user's key slot: on the server
    their login and their key slot take the same password."""
    for name, given in logins.items():
        if name == signed_in:
            continue  # it opened the workspace
        try:
            ks.unlock_with_password(slots, name, given)
        except UnlockError:
            raise UnlockError(
                _(
                    "The password given for {user} does not open their key slot; nothing was "
                    "changed."
                ).format(user=name)
            ) from None


def _refuse_taken_logins(server: Engine, usernames: list[str]) -> None:
    """Refuse when one of the workspace's user names is a login on the server already: each
    user becomes a login of that name, and logins belong to the whole PostgreSQL server."""
    with server.connect() as conn:
        taken = sorted(
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (usernames,)
            )
        )
    if taken:
        raise WorkspaceExistsError(
            _(
                "These user names are logins on that PostgreSQL server already (for another "
                "database, perhaps): {names}. Each user of a team server is a login of the "
                "same name, so nothing was changed. Give the team server a PostgreSQL server of "
                "its own."
            ).format(names=", ".join(taken))
        )


def _unload(server: Engine) -> None:
    """Remove the rows this import loaded (the database was empty before it)."""
    names = ", ".join(quote(t.name) for t in copies.tables())
    with contextlib.suppress(DBAPIError), server.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names}")


def _check_audit(server: Engine, events: int) -> None:
    """The server's own check of its audit trail: every one of the laptop's events, intact."""
    with server.connect() as conn:
        found, first_bad, head_ok, _mac = conn.exec_driver_sql(
            "SELECT * FROM hw_team.audit_verify()"
        ).one()
    if first_bad is not None or not head_ok or int(found) != events:
        raise WorkspaceError(
            _(
                "The audit trail on the server does not match the workspace's. Do not use the "
                "server; run “homeward server check” and ask for help."
            )
        )


# --- row by row -------------------------------------------------------------------------------


def _compare_rows(copy: Path, keys: KeyHolder, server: Engine) -> dict[str, int]:
    """Check that ``server`` holds exactly the rows of the SQLCipher copy ``copy``: every
    table of the models and the schema's version, every row in primary-key order, every value
    read through the models' column types. Returns the rows compared per table; raises
    :class:`WorkspaceError` (naming the table, never a value) at the first difference."""
    laptop = make_engine(copy, keys, read_only=True)
    try:
        compared: dict[str, int] = {}
        with laptop.connect() as left, server.connect() as right:
            for model in copies.tables():
                compared[model.name] = _compare_table(left, right, model)
            left_version = left.exec_driver_sql(
                f"SELECT version_num FROM {copies.VERSION_TABLE}"
            ).all()
            right_version = right.exec_driver_sql(
                f"SELECT version_num FROM {copies.VERSION_TABLE}"
            ).all()
            if left_version != right_version:
                raise _differs(copies.VERSION_TABLE)
            compared[copies.VERSION_TABLE] = len(left_version)
        return compared
    finally:
        laptop.dispose()


def _compare_table(left: Connection, right: Connection, model: Table) -> int:
    n = 0
    for mine, theirs in zip_longest(_rows(left, model), _rows(right, model)):
        if mine is None or theirs is None or not _same(mine, theirs):
            raise _differs(model.name)
        n += 1
    return n


def _rows(conn: Connection, model: Table) -> Iterator[Sequence[Any]]:
    """Every row of ``model`` in primary-key order, the same order on both engines (text
    keys in byte order: SQLite's, and PostgreSQL's ``C`` collation)."""
    keys = list(model.primary_key.columns) or list(model.columns)
    postgres = conn.dialect.name == "postgresql"
    order = [c.collate("C") if postgres and isinstance(c.type, String) else c for c in keys]
    result = conn.execution_options(yield_per=BATCH).execute(select(model).order_by(*order))
    for part in result.partitions():
        yield from part


def _same(mine: Sequence[Any], theirs: Sequence[Any]) -> bool:
    return all(_value(a) == _value(b) for a, b in zip(mine, theirs, strict=True))


def _value(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def _differs(name: str) -> WorkspaceError:
    return WorkspaceError(
        _(
            "The rows on the server are not those of the workspace (table {table}), so the "
            "import was undone. The workspace itself was not changed."
        ).format(table=name)
    )
