"""Reports (coordinators): the anonymised quarterly summary — preview, export, history.

Counting runs on the database thread with a progress bar and Cancel; the preview is the
same view the PDF is drawn from, so what the coordinator checks is what the funder gets.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
)

from app.features.reports.services import periods
from app.features.reports.services import service as reports
from app.features.reports.services.disclosure import MIN_THRESHOLD
from app.features.reports.services.layout import ReportView
from app.features.reports.services.periods import Period
from app.features.reports.ui.preview import ReportPreview
from app.kernel.errors import HomewardError
from app.kernel.i18n import N_, _, babel_locale, current_language, pgettext
from app.services.context import ServiceContext
from app.ui_kit import export_folder
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations, describe
from app.ui_kit.page_base import Page
from app.ui_kit.progress import JobState, ProgressPanel, run_job, set_primary_enabled
from app.ui_kit.tables import Column, ListTable
from app.ui_kit.widgets import show_datetime, title, warn

YEARS_BACK = 15
WHOLE_YEAR = 0


EXPORT_COLUMNS: tuple[Column[reports.ExportRow], ...] = (
    Column(N_("When"), lambda r: show_datetime(r.exported_at)),
    Column(N_("Who"), lambda r: r.username or _("a former user")),
    Column(N_("Period"), lambda r: str(r.parameters.get("period", ""))),
    Column(N_("Format"), lambda r: str(r.parameters.get("format", "")).upper()),
    Column(N_("Threshold"), lambda r: str(r.parameters.get("threshold", ""))),
    Column(N_("SHA-256"), lambda r: r.sha256),
)


def last_complete_quarter(today: date) -> Period:
    return periods.previous_quarter(periods.quarter_of(today))


def file_stem(period: Period) -> str:
    return "homeward-summary-" + period.code.replace("/", "_")


class ReportsPage(Page):
    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__(ctx, ops, bus, navigator)
        self._view: ReportView | None = None
        self._threshold_loaded = False
        layout = QVBoxLayout(self)
        layout.addWidget(title(pgettext("page", "Reports")))
        intro = QLabel(
            _(
                "An anonymised summary for funders: counts only, never names, with small "
                "numbers hidden so that nobody can be recognised."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._controls())
        self.future_note = QLabel()
        self.future_note.setObjectName("banner")
        self.future_note.setWordWrap(True)
        self.future_note.hide()
        layout.addWidget(self.future_note)
        self.progress = ProgressPanel()
        layout.addWidget(self.progress)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        layout.addWidget(self.result)
        self.tabs = QTabWidget()
        self.preview_view = ReportPreview()
        self.history: ListTable[reports.ExportRow] = ListTable(
            EXPORT_COLUMNS, _("No summary has been exported yet."), _("Earlier exports")
        )
        self.tabs.addTab(self.preview_view, _("Preview"))
        self.tabs.addTab(self.history, _("Earlier exports"))
        layout.addWidget(self.tabs, 1)
        self._period_changed()

    def _controls(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        period_row = QHBoxLayout()
        default = last_complete_quarter(date.today())
        self.year = QComboBox()
        self.year.setAccessibleName(_("Year"))
        this_year = date.today().year
        for value in range(this_year, this_year - YEARS_BACK, -1):
            self.year.addItem(str(value), value)
        self.year.setCurrentIndex(self.year.findData(default.start.year))
        self.quarter = QComboBox()
        self.quarter.setAccessibleName(_("Quarter"))
        for number in range(1, 5):
            start = date(2000, 3 * (number - 1) + 1, 1)
            self.quarter.addItem(format_date(start, "QQQQ", locale=babel_locale()), number)
        self.quarter.addItem(_("Whole year"), WHOLE_YEAR)
        self.quarter.setCurrentIndex(self.quarter.findData((default.start.month - 1) // 3 + 1))
        period_label = QLabel(_("&Period:"))
        period_label.setBuddy(self.quarter)
        period_row.addWidget(period_label)
        period_row.addWidget(self.quarter)
        period_row.addWidget(self.year)
        period_row.addSpacing(16)
        threshold_label = QLabel(_("Hide numbers &under:"))
        self.threshold = QSpinBox()
        self.threshold.setRange(MIN_THRESHOLD, reports.MAX_THRESHOLD)
        self.threshold.setAccessibleName(_("Small-number threshold"))
        self.threshold.setToolTip(
            _("Counts from 1 to one less than this are shown as “<k”. Never below {low}.").format(
                low=MIN_THRESHOLD
            )
        )
        threshold_label.setBuddy(self.threshold)
        self.save_threshold = QPushButton(_("Save as default"))
        period_row.addWidget(threshold_label)
        period_row.addWidget(self.threshold)
        period_row.addWidget(self.save_threshold)
        period_row.addStretch(1)
        rows.addLayout(period_row)

        buttons = QHBoxLayout()
        self.preview_button = QPushButton(_("Preview"))
        self.preview_button.setProperty("primary", True)
        self.pdf_button = QPushButton(_("Export PDF…"))
        self.csv_button = QPushButton(_("Export CSV…"))
        self.hxl = QCheckBox(_("CSV with HXL hashtags"))
        self.hxl.setToolTip(
            _("Adds a row of Humanitarian Exchange Language tags under the header.")
        )
        for widget in (self.preview_button, self.pdf_button, self.csv_button, self.hxl):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        rows.addLayout(buttons)
        self.year.currentIndexChanged.connect(self._period_changed)
        self.quarter.currentIndexChanged.connect(self._period_changed)
        self.save_threshold.clicked.connect(self._save_threshold)
        self.preview_button.clicked.connect(self.make_preview)
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        return rows

    # -- period --

    def period(self) -> Period:
        year, number = int(self.year.currentData()), int(self.quarter.currentData())
        return periods.year(year) if number == WHOLE_YEAR else periods.quarter(year, number)

    def set_period(self, period: Period) -> None:
        self.year.setCurrentIndex(max(0, self.year.findData(period.start.year)))
        number = (
            WHOLE_YEAR
            if period.kind == periods.PeriodKind.YEAR
            else (period.start.month - 1) // 3 + 1
        )
        self.quarter.setCurrentIndex(max(0, self.quarter.findData(number)))

    def _period_changed(self, _index: int = 0) -> None:
        unfinished = self.period().end >= date.today()
        self.future_note.setText(
            _("This period is not over yet: its figures will still change.") if unfinished else ""
        )
        self.future_note.setVisible(unfinished)

    # -- threshold --

    def _save_threshold(self) -> None:
        ctx, k = self.ctx, self.threshold.value()
        self.ops.run(
            lambda: reports.set_report_threshold(ctx, k),
            lambda _v: self._say(_("From now on, numbers under {k} are hidden.").format(k=k)),
            self._failed,
        )

    # -- preview --

    def _busy(self, busy: bool) -> None:
        set_primary_enabled(self.preview_button, not busy)
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(not busy)

    def make_preview(self) -> None:
        if self.progress.running:
            return
        ctx, period, k, language = (
            self.ctx,
            self.period(),
            self.threshold.value(),
            current_language(),
        )

        def work(state: JobState) -> ReportView:
            summary = reports.compute_summary(
                ctx, period, k, progress=state.progress, cancel=state.flag
            )
            return reports.preview(summary, language)

        self._busy(True)
        self.result.hide()
        run_job(
            self.ops,
            self.progress,
            work,
            self._show_preview,
            self._failed,
            label=_("Counting for the summary…"),
        )

    def _show_preview(self, view: ReportView) -> None:
        self._busy(False)
        self._view = view
        self.preview_view.show_view(view)
        self.tabs.setCurrentWidget(self.preview_view)

    # -- export --

    def export(self, fmt: str) -> None:
        if self.progress.running:
            return
        period = self.period()
        suggested = export_folder.suggested(f"{file_stem(period)}.{fmt}")
        if fmt == "pdf":
            caption, filters = _("Export the summary as PDF"), _("PDF files (*.pdf)")
        else:
            caption, filters = _("Export the summary as CSV"), _("CSV files (*.csv)")
        chosen, _filter = QFileDialog.getSaveFileName(self, caption, suggested, filters)
        if not chosen:
            return
        path = Path(chosen)
        export_folder.remember(path)
        if not path.suffix:
            path = path.with_suffix("." + fmt)
        ctx, k, language, hxl = (
            self.ctx,
            self.threshold.value(),
            current_language(),
            self.hxl.isChecked(),
        )

        def work(state: JobState) -> reports.ExportResult:
            if fmt == "pdf":
                return reports.export_pdf(
                    ctx,
                    period,
                    path,
                    language,
                    threshold=k,
                    progress=state.progress,
                    cancel=state.flag,
                )
            return reports.export_csv(
                ctx,
                period,
                path,
                threshold=k,
                hxl=hxl,
                progress=state.progress,
                cancel=state.flag,
            )

        self._busy(True)
        self.result.hide()
        run_job(
            self.ops,
            self.progress,
            work,
            self._exported,
            self._failed,
            label=_("Exporting the summary…"),
        )

    def _exported(self, result: reports.ExportResult) -> None:
        self._busy(False)
        self._say(
            _("Saved {path}\nSHA-256: {sha256}").format(path=result.path, sha256=result.sha256)
        )
        self._load_history()

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.show()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        text = str(exc) if isinstance(exc, HomewardError) else describe(exc)
        self._say(text)
        if not isinstance(exc, HomewardError):
            warn(self, text)

    # -- history --

    def _load_history(self) -> None:
        ctx = self.ctx
        self.ops.run(lambda: reports.list_exports(ctx), self._show_history, key="report-exports")

    def _show_history(self, rows: list[reports.ExportRow]) -> None:
        self.history.set_rows(rows)

    # -- page --

    def reload(self) -> None:
        super().reload()
        ctx = self.ctx
        if not self._threshold_loaded:
            self.ops.run(lambda: reports.report_threshold(ctx), self._threshold_read)
        self._load_history()

    def _threshold_read(self, k: int) -> None:
        self._threshold_loaded = True
        self.threshold.setValue(k)

    def save_state(self) -> object:
        return self.period()

    def restore_state(self, state: object) -> None:
        if isinstance(state, Period):
            self.set_period(state)

    def clear(self) -> None:
        state = self.progress.state
        if state is not None:
            state.cancel()
        self._view = None
        self.preview_view.clear()
        self.history.set_rows([])
        self.result.clear()

    def view(self) -> Any:
        """The summary on screen, or ``None`` (tests)."""
        return self._view
