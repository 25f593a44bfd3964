"""Screenshots of child visits and foreign-inmate needs for the README: the visit calendar's
week view and a foreign-inmate case's tab.

    .venv/bin/python tools/visit_screenshots.py [--out docs/screenshots] [--languages en ru]

Builds a demo workspace (300 cases, seed 1) in a temporary folder, signs in as the demo
coordinator and saves ``<lang>-visit-calendar.png`` (the busiest of the next eight weeks) and
``<lang>-foreign-inmate.png`` (the open foreign-inmate case with the most records;
of those, one whose consent needs attention). Offscreen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from app.models.enums import CaseKind, CaseStatus
from app.services import cases, consent, foreign, visits
from app.services import workspace as ws
from app.services.demo_workspace import create_demo_workspace
from app.ui import style
from app.ui.case.workspace import CaseWorkspace
from app.ui.language import apply_language
from app.ui.main_window import MainWindow
from app.ui.operations import ChangeBus, SyncOperations
from app.ui.pages.visits import VisitsPage, week_start
from app.ui.workflows.foreign import ForeignTab
from tools.screenshots import SIZE, save


def busiest_week(ctx: ws.ServiceContext) -> date:
    start = week_start(date.today())
    weeks = [start + timedelta(days=7 * i) for i in range(8)]
    return max(
        weeks,
        key=lambda monday: len(visits.visit_calendar(ctx, monday, monday + timedelta(days=6))),
    )


def richest_foreign_case(ctx: ws.ServiceContext) -> cases.CaseRow:
    query = cases.CaseQuery(kinds=frozenset({CaseKind.FOREIGN_INMATE}))
    rows = [
        r
        for r in cases.list_cases(ctx, query, limit=200)
        if r.status in (CaseStatus.OPEN, CaseStatus.ACTIVE)
    ]

    def score(row: cases.CaseRow) -> tuple[int, int, str]:
        f = foreign.foreign_records(ctx, row.id)
        parts = (f.consular, f.immigration, f.family, f.discrimination)
        warned = not consent.consent_status(ctx, row.id).ok  # shows the header's warning
        return sum(min(len(p), 3) + bool(p) for p in parts), warned, row.reference

    return max(rows, key=score)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--languages", nargs="*", default=["en", "ru"])
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("Homeward-screenshots")
    style.apply(app)
    ops, bus = SyncOperations(), ChangeBus()
    with tempfile.TemporaryDirectory() as tmp:
        created, _stats = create_demo_workspace(
            Path(tmp) / "demo", cases=300, seed=1, kdf_seconds=0
        )
        ctx = ws.unlock(created.folder, "coordinator", "demo")
        try:
            organisation = ws.organisation_name(ctx)
            monday = busiest_week(ctx)
            case = richest_foreign_case(ctx)
            for language in args.languages:
                apply_language(language)
                window = MainWindow(ctx, ops, bus, organisation=organisation)
                window.resize(*SIZE)
                window.show()
                page = window.show_page("visits")
                assert isinstance(page, VisitsPage)
                page.show_week_of(monday)
                save(window, args.out / f"{language}-visit-calendar.png", args.width)
                window.open_case(case.id)
                workspace = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
                assert isinstance(workspace, CaseWorkspace)
                tab = next(
                    workspace.tabs.widget(i)
                    for i in range(workspace.tabs.count())
                    if isinstance(workspace.tabs.widget(i), ForeignTab)
                )
                workspace.tabs.setCurrentWidget(tab)
                save(window, args.out / f"{language}-foreign-inmate.png", args.width)
                window.clear()
                window.close()
                window.deleteLater()
        finally:
            ctx.lock()
    apply_language("en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
