"""Release support in the demo: plan templates, release plans with tasks (some done, a few
overdue), custody histories, mentors matched before release and volunteers' capacities.

Runs after :func:`app.demo.generate.populate`, on the cases it made, in one transaction. Its
own ``random.Random`` (from the demo seed) makes every choice and id, so a seed gives the same
rows; rows go in with the demo writer's ``executemany`` (storage format), so 100,000 cases
cost a few seconds more.

Who gets what, so a new user sees full, believable examples:

* open release-support cases expected out within a year: most of those in the next 90 days
  have a plan (a few do not: the Releases page warns about them), fewer further out;
* clients released in the last six months: most have a plan, with follow-ups still to come;
* each of these gets a custody history that ends in the case's current status;
* a client whose "match a mentor" task is done has a mentor (the least busy volunteer).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select

from app.demo.core import Writer, page_cache
from app.features.release.services.plan_templates import DEFAULT_TEMPLATES
from app.models import Case, User
from app.models.enums import CaseKind, CaseStatus, Role
from app.models.enums import CustodyStatus as CU
from app.security.permissions import internal

_SHORT, _LONG, _EM = (t[0] for t in DEFAULT_TEMPLATES)
_MENTOR_TITLE = "Match a mentor"
_CUSTODY_NOTES = {
    CU.REMAND.value: "Remanded after the first hearing.",
    CU.SENTENCED.value: "Sentence confirmed; release date set by the prison.",
    CU.ELECTRONIC_MONITORING.value: "Rest of the sentence at home with an ankle tag.",
    CU.ON_LEAVE.value: "Weekend leave granted.",
    CU.PAROLE.value: "Released on parole; reports to probation weekly.",
    CU.RELEASED.value: None,
}


@dataclass(frozen=True)
class ReleaseStats:
    templates: int
    plans: int
    tasks: int
    custody_events: int
    mentors_matched: int


def _hex(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


@internal
def add_release_examples(
    engine: Engine, users: dict[str, uuid.UUID], today: date | None = None, *, seed: int = 1
) -> ReleaseStats:
    """Add the release-support examples to a freshly populated demo workspace."""
    day = today or date.today()
    rng = random.Random(seed * 7_919 + 17)  # noqa: S311 - demo data, not security
    # As in populate: random UUID keys hit random index pages; a bigger cache keeps them
    # decrypted instead of re-reading them all the time.
    with engine.begin() as conn, page_cache(conn, 262_144):
        return _Examples(Writer(conn), conn, rng, day, users).run()


class _Examples:
    def __init__(
        self, w: Writer, conn: Any, rng: random.Random, today: date, users: dict[str, uuid.UUID]
    ) -> None:
        self.w, self.conn, self.rng, self.today = w, conn, rng, today
        self.coordinator = users["coordinator"].hex
        self.worker = users["worker"].hex
        self.stamp = self.at(today - timedelta(days=400), 9 * 60)

    def new_id(self) -> str:
        bits = self.rng.getrandbits(128) & ~(0xF000 << 64 | 0xC000 << 48)
        return f"{bits | 4 << 76 | 0x8000 << 48:032x}"

    @staticmethod
    def at(day: date, minute: int) -> str:
        return f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}:00.000000"

    # -- the run --

    def run(self) -> ReleaseStats:
        templates = self._templates()
        volunteers = self._volunteer_loads()
        matched: list[dict[str, str]] = []
        for row in self._handover(self._candidates()):
            case_id, worker, volunteer = row[0].hex, _hex(row[1]), _hex(row[2])
            expected, actual, status = row[3], row[4], row[5]
            opened, sentence_start = row[6], row[7]
            anchor = actual or expected
            if anchor is None:
                continue
            days = (anchor - self.today).days
            share = 0.85 if actual else 0.82 if days <= 90 else 0.45
            self._custody(case_id, status, sentence_start, opened, actual, expected, worker)
            if self.rng.random() >= share:
                continue
            length = (expected or anchor) - (sentence_start or opened)
            name = (
                _EM
                if status == CU.ELECTRONIC_MONITORING.value
                else _LONG
                if length.days > 365
                else _SHORT
            )
            mentor_done = self._plan(case_id, worker, anchor, opened, templates[name])
            if mentor_done and volunteer is None and volunteers:
                chosen = min(volunteers, key=lambda v: (volunteers[v], v))
                volunteers[chosen] += 1
                matched.append({"cid": case_id, "vid": chosen})
        self.w.flush()
        self._match(matched)
        self._capacities(volunteers)
        return ReleaseStats(
            templates=len(templates),
            plans=self.w.counts["release_plans"],
            tasks=self.w.counts["tasks"],
            custody_events=self.w.counts["custody_events"],
            mentors_matched=len(matched),
        )

    def _templates(self) -> dict[str, tuple[str, list[tuple[int, str]]]]:
        """The default templates, written with seeded ids: name → (id, items)."""
        made = {}
        for name, description, items in DEFAULT_TEMPLATES:
            template_id = self.new_id()
            self.w.add(
                "plan_templates",
                self.stamp,
                self.coordinator,
                id=template_id,
                name=name,
                description=description,
                active=1,
            )
            for position, (offset, title, domain) in enumerate(items):
                self.w.add(
                    "plan_template_items",
                    self.stamp,
                    self.coordinator,
                    id=self.new_id(),
                    template_id=template_id,
                    offset_days=offset,
                    title=title,
                    need_domain=domain.value if domain else None,
                    position=position,
                )
            made[name] = (template_id, [(o, t) for o, t, _d in items])
        return made

    def _candidates(self) -> list[Any]:
        """Release-support cases expected out within a year, or released in the last 180 days."""
        horizon, since = self.today + timedelta(days=365), self.today - timedelta(days=180)
        stmt = (
            select(
                Case.id,
                Case.worker_id,
                Case.volunteer_id,
                Case.expected_release,
                Case.actual_release,
                Case.custody_status,
                Case.opened_on,
                Case.sentence_start,
            )
            .where(
                Case.kind == CaseKind.RELEASE_SUPPORT,
                Case.status.in_([CaseStatus.OPEN, CaseStatus.ACTIVE, CaseStatus.ON_HOLD]),
                (
                    (
                        Case.actual_release.is_(None)
                        & Case.expected_release.between(self.today, horizon)
                    )
                    | Case.actual_release.between(since, self.today)
                ),
            )
            .order_by(Case.reference_year, Case.reference_seq)
        )
        return [
            (*r[:5], r[5].value if r[5] is not None else None, *r[6:])
            for r in self.conn.execute(stmt)
        ]

    def _handover(self, rows: list[Any]) -> list[Any]:
        """Make sure the demo social worker has releases coming up on their Today page: if
        none of theirs is due out within 90 days, three such cases are handed over to them."""
        soon = [
            i
            for i, r in enumerate(rows)
            if r[4] is None and (r[3] - self.today).days <= 90 and r[1] is not None
        ]
        if any(rows[i][1].hex == self.worker for i in soon):
            return rows
        chosen = self.rng.sample(soon, min(3, len(soon)))
        for i in chosen:
            rows[i] = (rows[i][0], uuid.UUID(self.worker), *rows[i][2:])
        if chosen:
            self.conn.exec_driver_sql(
                "UPDATE cases SET worker_id = ? WHERE id = ?",
                [(self.worker, rows[i][0].hex) for i in chosen],
            )
        return rows

    def _volunteer_loads(self) -> dict[str, int]:
        stmt = select(User.id).where(User.role == Role.VOLUNTEER, User.active.is_(True))
        loads = {u.hex: 0 for u in self.conn.scalars(stmt)}
        rows = self.conn.execute(
            select(Case.volunteer_id).where(
                Case.volunteer_id.is_not(None), Case.status != CaseStatus.CLOSED
            )
        )
        for (volunteer_id,) in rows:
            if volunteer_id.hex in loads:
                loads[volunteer_id.hex] += 1
        return loads

    # -- rows --

    def _plan(
        self,
        case_id: str,
        worker: str | None,
        anchor: date,
        opened: date,
        template: tuple[str, list[tuple[int, str]]],
    ) -> bool:
        """A plan with its tasks; returns whether its "match a mentor" task is done."""
        rng, today = self.rng, self.today
        template_id, items = template
        earliest = anchor + timedelta(days=min(o for o, _t in items) - rng.randint(3, 25))
        started = min(today, max(opened, earliest))
        plan_id, by = self.new_id(), worker or self.coordinator
        stamp = self.at(started, 540 + rng.randint(0, 420))
        self.w.add(
            "release_plans",
            stamp,
            by,
            id=plan_id,
            case_id=case_id,
            template_id=template_id,
            anchor_date=anchor.isoformat(),
            started_on=started.isoformat(),
        )
        mentor_done = False
        for offset, title in items:
            due = anchor + timedelta(days=offset)
            late = (today - due).days
            # past tasks mostly done (a few left overdue); preparations due within a month
            # sometimes done early; nothing after today's date is done ahead of its time
            chance = (
                0.88
                if late > 7
                else 0.6
                if late >= 0
                else 0.25
                if late >= -30 and offset < 0
                else 0.0
            )
            done = rng.random() < chance
            done_at = (
                max(
                    stamp,
                    self.at(
                        min(today, max(started, due + timedelta(days=rng.randint(-6, 3)))),
                        600 + rng.randint(0, 360),
                    ),
                )
                if done
                else None
            )
            mentor_done = mentor_done or (done and title == _MENTOR_TITLE)
            self.w.add(
                "tasks",
                stamp,
                by,
                id=self.new_id(),
                title=title,
                due_on=due.isoformat(),
                assignee_id=by,
                case_id=case_id,
                done=int(done),
                done_at=done_at,
                plan_id=plan_id,
                plan_offset_days=offset,
                updated_at=done_at or stamp,
            )
        return mentor_done

    def _custody(
        self,
        case_id: str,
        status: str | None,
        sentence_start: date | None,
        opened: date,
        actual: date | None,
        expected: date | None,
        worker: str | None,
    ) -> None:
        """A history that ends in the case's current custody status."""
        rng, by = self.rng, worker or self.coordinator
        events: list[tuple[str, date]] = []
        start = sentence_start or opened - timedelta(days=rng.randint(30, 200))
        if rng.random() < 0.55:
            events.append((CU.REMAND.value, start - timedelta(days=rng.randint(20, 150))))
        if status != CU.REMAND.value:
            events.append((CU.SENTENCED.value, start))
        if status == CU.PAROLE.value and actual is not None:
            events.append((status, actual))
        elif status in (CU.ELECTRONIC_MONITORING.value, CU.ON_LEAVE.value, CU.PAROLE.value):
            end = min(self.today, actual or expected or self.today)
            events.append((status, start + (end - start) * rng.randint(55, 95) // 100))
        if status == CU.RELEASED.value and actual is not None:
            if rng.random() < 0.25:
                events.append((CU.ON_LEAVE.value, actual - timedelta(days=rng.randint(20, 60))))
            events.append((CU.RELEASED.value, actual))
        last: date | None = None
        for value, on in events:
            on = min(on, self.today)
            if last is not None and on < last:
                on = last
            last = on
            # recorded once the case existed (the history before it, when the case opened)
            stamp = self.at(max(on, opened), 600 + rng.randint(0, 300))
            notes = _CUSTODY_NOTES.get(value) if rng.random() < 0.5 else None
            self.w.add(
                "custody_events",
                stamp,
                by,
                id=self.new_id(),
                case_id=case_id,
                status=value,
                on=on.isoformat(),
                notes=notes,
            )

    def _match(self, matched: list[dict[str, str]]) -> None:
        if matched:
            self.conn.exec_driver_sql(
                "UPDATE cases SET volunteer_id = ? WHERE id = ?",
                [(m["vid"], m["cid"]) for m in matched],
            )

    def _capacities(self, loads: dict[str, int]) -> None:
        """Capacities around each volunteer's load: some full, most with room for one or two."""
        rows = []
        for volunteer, load in sorted(loads.items()):
            capacity = load + self.rng.choice((0, 0, 1, 1, 2, 3))
            if capacity <= 50:
                rows.append((max(1, capacity), volunteer))
        if rows:
            self.conn.exec_driver_sql("UPDATE users SET mentor_capacity = ? WHERE id = ?", rows)
