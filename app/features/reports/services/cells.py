"""A summary's numbers as text in one language (hidden ones as their marks), and the
breakdown table most sections are made of. Pure: no database, no context.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.numbers import format_decimal, format_percent

from app.features.reports.services import figures as f
from app.features.reports.services.figures import ALL, Figure, FigureStatus, Summary
from app.features.reports.services.layout import (
    NOT_APPLICABLE_MARK,
    SECONDARY_MARK,
    CellView,
    ChartKind,
    ChartView,
    RowView,
    TableView,
    locale_for,
)
from app.kernel.labels import label
from app.models.enums import CaseKind


class Cells:
    """The numbers of one summary as text in one language, and the tables made of them."""

    def __init__(self, summary: Summary, language: str) -> None:
        self.s = summary
        self.lang = language
        self.loc = locale_for(language)
        self.k = summary.threshold

    def cell(self, figure: Figure, *, percent: bool = False) -> CellView:
        if figure.status == FigureStatus.SMALL:
            return CellView(f"<{self.k}", None, figure.status)
        if figure.status == FigureStatus.SECONDARY:
            return CellView(SECONDARY_MARK, None, figure.status)
        if figure.status == FigureStatus.RANGE and figure.bounds is not None:
            low, high = (format_decimal(n, locale=self.loc) for n in figure.bounds)
            return CellView(f"{low}–{high}", None, figure.status)
        if figure.value is None:
            return CellView(NOT_APPLICABLE_MARK, None, figure.status)
        value = figure.value
        if percent:
            text = format_percent(value / 100, locale=self.loc)
        elif isinstance(value, float):  # hours: tenths only while they still matter
            pattern = "#,##0.#" if value < 100 else "#,##0"
            text = format_decimal(
                round(value, 1 if value < 100 else 0), format=pattern, locale=self.loc
            )
        else:
            text = format_decimal(value, locale=self.loc)
        return CellView(text, float(value), figure.status)

    def get(
        self, indicator: str, kind: str = ALL, dim: str = f.TOTAL, cat: str = f.TOTAL
    ) -> CellView:
        return self.cell(self.s.get(indicator, kind, dim, cat))

    def by_kind(
        self, indicator: str, dim: str = f.TOTAL, cat: str = f.TOTAL
    ) -> tuple[CellView, ...]:
        return tuple(self.get(indicator, kind, dim, cat) for kind in f.KINDS_AND_ALL)

    def kind_columns(self, all_label: str) -> tuple[str, ...]:
        return (*(label(k) for k in CaseKind), all_label)

    def breakdown(
        self,
        id_: str,
        title: str,
        indicator: str,
        dim: str,
        labels: Sequence[tuple[str, str]],
        total_label: str,
        *,
        all_label: str,
        chart_title: str | None = None,
        note: str = "",
    ) -> TableView:
        rows = [RowView(text, self.by_kind(indicator, dim, cat)) for cat, text in labels]
        rows.append(RowView(total_label, self.by_kind(indicator), total=True))
        chart = None
        if chart_title:
            chart = ChartView(
                ChartKind.BARS,
                chart_title,
                tuple(text for _, text in labels),
                ((all_label, tuple(r.cells[-1] for r in rows[:-1])),),
            )
        return TableView(id_, title, self.kind_columns(all_label), tuple(rows), note, chart)
