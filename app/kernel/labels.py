"""Human labels for every enum value, translated at the moment of use.

Shared by the GUI and the PDF reports (so it lives outside both). ``label(value)`` returns the
translated text for any enum member defined in :mod:`app.models.enums`.
"""

from __future__ import annotations

from enum import Enum

from app.kernel.i18n import N_, _
from app.kernel.record_labels import entity_label, fields_text
from app.models import enums as e

# A list, not a dict literal: members of different StrEnums with the same value ("other",
# "declined"…) are equal as strings, so they must be keyed by (enum class, value).
_ENTRIES: list[tuple[Enum, str]] = [
    # roles
    (e.Role.COORDINATOR, N_("Coordinator")),
    (e.Role.SOCIAL_WORKER, N_("Social worker")),
    (e.Role.VOLUNTEER, N_("Volunteer")),
    # gender
    (e.Gender.FEMALE, N_("Female")),
    (e.Gender.MALE, N_("Male")),
    (e.Gender.NON_BINARY, N_("Non-binary")),
    (e.Gender.OTHER, N_("Other gender")),
    (e.Gender.UNKNOWN, N_("Not known")),
    # relationships (what the other person is)
    (e.RelationshipKind.CHILD, N_("Child")),
    (e.RelationshipKind.PARENT, N_("Parent")),
    (e.RelationshipKind.PARTNER, N_("Partner")),
    (e.RelationshipKind.SIBLING, N_("Sibling")),
    (e.RelationshipKind.GUARDIAN, N_("Guardian or caregiver")),
    (e.RelationshipKind.OTHER, N_("Other relation")),
    # institutions
    (e.InstitutionKind.PRISON, N_("Prison")),
    (e.InstitutionKind.PROBATION_OFFICE, N_("Probation office")),
    (e.InstitutionKind.IMMIGRATION_DETENTION, N_("Immigration detention")),
    (e.InstitutionKind.POLICE_CUSTODY, N_("Police custody")),
    (e.InstitutionKind.OTHER, N_("Other institution")),
    (e.SecurityLevel.HIGH, N_("High security")),
    (e.SecurityLevel.LOW, N_("Lower security")),
    (e.SecurityLevel.TRANSITIONAL, N_("Halfway house")),
    (e.SecurityLevel.NOT_APPLICABLE, N_("Not applicable")),
    # organisations
    (e.OrganisationType.WELFARE_OFFICE, N_("Welfare office")),
    (e.OrganisationType.MUNICIPAL_HOUSING, N_("Municipal housing")),
    (e.OrganisationType.RED_CROSS, N_("Red Cross")),
    (e.OrganisationType.FAMILY_ORGANISATION, N_("Family organisation")),
    (e.OrganisationType.ADDICTION_SERVICES, N_("Addiction services")),
    (e.OrganisationType.HEALTH_SERVICE, N_("Health service")),
    (e.OrganisationType.EMPLOYMENT_SERVICE, N_("Employment service")),
    (e.OrganisationType.EDUCATION, N_("Education")),
    (e.OrganisationType.LEGAL_AID, N_("Legal aid")),
    (e.OrganisationType.EMBASSY_CONSULATE, N_("Embassy or consulate")),
    (e.OrganisationType.OTHER, N_("Other organisation")),
    # cases
    (e.CaseKind.RELEASE_SUPPORT, N_("Release support")),
    (e.CaseKind.CHILD_VISITS, N_("Child visits")),
    (e.CaseKind.FOREIGN_INMATE, N_("Foreign inmate")),
    (e.CaseStatus.REFERRAL, N_("Referral")),
    (e.CaseStatus.OPEN, N_("Open")),
    (e.CaseStatus.ACTIVE, N_("Active")),
    (e.CaseStatus.ON_HOLD, N_("On hold")),
    (e.CaseStatus.CLOSED, N_("Closed")),
    (e.CloseReason.GOALS_MET, N_("Goals met")),
    (e.CloseReason.CLIENT_WITHDREW, N_("Client withdrew")),
    (e.CloseReason.LOST_CONTACT, N_("Lost contact")),
    (e.CloseReason.TRANSFERRED, N_("Transferred")),
    (e.CloseReason.DEPORTED, N_("Deported")),
    (e.CloseReason.MOVED_AWAY, N_("Moved away")),
    (e.CloseReason.REFERRED_ELSEWHERE, N_("Referred elsewhere")),
    (e.CloseReason.DIED, N_("Died")),
    (e.CloseReason.OTHER, N_("Other reason")),
    (e.Priority.LOW, N_("Low")),
    (e.Priority.NORMAL, N_("Normal")),
    (e.Priority.HIGH, N_("High")),
    (e.Priority.URGENT, N_("Urgent")),
    (e.ReferralSource.SELF, N_("Self-referral")),
    (e.ReferralSource.FAMILY, N_("Family")),
    (e.ReferralSource.PRISON_STAFF, N_("Prison staff")),
    (e.ReferralSource.PROBATION, N_("Probation service")),
    (e.ReferralSource.WELFARE_OFFICE, N_("Welfare office")),
    (e.ReferralSource.OTHER_NGO, N_("Another organisation")),
    (e.ReferralSource.POLICE, N_("Police")),
    (e.ReferralSource.OTHER, N_("Other source")),
    (e.CustodyStatus.REMAND, N_("On remand")),
    (e.CustodyStatus.SENTENCED, N_("Serving a sentence")),
    (e.CustodyStatus.ELECTRONIC_MONITORING, N_("Electronic monitoring")),
    (e.CustodyStatus.ON_LEAVE, N_("On leave")),
    (e.CustodyStatus.PAROLE, N_("On parole")),
    (e.CustodyStatus.RELEASED, N_("Released")),
    (e.CustodyStatus.TRANSFERRED, N_("Transferred")),
    (e.CustodyStatus.DEPORTED, N_("Deported")),
    (e.OffenceCategory.VIOLENCE, N_("Violence")),
    (e.OffenceCategory.SEXUAL, N_("Sexual offence")),
    (e.OffenceCategory.DRUGS, N_("Drugs")),
    (e.OffenceCategory.PROPERTY, N_("Property")),
    (e.OffenceCategory.FRAUD, N_("Fraud")),
    (e.OffenceCategory.TRAFFIC, N_("Traffic")),
    (e.OffenceCategory.IMMIGRATION, N_("Immigration offence")),
    (e.OffenceCategory.OTHER, N_("Other offence")),
    (e.OffenceCategory.UNKNOWN, N_("Not known")),
    # needs
    (e.NeedDomain.HOUSING, N_("Housing")),
    (e.NeedDomain.EMPLOYMENT, N_("Employment")),
    (e.NeedDomain.EDUCATION, N_("Education")),
    (e.NeedDomain.INCOME_BENEFITS, N_("Income and benefits")),
    (e.NeedDomain.DEBT, N_("Debt")),
    (e.NeedDomain.HEALTH, N_("Health")),
    (e.NeedDomain.MENTAL_HEALTH, N_("Mental health")),
    (e.NeedDomain.SUBSTANCE_USE, N_("Substance use")),
    (e.NeedDomain.FAMILY_CONTACT, N_("Family contact")),
    (e.NeedDomain.ID_DOCUMENTS, N_("ID documents")),
    (e.NeedDomain.LEGAL, N_("Legal")),
    (e.NeedDomain.IMMIGRATION, N_("Immigration")),
    (e.NeedDomain.LANGUAGE, N_("Language")),
    (e.NeedDomain.CONSULAR, N_("Consular")),
    (e.NeedDomain.DISCRIMINATION, N_("Discrimination")),
    (e.NeedDomain.OTHER, N_("Other need")),
    (e.NeedStatus.IDENTIFIED, N_("Identified")),
    (e.NeedStatus.IN_PROGRESS, N_("In progress")),
    (e.NeedStatus.MET, N_("Met")),
    (e.NeedStatus.NOT_MET, N_("Not met")),
    (e.NeedStatus.NO_LONGER_RELEVANT, N_("No longer relevant")),
    # meetings
    (e.MeetingKind.PRISON_VISIT, N_("Prison visit")),
    (e.MeetingKind.RELEASE_DAY, N_("Release day")),
    (e.MeetingKind.POST_RELEASE, N_("Post-release meeting")),
    (e.MeetingKind.PHONE, N_("Phone call")),
    (e.MeetingKind.VIDEO, N_("Video call")),
    (e.MeetingKind.HOME_VISIT, N_("Home visit")),
    (e.MeetingKind.OFFICE, N_("Office meeting")),
    # visits
    (e.VisitType.ORDINARY, N_("Ordinary visit")),
    (e.VisitType.CHILD_FRIENDLY_ROOM, N_("Child-friendly room")),
    (e.VisitType.OVERNIGHT_FAMILY_FLAT, N_("Overnight in family flat")),
    (e.VisitType.VIDEO, N_("Video visit")),
    (e.VisitStatus.REQUESTED, N_("Requested")),
    (e.VisitStatus.APPROVED, N_("Approved")),
    (e.VisitStatus.SCHEDULED, N_("Scheduled")),
    (e.VisitStatus.HELD, N_("Held")),
    (e.VisitStatus.CANCELLED, N_("Cancelled")),
    (e.VisitStatus.DENIED, N_("Denied")),
    (e.TransportSupport.NONE, N_("No transport support")),
    (e.TransportSupport.TICKET, N_("Ticket")),
    (e.TransportSupport.ESCORT, N_("Escort")),
    (e.TransportSupport.REIMBURSEMENT, N_("Reimbursement")),
    (e.AssessmentOutcome.APPROVED, N_("Approved")),
    (e.AssessmentOutcome.NOT_APPROVED, N_("Not approved")),
    (e.AssessmentOutcome.FOLLOW_UP_NEEDED, N_("Follow-up needed")),
    # foreign-inmate records
    (e.ContactChannel.PHONE, N_("Phone")),
    (e.ContactChannel.EMAIL, N_("E-mail")),
    (e.ContactChannel.LETTER, N_("Letter")),
    (e.ContactChannel.IN_PERSON, N_("In person")),
    (e.ContactChannel.VIDEO, N_("Video")),
    (e.ContactChannel.OTHER, N_("Other channel")),
    (e.ConsularOutcome.PENDING, N_("Pending")),
    (e.ConsularOutcome.CONTACT_MADE, N_("Contact made")),
    (e.ConsularOutcome.ASSISTANCE_GIVEN, N_("Assistance given")),
    (e.ConsularOutcome.DECLINED, N_("Declined")),
    (e.ConsularOutcome.NO_RESPONSE, N_("No response")),
    (e.ImmigrationStatus.UNKNOWN, N_("Not known")),
    (e.ImmigrationStatus.EU_EEA_RIGHT, N_("EU/EEA right of residence")),
    (e.ImmigrationStatus.RESIDENCE_PERMIT, N_("Residence permit")),
    (e.ImmigrationStatus.ASYLUM_SEEKER, N_("Asylum seeker")),
    (e.ImmigrationStatus.NO_LEGAL_STAY, N_("No legal stay")),
    (e.ImmigrationStatus.EXPULSION_ORDER, N_("Expulsion order")),
    (e.ImmigrationStatus.APPEAL_PENDING, N_("Appeal pending")),
    (e.ImmigrationStatus.TRANSFER_REQUESTED, N_("Transfer requested")),
    (e.ImmigrationStatus.TRANSFER_APPROVED, N_("Transfer approved")),
    (e.ImmigrationStatus.TRANSFERRED, N_("Transferred")),
    (e.ImmigrationStatus.DEPORTED, N_("Deported")),
    # referrals and consent
    (e.ReferralStatus.DRAFT, N_("Draft")),
    (e.ReferralStatus.SENT, N_("Sent")),
    (e.ReferralStatus.ACCEPTED, N_("Accepted")),
    (e.ReferralStatus.DECLINED, N_("Declined")),
    (e.ReferralStatus.COMPLETED, N_("Completed")),
    (e.ConsentScope.CASE_WORK, N_("Case work")),
    (e.ConsentScope.SHARING_WITH_PARTNERS, N_("Sharing with partners")),
    (e.ConsentScope.STATISTICS, N_("Statistics")),
    (e.ConsentScope.CONSULAR_CONTACT, N_("Consular contact")),
    (e.LegalBasis.CONSENT, N_("Consent")),
    (e.LegalBasis.CONTRACT, N_("Contract")),
    (e.LegalBasis.LEGAL_OBLIGATION, N_("Legal obligation")),
    (e.LegalBasis.VITAL_INTERESTS, N_("Vital interests")),
    (e.LegalBasis.PUBLIC_TASK, N_("Public task")),
    (e.LegalBasis.LEGITIMATE_INTERESTS, N_("Legitimate interests")),
]
_LABELS: dict[tuple[type, str], str] = {(type(m), m.value): text for m, text in _ENTRIES}


def label(value: Enum | None) -> str:
    """The translated label of an enum value ('' for None)."""
    if value is None:
        return ""
    return _(_LABELS[(type(value), value.value)])


def has_label(value: Enum) -> bool:
    return (type(value), value.value) in _LABELS


#: What happened, for the audit trail on screen (keyed by the action's stored value, so this
#: module need not import the security layer).
_AUDIT_ACTIONS: dict[str, str] = {
    "sign_in": N_("Signed in"),
    "sign_in_failed": N_("Failed sign-in"),
    "lock_out": N_("Locked out"),
    "lock": N_("Locked"),
    "unlock": N_("Unlocked"),
    "view_case": N_("Viewed a case"),
    "view_person": N_("Viewed a person"),
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "export": N_("Exported"),
    "print_summary": N_("Printed a summary"),
    "subject_access": N_("Subject access copy"),
    "backup": N_("Backup"),
    "restore": N_("Restore"),
    "user_add": N_("User added"),
    "user_deactivate": N_("User deactivated or reactivated"),
    "user_role_change": N_("Role changed"),
    "password_reset": N_("Password reset"),
    "password_change": N_("Password changed"),
    "key_rotation": N_("Encryption key replaced"),
    "keychain_enable": N_("Keychain sign-in turned on"),
    "keychain_disable": N_("Keychain sign-in turned off"),
    "erase": N_("Erased"),
    "anonymise": N_("Anonymised"),
    "retention": N_("Retention clean-up"),
    "settings_change": N_("Settings changed"),
    "verify": N_("Checked"),
}


def audit_action_label(value: str) -> str:
    """ "sign_in" → "Signed in" (translated); an unknown value is shown as it is."""
    text = _AUDIT_ACTIONS.get(str(value))
    return _(text) if text else str(value)


def record_type_label(value: str | None) -> str:
    """ "case" → "Case" (translated, from :mod:`app.kernel.record_labels`); an unknown type as it is."""
    return entity_label(value)


def audit_fields_label(entity_type: str | None, fields: tuple[str, ...] | list[str]) -> str:
    """An audit event's changed fields as words, in the user's language."""
    return fields_text(entity_type, fields)
