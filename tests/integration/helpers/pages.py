"""Read SQLCipher files the hard way: decrypt every page (free pages and WAL frames too).

Scanning the decrypted bytes proves that erased data is *gone from the file*, not merely
unreachable through SQL. SQLCipher 4 with a raw key: AES-256-CBC with the data key itself,
4096-byte pages, the last 80 bytes of each page being the IV (16) and HMAC (64); page 1's
first 16 bytes are the salt.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80
WAL_HEADER = 32
FRAME_HEADER = 24


def _decrypt(page: bytes, key: bytes, first: bool) -> bytes:
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    body = page[16 if first else 0 : PAGE - RESERVE]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def database_pages(path: Path, key: bytes) -> Iterator[bytes]:
    data = path.read_bytes()
    for n in range(len(data) // PAGE):
        yield _decrypt(data[n * PAGE : (n + 1) * PAGE], key, n == 0)


def wal_pages(path: Path, key: bytes) -> Iterator[bytes]:
    data = path.read_bytes() if path.exists() else b""
    offset = WAL_HEADER
    while offset + FRAME_HEADER + PAGE <= len(data):
        number = int.from_bytes(data[offset : offset + 4], "big")
        frame = data[offset + FRAME_HEADER : offset + FRAME_HEADER + PAGE]
        yield _decrypt(frame, key, number == 1)
        offset += FRAME_HEADER + PAGE


def encodings(text: str) -> list[bytes]:
    return [text.encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be")]


def find_in_workspace(folder: Path, key: bytes, needles: list[str]) -> list[str]:
    """Where any needle appears in ``folder``: decrypted database and WAL pages (workspace
    and backups), and every other file as it is."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if path.name.endswith(".db"):
            chunks = list(database_pages(path, key))
        elif path.name.endswith(".db-wal"):
            chunks = list(wal_pages(path, key))
        else:
            chunks = [path.read_bytes()]
        blob = b"".join(chunks)
        for needle in needles:
            if any(encoded in blob for encoded in encodings(needle)):
                found.append(f"{path.relative_to(folder)}: {needle}")
    return found
