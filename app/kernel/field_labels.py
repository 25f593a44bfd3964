"""The labels Homeward shows for a person's and a case's fields, declared once.

The person and case forms show :data:`PERSON_FORM` and :data:`CASE_FORM` (with their
keyboard mnemonics, ``&``); the subject access pack names every stored field by
:mod:`app.kernel.record_labels`; the import wizard offers its own list of fields
(:data:`app.features.importing.services.import_sources.TARGETS`). Import recognises all of them, in every
language, as column headers: a spreadsheet exported with Homeward's own words maps itself.
Marked with ``N_`` and translated where they are shown.
"""

from __future__ import annotations

import re

from app.kernel.i18n import N_

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

_MNEMONIC_IN_BRACKETS = re.compile(r"\s*\(&\w\)")  # "Открыто (&O)", as CJK-style catalogues do


def without_mnemonic(text: str) -> str:
    """ "&Opened on" → "Opened on"; "Save && close" → "Save & close"."""
    text = _MNEMONIC_IN_BRACKETS.sub("", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")
