"""Import: a dry run finds every problem in a messy file and changes nothing; a clean
import commits all rows at once; importing again creates no duplicates."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app.features.cases.services import cases
from app.features.importing.services import import_sources, importing
from app.models import Case, Person
from app.models.enums import CaseKind
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.conftest import PASSWORD, run_homeward
from tests.integration.helpers import casework

HEADER = [
    "Klientnummer",
    "Fornavn",
    "Etternavn",
    "Fødselsdato",
    "Kjønn",
    "Nasjonalitet",
    "Språk",
    "Notater",
    "Sakstype",
    "Åpnet",
]
CLEAN = [
    [
        "K1",
        "Ștefan",
        "Țăranu",
        "17.05.1990",
        "m",
        "Romania",
        "ro, ru",
        "Vorbește română",
        "release_support",
        "2026-02-01",
    ],
    [
        "K2",
        "Пётр",
        "Иванов",
        "1985-11-02",
        "м",
        "UA",
        "uk",
        "Говорит по-русски",
        "foreign_inmate",
        "01.03.2026",
    ],
    ["K3", "Åse", "Ølstad", "", "k", "NO", "nb", "", "", ""],
    [
        "K1",
        "Ștefan",
        "Țăranu",
        "17.05.1990",
        "m",
        "Romania",
        "ro, ru",
        "Vorbește română",
        "child_visits",
        "2026-04-01",
    ],
]


def write_csv(
    path: Path, rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8-sig"
) -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        out = csv.writer(handle, delimiter=delimiter)
        out.writerow(HEADER)
        out.writerows(rows)
    return path


def counts(ctx: ServiceContext) -> tuple[int, int]:
    with ctx.uow() as uow:
        people = uow.session.scalar(select(func.count()).select_from(Person)) or 0
        cases = uow.session.scalar(select(func.count()).select_from(Case)) or 0
    return people, cases


def test_a_dry_run_reports_every_problem_and_commits_nothing(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    messy = [
        [
            "K1",
            "Ștefan",
            "Țăranu",
            "31.02.1990",
            "m",
            "RO",
            "ro",
            "",
            "release_support",
            "2026-02-01",
        ],  # 2: bad date
        [
            "K2",
            "Пётр",
            "Иванов",
            "1985-11-02",
            "м",
            "UA",
            "ru",
            "",
            "parole_support",
            "2026-02-01",
        ],  # 3: unknown kind
        ["K3", "Ana", "Popescu", "1990-01-01", "f", "RO", "ro", "", "", ""],
        ["K3", "Ana", "Popescu", "1990-01-01", "f", "RO", "ro", "", "", ""],  # 5: duplicate row
        [
            "K4",
            "Ion",
            "Rusu",
            "1980-01-01",
            "m",
            "Atlantis",
            "ro",
            "",
            "",
            "",
        ],  # 6: unknown country
        [
            "K5",
            "Olga",
            "Смирнова",
            "1970-01-01",
            "ж",
            "RU",
            "ru",
            "x" * 5_000_000,
            "",
            "",
        ],  # 7: 5 MB
        ["K6", "", "", "1970-01-01", "k", "NO", "nb", "", "", ""],  # 8: no name
        [
            "K7",
            "Kari",
            "Nordmann",
            "2099-01-01",
            "maybe",
            "NO",
            "nb",
            "",
            "child_visits",
            "next week",
        ],  # 9
    ]
    path = write_csv(tmp_path / "messy.csv", messy)
    assert path.stat().st_size > 5_000_000
    table = import_sources.read_table(path)
    mapping = import_sources.suggest_mapping(table.headers)
    assert dict(mapping.columns)["Etternavn"] == "family_name"
    preview = importing.preview_import(ctx, table, mapping)
    found = {(p.row, p.column) for p in preview.problems}
    assert {
        (2, "Fødselsdato"),
        (3, "Sakstype"),
        (5, ""),
        (6, "Nasjonalitet"),
        (7, "Notater"),
        (8, "Fornavn"),
        (8, "Etternavn"),
        (9, "Fødselsdato"),
        (9, "Kjønn"),
        (9, "Åpnet"),
    } <= found
    assert not any(p.row == 4 for p in preview.problems)  # the first of the duplicates is fine
    assert all("x" * 100 not in p.message for p in preview.problems)
    assert counts(ctx) == (0, 0)
    with pytest.raises(importing.ImportProblemsError):
        importing.run_import(ctx, table, mapping)
    assert counts(ctx) == (0, 0)


def test_a_clean_import_and_a_re_import(ctx: ServiceContext, tmp_path: Path) -> None:
    table = import_sources.read_table(write_csv(tmp_path / "clean.csv", CLEAN))
    mapping = import_sources.suggest_mapping(table.headers)
    preview = importing.preview_import(ctx, table, mapping)
    assert preview.ok, preview.problems
    assert (preview.people_new, preview.cases_new) == (3, 3)
    result = importing.run_import(ctx, table, mapping)
    assert (result.people_created, result.cases_created, result.batches_committed) == (3, 3, 1)
    assert counts(ctx) == (3, 3)
    with ctx.uow() as uow:
        stefan = uow.session.scalars(select(Person).where(Person.family_name == "Țăranu")).one()
        assert (stefan.nationality, stefan.languages, stefan.birth_date.isoformat()) == (  # type: ignore[union-attr]
            "RO",
            "ro,ru",
            "1990-05-17",
        )
    # The same file again, and a re-saved copy (comma, UTF-8 without BOM): nothing new.
    again = importing.run_import(ctx, table, mapping)
    assert again.people_created == 0 and again.batches_skipped == 1
    copy = import_sources.read_table(
        write_csv(tmp_path / "copy.csv", CLEAN, delimiter=",", encoding="utf-8")
    )
    result = importing.run_import(ctx, copy, import_sources.suggest_mapping(copy.headers))
    assert (result.people_created, result.cases_created) == (0, 0)
    assert (result.people_matched, result.cases_matched) == (3, 3)
    assert counts(ctx) == (3, 3)


def test_imported_cases_take_numbers_from_the_counter_between_other_writes(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    """A case opened between two batches takes the number after the first batch's; the next
    batch takes the one after that: no collision, no gap, row order within each batch."""
    client = casework.client(ctx, "Ola", "Nordmann")

    def opened() -> str:
        return cases.open_case(
            ctx,
            cases.CaseInput(
                kind=CaseKind.RELEASE_SUPPORT, client_id=client.id, opened_on=date(2026, 1, 5)
            ),
        ).reference

    first = opened()
    between: list[str] = []
    table = import_sources.read_table(write_csv(tmp_path / "clean.csv", CLEAN))
    mapping = import_sources.suggest_mapping(table.headers)
    importing.run_import(
        ctx, table, mapping, batch_size=1, on_commit=lambda _n, _rows: between.append(opened())
    )
    with ctx.uow() as uow:
        imported = uow.session.scalars(
            select(Case.reference).where(Case.client_id != client.id).order_by(Case.opened_on)
        ).all()
    assert first == "HW-2026-0001"
    # batches: K1's case, K2's case, K3 (no case), K1's second case; one opened after each
    assert imported == ["HW-2026-0002", "HW-2026-0004", "HW-2026-0007"]
    assert between == ["HW-2026-0003", "HW-2026-0005", "HW-2026-0006", "HW-2026-0008"]


def test_xlsx_with_a_mapping_file(ctx: ServiceContext, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nume", "Prenume", "Născut", "Tip"])
    sheet.append(["Popescu", "Ioana", "1992-03-04", "Eliberare"])
    book.save(tmp_path / "clients.xlsx")
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(
        json.dumps(
            {
                "columns": {
                    "Nume": "family_name",
                    "Prenume": "given_name",
                    "Născut": "birth_date",
                    "Tip": "case_kind",
                },
                "values": {"case_kind": {"Eliberare": "release_support"}},
            }
        ),
        "utf-8",
    )
    table = import_sources.read_table(tmp_path / "clients.xlsx")
    mapping = import_sources.mapping_from_json(mapping_file.read_bytes())
    preview = importing.preview_import(ctx, table, mapping)
    assert [(p.row, p.column) for p in preview.problems] == [(2, "Case: opened on")]
    table2 = import_sources.read_table(tmp_path / "clients.xlsx")
    mapping2 = import_sources.ColumnMapping(mapping.columns[:3])
    result = importing.run_import(ctx, table2, mapping2)
    assert result.people_created == 1


def test_the_import_command(workspace: CreatedWorkspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "clean.csv", CLEAN)
    args = ["import", "--workspace", str(workspace.folder), "--user", "coord", "--password-stdin"]
    dry = run_homeward(*args, str(path), "--dry-run", stdin=PASSWORD + "\n")
    assert dry.returncode == 0, dry.stderr
    assert "3 new people" in dry.stdout and "Dry run" in dry.stdout
    done = run_homeward(*args, str(path), stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert "3 people created" in done.stdout
    bad = write_csv(tmp_path / "bad.csv", [["K9", "A", "B", "99.99.1999", "", "", "", "", "", ""]])
    refused = run_homeward(*args, str(bad), stdin=PASSWORD + "\n")
    assert refused.returncode == 2
    assert "row 2, Fødselsdato:" in refused.stdout


def test_the_dry_run_lists_a_hundred_problems_and_counts_the_rest(
    workspace: CreatedWorkspace, tmp_path: Path
) -> None:
    rows = [[f"K{i}", "A", "B", "99.99.1999", "", "", "", "", "", ""] for i in range(2_000)]
    path = write_csv(tmp_path / "bad.csv", rows)
    args = ["import", "--workspace", str(workspace.folder), "--user", "coord", "--password-stdin"]
    dry = run_homeward(*args, str(path), "--dry-run", stdin=PASSWORD + "\n")
    assert dry.returncode == 2
    listed = [line for line in dry.stdout.splitlines() if line.startswith("row ")]
    assert len(listed) == 100 and listed[0].startswith("row 2, ") and "row 101," in listed[-1]
    assert "… and 1,900 more problems" in dry.stdout
    assert "2,000 problems; nothing was imported" in dry.stderr
