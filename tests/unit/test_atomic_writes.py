"""Every file other than the database is written atomically: a failure part-way (after N
bytes, disk full, at the rename) leaves the previous file intact and nothing partial."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.features.privacy.services import erasure
from app.security import keyslots as ks
from app.security.throttle import Throttle
from app.store import files


class FailingFile:
    """A file object that accepts ``limit`` bytes, then fails like a full disk."""

    def __init__(self, real: Any, limit: int, error: int) -> None:
        self.real, self.limit, self.error = real, limit, error

    def write(self, data: bytes) -> int:
        room = max(0, self.limit - self.real.tell())
        self.real.write(data[:room])
        if room < len(data):
            raise OSError(self.error, os.strerror(self.error))
        return len(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


def fail_after(monkeypatch: pytest.MonkeyPatch, limit: int, error: int = errno.ENOSPC) -> None:
    real_fdopen = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> FailingFile:
        return FailingFile(real_fdopen(fd, *args, **kwargs), limit, error)

    monkeypatch.setattr(files.os, "fdopen", fdopen)


def slot_file(tag: str) -> ks.KeySlotFile:
    return ks.KeySlotFile(workspace_id=tag, slots=(), extra={"note": tag * 200})


def receipt() -> erasure.Receipt:
    return erasure.Receipt(
        id=__import__("uuid").uuid4(),
        action="erase",
        occurred_at=datetime.now(UTC),
        by="Cora",
        counts=(("people", 1), ("meetings", 3)),
    )


WRITERS: dict[str, tuple[Callable[[Path], None], Callable[[Path], None]]] = {
    "keyslots": (
        lambda p: slot_file("old").save(p),
        lambda p: slot_file("new").save(p),
    ),
    "export": (
        lambda p: erasure.save_receipt(receipt(), p, "Old Org"),
        lambda p: erasure.save_receipt(receipt(), p, "New Org " * 100),
    ),
    "settings": (
        lambda p: Throttle("ws-old", folder=p.parent).failed("kari"),
        lambda p: Throttle("ws-new-" + "x" * 500, folder=p.parent).failed("ola"),
    ),
}


def target(kind: str, tmp_path: Path) -> Path:
    return tmp_path / ("throttle.json" if kind == "settings" else f"{kind}.out")


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("limit", [0, 1, 17, 200])
@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EIO])
def test_a_failed_write_leaves_the_previous_file(
    kind: str, limit: int, error: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_old, write_new = WRITERS[kind]
    path = target(kind, tmp_path)
    write_old(path)
    before = path.read_bytes()
    fail_after(monkeypatch, limit, error)
    with pytest.raises(OSError) as caught:
        write_new(path)
    assert caught.value.errno == error
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary left


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_failure_at_fsync_or_rename_leaves_the_previous_file(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_old, write_new = WRITERS[kind]
    path = target(kind, tmp_path)
    write_old(path)
    before = path.read_bytes()
    for name in ("fsync", "replace"):
        with monkeypatch.context() as patch:

            def boom(*args: object, **kwargs: object) -> None:
                raise OSError(errno.EIO, "simulated")

            patch.setattr(files.os, name, boom)
            with pytest.raises(OSError):
                write_new(path)
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_the_first_write_failing_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_after(monkeypatch, 10)
    with pytest.raises(OSError):
        files.atomic_write(tmp_path / "new.json", b"x" * 100)
    assert list(tmp_path.iterdir()) == []
