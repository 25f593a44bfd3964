"""The demo audit trail's casework: referrals sent and answered, child visits from request to
follow-up, assessments, the foreign-inmate records, custody changes and release plans.
"""

from __future__ import annotations

from app.demo.trail import AFTER, CREATE, FIRST, UPDATE, Trail, created_fields, minutes_of
from app.security.audit import AuditAction as A

# What a new row's event names comes from the table's columns and the record declarations
# (created_fields); below only what they cannot say. A visit's answer and how it went come
# later; no transport support is the default, not a choice the request names.
VISIT_FIELDS = created_fields(
    "child_visits",
    skip=("status_reason", "child_reaction", "follow_up"),
    transport_support="transport_support != 'none'",
)
# sending it and its answer are later changes
REFERRAL_FIELDS = created_fields(
    "referrals", skip=("sent_on", "responded_on", "consent_checked_at", "outcome")
)
#: The case's records written in one event each: (table, the trail's entity, its fields).
CASE_RECORDS = (
    ("visit_assessments", "visit_assessment", created_fields("visit_assessments")),
    ("immigration_records", "immigration_record", created_fields("immigration_records")),
    (
        "consular_contacts",  # whether to notify is a choice the service always names
        "consular_contact",
        created_fields("consular_contacts", always=("consent_to_notify",)),
    ),
    ("family_abroad", "family_abroad", created_fields("family_abroad")),
    ("discrimination_reports", "discrimination_report", created_fields("discrimination_reports")),
    ("custody_events", "custody_event", created_fields("custody_events")),
)


class CaseworkEvents(Trail):
    def _referrals(self) -> None:
        for row in self._rows(
            f"SELECT id, case_id, created_at, created_by, consent_checked_at, responded_on, "
            f"outcome, updated_at, {REFERRAL_FIELDS} FROM referrals WHERE updated_at >= ?",
            self.since,
        ):
            referral, case, created_at, by, checked_at, responded_on, outcome = row[:7]
            updated_at, created_fields = row[7:]
            self._on_case(
                created_at, CREATE, by, A.CREATE, "referral", referral, created_fields, case
            )
            if checked_at is not None:
                sent = "consent_checked_at,sent_on,status"
                self._on_case(checked_at, UPDATE, by, A.UPDATE, "referral", referral, sent, case)
            if responded_on is not None:
                answered = "outcome,responded_on,status" if outcome else "responded_on,status"
                when = max(updated_at, checked_at or created_at)
                self._on_case(when, AFTER, by, A.UPDATE, "referral", referral, answered, case)

    def _visits(self) -> None:
        """A visit is requested, then approved, scheduled and held, or cancelled or denied."""
        rng = self.rng
        paths = {
            "requested": (),
            "approved": ("approved",),
            "scheduled": ("approved", "scheduled"),
            "held": ("approved", "scheduled", "held"),
            "cancelled": ("approved", "cancelled"),
            "denied": ("denied",),
        }
        for row in self._rows(
            f"SELECT id, case_id, created_at, created_by, status, scheduled_at, "
            f"duration_minutes, child_reaction IS NOT NULL OR follow_up IS NOT NULL, "
            f"{VISIT_FIELDS} FROM child_visits WHERE updated_at >= ? OR scheduled_at >= ? "
            "ORDER BY scheduled_at, id",
            self.since,
            self.since,
        ):
            visit, case, booked, by, status, at, minutes, reaction, fields = row
            self._on_case(booked, CREATE, by, A.CREATE, "child_visit", visit, fields, case)
            day, last, previous = self._day(booked), min(self._day(at), self.today), booked
            path = paths[status]
            if status == "cancelled" and rng.random() < 0.4:
                path = ("cancelled",)  # before the prison had answered
            for step in path:
                if step == "held":
                    end = minutes_of(at) + minutes + 30
                    when = self.at(self._day(at), min(1_439, end))
                else:
                    day = min(last, self._between(day, day + 5))
                    when = self.at(day, 600 + rng.randint(0, 360))
                when = previous = max(when, previous)
                changed = "status,status_reason" if step in ("cancelled", "denied") else "status"
                self._on_case(when, UPDATE, by, A.UPDATE, "child_visit", visit, changed, case)
            if reaction and status == "held":
                end = min(self.today, self.cases[case][2])
                day = max(self._day(at), min(end, self._day(at) + rng.randint(0, 3)))
                when = max(self.at(day, 600 + rng.randint(0, 360)), at)
                changed = "child_reaction,follow_up"
                self._on_case(when, AFTER, by, A.UPDATE, "child_visit", visit, changed, case)

    def _case_records(self) -> None:
        """Assessments, the foreign-inmate records and custody changes: one event each."""
        for table, kind, fields in CASE_RECORDS:
            for row, case, created_at, by, filled in self._rows(
                f"SELECT id, case_id, created_at, created_by, {fields} "
                f"FROM {table} WHERE created_at >= ? ORDER BY created_at, id",
                self.since,
            ):
                self._on_case(created_at, CREATE, by, A.CREATE, kind, row, filled, case)

    def _release(self) -> None:
        for plan, case, created_at, by in self._rows(
            "SELECT id, case_id, created_at, created_by FROM release_plans WHERE created_at >= ?",
            self.since,
        ):
            fields = "anchor_date,started_on,template_id"
            self._on_case(created_at, FIRST, by, A.CREATE, "release_plan", plan, fields, case)
