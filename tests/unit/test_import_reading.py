"""Reading spreadsheets: encodings, delimiters, big cells, headers in several languages,
values written the way people write them; and names found in free text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.features.importing.services import import_sources as src
from app.features.importing.services import import_values as values
from app.features.people.services import name_match
from app.kernel import field_labels, record_labels
from app.kernel.errors import ValidationError
from app.kernel.i18n import LANGUAGES, _, thread_language
from app.models.enums import CaseKind, Gender

ROWS = 'Fornavn;Etternavn;Notater\nȘtefan;Țăranu;"two\nlines"\n\n;;\nПётр;Иванов;x\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_csv_encodings_and_row_numbers(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(ROWS.encode(encoding))
    table = src.read_table(path)
    assert table.headers == ("Fornavn", "Etternavn", "Notater")
    assert table.delimiter == ";"
    assert [r[0] for r in table.rows] == ["Ștefan", "Пётр"]
    assert table.row_numbers == (2, 5)  # blank rows skipped, not renumbered
    assert table.rows[0][2] == "two\nlines"


def test_windows_1252_tab_separated_and_a_huge_cell(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("Navn\tNotater\nØlstad\t".encode("cp1252") + b"y" * 6_000_000 + b"\n")
    table = src.read_table(path)
    assert table.encoding == "cp1252" and table.delimiter == "\t"
    assert table.rows[0][0] == "Ølstad" and len(table.rows[0][1]) == 6_000_000


def test_files_that_are_not_tables(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ValidationError, match="header"):
        src.read_table(tmp_path / "empty.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match="XLSX"):
        src.read_table(tmp_path / "bad.xlsx")


def test_headers_suggest_fields_in_four_languages() -> None:
    mapping = src.suggest_mapping(
        (
            "Fornavn",
            "ETTERNAVN",
            "Date of birth",
            "Пол",
            "Cetățenie",
            "Språk",
            "Tolk",
            "E-post",
            "Unknown",
        )
    )
    assert dict(mapping.columns) == {
        "Fornavn": "given_name",
        "ETTERNAVN": "family_name",
        "Date of birth": "birth_date",
        "Пол": "gender",
        "Cetățenie": "nationality",
        "Språk": "languages",
        "Tolk": "interpreter_needed",
        "E-post": "email",
    }


def test_a_mapping_file_round_trips_and_rejects_unknown_fields() -> None:
    mapping = src.ColumnMapping(
        (("Navn", "full_name"),), (("gender", (("Mann", "male"),)),), "%d.%m.%Y"
    )
    assert src.mapping_from_json(src.mapping_to_json(mapping)) == mapping
    with pytest.raises(ValidationError, match="fields Homeward does not have"):
        src.mapping_from_json(b'{"columns": {"A": "shoe_size"}}')
    with pytest.raises(ValidationError):
        src.mapping_from_json(b"[1, 2")


def test_values_as_people_write_them() -> None:
    assert values.read_date("31.03.2026") == date(2026, 3, 31)
    assert values.read_date("2026-03-31 00:00:00") == date(2026, 3, 31)
    assert values.read_date("1/2/1990") == date(1990, 2, 1)
    assert values.read_date("") is None
    for bad in ("31.02.2026", "next week", "2026-13-01"):
        with pytest.raises(ValueError):
            values.read_date(bad)
    assert values.read_choice("K", Gender) == Gender.FEMALE
    assert values.read_choice("мужской", Gender) == Gender.MALE
    assert values.read_choice("", Gender) == Gender.UNKNOWN
    assert values.read_choice("Barnebesøk", CaseKind) == CaseKind.CHILD_VISITS
    assert values.read_choice("Release support", CaseKind) == CaseKind.RELEASE_SUPPORT
    with pytest.raises(ValueError, match="release_support"):
        values.read_choice("parole", CaseKind)
    assert values.read_country("Romania") == "RO" and values.read_country("Норвегия") == "NO"
    assert values.read_country("România") == "RO" and values.read_country("ua") == "UA"
    assert values.read_languages("Romanian; русский, nb") == ("ro", "ru", "nb")
    assert values.read_bool("Ja") is True and values.read_bool("nei") is False


def test_names_in_free_text_ignore_case_diacritics_and_order() -> None:
    pattern = name_match.name_pattern("Ștefan", "Țăranu")
    assert pattern is not None
    for text in ("met stefan taranu today", "ȚĂRANU, Ștefan called", "Ştefan  Ţăranu"):
        assert name_match.mentions(text, pattern), text
    for text in ("Ștefania Țăranu", "Ștefan Țăranuescu", ""):
        assert not name_match.mentions(text, pattern), text
    assert name_match.redact("Ask Stefan Taranu.", [pattern]) == ("Ask […].", 1)
    assert name_match.name_pattern("A", "B") is None


def _declared_labels(target: str) -> list[str]:
    """What Homeward shows for the field: the import wizard's label, the form's, the pack's."""
    shown = [src.TARGETS[target]]
    if target.startswith("case_"):
        field = target.removeprefix("case_")
        shown += [field_labels.CASE_FORM.get(field), record_labels.declared("cases", field)]
    else:
        field = {"birth_year": "birth_year_estimate"}.get(target, target)
        shown += [field_labels.PERSON_FORM.get(field), record_labels.declared("people", field)]
    return [text for text in shown if text]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("target", list(src.TARGETS))
def test_every_label_homeward_shows_is_a_header_it_reads(language: str, target: str) -> None:
    with thread_language(language):
        headers = [field_labels.without_mnemonic(_(text)) for text in _declared_labels(target)]
    assert headers
    for header in headers:
        for written in (header, header.upper(), f" {header}: "):
            mapping = src.suggest_mapping((written,))
            assert mapping.target(written) == target, (language, written)
