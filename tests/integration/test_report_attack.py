"""The 300-case demo (seed 1) under attack: four quarters of 2026 exported one after another
as CSV, then the year, read back by an attacker who holds them all (:mod:`tests.attacker`).

Issue 17 §2: from one quarter's CSV alone, linear programming used to pin 5–18 hidden cells
to their exact value and narrow 57–78 more below what "<5" says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.demo.workspace import DEMO_PASSWORD, create_demo_workspace
from app.features.reports.services import build, periods, service
from app.features.reports.services.figures import FigureKey, Summary
from app.features.reports.services.published import parse
from app.models import ExportRecord
from app.services import workspace as ws
from tests.attacker import Key, Shown, findings, read_csv

QUARTERS = [periods.quarter(2026, n) for n in (1, 2, 3, 4)]
YEAR = periods.year(2026)
K = 5


@dataclass
class Exported:
    csvs: dict[str, dict[Key, Shown]]
    year_before_export: Summary
    figure_sets: list[str]
    #: Every count's true value, from the export log (the test may know; the attacker not).
    truth: dict[Key, int]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    folder = tmp_path_factory.mktemp("attack") / "demo"
    create_demo_workspace(folder, cases=300, seed=1, kdf_seconds=0)
    out = folder.parent
    csvs: dict[str, dict[Key, Shown]] = {}
    with ws.unlock(folder, "coordinator", DEMO_PASSWORD) as ctx:
        for q in QUARTERS:
            result = service.export_csv(ctx, q, out / f"{q.code}.csv")
            csvs[q.code] = read_csv(result.path.read_bytes(), K)
        year = service.compute_summary(ctx, YEAR)
        result = service.export_csv(ctx, YEAR, out / f"{YEAR.code}.csv")
        csvs[YEAR.code] = read_csv(result.path.read_bytes(), K)
        with ctx.uow() as uow:
            sets = list(uow.session.scalars(select(ExportRecord.figure_set)))
    figure_sets = [s for s in sets if s is not None]
    truth = {
        (k.indicator, k.case_kind, k.dimension, k.category, k.period): n
        for text in figure_sets
        for k, (n, _status) in parse(text).cells.items()
    }
    yield Exported(csvs, year, figure_sets, truth)


@pytest.mark.parametrize("code", [*(q.code for q in QUARTERS), YEAR.code])
def test_one_report_alone_narrows_no_hidden_cell(exported: Exported, code: str) -> None:
    report = exported.csvs[code]
    assert any(s.status == "small" for s in report.values())
    found = findings([report])
    assert found["narrowed"] == [], found["narrowed"][:5]


def test_all_five_reports_together_give_nothing_away(exported: Exported) -> None:
    """The differencing attack (the year minus three quarters is the fourth), the trend's
    quarters against those quarters' own reports, and the caseload flowing from one quarter
    into the next — all at once. Every "<5" can still be each of 1 … 4, every "*" can still
    take values at least 5 apart (a "*" holding a small count: each of 1 … 4), no range shown
    can be narrowed — except what the quarters alone already tell of the year."""
    found = findings(list(exported.csvs.values()), exported.truth)
    narrowed = dict(found["narrowed"])
    # Only year figures may fall short, and only where the quarters already fix them that far
    # (two quarters' "<5" add up to at least 2): the year itself showing nothing at all, the
    # attacker knows exactly as much.
    assert {k[4] for k in narrowed} <= {YEAR.code}, narrowed
    hidden_year = {k: Shown(None, "secondary", K) for k in exported.csvs[YEAR.code]}
    quarters = [exported.csvs[q.code] for q in QUARTERS]
    baseline = findings([*quarters, hidden_year])["ranges"]

    def small_part(r: tuple[int, float]) -> tuple[int, float]:
        return r[0], min(r[1], K - 1)

    assert {k: small_part(baseline[k]) for k in narrowed} == {
        k: small_part(r) for k, r in narrowed.items()
    }
    # and none of them is pinned: each still spans at least k - 2 (one "<5"'s own spread)
    assert all(high - low >= K - 2 for low, high in narrowed.values()), narrowed
    assert len(narrowed) <= exported.year_before_export.beyond_reach


def test_a_range_says_only_what_the_quarters_already_fix(exported: Exported) -> None:
    """A year figure that the published quarters fix up to one quarter's "<5" is shown as
    that range (rather than a "*" that would promise values 5 apart). Shown as "*" instead,
    the attacker works out exactly the same range, and every other hidden cell's range is
    unchanged: the ranges add nothing to what the quarters published."""
    year = exported.csvs[YEAR.code]
    shown = {k: s.bounds for k, s in year.items() if s.status == "range"}
    assert shown, "the demo year has figures tied to its quarters"
    assert all(b is not None and 0 < b[1] - b[0] < K for b in shown.values()), shown
    assert exported.year_before_export.tied_to_earlier == len(shown)
    as_star = {
        k: Shown(None, "secondary", K) if s.status == "range" else s for k, s in year.items()
    }
    quarters = [exported.csvs[q.code] for q in QUARTERS]
    with_ranges = findings([*quarters, year])["ranges"]
    without = findings([*quarters, as_star])["ranges"]
    assert {k: without[k] for k in shown} == shown
    assert with_ranges == without


def test_the_year_hides_more_because_of_the_quarters_and_says_why(exported: Exported) -> None:
    year = exported.year_before_export
    assert set(year.earlier) == {q.code for q in QUARTERS}
    assert year.hidden_for_earlier > 0
    notes = [p for _, paragraphs in build.build_view(year, "en").methodology for p in paragraphs]
    assert any("2026-Q1" in p and "exported earlier" in p for p in notes)
    assert any("a year minus three of its quarters is the fourth" in p for p in notes)
    assert any("shown as a range" in p for p in notes)
    ru = [p for _, paragraphs in build.build_view(year, "ru").methodology for p in paragraphs]
    assert any("год минус три его квартала" in p for p in ru)


def test_every_export_records_what_it_published(exported: Exported) -> None:
    """The published values and the pattern of hidden cells can be read back from the log."""
    assert len(exported.figure_sets) == 5
    by_period = {parse(t).period.code: parse(t) for t in exported.figure_sets}
    assert set(by_period) == {q.code for q in QUARTERS} | {YEAR.code}
    for code in by_period:
        report = exported.csvs[code]
        assert by_period[code].threshold == K
        cells = by_period[code].cells
        for k, shown in report.items():
            value, status = cells[FigureKey(*k)]
            assert status.value == shown.status
            if shown.status == "published":
                assert value == shown.value
            if shown.status == "range":
                assert by_period[code].ranges[FigureKey(*k)] == shown.bounds


def test_small_age_bands_and_regions_are_merged_before_suppressing(exported: Exported) -> None:
    """Ages 18-24 and the regions Africa and Asia are too small in every report of 2026."""
    for report in exported.csvs.values():
        categories = {k[3] for k in report if k[2] in ("age_band", "region")}
        assert categories - _ORIGINAL, "a merged category"
        assert "18_24" not in categories and "africa" not in categories


_ORIGINAL = {
    "under_18",
    "18_24",
    "25_34",
    "35_44",
    "45_54",
    "55_plus",
    "unknown",
    "nordic",
    "other_eu_eea",
    "other_europe",
    "africa",
    "asia",
    "americas",
    "oceania",
    "stateless_or_unknown",
}
