"""What each kind of record and each of its fields is and is called, declared once per table.

One :class:`RecordLabels` per mapped table: the audit trail's name for the record
(``entity``), its translatable label, its subject access section (title and place), how an
erasure receipt counts it, and for every column (with the columns every table has,
:data:`COMMON`) a label, a :class:`Kind`, whether it is free text that may name someone,
restricted or health data, and what an anonymous stub keeps of it (:class:`Erase`). A field
with anything to say beyond its label says all of it on its line, as an :class:`F` (and, for a
text the user types, its limit and its form label: the meeting's service and dialog read
those); only a column every table has (``notes``, ``person_id``), which has no line of its own,
is named in the record's tuples and maps. The audit trail's display, the subject access pack (PDF and JSON), erasure and
anonymisation (and their receipt) and the import's header matching read these, through
:mod:`app.kernel.records`;
a test fails when a mapped column has no label here, or a label is untranslated in a shipped
language. Labels are marked with ``N_`` and translated at the moment of use.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.kernel.i18n import N_, _, ngettext
from app.kernel.record_types import (
    LONG_TEXT_MAX,
    NAME_MAX,
    Erase,
    F,
    Kind,
    RecordLabels,
    Rows,
    Section,
)

__all__ = ["Erase", "F", "Kind", "RecordLabels", "Rows", "Section"]


#: Columns every table has, and the links most have.
COMMON: Mapping[str, str] = {
    "id": N_("Identifier"),
    "created_at": N_("Recorded"),
    "updated_at": N_("Last changed"),
    "created_by": N_("Entered by"),
    "case_id": N_("Case"),
    "person_id": N_("Person"),
    "notes": N_("Notes"),
}
#: The kinds of :data:`COMMON`'s columns.
COMMON_KINDS: Mapping[str, Kind] = {
    "id": Kind.INTERNAL,
    "created_by": Kind.USER,
    "case_id": Kind.LINK,
    "person_id": Kind.LINK,
}

#: In the order an erasure receipt counts them.
RECORDS: tuple[RecordLabels, ...] = (
    RecordLabels(
        "people",
        "person",
        N_("Person"),
        {
            "given_name": F(N_("Given name"), erase=Erase.NAME),
            "family_name": F(N_("Family name"), erase=Erase.EMPTY),
            "preferred_name": F(N_("Preferred name"), erase=Erase.CLEAR),
            "birth_date": F(N_("Date of birth"), erase=Erase.QUARTER),
            "birth_year_estimate": F(N_("Estimated birth year"), erase=Erase.YEAR),
            "gender": N_("Gender"),
            "nationality": N_("Nationality"),
            "country_of_origin": F(N_("Country of origin"), erase=Erase.CLEAR),
            "languages": N_("Languages"),
            "interpreter_needed": N_("Interpreter needed"),
            "phone": F(N_("Phone"), erase=Erase.CLEAR),
            "email": F(N_("E-mail"), erase=Erase.CLEAR),
            "address": F(N_("Address"), free_text=True, erase=Erase.CLEAR),
            "national_id": F(N_("National ID"), restricted=True, erase=Erase.CLEAR),
            "anonymised_at": F(N_("Anonymised"), Kind.DETAIL),
        },
        lambda n: ngettext("{n} person", "{n} people", n),
        section=Section(N_("Personal details"), 0, "person"),
        free_text=("notes",),
        rows=Rows.STUB,
        erase={"notes": Erase.CLEAR},
    ),
    RecordLabels(
        "cases",
        "case",
        N_("Case"),
        {
            "reference": N_("Reference"),
            "reference_year": F(N_("Reference year"), Kind.INTERNAL),
            "reference_seq": F(N_("Reference number"), Kind.INTERNAL),
            "kind": N_("Kind"),
            "status": N_("Status"),
            "client_id": F(N_("Client"), Kind.LINK),
            "worker_id": F(N_("Social worker"), Kind.USER),
            "volunteer_id": F(N_("Volunteer"), Kind.USER),
            "institution_id": F(N_("Institution"), Kind.LINK),
            "institution": N_("Institution"),
            "opened_on": N_("Opened"),
            "closed_on": N_("Closed"),
            "close_reason": N_("Reason for closing"),
            "priority": N_("Priority"),
            "referral_source": N_("Referral source"),
            "custody_status": N_("Custody status"),
            "sentence_start": N_("Sentence start"),
            "expected_release": N_("Expected release"),
            "actual_release": N_("Actual release"),
            "offence_category": F(N_("Offence category"), restricted=True, erase=Erase.CLEAR),
            "summary": F(N_("Summary"), free_text=True, restricted=True, erase=Erase.CLEAR),
            "last_activity_at": F(N_("Last activity"), Kind.INTERNAL),
            "anonymised_at": F(N_("Anonymised"), Kind.DETAIL),
            "retention_extended_until": N_("Kept until"),
            "retention_reason": N_("Reason for keeping"),
        },
        lambda n: ngettext(
            "{n} case (kept as an anonymous stub)", "{n} cases (kept as anonymous stubs)", n
        ),
        section=Section(N_("Cases"), 3),
        rows=Rows.STUB,
    ),
    RecordLabels(
        "case_reference_counters",
        "case_reference_counter",
        N_("Reference counter"),
        {
            "year": F(N_("Reference year"), Kind.INTERNAL),
            "last_seq": F(N_("Last reference number"), Kind.INTERNAL),
        },
    ),
    RecordLabels(
        "relationships",
        "relationship",
        N_("Relation"),
        {
            "related_person_id": F(N_("Related person"), Kind.LINK),
            "kind": N_("Relation"),
            "lives_together": N_("Lives together"),
            "is_caregiver": N_("Caregiver"),
            "other_person": N_("Other person"),
        },
        lambda n: ngettext("{n} relationship", "{n} relationships", n),
        section=Section(N_("Relationships"), 1),
        free_text=("notes",),
        rows=Rows.DELETE,
    ),
    RecordLabels(
        "consents",
        "consent",
        N_("Consent"),
        {
            "scope": N_("Scope"),
            "legal_basis": N_("Legal basis"),
            "given_on": N_("Given"),
            "expires_on": N_("Expires"),
            "withdrawn_on": N_("Withdrawn"),
            "recorded_by": F(N_("Recorded by"), Kind.USER),
        },
        lambda n: ngettext("{n} consent", "{n} consents", n),
        section=Section(N_("Consents"), 2),
        free_text=("notes",),
        rows=Rows.DELETE,
    ),
    RecordLabels(
        "attachments",
        "attachment",
        N_("Document"),
        {
            "filename": N_("File name"),
            "media_type": F(N_("File type"), Kind.DETAIL),
            "size": N_("Size (bytes)"),
            "sha256": F(N_("Checksum (SHA-256)"), Kind.DETAIL),
            "content": F(N_("Content"), Kind.INTERNAL),
        },
        lambda n: ngettext("{n} attachment", "{n} attachments", n),
        section=Section(N_("Attachments"), 14),
        restricted=("*",),
        rows=Rows.DELETE,
    ),
    RecordLabels(
        "needs",
        "need",
        N_("Need"),
        {
            # health data when the area is health, mental health or substance use
            # (app.models.enums.RESTRICTED_NEED_DOMAINS): those rows are restricted
            "domain": F(N_("Area"), health=True),
            "status": N_("Status"),
            "identified_on": N_("Identified"),
            "met_on": N_("Met"),
        },
        lambda n: ngettext("{n} need", "{n} needs", n),
        section=Section(N_("Needs"), 4),
        free_text=("notes",),
        rows=Rows.STUB,
        erase={"notes": Erase.CLEAR},
    ),
    RecordLabels(
        "meetings",
        "meeting",
        N_("Meeting"),
        # restricted: others' notes; a volunteer reads the whole of a meeting they recorded
        {
            "occurred_at": N_("When"),
            "duration_minutes": N_("Minutes"),
            "kind": N_("Kind"),
            "location": F(
                N_("Place"), free_text=True, erase=Erase.CLEAR, limit=NAME_MAX, form=N_("&Place")
            ),
            "recorded_by": F(N_("Recorded by"), Kind.USER),
            "summary": F(
                N_("Summary"),
                free_text=True,
                restricted=True,
                erase=Erase.EMPTY,
                limit=LONG_TEXT_MAX,
                required=True,
                form=N_("&Summary"),
                placeholder=N_("What happened, what was agreed, what comes next"),
            ),
            "wellbeing": F(N_("Wellbeing (1–10)"), restricted=True, health=True),
            "interpreter_used": N_("Interpreter used"),
            "follow_up_task_id": F(N_("Follow-up task"), Kind.LINK, erase=Erase.CLEAR),
        },
        lambda n: ngettext("{n} meeting", "{n} meetings", n),
        section=Section(N_("Meetings"), 5),
        rows=Rows.STUB,
    ),
    RecordLabels(
        "tasks",
        "task",
        N_("Task"),
        {
            "title": F(N_("Title"), free_text=True),
            "due_on": N_("Due"),
            "assignee_id": F(N_("Assigned to"), Kind.USER),
            "done": N_("Done"),
            "done_at": N_("Done at"),
            "plan_id": N_("Release plan"),
            "plan_offset_days": N_("Days from release"),
        },
        lambda n: ngettext("{n} task", "{n} tasks", n),
        section=Section(N_("Tasks"), 6),
        free_text=("notes",),
        rows=Rows.DELETE,
    ),
    RecordLabels(
        "referrals",
        "referral",
        N_("Referral"),
        {
            "need_id": F(N_("Need"), Kind.LINK),
            "organisation_id": F(N_("Organisation"), Kind.LINK),
            "organisation": N_("Organisation"),
            "status": N_("Status"),
            "sent_on": N_("Sent"),
            "responded_on": N_("Answered"),
            "consent_checked_at": N_("Consent checked"),
            "outcome": F(N_("Outcome"), free_text=True, erase=Erase.CLEAR),
        },
        lambda n: ngettext("{n} referral", "{n} referrals", n),
        section=Section(N_("Referrals"), 7),
        free_text=("notes",),
        rows=Rows.STUB,
        erase={"notes": Erase.CLEAR},
    ),
    RecordLabels(
        "child_visits",
        "child_visit",
        N_("Child visit"),
        {
            "child_id": F(N_("Child"), Kind.LINK),
            "child": N_("Child"),
            "accompanying_adult_id": F(N_("Accompanying adult"), Kind.LINK, erase=Erase.UNLINK),
            "accompanying_adult": N_("Accompanying adult"),
            # shown as "accompanying_adult": the person's name, or this
            "accompanying_adult_name": F(
                N_("Accompanying adult's name"), Kind.DETAIL, free_text=True, erase=Erase.CLEAR
            ),
            "institution_id": F(N_("Institution"), Kind.LINK),
            "scheduled_at": N_("Time"),
            "duration_minutes": N_("Minutes"),
            "visit_type": N_("Type of visit"),
            "status": N_("Status"),
            "status_reason": F(N_("Reason"), free_text=True, restricted=True, erase=Erase.CLEAR),
            "transport_support": N_("Transport support"),
            "transport_amount_minor": N_("Transport amount (øre, cents)"),
            "child_reaction": F(
                N_("The child's reaction"), free_text=True, restricted=True, erase=Erase.CLEAR
            ),
            "follow_up": F(N_("Follow-up"), free_text=True, restricted=True, erase=Erase.CLEAR),
        },
        lambda n: ngettext("{n} child visit", "{n} child visits", n),
        section=Section(N_("Child visits"), 8),
        rows=Rows.STUB,
    ),
    RecordLabels(
        "visit_assessments",
        "visit_assessment",
        N_("Visit assessment"),
        {
            "child_id": F(N_("Child"), Kind.LINK),
            "child": N_("Child"),
            "assessed_on": N_("Assessed on"),
            "assessed_by": F(N_("Assessed by"), erase=Erase.EMPTY),
            "outcome": N_("Outcome"),
        },
        lambda n: ngettext("{n} visit assessment", "{n} visit assessments", n),
        section=Section(N_("Visit assessments"), 9),
        free_text=("notes",),
        restricted=("notes",),
        rows=Rows.STUB,
        erase={"notes": Erase.CLEAR},
    ),
    RecordLabels(
        "consular_contacts",
        "consular_contact",
        N_("Consular contact"),
        {
            "country": N_("Country"),
            "contacted_on": N_("Contacted on"),
            "channel": N_("Channel"),
            "consent_to_notify": N_("Consent to notify"),
            "outcome": N_("Outcome"),
        },
        lambda n: ngettext("{n} consular contact", "{n} consular contacts", n),
        section=Section(N_("Consular contacts"), 10),
        free_text=("notes",),
        restricted=("*",),
        rows=Rows.STUB,
        erase={"notes": Erase.CLEAR},
    ),
    RecordLabels(
        "immigration_records",
        "immigration_record",
        N_("Immigration and transfer status"),
        {"status": N_("Status"), "since": N_("Since")},
        lambda n: ngettext("{n} immigration record", "{n} immigration records", n),
        section=Section(N_("Immigration and transfer status"), 11),
        free_text=("notes",),
        restricted=("*",),
        rows=Rows.STUB,
        erase={"notes": Erase.CLEAR},
    ),
    RecordLabels(
        "family_abroad",
        "family_abroad",
        N_("Family member abroad"),
        {
            "name": F(N_("Name"), free_text=True, erase=Erase.CLEAR),
            "relationship_kind": N_("Relation"),
            "country": N_("Country"),
            "contact_channel": N_("Channel"),
        },
        lambda n: ngettext("{n} family member abroad", "{n} family members abroad", n),
        section=Section(N_("Family abroad"), 12),
        free_text=("notes",),
        restricted=("*",),
        rows=Rows.STUB,
        erase={"notes": Erase.CLEAR, "person_id": Erase.CLEAR},
    ),
    RecordLabels(
        "discrimination_reports",
        "discrimination_report",
        N_("Discrimination report"),
        {
            "reported_on": N_("Reported on"),
            "description": F(N_("What happened"), free_text=True, erase=Erase.EMPTY),
            "reported_to": F(N_("Reported to"), free_text=True, erase=Erase.CLEAR),
            "outcome": F(N_("Outcome"), free_text=True, erase=Erase.CLEAR),
        },
        lambda n: ngettext("{n} discrimination report", "{n} discrimination reports", n),
        section=Section(N_("Discrimination reports"), 13),
        restricted=("*",),
        rows=Rows.STUB,
    ),
    RecordLabels(
        "custody_events",
        "custody_event",
        N_("Custody change"),
        {"status": N_("Custody status"), "on": N_("Date")},
    ),
    RecordLabels(
        "release_plans",
        "release_plan",
        N_("Release plan"),
        {
            "template_id": N_("Template"),
            "anchor_date": N_("Release date"),
            "started_on": N_("Started"),
        },
    ),
    RecordLabels(
        "plan_templates",
        "plan_template",
        N_("Release plan template"),
        {
            "name": N_("Name"),
            "description": N_("Description"),
            "active": N_("Active"),
            "items": N_("Steps"),
        },
    ),
    RecordLabels(
        "plan_template_items",
        "plan_template_item",
        N_("Template step"),
        {
            "template_id": N_("Template"),
            "offset_days": N_("Days from release"),
            "title": N_("Title"),
            "need_domain": N_("Need"),
            "position": N_("Position"),
        },
    ),
    RecordLabels(
        "institutions",
        "institution",
        N_("Institution"),
        {
            "name": N_("Name"),
            "kind": N_("Kind"),
            "security_level": N_("Security level"),
            "region": N_("Region"),
            "country": N_("Country"),
            "address": N_("Address"),
            "phone": N_("Phone"),
            "visiting_info": N_("Visiting information"),
            "child_contact_name": N_("Child contact person"),
            "child_contact_phone": N_("Child contact's phone"),
            "child_contact_email": N_("Child contact's e-mail"),
        },
    ),
    RecordLabels(
        "organisations",
        "organisation",
        N_("Organisation"),
        {
            "name": N_("Name"),
            "type": N_("Type"),
            "country": N_("Country"),
            "region": N_("Region"),
            "phone": N_("Phone"),
            "email": N_("E-mail"),
            "address": N_("Address"),
            "active": N_("Active"),
        },
    ),
    RecordLabels(
        "users",
        "user",
        N_("User"),
        {
            "username": N_("User name"),
            "display_name": N_("Display name"),
            "role": N_("Role"),
            "active": N_("Active"),
            "language": N_("Language"),
            "last_sign_in_at": N_("Last sign-in"),
            "mentor_capacity": N_("Mentor capacity"),
        },
    ),
    RecordLabels(
        "settings",
        "setting",
        N_("Setting"),
        {
            "key": N_("Setting"),
            "value": N_("Value"),
            # the settings an audit event names
            "backup_second_folder": N_("Second backup folder"),
            "backup_keep_daily": N_("Daily backups kept"),
            "backup_keep_weekly": N_("Weekly backups kept"),
            "retention_months": N_("Retention period (months)"),
            "idle_lock_minutes": N_("Idle minutes before locking"),
            "attachment_max_bytes": N_("Largest document"),
            "organisation_name": N_("Organisation name"),
            "shared_os_account": N_("Shared computer account"),
        },
    ),
    RecordLabels(
        "audit_events",
        "audit_event",
        N_("Audit event"),
        {
            "sequence": N_("Event"),
            "occurred_at": N_("When"),
            "user_id": F(N_("User"), Kind.USER),
            "action": N_("Action"),
            "entity_type": N_("Kind of record"),
            "entity_id": F(N_("Record"), Kind.LINK),
            "fields": N_("Fields"),
            "mac": F(N_("Integrity code"), Kind.INTERNAL),
        },
        section=Section(N_("Who looked at or changed the records (audit trail)"), 15),
        erase={"person_id": Erase.UNLINK, "case_id": Erase.UNLINK},
    ),
    RecordLabels(
        "erasure_receipts",
        "erasure_receipt",
        N_("Erasure receipt"),
        {
            "occurred_at": N_("When"),
            "user_id": F(N_("User"), Kind.USER),
            "action": N_("Action"),
            "counts": N_("Counts"),
        },
    ),
    RecordLabels(
        "export_records",
        "export_record",
        N_("Export"),
        {
            "exported_at": N_("Exported"),
            "user_id": F(N_("User"), Kind.USER),
            "kind": N_("Kind"),
            "parameters": N_("Parameters"),
            "file_sha256": N_("Checksum (SHA-256)"),
            "figure_set": N_("Figures published"),
        },
    ),
    RecordLabels(
        "import_batches",
        "import_batch",
        N_("Import batch"),
        {
            "import_id": N_("Import"),
            "batch_no": N_("Batch"),
            "first_row": N_("First row"),
            "rows": N_("Rows"),
            "people_created": N_("People added"),
            "cases_created": N_("Cases added"),
        },
    ),
    RecordLabels(
        "import_keys",
        "import_key",
        N_("Imported row"),
        {
            "key": N_("Key"),
            "kind": N_("Kind"),
            "record_id": F(N_("Record"), Kind.LINK),
            "import_id": N_("Import"),
            "batch_no": N_("Batch"),
        },
        rows=Rows.DELETE,
    ),
    RecordLabels(
        "recent_views",
        "recent_view",
        N_("Recently opened case"),
        {"user_id": F(N_("User"), Kind.USER), "viewed_at": N_("Opened")},
        rows=Rows.DELETE,
    ),
    RecordLabels(
        "drafts",
        "draft",
        N_("Unsaved draft"),
        {
            "user_id": F(N_("User"), Kind.USER),
            "kind": N_("Kind"),
            # JSON of what was typed: a name in it is redacted the same way
            "payload": F(N_("Typed text"), free_text=True),
        },
        lambda n: ngettext("{n} unsaved draft", "{n} unsaved drafts", n),
        rows=Rows.DELETE,
    ),
    RecordLabels(
        "case_search_index",
        "case_search_line",
        N_("Search line"),
        {
            "text": N_("Search text"),
            "status": N_("Status"),
            "kind": N_("Kind"),
            "worker_id": N_("Social worker"),
            "volunteer_id": N_("Volunteer"),
            "last_activity_at": N_("Last activity"),
        },
    ),
)
#: Things an audit event names that are not rows of a table.
_OTHER_ENTITIES: Mapping[str, str] = {
    "backup": N_("Backup"),
    "recovery_code": N_("Recovery code"),
}

_BY_NAME: dict[str, RecordLabels] = {
    **{r.table: r for r in RECORDS},
    **{r.entity: r for r in RECORDS},
}


def record(name: str) -> RecordLabels:
    """The declaration of a table or audit entity ("consular_contacts" or "consular_contact")."""
    return _BY_NAME[name]


def declared(name: str, field_name: str) -> str | None:
    """The N_-marked label of ``field_name`` on the table or entity ``name``, if declared."""
    found = _BY_NAME.get(name)
    if found is not None and field_name in found.fields:
        return found.fields[field_name]
    return COMMON.get(field_name) if found is not None else None


def field_label(name: str, field_name: str) -> str:
    """The translated label of a field of a table or entity; ``KeyError`` if undeclared."""
    text = declared(name, field_name)
    if text is None:
        raise KeyError(f"{name}.{field_name} has no label")
    return _(text)


def entity_label(name: str | None) -> str:
    """ "consular_contact" → "Consular contact" (translated); an unknown name is shown as is."""
    if not name:
        return ""
    found = _BY_NAME.get(name)
    text = found.label if found is not None else _OTHER_ENTITIES.get(name)
    return _(text) if text else name


def fields_text(entity: str | None, fields: tuple[str, ...] | list[str]) -> str:
    """The changed fields of an audit event, as words: "Outcome, Notes". A field this version
    does not know (written by an older one) is shown as it was stored."""
    shown = []
    for name in fields:
        text = declared(entity, name) if entity else None
        shown.append(_(text) if text else name)
    return ", ".join(shown)
