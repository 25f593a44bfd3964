"""Demo data for the child-visit, foreign-inmate and consent rules, on top of
:func:`app.demo.generate.populate`.

The base generator already writes visits, assessments, consular contacts, immigration
records, family abroad, discrimination reports, consents and referrals. This pass makes them
obey the rules the services enforce, and adds what shows the warnings off:

* every consular contact is covered by a consent to consular contact on its day (a consent
  is added before the first contact; contacts outside a withdrawn or expired consent are
  dropped, as the service would have refused them);
* every sent referral is covered by a consent to sharing with partners (added when the
  client has none);
* every scheduled or held overnight stay has an approved assessment of the child before it;
* no child has two active visits at once (the later one is cancelled, with a reason).

Which open cases' consents are in order, and which warn, is settled after this pass by
:mod:`app.demo.consent`.

Deterministic (its own seeded generator, rows read in a fixed order) and fast: a few queries
and bulk inserts in one transaction.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, select, update

from app.features.consent.services.consent import is_valid
from app.features.visits.services.visits import ACTIVE_STATUSES, overlaps
from app.models import Case, ChildVisit, Consent, ConsularContact, Referral, VisitAssessment
from app.models.enums import (
    AssessmentOutcome,
    ConsentScope,
    LegalBasis,
    VisitStatus,
    VisitType,
)
from app.security.permissions import internal

#: The reason given for a demo visit moved because the child was already booked.
CLASH_REASON = "The child already had a visit booked at that time; moved to another day."


@dataclass(frozen=True)
class VisitsForeignStats:
    consents_added: int
    assessments_added: int
    consular_contacts_removed: int
    visits_cancelled_for_clash: int


Covered = Callable[[uuid.UUID, ConsentScope, date], bool]
AddConsent = Callable[[uuid.UUID, ConsentScope, date, date], None]


@internal
def add_examples(
    engine: Engine, users: dict[str, uuid.UUID], today: date | None = None, *, seed: int = 0
) -> VisitsForeignStats:
    """Run after :func:`~app.demo.generate.populate` on the same engine (one transaction)."""
    today = today or date.today()
    rng = random.Random(f"visits-foreign-{seed}")  # noqa: S311 - demo data, not security
    worker = users["worker"]
    with engine.begin() as conn:
        consents: dict[tuple[uuid.UUID, ConsentScope], list[tuple[date, date | None, date | None]]]
        consents = defaultdict(list)
        for person, scope, given, expires, withdrawn in conn.execute(
            select(
                Consent.person_id,
                Consent.scope,
                Consent.given_on,
                Consent.expires_on,
                Consent.withdrawn_on,
            )
        ):
            consents[(person, scope)].append((given, expires, withdrawn))

        def covered(person: uuid.UUID, scope: ConsentScope, on: date) -> bool:
            return any(is_valid(g, e, w, on) for g, e, w in consents[(person, scope)])

        new_consents: list[dict[str, object]] = []

        def add_consent(person: uuid.UUID, scope: ConsentScope, given: date, used: date) -> None:
            """A consent given on ``given``, recorded the morning it is first needed."""
            consents[(person, scope)].append((given, None, None))
            stamp = datetime.combine(used, datetime.min.time()).replace(hour=9)
            new_consents.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "person_id": person,
                    "scope": scope,
                    "legal_basis": LegalBasis.CONSENT,
                    "given_on": given,
                    "recorded_by": worker,
                    "created_by": worker,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )

        removed = _consular(conn, covered, add_consent)
        _referrals(conn, covered, add_consent)
        if new_consents:
            conn.execute(insert(Consent), new_consents)
        assessments = _assessments(conn, rng, today, worker)
        cancelled = _clashes(conn)
    return VisitsForeignStats(
        consents_added=len(new_consents),
        assessments_added=assessments,
        consular_contacts_removed=removed,
        visits_cancelled_for_clash=cancelled,
    )


def _consular(conn: Connection, covered: Covered, add_consent: AddConsent) -> int:
    """Consular contacts only with the client's consent (see the module note)."""
    rows = conn.execute(
        select(ConsularContact.id, Case.client_id, ConsularContact.contacted_on)
        .join(Case, Case.id == ConsularContact.case_id)
        .order_by(Case.client_id, ConsularContact.contacted_on, ConsularContact.id)
    ).all()
    by_client: dict[uuid.UUID, list[tuple[uuid.UUID, date]]] = defaultdict(list)
    for contact, client, on in rows:
        by_client[client].append((contact, on))
    drop: list[uuid.UUID] = []
    scope = ConsentScope.CONSULAR_CONTACT
    for client, contacts in by_client.items():
        uncovered = [(c, on) for c, on in contacts if not covered(client, scope, on)]
        if not uncovered:
            continue
        if any(covered(client, scope, on) for _c, on in contacts):
            drop += [c for c, _on in uncovered]  # outside a consent they had: refused
            continue
        add_consent(client, scope, contacts[0][1] - timedelta(days=3), contacts[0][1])
    if drop:
        conn.execute(delete(ConsularContact).where(ConsularContact.id.in_(drop)))
    conn.execute(update(ConsularContact).values(consent_to_notify=True))
    return len(drop)


def _referrals(conn: Connection, covered: Covered, add_consent: AddConsent) -> None:
    """Sent referrals with consent to share: add one for clients who had none at all."""
    rows = conn.execute(
        select(Case.client_id, Referral.sent_on)
        .join(Case, Case.id == Referral.case_id)
        .where(Referral.sent_on.is_not(None))
        .order_by(Case.client_id, Referral.sent_on, Referral.id)
    ).all()
    scope = ConsentScope.SHARING_WITH_PARTNERS
    by_client: dict[uuid.UUID, list[date]] = defaultdict(list)
    for client, sent in rows:
        if sent is not None:
            by_client[client].append(sent)
    for client, days in by_client.items():
        if not any(covered(client, scope, on) for on in days):
            add_consent(client, scope, days[0] - timedelta(days=2), days[0])


def _assessments(conn: Connection, rng: random.Random, today: date, by: uuid.UUID) -> int:
    """An approved assessment before every scheduled or held overnight stay."""
    visits = conn.execute(
        select(ChildVisit.case_id, ChildVisit.child_id, ChildVisit.scheduled_at)
        .where(
            ChildVisit.visit_type == VisitType.OVERNIGHT_FAMILY_FLAT,
            ChildVisit.status.in_((VisitStatus.SCHEDULED, VisitStatus.HELD)),
        )
        .order_by(ChildVisit.case_id, ChildVisit.child_id, ChildVisit.scheduled_at)
    ).all()
    approved: dict[tuple[uuid.UUID, uuid.UUID], date] = {}
    for case_id, child, on in conn.execute(
        select(VisitAssessment.case_id, VisitAssessment.child_id, VisitAssessment.assessed_on)
        .where(VisitAssessment.outcome == AssessmentOutcome.APPROVED)
        .order_by(VisitAssessment.assessed_on)
    ):
        approved.setdefault((case_id, child), on)
    rows: list[dict[str, object]] = []
    for case_id, child, at in visits:
        first = approved.get((case_id, child))
        if first is not None and first <= at.date():
            continue
        on = min(at.date() - timedelta(days=rng.randint(7, 30)), today)
        approved[(case_id, child)] = on
        stamp = datetime.combine(on, datetime.min.time()).replace(hour=14)
        rows.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "case_id": case_id,
                "child_id": child,
                "assessed_on": on,
                "assessed_by": "Child welfare service",
                "outcome": AssessmentOutcome.APPROVED,
                "created_by": by,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    if rows:
        conn.execute(insert(VisitAssessment), rows)
    return len(rows)


def _clashes(conn: Connection) -> int:
    """No child with two active visits at once: the later booking is cancelled."""
    rows = conn.execute(
        select(
            ChildVisit.id,
            ChildVisit.child_id,
            ChildVisit.scheduled_at,
            ChildVisit.duration_minutes,
            ChildVisit.status,
        )
        .where(ChildVisit.status.in_(ACTIVE_STATUSES))
        .order_by(ChildVisit.child_id, ChildVisit.scheduled_at, ChildVisit.id)
    ).all()
    cancel: list[uuid.UUID] = []
    previous: tuple[uuid.UUID, datetime, int] | None = None
    for visit, child, at, minutes, _status in rows:
        if (
            previous is not None
            and previous[0] == child
            and overlaps(previous[1], previous[2], at, minutes)
        ):
            cancel.append(visit)
            continue
        previous = (child, at, minutes)
    if cancel:
        conn.execute(
            update(ChildVisit)
            .where(ChildVisit.id.in_(cancel))
            .values(
                status=VisitStatus.CANCELLED,
                status_reason=CLASH_REASON,
                child_reaction=None,
                follow_up=None,
            )
        )
    return len(cancel)
