"""The report's overview: the headline figures, and the trend over the last four quarters.
Pure: no database, no context.
"""

from __future__ import annotations

from app.features.reports.services import figures as f
from app.features.reports.services.cells import Cells
from app.features.reports.services.layout import (
    ChartKind,
    ChartView,
    Headline,
    RowView,
    TableView,
    short_quarter,
)
from app.kernel.i18n import _
from app.models.enums import CaseKind


def headlines(c: Cells) -> tuple[Headline, ...]:
    release = CaseKind.RELEASE_SUPPORT.value
    return (
        Headline(_("Clients served"), c.get(f.CLIENTS_SERVED)),
        Headline(_("New cases"), c.get(f.CASES_OPENED)),
        Headline(_("Cases closed"), c.get(f.CASES_CLOSED)),
        Headline(_("Open cases at the end"), c.get(f.CASES_OPEN_AT_END)),
        Headline(_("Meetings"), c.get(f.MEETINGS)),
        Headline(_("Hours of meetings"), c.get(f.MEETING_HOURS)),
        Headline(_("Child visits held"), c.get(f.CHILD_VISITS_HELD)),
        Headline(_("Referrals sent"), c.get(f.REFERRALS_SENT)),
        Headline(_("Needs met"), c.get(f.NEEDS_MET)),
        Headline(
            _("Released clients with an early plan"),
            c.cell(c.s.get(f.RELEASE_PLAN_SHARE, release), percent=True),
        ),
    )


def trend(c: Cells) -> TableView | None:
    quarters = c.s.trend
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
        RowView(names[ind], tuple(c.cell(c.s.get(ind, period=q)) for q in quarters))
        for ind in f.TREND_INDICATORS
    )
    columns = tuple(short_quarter(q, c.lang) for q in quarters)
    charted = (f.CLIENTS_SERVED, f.CASES_OPEN_AT_END, f.CASES_OPENED, f.CASES_CLOSED)
    chart = ChartView(
        ChartKind.LINES,
        _("The last four quarters"),
        columns,
        tuple((names[ind], rows[f.TREND_INDICATORS.index(ind)].cells) for ind in charted),
    )
    return TableView("trend", _("Trend over four quarters"), columns, rows, chart=chart)
