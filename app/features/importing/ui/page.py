"""Admin → Import: people and cases from a spreadsheet, in three steps.

1. choose a CSV or XLSX file; 2. check which column fills which field (suggested from the
headers, changeable per column); 3. "Check (dry run)" lists every problem with its row and
column. "Import" is enabled only after a dry run of exactly this file and mapping found no
problem. Importing the same file again links to what is there: nothing is duplicated.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.features.importing.services import import_sources, importing
from app.features.importing.services.import_sources import ColumnMapping, SourceTable
from app.kernel.errors import HomewardError
from app.kernel.i18n import N_, _, ngettext
from app.kernel.i18n_formats import number
from app.services.context import ServiceContext
from app.ui_kit.operations import ChangeBus, Operations, describe
from app.ui_kit.progress import JobState, ProgressPanel, run_job, set_primary_enabled
from app.ui_kit.tables import Column, ListTable, elide

EXAMPLES = 3

#: A dry run's problems; a plain text is the line that counts the ones not shown.
Problem = importing.RowProblem | str
PROBLEM_COLUMNS: tuple[Column[Problem], ...] = (
    Column(N_("Row"), lambda p: "" if isinstance(p, str) else str(p.row)),
    Column(N_("Column"), lambda p: "" if isinstance(p, str) else p.column),
    Column(N_("Problem"), lambda p: p if isinstance(p, str) else p.message),
)


class ImportTab(QWidget):
    def __init__(self, ctx: ServiceContext, ops: Operations, bus: ChangeBus) -> None:
        super().__init__()
        self.ctx, self.ops, self.bus = ctx, ops, bus
        self.source: SourceTable | None = None
        self.checked: ColumnMapping | None = None  # the mapping the last clean dry run used
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Bring people and cases over from another system's spreadsheet (CSV or XLSX). "
                "Nothing is written until the dry run finds no problem; importing the same file "
                "again does not create anyone twice."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        bar = QHBoxLayout()
        self.choose_button = QPushButton(_("1. Choose a file…"))
        self.file_label = QLabel(_("No file chosen."))
        self.check_button = QPushButton(_("3. Check (dry run)"))
        self.import_button = QPushButton(_("Import"))
        self.import_button.setProperty("primary", True)
        bar.addWidget(self.choose_button)
        bar.addWidget(self.file_label, 1)
        bar.addWidget(self.check_button)
        bar.addWidget(self.import_button)
        layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Vertical)
        mapping_box = QWidget()
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.setContentsMargins(0, 0, 0, 0)
        mapping_layout.addWidget(QLabel(_("2. Which column fills which field:")))
        self.mapping = QTableWidget(0, 3)
        self.mapping.setHorizontalHeaderLabels(
            [_("Column in the file"), _("First values"), _("Homeward field")]
        )
        self.mapping.setAccessibleName(_("Column mapping"))
        self.mapping.verticalHeader().hide()
        self.mapping.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.mapping.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        mapping_layout.addWidget(self.mapping, 1)
        splitter.addWidget(mapping_box)
        result_box = QWidget()
        result_layout = QVBoxLayout(result_box)
        result_layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        result_layout.addWidget(self.summary)
        self.problems: ListTable[Problem] = ListTable(
            PROBLEM_COLUMNS,
            _("Run the dry run to see what the import would do."),
            _("Problems in the file"),
            key=lambda p: None if isinstance(p, str) else p,
        )
        result_layout.addWidget(self.problems, 1)
        splitter.addWidget(result_box)
        layout.addWidget(splitter, 1)
        self.progress = ProgressPanel()
        layout.addWidget(self.progress)
        self.choose_button.clicked.connect(self.choose_file)
        self.check_button.clicked.connect(self.dry_run)
        self.import_button.clicked.connect(self.run_import)
        self._update_buttons()

    # -- step 1: the file --

    def choose_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose a spreadsheet to import"),
            str(Path.home()),
            _("Spreadsheets (*.csv *.xlsx *.txt)"),
        )
        if chosen:
            self.load_file(Path(chosen))

    def load_file(self, path: Path) -> None:
        self.ops.run(
            lambda: import_sources.read_table(path),
            self._show_file,
            self._failed,
            label=_("Reading the file…"),
        )

    def _show_file(self, table: SourceTable) -> None:
        self.source = table
        self.checked = None
        self.file_label.setText(
            ngettext("{name}: {n} row", "{name}: {n} rows", len(table.rows)).format(
                name=table.name, n=number(len(table.rows))
            )
        )
        self._fill_mapping(table, import_sources.suggest_mapping(table.headers))
        self.problems.set_rows([])
        self.summary.clear()
        self._update_buttons()

    # -- step 2: the mapping --

    def _fill_mapping(self, table: SourceTable, suggested: ColumnMapping) -> None:
        self.mapping.setRowCount(0)
        headers = [h for h in table.headers if h]
        self.mapping.setRowCount(len(headers))
        for r, header in enumerate(headers):
            column = table.headers.index(header)
            examples = [row[column] for row in table.rows[:20] if column < len(row) and row[column]]
            self.mapping.setItem(r, 0, QTableWidgetItem(header))
            self.mapping.setItem(r, 1, QTableWidgetItem(elide(" · ".join(examples[:EXAMPLES]), 80)))
            combo = QComboBox()
            combo.setAccessibleName(_("Field for column {name}").format(name=header))
            combo.addItem(_("(not imported)"), "")
            for target, text in import_sources.TARGETS.items():
                combo.addItem(_(text), target)
            combo.setCurrentIndex(max(0, combo.findData(suggested.target(header) or "")))
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping.setCellWidget(r, 2, combo)
        self.mapping.resizeColumnsToContents()

    def combo(self, header: str) -> QComboBox | None:
        for r in range(self.mapping.rowCount()):
            item = self.mapping.item(r, 0)
            widget = self.mapping.cellWidget(r, 2)
            if item is not None and item.text() == header and isinstance(widget, QComboBox):
                return widget
        return None

    def current_mapping(self) -> ColumnMapping:
        columns = []
        for r in range(self.mapping.rowCount()):
            item, widget = self.mapping.item(r, 0), self.mapping.cellWidget(r, 2)
            if item is not None and isinstance(widget, QComboBox) and widget.currentData():
                columns.append((item.text(), str(widget.currentData())))
        return ColumnMapping(tuple(columns))

    def _mapping_changed(self, _index: int) -> None:
        self.checked = None  # a new mapping needs a new dry run
        self._update_buttons()

    # -- step 3: dry run and import --

    def dry_run(self) -> None:
        table = self.source
        if table is None:
            return
        ctx, mapping = self.ctx, self.current_mapping()
        self.ops.run(
            lambda: importing.preview_import(ctx, table, mapping),
            lambda preview: self._show_preview(preview, mapping),
            self._failed,
            label=_("Checking the file…"),
        )

    def _show_preview(self, preview: importing.ImportPreview, mapping: ColumnMapping) -> None:
        self.checked = mapping if preview.ok else None
        parts = [
            _(
                "{rows} rows: {new} new people, {known} already here; {cases} new cases, "
                "{known_cases} already here."
            ).format(
                rows=number(preview.rows),
                new=number(preview.people_new),
                known=number(preview.people_existing),
                cases=number(preview.cases_new),
                known_cases=number(preview.cases_existing),
            )
        ]
        if preview.unmapped_columns:
            parts.append(
                _("Not imported: {columns}.").format(columns=", ".join(preview.unmapped_columns))
            )
        if not preview.ok:
            parts.append(
                ngettext(
                    "{n} problem to fix in the file (or the mapping) before importing.",
                    "{n} problems to fix in the file (or the mapping) before importing.",
                    preview.problem_count,
                ).format(n=number(preview.problem_count))
            )
        else:
            parts.append(_("No problems: ready to import."))
        self.summary.setText(" ".join(parts))
        rows: list[Problem] = list(preview.problems)
        if preview.problems_not_shown:
            more = preview.problems_not_shown
            text = ngettext("… and {n} more problem", "… and {n} more problems", more)
            rows.append(text.format(n=number(more)))  # a line of its own, under the problems
        self.problems.set_rows(rows)
        self._update_buttons()

    def run_import(self) -> None:
        table, mapping = self.source, self.checked
        if table is None or mapping is None or self.progress.running:
            return
        ctx = self.ctx

        def work(state: JobState) -> importing.ImportResult:
            return importing.run_import(
                ctx, table, mapping, progress=state.progress, cancel=state.flag
            )

        set_primary_enabled(self.import_button, False)
        run_job(self.ops, self.progress, work, self._imported, self._failed, label=_("Importing…"))

    def _imported(self, result: importing.ImportResult) -> None:
        self.summary.setText(
            _(
                "Imported {rows} rows: {people} new people ({matched} were already here), "
                "{cases} new cases ({cases_matched} were already here)."
            ).format(
                rows=number(result.rows),
                people=number(result.people_created),
                matched=number(result.people_matched),
                cases=number(result.cases_created),
                cases_matched=number(result.cases_matched),
            )
        )
        self.checked = None
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(str(exc) if isinstance(exc, HomewardError) else describe(exc))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.check_button.setEnabled(self.source is not None)
        set_primary_enabled(
            self.import_button, self.source is not None and self.checked is not None
        )

    def reload(self) -> None:
        """Nothing to load: the tab starts from a file."""

    def clear(self) -> None:
        self.source = None
        self.checked = None
        self.mapping.setRowCount(0)
        self.problems.set_rows([])
        self.summary.clear()
        self.file_label.setText(_("No file chosen."))
        self._update_buttons()
