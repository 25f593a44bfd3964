"""Screenshots of Admin → Directory (institutions and partner organisations) for the README.

    .venv/bin/python tools/directory_screenshots.py [--out docs/screenshots] [--languages en ru]

Builds a demo workspace (300 cases, seed 1) in a temporary folder, signs in as the demo
coordinator (the Admin page is theirs), makes one partner inactive so the greyed row shows,
and saves ``<lang>-directory.png`` with inactive partners shown. Offscreen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QAbstractItemView, QApplication

from app.demo.workspace import create_demo_workspace
from app.features.admin.ui.page import AdminPage
from app.features.directory.services import directory
from app.services import workspace as ws
from app.shell.main_window import MainWindow
from app.ui_kit import style
from app.ui_kit.language import apply_language
from app.ui_kit.operations import ChangeBus, SyncOperations
from tools.screenshots import SIZE, save

#: The demo partner shown as no longer in use.
RETIRED = "Fretex jobb og oppfølging"


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
            for row in directory.list_organisations(ctx):
                if row.name == RETIRED:
                    directory.set_organisation_active(ctx, row.id, False)
            for language in args.languages:
                apply_language(language)
                window = MainWindow(ctx, ops, bus, organisation=organisation)
                window.resize(*SIZE)
                window.show()
                page = window.show_page("admin")
                assert isinstance(page, AdminPage)
                page.tabs.setCurrentWidget(page.directory)
                tab = page.directory
                tab.show_inactive.setChecked(True)
                names = [r.name for r in tab.organisation_rows]
                table = tab.organisations.table
                centre = QAbstractItemView.ScrollHint.PositionAtCenter
                table.scrollTo(table.model().index(names.index(RETIRED), 0), centre)
                save(window, args.out / f"{language}-directory.png", args.width)
                window.clear()
                window.close()
                window.deleteLater()
        finally:
            ctx.lock()
    apply_language("en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
