"""Every closed set of values in the domain. Stored by value; labels live in the UI/services."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    SOCIAL_WORKER = "social_worker"
    VOLUNTEER = "volunteer"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    OTHER = "other"
    UNKNOWN = "unknown"


class RelationshipKind(StrEnum):
    """What the *related* person is to the person: ``CHILD`` means "related is my child"."""

    CHILD = "child"
    PARENT = "parent"
    PARTNER = "partner"
    SIBLING = "sibling"
    GUARDIAN = "guardian"
    OTHER = "other"


class InstitutionKind(StrEnum):
    PRISON = "prison"
    PROBATION_OFFICE = "probation_office"
    IMMIGRATION_DETENTION = "immigration_detention"
    POLICE_CUSTODY = "police_custody"
    OTHER = "other"


class SecurityLevel(StrEnum):
    HIGH = "high"
    LOW = "low"
    TRANSITIONAL = "transitional"
    NOT_APPLICABLE = "not_applicable"


class OrganisationType(StrEnum):
    WELFARE_OFFICE = "welfare_office"
    MUNICIPAL_HOUSING = "municipal_housing"
    RED_CROSS = "red_cross"
    FAMILY_ORGANISATION = "family_organisation"
    ADDICTION_SERVICES = "addiction_services"
    HEALTH_SERVICE = "health_service"
    EMPLOYMENT_SERVICE = "employment_service"
    EDUCATION = "education"
    LEGAL_AID = "legal_aid"
    EMBASSY_CONSULATE = "embassy_consulate"
    OTHER = "other"


class CaseKind(StrEnum):
    RELEASE_SUPPORT = "release_support"
    CHILD_VISITS = "child_visits"
    FOREIGN_INMATE = "foreign_inmate"


class CaseStatus(StrEnum):
    REFERRAL = "referral"
    OPEN = "open"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


class CloseReason(StrEnum):
    GOALS_MET = "goals_met"
    CLIENT_WITHDREW = "client_withdrew"
    LOST_CONTACT = "lost_contact"
    TRANSFERRED = "transferred"
    DEPORTED = "deported"
    MOVED_AWAY = "moved_away"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    DIED = "died"
    OTHER = "other"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class ReferralSource(StrEnum):
    SELF = "self"
    FAMILY = "family"
    PRISON_STAFF = "prison_staff"
    PROBATION = "probation"
    WELFARE_OFFICE = "welfare_office"
    OTHER_NGO = "other_ngo"
    POLICE = "police"
    OTHER = "other"


class CustodyStatus(StrEnum):
    REMAND = "remand"
    SENTENCED = "sentenced"
    ELECTRONIC_MONITORING = "electronic_monitoring"
    ON_LEAVE = "on_leave"
    PAROLE = "parole"
    RELEASED = "released"
    TRANSFERRED = "transferred"
    DEPORTED = "deported"


class OffenceCategory(StrEnum):
    """Restricted (GDPR Art. 10). Broad on purpose: Homeward needs no more detail."""

    VIOLENCE = "violence"
    SEXUAL = "sexual"
    DRUGS = "drugs"
    PROPERTY = "property"
    FRAUD = "fraud"
    TRAFFIC = "traffic"
    IMMIGRATION = "immigration"
    OTHER = "other"
    UNKNOWN = "unknown"


class NeedDomain(StrEnum):
    HOUSING = "housing"
    EMPLOYMENT = "employment"
    EDUCATION = "education"
    INCOME_BENEFITS = "income_benefits"
    DEBT = "debt"
    HEALTH = "health"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    FAMILY_CONTACT = "family_contact"
    ID_DOCUMENTS = "id_documents"
    LEGAL = "legal"
    IMMIGRATION = "immigration"
    LANGUAGE = "language"
    CONSULAR = "consular"
    DISCRIMINATION = "discrimination"
    OTHER = "other"


#: Need domains that are restricted fields (health data, DESIGN.md §4).
RESTRICTED_NEED_DOMAINS = frozenset(
    {NeedDomain.HEALTH, NeedDomain.MENTAL_HEALTH, NeedDomain.SUBSTANCE_USE}
)


class NeedStatus(StrEnum):
    IDENTIFIED = "identified"
    IN_PROGRESS = "in_progress"
    MET = "met"
    NOT_MET = "not_met"
    NO_LONGER_RELEVANT = "no_longer_relevant"


class MeetingKind(StrEnum):
    PRISON_VISIT = "prison_visit"
    RELEASE_DAY = "release_day"
    POST_RELEASE = "post_release"
    PHONE = "phone"
    VIDEO = "video"
    HOME_VISIT = "home_visit"
    OFFICE = "office"


class VisitType(StrEnum):
    ORDINARY = "ordinary"
    CHILD_FRIENDLY_ROOM = "child_friendly_room"
    OVERNIGHT_FAMILY_FLAT = "overnight_family_flat"
    VIDEO = "video"


class VisitStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"
    DENIED = "denied"


class TransportSupport(StrEnum):
    NONE = "none"
    TICKET = "ticket"
    ESCORT = "escort"
    REIMBURSEMENT = "reimbursement"


class AssessmentOutcome(StrEnum):
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    FOLLOW_UP_NEEDED = "follow_up_needed"


class ContactChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
    VIDEO = "video"
    OTHER = "other"


class ConsularOutcome(StrEnum):
    PENDING = "pending"
    CONTACT_MADE = "contact_made"
    ASSISTANCE_GIVEN = "assistance_given"
    DECLINED = "declined"
    NO_RESPONSE = "no_response"


class ImmigrationStatus(StrEnum):
    UNKNOWN = "unknown"
    EU_EEA_RIGHT = "eu_eea_right"
    RESIDENCE_PERMIT = "residence_permit"
    ASYLUM_SEEKER = "asylum_seeker"
    NO_LEGAL_STAY = "no_legal_stay"
    EXPULSION_ORDER = "expulsion_order"
    APPEAL_PENDING = "appeal_pending"
    TRANSFER_REQUESTED = "transfer_requested"
    TRANSFER_APPROVED = "transfer_approved"
    TRANSFERRED = "transferred"
    DEPORTED = "deported"


class ReferralStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"


class ConsentScope(StrEnum):
    CASE_WORK = "case_work"
    SHARING_WITH_PARTNERS = "sharing_with_partners"
    STATISTICS = "statistics"
    CONSULAR_CONTACT = "consular_contact"


class LegalBasis(StrEnum):
    """GDPR Art. 6(1) bases."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"
