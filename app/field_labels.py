"""The labels Homeward shows for a person's and a case's fields, declared once.

The person and case forms show :data:`PERSON_FORM` and :data:`CASE_FORM` (with their
keyboard mnemonics, ``&``); the subject access pack names every stored field by
:data:`RECORD_FIELDS`; the import wizard offers its own list of fields
(:data:`app.services.import_sources.TARGETS`). Import recognises all of them, in every
language, as column headers: a spreadsheet exported with Homeward's own words maps itself.
Marked with ``N_`` and translated where they are shown.
"""

from __future__ import annotations

import re

from app.i18n import N_

PERSON_FORM: dict[str, str] = {
    "given_name": N_("&Given name"),
    "family_name": N_("&Family name"),
    "preferred_name": N_("&Preferred name"),
    "birth_date": N_("Date of &birth"),
    "birth_year_estimate": N_("Or birth &year (estimate)"),
    "gender": N_("G&ender"),
    "nationality": N_("&Nationality"),
    "languages": N_("&Languages"),
    "interpreter_needed": N_("Interpreter"),
    "phone": N_("P&hone"),
    "email": N_("E-&mail"),
    "address": N_("&Address"),
    "notes": N_("N&otes"),
}
#: The case form's fields, and the status dialog's ("status", "close_reason", "closed_on").
CASE_FORM: dict[str, str] = {
    "kind": N_("&Kind"),
    "opened_on": N_("&Opened on"),
    "worker_id": N_("&Worker"),
    "volunteer_id": N_("&Volunteer"),
    "institution_id": N_("&Institution"),
    "priority": N_("&Priority"),
    "referral_source": N_("&Referred by"),
    "custody_status": N_("&Custody"),
    "sentence_start": N_("&Sentence started"),
    "expected_release": N_("&Expected release"),
    "actual_release": N_("Re&leased on"),
    "offence_category": N_("O&ffence category"),
    "summary": N_("S&ummary"),
    "status": N_("&New status"),
    "close_reason": N_("&Reason for closing"),
    "closed_on": N_("&Closed on"),
}
#: Every stored field, as the subject access pack names it.
RECORD_FIELDS: dict[str, str] = {
    "given_name": N_("Given name"),
    "family_name": N_("Family name"),
    "preferred_name": N_("Preferred name"),
    "birth_date": N_("Date of birth"),
    "birth_year_estimate": N_("Estimated birth year"),
    "gender": N_("Gender"),
    "nationality": N_("Nationality"),
    "country_of_origin": N_("Country of origin"),
    "languages": N_("Languages"),
    "interpreter_needed": N_("Interpreter needed"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "address": N_("Address"),
    "national_id": N_("National ID"),
    "notes": N_("Notes"),
    "kind": N_("Kind"),
    "status": N_("Status"),
    "reference": N_("Reference"),
    "summary": N_("Summary"),
    "opened_on": N_("Opened"),
    "closed_on": N_("Closed"),
    "close_reason": N_("Reason for closing"),
    "worker_id": N_("Social worker"),
    "volunteer_id": N_("Volunteer"),
    "institution": N_("Institution"),
    "occurred_at": N_("When"),
    "duration_minutes": N_("Minutes"),
    "location": N_("Place"),
    "recorded_by": N_("Recorded by"),
    "created_by": N_("Entered by"),
    "created_at": N_("Recorded"),
    "updated_at": N_("Last changed"),
    "other_person": N_("Other person"),
    "child": N_("Child"),
    "accompanying_adult": N_("Accompanying adult"),
    "organisation": N_("Organisation"),
    "outcome": N_("Outcome"),
    "description": N_("What happened"),
    "scope": N_("Scope"),
    "legal_basis": N_("Legal basis"),
    "given_on": N_("Given"),
    "expires_on": N_("Expires"),
    "withdrawn_on": N_("Withdrawn"),
    "filename": N_("File name"),
    "size": N_("Size (bytes)"),
    "user_id": N_("User"),
    "action": N_("Action"),
    "fields": N_("Fields"),
    "sequence": N_("Event"),
}

_MNEMONIC_IN_BRACKETS = re.compile(r"\s*\(&\w\)")  # "Открыто (&O)", as CJK-style catalogues do


def without_mnemonic(text: str) -> str:
    """ "&Opened on" → "Opened on"; "Save && close" → "Save & close"."""
    text = _MNEMONIC_IN_BRACKETS.sub("", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")
