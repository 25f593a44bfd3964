"""How often the demo draws each choice: a fast weighted choice (:class:`Weighted`) and the
distributions of kinds, statuses, outcomes and counts the generator draws from.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from typing import Generic, TypeVar

from app.models.enums import AssessmentOutcome as AO
from app.models.enums import CaseKind as CK
from app.models.enums import CloseReason as CR
from app.models.enums import ConsularOutcome as CO
from app.models.enums import ImmigrationStatus as IS
from app.models.enums import MeetingKind as MK
from app.models.enums import NeedDomain as ND
from app.models.enums import NeedStatus as NS
from app.models.enums import OffenceCategory as OC
from app.models.enums import Priority
from app.models.enums import ReferralSource as RS
from app.models.enums import ReferralStatus as RF
from app.models.enums import TransportSupport as TS
from app.models.enums import VisitStatus as VS
from app.models.enums import VisitType as VT

T = TypeVar("T")


class Weighted(Generic[T]):
    """A fast weighted choice: one ``random()`` and a bisect."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, _weight in items]
        self.cum: list[float] = []
        total = 0.0
        for _item, weight in items:
            total += weight
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random) -> T:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]


# fmt: off
CASE_KINDS = Weighted([(CK.RELEASE_SUPPORT, 50), (CK.CHILD_VISITS, 25), (CK.FOREIGN_INMATE, 25)])
PRIORITIES = Weighted(
    [(Priority.NORMAL, 60), (Priority.HIGH, 20), (Priority.LOW, 12), (Priority.URGENT, 8)]
)
REFERRAL_SOURCES = {
    CK.RELEASE_SUPPORT: Weighted(
        [(RS.PRISON_STAFF, 40), (RS.PROBATION, 20), (RS.SELF, 15), (RS.WELFARE_OFFICE, 10),
         (RS.OTHER_NGO, 8), (RS.FAMILY, 7)]
    ),
    CK.CHILD_VISITS: Weighted(
        [(RS.FAMILY, 45), (RS.SELF, 20), (RS.PRISON_STAFF, 20), (RS.OTHER_NGO, 10),
         (RS.WELFARE_OFFICE, 5)]
    ),
    CK.FOREIGN_INMATE: Weighted(
        [(RS.PRISON_STAFF, 50), (RS.OTHER_NGO, 20), (RS.POLICE, 10), (RS.SELF, 10), (RS.OTHER, 10)]
    ),
}
OFFENCES = Weighted(
    [(OC.VIOLENCE, 28), (OC.DRUGS, 24), (OC.PROPERTY, 18), (OC.TRAFFIC, 8), (OC.FRAUD, 8),
     (OC.SEXUAL, 6), (OC.OTHER, 5), (OC.UNKNOWN, 3)]
)
FOREIGN_OFFENCES = Weighted(
    [(OC.DRUGS, 35), (OC.PROPERTY, 25), (OC.IMMIGRATION, 12), (OC.FRAUD, 10), (OC.VIOLENCE, 10),
     (OC.UNKNOWN, 8)]
)
NEED_DOMAINS = {
    CK.RELEASE_SUPPORT: Weighted(
        [(ND.HOUSING, 8), (ND.INCOME_BENEFITS, 7), (ND.EMPLOYMENT, 6), (ND.DEBT, 6),
         (ND.ID_DOCUMENTS, 5), (ND.HEALTH, 3), (ND.MENTAL_HEALTH, 4), (ND.SUBSTANCE_USE, 5),
         (ND.FAMILY_CONTACT, 4), (ND.EDUCATION, 3), (ND.LEGAL, 2), (ND.OTHER, 1)]
    ),
    CK.CHILD_VISITS: Weighted(
        [(ND.FAMILY_CONTACT, 10), (ND.HOUSING, 2), (ND.INCOME_BENEFITS, 2),
         (ND.MENTAL_HEALTH, 2), (ND.DEBT, 1), (ND.OTHER, 1)]
    ),
    CK.FOREIGN_INMATE: Weighted(
        [(ND.IMMIGRATION, 7), (ND.LANGUAGE, 6), (ND.CONSULAR, 5), (ND.LEGAL, 5),
         (ND.FAMILY_CONTACT, 5), (ND.ID_DOCUMENTS, 3), (ND.DISCRIMINATION, 2), (ND.HEALTH, 2),
         (ND.OTHER, 1)]
    ),
}
NEED_COUNT = Weighted([(0, 10), (1, 20), (2, 25), (3, 22), (4, 15), (5, 8)])
CLOSED_NEED = Weighted([(NS.MET, 50), (NS.NOT_MET, 20), (NS.NO_LONGER_RELEVANT, 30)])
OPEN_NEED = Weighted([(NS.IDENTIFIED, 35), (NS.IN_PROGRESS, 40), (NS.MET, 20), (NS.NOT_MET, 5)])
#: Meeting kinds by situation, repeated by weight.
IN_CUSTODY = (MK.PRISON_VISIT,) * 9 + (MK.PHONE,) * 6 + (MK.VIDEO,) * 4 + (MK.OFFICE,)
CHILD_CASE = (MK.PRISON_VISIT,) * 8 + (MK.PHONE,) * 5 + (MK.VIDEO,) * 3 + (MK.OFFICE, MK.HOME_VISIT)
FOREIGN_CASE = (MK.PRISON_VISIT, MK.PRISON_VISIT, MK.PHONE, MK.VIDEO)
IN_COMMUNITY = ((MK.POST_RELEASE,) * 5 + (MK.OFFICE,) * 5 + (MK.PHONE,) * 5
                + (MK.HOME_VISIT,) * 3 + (MK.VIDEO,) * 2)
REMOTE = (MK.PHONE, MK.VIDEO)
MEETING_DURATIONS = (30, 45, 60, 60, 60, 75, 90, 90, 120)
RELEASE_ENDINGS = Weighted(
    [(CR.GOALS_MET, 70), (CR.LOST_CONTACT, 12), (CR.CLIENT_WITHDREW, 8), (CR.MOVED_AWAY, 6),
     (CR.REFERRED_ELSEWHERE, 4)]
)
DROPOUTS = Weighted(
    [(CR.CLIENT_WITHDREW, 30), (CR.LOST_CONTACT, 25), (CR.TRANSFERRED, 20),
     (CR.REFERRED_ELSEWHERE, 12), (CR.OTHER, 10), (CR.DIED, 3)]
)
CHILDREN_IN_VISIT_CASE = Weighted([(1, 50), (2, 35), (3, 15)])
CHILDREN = Weighted([(0, 35), (1, 35), (2, 22), (3, 8)])
REFERRAL_COUNT = Weighted([(0, 45), (1, 35), (2, 20)])
OPEN_REFERRAL = Weighted([(RF.SENT, 25), (RF.ACCEPTED, 30), (RF.DECLINED, 12), (RF.COMPLETED, 33)])
CLOSED_REFERRAL = Weighted([(RF.ACCEPTED, 20), (RF.DECLINED, 15), (RF.COMPLETED, 65)])
VISIT_TYPES = Weighted(
    [(VT.ORDINARY, 35), (VT.CHILD_FRIENDLY_ROOM, 40), (VT.OVERNIGHT_FAMILY_FLAT, 8), (VT.VIDEO, 17)]
)
PAST_VISIT = Weighted([(VS.HELD, 78), (VS.CANCELLED, 14), (VS.DENIED, 8)])
FUTURE_VISIT = Weighted([(VS.SCHEDULED, 50), (VS.APPROVED, 30), (VS.REQUESTED, 20)])
ASSESSMENT_FOR_VISIT = {VS.DENIED: AO.NOT_APPROVED, VS.REQUESTED: AO.FOLLOW_UP_NEEDED}
TRANSPORT = Weighted([(TS.NONE, 50), (TS.TICKET, 22), (TS.REIMBURSEMENT, 20), (TS.ESCORT, 8)])
IMMIGRATION = Weighted(
    [(IS.RESIDENCE_PERMIT, 25), (IS.ASYLUM_SEEKER, 20), (IS.NO_LEGAL_STAY, 30),
     (IS.EXPULSION_ORDER, 20), (IS.UNKNOWN, 5)]
)
CONSULAR_COUNT = Weighted([(0, 25), (1, 45), (2, 30)])
CONSULAR_OUTCOMES = Weighted(
    [(CO.CONTACT_MADE, 35), (CO.ASSISTANCE_GIVEN, 30), (CO.DECLINED, 10), (CO.NO_RESPONSE, 15),
     (CO.PENDING, 10)]
)
# fmt: on
