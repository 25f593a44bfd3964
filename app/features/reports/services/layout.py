"""A summary as people read it: translated tables, headline figures and charts to draw.

The read models, and the locale of each language; :func:`.build.build_view` fills them.
The GUI's preview and the PDF are built from the same :class:`ReportView`, so what a
coordinator checks on screen is what the funder receives. Everything here is text for one
language (numbers and dates in that locale, CLDR plural rules through ``ngettext``); hidden
numbers are already hidden in the :class:`~.figures.Summary`, so no view can show them.
Pure: no database, no context.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from babel.dates import format_date, format_interval

from app.features.reports.services.figures import FigureStatus
from app.features.reports.services.periods import Period, PeriodKind

#: Babel locales for the app's languages (British English: day-month dates, as in Europe).
LOCALES = {"en": "en_GB", "nb": "nb_NO", "ru": "ru_RU", "ro": "ro_RO"}
SECONDARY_MARK = "*"
NOT_APPLICABLE_MARK = "–"


class ChartKind(StrEnum):
    BARS = "bars"  # horizontal bars, one or two series
    LINES = "lines"  # the trend


@dataclass(frozen=True)
class CellView:
    text: str
    value: float | None  # the published number (for charts); None when hidden
    status: FigureStatus

    @property
    def suppressed(self) -> bool:
        return self.status in (FigureStatus.SMALL, FigureStatus.SECONDARY, FigureStatus.RANGE)


@dataclass(frozen=True)
class RowView:
    label: str
    cells: tuple[CellView, ...]
    total: bool = False
    indent: bool = False


@dataclass(frozen=True)
class ChartView:
    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[CellView, ...]], ...]


@dataclass(frozen=True)
class TableView:
    id: str
    title: str
    columns: tuple[str, ...]  # headers of the number columns
    rows: tuple[RowView, ...]
    note: str = ""
    chart: ChartView | None = None

    @property
    def has_secondary(self) -> bool:
        return any(c.status == FigureStatus.SECONDARY for r in self.rows for c in r.cells)


@dataclass(frozen=True)
class SectionView:
    id: str
    title: str
    intro: str
    tables: tuple[TableView, ...]


@dataclass(frozen=True)
class Headline:
    label: str
    cell: CellView


@dataclass(frozen=True)
class ReportView:
    language: str
    title: str
    period_label: str
    period_dates: str
    organisation: str
    produced_on: str
    threshold: int
    headlines: tuple[Headline, ...]
    trend: TableView | None
    sections: tuple[SectionView, ...]
    methodology: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, paragraphs)
    legend: str
    #: The audit trail's end when the file was made: its event number and public
    #: fingerprint, printed so that a coordinator can later check the trail up to it
    #: (``homeward verify --anchor``). ``None`` in the on-screen preview.
    audit_anchor: tuple[int, str] | None = None


def locale_for(language: str) -> str:
    return LOCALES.get(language, LOCALES["en"])


def period_label(period: Period, language: str) -> str:
    """``3rd quarter 2026``, ``3. kvartal 2026``, ``2026``, ``1 Jan – 31 May 2026``."""
    loc = locale_for(language)
    if period.kind == PeriodKind.QUARTER:
        return format_date(period.start, "QQQQ y", locale=loc)
    if period.kind == PeriodKind.YEAR:
        return str(period.start.year)
    return format_interval(period.start, period.end, "yMMMd", locale=loc)


def short_quarter(period: Period, language: str) -> str:
    return format_date(period.start, "QQQ y", locale=locale_for(language))
