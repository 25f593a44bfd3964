"""Screenshots of child visits and foreign-inmate needs for the README: the visit calendar's
week view and a foreign-inmate case's tab.

    .venv/bin/python tools/visit_screenshots.py [--out docs/screenshots] [--languages en ru]

Builds a demo workspace (300 cases, seed 1) in a temporary folder, signs in as the demo
coordinator and saves ``<lang>-visit-calendar.png`` (the busiest of the next eight weeks) and
``<lang>-foreign-inmate.png`` (the open foreign-inmate case with the most records;
of those, one whose consent needs attention). Offscreen.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.features.cases.services import case_list
from app.features.consent.services import consent
from app.features.foreign.services import foreign
from app.features.foreign.ui.foreign import ForeignTab
from app.features.visits.services import visit_queries
from app.features.visits.ui.page import VisitsPage, week_start
from app.models.enums import CaseKind, CaseStatus
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.ui_kit.language import apply_language
from tools.screenshots import (
    demo_folder,
    main_window,
    parse_args,
    save,
    show_case_tab,
    signed_in,
    start_app,
)


def busiest_week(ctx: ServiceContext) -> date:
    start = week_start(date.today())
    weeks = [start + timedelta(days=7 * i) for i in range(8)]
    return max(
        weeks,
        key=lambda monday: len(
            visit_queries.visit_calendar(ctx, monday, monday + timedelta(days=6))
        ),
    )


def richest_foreign_case(ctx: ServiceContext) -> case_list.CaseRow:
    query = case_list.CaseQuery(kinds=frozenset({CaseKind.FOREIGN_INMATE}))
    rows = [
        r
        for r in case_list.list_cases(ctx, query, limit=200)
        if r.status in (CaseStatus.OPEN, CaseStatus.ACTIVE)
    ]

    def score(row: case_list.CaseRow) -> tuple[int, int, str]:
        f = foreign.foreign_records(ctx, row.id)
        parts = (f.consular, f.immigration, f.family, f.discrimination)
        warned = not consent.consent_status(ctx, row.id).ok  # shows the header's warning
        return sum(min(len(p), 3) + bool(p) for p in parts), warned, row.reference

    return max(rows, key=score)


def main() -> int:
    args = parse_args(__doc__)
    ops, bus = start_app()
    with demo_folder() as folder, signed_in(folder, "coordinator") as ctx:
        organisation = ws.organisation_name(ctx)
        monday = busiest_week(ctx)
        case = richest_foreign_case(ctx)
        for language in args.languages:
            apply_language(language)
            with main_window(ctx, ops, bus, organisation) as window:
                page = window.show_page("visits")
                assert isinstance(page, VisitsPage)
                page.show_week_of(monday)
                save(window, args.out / f"{language}-visit-calendar.png", args.width)
                show_case_tab(window, case.id, ForeignTab)
                save(window, args.out / f"{language}-foreign-inmate.png", args.width)
    apply_language("en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
