"""The demo generator's shared machinery: the row writer, the plan records and the seeded state.

:class:`Core` holds everything one :func:`~app.demo.generate.populate` run shares: the one
``random.Random(seed)`` every choice and UUID comes from, today's date, the name pools, the
demo users, the clients made so far and the directories. The generator is one class chain:
``Core`` <- :class:`~app.demo.people.People` <- :class:`~app.demo.rows.CaseRows`
<- the builder in :mod:`app.demo.generate`. One instance, one thread: the order of the random
draws *is* the output, so moving a call from one place to another changes every row after it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from app.demo import content
from app.demo import names as demo_names
from app.demo import weights as demo_weights
from app.models import Base, Case, CaseReferenceCounter, User
from app.models.enums import CaseKind as CK
from app.models.enums import CaseStatus as CS
from app.models.enums import CloseReason as CR
from app.models.enums import CustodyStatus as CU
from app.models.enums import RelationshipKind as RK
from app.security.permissions import internal, pure

YEAR = 365
#: Tables the generator leaves alone: settings and files; the audit trail, export log and
#: recent views come from :mod:`app.demo.audit`, after everything else; the reference
#: counters are brought up to the cases written at the end of ``populate``.
_NOT_WRITTEN = frozenset(
    {
        "audit_events",
        "settings",
        "export_records",
        "attachments",
        "recent_views",
        "case_reference_counters",
    }
)


class Writer:
    """Collects rows per table and writes them, in foreign-key order, with ``executemany``."""

    def __init__(self, conn: Connection, only: Iterable[str] | None = None) -> None:
        """Writes the tables the generator fills, or ``only`` those named."""
        self.conn = conn
        wanted = frozenset(only) if only is not None else None
        order = [
            t.name
            for t in Base.metadata.sorted_tables
            if (t.name in wanted if wanted is not None else t.name not in _NOT_WRITTEN)
        ]
        tables = Base.metadata.tables
        self.columns = {name: tuple(tables[name].c.keys()) for name in order}
        self._known = {name: frozenset(cols) for name, cols in self.columns.items()}
        self.rows: dict[str, list[Sequence[Any]]] = {name: [] for name in order}
        self.counts = dict.fromkeys(order, 0)

    def add(self, table: str, stamp: str, by: str | None, **values: Any) -> None:
        """One row; columns not given are NULL, ``updated_at`` defaults to ``stamp``."""
        if not values.keys() <= self._known[table]:
            raise KeyError(f"{table} has no column {sorted(values.keys() - self._known[table])}")
        values["created_at"], values["created_by"] = stamp, by
        values.setdefault("updated_at", stamp)
        self.rows[table].append(tuple([values.get(c) for c in self.columns[table]]))

    def add_rows(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Rows given whole, by column (with their own ``created_at``, ``updated_at`` and
        ``created_by``); columns not given are NULL. Cheaper than :meth:`add` per row."""
        columns, known, out = self.columns[table], self._known[table], self.rows[table]
        for row in rows:
            if not row.keys() <= known:
                raise KeyError(f"{table} has no column {sorted(row.keys() - known)}")
            out.append(tuple([row.get(c) for c in columns]))

    def flush(self) -> None:
        for name, rows in self.rows.items():
            if rows:
                cols = self.columns[name]
                named = ", ".join(f'"{c}"' for c in cols)  # quoted: custody_events has "on"
                sql = f"INSERT INTO {name} ({named}) VALUES ({', '.join('?' * len(cols))})"
                self.conn.exec_driver_sql(sql, rows)
                self.counts[name] += len(rows)
                rows.clear()


@pure
def cache_kib(cases: int) -> int:
    """The page cache (KiB) for building a demo of ``cases`` cases: about a third of what the
    workspace will hold, up to 1 GiB. SQLCipher decrypts every page it reads again, so the
    generator's bulk loads and the passes after them (which read what it wrote) run several
    times faster when pages stay in memory."""
    return min(786_432, max(65_536, cases * 8))


@internal
@contextmanager
def page_cache(conn: Connection, kib: int) -> Iterator[None]:
    """At least ``kib`` KiB of page cache for the block (never less than the connection
    had), then the connection's own setting again."""
    previous = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2_000)
    had = -previous if previous < 0 else previous * 4  # pages of 4 KiB (SQLCipher 4)
    conn.exec_driver_sql(f"PRAGMA cache_size = -{max(kib, had)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {previous}")


@internal
@contextmanager
def indexes_dropped(
    conn: Connection, tables: Iterable[str], *, keep: Iterable[str] = ()
) -> Iterator[None]:
    """Bulk-load ``tables`` without their indexes, then build them again (same SQL).

    Rows with random UUIDs would each land on a random page of every index; building an
    index afterwards sorts the keys once, which is several times faster at 100,000 cases and
    leaves the index compact. Indexes of primary keys and unique constraints stay (they have
    no SQL of their own), and those named in ``keep`` (say, one the rows arrive in order of).
    DDL is transactional in SQLite: if the load fails, the rollback
    brings the indexes back too.
    """
    names = sorted(set(tables))
    marks = ", ".join("?" * len(names))
    found = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY tbl_name, name",
        tuple(names),
    ).all()
    kept = set(keep)
    indexes = [(str(name), str(sql)) for name, sql in found if name not in kept]
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    threads = conn.exec_driver_sql("PRAGMA threads").scalar()
    conn.exec_driver_sql("PRAGMA threads = 4")  # sorting the keys may use more cores
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)
    conn.exec_driver_sql(f"PRAGMA threads = {int(threads or 0)}")


@dataclass(slots=True, eq=False)
class Client:
    """A case client; their person row and family are written with their first case."""

    id: str
    origin: content.Origin
    nationality: str
    country_of_origin: str
    female: bool
    birth: int  # date ordinal
    family: bool
    languages: str
    interpreter: bool
    made: bool = False
    surname: str = ""  # the family name's male form (see demo_names.gendered_surname)
    made_at: str = ""  # when the person row was created
    address: str | None = None
    children: list[tuple[str, int]] = field(default_factory=list)  # (id, birth ordinal)
    carer: str | None = None  # the person who looks after the children
    carer_kind: str = RK.PARENT.value
    carer_name: str | None = None
    sharing: bool = False  # consents to sharing with partners, so referrals can be sent
    deported: bool = False
    busy: list[int] = field(default_factory=lambda: [0, 0, 0])  # open until, per case kind
    latest: Plan | None = None  # their most recently opened case
    cases: int = 0


@dataclass(slots=True, eq=False)
class Plan:
    """One case's timeline, decided before any of its rows."""

    id: str
    year: int
    seq: int
    kind: CK
    client: Client
    opened: int
    closed: int | None = None
    close_reason: CR | None = None
    custody: CU | None = None
    sentence_start: int | None = None
    expected: int | None = None
    actual: int | None = None
    status: CS = CS.ACTIVE
    worker: str | None = None
    volunteer: str | None = None
    institution: int | None = None
    meetings: int = 0
    visit_days: int = 0


class Core:
    """The state of one :func:`~app.demo.generate.populate` run and its small helpers."""

    # Set by the builder's directories step, before any case is planned.
    institutions: list[tuple[str, str, bool]]  # id, name, has a family flat
    organisations: dict[str, list[tuple[str, str]]]  # by type: (id, country)

    def __init__(
        self, writer: Writer, conn: Connection, seed: int, today: date, users: dict[str, uuid.UUID]
    ) -> None:
        self.w = writer
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.today = today.toordinal()
        self.pools, self.streets = demo_names.build_name_pools(seed, 400)
        self.example_names = dict(demo_names.EXAMPLE_NAMES)
        self.coordinator = users["coordinator"].hex
        self.worker = users["worker"].hex
        self.volunteer = users["volunteer"].hex
        self._day0 = self.today - 4_500
        self._days = [date.fromordinal(self._day0 + i).isoformat() for i in range(4_700)]
        self._times = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(1_440)]
        self.origins = demo_weights.Weighted([(o, o.weight) for o in content.ORIGINS])
        self.foreign_origins = demo_weights.Weighted(
            [(o, o.weight) for o in content.ORIGINS if o.key != "no"]
        )
        names = conn.execute(select(User.id, User.username, User.display_name)).all()
        self.taken = {row.username for row in names}
        self.staff_names = {row.id.hex: row.display_name for row in names}
        # the numbers in use, or handed out and since erased (the year's counter): the new
        # cases get the ones after; populate() then brings the counters up to them
        year_seqs = select(Case.reference_year, func.max(Case.reference_seq))
        self.seqs = {y: s for y, s in conn.execute(year_seqs.group_by(Case.reference_year))}
        counters = select(CaseReferenceCounter.year, CaseReferenceCounter.last_seq)
        for year, last in conn.execute(counters):
            self.seqs[year] = max(last, self.seqs.get(year, 0))
        self.clients: list[Client] = []
        self.foreign_clients: list[Client] = []
        self.parents: list[Client] = []
        self.made: list[Client] = []

    # -- small helpers ------------------------------------------------------------------

    def new_id(self) -> str:
        """A version-4 UUID as SQLAlchemy stores it (hex), from the seeded generator."""
        bits = self.rng.getrandbits(128) & ~(0xF000 << 64 | 0xC000 << 48)
        return f"{bits | 4 << 76 | 0x8000 << 48:032x}"

    def day(self, ordinal: int | None) -> str | None:
        if ordinal is None:
            return None
        index = ordinal - self._day0
        if 0 <= index < len(self._days):
            return self._days[index]
        return date.fromordinal(ordinal).isoformat()

    def at(self, ordinal: int, minute: int) -> str:
        return f"{self.day(ordinal)}{self._times[minute]}"

    def between(self, low: int, high: int) -> int:
        """A day in ``[low, high]`` (``low`` when the range is empty)."""
        return low + int(self.rng.random() * (high - low + 1)) if high > low else low
