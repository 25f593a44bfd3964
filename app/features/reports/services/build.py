"""A summary as people read it, in one language: :func:`build_view` puts the overview and
the sections (:mod:`.sections_clients`, :mod:`.sections_work`) together into the
:class:`~.layout.ReportView` that the preview and the PDF both draw. Pure: no database,
no context.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date, format_interval

from app.features.reports.services.cells import Cells
from app.features.reports.services.figures import Summary
from app.features.reports.services.layout import ReportView, locale_for, period_label
from app.features.reports.services.methodology import methodology
from app.features.reports.services.overview import headlines, trend
from app.features.reports.services.periods import PeriodKind
from app.features.reports.services.sections_clients import caseload, clients
from app.features.reports.services.sections_work import activity, foreign, needs
from app.kernel.i18n import _, thread_language


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


def build_view(summary: Summary, language: str, *, today: date | None = None) -> ReportView:
    """Everything a reader sees, in ``language`` (this thread only; the UI keeps its own)."""
    with thread_language(language):
        c = Cells(summary, language)
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
            headlines=headlines(c),
            trend=trend(c),
            sections=(caseload(c), clients(c), activity(c), needs(c), foreign(c)),
            methodology=methodology(summary),
            legend=_legend(summary),
        )
