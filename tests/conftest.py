"""Suite-wide fixtures and the plaintext-database guard.

Every file the tests leave under pytest's temporary folder is checked at the end of the
session: if any starts with SQLite's plaintext header, the run fails. Tests that create a
plaintext database on purpose (to prove Homeward refuses one) put it under a folder named
``deliberately-plaintext``.

Engines (issue 19): a test that asks for a workspace (``make_workspace``, ``workspace``,
``ctx``) or for ``store_engine`` runs on the engines ``HOMEWARD_TEST_ENGINE`` names
(``both``, the default; ``sqlcipher``; ``postgresql``). Tests marked
``@pytest.mark.sqlcipher_only`` (keying, file damage, the instance lock) run only on
SQLCipher, and ``@pytest.mark.postgresql_only`` only on PostgreSQL (not at all with
``sqlcipher``).
PostgreSQL is a throwaway cluster (tests/pg_cluster.py) started once per session, only when
a test needs it; each test gets a fresh database cloned from a template at head.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.pg_cluster import TEMPLATE as TEMPLATE_DB
from tests.pg_cluster import Cluster

# Logs of the code under test go to a throwaway folder, never the developer's own log.
_LOG_DIR = tempfile.mkdtemp(prefix="homeward-test-logs-")
os.environ.setdefault("HOMEWARD_LOG_DIR", _LOG_DIR)
os.environ.setdefault("HOMEWARD_STATE_DIR", _LOG_DIR)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.models.enums import Role
from app.services.context import ServiceContext
from app.services.workspace import (
    CreatedWorkspace,
    NewUser,
    create_workspace,
    unlock,
)
from tests.team_server import team_server  # noqa: F401  (the session's TLS team server)

ENGINES = ("sqlcipher", "postgresql")
ENGINE_VARIABLE = "HOMEWARD_TEST_ENGINE"
PLAINTEXT_MAGIC = b"SQLite format 3\x00"
ALLOWED_PLAINTEXT_DIR = "deliberately-plaintext"
PASSWORD = "correct horse battery"


def plaintext_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if ALLOWED_PLAINTEXT_DIR in path.parts or not path.is_file() or path.is_symlink():
            continue
        try:
            with open(path, "rb") as handle:
                if handle.read(16) == PLAINTEXT_MAGIC:
                    found.append(path)
        except OSError:
            continue
    return found


def chosen_engines() -> tuple[str, ...]:
    """The engines ``HOMEWARD_TEST_ENGINE`` names (both when it is not set)."""
    value = os.environ.get(ENGINE_VARIABLE, "").strip().lower() or "both"
    if value == "both":
        return ENGINES
    if value not in ENGINES:
        raise pytest.UsageError(f"{ENGINE_VARIABLE} must be sqlcipher, postgresql or both")
    return (value,)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "engines: runs on every engine HOMEWARD_TEST_ENGINE names (the default too)"
    )
    config.addinivalue_line(
        "markers", "sqlcipher_only: belongs to SQLCipher by nature (keying, file damage, locks)"
    )
    config.addinivalue_line("markers", "postgresql_only: about PostgreSQL alone")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_engine" not in metafunc.fixturenames:
        return
    engines = chosen_engines()
    if metafunc.definition.get_closest_marker("sqlcipher_only"):
        engines = tuple(e for e in engines if e == "sqlcipher")
    elif metafunc.definition.get_closest_marker("postgresql_only"):
        engines = tuple(e for e in engines if e == "postgresql")
    metafunc.parametrize("store_engine", engines, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that belongs to an engine not chosen is left out (deselected, not skipped)."""
    chosen = set(chosen_engines())
    kept, dropped = [], []
    for item in items:
        marked = [m for m in ("sqlcipher_only", "postgresql_only") if item.get_closest_marker(m)]
        engine = marked[0].removesuffix("_only") if marked else None
        (dropped if engine is not None and engine not in chosen else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def store_engine(request: pytest.FixtureRequest) -> str:
    """The engine this test runs on: ``sqlcipher`` or ``postgresql``."""
    return str(getattr(request, "param", "sqlcipher"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server, with a template database at the schema's head."""
    from app.store import migrate
    from app.store.pg_engine import make_server_engine

    cluster = Cluster()
    try:
        engine = make_server_engine(cluster.create_database(TEMPLATE_DB))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database holding the schema at head and no rows."""
    name = pg_cluster.acquire(TEMPLATE_DB)
    yield pg_cluster.url(name)
    pg_cluster.release(name, TEMPLATE_DB)


@pytest.fixture
def pg_empty_url(pg_cluster: Cluster) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database (no schema)."""
    name = pg_cluster.fresh_name()
    yield pg_cluster.create_database(name)
    pg_cluster.drop_database(name)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_LOG_DIR, ignore_errors=True)
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    root = factory.getbasetemp()
    bad = plaintext_files(root)
    if bad:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = "\n".join(f"  {p}" for p in bad)
        message = f"PLAINTEXT DATABASE FILES were created by the tests:\n{lines}"
        if reporter:
            reporter.write_line(message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def make_workspace(
    tmp_path: Path, store_engine: str, request: pytest.FixtureRequest
) -> Callable[..., CreatedWorkspace]:
    """Create a workspace with the Argon2id floor (64 MiB, 3 passes) to keep tests quick; on
    PostgreSQL each gets a fresh database cloned from the template at head."""

    def make(
        name: str = "ws",
        *,
        organisation: str = "Test Organisation",
        users: tuple[NewUser, ...] = (),
    ) -> CreatedWorkspace:
        server = None
        if store_engine == "postgresql":
            cluster: Cluster = request.getfixturevalue("pg_cluster")
            database = cluster.acquire(TEMPLATE_DB)
            server = cluster.url(database)
            request.addfinalizer(lambda: cluster.release(database, TEMPLATE_DB))
        return create_workspace(
            tmp_path / name,
            organisation=organisation,
            admin=NewUser("coord", "Cora Coordinator", Role.COORDINATOR, PASSWORD),
            extra_users=users,
            kdf_seconds=0,
            server=server,
        )

    return make


@pytest.fixture
def workspace(make_workspace: Callable[..., CreatedWorkspace]) -> CreatedWorkspace:
    return make_workspace()


@pytest.fixture
def ctx(workspace: CreatedWorkspace) -> Iterator[ServiceContext]:
    context = unlock(workspace.folder, "coord", PASSWORD)
    yield context
    context.lock()


def run_homeward(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the real ``homeward`` command in a child process, as a script would."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LANGUAGE": "en"},  # the CLI speaks the terminal's language
        check=False,
    )
