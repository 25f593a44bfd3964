"""Screenshots of release support for the README: a case's release plan and the Releases page.

    .venv/bin/python tools/release_screenshots.py [--out docs/screenshots] [--languages en ru]

Builds a demo workspace (300 cases, seed 1) in a temporary folder and saves
``<lang>-release-plan.png`` (signed in as the demo social worker, on the release-support case
of theirs with the most plan progress) and ``<lang>-releases.png`` (as the coordinator, who
also sees clients without a mentor and the volunteers' capacity). Runs offscreen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from app.services import release_plans, releases
from app.services import workspace as ws
from app.services.demo_workspace import create_demo_workspace
from app.ui import style
from app.ui.case.workspace import CaseWorkspace
from app.ui.language import apply_language
from app.ui.main_window import MainWindow
from app.ui.operations import ChangeBus, SyncOperations
from app.ui.workflows.release import ReleasePlanTab
from tools.screenshots import SIZE, save


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
        for user, shot in (("worker", "release-plan"), ("coordinator", "releases")):
            ctx = ws.unlock(created.folder, user, "demo")
            try:
                organisation = ws.organisation_name(ctx)
                mine = [r for r in releases.upcoming_releases(ctx) if r.has_plan]
                plans = [p for r in mine if (p := release_plans.plan_for_case(ctx, r.case_id))]
                # one that shows everything: an overdue task, a long plan, some of it done
                best = max(
                    plans,
                    key=lambda p: (any(t.overdue for t in p.tasks), p.total, p.done, str(p.id)),
                )
                for language in args.languages:
                    apply_language(language)
                    window = MainWindow(ctx, ops, bus, organisation=organisation)
                    window.resize(*SIZE)
                    window.show()
                    if shot == "releases":
                        window.show_page("releases")
                    else:
                        window.open_case(best.case_id)
                        workspace = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
                        assert isinstance(workspace, CaseWorkspace)
                        tab = next(
                            workspace.tabs.widget(i)
                            for i in range(workspace.tabs.count())
                            if isinstance(workspace.tabs.widget(i), ReleasePlanTab)
                        )
                        workspace.tabs.setCurrentWidget(tab)
                    save(window, args.out / f"{language}-{shot}.png", args.width)
                    window.clear()
                    window.close()
                    window.deleteLater()
            finally:
                ctx.lock()
    apply_language("en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
