"""Real disks that fail: a small tmpfs to fill, remount read-only, or make files immutable.

Mounting needs root (or CAP_SYS_ADMIN), which the sandbox the suite runs in has. Where it
does not, :func:`small_disk` skips the test — and every test that uses it has an injected
twin (the same code path, the error raised by a monkeypatched call) that always runs.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

#: Files whose bytes may change while nothing is written: SQLite's shared-memory index (read
#: marks) and the informative text of the instance lock.
VOLATILE = ("homeward.db-shm", "homeward.lock")


def _run(*args: str) -> bool:
    return subprocess.run(args, capture_output=True, check=False).returncode == 0


@functools.cache
def can_mount() -> bool:
    """Whether this machine lets the tests mount a tmpfs (probed once)."""
    with tempfile.TemporaryDirectory() as probe:
        if not _run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe):
            return False
        _run("umount", probe)
    return True


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "8m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (made if needed) for the block; skips the
    test where mounting is impossible."""
    if not can_mount():
        pytest.skip("cannot mount a tmpfs here; the injected twin of this test runs instead")
    folder.mkdir(parents=True, exist_ok=True)
    assert _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        _run("mount", "-o", "remount,rw", str(folder))
        for path in folder.rglob("*"):  # chattr +i would keep umount from freeing nothing
            if path.is_file() or path.is_dir():
                _run("chattr", "-i", str(path))
        if not _run("umount", str(folder)):
            _run("umount", "-l", str(folder))


def fill(disk: Path) -> Path:
    """Write zeros to ``disk`` until it is full; returns the filler file (delete it to free)."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle:
        block = bytes(4096)
        try:
            while True:
                handle.write(block)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def remount_read_only(disk: Path) -> None:
    assert _run("mount", "-o", "remount,ro", str(disk))


def make_immutable(path: Path) -> None:
    """``chattr +i``: not even root may write it (chmod does not stop root)."""
    if not _run("chattr", "+i", str(path)):
        pytest.skip("chattr +i is not possible here; the injected twin of this test runs instead")


def digest(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``folder`` (by relative path) and its SHA-256, to compare byte for
    byte before and after; a file left behind shows as a new key."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in skip
    }


def os_error(code: int, filename: str | os.PathLike[str] | None = None) -> OSError:
    return OSError(code, os.strerror(code), None if filename is None else os.fspath(filename))
