"""A summary as people read it: translated tables, headline figures and charts to draw.

The GUI's preview and the PDF are built from the same :class:`ReportView`, so what a
coordinator checks on screen is what the funder receives. Everything here is text for one
language (numbers and dates in that locale, CLDR plural rules through ``ngettext``); hidden
numbers are already hidden in the :class:`~.figures.Summary`, so no view can show them.
Pure: no database, no context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from babel.dates import format_date, format_interval
from babel.numbers import format_decimal, format_percent

from app.i18n import N_, _, ngettext, thread_language
from app.labels import label
from app.models.enums import (
    CaseKind,
    CloseReason,
    ConsularOutcome,
    Gender,
    MeetingKind,
    NeedDomain,
    OrganisationType,
    VisitType,
)
from app.services.reports import figures as f
from app.services.reports.figures import ALL, Figure, FigureStatus, Summary
from app.services.reports.merging import REGION_JOIN, band_ages
from app.services.reports.methodology import methodology
from app.services.reports.periods import Period, PeriodKind
from app.services.reports.queries import PLAN_LEAD_DAYS
from app.services.reports.regions import (
    LanguageGroup,
    Region,
    language_group_label,
    region_label,
)

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


def _legend(summary: Summary) -> str:
    legend = _(
        "<{k} means from 1 to {below}; * means hidden so that a small number cannot be "
        "worked out from a total; – means not applicable."
    ).format(k=summary.threshold, below=summary.threshold - 1)
    if summary.tied_to_earlier:
        legend += " " + _(
            "A range such as 31–34 is a hidden number that earlier reports already fix that far."
        )
    return legend


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


class _Builder:
    def __init__(self, summary: Summary, language: str) -> None:
        self.s = summary
        self.lang = language
        self.loc = locale_for(language)
        self.k = summary.threshold

    # numbers --------------------------------------------------------------------------
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

    # tables ---------------------------------------------------------------------------
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

    def caseload(self) -> SectionView:
        rows = [
            RowView(_("Open at the start of the period"), self.by_kind(f.CASES_OPEN_AT_START)),
            RowView(_("Opened"), self.by_kind(f.CASES_OPENED)),
            RowView(_("Closed"), self.by_kind(f.CASES_CLOSED)),
        ]
        for cat, text in _close_reasons():
            rows.append(
                RowView(text, self.by_kind(f.CASES_CLOSED, "close_reason", cat), indent=True)
            )
        rows.append(
            RowView(
                _("Open at the end of the period"), self.by_kind(f.CASES_OPEN_AT_END), total=True
            )
        )
        kinds = tuple(label(k) for k in CaseKind)
        chart = ChartView(
            ChartKind.BARS,
            _("Cases opened and closed, by kind of case"),
            kinds,
            (
                (_("Opened"), tuple(self.by_kind(f.CASES_OPENED)[:-1])),
                (_("Closed"), tuple(self.by_kind(f.CASES_CLOSED)[:-1])),
            ),
        )
        table = TableView(
            "caseload",
            _("Cases by kind"),
            self.kind_columns(_("All cases")),
            tuple(rows),
            _("Closed cases are broken down by the reason for closing."),
            chart,
        )
        return SectionView(
            "caseload",
            _("Caseload"),
            _(
                "How many cases were open when the period began, how many were opened and "
                "closed during it, and how many were open when it ended."
            ),
            (table,),
        )

    def clients(self) -> SectionView:
        everyone = _("All clients")
        total = _("Clients served")
        tables = (
            self.breakdown(
                "clients_gender",
                _("Clients served by gender"),
                f.CLIENTS_SERVED,
                "gender",
                [(g.value, label(g)) for g in Gender],
                total,
                all_label=everyone,
            ),
            self.breakdown(
                "clients_age",
                _("Clients served by age"),
                f.CLIENTS_SERVED,
                "age_band",
                _age_bands(self.s.categories["age_band"]),
                total,
                all_label=everyone,
                chart_title=_("All clients by age"),
                note=_("Age in whole years on the last day of the period."),
            ),
            self.breakdown(
                "clients_region",
                _("Clients served by region of nationality"),
                f.CLIENTS_SERVED,
                "region",
                _regions(self.s.categories["region"]),
                total,
                all_label=everyone,
                chart_title=_("All clients by region of nationality"),
            ),
        )
        return SectionView(
            "clients",
            _("Clients served"),
            _(
                "A client is served in the period when one of their cases was open on at "
                "least one day of it. Each person counts once in each kind of case and once "
                "in the last column, so the last column can be less than the sum of the others."
            ),
            tables,
        )

    def activity(self) -> SectionView:
        meetings = self.breakdown(
            "meetings",
            _("Meetings by kind"),
            f.MEETINGS,
            "meeting_kind",
            [(m.value, label(m)) for m in MeetingKind],
            _("All meetings"),
            all_label=_("All cases"),
            chart_title=_("Meetings by kind"),
        )
        extra = (
            RowView(_("Hours of meetings"), self.by_kind(f.MEETING_HOURS)),
            RowView(_("Meetings recorded by volunteers"), self.by_kind(f.MEETINGS_BY_VOLUNTEERS)),
        )
        meetings = TableView(
            meetings.id,
            meetings.title,
            meetings.columns,
            meetings.rows + extra,
            meetings.note,
            meetings.chart,
        )
        visit_rows = [
            RowView(
                label(v),
                (
                    self.get(f.CHILD_VISITS_HELD, ALL, "visit_type", v.value),
                    self.get(f.CHILD_VISITS_CANCELLED, ALL, "visit_type", v.value),
                ),
            )
            for v in VisitType
        ]
        visit_rows.append(
            RowView(
                _("All visits"),
                (self.get(f.CHILD_VISITS_HELD), self.get(f.CHILD_VISITS_CANCELLED)),
                total=True,
            )
        )
        visits = TableView(
            "child_visits",
            _("Child visits by type"),
            (_("Held"), _("Cancelled")),
            tuple(visit_rows),
        )
        children = TableView(
            "children",
            _("Children"),
            (_("Number"),),
            (
                RowView(
                    _("Children with at least one visit held"), (self.get(f.CHILDREN_VISITING),)
                ),
            ),
        )
        outcome_columns = (f.REFERRALS_SENT, *f.REFERRAL_OUTCOMES)
        referral_rows = [
            RowView(
                label(o),
                tuple(self.get(ind, ALL, "organisation_type", o.value) for ind in outcome_columns),
            )
            for o in OrganisationType
        ]
        referral_rows.append(
            RowView(_("All referrals"), tuple(self.get(ind) for ind in outcome_columns), total=True)
        )
        referrals = TableView(
            "referrals",
            _("Referrals by partner and outcome"),
            (_("Sent"), _("Awaiting reply"), _("Accepted"), _("Declined"), _("Completed")),
            tuple(referral_rows),
            _("Referrals sent in the period, with their outcome as recorded today."),
        )
        return SectionView(
            "activity",
            _("Activity"),
            _("Meetings with clients, child visits and referrals to partner organisations."),
            (meetings, visits, children, referrals),
        )

    def needs(self) -> SectionView:
        domains = [(d.value, label(d)) for d in NeedDomain]
        identified = self.breakdown(
            "needs_identified",
            _("Needs identified"),
            f.NEEDS_IDENTIFIED,
            "need_domain",
            domains,
            _("All needs identified"),
            all_label=_("All cases"),
        )
        met = self.breakdown(
            "needs_met",
            _("Needs met"),
            f.NEEDS_MET,
            "need_domain",
            domains,
            _("All needs met"),
            all_label=_("All cases"),
        )
        chart = ChartView(
            ChartKind.BARS,
            _("Needs identified and met, all cases"),
            tuple(text for _, text in domains),
            (
                (_("Identified"), tuple(r.cells[-1] for r in identified.rows[:-1])),
                (_("Met"), tuple(r.cells[-1] for r in met.rows[:-1])),
            ),
        )
        met = TableView(met.id, met.title, met.columns, met.rows, met.note, chart)
        release = CaseKind.RELEASE_SUPPORT.value
        share = self.cell(self.s.get(f.RELEASE_PLAN_SHARE, release), percent=True)
        plans = TableView(
            "release_plans",
            _("Release planning"),
            (_("Clients"),),
            (
                RowView(
                    _("Clients released in the period"), (self.get(f.CLIENTS_RELEASED, release),)
                ),
                RowView(
                    ngettext(
                        "with a plan started at least {n} day before release",
                        "with a plan started at least {n} days before release",
                        PLAN_LEAD_DAYS,
                    ).format(n=PLAN_LEAD_DAYS),
                    (self.get(f.RELEASED_WITH_PLAN, release),),
                    indent=True,
                ),
                RowView(
                    _("without such a plan"),
                    (self.get(f.RELEASED_WITHOUT_PLAN, release),),
                    indent=True,
                ),
                RowView(_("Share with an early plan"), (share,), total=True),
            ),
            _("Release-support clients whose actual release date falls in the period."),
        )
        return SectionView(
            "needs",
            _("Needs and release planning"),
            _(
                "Needs counted when they were identified and when they were met; each need "
                "counts, so one client can have several."
            ),
            (identified, met, plans),
        )

    def foreign(self) -> SectionView:
        interpreters = self.breakdown(
            "interpreters",
            _("Clients needing an interpreter, by language group"),
            f.CLIENTS_NEEDING_INTERPRETER,
            "language_group",
            [(g.value, language_group_label(g)) for g in LanguageGroup],
            _("All clients needing an interpreter"),
            all_label=_("All clients"),
            note=_("By the first language listed for the client."),
        )
        consular_rows = [
            RowView(label(o), (self.get(f.CONSULAR_CONTACTS, ALL, "consular_outcome", o.value),))
            for o in ConsularOutcome
        ]
        consular_rows.append(
            RowView(_("All consular contacts"), (self.get(f.CONSULAR_CONTACTS),), total=True)
        )
        consular = TableView(
            "consular", _("Consular contacts by outcome"), (_("Contacts"),), tuple(consular_rows)
        )
        discrimination = TableView(
            "discrimination",
            _("Discrimination"),
            (_("Reports"),),
            (RowView(_("Discrimination reports recorded"), (self.get(f.DISCRIMINATION_REPORTS),)),),
        )
        return SectionView(
            "foreign",
            _("Foreign-inmate indicators"),
            _("Language needs, contact with consulates and reports of discrimination."),
            (interpreters, consular, discrimination),
        )

    # overview -------------------------------------------------------------------------
    def headlines(self) -> tuple[Headline, ...]:
        release = CaseKind.RELEASE_SUPPORT.value
        return (
            Headline(_("Clients served"), self.get(f.CLIENTS_SERVED)),
            Headline(_("New cases"), self.get(f.CASES_OPENED)),
            Headline(_("Cases closed"), self.get(f.CASES_CLOSED)),
            Headline(_("Open cases at the end"), self.get(f.CASES_OPEN_AT_END)),
            Headline(_("Meetings"), self.get(f.MEETINGS)),
            Headline(_("Hours of meetings"), self.get(f.MEETING_HOURS)),
            Headline(_("Child visits held"), self.get(f.CHILD_VISITS_HELD)),
            Headline(_("Referrals sent"), self.get(f.REFERRALS_SENT)),
            Headline(_("Needs met"), self.get(f.NEEDS_MET)),
            Headline(
                _("Released clients with an early plan"),
                self.cell(self.s.get(f.RELEASE_PLAN_SHARE, release), percent=True),
            ),
        )

    def trend(self) -> TableView | None:
        quarters = self.s.trend
        if not quarters:
            return None
        names = {
            f.CLIENTS_SERVED: _("Clients served"),
            f.CASES_OPENED: _("New cases"),
            f.CASES_CLOSED: _("Cases closed"),
            f.CASES_OPEN_AT_END: _("Open cases at the end"),
            f.MEETINGS: _("Meetings"),
            f.CHILD_VISITS_HELD: _("Child visits held"),
            f.REFERRALS_SENT: _("Referrals sent"),
            f.NEEDS_MET: _("Needs met"),
        }
        rows = tuple(
            RowView(names[ind], tuple(self.cell(self.s.get(ind, period=q)) for q in quarters))
            for ind in f.TREND_INDICATORS
        )
        columns = tuple(short_quarter(q, self.lang) for q in quarters)
        charted = (f.CLIENTS_SERVED, f.CASES_OPEN_AT_END, f.CASES_OPENED, f.CASES_CLOSED)
        chart = ChartView(
            ChartKind.LINES,
            _("The last four quarters"),
            columns,
            tuple((names[ind], rows[f.TREND_INDICATORS.index(ind)].cells) for ind in charted),
        )
        return TableView("trend", _("Trend over four quarters"), columns, rows, chart=chart)


def _close_reasons() -> list[tuple[str, str]]:
    found = [(r.value, label(r)) for r in CloseReason]
    found.append((f.NOT_RECORDED, _("Reason not recorded")))
    return found


_AGE_BAND_LABELS = {
    "under_18": N_("Under 18"),
    "18_24": N_("18–24"),
    "25_34": N_("25–34"),
    "35_44": N_("35–44"),
    "45_54": N_("45–54"),
    "55_plus": N_("55 and over"),
    "unknown": N_("Age not known"),
}


def _age_bands(codes: Sequence[str]) -> list[tuple[str, str]]:
    """Labels of the report's age bands (small ones merged: see :mod:`.merging`)."""
    found = []
    for code in codes:
        if code in _AGE_BAND_LABELS:
            found.append((code, _(_AGE_BAND_LABELS[code])))
            continue
        ages = band_ages(code)
        assert ages is not None
        low, high = ages
        if low is None:
            text = _("Under {age}").format(age=(high or 0) + 1)
        elif high is None:
            text = _("{age} and over").format(age=low)
        else:
            text = _("{low}–{high}").format(low=low, high=high)
        found.append((code, text))
    return found


def _regions(codes: Sequence[str]) -> list[tuple[str, str]]:
    """Labels of the report's regions; merged ones list their regions."""
    return [
        (code, ", ".join(region_label(Region(r)) for r in code.split(REGION_JOIN)))
        for code in codes
    ]


def build_view(summary: Summary, language: str, *, today: date | None = None) -> ReportView:
    """Everything a reader sees, in ``language`` (this thread only; the UI keeps its own)."""
    with thread_language(language):
        b = _Builder(summary, language)
        p = summary.period
        loc = locale_for(language)
        title = (
            _("Quarterly summary") if p.kind == PeriodKind.QUARTER else _("Summary for the period")
        )
        return ReportView(
            language=language,
            title=title,
            period_label=period_label(p, language),
            period_dates=format_interval(p.start, p.end, "yMMMd", locale=loc),
            organisation=summary.organisation,
            produced_on=format_date(today or summary.produced_on, "long", locale=loc),
            threshold=summary.threshold,
            headlines=b.headlines(),
            trend=b.trend(),
            sections=(b.caseload(), b.clients(), b.activity(), b.needs(), b.foreign()),
            methodology=methodology(summary),
            legend=_legend(summary),
        )
