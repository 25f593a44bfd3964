"""The rows of one demo case: the case itself, needs, meetings, tasks, referrals, and by kind
child visits (with overnight-stay assessments) or a foreign inmate's immigration records,
consular contacts, family abroad and discrimination reports.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.demo import content
from app.demo import names as demo_names
from app.demo import weights as demo_weights
from app.demo.core import YEAR, Plan
from app.demo.people import People
from app.models.enums import AssessmentOutcome as AO
from app.models.enums import CaseKind as CK
from app.models.enums import CaseStatus as CS
from app.models.enums import ConsularOutcome as CO
from app.models.enums import ContactChannel as CC
from app.models.enums import CustodyStatus as CU
from app.models.enums import ImmigrationStatus as IS
from app.models.enums import MeetingKind as MK
from app.models.enums import NeedStatus
from app.models.enums import ReferralStatus as RF
from app.models.enums import RelationshipKind as RK
from app.models.enums import TransportSupport as TS
from app.models.enums import VisitStatus as VS
from app.models.enums import VisitType as VT

_TOPICS = {CK.RELEASE_SUPPORT: "pre", CK.CHILD_VISITS: "child", CK.FOREIGN_INMATE: "foreign"}


class CaseRows(People):
    """Writes every row of one planned case, in the order that keeps the output reproducible."""

    def _case(self, p: Plan) -> None:
        c, by = p.client, p.worker or self.coordinator
        if not c.made:
            self._make_client(c, p, by)
        end = p.closed if p.closed is not None else self.today
        needs = self._needs(p, end, by)
        meetings = self._meetings(p, end)
        self._tasks(p, end, needs, meetings)
        self._case_row(p, needs, max((m["occurred_at"] for m in meetings), default=None))
        self.w.add_rows("meetings", meetings)
        self._referrals(p, end, needs, by)
        if p.kind is CK.CHILD_VISITS:
            self._visits(p, by)
        elif p.kind is CK.FOREIGN_INMATE:
            self._foreign(p, end, by)

    def _needs(self, p: Plan, end: int, by: str) -> list[tuple[str, str, int]]:
        """The case's needs, as (id, domain, day identified)."""
        rng, r = self.rng, self.rng.random
        n = demo_weights.NEED_COUNT(rng) if p.status is not CS.REFERRAL else rng.randint(0, 2)
        domains: list[str] = []
        for _try in range(3 * n):
            domain = demo_weights.NEED_DOMAINS[p.kind](rng).value
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
                else (
                    demo_weights.CLOSED_NEED if p.status is CS.CLOSED else demo_weights.OPEN_NEED
                )(rng)
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

    def _meetings(self, p: Plan, end: int) -> list[dict[str, Any]]:
        """Meeting rows by column, written after the tasks (a task may still link one)."""
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
            demo_weights.FOREIGN_CASE
            if p.kind is CK.FOREIGN_INMATE
            else demo_weights.CHILD_CASE
            if p.kind is CK.CHILD_VISITS
            else demo_weights.IN_COMMUNITY
            if p.custody is CU.ELECTRONIC_MONITORING
            else demo_weights.IN_CUSTODY
        )
        after = demo_weights.REMOTE if p.custody is CU.DEPORTED else demo_weights.IN_COMMUNITY
        topics_before = content.MEETING_TOPICS[_TOPICS[p.kind]]
        topics_after, moods = content.MEETING_TOPICS["post"], content.MEETING_MOODS
        nexts, durations = content.MEETING_NEXT, demo_weights.MEETING_DURATIONS
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
                {
                    "id": self.new_id(),
                    "case_id": p.id,
                    "occurred_at": self.at(day, minute),
                    "duration_minutes": duration,
                    "kind": kind.value,
                    "location": location,
                    "recorded_by": recorder,
                    "summary": " ".join(x for x in parts if x),
                    "wellbeing": wellbeing,
                    "interpreter_used": used,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "created_by": recorder,
                }
            )
        return rows

    def _tasks(
        self,
        p: Plan,
        end: int,
        needs: list[tuple[str, str, int]],
        meetings: list[dict[str, Any]],
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
            created = last - rng.randint(2, 30)
            if created > today:  # a task for later, written down in the last two weeks
                created = today - (created - today) % 15
            created = max(p.opened, created)
            created_at, task_id = self.at(created, 540 + int(r() * 360)), self.new_id()
            if meetings and r() < 0.25:  # a follow-up agreed at a meeting
                meeting = meetings[int(r() * len(meetings))]
                linked = "follow_up_task_id" in meeting
                if not linked and meeting["occurred_at"] <= self.at(last, 1_439):
                    meeting["follow_up_task_id"], created_at = task_id, meeting["created_at"]
                    created = date.fromisoformat(meeting["occurred_at"][:10]).toordinal()
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

    def _case_row(self, p: Plan, needs: list[tuple[str, str, int]], last: str | None) -> None:
        rng, r, c = self.rng, self.rng.random, p.client
        # before anything else on the case, after the client's person row
        created = self.at(p.opened, 8 * 60 + int(r() * 55))
        if created <= c.made_at:
            created = self.at(p.opened, int(c.made_at[11:13]) * 60 + int(c.made_at[14:16]) + 5)
        summary = None
        if r() < 0.3:
            named = " and ".join(n[1].replace("_", " ") for n in needs[:2]) or "general support"
            summary = rng.choice(content.CASE_SUMMARIES[p.kind.value]).format(
                needs=named,
                months=max(1, (p.expected - p.opened) // 30) if p.expected else 3,
                children={1: "one child", 2: "two children"}.get(len(c.children), "the children"),
                language="needs an interpreter" if c.interpreter else "speaks some English",
            )
        offences = (
            demo_weights.FOREIGN_OFFENCES if p.kind is CK.FOREIGN_INMATE else demo_weights.OFFENCES
        )
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
            priority=demo_weights.PRIORITIES(rng).value,
            referral_source=demo_weights.REFERRAL_SOURCES[p.kind](rng).value
            if r() < 0.95
            else None,
            custody_status=p.custody and p.custody.value,
            actual_release=self.day(p.actual),
            sentence_start=self.day(p.sentence_start),
            expected_release=self.day(p.expected),
            offence_category=offences(rng).value if r() < 0.9 else None,
            summary=summary,
            last_activity_at=last,
            updated_at=max(last, created),
        )

    def _referrals(self, p: Plan, end: int, needs: list[tuple[str, str, int]], by: str) -> None:
        rng, r = self.rng, self.rng.random
        wanted = demo_weights.REFERRAL_COUNT(rng)
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
                    demo_weights.CLOSED_REFERRAL
                    if p.status is CS.CLOSED
                    else demo_weights.OPEN_REFERRAL
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

    def _visits(self, p: Plan, by: str) -> None:
        """Child visits for the client's children under 17, with overnight-stay assessments."""
        rng, r, today, c = self.rng, self.rng.random, self.today, p.client
        start = p.opened + 7
        end = min(p.closed if p.closed is not None else today + 60, today + 60)
        kids = [k for k in c.children if k[1] <= p.opened - 30 and p.opened - k[1] < 17 * YEAR]
        if not kids:  # a client whose children were not recorded yet (or are grown up)
            c.carer_name = c.carer_name or (
                None if c.carer else rng.choice(content.ACCOMPANYING_NAMES)
            )
            known = len(c.children)
            for _i in range(1 if known else demo_weights.CHILDREN_IN_VISIT_CASE(rng)):
                self._child(c, p, by, self.at(p.opened, 600))
            kids = c.children[known:]
        institution, place, flat = (
            self.institutions[p.institution] if p.institution is not None else (None, "", False)
        )
        parent, assessed = "mum" if c.female else "dad", set()
        days = sorted(self.between(start, end) for _i in range(p.visit_days if end >= start else 0))
        for day in days:  # in date order, so an overnight stay's assessment comes first
            visiting = [k for k in kids if day - k[1] < 18 * YEAR - 5 and r() < 0.8]
            if not visiting:
                continue
            kind = demo_weights.VISIT_TYPES(rng)
            if kind is VT.OVERNIGHT_FAMILY_FLAT and (not flat or day - p.opened < 21):
                kind = VT.CHILD_FRIENDLY_ROOM
            status = (demo_weights.PAST_VISIT if day < today else demo_weights.FUTURE_VISIT)(rng)
            reason = None
            if status is VS.CANCELLED or status is VS.DENIED:
                reasons = (
                    content.VISIT_CANCELLED if status is VS.CANCELLED else content.VISIT_DENIED
                )
                reason = reasons[int(r() * 3)]
            adult = c.carer if c.carer is not None and r() < 0.8 else None
            adult_name = None if adult else c.carer_name or rng.choice(content.ACCOMPANYING_NAMES)
            transport = TS.NONE if kind is VT.VIDEO else demo_weights.TRANSPORT(rng)
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
                    outcome = demo_weights.ASSESSMENT_FOR_VISIT.get(status, AO.APPROVED)
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

    def _foreign(self, p: Plan, end: int, by: str) -> None:
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
            initial = demo_weights.IMMIGRATION(rng)
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
        for _i in range(demo_weights.CONSULAR_COUNT(rng)):
            on = self.between(p.opened, end)
            outcome = CO.PENDING if self.today - on < 21 else demo_weights.CONSULAR_OUTCOMES(rng)
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
            name += " " + demo_names.gendered_surname(c.origin.key, c.surname, female)
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
