"""A batched import survives SIGKILL at random moments: every batch it reported as committed
is there, whole; no batch is there in part; the database and the audit chain check out.

The child is a fork of the test process (modules already imported), so each of the 50+
lives costs a sign-in and a parse of the file rather than a Python start-up. It reports
``committed <batch>`` on a pipe after each commit; the parent kills it a random moment after
the batches start, then starts the next life, which resumes after the last whole batch.
"""

from __future__ import annotations

import csv
import os
import random
import select
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select

from app.features.importing.services import import_sources, importing
from app.models import AuditEvent, Case, ImportBatch, ImportKey, Person
from app.services import workspace as ws
from app.services.workspace import CreatedWorkspace
from tests.conftest import PASSWORD

ROWS = 2_500
BATCH = 50
KILLS = 25

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")


def write_rows(path: Path) -> None:
    rng = random.Random(5)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["Client ID", "Fornavn", "Etternavn", "Fødselsdato", "Kjønn", "Sakstype", "Åpnet"]
        )
        for i in range(ROWS):
            out.writerow(
                [
                    f"K{i:05d}",
                    rng.choice(["Ana", "Ion", "Пётр", "Kari", "Ștefan", "Åse"]),
                    f"Ţăranu-{i}",
                    f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1950, 2005)}",
                    rng.choice(["m", "k"]),
                    "release_support" if i % 2 else "",
                    "2025-03-01" if i % 2 else "",
                ]
            )


def child(folder: Path, source: Path, out: int) -> None:
    def say(text: str) -> None:
        os.write(out, (text + "\n").encode())

    table = import_sources.read_table(source)
    mapping = import_sources.suggest_mapping(table.headers)
    ctx = ws.unlock(folder, "coord", PASSWORD)
    say("ready")
    importing.run_import(
        ctx,
        table,
        mapping,
        batch_size=BATCH,
        progress=lambda stage, fraction: say("importing"),
        on_commit=lambda batch, rows: say(f"committed {batch}"),
    )
    ctx.lock()
    say("done")


def lines(fd: int, deadline: float) -> Iterator[str]:
    buffer = b""
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            yield line.decode()


def life(folder: Path, source: Path, rng: random.Random, reported: set[int], *, kill: bool) -> bool:
    """Run one child; kill it a random moment after it starts importing. True if it finished."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        code = 0
        try:
            child(folder, source, write_end)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    finished = False
    kill_at: float | None = None
    # Kill after 0 or 1 batches of this life, at a random moment within the next batch (its
    # length estimated from the previous one): random moments, and at most two batches a
    # life, so 50 batches always outlast 25 kills however fast the machine is.
    batches_first = rng.randint(0, 1)
    seen = 0
    last = time.monotonic()
    batch_s = 0.02
    try:
        for line in lines(read_end, time.monotonic() + 120):
            now = time.monotonic()
            if line.startswith("committed "):
                reported.add(int(line.split()[1]))
                seen += 1
                batch_s = max(now - last, 0.001)
            if line == "importing" or line.startswith("committed "):
                last = now
                if kill and kill_at is None and seen >= batches_first:
                    kill_at = now + rng.uniform(0.0, batch_s)
            if line == "done":
                finished = True
            if kill_at is not None:
                remaining = kill_at - time.monotonic()
                if remaining > 0 and not select.select([read_end], [], [], remaining)[0]:
                    break
                if remaining <= 0:
                    break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        # what the child reported before it died still counts
        os.set_blocking(read_end, False)
        try:
            rest = os.read(read_end, 65536).decode()
        except BlockingIOError:
            rest = ""
        for line in rest.splitlines():
            if line.startswith("committed "):
                reported.add(int(line.split()[1]))
            finished = finished or line == "done"
        os.close(read_end)
    return finished


def check(folder: Path, reported: set[int]) -> int:
    with ws.unlock(folder, "coord", PASSWORD) as ctx:
        report = ws.verify(ctx)
        assert report.ok, report.problems
        with ctx.uow() as uow:
            s = uow.session
            batches = dict(s.execute(sql_select(ImportBatch.batch_no, ImportBatch.rows)).all())
            assert reported <= set(batches), sorted(reported - set(batches))
            per_batch = dict(
                s.execute(
                    sql_select(ImportKey.batch_no, func.count())
                    .where(ImportKey.kind == "person")
                    .group_by(ImportKey.batch_no)
                ).all()
            )
            # every batch whole (each row is a new person), and nothing outside a batch
            assert per_batch == batches
            people = s.scalar(sql_select(func.count()).select_from(Person))
            assert people == sum(batches.values())
            cases = s.scalar(sql_select(func.count()).select_from(Case))
            assert cases == s.scalar(sql_select(func.count()).where(ImportKey.kind == "case"))
            created = s.scalar(sql_select(func.count()).where(AuditEvent.action == "create"))
            assert created == people + cases
        return int(people or 0)


def test_sigkill_during_a_batched_import(workspace: CreatedWorkspace, tmp_path: Path) -> None:
    source = tmp_path / "clients.csv"
    write_rows(source)
    rng = random.Random(20261121)
    reported: set[int] = set()
    kills = 0
    while kills < KILLS:
        if life(workspace.folder, source, rng, reported, kill=True):
            break  # finished before the kill landed: nothing left to interrupt
        kills += 1
        if kills % 10 == 0:
            check(workspace.folder, reported)
    assert kills >= KILLS, f"the import finished after only {kills} kills"
    partial = check(workspace.folder, reported)
    assert 0 < partial < ROWS
    assert life(workspace.folder, source, rng, reported, kill=False)
    assert check(workspace.folder, reported) == ROWS
    # Running the finished import again skips every batch and creates nothing.
    table = import_sources.read_table(source)
    with ws.unlock(workspace.folder, "coord", PASSWORD) as ctx:
        again = importing.run_import(
            ctx, table, import_sources.suggest_mapping(table.headers), batch_size=BATCH
        )
    assert (again.batches_skipped, again.people_created, again.cases_created) == (
        ROWS // BATCH,
        0,
        0,
    )
