"""The demo audit trail around the records: a view of the case before each stint of work, a
sign-in before each user's first event of the day and that day's automatic backup, the
coordinator's quarterly summaries with their export records, and each user's recently
viewed cases.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from app.demo.clock import Clock
from app.demo.core import Writer
from app.demo.trail import CREATE, FIRST, SIGN_IN, TIME_ORDER, VIEW, Event, Trail, minutes_of
from app.features.cases.services.recent_views import RECENT_KEPT
from app.features.reports.services.disclosure import DEFAULT_THRESHOLD
from app.features.reports.services.published import EXPORT_AUDIT_FIELDS
from app.security.audit import AuditAction as A

#: ``reports.service.EXPORT_KIND`` (not imported: it would load the PDF library; a test
#: checks they agree).
EXPORT_KIND = "anonymised_summary"
_VIEW_CASE, _SIGN_IN_ACTION, _BACKUP = A.VIEW_CASE.value, A.SIGN_IN.value, A.BACKUP.value


def _earlier(stamp: str, minutes: int) -> str:
    """``stamp`` moved ``minutes`` earlier on the same day (not before midnight)."""
    m = max(0, minutes_of(stamp) - minutes)
    return f"{stamp[:11]}{m // 60:02d}:{m % 60:02d}:00.000000"


class SessionEvents(Trail):
    def _work_sessions(self, events: list[Event]) -> list[Event]:
        """A case view before each user's work in a case each day (tasks are created and
        ticked off from lists, without opening the case); a sign-in before each user's first
        event of the day, and the day's automatic backup after the first one.

        ``events`` are in time order, so the first event seen of a day is its earliest.
        Returns the new events, in time order.
        """
        rng, since = self.rng, self.since
        first_on_case: dict[tuple[str, str, str], str] = {}
        for when, order, user, _action, kind, _entity, _fields, case, _person in events:
            if case is None or user is None or kind == "task":  # tasks are ticked off lists
                continue
            if kind == "case" and order == FIRST:  # creating a case opens it
                continue
            first_on_case.setdefault((user, case, when[:10]), when)
        views: list[Event] = []
        for (user, case, _day), when in first_on_case.items():  # in a reproducible order
            view = _earlier(when, rng.randint(1, 12))
            if view > self.case_created[case] and view >= since:  # else open since created
                client = self.cases[case][0]
                views.append((view, VIEW, user, _VIEW_CASE, "case", case, "", case, client))
        views.sort(key=TIME_ORDER)
        self.views = views
        first_of_day: dict[tuple[str, str], str] = {}
        for event in views:
            first_of_day.setdefault((event[2] or "", event[0][:10]), event[0])
        for event in events:
            if event[2] is not None:
                key, when = (event[2], event[0][:10]), event[0]
                if when < first_of_day.setdefault(key, when):
                    first_of_day[key] = when
        added = list(views)
        backups: dict[str, tuple[str, str, str]] = {}
        for (user, day), when in first_of_day.items():
            lead = rng.randint(2, 15)
            signed_in = _earlier(when, lead)
            if signed_in >= since:
                added.append(
                    (signed_in, SIGN_IN, user, _SIGN_IN_ACTION, "user", user, "", None, None)
                )
                if day not in backups or signed_in < backups[day][0]:
                    backups[day] = (signed_in, user, _earlier(when, lead - 1))
        for _signed_in, user, backup in backups.values():
            added.append((backup, SIGN_IN, user, _BACKUP, "backup", None, "", None, None))
        added.sort(key=TIME_ORDER)
        return added

    def _exports(self) -> None:
        """The coordinator's anonymised summary of each quarter, as a PDF and a CSV."""
        rng, by = self.rng, self.coordinator
        quarter = date(self.since_day.year, 3 * ((self.since_day.month - 1) // 3) + 1, 1)
        w = Writer(self.conn, only=("export_records",))
        while True:
            start = quarter
            month = start.month + 3
            quarter = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
            end = quarter - timedelta(days=1)
            day = quarter.toordinal() + rng.randint(4, 12)
            while (day - 1) % 7 >= 5:  # a working day
                day += 1
            if day >= self.today:
                break
            for n, (fmt, extra) in enumerate((("pdf", "language"), ("csv", "hxl"))):
                parameters = {
                    "period": f"{start.year}-Q{(start.month - 1) // 3 + 1}",
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "format": fmt,
                    "threshold": DEFAULT_THRESHOLD,
                    extra: "en" if extra == "language" else False,
                }
                when = self.at(day, 600 + 7 * n + rng.randint(0, 5))
                record = _new_id(rng)
                digest = f"{rng.getrandbits(256):064x}"
                text = json.dumps(parameters, sort_keys=True)
                w.add(
                    "export_records",
                    when,
                    by,
                    id=record,
                    exported_at=when,
                    user_id=by,
                    kind=EXPORT_KIND,
                    parameters=text,
                    file_sha256=digest,
                )
                fields = ",".join(EXPORT_AUDIT_FIELDS)
                self.add(when, CREATE, by, A.EXPORT, "export_record", record, fields)
        w.flush()
        self.exports = w.counts["export_records"]

    def recent_views(self, clock: Clock) -> None:
        """Each user's most recently viewed cases, as opening them would have left them."""
        latest: dict[tuple[str, str], str] = {}
        for when, _order, user, _action, _kind, _entity, _fields, case, _person in self.views:
            if user is not None and case is not None:
                latest[(user, case)] = clock.past(when)
        by_user: dict[str, list[tuple[str, str]]] = {}
        for (user, case), when in latest.items():
            by_user.setdefault(user, []).append((when, case))
        w = Writer(self.conn, only=("recent_views",))
        for user, seen in sorted(by_user.items()):
            for when, case in sorted(seen, reverse=True)[:RECENT_KEPT]:
                w.add(
                    "recent_views",
                    when,
                    user,
                    id=_new_id(self.rng),
                    user_id=user,
                    case_id=case,
                    viewed_at=when,
                )
        w.flush()


def _new_id(rng: random.Random) -> str:
    """A version-4 UUID as stored (32 hex digits), from the seeded generator."""
    bits = rng.getrandbits(128) & ~(0xF000 << 64 | 0xC000 << 48)
    return f"{bits | 4 << 76 | 0x8000 << 48:032x}"
