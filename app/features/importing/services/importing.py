"""Importing people and cases from a spreadsheet: map, dry run, commit.

1. :func:`import_sources.read_table` reads the file; :func:`import_sources.suggest_mapping`
   proposes which column fills which field (the wizard, or ``--mapping``, can change it).
2. :func:`preview_import` — the dry run — reads every row and lists every problem with its
   row number and column, and what a commit would create. It writes nothing.
3. :func:`run_import` commits (the writing: :mod:`.import_commit`). It refuses while any
   problem remains. By default the whole file is **one transaction**: all rows or none. For
   very large files ``batch_size`` commits batches of rows, each whole in its own
   transaction and recorded in ``import_batches``;
   if the import is interrupted (a crash, a killed process, Cancel), running the same file
   again skips the batches already committed and finishes the rest — no batch is ever half
   there, and nothing is created twice.

Re-importing never duplicates people: each row has a matching key — the client number from
the old system if a column gives one, else the folded name and birth date — recorded (as a
SHA-256 digest) in ``import_keys``. A row whose key is known, or that matches a person
already in Homeward by name and birth date, is linked to that person instead. Cases match on
person, kind and opening date the same way.

Coordinators only (DESIGN.md §4 gives imports to nobody; bulk creation of records is an
administrative act, like users and restore).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.features.cases.services.cases import CaseInput, validate_case
from app.features.importing.services import import_values as values
from app.features.importing.services.import_commit import (
    ImportRow,
    ImportState,
    commit_batch,
    digest,
    natural_key,
)
from app.features.importing.services.import_sources import (
    TARGETS,
    ColumnMapping,
    SourceTable,
    mapping_to_json,
)
from app.features.people.services.people import PersonInput, validate_person
from app.kernel.changes import Topic, writes
from app.kernel.errors import ValidationError
from app.kernel.i18n import _, ngettext
from app.kernel.i18n_formats import number as format_number
from app.models import ImportBatch
from app.models.enums import CaseKind, CaseStatus, Gender, Priority
from app.security.permissions import Permission, requires
from app.services.context import ServiceContext
from app.services.jobs import CancelFlag, Progress, Steps
from app.services.validation import LONG_TEXT_MAX, text_limit
from app.store.search import fold

#: How many problems a dry run lists; the rest are counted ("… and 272,900 more problems").
SHOWN_PROBLEMS = 100


@dataclass(frozen=True)
class RowProblem:
    row: int  # spreadsheet row number (header = 1)
    column: str  # the file's column header ("" for the whole row)
    message: str


@dataclass(frozen=True)
class ImportPreview:
    file_name: str
    rows: int
    people_new: int
    people_existing: int
    cases_new: int
    cases_existing: int
    #: The first :data:`SHOWN_PROBLEMS` problems, by row and column.
    problems: tuple[RowProblem, ...]
    unmapped_columns: tuple[str, ...]
    import_id: str
    #: Batches of this same import already committed (an interrupted batched import).
    batches_done: int
    #: Every problem, shown or not.
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problem_count and not self.problems

    @property
    def problems_not_shown(self) -> int:
        return max(0, self.problem_count - len(self.problems))


@dataclass(frozen=True)
class ImportResult:
    rows: int
    people_created: int
    people_matched: int
    cases_created: int
    cases_matched: int
    batches_committed: int
    batches_skipped: int
    seconds: float


class ImportProblemsError(ValidationError):
    """The file still has problems; nothing was imported."""

    def __init__(self, problems: tuple[RowProblem, ...], count: int | None = None) -> None:
        self.problems = problems
        self.count = len(problems) if count is None else count
        message = ngettext(
            "The file has {n} problem; nothing was imported. Run a dry run to see it.",
            "The file has {n} problems; nothing was imported. Run a dry run to see them.",
            self.count,
        ).format(n=format_number(self.count))
        super().__init__({"file": message})


def _split_name(full: str) -> tuple[str, str]:
    full = " ".join(full.split())
    if "," in full:
        family, given = (p.strip() for p in full.split(",", 1))
        return given, family
    given, _sep, family = full.rpartition(" ")
    return (given, family) if given else (full, "")


class _Parser:
    """Turns the rows of a table into person and case inputs, collecting every problem."""

    def __init__(self, table: SourceTable, mapping: ColumnMapping, today: date) -> None:
        self.table = table
        self.mapping = mapping
        self.today = today
        self.columns = {
            target: index
            for index, header in enumerate(table.headers)
            if (target := mapping.target(header)) is not None
        }
        #: The first :data:`SHOWN_PROBLEMS` problems, in row and column order; ``problem_count``
        #: counts them all. Each row's own are kept apart while it is read, so a file whose
        #: every row is a problem takes time in proportion to its rows.
        self.problems: list[RowProblem] = []
        self.problem_count = 0
        self.row_problems: list[RowProblem] = []
        self.value_maps = {target: mapping.value_map(target) for target in self.columns}

    def header(self, target: str) -> str:
        index = self.columns.get(target)
        if index is not None:
            return self.table.headers[index]
        return _(TARGETS[target]) if target in TARGETS else target

    def problem(self, number: int, target: str, message: str) -> None:
        self.row_problems.append(RowProblem(number, self.header(target) if target else "", message))

    def end_row(self) -> None:
        """File the problems of the row just read (see ``problems``)."""
        found = self.row_problems
        if found:
            self.problem_count += len(found)
            room = SHOWN_PROBLEMS - len(self.problems)
            if room > 0:
                self.problems.extend(sorted(found, key=lambda p: p.column)[:room])
            self.row_problems = []

    def cell(self, cells: tuple[str, ...], target: str) -> str:
        index = self.columns.get(target)
        if index is None or index >= len(cells):
            return ""
        text = cells[index]
        values = self.value_maps[target]
        mapped = values.get(fold(text).strip()) if values else None
        return mapped if mapped is not None else text

    def read(
        self, number: int, cells: tuple[str, ...], target: str, reader: Callable[[str], object]
    ) -> object:
        if target not in self.columns:
            return None
        try:
            return reader(self.cell(cells, target))
        except ValueError as exc:
            self.problem(number, target, str(exc))
            return None

    def parse(self, number: int, cells: tuple[str, ...]) -> ImportRow | None:
        """The row's inputs, or ``None`` if it has problems (in ``row_problems``)."""
        if len(cells) > len(self.table.headers) and any(
            c.strip() for c in cells[len(self.table.headers) :]
        ):
            self.problem(number, "", _("This row has more cells than there are column headers."))
        for target, index in self.columns.items():
            if index < len(cells) and len(cells[index]) > LONG_TEXT_MAX:
                self.problem(number, target, text_limit(cells[index]) or "")
        if self.row_problems:
            return None
        given, family = (
            self.cell(cells, "given_name").strip(),
            self.cell(cells, "family_name").strip(),
        )
        if "full_name" in self.columns and not (given or family):
            given, family = _split_name(self.cell(cells, "full_name"))
        fmt = self.mapping.date_format
        birth = self.read(number, cells, "birth_date", lambda t: values.read_date(t, fmt))
        year = self.read(number, cells, "birth_year", values.read_int)
        gender = (
            self.read(number, cells, "gender", lambda t: values.read_choice(t, Gender))
            or Gender.UNKNOWN
        )
        person = PersonInput(
            given_name=given,
            family_name=family,
            preferred_name=self.cell(cells, "preferred_name").strip() or None,
            birth_date=birth if isinstance(birth, date) else None,
            birth_year_estimate=year if isinstance(year, int) else None,
            gender=gender if isinstance(gender, Gender) else Gender.UNKNOWN,
            nationality=self.read(number, cells, "nationality", values.read_country),  # type: ignore[arg-type]
            country_of_origin=self.read(number, cells, "country_of_origin", values.read_country),  # type: ignore[arg-type]
            languages=self.read(number, cells, "languages", values.read_languages) or (),  # type: ignore[arg-type]
            interpreter_needed=bool(
                self.read(number, cells, "interpreter_needed", values.read_bool)
            ),
            phone=self.cell(cells, "phone").strip() or None,
            email=self.cell(cells, "email").strip() or None,
            address=self.cell(cells, "address").strip() or None,
            national_id=self.cell(cells, "national_id").strip() or None,
            notes=self.cell(cells, "notes").strip() or None,
        )
        try:
            validate_person(person, self.today)
        except ValidationError as exc:
            for name, message in exc.errors.items():
                target = {"birth_year_estimate": "birth_year"}.get(name, name)
                if target in ("given_name", "family_name") and target not in self.columns:
                    target = "full_name" if "full_name" in self.columns else target
                self.problem(number, target, message)
        external = self.cell(cells, "external_id").strip()
        person_key = (
            digest("external", fold(external))
            if external
            else natural_key(given, family, person.birth_date, person.birth_year_estimate)
        )
        case, status, closed_on, reason, case_key = self._case(number, cells, person_key)
        if self.row_problems:
            return None
        return ImportRow(number, person, person_key, case, status, closed_on, reason, case_key)

    def _case(
        self, number: int, cells: tuple[str, ...], person_key: str
    ) -> tuple[CaseInput | None, CaseStatus, date | None, object, str | None]:
        case_fields = [
            t for t in self.columns if t.startswith("case_") and self.cell(cells, t).strip()
        ]
        if not case_fields:
            return None, CaseStatus.REFERRAL, None, None, None
        fmt = self.mapping.date_format
        chosen = {
            target: self.read(number, cells, target, lambda t, c=cls: values.read_choice(t, c))  # type: ignore[misc]
            for target, cls in values.CASE_CHOICES.items()
        }
        opened = self.read(number, cells, "case_opened_on", lambda t: values.read_date(t, fmt))
        closed = self.read(number, cells, "case_closed_on", lambda t: values.read_date(t, fmt))
        expected = self.read(
            number, cells, "case_expected_release", lambda t: values.read_date(t, fmt)
        )
        kind = chosen["case_kind"]
        reported = {p.column for p in self.row_problems}
        if kind is None and self.header("case_kind") not in reported:
            self.problem(
                number,
                "case_kind",
                _("A case needs its kind: release_support, child_visits or foreign_inmate."),
            )
        if opened is None and self.header("case_opened_on") not in reported:
            self.problem(number, "case_opened_on", _("A case needs the date it was opened."))
        if not isinstance(kind, CaseKind) or not isinstance(opened, date):
            return None, CaseStatus.REFERRAL, None, None, None
        status = (
            chosen["case_status"]
            if isinstance(chosen["case_status"], CaseStatus)
            else CaseStatus.OPEN
        )
        data = CaseInput(
            kind=kind,
            client_id=uuid.UUID(int=0),
            opened_on=opened,
            priority=chosen["case_priority"] or Priority.NORMAL,  # type: ignore[arg-type]
            referral_source=chosen["case_referral_source"],  # type: ignore[arg-type]
            custody_status=chosen["case_custody_status"],  # type: ignore[arg-type]
            expected_release=expected if isinstance(expected, date) else None,
            summary=self.cell(cells, "case_summary").strip() or None,
        )
        try:
            validate_case(data, self.today)
        except ValidationError as exc:
            for name, message in exc.errors.items():
                self.problem(
                    number,
                    "case_" + name if "case_" + name in self.columns else "case_opened_on",
                    message,
                )
        closed_on = closed if isinstance(closed, date) else None
        if status == CaseStatus.CLOSED:
            if closed_on is None:
                self.problem(number, "case_closed_on", _("A closed case needs its closing date."))
            elif closed_on < opened:
                self.problem(
                    number, "case_closed_on", _("The closing date is before the case was opened.")
                )
            elif closed_on > self.today:
                self.problem(number, "case_closed_on", _("The closing date is in the future."))
        case_key = digest("case", person_key, kind.value, opened.isoformat())
        return (
            data,
            status,
            closed_on if status == CaseStatus.CLOSED else None,
            chosen["case_close_reason"],
            case_key,
        )


@dataclass(frozen=True)
class _Parsed:
    rows: list[ImportRow]
    problems: tuple[RowProblem, ...]  # the first SHOWN_PROBLEMS
    problem_count: int  # all of them


def _parse(table: SourceTable, mapping: ColumnMapping, today: date) -> _Parsed:
    parser = _Parser(table, mapping, today)
    mapped = set(parser.columns)
    if not ({"given_name", "family_name"} <= mapped or "full_name" in mapped):
        problem = RowProblem(
            1, "", _("Map a column to the given and family name, or to the full name.")
        )
        return _Parsed([], (problem,), 1)
    rows: list[ImportRow] = []
    seen_person: dict[str, tuple[int, PersonInput]] = {}
    seen_case: dict[str, int] = {}
    numbers = table.row_numbers or tuple(range(2, len(table.rows) + 2))
    for number, cells in zip(numbers, table.rows, strict=True):
        row = parser.parse(number, cells)
        if row is not None:
            repeated = _repeated(row, seen_person, seen_case)
            if repeated:
                parser.row_problems.append(RowProblem(number, "", repeated))
            else:
                seen_person.setdefault(row.person_key, (number, row.person))
                if row.case_key is not None:
                    seen_case[row.case_key] = number
                rows.append(row)
        parser.end_row()
    return _Parsed(rows, tuple(parser.problems), parser.problem_count)


def _repeated(
    row: ImportRow, seen_person: dict[str, tuple[int, PersonInput]], seen_case: dict[str, int]
) -> str:
    """Why the row cannot be imported beside an earlier one ("" if it can)."""
    first = seen_person.get(row.person_key)
    if first is not None and first[1] != row.person:
        return _(
            "Row {first} describes the same person with other details. Make the rows agree."
        ).format(first=first[0])
    if row.case_key is not None and row.case_key in seen_case:
        return _("This row repeats row {first} (same person, same case).").format(
            first=seen_case[row.case_key]
        )
    if first is not None and row.case_key is None:
        return _("This row repeats row {first} (same person).").format(first=first[0])
    return ""


def _import_id(table: SourceTable, mapping: ColumnMapping) -> str:
    return digest("import", table.digest, mapping_to_json(mapping).decode("utf-8"))


@requires(Permission.ADMIN)
def preview_import(
    ctx: ServiceContext, table: SourceTable, mapping: ColumnMapping, *, today: date | None = None
) -> ImportPreview:
    """The dry run: every problem, and what a commit would create. Writes nothing."""
    parsed = _parse(table, mapping, today or date.today())
    rows = parsed.rows
    mapped_headers = {h for h, _t in mapping.columns}
    with ctx.uow() as uow:
        state = ImportState.load(uow.session)
        import_id = _import_id(table, mapping)
        done = int(
            uow.session.scalar(select(func.count()).where(ImportBatch.import_id == import_id)) or 0
        )
    new_people = {r.person_key for r in rows if r.person_key not in state.people}
    cases_new = cases_existing = 0
    for row in rows:
        if row.case is None or row.case_key is None:
            continue
        client = state.people.get(row.person_key)
        index = (client, row.case.kind, row.case.opened_on)
        if row.case_key in state.cases or index in state.case_index:
            cases_existing += 1
        else:
            cases_new += 1
    return ImportPreview(
        file_name=table.name,
        rows=len(table.rows),
        people_new=len(new_people),
        people_existing=len({r.person_key for r in rows}) - len(new_people),
        cases_new=cases_new,
        cases_existing=cases_existing,
        problems=parsed.problems,
        problem_count=parsed.problem_count,
        unmapped_columns=tuple(h for h in table.headers if h and h not in mapped_headers),
        import_id=import_id,
        batches_done=done,
    )


@requires(Permission.ADMIN)
@writes(Topic.PEOPLE, Topic.CASES)
def run_import(
    ctx: ServiceContext,
    table: SourceTable,
    mapping: ColumnMapping,
    *,
    batch_size: int | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    on_commit: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Commit the import (see the module docstring): all or nothing, or whole batches.

    ``on_commit(batch_no, rows)`` is called after each batch's transaction has committed.
    """
    started = time.perf_counter()
    steps = Steps(progress, cancel)
    parsed = _parse(table, mapping, today or date.today())
    rows = parsed.rows
    if parsed.problem_count:
        raise ImportProblemsError(parsed.problems, parsed.problem_count)
    if batch_size is not None and batch_size < 1:
        raise ValidationError({"batch_size": _("A batch has at least one row.")})
    size = batch_size or max(len(rows), 1)
    batches = [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]
    import_id = _import_id(table, mapping)
    with ctx.uow() as uow:
        state = ImportState.load(uow.session)
    committed = skipped = 0
    for batch_no, batch in enumerate(batches):
        steps.at(_("Importing"), batch_no / len(batches))
        with ctx.uow(write=True) as uow:
            done = uow.session.scalar(
                select(ImportBatch.id).where(
                    ImportBatch.import_id == import_id, ImportBatch.batch_no == batch_no
                )
            )
            if done is not None:
                skipped += 1
                continue
            commit_batch(ctx, uow, batch, import_id, batch_no, state)
            uow.commit()
        committed += 1
        if on_commit is not None:
            on_commit(batch_no, len(batch))
    steps.report(_("Imported"), 1.0)
    return ImportResult(
        rows=len(rows),
        people_created=state.people_created,
        people_matched=state.people_matched,
        cases_created=state.cases_created,
        cases_matched=state.cases_matched,
        batches_committed=committed,
        batches_skipped=skipped,
        seconds=time.perf_counter() - started,
    )
