"""The report's first two sections: the caseload, and the clients served (by gender, age
and region). Pure: no database, no context.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.features.reports.services import figures as f
from app.features.reports.services.cells import Cells
from app.features.reports.services.layout import (
    ChartKind,
    ChartView,
    RowView,
    SectionView,
    TableView,
)
from app.features.reports.services.merging import REGION_JOIN, band_ages
from app.features.reports.services.regions import Region, region_label
from app.kernel.i18n import N_, _
from app.kernel.labels import label
from app.models.enums import CaseKind, CloseReason, Gender


def caseload(c: Cells) -> SectionView:
    rows = [
        RowView(_("Open at the start of the period"), c.by_kind(f.CASES_OPEN_AT_START)),
        RowView(_("Opened"), c.by_kind(f.CASES_OPENED)),
        RowView(_("Closed"), c.by_kind(f.CASES_CLOSED)),
    ]
    for cat, text in _close_reasons():
        rows.append(RowView(text, c.by_kind(f.CASES_CLOSED, "close_reason", cat), indent=True))
    rows.append(
        RowView(_("Open at the end of the period"), c.by_kind(f.CASES_OPEN_AT_END), total=True)
    )
    kinds = tuple(label(k) for k in CaseKind)
    chart = ChartView(
        ChartKind.BARS,
        _("Cases opened and closed, by kind of case"),
        kinds,
        (
            (_("Opened"), tuple(c.by_kind(f.CASES_OPENED)[:-1])),
            (_("Closed"), tuple(c.by_kind(f.CASES_CLOSED)[:-1])),
        ),
    )
    table = TableView(
        "caseload",
        _("Cases by kind"),
        c.kind_columns(_("All cases")),
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


def clients(c: Cells) -> SectionView:
    everyone = _("All clients")
    total = _("Clients served")
    tables = (
        c.breakdown(
            "clients_gender",
            _("Clients served by gender"),
            f.CLIENTS_SERVED,
            "gender",
            [(g.value, label(g)) for g in Gender],
            total,
            all_label=everyone,
        ),
        c.breakdown(
            "clients_age",
            _("Clients served by age"),
            f.CLIENTS_SERVED,
            "age_band",
            _age_bands(c.s.categories["age_band"]),
            total,
            all_label=everyone,
            chart_title=_("All clients by age"),
            note=_("Age in whole years on the last day of the period."),
        ),
        c.breakdown(
            "clients_region",
            _("Clients served by region of nationality"),
            f.CLIENTS_SERVED,
            "region",
            _regions(c.s.categories["region"]),
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
