"""Synthetic demo data: a realistic, deterministic caseload at any scale (up to 100,000+ cases).

:func:`populate` fills a migrated workspace: more staff and volunteers, the institution and
partner directories, clients and their families, cases of every kind and status, and all
that hangs off them. The same ``seed`` and ``today`` always give the same rows: every choice
and every UUID comes from one ``random.Random(seed)``; Faker (seeded) only builds name pools
up front, never per row. Texts and pools live in :mod:`app.demo.content`.

Every case is *planned* first (dates, custody, status, staff), so references follow the
opening date and meetings and visits can be shared out to hit their targets; then rows are
generated and written in batches of :data:`CHUNK_CASES`, all in one transaction, with the
tables' indexes built once at the end (see :func:`~app.demo.core.indexes_dropped`).

Clients come back, as they do: most cases are a returning client's (a new prison term, a
case of another kind alongside the first — a parent in prison has release support and child
visits at once), so 100,000 cases have about 70,000 people, children and partners included.

Rows are plain tuples already in SQLAlchemy's SQLite storage format (UUIDs as 32-digit hex,
dates ``YYYY-MM-DD``, datetimes ``YYYY-MM-DD HH:MM:SS.ffffff``, enums by value, booleans 0/1)
written with the driver's ``executemany``: that skips SQLAlchemy's per-value processing,
about half the insert time at a million meetings. Columns come from the models, so a new
NOT NULL column fails loudly instead of being left out silently.

This module keeps the public API and the run itself (staff, directories, planning); the rest
is split by what it writes: :mod:`~app.demo.core` (the writer, the plan records and
the seeded helpers), :mod:`~app.demo.people` (clients, families, consents) and
:mod:`~app.demo.rows` (each case's rows). After it, :mod:`~app.demo.workspace`
runs the passes that work on the whole caseload: release plans, the consent and visit rules,
which consents warn (:mod:`~app.demo.consent`) and the audit trail
(:mod:`~app.demo.audit`).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from app.demo import content
from app.demo import names as demo_names
from app.demo import weights as demo_weights
from app.demo.core import YEAR, Client, Plan, Writer, cache_kib, indexes_dropped, page_cache
from app.demo.rows import CaseRows
from app.features.cases.services.cases import catch_up_reference_counters
from app.kernel.i18n import _
from app.models.enums import CaseKind as CK
from app.models.enums import CaseStatus as CS
from app.models.enums import CloseReason as CR
from app.models.enums import CustodyStatus as CU
from app.models.enums import Role
from app.services.jobs import Progress

#: Cases generated and written per batch: bounds memory (about 25,000 rows per batch).
CHUNK_CASES = 2_000
MEETINGS_PER_CASE = 9.8  # plus release-day and "this week" meetings: about 10 in all
VISIT_DAYS_PER_CHILD_CASE = 1.55  # one row per visiting child: about 2 visit rows per case
_KIND_INDEX = {CK.RELEASE_SUPPORT: 0, CK.CHILD_VISITS: 1, CK.FOREIGN_INMATE: 2}
_MOST_CASES = 8  # a client's cases in the three years (several kinds at once, new terms)
_INSIDE = (CU.REMAND, CU.SENTENCED, CU.ELECTRONIC_MONITORING, CU.ON_LEAVE)
_REUSE = {CK.RELEASE_SUPPORT: 0.88, CK.CHILD_VISITS: 0.9, CK.FOREIGN_INMATE: 0.8}


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
    #: Written after the data, by :func:`app.demo.audit.add_audit_trail`.
    audit_events: int = 0


def populate(
    engine: Engine,
    *,
    cases: int,
    seed: int,
    users: dict[str, uuid.UUID],
    today: date | None = None,
    progress: Progress | None = None,
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
    started = time.perf_counter()
    report = progress or (lambda _label, _fraction: None)
    report(_("Preparing demo data…"), 0.0)
    with engine.begin() as conn, page_cache(conn, cache_kib(cases)):
        # The tables' indexes are built after the rows are in (see indexes_dropped), with
        # the pages they read still in the cache.
        writer = Writer(conn)
        with indexes_dropped(conn, writer.columns):
            _Builder(writer, conn, seed, today or date.today(), users).run(cases, report)
            report(_("Saving demo data…"), 0.97)
        catch_up_reference_counters(conn)  # the next case opened gets the number after them
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


class _Builder(CaseRows):
    """One :func:`populate` run: staff, directories and plans here, the rows in its bases."""

    # -- the run, staff and directories -----------------------------------------------------

    def run(self, n_cases: int, report: Progress) -> None:
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
        # the demo accounts have been there all along (their names are on three years of work)
        self.w.conn.exec_driver_sql(
            "UPDATE users SET created_at = ?, updated_at = ? WHERE id IN (?, ?, ?)",
            (self.at(self.today - 3 * YEAR - 31, 9 * 60),) * 2
            + (self.coordinator, self.worker, self.volunteer),
        )
        made: dict[Role, list[str]] = {Role.SOCIAL_WORKER: [], Role.VOLUNTEER: []}
        counts = {Role.SOCIAL_WORKER: 3 + n_cases // 15_000, Role.VOLUNTEER: 10 + n_cases // 5_000}
        for role, count in counts.items():
            for _i in range(min(count, 8 if role is Role.SOCIAL_WORKER else 30)):
                key = rng.choice(("no", "no", "no", "no", "no", "pl", "ro", "ru", "sv"))
                pool, female = self.pools[key], rng.random() < 0.6
                given = rng.choice(pool.female if female else pool.male)
                family = demo_names.gendered_surname(key, rng.choice(pool.family), female)
                base = f"{demo_names.asciify(given)}.{demo_names.asciify(family)}"[:56]
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
        self.institutions = []  # declared on Core: the case rows use them too
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
                    "child_contact_phone": demo_names.digits(rng, "+47 9## ## ###"),
                    "child_contact_email": f"barnekontakt.{demo_names.asciify(name)[:14]}"
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
                phone=demo_names.digits(rng, "+47 ## ## ## ##"),
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
        self.organisations = {}
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
                phone=demo_names.digits(rng, "+47 ## ## ## ##"),
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
                created = self.at(min(today, due - rng.randint(5, 20)), 600)
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

    def _plan(self, n_cases: int, workers: list[str], volunteers: list[str]) -> list[Plan]:
        rng, today = self.rng, self.today
        demo_share = min(0.5, max(30, min(250, n_cases // 12)) / max(1, n_cases))
        plans = []
        for opened in sorted(today - int(3 * YEAR * rng.random() ** 1.25) for _i in range(n_cases)):
            year = int(self._days[opened - self._day0][:4])
            self.seqs[year] = seq = self.seqs.get(year, 0) + 1
            kind = demo_weights.CASE_KINDS(rng)
            p = Plan(self.new_id(), year, seq, kind, self._client_for(kind, opened), opened)
            self._timeline(p)
            p.client.latest = p
            p.client.cases += 1
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

    def _client_for(self, kind: CK, opened: int) -> Client:
        """A returning client (about half of the cases) or a new one."""
        rng = self.rng
        pool = {CK.FOREIGN_INMATE: self.foreign_clients, CK.CHILD_VISITS: self.parents}.get(
            kind, self.clients
        )
        if kind is CK.CHILD_VISITS and rng.random() < 0.6:
            pool = self.clients
        if pool and rng.random() < _REUSE[kind]:
            for _try in range(12):
                c = pool[int(rng.random() * len(pool))]
                if not c.deported and c.busy[_KIND_INDEX[kind]] < opened:
                    if c.cases >= _MOST_CASES:
                        continue
                    if kind is CK.CHILD_VISITS and opened - c.birth < 21 * YEAR:
                        continue
                    if kind is CK.CHILD_VISITS and c.busy[1] == 0:
                        self.parents.append(c)
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
        c = Client(
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

    def _timeline(self, p: Plan) -> None:
        """Sentence, release and closing dates, custody status and institution.

        A case opened while the client is still inside on the term of another of their cases
        shares that term: the same sentence, release and (when it suits this kind of case)
        institution. Once they are out, a new case is a new term.
        """
        rng, today, o = self.rng, self.today, p.opened
        same = p.client.latest
        if same is not None and (
            same.expected is None
            or (same.closed or today) < o
            or (same.actual is not None and same.actual <= o)
            or same.custody in (CU.DEPORTED, CU.TRANSFERRED)
        ):
            same = None
        dropout = o + rng.randint(30, 400) if rng.random() < 0.15 else None
        early, ending = rng.random() < 0.3, None
        if p.kind is CK.FOREIGN_INMATE:
            p.sentence_start, p.expected = o - rng.randint(0, 300), o + rng.randint(30, 900)
            if same is not None and same.expected is not None and same.sentence_start is not None:
                p.sentence_start, p.expected = same.sentence_start, max(same.expected, o + 30)
            r = rng.random()
            if r < 0.45:  # expelled after serving part of the sentence
                ending = CR.DEPORTED
                out = p.sentence_start + int((p.expected - p.sentence_start) * rng.uniform(0.5, 1))
            elif r < 0.6:  # transferred to serve the rest at home
                ending, out = CR.TRANSFERRED, self.between(o + 30, p.expected - 30)
            else:
                out = p.expected
            out = max(out, o + 10)
            if same is not None and same.actual is not None:  # out then, as the other says
                ending, out = None, max(same.actual, o + 10)
            end, reason = out + rng.randint(0, 21), ending or demo_weights.RELEASE_ENDINGS(rng)
            early = False
        else:
            if p.kind is CK.CHILD_VISITS:
                p.sentence_start, p.expected = o - rng.randint(0, 500), o + rng.randint(60, 1_200)
            else:  # support starts months before release, or (a quarter) just after it
                lead = -rng.randint(1, 200) if rng.random() < 0.25 else rng.randint(20, 240)
                length = rng.choice((90, 150, 240, 365, 540, 730, 1_100, 1_800, 3_000))
                p.expected = o + lead
                p.sentence_start = min(p.expected - length, o - rng.randint(0, 30))
            if same is not None and same.expected is not None:
                p.sentence_start, p.expected = same.sentence_start, same.expected
            out = p.expected - (rng.randint(5, 60) if early else 0)
            if same is not None and same.actual is not None:
                out = same.actual
            early = early and out >= o
            span = rng.randint(0, 30) if p.kind is CK.CHILD_VISITS else rng.randint(60, 540)
            end, reason = max(out, o) + span, demo_weights.RELEASE_ENDINGS(rng)
        if dropout is not None and dropout < min(end, out if ending else end):
            end, reason, ending = dropout, demo_weights.DROPOUTS(rng), None
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
        elif same is not None and same.custody in _INSIDE:  # as the other case says
            p.custody, p.sentence_start, p.expected = (
                same.custody,
                same.sentence_start,
                same.expected,
            )
        else:
            r, recent = rng.random(), p.sentence_start is not None and o - p.sentence_start < 120
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
        if same is not None and same.institution is not None:
            allowed = {
                CK.CHILD_VISITS: self.prisons,  # the child prisons among them
                CK.FOREIGN_INMATE: [*self.prisons, self.foreign_prison, self.detention],
            }.get(p.kind, [*self.prisons, *self.transitional])
            if same.institution in allowed and p.custody in _INSIDE:
                p.institution = same.institution

    def _share_out(self, plans: list[Plan]) -> None:
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
