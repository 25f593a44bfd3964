"""Suite-wide fixtures and the plaintext-database guard.

Every file the tests leave under pytest's temporary folder is checked at the end of the
session: if any starts with SQLite's plaintext header, the run fails. Tests that create a
plaintext database on purpose (to prove Homeward refuses one) put it under a folder named
``deliberately-plaintext``.
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
def make_workspace(tmp_path: Path) -> Callable[..., CreatedWorkspace]:
    """Create a workspace with the Argon2id floor (64 MiB, 3 passes) to keep tests quick."""

    def make(
        name: str = "ws",
        *,
        organisation: str = "Test Organisation",
        users: tuple[NewUser, ...] = (),
    ) -> CreatedWorkspace:
        return create_workspace(
            tmp_path / name,
            organisation=organisation,
            admin=NewUser("coord", "Cora Coordinator", Role.COORDINATOR, PASSWORD),
            extra_users=users,
            kdf_seconds=0,
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
