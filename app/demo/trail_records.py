"""The demo audit trail's records as they were created and changed: users and plan templates,
people with their relationships and consents, cases through their workflow, needs,
meetings and tasks.
"""

from __future__ import annotations

from datetime import date

from app.demo.trail import CREATE, FIRST, UPDATE, Trail, created_fields, has_text
from app.security.audit import AuditAction as A

# What a new row's event names comes from the table's columns and the record declarations
# (created_fields); below only what they cannot say: what a later change sets, or a service
# names whether or not it is set.
PERSON_FIELDS = created_fields("people", languages=has_text("languages"))  # "" when none
# A case as created: the mentor comes later (an update), the actual release with custody,
# closing and keeping it longer later still.
CASE_FIELDS = created_fields(
    "cases",
    skip=(
        "volunteer_id",
        "actual_release",
        "closed_on",
        "close_reason",
        "retention_extended_until",
        "retention_reason",
    ),
)
MEETING_FIELDS = created_fields("meetings", always=("recorded_by",))
TASK_FIELDS = created_fields("tasks", skip=("done", "done_at"), always=("assignee_id",))
RELATIONSHIP_FIELDS = created_fields("relationships", skip=("notes",))
# the person is the event's own; withdrawing is a later change
CONSENT_FIELDS = created_fields(
    "consents", skip=("person_id", "withdrawn_on"), always=("recorded_by",)
)
NEED_FIELDS = created_fields("needs", skip=("met_on",))


class RecordEvents(Trail):
    def _users(self) -> None:
        for user_id, created_at, by in self._rows(
            "SELECT id, created_at, created_by FROM users WHERE created_by IS NOT NULL "
            "ORDER BY created_at, id"
        ):
            fields = "display_name,language,role,username"
            self.add(created_at, CREATE, by, A.USER_ADD, "user", user_id, fields)
        for template_id, created_at, by in self._rows(
            "SELECT id, created_at, created_by FROM plan_templates ORDER BY created_at, id"
        ):
            fields = "description,items,name"
            self.add(created_at, CREATE, by, A.CREATE, "plan_template", template_id, fields)

    def _people(self) -> None:
        for person, created_at, by, fields in self._rows(
            f"SELECT id, created_at, created_by, {PERSON_FIELDS} FROM people WHERE created_at >= ?",
            self.since,
        ):
            self.add(created_at, FIRST, by, A.CREATE, "person", person, fields, None, person)
        for row, person, created_at, by, fields in self._rows(
            f"SELECT id, person_id, created_at, created_by, {RELATIONSHIP_FIELDS} FROM relationships "
            "WHERE created_at >= ?",
            self.since,
        ):
            self.add(created_at, CREATE, by, A.CREATE, "relationship", row, fields, None, person)
        for row, person, created_at, by, withdrawn_at, fields in self._rows(
            f"SELECT id, person_id, created_at, created_by, "
            f"CASE WHEN withdrawn_on IS NOT NULL THEN updated_at END, {CONSENT_FIELDS} FROM consents "
            "WHERE created_at >= ? OR (withdrawn_on IS NOT NULL AND updated_at >= ?)",
            self.since,
            self.since,
        ):
            self.add(created_at, CREATE, by, A.CREATE, "consent", row, fields, None, person)
            if withdrawn_at is not None:
                self.add(
                    withdrawn_at,
                    UPDATE,
                    by,
                    A.UPDATE,
                    "consent",
                    row,
                    "withdrawn_on",
                    None,
                    person,
                )

    def _cases(self) -> None:
        """Each case's creation and the status changes that brought it where it is."""
        rng, today = self.rng, self.today
        coordinator = self.coordinator
        for row in self._rows(
            f"SELECT id, client_id, worker_id, volunteer_id, status, opened_on, closed_on, "
            f"created_at, created_by, {CASE_FIELDS} FROM cases "
            "ORDER BY reference_year, reference_seq"
        ):
            case, client, worker, volunteer, status, opened_on, closed_on = row[:7]
            created_at, by, fields = row[7:]
            worker = worker or coordinator
            end = date.fromisoformat(closed_on).toordinal() if closed_on else today
            self.cases[case] = (client, worker, end, case)
            self.case_created[case] = created_at
            self.add(created_at, FIRST, by, A.CREATE, "case", case, fields, case, client)
            if status == "referral":
                continue
            opened = date.fromisoformat(opened_on).toordinal()
            first, previous = self._day(created_at), created_at
            steps = {"open": ("open",), "active": ("open", "active")}.get(
                status, ("open", "active", status)
            )
            if status == "closed" and rng.random() < 0.2:
                steps = ("open", "closed")  # closed before the work really started
            day = min(end, max(first, opened + rng.randint(0, 14)))
            for step in steps:
                if step == "closed":
                    day = end
                elif step == "on_hold":
                    day = self._between(day, end)
                elif step == "active":
                    day = min(end, day + rng.randint(3, 40))
                minute = (900 if step == "closed" else 600) + rng.randint(0, 90)
                when = previous = max(self.at(day, minute), previous)
                fields = "close_reason,closed_on,status"
                self.add(when, UPDATE, worker, A.UPDATE, "case", case, fields, case, client)
            if volunteer is not None:
                day = min(end, max(first, opened + rng.randint(7, 60)))
                when = max(self.at(day, 600 + rng.randint(0, 360)), created_at)
                self.add(when, UPDATE, worker, A.UPDATE, "case", case, "volunteer_id", case, client)

    def _needs(self) -> None:
        rng, today = self.rng, self.today
        for need, case, status, created_at, updated_at, by, filled in self._rows(
            f"SELECT n.id, n.case_id, n.status, n.created_at, n.updated_at, n.created_by, "
            f"{NEED_FIELDS} FROM needs n JOIN cases c ON c.id = n.case_id "
            "WHERE n.updated_at >= ? OR c.closed_on IS NULL OR c.closed_on >= ? "
            "ORDER BY c.reference_year, c.reference_seq, n.identified_on, n.id",
            self.since,
            self.since[:10],
        ):
            self._on_case(created_at, CREATE, by, A.CREATE, "need", need, filled, case)
            if status == "identified":
                continue
            if status == "met":
                when, changed = updated_at, "met_on,status"
            else:
                start, end = self._day(created_at), min(today, self.cases[case][2])
                day = self._between(min(start + 1, end), min(end, start + 120))
                when, changed = self.at(day, 600 + rng.randint(0, 360)), "status"
            self._on_case(max(when, created_at), UPDATE, by, A.UPDATE, "need", need, changed, case)

    def _meetings(self) -> None:
        """A meeting is recorded with its follow-up task (the task's event first)."""
        follow_ups = self.follow_ups
        for meeting, case, created_at, by, task, fields in self._rows(
            f"SELECT id, case_id, created_at, recorded_by, follow_up_task_id, {MEETING_FIELDS} "
            "FROM meetings WHERE created_at >= ?",
            self.since,
        ):
            self._on_case(created_at, CREATE, by, A.CREATE, "meeting", meeting, fields, case)
            if task is not None:
                follow_ups.add(task)

    def _tasks(self) -> None:
        for task, case, created_at, by, assignee, done_at, fields in self._rows(
            f"SELECT id, case_id, created_at, created_by, assignee_id, done_at, {TASK_FIELDS} "
            "FROM tasks WHERE created_at >= ? OR done_at >= ?",
            self.since,
            self.since,
        ):
            order = FIRST if task in self.follow_ups else CREATE
            if case is None:
                self.add(created_at, order, by, A.CREATE, "task", task, fields)
                if done_at is not None:
                    self.add(done_at, UPDATE, assignee, A.UPDATE, "task", task, "done,done_at")
                continue
            self._on_case(created_at, order, by, A.CREATE, "task", task, fields, case)
            if done_at is not None:
                self._on_case(
                    done_at, UPDATE, assignee, A.UPDATE, "task", task, "done,done_at", case
                )
