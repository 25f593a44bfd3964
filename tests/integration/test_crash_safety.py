"""One Homeward per workspace; damaged databases open read-only, never silently or deleted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.features.admin.services import backup, integrity
from app.features.people.services import people
from app.kernel.errors import WorkspaceError
from app.services import workspace as ws
from app.services.workspace import CreatedWorkspace
from app.store.instance_lock import LOCK_NAME, WorkspaceInUseError, read_owner
from tests.conftest import PASSWORD, run_homeward

HOLD = textwrap.dedent(
    """
    import sys, time
    from app.services import workspace as ws
    ctx = ws.unlock(sys.argv[1], "coord", sys.argv[2])
    print("open", flush=True)
    time.sleep(60)
    """
)


def hold_open(folder: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder), PASSWORD],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "open"
    return child


def test_a_second_homeward_is_refused_and_a_dead_ones_lock_taken_over(
    workspace: CreatedWorkspace,
) -> None:
    child = hold_open(workspace.folder)
    try:
        with pytest.raises(
            WorkspaceInUseError,
            match=r"already open by .+ on .+ since \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d\.",
        ):
            ws.unlock(workspace.folder, "coord", PASSWORD)
        owner = read_owner(workspace.folder)
        assert owner is not None and owner.pid == child.pid
        result = run_homeward(
            "verify",
            "--workspace",
            str(workspace.folder),
            "--user",
            "coord",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        assert result.returncode == WorkspaceInUseError.exit_code
        assert "already open by" in result.stderr and result.stderr.count("\n") == 1
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    # The killed Homeward's lock is gone with it: the workspace opens.
    with ws.unlock(workspace.folder, "coord", PASSWORD) as ctx:
        assert ws.verify(ctx).ok
    assert not (workspace.folder / LOCK_NAME).exists()


def test_one_process_may_open_a_workspace_again_after_and_while(
    workspace: CreatedWorkspace,
) -> None:
    first = ws.unlock(workspace.folder, "coord", PASSWORD)
    second = ws.unlock_with_recovery_code(workspace.folder, workspace.recovery_code)
    first.lock()
    assert (workspace.folder / LOCK_NAME).exists()  # still held by the second
    second.lock()
    assert not (workspace.folder / LOCK_NAME).exists()
    for _ in range(3):
        with ws.unlock(workspace.folder, "coord", PASSWORD) as ctx:
            assert ws.organisation_name(ctx)


def corrupt(path: Path, offset: int) -> bytes:
    noise = os.urandom(64)
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(noise)
    return noise


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_a_damaged_database_opens_read_only_with_backups_offered(
    workspace: CreatedWorkspace,
) -> None:
    with ws.unlock(workspace.folder, "coord", PASSWORD) as ctx:
        for n in range(300):
            people.create_person(ctx, people.PersonInput(given_name=f"P{n}", family_name="X" * 150))
        made = backup.create_backup(ctx).backup
    database = workspace.folder / "homeward.db"
    size = database.stat().st_size
    noise = corrupt(database, size // 2)

    outcome = integrity.open_workspace(workspace.folder, "coord", PASSWORD)
    try:
        assert outcome.read_only and outcome.ctx.read_only
        assert outcome.problems and "read-only" in (outcome.message or "")
        assert [b.path for b in outcome.backups] == [made.path]
        with pytest.raises(Exception):  # noqa: B017 - any write fails; nothing half-written
            people.create_person(outcome.ctx, people.PersonInput(given_name="N", family_name="N"))
    finally:
        outcome.ctx.lock()
    # Never deleted, truncated or "repaired": the damaged bytes are still there for experts.
    assert database.stat().st_size >= size
    assert database.read_bytes()[size // 2 : size // 2 + 64] == noise

    result = run_homeward(
        "verify",
        "--workspace",
        str(workspace.folder),
        "--user",
        "coord",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 4
    assert "restore" in result.stderr and str(made.path) in result.stderr


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_an_undecryptable_database_is_reported_with_its_backups(
    workspace: CreatedWorkspace,
) -> None:
    with ws.unlock(workspace.folder, "coord", PASSWORD) as ctx:
        made = backup.create_backup(ctx).backup
    corrupt(workspace.folder / "homeward.db", 0)
    with pytest.raises(integrity.DamagedWorkspaceError) as caught:
        integrity.open_workspace(workspace.folder, "coord", PASSWORD)
    assert [b.path for b in caught.value.backups] == [made.path]
    assert (workspace.folder / "homeward.db").exists()
    assert not (workspace.folder / LOCK_NAME).exists()


def test_a_healthy_workspace_opens_normally(workspace: CreatedWorkspace) -> None:
    outcome = integrity.open_workspace(workspace.folder, "coord", PASSWORD)
    with outcome.ctx:
        assert not outcome.read_only and outcome.problems == () and outcome.message is None
    with pytest.raises(WorkspaceError):
        integrity.open_workspace(workspace.folder / "missing", "coord", PASSWORD)


@pytest.mark.sqlcipher_only  # the size of the encrypted file
def test_large_workspaces_skip_the_full_check_at_sign_in(
    workspace: CreatedWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1 GB workspace would keep sign-in waiting ~13 s; it is checked elsewhere instead."""
    from app.features.admin.services import integrity

    def not_now(_ctx: object) -> tuple[str, ...]:
        raise AssertionError("the full check ran at sign-in")

    monkeypatch.setattr(integrity, "CHECK_AT_SIGN_IN_MAX_BYTES", 0)
    monkeypatch.setattr(integrity, "_database_problems", not_now)
    outcome = integrity.open_workspace(workspace.folder, "coord", PASSWORD)
    assert not outcome.read_only
    outcome.ctx.lock()


def test_keychain_sign_in_runs_the_same_checks(
    workspace: CreatedWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing in with the keychain's secret is checked like a password sign-in."""
    from app.features.admin.services import integrity, keychain

    opened: list[bool] = []

    def unlock_with_keychain(folder: Path, username: str, *, read_only: bool = False) -> object:
        opened.append(read_only)  # the real one needs a Secret Service (tested apart)
        return ws.unlock(folder, username, PASSWORD, read_only=read_only)

    monkeypatch.setattr(keychain, "unlock_with_keychain", unlock_with_keychain)
    monkeypatch.setattr(integrity, "_database_problems", lambda _ctx: ("a damaged page",))
    outcome = integrity.open_workspace_with_keychain(workspace.folder, "coord")
    try:
        assert opened == [False, True]  # found damaged, reopened read-only
        assert outcome.read_only and outcome.problems == ("a damaged page",)
    finally:
        outcome.ctx.lock()
