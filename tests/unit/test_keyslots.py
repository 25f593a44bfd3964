"""Key slots without a database: wrapping, recovery codes, the file format."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from app.kernel.errors import UnlockError, WorkspaceError
from app.security import keyslots as ks

FLOOR = ks.KDF_FLOOR


def test_password_slot_unwraps_only_with_its_password() -> None:
    key = ks.new_data_key()
    slot = ks.wrap_key(key, b"s3cret pass", kind="password", params=FLOOR, username="anna")
    assert ks.unwrap_key(slot, b"s3cret pass") == key
    assert ks.unwrap_key(slot, b"s3cret pasS") is None


def test_slot_id_is_bound_as_associated_data() -> None:
    key = ks.new_data_key()
    slot = ks.wrap_key(key, b"pw-pw-pw-pw", kind="password", params=FLOOR, username="anna")
    moved = replace(slot, id="another-slot-id")
    assert ks.unwrap_key(slot, b"pw-pw-pw-pw") == key
    assert ks.unwrap_key(moved, b"pw-pw-pw-pw") is None


def test_passwords_are_nfc_normalised() -> None:
    composed = unicodedata.normalize("NFC", "Ørjan-Ștefan-é")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    key = ks.new_data_key()
    slot = ks.wrap_key(
        key, ks.normalise_password(composed), kind="password", params=FLOOR, username="u"
    )
    slots = ks.KeySlotFile("w", (slot,))
    _slot, unwrapped = ks.unlock_with_password(slots, "u", decomposed)
    assert unwrapped == key


def test_kdf_floor_is_enforced_when_wrapping() -> None:
    weak = ks.KdfParams(time_cost=1, memory_kib=8 * 1024)
    with pytest.raises(ValueError, match="floor"):
        ks.wrap_key(ks.new_data_key(), b"x", kind="password", params=weak)
    assert FLOOR.memory_kib >= 64 * 1024 and FLOOR.time_cost >= 3
    assert ks.calibrate(0) == FLOOR


def test_recovery_code_shape_and_normalisation() -> None:
    code = ks.generate_recovery_code()
    groups = code.split("-")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    canonical = ks.normalise_recovery_code(code)
    # Lower case, spaces instead of dashes, and O for 0 are all accepted.
    typed = code.lower().replace("-", " ").replace("0", "o")
    assert ks.normalise_recovery_code(typed) == canonical
    assert len(set(ks.generate_recovery_code() for _ in range(20))) == 20


def test_recovery_code_typo_is_caught_before_any_derivation() -> None:
    code = ks.normalise_recovery_code(ks.generate_recovery_code())
    typo = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]
    with pytest.raises(UnlockError, match="typing mistake"):
        ks.normalise_recovery_code(typo)
    with pytest.raises(UnlockError, match="not a valid recovery code"):
        ks.normalise_recovery_code("K7PQ-1234")


def test_unknown_user_and_wrong_password_give_the_same_message() -> None:
    key = ks.new_data_key()
    slot = ks.wrap_key(key, b"right-password", kind="password", params=FLOOR, username="anna")
    slots = ks.KeySlotFile("w", (slot,))
    with pytest.raises(UnlockError) as wrong_pw:
        ks.unlock_with_password(slots, "anna", "wrong-password")
    with pytest.raises(UnlockError) as unknown:
        ks.unlock_with_password(slots, "nobody", "right-password")
    assert str(wrong_pw.value) == str(unknown.value)
    # user names are matched case-insensitively
    assert ks.unlock_with_password(slots, " ANNA ", "right-password")[1] == key


def test_file_round_trip_names_no_user(tmp_path: Path) -> None:
    key = ks.new_data_key()
    slot = ks.wrap_key(key, b"pw-pw-pw-pw", kind="password", params=FLOOR, username="Ørjan.Ølstad")
    rec = ks.wrap_key(key, b"R" * 32, kind="recovery", params=FLOOR)
    path = tmp_path / "keyslots.json"
    ks.KeySlotFile("ws-1", (slot, rec), demo=True).save(path)
    text = path.read_text("utf-8")
    assert "Ørjan" not in text and "ørjan" not in text and key.hex() not in text
    assert path.stat().st_mode & 0o077 == 0
    loaded = ks.KeySlotFile.load(path)
    assert loaded.demo and loaded.workspace_id == "ws-1"
    assert loaded.slots == (slot, rec)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b'{"format": "something-else"}',
        json.dumps({"format": "homeward-keyslots"}).encode(),
    ],
)
def test_damaged_file_gives_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "keyslots.json"
    path.write_bytes(content)
    with pytest.raises(WorkspaceError, match=r"keyslots\.json"):
        ks.KeySlotFile.load(path)
    assert path.read_bytes() == content
