"""Reading spreadsheets for import, and matching their columns to Homeward's fields.

CSV files may be UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode
text") or, failing those, Windows-1252 (Excel's default "CSV" on Norwegian and Romanian
Windows); the delimiter (comma, semicolon, tab or bar) is sniffed. XLSX files are read with
``openpyxl`` (read-only, values not formulas; the first sheet unless one is named).

Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2, so a
problem "row 14" is where the user sees it in Excel or LibreOffice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.features.importing.services import import_xlsx
from app.kernel import record_labels
from app.kernel.errors import ValidationError
from app.kernel.field_labels import CASE_FORM, PERSON_FORM, without_mnemonic
from app.kernel.i18n import LANGUAGES, N_, _, thread_language
from app.security.permissions import pure
from app.store.search import fold

MAX_FILE_BYTES = 200 * 1024 * 1024
_FIELD_LIMIT = 64 * 1024 * 1024  # one cell; the validation reports what is too long


def _person(field: str) -> str:
    """A person's field, labelled as its declaration (:mod:`app.kernel.record_labels`) labels it."""
    text = record_labels.declared("people", field)
    assert text is not None, field
    return text


#: Homeward fields a column can fill, with their labels (person first, then case).
TARGETS: dict[str, str] = {
    "external_id": N_("Client number in the old system"),
    "given_name": _person("given_name"),
    "family_name": _person("family_name"),
    "full_name": N_("Full name (split into given and family name)"),
    "preferred_name": _person("preferred_name"),
    "birth_date": _person("birth_date"),
    "birth_year": N_("Birth year (if the date is not known)"),
    **{
        field: _person(field)
        for field in (
            "gender",
            "nationality",
            "country_of_origin",
            "languages",
            "interpreter_needed",
            "phone",
            "email",
            "address",
            "national_id",
            "notes",
        )
    },
    "case_kind": N_("Case: kind"),
    "case_opened_on": N_("Case: opened on"),
    "case_status": N_("Case: status"),
    "case_closed_on": N_("Case: closed on"),
    "case_close_reason": N_("Case: reason for closing"),
    "case_priority": N_("Case: priority"),
    "case_referral_source": N_("Case: referred by"),
    "case_custody_status": N_("Case: custody status"),
    "case_expected_release": N_("Case: expected release"),
    "case_summary": N_("Case: summary"),
}

#: Header names (English, Norwegian, Russian, Romanian) that suggest each field.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "id",
        "client id",
        "client number",
        "external id",
        "klientnummer",
        "klient id",
        "klientnr",
        "ref",
        "номер клиента",
    ),
    "given_name": (
        "given name",
        "first name",
        "firstname",
        "forename",
        "fornavn",
        "имя",
        "prenume",
    ),
    "family_name": (
        "family name",
        "last name",
        "lastname",
        "surname",
        "etternavn",
        "фамилия",
        "nume de familie",
        "nume",
    ),
    "full_name": ("name", "full name", "navn", "fullt navn", "фио", "nume complet"),
    "preferred_name": ("preferred name", "known as", "kallenavn"),
    "birth_date": (
        "date of birth",
        "birth date",
        "birthdate",
        "dob",
        "born",
        "fodselsdato",
        "fodt",
        "дата рождения",
        "data nasterii",
    ),
    "birth_year": ("birth year", "year of birth", "fodselsar", "год рождения", "anul nasterii"),
    "gender": ("gender", "sex", "kjonn", "пол", "gen", "sexul"),
    "nationality": (
        "nationality",
        "citizenship",
        "statsborgerskap",
        "nasjonalitet",
        "гражданство",
        "cetatenie",
        "nationalitate",
    ),
    "country_of_origin": (
        "country of origin",
        "origin",
        "opprinnelsesland",
        "fodeland",
        "страна происхождения",
        "tara de origine",
    ),
    "languages": ("languages", "language", "sprak", "язык", "языки", "limba", "limbi"),
    "interpreter_needed": (
        "interpreter",
        "interpreter needed",
        "tolk",
        "trenger tolk",
        "behov for tolk",
        "переводчик",
        "interpret",
    ),
    "phone": ("phone", "telephone", "mobile", "phone number", "tlf", "telefon", "mobil", "телефон"),
    "email": ("email", "e mail", "epost", "e post", "mail", "почта", "электронная почта"),
    "address": ("address", "adresse", "адрес", "adresa"),
    "national_id": (
        "national id",
        "personal number",
        "id number",
        "fodselsnummer",
        "personnummer",
        "cnp",
        "паспорт",
    ),
    "notes": (
        "notes",
        "note",
        "comments",
        "comment",
        "remarks",
        "merknader",
        "notater",
        "kommentar",
        "примечания",
        "заметки",
        "observatii",
    ),
    "case_kind": (
        "case kind",
        "case type",
        "kind",
        "type",
        "sakstype",
        "type sak",
        "тип дела",
        "tip caz",
    ),
    "case_opened_on": (
        "opened",
        "opened on",
        "case opened",
        "start date",
        "apnet",
        "dato apnet",
        "startdato",
        "открыто",
        "deschis",
    ),
    "case_status": ("status", "case status", "saksstatus", "статус"),
    "case_closed_on": (
        "closed",
        "closed on",
        "end date",
        "avsluttet",
        "sluttdato",
        "закрыто",
        "inchis",
    ),
    "case_close_reason": (
        "close reason",
        "reason closed",
        "closing reason",
        "avslutningsarsak",
        "arsak",
    ),
    "case_priority": ("priority", "prioritet", "приоритет", "prioritate"),
    "case_referral_source": (
        "referral source",
        "referred by",
        "henvist av",
        "henvisning",
        "кем направлен",
    ),
    "case_custody_status": ("custody", "custody status", "soningsstatus", "soning"),
    "case_expected_release": (
        "expected release",
        "release date",
        "forventet loslatelse",
        "loslatelse",
        "loslatelsesdato",
        "дата освобождения",
    ),
    "case_summary": ("case summary", "summary", "sammendrag", "резюме"),
}


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-zа-я]+", " ", fold(text)).strip()


_LOOKUP = {_key(s): target for target, names in _SYNONYMS.items() for s in names}


@pure
def shown_labels(target: str) -> tuple[str, ...]:
    """Every label Homeward shows for the field ``target`` fills (untranslated): the import
    wizard's, the form's and the subject access pack's (see :mod:`app.kernel.field_labels`)."""
    if target.startswith("case_"):
        field, form, table = target.removeprefix("case_"), CASE_FORM, "cases"
    else:
        field = {"birth_year": "birth_year_estimate"}.get(target, target)
        form, table = PERSON_FORM, "people"
    found = (TARGETS[target], form.get(field), record_labels.declared(table, field))
    return tuple(dict.fromkeys(text for text in found if text))


@pure
def label_lookup() -> dict[str, str]:
    """Header key → field, for every label of every importable field in every language."""
    lookup: dict[str, str] = {}
    for language in LANGUAGES:
        with thread_language(language):
            for target in TARGETS:
                for text in shown_labels(target):
                    lookup.setdefault(_key(without_mnemonic(_(text))), target)
    return lookup


@dataclass(frozen=True)
class SourceTable:
    """A file read for import: headers and data rows as text."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    digest: str  # SHA-256 of the file's bytes
    encoding: str  # "utf-8", "utf-16", "cp1252" or "xlsx"
    delimiter: str  # "" for XLSX
    #: Spreadsheet row number of each data row (blank rows are skipped, numbers are not).
    row_numbers: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class ColumnMapping:
    """Which column fills which field, and how to read values.

    ``values`` translates a field's spreadsheet values into Homeward's (``{"case_kind":
    {"Løslatelse": "release_support"}}``); ``date_format`` is a ``strptime`` format tried
    before the usual ones.
    """

    columns: tuple[tuple[str, str], ...]  # (header, target field)
    values: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    date_format: str | None = None

    def target(self, header: str) -> str | None:
        return dict(self.columns).get(header)

    def value_map(self, target: str) -> dict[str, str]:
        return {fold(k).strip(): v for k, v in dict(self.values).get(target, ())}


@pure
def suggest_mapping(headers: tuple[str, ...]) -> ColumnMapping:
    """Map each header that is a label Homeward shows for a field (in any of its languages)
    or a known synonym of one (first come, first served)."""
    labels = label_lookup()
    used: set[str] = set()
    columns = []
    for header in headers:
        key = _key(header)
        target = labels.get(key) or _LOOKUP.get(key)
        if target is not None and target not in used:
            used.add(target)
            columns.append((header, target))
    return ColumnMapping(tuple(columns))


@pure
def mapping_from_json(data: bytes) -> ColumnMapping:
    """A mapping file: ``{"columns": {"Header": "field"}, "values": {...}, "date_format": "%d.%m.%Y"}``."""
    try:
        body = json.loads(data.decode("utf-8-sig"))
        columns = body.get("columns", {})
        values = body.get("values", {})
        if not isinstance(columns, dict) or not isinstance(values, dict):
            raise ValueError("shape")
        unknown = [t for t in columns.values() if t is not None and t not in TARGETS]
        if unknown:
            raise ValidationError(
                {
                    "mapping": _(
                        "The mapping names fields Homeward does not have: {names}."
                    ).format(names=", ".join(sorted(map(str, unknown))))
                }
            )
        fmt = body.get("date_format")
        return ColumnMapping(
            columns=tuple((str(h), str(t)) for h, t in columns.items() if t),
            values=tuple(
                (str(t), tuple((str(k), str(v)) for k, v in dict(m).items()))
                for t, m in values.items()
            ),
            date_format=str(fmt) if fmt else None,
        )
    except ValidationError:
        raise
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
        raise ValidationError(
            {"mapping": _("The mapping file is not valid JSON in the expected form.")}
        ) from None


@pure
def mapping_to_json(mapping: ColumnMapping) -> bytes:
    body: dict[str, Any] = {
        "columns": dict(mapping.columns),
        "values": {t: dict(m) for t, m in mapping.values},
    }
    if mapping.date_format:
        body["date_format"] = mapping.date_format
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _sniff(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(",;\t|", key=first.count)


def _table(
    name: str, digest: str, encoding: str, delimiter: str, records: list[list[str]]
) -> SourceTable:
    if not records or not any(cell.strip() for cell in records[0]):
        raise ValidationError({"file": _("The file has no header row.")})
    headers = tuple(cell.strip() for cell in records[0])
    width = len(headers)
    rows, numbers = [], []
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        # Short rows are padded; cells past the last header are kept for the validation
        # when any of them holds something.
        extra = record[width:] if any(cell.strip() for cell in record[width:]) else ()
        rows.append((*record[:width], *[""] * (width - len(record)), *extra))
        numbers.append(index)
    return SourceTable(name, headers, tuple(rows), digest, encoding, delimiter, tuple(numbers))


@pure
def read_table(path: Path, *, sheet: str | None = None) -> SourceTable:
    """Read a CSV or XLSX file (see the module docstring)."""
    path = Path(path)
    xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError({"file": _("The file is larger than 200 MB; split it first.")})
        if xlsx:  # the workbook is read from the file: its bytes need not be held too
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        else:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
    except OSError:
        raise ValidationError({"file": _("The file could not be read.")}) from None
    if xlsx:
        return _table(path.name, digest, "xlsx", "", import_xlsx.read_rows(path, sheet))
    text, encoding = _decode(data)
    delimiter = _sniff(text)
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ValidationError(
            {"file": _("The file is not valid CSV ({problem}).").format(problem=exc)}
        ) from None
    return _table(path.name, digest, encoding, delimiter, records)
