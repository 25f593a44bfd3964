"""Synthetic demo data: a realistic, deterministic caseload at any scale (up to 100,000+ cases).

:func:`populate` fills a migrated workspace: more staff and volunteers, the institution and
partner directories, clients and their families, cases of every kind and status, and all
that hangs off them. The same ``seed`` and ``today`` always give the same rows: every choice
and every UUID comes from one ``random.Random(seed)``; Faker (seeded) only builds name pools
up front, never per row. Texts and pools live in :mod:`app.services.demo_content`.

Every case is *planned* first (dates, custody, status, staff), so references follow the
opening date and meetings and visits can be shared out to hit their targets; then rows are
generated and written in batches of :data:`CHUNK_CASES`, all in one transaction.

Rows are plain tuples already in SQLAlchemy's SQLite storage format (UUIDs as 32-digit hex,
dates ``YYYY-MM-DD``, datetimes ``YYYY-MM-DD HH:MM:SS.ffffff``, enums by value, booleans 0/1)
written with the driver's ``executemany``: that skips SQLAlchemy's per-value processing,
about half the insert time at a million meetings. Columns come from the models, so a new
NOT NULL column fails loudly instead of being left out silently.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from app.i18n import _
from app.models import Base, Case, Meeting, User
from app.models.enums import AssessmentOutcome as AO
from app.models.enums import CaseKind as CK
from app.models.enums import CaseStatus as CS
from app.models.enums import CloseReason as CR
from app.models.enums import ConsentScope as Scope
from app.models.enums import ConsularOutcome as CO
from app.models.enums import ContactChannel as CC
from app.models.enums import CustodyStatus as CU
from app.models.enums import Gender, LegalBasis, NeedStatus, Role
from app.models.enums import ImmigrationStatus as IS
from app.models.enums import MeetingKind as MK
from app.models.enums import ReferralStatus as RF
from app.models.enums import RelationshipKind as RK
from app.models.enums import TransportSupport as TS
from app.models.enums import VisitStatus as VS
from app.models.enums import VisitType as VT
from app.services import demo_content as content

#: Cases generated and written per batch: bounds memory (about 25,000 rows per batch).
CHUNK_CASES = 2_000
MEETINGS_PER_CASE = 9.8  # plus release-day and "this week" meetings: about 10 in all
VISIT_DAYS_PER_CHILD_CASE = 1.55  # one row per visiting child: about 2 visit rows per case
YEAR = 365
#: Tables the demo leaves empty: the audit trail, settings, export log, files, recent views.
_NOT_WRITTEN = frozenset(
    {"audit_events", "settings", "export_records", "attachments", "recent_views"}
)
# fmt: off
_MEETING_COLUMNS = ("id", "case_id", "occurred_at", "duration_minutes", "kind", "location",
                    "recorded_by", "summary", "wellbeing", "interpreter_used",
                    "follow_up_task_id", "created_at", "updated_at", "created_by")
# fmt: on


@dataclass(frozen=True)
class DemoStats:
    """Rows written by :func:`populate`, and how long it took."""

    people: int
    cases: int
    meetings: int
    tasks: int
    child_visits: int
    needs: int
    referrals: int
    consents: int
    institutions: int
    organisations: int
    seconds: float


def populate(
    engine: Engine,
    *,
    cases: int,
    seed: int,
    users: dict[str, uuid.UUID],
    today: date | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> DemoStats:
    """Add ``cases`` demo cases (and everything around them) in one transaction.

    ``users`` maps ``"coordinator"``, ``"worker"`` and ``"volunteer"`` to existing user ids:
    the worker and the volunteer get a realistic personal caseload, and more staff users are
    created to carry the rest. Runs on the calling thread (the database worker): about a
    second for 2,000 cases, about a minute for 100,000. Nothing is kept unless all succeeds.
    """
    missing = {"coordinator", "worker", "volunteer"} - users.keys()
    if missing:
        raise ValueError(f"populate() needs the demo users {sorted(missing)}")
    if cases < 0:
        raise ValueError("cases must not be negative")
    if tuple(Meeting.__table__.c.keys()) != _MEETING_COLUMNS:
        raise RuntimeError("the demo generator is out of date with the meetings table")
    started = time.perf_counter()
    report = progress or (lambda _label, _fraction: None)
    report(_("Preparing demo data…"), 0.0)
    with engine.begin() as conn:
        # Random UUID keys send each index insert to a random page; with the small default
        # cache, pages would be re-read and re-decrypted all the time. Restored afterwards.
        previous = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{min(524_288, max(8_192, cases * 5))}")
        try:
            writer = _Writer(conn)
            _Builder(writer, conn, seed, today or date.today(), users).run(cases, report)
            report(_("Saving demo data…"), 0.97)
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2_000)}")
    report(_("Demo data ready"), 1.0)
    n = writer.counts
    return DemoStats(
        people=n["people"],
        cases=n["cases"],
        meetings=n["meetings"],
        tasks=n["tasks"],
        child_visits=n["child_visits"],
        needs=n["needs"],
        referrals=n["referrals"],
        consents=n["consents"],
        institutions=n["institutions"],
        organisations=n["organisations"],
        seconds=round(time.perf_counter() - started, 3),
    )


class _Writer:
    """Collects rows per table and writes them, in foreign-key order, with ``executemany``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        order = [t.name for t in Base.metadata.sorted_tables if t.name not in _NOT_WRITTEN]
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

    def flush(self) -> None:
        for name, rows in self.rows.items():
            if rows:
                cols = self.columns[name]
                sql = (
                    f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                )
                self.conn.exec_driver_sql(sql, rows)
                self.counts[name] += len(rows)
                rows.clear()


@dataclass(slots=True, eq=False)
class _Client:
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
    surname: str = ""  # the family name's male form (see content.gendered_surname)
    address: str | None = None
    children: list[tuple[str, int]] = field(default_factory=list)  # (id, birth ordinal)
    carer: str | None = None  # the person who looks after the children
    carer_kind: str = RK.PARENT.value
    carer_name: str | None = None
    sharing: bool = False  # consents to sharing with partners, so referrals can be sent
    deported: bool = False
    busy: list[int] = field(default_factory=lambda: [0, 0, 0])  # open until, per case kind


@dataclass(slots=True, eq=False)
class _Plan:
    """One case's timeline, decided before any of its rows."""

    id: str
    year: int
    seq: int
    kind: CK
    client: _Client
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


_KIND_INDEX = {CK.RELEASE_SUPPORT: 0, CK.CHILD_VISITS: 1, CK.FOREIGN_INMATE: 2}
_REUSE = {CK.RELEASE_SUPPORT: 0.6, CK.CHILD_VISITS: 0.7, CK.FOREIGN_INMATE: 0.55}
_TOPICS = {CK.RELEASE_SUPPORT: "pre", CK.CHILD_VISITS: "child", CK.FOREIGN_INMATE: "foreign"}
_NB = "nb"


class _Builder:
    """All the state of one :func:`populate` run: plans the cases, then writes their rows."""

    def __init__(
        self, writer: _Writer, conn: Connection, seed: int, today: date, users: dict[str, uuid.UUID]
    ) -> None:
        self.w = writer
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.today = today.toordinal()
        self.pools, self.streets = content.build_name_pools(seed, 400)
        self.coordinator = users["coordinator"].hex
        self.worker = users["worker"].hex
        self.volunteer = users["volunteer"].hex
        self._day0 = self.today - 4_500
        self._days = [date.fromordinal(self._day0 + i).isoformat() for i in range(4_700)]
        self._times = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(1_440)]
        self.origins = content.Weighted([(o, o.weight) for o in content.ORIGINS])
        self.foreign_origins = content.Weighted(
            [(o, o.weight) for o in content.ORIGINS if o.key != "no"]
        )
        names = conn.execute(select(User.id, User.username, User.display_name)).all()
        self.taken = {row.username for row in names}
        self.staff_names = {row.id.hex: row.display_name for row in names}
        year_seqs = select(Case.reference_year, func.max(Case.reference_seq))
        self.seqs = {y: s for y, s in conn.execute(year_seqs.group_by(Case.reference_year))}
        self.clients: list[_Client] = []
        self.foreign_clients: list[_Client] = []
        self.parents: list[_Client] = []
        self.made: list[_Client] = []

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

    # -- the run, staff and directories -----------------------------------------------------

    def run(self, n_cases: int, report: Callable[[str, float], None]) -> None:
        workers, volunteers = self._staff(n_cases)
        self._directories()
        plans = self._plan(n_cases, workers, volunteers)
        self._staff_tasks([self.coordinator, self.worker, *workers, *volunteers])
        report(_("Creating demo cases…"), 0.05)
        for start in range(0, len(plans), CHUNK_CASES):
            for plan in plans[start : start + CHUNK_CASES]:
                self._case(plan)
            self.w.flush()
            done = min(len(plans), start + CHUNK_CASES) / len(plans)
            report(_("Creating demo cases…"), 0.05 + 0.9 * done)
        self.w.flush()

    def _staff(self, n_cases: int) -> tuple[list[str], list[str]]:
        """3–8 more social workers and 10–30 volunteers, by the size of the caseload."""
        rng, stamp = self.rng, self.at(self.today - 3 * YEAR - 30, 9 * 60)
        made: dict[Role, list[str]] = {Role.SOCIAL_WORKER: [], Role.VOLUNTEER: []}
        counts = {Role.SOCIAL_WORKER: 3 + n_cases // 15_000, Role.VOLUNTEER: 10 + n_cases // 5_000}
        for role, count in counts.items():
            for _i in range(min(count, 8 if role is Role.SOCIAL_WORKER else 30)):
                key = rng.choice(("no", "no", "no", "no", "no", "pl", "ro", "ru", "sv"))
                pool, female = self.pools[key], rng.random() < 0.6
                given = rng.choice(pool.female if female else pool.male)
                family = content.gendered_surname(key, rng.choice(pool.family), female)
                base = f"{content.asciify(given)}.{content.asciify(family)}"[:56]
                username, n = base, 1
                while username in self.taken:
                    n, username = n + 1, f"{base}{n + 1}"
                self.taken.add(username)
                user_id, name = self.new_id(), f"{given} {family}"
                self.staff_names[user_id] = name
                language = {"no": "nb", "ro": "ro", "ru": "ru"}.get(key, "en")
                self.w.add(
                    "users",
                    stamp,
                    self.coordinator,
                    id=user_id,
                    username=username,
                    display_name=name,
                    role=role.value,
                    active=1,
                    language=language,
                )
                made[role].append(user_id)
        return made[Role.SOCIAL_WORKER], made[Role.VOLUNTEER]

    def _directories(self) -> None:
        """Institutions and partner organisations (names from :mod:`demo_content`)."""
        rng, pool = self.rng, self.pools["no"]
        stamp, by = self.at(self.today - 3 * YEAR - 60, 9 * 60), self.coordinator
        self.institutions: list[tuple[str, str, bool]] = []  # id, name, has a family flat
        for name, kind, level, region, child_room, flat in content.INSTITUTIONS:
            self.institutions.append((self.new_id(), name, flat))
            visiting = None
            if kind.value in ("prison", "immigration_detention"):
                visiting = f"Visits: {rng.choice(content.VISITING_DAYS)}. "
                visiting += rng.choice(content.VISITING_RULES)
                if child_room:
                    visiting += " Child-friendly visiting room with toys and books."
                if flat:
                    visiting += " Family flat for overnight stays, after an assessment."
            contact = {}
            if child_room:
                contact = {
                    "child_contact_name": f"{rng.choice(pool.female)} {rng.choice(pool.family)}",
                    "child_contact_phone": content.digits(rng, "+47 9## ## ###"),
                    "child_contact_email": f"barnekontakt.{content.asciify(name)[:14]}"
                    "@kriminalomsorg.example",
                }
            self.w.add(
                "institutions",
                stamp,
                by,
                id=self.institutions[-1][0],
                name=name,
                kind=kind.value,
                security_level=level.value,
                region=region,
                country="NO",
                phone=content.digits(rng, "+47 ## ## ## ##"),
                visiting_info=visiting,
                **contact,
            )
        rows = content.INSTITUTIONS
        self.prisons = [
            i
            for i, r in enumerate(rows)
            if r[1].value == "prison" and r[2].value in ("high", "low")
        ]
        self.transitional = [i for i, r in enumerate(rows) if r[2].value == "transitional"]
        self.probation = [i for i, r in enumerate(rows) if r[1].value == "probation_office"]
        self.child_prisons = [i for i in self.prisons if rows[i][4]]
        names = [r[0] for r in rows]
        self.foreign_prison = names.index(content.FOREIGN_PRISON)
        self.detention = names.index(content.IMMIGRATION_DETENTION)
        self.organisations: dict[str, list[tuple[str, str]]] = {}  # by type: (id, country)
        for name, org_type, country, region, mailbox in content.ORGANISATIONS:
            org_id = self.new_id()
            self.organisations.setdefault(org_type.value, []).append((org_id, country))
            notes = f"Consular section for nationals of {country}." if country != "NO" else None
            self.w.add(
                "organisations",
                stamp,
                by,
                id=org_id,
                name=name,
                type=org_type.value,
                country=country,
                region=region,
                email=f"post@{mailbox}.example",
                phone=content.digits(rng, "+47 ## ## ## ##"),
                notes=notes,
                active=1,
            )

    def _staff_tasks(self, staff: list[str]) -> None:
        """Tasks with no case (admin work); the demo worker has one due today and one late."""
        rng, today = self.rng, self.today
        for user in staff:
            dues = [(today + rng.randint(-10, 20), True) for _i in range(rng.randint(1, 3))]
            if user == self.worker:
                dues += [(today, False), (today - 3, False)]
            for due, may_be_done in dues:
                done = may_be_done and due < today and rng.random() < 0.5
                created = self.at(due - rng.randint(5, 20), 600)
                done_at = self.at(due, 840) if done else None
                self.w.add(
                    "tasks",
                    created,
                    user,
                    id=self.new_id(),
                    title=rng.choice(content.STAFF_TASKS),
                    due_on=self.day(due),
                    assignee_id=user,
                    done=int(done),
                    done_at=done_at,
                    updated_at=done_at or created,
                )

    # -- planning -------------------------------------------------------------------------

    def _plan(self, n_cases: int, workers: list[str], volunteers: list[str]) -> list[_Plan]:
        rng, today = self.rng, self.today
        demo_share = min(0.5, max(30, min(250, n_cases // 12)) / max(1, n_cases))
        plans = []
        for opened in sorted(today - int(3 * YEAR * rng.random() ** 1.25) for _i in range(n_cases)):
            year = int(self._days[opened - self._day0][:4])
            self.seqs[year] = seq = self.seqs.get(year, 0) + 1
            kind = content.CASE_KINDS(rng)
            p = _Plan(self.new_id(), year, seq, kind, self._client_for(kind, opened), opened)
            self._timeline(p)
            age = today - opened
            if p.closed is not None:
                p.status = CS.CLOSED
            elif age < 45 and rng.random() < 0.5:
                p.status = CS.REFERRAL
            elif age < 120 and rng.random() < 0.4:
                p.status = CS.OPEN
            elif rng.random() < 0.08:
                p.status = CS.ON_HOLD
            if rng.random() < (0.4 if p.status is CS.REFERRAL else 0.96):
                r = rng.random()
                p.worker = (
                    self.worker
                    if r < demo_share
                    else self.coordinator
                    if r > 0.97
                    else workers[int(rng.random() * len(workers))]
                )
            if kind is CK.RELEASE_SUPPORT and p.status is not CS.REFERRAL and rng.random() < 0.35:
                p.volunteer = volunteers[int(rng.random() * len(volunteers))]
            p.client.busy[_KIND_INDEX[kind]] = p.closed if p.closed is not None else today + 9_999
            p.client.deported = p.client.deported or p.custody is CU.DEPORTED
            plans.append(p)
        # The demo volunteer mentors three current clients and has one finished case.
        mine = [p for p in plans if p.kind is CK.RELEASE_SUPPORT and p.worker is not None]
        current = [p for p in mine if p.status is CS.ACTIVE and p.opened > today - YEAR]
        current = current or [p for p in mine if p.status is not CS.CLOSED]
        closed = [p for p in mine if p.status is CS.CLOSED]
        for p in rng.sample(current, min(3, len(current))) + rng.sample(
            closed, min(1, len(closed))
        ):
            p.volunteer = self.volunteer
        self._share_out(plans)
        return plans

    def _client_for(self, kind: CK, opened: int) -> _Client:
        """A returning client (about half of the cases) or a new one."""
        rng = self.rng
        pool = {CK.FOREIGN_INMATE: self.foreign_clients, CK.CHILD_VISITS: self.parents}.get(
            kind, self.clients
        )
        if pool and rng.random() < _REUSE[kind]:
            for _try in range(5):
                c = pool[int(rng.random() * len(pool))]
                if not c.deported and c.busy[_KIND_INDEX[kind]] < opened:
                    return c
        origin = (self.foreign_origins if kind is CK.FOREIGN_INMATE else self.origins)(rng)
        nationality = country = rng.choice(origin.nationalities)
        languages, interpreter = rng.choice(origin.languages), rng.random() < origin.interpreter
        if origin.key == "me":
            languages = rng.choice(content.LANGUAGES_BY_COUNTRY[country])
            if kind is not CK.FOREIGN_INMATE and rng.random() < content.NORWEGIAN_CITIZEN_SHARE:
                nationality, languages, interpreter = "NO", f"{languages},nb", rng.random() < 0.1
        female = rng.random() < {CK.CHILD_VISITS: 0.12, CK.RELEASE_SUPPORT: 0.08}.get(kind, 0.06)
        age = rng.triangular(24 if kind is CK.CHILD_VISITS else 18, 70, 31)
        birth = opened - int(age * YEAR) - rng.randrange(YEAR)
        family = kind is CK.CHILD_VISITS or rng.random() < 0.1
        c = _Client(
            self.new_id(),
            origin,
            nationality,
            country,
            female,
            birth,
            family,
            languages,
            interpreter,
        )
        self.clients.append(c)
        if nationality != "NO":
            self.foreign_clients.append(c)
        if kind is CK.CHILD_VISITS:
            self.parents.append(c)
        return c

    def _timeline(self, p: _Plan) -> None:
        """Sentence, release and closing dates, custody status and institution."""
        rng, today, o = self.rng, self.today, p.opened
        dropout = o + rng.randint(30, 400) if rng.random() < 0.15 else None
        early, ending = rng.random() < 0.3, None
        if p.kind is CK.FOREIGN_INMATE:
            p.sentence_start, p.expected = o - rng.randint(0, 300), o + rng.randint(30, 900)
            r = rng.random()
            if r < 0.45:  # expelled after serving part of the sentence
                ending = CR.DEPORTED
                out = p.sentence_start + int((p.expected - p.sentence_start) * rng.uniform(0.5, 1))
            elif r < 0.6:  # transferred to serve the rest at home
                ending, out = CR.TRANSFERRED, self.between(o + 30, p.expected - 30)
            else:
                out = p.expected
            out = max(out, o + 10)
            end, reason = out + rng.randint(0, 21), ending or content.RELEASE_ENDINGS(rng)
            early = False
        else:
            if p.kind is CK.CHILD_VISITS:
                p.sentence_start, p.expected = o - rng.randint(0, 500), o + rng.randint(60, 1_200)
            else:  # support starts months before release, or (a quarter) just after it
                lead = -rng.randint(1, 200) if rng.random() < 0.25 else rng.randint(20, 240)
                length = rng.choice((90, 150, 240, 365, 540, 730, 1_100, 1_800, 3_000))
                p.expected = o + lead
                p.sentence_start = min(p.expected - length, o - rng.randint(0, 30))
            out = p.expected - (rng.randint(5, 60) if early else 0)
            early = early and out >= o
            span = rng.randint(0, 30) if p.kind is CK.CHILD_VISITS else rng.randint(60, 540)
            end, reason = max(out, o) + span, content.RELEASE_ENDINGS(rng)
        if dropout is not None and dropout < min(end, out if ending else end):
            end, reason, ending = dropout, content.DROPOUTS(rng), None
        if end <= today:
            p.closed, p.close_reason = end, reason
        if out <= min(today, end):  # left prison
            p.custody = CU.PAROLE if early and p.closed is None else CU.RELEASED
            if ending is not None:
                p.custody = CU.DEPORTED if ending is CR.DEPORTED else CU.TRANSFERRED
            if p.custody is not CU.TRANSFERRED:
                p.actual = out
        elif p.close_reason is CR.TRANSFERRED:
            p.custody = CU.TRANSFERRED
        else:
            r, recent = rng.random(), o - p.sentence_start < 120
            p.custody = (
                CU.REMAND
                if recent and r < 0.3
                else CU.ELECTRONIC_MONITORING
                if r > 0.9 and p.kind is not CK.FOREIGN_INMATE
                else CU.ON_LEAVE
                if r > 0.86
                else CU.SENTENCED
            )
            if p.custody is CU.REMAND:
                p.sentence_start = None
                p.expected = None if rng.random() < 0.6 else p.expected
        if p.kind is CK.FOREIGN_INMATE:
            r = rng.random()
            p.institution = (
                self.foreign_prison
                if r < 0.35
                else self.detention
                if r < 0.45
                else rng.choice(self.prisons)
            )
        elif p.kind is CK.CHILD_VISITS:
            p.institution = rng.choice(self.child_prisons)
        elif p.custody in (CU.ELECTRONIC_MONITORING, CU.PAROLE) and rng.random() < 0.6:
            p.institution = rng.choice(self.probation)
        elif rng.random() < 0.96:
            p.institution = rng.choice(self.transitional if rng.random() < 0.1 else self.prisons)

    def _share_out(self, plans: list[_Plan]) -> None:
        """Share the meeting and visit targets out in proportion to each case's active time."""
        rng, today = self.rng, self.today
        status_factor = {CS.REFERRAL: 0.15, CS.ON_HOLD: 0.6}
        kind_factor = {CK.RELEASE_SUPPORT: 1.2, CK.CHILD_VISITS: 0.6, CK.FOREIGN_INMATE: 0.9}
        weights, visits = [], []
        for p in plans:
            end = p.closed if p.closed is not None else today
            days = end - max(p.opened, today - 2 * YEAR) + 1
            factor = status_factor.get(p.status, 1.0) * kind_factor[p.kind]
            weights.append(days**0.85 * factor if days > 0 else 0.0)
            if p.kind is CK.CHILD_VISITS:
                days = min(end if p.closed is not None else today + 60, today + 60) - p.opened - 6
                visits.append((p, max(0, days) ** 0.9))
        rate = MEETINGS_PER_CASE * len(plans) / (sum(weights) or 1.0)
        for p, weight in zip(plans, weights, strict=True):
            p.meetings = int(weight * rate * (0.5 + rng.random()) + rng.random())
        rate = VISIT_DAYS_PER_CHILD_CASE * len(visits) / (sum(w for _p, w in visits) or 1.0)
        for p, weight in visits:
            p.visit_days = int(weight * rate * (0.5 + rng.random()) + rng.random())

    # -- the rows of one case ---------------------------------------------------------------

    def _case(self, p: _Plan) -> None:
        c, by = p.client, p.worker or self.coordinator
        if not c.made:
            self._make_client(c, p, by)
        end = p.closed if p.closed is not None else self.today
        needs = self._needs(p, end, by)
        meetings = self._meetings(p, end)
        self._tasks(p, end, needs, meetings)
        self._case_row(p, needs, max((m[2] for m in meetings), default=None))
        self.w.rows["meetings"].extend(map(tuple, meetings))
        self._referrals(p, end, needs, by)
        if p.kind is CK.CHILD_VISITS:
            self._visits(p, by)
        elif p.kind is CK.FOREIGN_INMATE:
            self._foreign(p, end, by)

    def _person(self, stamp: str, by: str, female: bool, **values: Any) -> None:
        gender = Gender.FEMALE if female else Gender.MALE
        values.setdefault("interpreter_needed", 0)
        self.w.add("people", stamp, by, gender=values.pop("gender", gender).value, **values)

    def _relate(
        self,
        stamp: str,
        by: str,
        person: str,
        related: str,
        kind: str,
        home: bool = False,
        carer: bool = False,
    ) -> None:
        self.w.add(
            "relationships",
            stamp,
            by,
            id=self.new_id(),
            person_id=person,
            related_person_id=related,
            kind=kind,
            lives_together=int(home),
            is_caregiver=int(carer),
        )

    def _make_client(self, c: _Client, p: _Plan, by: str) -> None:
        rng, r = self.rng, self.rng.random
        key, pool = c.origin.key, self.pools[c.origin.key]
        c.surname = rng.choice(pool.family)
        given = rng.choice(pool.female if c.female else pool.male)
        family = content.gendered_surname(key, c.surname, c.female, married=r() < 0.6)
        stamp = self.at(p.opened, 9 * 60 + int(r() * 420))
        c.address = content.address(self.rng, self.streets) if r() < 0.55 else None
        norwegian = c.nationality == "NO"
        extra: dict[str, Any] = {"birth_date": self.day(c.birth)}
        if not norwegian and r() < 0.04:  # no papers: only an estimated year of birth
            extra = {"birth_year_estimate": date.fromordinal(c.birth).year}
        if r() < 0.015:
            extra["gender"] = rng.choice((Gender.NON_BINARY, Gender.OTHER, Gender.UNKNOWN))
        if r() < 0.05:
            extra["preferred_name"] = rng.choice(pool.female if c.female else pool.male)
        if r() < (0.9 if norwegian else 0.35):
            extra["national_id"] = content.national_id(self.rng, c.birth, not norwegian)
        if r() < 0.06:
            extra["notes"] = rng.choice(content.PERSON_NOTES)
        self._person(
            stamp,
            by,
            c.female,
            id=c.id,
            given_name=given,
            family_name=family,
            nationality=c.nationality,
            country_of_origin=c.country_of_origin,
            languages=c.languages,
            interpreter_needed=int(c.interpreter),
            address=c.address,
            phone=content.phone(self.rng, c.origin) if r() < 0.55 else None,
            email=content.email(self.rng, given, family) if r() < 0.3 else None,
            **extra,
        )
        self._consents(c, p, by)
        if c.family:
            self._family(c, p, by, stamp)
        if self.made and r() < 0.08:  # a sibling or partner who is a client too
            other = self.made[int(r() * len(self.made))]
            self._relate(stamp, by, c.id, other.id, rng.choice((RK.SIBLING, RK.PARTNER)).value)
        self.made.append(c)
        c.made = True

    def _consents(self, c: _Client, p: _Plan, by: str) -> None:
        rng, r = self.rng, self.rng.random
        given = p.opened - rng.randint(0, 7)
        shares = (
            (Scope.SHARING_WITH_PARTNERS, 0.75),
            (Scope.STATISTICS, 0.55),
            (Scope.CONSULAR_CONTACT, 0.7 if c.nationality != "NO" else 0.0),
        )
        extra = [scope for scope, share in shares if r() < share]
        rng.shuffle(extra)
        for scope in (Scope.CASE_WORK, *extra[:2]):
            basis = LegalBasis.CONSENT
            if scope is Scope.CASE_WORK and r() < 0.4:
                basis = LegalBasis.LEGITIMATE_INTERESTS
            expires = given + rng.choice((YEAR, 2 * YEAR)) if r() < 0.25 else None
            withdrawn = None
            if r() < 0.05 and given + 10 < self.today:
                withdrawn = self.between(given + 10, self.today)
            c.sharing |= scope is Scope.SHARING_WITH_PARTNERS and withdrawn is None
            stamp = self.at(given, 600 + int(r() * 300))
            self.w.add(
                "consents",
                stamp,
                by,
                id=self.new_id(),
                person_id=c.id,
                scope=scope.value,
                legal_basis=basis.value,
                given_on=self.day(given),
                expires_on=self.day(expires),
                withdrawn_on=self.day(withdrawn),
                recorded_by=by,
                updated_at=self.at(withdrawn, 600) if withdrawn else stamp,
            )

    def _family(self, c: _Client, p: _Plan, by: str, stamp: str) -> None:
        """Partner, children and the children's caregiver: people and relationships."""
        rng, r = self.rng, self.rng.random
        kids = (content.CHILDREN_IN_VISIT_CASE if p.kind is CK.CHILD_VISITS else content.CHILDREN)(
            rng
        )
        if r() < 0.35:
            key = c.origin.key if r() < 0.8 else "no"
            pool, female = self.pools[key], c.female if r() < 0.05 else not c.female
            surname = c.surname if key == c.origin.key and r() < 0.6 else rng.choice(pool.family)
            birth = min(c.birth + rng.randint(-6 * YEAR, 6 * YEAR), p.opened - 19 * YEAR)
            partner, home = (
                self.new_id(),
                content.address(self.rng, self.streets) if r() < 0.9 else None,
            )
            given = rng.choice(pool.female if female else pool.male)
            family = content.gendered_surname(key, surname, female)
            local = key == "no"
            self._person(
                stamp,
                by,
                female,
                id=partner,
                given_name=given,
                family_name=family,
                birth_date=self.day(birth),
                nationality="NO" if local else c.nationality,
                country_of_origin="NO" if local else c.country_of_origin,
                languages=_NB if local else c.languages,
                address=home,
                phone=content.phone(self.rng, c.origin) if r() < 0.85 else None,
                email=content.email(self.rng, given, family) if r() < 0.4 else None,
            )
            self._relate(stamp, by, c.id, partner, RK.PARTNER.value)
            if kids and r() < 0.85:
                c.carer, c.carer_kind, c.address = partner, RK.PARENT.value, c.address or home
        if kids and c.carer is None:
            if r() < 0.4:  # the client's mother looks after the children
                mother, pool = self.new_id(), self.pools[c.origin.key]
                self._person(
                    stamp,
                    by,
                    True,
                    id=mother,
                    given_name=rng.choice(pool.female),
                    family_name=content.gendered_surname(c.origin.key, c.surname, True),
                    birth_date=self.day(c.birth - rng.randint(19 * YEAR, 35 * YEAR)),
                    nationality=c.nationality,
                    country_of_origin=c.country_of_origin,
                    languages=c.languages,
                    interpreter_needed=int(c.interpreter),
                    phone=content.phone(self.rng, c.origin),
                    address=content.address(self.rng, self.streets),
                )
                self._relate(stamp, by, c.id, mother, RK.PARENT.value)
                c.carer, c.carer_kind = mother, RK.GUARDIAN.value
            else:
                c.carer_name = rng.choice(content.ACCOMPANYING_NAMES[1:])
        for _i in range(kids):
            self._child(c, p, by, stamp)
        if c.children:
            self.parents.append(c)

    def _child(self, c: _Client, p: _Plan, by: str, stamp: str) -> None:
        rng, r = self.rng, self.rng.random
        low, high = max(p.opened - 17 * YEAR, c.birth + 18 * YEAR), p.opened - 60
        if low > high:
            return
        birth, female, child = self.between(low, high), r() < 0.5, self.new_id()
        key, pool = c.origin.key, self.pools[c.origin.key]
        nationality = "NO" if c.nationality == "NO" or r() < 0.5 else c.nationality
        national_id = (
            content.national_id(self.rng, birth, False)
            if nationality == "NO" and r() < 0.9
            else None
        )
        self._person(
            stamp,
            by,
            female,
            id=child,
            given_name=rng.choice(pool.female if female else pool.male),
            family_name=content.gendered_surname(key, c.surname, female, married=False),
            birth_date=self.day(birth),
            nationality=nationality,
            country_of_origin=c.country_of_origin,
            address=c.address,
            national_id=national_id,
            languages=_NB if key == "no" else f"{c.languages.split(',')[0]},nb",
        )
        self._relate(stamp, by, c.id, child, RK.CHILD.value)
        if c.carer is not None:
            self._relate(stamp, by, child, c.carer, c.carer_kind, home=True, carer=True)
        c.children.append((child, birth))

    def _needs(self, p: _Plan, end: int, by: str) -> list[tuple[str, str, int]]:
        """The case's needs, as (id, domain, day identified)."""
        rng, r = self.rng, self.rng.random
        n = content.NEED_COUNT(rng) if p.status is not CS.REFERRAL else rng.randint(0, 2)
        domains: list[str] = []
        for _try in range(3 * n):
            domain = content.NEED_DOMAINS[p.kind](rng).value
            if domain not in domains:
                domains.append(domain)
                if len(domains) == n:
                    break
        out = []
        for domain in domains:
            found = self.between(p.opened, min(end, p.opened + 45))
            status = (
                NeedStatus.IDENTIFIED
                if p.status is CS.REFERRAL
                else (content.CLOSED_NEED if p.status is CS.CLOSED else content.OPEN_NEED)(rng)
            )
            met = self.between(found, end) if status is NeedStatus.MET else None
            need_id, stamp = self.new_id(), self.at(found, 600 + int(r() * 300))
            self.w.add(
                "needs",
                stamp,
                by,
                id=need_id,
                case_id=p.id,
                domain=domain,
                status=status.value,
                identified_on=self.day(found),
                met_on=self.day(met),
                notes=content.NEED_NOTES.get(domain) if r() < 0.25 else None,
                updated_at=self.at(met, 600) if met else stamp,
            )
            out.append((need_id, domain, found))
        return out

    def _meetings(self, p: _Plan, end: int) -> list[list[Any]]:
        """Meeting rows in :data:`_MEETING_COLUMNS` order (lists: a task may still link one)."""
        rng, r, today = self.rng, self.rng.random, self.today
        start = max(p.opened, today - 2 * YEAR)  # meetings cover the last two years
        if end < start:
            return []
        days = [start + int(r() * (end - start + 1)) for _i in range(p.meetings)]
        release = p.actual
        if release is not None and start <= release <= end and r() < 0.5:
            days.append(release)
        if p.worker == self.worker and p.status in (CS.OPEN, CS.ACTIVE) and r() < 0.15:
            days.append(max(p.opened, today - rng.randint(0, 4)))  # the demo worker's week
        by_worker = len(days)
        if p.volunteer == self.volunteer and p.status is not CS.CLOSED:
            days += [max(p.opened, today - rng.randint(1, 12)) for _i in range(2)]
        worker, volunteer = p.worker or self.coordinator, p.volunteer
        place = self.institutions[p.institution][1] if p.institution is not None else "Prison"
        before = (
            content.FOREIGN_CASE
            if p.kind is CK.FOREIGN_INMATE
            else content.CHILD_CASE
            if p.kind is CK.CHILD_VISITS
            else content.IN_COMMUNITY
            if p.custody is CU.ELECTRONIC_MONITORING
            else content.IN_CUSTODY
        )
        after = content.REMOTE if p.custody is CU.DEPORTED else content.IN_COMMUNITY
        topics_before = content.MEETING_TOPICS[_TOPICS[p.kind]]
        topics_after, moods = content.MEETING_TOPICS["post"], content.MEETING_MOODS
        nexts, durations = content.MEETING_NEXT, content.MEETING_DURATIONS
        mood_base, interpreter = 3 + int(r() * 6), p.client.interpreter
        rows = []
        for i, day in enumerate(days):
            weekday = (day - 1) % 7  # ordinal 1 was a Monday
            if weekday >= 5 and r() < 0.85 and day - (weekday - 4) >= start:
                day -= weekday - 4
            released = release is not None and day > release
            if day == release:
                kind = MK.RELEASE_DAY
            else:
                kinds = after if released else before
                kind = kinds[int(r() * len(kinds))]
            if kind is MK.PHONE or kind is MK.VIDEO:
                minute, duration, location = 510 + 15 * int(r() * 38), 30 + 15 * (r() < 0.3), None
            else:
                minute, duration = 540 + 15 * int(r() * 27), durations[int(r() * len(durations))]
                location = content.meeting_place(kind, place, r())
            recorder = worker
            if volunteer is not None and (i >= by_worker or r() < (0.5 if released else 0.2)):
                recorder = volunteer
            topics = topics_after if released or kind is MK.RELEASE_DAY else topics_before
            parts = (
                topics[int(r() * len(topics))],
                moods[int(r() * len(moods))],
                nexts[int(r() * len(nexts))],
            )
            wellbeing = min(10, max(1, mood_base + int(r() * 5) - 2)) if r() < 0.45 else None
            used = int(interpreter and kind is not MK.RELEASE_DAY and r() < 0.8)
            stamp = self.at(day, min(1_439, minute + duration + 15))
            rows.append(
                [
                    self.new_id(),
                    p.id,
                    self.at(day, minute),
                    duration,
                    kind.value,
                    location,
                    recorder,
                    " ".join(x for x in parts if x),
                    wellbeing,
                    used,
                    None,
                    stamp,
                    stamp,
                    recorder,
                ]
            )
        return rows

    def _tasks(
        self, p: _Plan, end: int, needs: list[tuple[str, str, int]], meetings: list[list[Any]]
    ) -> None:
        rng, r, today = self.rng, self.rng.random, self.today
        closed = p.status is CS.CLOSED
        n = rng.randint(0, 2) if p.status is CS.REFERRAL else rng.randint(1, 5 if closed else 6)
        dues: list[tuple[int | None, bool]] = []
        for _i in range(n):
            if closed:
                due, done = self.between(p.opened, end), True  # closing tidies up the tasks
            else:
                due = today + round(rng.triangular(-40, 40, 3))
                due = due if due >= p.opened else p.opened + rng.randint(0, 21)
                done = r() < (0.65 if due < today else 0.08)
            dues.append((None if r() < 0.06 else due, done))
        worker = p.worker or self.coordinator
        for due_on, done in dues:
            domain = needs[int(r() * len(needs))][1] if needs and r() < 0.7 else None
            titles = content.TASK_TITLES[domain]
            last = due_on if due_on is not None else end
            created = max(p.opened, last - rng.randint(2, 30))
            created_at, task_id = self.at(created, 540 + int(r() * 360)), self.new_id()
            if meetings and r() < 0.25:  # a follow-up agreed at a meeting
                meeting = meetings[int(r() * len(meetings))]
                if meeting[10] is None and meeting[2] <= self.at(last, 1_439):
                    meeting[10], created_at = task_id, meeting[11]
                    created = date.fromisoformat(meeting[2][:10]).toordinal()
            done_at = None
            if done:
                finished = self.between(created, max(created, min(last, end)))
                done_at = max(created_at, self.at(finished, 900 + int(r() * 240)))
            assignee = p.volunteer if p.volunteer is not None and r() < 0.25 else worker
            self.w.add(
                "tasks",
                created_at,
                worker,
                id=task_id,
                title=rng.choice(titles),
                due_on=self.day(due_on),
                assignee_id=assignee,
                case_id=p.id,
                done=int(done),
                done_at=done_at,
                updated_at=done_at or created_at,
            )

    def _case_row(self, p: _Plan, needs: list[tuple[str, str, int]], last: str | None) -> None:
        rng, r, c = self.rng, self.rng.random, p.client
        created = self.at(p.opened, 540 + int(r() * 420))
        summary = None
        if r() < 0.3:
            named = " and ".join(n[1].replace("_", " ") for n in needs[:2]) or "general support"
            summary = rng.choice(content.CASE_SUMMARIES[p.kind.value]).format(
                needs=named,
                months=max(1, (p.expected - p.opened) // 30) if p.expected else 3,
                children={1: "one child", 2: "two children"}.get(len(c.children), "the children"),
                language="needs an interpreter" if c.interpreter else "speaks some English",
            )
        offences = content.FOREIGN_OFFENCES if p.kind is CK.FOREIGN_INMATE else content.OFFENCES
        institution = self.institutions[p.institution][0] if p.institution is not None else None
        last = last or created  # the latest meeting, else the opening
        self.w.add(
            "cases",
            created,
            p.worker or self.coordinator,
            id=p.id,
            reference=f"HW-{p.year}-{p.seq:04d}",
            reference_year=p.year,
            reference_seq=p.seq,
            kind=p.kind.value,
            status=p.status.value,
            client_id=c.id,
            worker_id=p.worker,
            volunteer_id=p.volunteer,
            institution_id=institution,
            opened_on=self.day(p.opened),
            closed_on=self.day(p.closed),
            close_reason=p.close_reason and p.close_reason.value,
            priority=content.PRIORITIES(rng).value,
            referral_source=content.REFERRAL_SOURCES[p.kind](rng).value if r() < 0.95 else None,
            custody_status=p.custody and p.custody.value,
            actual_release=self.day(p.actual),
            sentence_start=self.day(p.sentence_start),
            expected_release=self.day(p.expected),
            offence_category=offences(rng).value if r() < 0.9 else None,
            summary=summary,
            last_activity_at=last,
            updated_at=max(last, created),
        )

    def _referrals(self, p: _Plan, end: int, needs: list[tuple[str, str, int]], by: str) -> None:
        rng, r = self.rng, self.rng.random
        wanted = content.REFERRAL_COUNT(rng)
        for need_id, domain, found in needs:
            types = content.REFERRAL_TYPES.get(domain, ())
            orgs = [o for t in types for o in self.organisations.get(t.value, [])]
            if domain == "consular":
                orgs = [o for o in orgs if o[1] == p.client.nationality]
            if wanted <= 0 or not orgs or (not p.client.sharing and r() < 0.7):
                continue
            wanted -= 1
            sent = found + rng.randint(1, 20)
            responded = sent + rng.randint(3, 30)
            status = RF.DRAFT  # no consent to share yet, or not sent yet
            if p.client.sharing and sent <= end and r() > 0.08:
                status = (
                    content.CLOSED_REFERRAL if p.status is CS.CLOSED else content.OPEN_REFERRAL
                )(rng)
                status = RF.SENT if responded > end else status
            was_sent, answered = status is not RF.DRAFT, status not in (RF.DRAFT, RF.SENT)
            outcomes = content.REFERRAL_OUTCOMES.get(status.value)
            self.w.add(
                "referrals",
                self.at(found, 600 + int(r() * 300)),
                by,
                id=self.new_id(),
                case_id=p.id,
                need_id=need_id,
                organisation_id=orgs[int(r() * len(orgs))][0],
                status=status.value,
                sent_on=self.day(sent) if was_sent else None,
                responded_on=self.day(responded) if answered else None,
                consent_checked_at=self.at(sent, 600 + int(r() * 300)) if was_sent else None,
                outcome=rng.choice(outcomes) if outcomes else None,
                updated_at=self.at(responded if answered else sent if was_sent else found, 960),
            )

    def _visits(self, p: _Plan, by: str) -> None:
        """Child visits for the client's children under 17, with overnight-stay assessments."""
        rng, r, today, c = self.rng, self.rng.random, self.today, p.client
        start = p.opened + 7
        end = min(p.closed if p.closed is not None else today + 60, today + 60)
        kids = [k for k in c.children if k[1] <= p.opened - 30 and p.opened - k[1] < 17 * YEAR]
        if not kids:
            c.carer_name = c.carer_name or (
                None if c.carer else rng.choice(content.ACCOMPANYING_NAMES)
            )
            self._child(c, p, by, self.at(p.opened, 600))
            kids = c.children[-1:]
        institution, place, flat = (
            self.institutions[p.institution] if p.institution is not None else (None, "", False)
        )
        parent, assessed = "mum" if c.female else "dad", set()
        days = sorted(self.between(start, end) for _i in range(p.visit_days if end >= start else 0))
        for day in days:  # in date order, so an overnight stay's assessment comes first
            visiting = [k for k in kids if day - k[1] < 18 * YEAR - 5 and r() < 0.8]
            if not visiting:
                continue
            kind = content.VISIT_TYPES(rng)
            if kind is VT.OVERNIGHT_FAMILY_FLAT and (not flat or day - p.opened < 21):
                kind = VT.CHILD_FRIENDLY_ROOM
            status = (content.PAST_VISIT if day < today else content.FUTURE_VISIT)(rng)
            reason = None
            if status is VS.CANCELLED or status is VS.DENIED:
                reasons = (
                    content.VISIT_CANCELLED if status is VS.CANCELLED else content.VISIT_DENIED
                )
                reason = reasons[int(r() * 3)]
            adult = c.carer if c.carer is not None and r() < 0.8 else None
            adult_name = None if adult else c.carer_name or rng.choice(content.ACCOMPANYING_NAMES)
            transport = TS.NONE if kind is VT.VIDEO else content.TRANSPORT(rng)
            paid = transport is TS.TICKET or transport is TS.REIMBURSEMENT
            duration = (
                1_320
                if kind is VT.OVERNIGHT_FAMILY_FLAT
                else rng.choice((30, 45))
                if kind is VT.VIDEO
                else rng.choice((60, 90, 90, 120))
            )
            at = self.at(day, rng.choice((600, 660, 780, 840, 900, 1_020, 1_080)))
            booked = self.at(max(p.opened, day - rng.randint(7, 30)), 600 + int(r() * 300))
            for child, _born in visiting:
                if kind is VT.OVERNIGHT_FAMILY_FLAT and child not in assessed:
                    assessed.add(child)
                    outcome = content.ASSESSMENT_FOR_VISIT.get(status, AO.APPROVED)
                    if outcome is AO.NOT_APPROVED:
                        reason = content.VISIT_DENIED[3]
                    on = max(p.opened, day - rng.randint(7, 45))
                    self.w.add(
                        "visit_assessments",
                        self.at(on, 840),
                        by,
                        id=self.new_id(),
                        case_id=p.id,
                        child_id=child,
                        assessed_on=self.day(on),
                        assessed_by=self.staff_names.get(by) or f"Social services, {place}",
                        outcome=outcome.value,
                    )
                held = status is VS.HELD
                reaction = rng.choice(content.VISIT_REACTIONS).replace("{parent}", parent)
                self.w.add(
                    "child_visits",
                    booked,
                    by,
                    id=self.new_id(),
                    case_id=p.id,
                    child_id=child,
                    accompanying_adult_id=adult,
                    accompanying_adult_name=adult_name,
                    institution_id=institution,
                    scheduled_at=at,
                    duration_minutes=duration,
                    visit_type=kind.value,
                    status=status.value,
                    status_reason=reason,
                    transport_support=transport.value,
                    transport_amount_minor=rng.randint(15, 250) * 1_000 if paid else None,
                    child_reaction=reaction if held and r() < 0.7 else None,
                    follow_up=rng.choice(content.VISIT_FOLLOW_UPS) if held and r() < 0.4 else None,
                    updated_at=at if day < today else booked,
                )

    def _foreign(self, p: _Plan, end: int, by: str) -> None:
        """Immigration status history, consular contacts, family abroad, discrimination."""
        rng, r, c = self.rng, self.rng.random, p.client
        first = min(p.opened, p.sentence_start or p.opened) - rng.randint(0, 120)
        if p.custody is CU.DEPORTED:
            initial = IS.EXPULSION_ORDER
        elif p.custody is CU.TRANSFERRED:
            initial = IS.TRANSFER_REQUESTED
        elif c.nationality in content.EU_EEA:
            initial = IS.EU_EEA_RIGHT if r() < 0.6 else IS.EXPULSION_ORDER
        else:
            initial = content.IMMIGRATION(rng)
        records = [(initial, first)]
        if p.custody is CU.DEPORTED and p.actual is not None:
            records.append((IS.DEPORTED, p.actual))
        elif p.custody is CU.TRANSFERRED:
            records.append((IS.TRANSFERRED, self.between(p.opened, end)))
        elif initial is IS.EXPULSION_ORDER and r() < 0.5:
            records.append((IS.APPEAL_PENDING, self.between(p.opened, end)))
        elif p.closed is None and r() < 0.15:
            records.append((IS.TRANSFER_REQUESTED, self.between(p.opened, end)))
        for status, since in records:
            self.w.add(
                "immigration_records",
                self.at(max(since, p.opened), 660),
                by,
                id=self.new_id(),
                case_id=p.id,
                status=status.value,
                since=self.day(since),
            )
        for _i in range(content.CONSULAR_COUNT(rng)):
            on = self.between(p.opened, end)
            outcome = CO.PENDING if self.today - on < 21 else content.CONSULAR_OUTCOMES(rng)
            self.w.add(
                "consular_contacts",
                self.at(on, 600 + int(r() * 360)),
                by,
                id=self.new_id(),
                case_id=p.id,
                country=c.nationality,
                contacted_on=self.day(on),
                channel=rng.choice(list(CC)).value,
                consent_to_notify=int(r() < 0.85),
                outcome=outcome.value,
                notes=rng.choice(content.CONSULAR_NOTES) or None,
            )
        pool = self.pools[c.origin.key]
        for _i in range(rng.choice((0, 0, 1, 1, 1, 2))):
            female = r() < 0.6
            name = rng.choice(pool.female if female else pool.male)
            name += " " + content.gendered_surname(c.origin.key, c.surname, female)
            self.w.add(
                "family_abroad",
                self.at(self.between(p.opened, end), 700),
                by,
                id=self.new_id(),
                case_id=p.id,
                name=name,
                relationship_kind=rng.choice((RK.PARENT, RK.PARTNER, RK.CHILD, RK.SIBLING)).value,
                country=c.country_of_origin,
                contact_channel=rng.choice((CC.PHONE, CC.VIDEO, CC.LETTER, CC.EMAIL)).value,
            )
        if r() < 0.15:
            on = self.between(p.opened, end)
            result = None if self.today - on < 30 else rng.choice(content.DISCRIMINATION_OUTCOMES)
            self.w.add(
                "discrimination_reports",
                self.at(on, 800),
                by,
                id=self.new_id(),
                case_id=p.id,
                reported_on=self.day(on),
                outcome=result,
                description=rng.choice(content.DISCRIMINATION),
                reported_to=rng.choice(content.DISCRIMINATION_REPORTED_TO),
            )
