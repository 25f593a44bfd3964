"""A client with everything a case can hold, every free text carrying the client's canary.

Dates fall in 2026 Q3 so the quarterly summary counts them. ``canaries`` lists every
distinct canary string written about this client (their child's included).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from app.features.cases.services import cases
from app.features.people.services import people
from app.models import (
    Attachment,
    ChildVisit,
    Consent,
    ConsularContact,
    DiscriminationReport,
    FamilyAbroad,
    ImmigrationRecord,
    Meeting,
    Need,
    Organisation,
    Referral,
    Relationship,
    Task,
    VisitAssessment,
)
from app.models.enums import (
    AssessmentOutcome,
    CaseKind,
    ConsentScope,
    ContactChannel,
    Gender,
    ImmigrationStatus,
    LegalBasis,
    MeetingKind,
    NeedDomain,
    NeedStatus,
    OrganisationType,
    ReferralStatus,
    RelationshipKind,
    VisitStatus,
    VisitType,
)
from app.services.context import ServiceContext


@dataclass
class Client:
    person_id: uuid.UUID
    case_id: uuid.UUID
    child_id: uuid.UUID
    given: str
    family: str
    #: Every canary written about the client and their child (what erasure must remove).
    canaries: list[str] = field(default_factory=list)
    #: The child's own notes: the child's data, not the client's (no subject access for them).
    child_only: list[str] = field(default_factory=list)


def make_client(ctx: ServiceContext, tag: str, *, mention: str | None = None) -> Client:
    """``tag`` makes the canaries unique (``CANARY-A-…``); ``mention`` is another person's
    full name written into this client's meeting summary."""
    c = [f"CANARY-{tag}-{n}-Ølstad-Пётр-Ștefan" for n in range(14)]
    given, family = f"Pëtr{tag}", f"Ţăranu{tag}-Ølstad"
    person = people.create_person(
        ctx,
        people.PersonInput(
            given_name=given,
            family_name=family,
            birth_date=date(1990, 5, 17),
            gender=Gender.MALE,
            nationality="RO",
            languages=("ro", "ru"),
            interpreter_needed=True,
            phone=c[0][:60],
            address=c[1],
            national_id=f"{tag}1705903",
            notes=c[2],
        ),
    )
    child = people.create_person(
        ctx,
        people.PersonInput(
            given_name=f"Ana{tag}", family_name=family, birth_date=date(2015, 2, 3), notes=c[3]
        ),
    )
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.CHILD_VISITS,
            client_id=person.id,
            opened_on=date(2026, 2, 1),
            summary=c[4],
        ),
    )
    when = datetime(2026, 8, 12, 10, 0)
    with ctx.uow(write=True) as uow:
        s = uow.session
        org = Organisation(name="Welfare office", type=OrganisationType.WELFARE_OFFICE)
        need = Need(
            case_id=case.id,
            domain=NeedDomain.HOUSING,
            status=NeedStatus.MET,
            identified_on=date(2026, 7, 2),
            met_on=date(2026, 9, 1),
            notes=c[5],
        )
        s.add_all([org, need])
        s.flush()
        summary = c[6] + (f" Met {mention} at the visit." if mention else "")
        s.add_all(
            [
                Relationship(
                    person_id=person.id,
                    related_person_id=child.id,
                    kind=RelationshipKind.CHILD,
                    notes=c[7],
                ),
                Consent(
                    person_id=person.id,
                    scope=ConsentScope.CASE_WORK,
                    legal_basis=LegalBasis.CONSENT,
                    given_on=date(2026, 2, 1),
                    notes=c[8],
                ),
                Meeting(
                    case_id=case.id,
                    occurred_at=when,
                    duration_minutes=45,
                    kind=MeetingKind.PRISON_VISIT,
                    summary=summary,
                    recorded_by=ctx.actor.id if ctx.actor else None,
                ),
                Task(case_id=case.id, title=c[9][:300], due_on=date(2026, 8, 20)),
                Referral(
                    case_id=case.id,
                    need_id=need.id,
                    organisation_id=org.id,
                    status=ReferralStatus.ACCEPTED,
                    sent_on=date(2026, 7, 10),
                    outcome=c[10],
                ),
                ChildVisit(
                    case_id=case.id,
                    child_id=child.id,
                    scheduled_at=when,
                    visit_type=VisitType.CHILD_FRIENDLY_ROOM,
                    status=VisitStatus.HELD,
                    child_reaction=c[11],
                    accompanying_adult_name=c[12][:200],
                ),
                VisitAssessment(
                    case_id=case.id,
                    child_id=child.id,
                    assessed_on=date(2026, 7, 1),
                    assessed_by="Staff",
                    outcome=AssessmentOutcome.APPROVED,
                    notes=c[13],
                ),
                ConsularContact(
                    case_id=case.id,
                    country="RO",
                    contacted_on=date(2026, 8, 1),
                    channel=ContactChannel.EMAIL,
                    notes=c[13] + "-consular",
                ),
                ImmigrationRecord(
                    case_id=case.id,
                    status=ImmigrationStatus.EU_EEA_RIGHT,
                    since=date(2025, 1, 1),
                    notes=c[13] + "-immigration",
                ),
                FamilyAbroad(
                    case_id=case.id,
                    name=c[13] + "-abroad",
                    relationship_kind=RelationshipKind.PARENT,
                    country="RO",
                    contact_channel=ContactChannel.PHONE,
                ),
                DiscriminationReport(
                    case_id=case.id,
                    reported_on=date(2026, 9, 3),
                    description=c[13] + "-discrimination",
                ),
                Attachment(
                    case_id=case.id,
                    person_id=person.id,
                    filename="letter.txt",
                    size=100,
                    sha256="0" * 64,
                    content=(c[13] + "-attachment").encode(),
                ),
            ]
        )
        uow.commit()
    names = [given, family, f"Ana{tag}"]
    extra = [
        c[13] + s
        for s in ("-consular", "-immigration", "-abroad", "-discrimination", "-attachment")
    ]
    return Client(person.id, case.id, child.id, given, family, [*c, *extra, *names], [c[3]])
