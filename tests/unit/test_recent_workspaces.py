"""The list of workspaces opened on this computer: folder paths only, newest first, written
atomically; folders that are gone are dropped, never created. Team servers beside them: the
address and the last user name only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from app.features.admin.services import recent_workspaces as recent


def fake_workspace(folder: Path) -> Path:
    """A folder that counts as a workspace (its key slot file), without a database."""
    folder.mkdir(parents=True)
    (folder / "keyslots.json").write_text("{}")
    return folder


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOMEWARD_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state" / recent.FILE_NAME


def test_the_last_one_opened_comes_first_once(tmp_path: Path, state: Path) -> None:
    a, b = fake_workspace(tmp_path / "a"), fake_workspace(tmp_path / "b")
    assert recent.remembered_workspaces() == recent.RememberedWorkspaces((), ())
    recent.remember_workspace(a)
    recent.remember_workspace(b)
    recent.remember_workspace(a)
    assert recent.remembered_workspaces().folders == (a, b)


def test_only_folder_paths_are_kept_owner_only(tmp_path: Path, state: Path) -> None:
    a = fake_workspace(tmp_path / "a")
    recent.remember_workspace(a)
    assert json.loads(state.read_text()) == {
        "version": 1,
        "last": "workspace",
        "workspaces": [str(a)],
        "servers": [],
    }
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert [p.name for p in state.parent.iterdir()] == [recent.FILE_NAME]  # no temp file left


def test_a_gone_folder_is_dropped_and_never_created(tmp_path: Path, state: Path) -> None:
    a, gone = fake_workspace(tmp_path / "a"), fake_workspace(tmp_path / "usb" / "office")
    recent.remember_workspace(a)
    recent.remember_workspace(gone)
    (gone / "keyslots.json").unlink()
    gone.rmdir()
    known = recent.remembered_workspaces()
    assert known == recent.RememberedWorkspaces((a,), (gone,))
    assert not gone.exists()
    assert recent.remembered_workspaces() == recent.RememberedWorkspaces((a,), ())  # said once


def test_the_list_keeps_the_last_few(tmp_path: Path, state: Path) -> None:
    folders = [fake_workspace(tmp_path / f"w{n}") for n in range(recent.KEEP + 3)]
    for folder in folders:
        recent.remember_workspace(folder)
    assert recent.remembered_workspaces().folders == tuple(reversed(folders))[: recent.KEEP]


def test_forget(tmp_path: Path, state: Path) -> None:
    a, b = fake_workspace(tmp_path / "a"), fake_workspace(tmp_path / "b")
    recent.remember_workspace(a)
    recent.remember_workspace(b)
    recent.forget_workspace(b)
    assert recent.remembered_workspaces().folders == (a,)


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"workspaces": "x"}', ""])
def test_a_damaged_list_is_a_fresh_start(tmp_path: Path, state: Path, content: str) -> None:
    state.parent.mkdir(parents=True)
    state.write_text(content)
    assert recent.remembered_workspaces().folders == ()
    a = fake_workspace(tmp_path / "a")
    recent.remember_workspace(a)
    assert recent.remembered_workspaces().folders == (a,)


def test_an_unwritable_state_folder_does_not_stop_anyone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("")
    monkeypatch.setenv("HOMEWARD_STATE_DIR", str(blocker / "state"))
    recent.remember_workspace(fake_workspace(tmp_path / "a"))  # logged, not raised
    assert recent.remembered_workspaces().folders == ()


def test_servers_keep_only_where_and_who_newest_first(tmp_path: Path, state: Path) -> None:
    a = fake_workspace(tmp_path / "a")
    one = recent.RememberedServer("db.example.org", 5432, "homeward", "kari")
    two = recent.RememberedServer("10.0.0.5", 6543, "office", "ola")
    recent.remember_workspace(a)
    assert not recent.last_opened_is_server()
    recent.remember_server(one)
    recent.remember_server(two)
    recent.remember_server(recent.RememberedServer("db.example.org", 5432, "homeward", "tove"))
    assert recent.remembered_servers() == (
        recent.RememberedServer("db.example.org", 5432, "homeward", "tove"),
        two,
    )
    assert recent.last_opened_is_server()
    assert recent.remembered_workspaces().folders == (a,)  # the folders are kept beside them
    saved = json.loads(state.read_text())
    assert saved["servers"][1] == {
        "host": "10.0.0.5",
        "port": 6543,
        "database": "office",
        "username": "ola",
    }
    recent.remember_workspace(a)
    assert not recent.last_opened_is_server()
    assert len(recent.remembered_servers()) == 2
    recent.forget_server(two)
    assert [s.username for s in recent.remembered_servers()] == ["tove"]


def test_a_damaged_server_entry_is_left_out(state: Path) -> None:
    state.parent.mkdir(parents=True)
    state.write_text(
        json.dumps(
            {
                "version": 1,
                "last": "server",
                "workspaces": [],
                "servers": [
                    {"host": "db", "port": "5432"},
                    "x",
                    {"host": "db", "port": 1, "database": "h"},
                ],
            }
        )
    )
    assert recent.remembered_servers() == (recent.RememberedServer("db", 1, "h", ""),)
