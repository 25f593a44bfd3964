"""A damaged workspace is said plainly, with exit 4, and left byte for byte as it was.

Each case runs the real ``homeward`` command in a child process, as a script would, and
compares every file of the workspace before and after: a flipped bit in the audit page the
sign-in writes to, a missing or garbled audit secret, and key slot files that are not key
slot files (``[]``, ``{}``, ``null``, cut short, fields of the wrong type or length).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.workspace import CreatedWorkspace, unlock
from tests.conftest import PASSWORD, run_homeward
from tests.disks import digest

PAGE = 4096  # SQLCipher 4's page size


def backup(folder: Path, out: Path) -> tuple[int, str]:
    """``homeward backup`` (it signs in, which writes, then writes the backup)."""
    result = run_homeward(
        "backup",
        "--workspace",
        str(folder),
        "--user",
        "coord",
        "--password-stdin",
        "--out",
        str(out),
        stdin=PASSWORD + "\n",
    )
    return result.returncode, result.stderr


def assert_plain(stderr: str, words: str) -> None:
    assert stderr.startswith("homeward: "), stderr
    assert stderr.count("\n") == 1, stderr
    assert words in stderr, stderr
    for leak in ("unexpected", "Error", "SQL", "INSERT", "audit_events", "Traceback"):
        assert leak not in stderr, stderr


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_a_flipped_bit_in_the_audit_page_that_the_sign_in_writes_is_damage(
    workspace: CreatedWorkspace, tmp_path: Path
) -> None:
    with unlock(workspace.folder, "coord", PASSWORD) as ctx, ctx.engine.connect() as conn:
        root = conn.exec_driver_sql(
            "SELECT rootpage FROM sqlite_master WHERE name = 'audit_events'"
        ).scalar_one()
        events = conn.exec_driver_sql("SELECT count(*) FROM audit_events").scalar_one()
    assert events < 20  # the events fit on one page: the root page is the one written to
    with open(workspace.folder / "homeward.db", "r+b") as handle:
        handle.seek((root - 1) * PAGE + 100)
        byte = handle.read(1)[0]
        handle.seek(-1, 1)
        handle.write(bytes([byte ^ 0x10]))
    before = digest(workspace.folder)

    code, stderr = backup(workspace.folder, tmp_path / "out")

    assert code == 4
    assert_plain(stderr, "the file is damaged")
    assert digest(workspace.folder) == before
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM settings WHERE key = 'audit_secret'",
        "UPDATE settings SET value = '\"not hex\"' WHERE key = 'audit_secret'",
        "UPDATE settings SET value = '\"abcd\"' WHERE key = 'audit_secret'",
        "UPDATE settings SET value = 'null' WHERE key = 'audit_secret'",
    ],
    ids=["missing", "not-hex", "too-short", "null"],
)
def test_a_missing_or_garbled_audit_secret_is_damage(
    workspace: CreatedWorkspace, tmp_path: Path, statement: str
) -> None:
    with unlock(workspace.folder, "coord", PASSWORD) as ctx, ctx.engine.begin() as conn:
        assert conn.exec_driver_sql(statement).rowcount == 1
    before = digest(workspace.folder)

    code, stderr = backup(workspace.folder, tmp_path / "out")

    assert code == 4
    assert_plain(stderr, "The key of the audit trail is missing")
    assert digest(workspace.folder) == before


def _real(folder: Path) -> dict[str, object]:
    data = json.loads((folder / "keyslots.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _with(folder: Path, **changes: object) -> bytes:
    return json.dumps({**_real(folder), **changes}).encode()


def _slot_with(folder: Path, **changes: object) -> bytes:
    data = _real(folder)
    slots = data["slots"]
    assert isinstance(slots, list)
    return json.dumps({**data, "slots": [{**slots[0], **changes}, *slots[1:]]}).encode()


MALFORMED = {
    "empty-list": lambda f: b"[]",
    "empty-object": lambda f: b"{}",
    "null": lambda f: b"null",
    "a-string": lambda f: b'"keyslots"',
    "cut-short": lambda f: (f / "keyslots.json").read_bytes()[:700],
    "slots-an-object": lambda f: _with(f, slots={}),
    "no-slots": lambda f: _with(f, slots=[]),
    "slot-a-number": lambda f: _with(f, slots=[1]),
    "id-a-number": lambda f: _with(f, workspace_id=7),
    "version-a-string": lambda f: _with(f, version="1"),
    "lookup-a-list": lambda f: _slot_with(f, lookup=[]),
    "salt-too-short": lambda f: _slot_with(f, salt="AAAA"),
    "kdf-a-string": lambda f: _slot_with(f, kdf="argon2id"),
    "kdf-memory-huge": lambda f: _slot_with(
        f, kdf={"algorithm": "argon2id", "time_cost": 3, "memory_kib": 2**40, "parallelism": 1}
    ),
    "seal-a-list": lambda f: _slot_with(f, seal=[]),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_a_malformed_key_slot_file_is_damage_and_left_as_it_is(
    workspace: CreatedWorkspace, tmp_path: Path, kind: str
) -> None:
    (workspace.folder / "keyslots.json").write_bytes(MALFORMED[kind](workspace.folder))
    before = digest(workspace.folder)

    code, stderr = backup(workspace.folder, tmp_path / "out")

    assert code == 4, stderr
    assert stderr == (
        "homeward: The key slot file (keyslots.json) is damaged. Restore it from a backup.\n"
    )
    assert digest(workspace.folder) == before
