"""The demo audit trail's casework: referrals sent and answered, child visits from request to
follow-up, assessments, the foreign-inmate records, custody changes and release plans.
"""

from __future__ import annotations

from app.demo.trail import (
    AFTER,
    CREATE,
    FIRST,
    UPDATE,
    Trail,
    filled_fields,
    has_text,
    is_set,
    minutes_of,
)
from app.security.audit import AuditAction as A

VISIT_FIELDS = filled_fields(
    ("child_id", "duration_minutes", "scheduled_at", "status", "visit_type"),
    accompanying_adult_id=is_set("accompanying_adult_id"),
    accompanying_adult_name=has_text("accompanying_adult_name"),
    institution_id=is_set("institution_id"),
    transport_amount_minor=is_set("transport_amount_minor"),
    transport_support="transport_support != 'none'",
)


class CaseworkEvents(Trail):
    def _referrals(self) -> None:
        fields = filled_fields(
            ("organisation_id", "status"), need_id=is_set("need_id"), notes=has_text("notes")
        )
        for row in self._rows(
            f"SELECT id, case_id, created_at, created_by, consent_checked_at, responded_on, "
            f"outcome, updated_at, {fields} FROM referrals WHERE updated_at >= ?",
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
        tables = (
            (
                "visit_assessments",
                "visit_assessment",
                filled_fields(
                    ("assessed_by", "assessed_on", "child_id", "outcome"), notes=has_text("notes")
                ),
            ),
            (
                "immigration_records",
                "immigration_record",
                filled_fields(("since", "status"), notes=has_text("notes")),
            ),
            (
                "consular_contacts",
                "consular_contact",
                filled_fields(
                    ("channel", "consent_to_notify", "contacted_on", "country", "outcome"),
                    notes=has_text("notes"),
                ),
            ),
            (
                "family_abroad",
                "family_abroad",
                filled_fields(
                    ("contact_channel", "country", "relationship_kind"),
                    name=has_text("name"),
                    person_id=is_set("person_id"),
                    notes=has_text("notes"),
                ),
            ),
            (
                "discrimination_reports",
                "discrimination_report",
                filled_fields(
                    ("description", "reported_on"),
                    reported_to=has_text("reported_to"),
                    outcome=has_text("outcome"),
                ),
            ),
            (
                "custody_events",
                "custody_event",
                filled_fields(("on", "status"), notes=has_text("notes")),
            ),
        )
        for table, kind, fields in tables:
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
