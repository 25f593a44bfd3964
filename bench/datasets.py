"""Benchmark data: demo workspaces built with ``homeward demo``, cached under bench/data/.

Each size lives in ``bench/data/<label>/``:

- ``pristine/``  the workspace exactly as the generator wrote it (never opened by a benchmark);
- ``work/``      a fresh copy of ``pristine/`` made for every run (benchmarks write to it);
- ``deliberately-plaintext/plain.db``  an UNENCRYPTED copy of the database for the
  "cost of encryption" baseline (``sqlcipher_export``). Synthetic demo data only; it never
  lives in a workspace and ``make clean-bench`` deletes it;
- ``meta.json``  the cache key (generator version + size + seed), how long the generator
  took and how big the result is.

The cache key hashes the generator's and the schema's source, so a change to the demo data
or a migration rebuilds the data the next time the suite runs.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SEED = 1
KDF_SECONDS = 0.5  # the calibrated default of `homeward init` / `homeward demo`
PASSWORD = "demo"

#: Tables whose row counts the results report (what the generator made).
COUNTED = (
    "cases",
    "people",
    "meetings",
    "tasks",
    "child_visits",
    "needs",
    "referrals",
    "audit_events",
)


def label(cases: int) -> str:
    return f"{cases // 1000}k" if cases % 1000 == 0 else str(cases)


def generator_version() -> str:
    digest = hashlib.sha256()
    # The generator and the schema (every model change comes with a migration).
    sources = [
        *sorted((ROOT / "app" / "demo").glob("*.py")),
        *sorted((ROOT / "app" / "store" / "migrations" / "versions").glob("*.py")),
    ]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Dataset:
    cases: int
    folder: Path
    meta: dict[str, Any]

    @property
    def label(self) -> str:
        return label(self.cases)

    @property
    def pristine(self) -> Path:
        return self.folder / "pristine"

    @property
    def work(self) -> Path:
        return self.folder / "work"

    @property
    def plain(self) -> Path:
        return self.folder / "deliberately-plaintext" / "plain.db"

    @property
    def built_on(self) -> date:
        return date.fromisoformat(self.meta["built_on"])

    def fresh_work_copy(self) -> Path:
        """A new writable copy of the pristine workspace (benchmarks record meetings etc.)."""
        if self.work.exists():
            shutil.rmtree(self.work)
        shutil.copytree(self.pristine, self.work)
        return self.work

    def drop_work_copy(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def data_key(workspace: Path, username: str = "coordinator") -> bytes:
    from app.security import keyslots as ks

    slots = ks.KeySlotFile.load(workspace / "keyslots.json")
    return ks.unlock_with_password(slots, username, PASSWORD)[1]


def _export_plain(workspace: Path, plain: Path, key: bytes) -> None:
    import sqlcipher3.dbapi2 as sqlcipher

    plain.parent.mkdir(parents=True, exist_ok=True)
    plain.unlink(missing_ok=True)
    conn = sqlcipher.connect(str(workspace / "homeward.db"), isolation_level=None)
    try:
        conn.execute("PRAGMA key = \"x'" + key.hex() + "'\"")
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    import sqlite3

    check = sqlite3.connect(plain)
    try:
        check.execute("PRAGMA journal_mode = WAL")  # as the workspace's database
    finally:
        check.close()


def _counts(plain: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(plain)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}
    finally:
        conn.close()


def ensure(cases: int, *, rebuild: bool = False, log: Any = print) -> Dataset:
    folder = DATA / label(cases)
    meta_path = folder / "meta.json"
    key = {"generator": generator_version(), "cases": cases, "seed": SEED, "kdf": KDF_SECONDS}
    if not rebuild and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("key") == key and (folder / "pristine" / "homeward.db").is_file():
            if (folder / "deliberately-plaintext" / "plain.db").is_file():
                return Dataset(cases, folder, meta)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    log(f"building {label(cases)} demo data (homeward demo --cases {cases}) …")
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "demo",
            "--workspace",
            str(folder / "pristine"),
            "--cases",
            str(cases),
            "--seed",
            str(SEED),
            "--kdf-seconds",
            str(KDF_SECONDS),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"homeward demo failed:\n{proc.stdout}\n{proc.stderr}")
    size = _size(folder / "pristine")
    log(f"  generated in {seconds:.1f} s, workspace {size / 1e6:.0f} MB")
    started = time.perf_counter()
    _export_plain(
        folder / "pristine",
        folder / "deliberately-plaintext" / "plain.db",
        data_key(folder / "pristine"),
    )
    export_seconds = time.perf_counter() - started
    meta = {
        "key": key,
        "built_on": date.today().isoformat(),
        "generate_seconds": round(seconds, 1),
        "workspace_bytes": size,
        "database_bytes": (folder / "pristine" / "homeward.db").stat().st_size,
        "plain_export_seconds": round(export_seconds, 1),
        "plain_bytes": (folder / "deliberately-plaintext" / "plain.db").stat().st_size,
        "counts": _counts(folder / "deliberately-plaintext" / "plain.db"),
        "generator_output": proc.stdout.strip().splitlines()[:1],
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return Dataset(cases, folder, meta)


if __name__ == "__main__":  # python bench/datasets.py 10000 100000: build the data only
    sys.path.insert(0, str(ROOT))
    for n in sys.argv[1:] or ["10000", "100000"]:
        d = ensure(int(n))
        print(d.label, json.dumps(d.meta))
