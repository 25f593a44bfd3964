"""Screenshots of the same screens in every language, for the README and for checking layouts.

    .venv/bin/python tools/screenshots.py [--out docs/screenshots] [--width 1100]

Builds a demo workspace (300 cases, seed 1) in a temporary folder, signs in as the demo social
worker, and saves ``<lang>-<screen>.png`` for the sign-in window, the Today page, the case list
and one case (the one with the most meetings, needs and tasks). Runs offscreen; nothing is
written outside the output folder and the temporary folder, which is removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.demo.workspace import create_demo_workspace
from app.features.cases.services import case_list
from app.features.cases.services.case_file import CaseBundle
from app.features.cases.ui.case_view import CaseWorkspace, load_bundle
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from app.shell.signin import SignInWindow
from app.ui_kit import style
from app.ui_kit.language import apply_language
from app.ui_kit.operations import ChangeBus, SyncOperations

LANGUAGES = ("en", "nb", "ru", "ro")
SIZE = (1280, 800)
USER = "worker"

T = TypeVar("T", bound=QWidget)


def parse_args(doc: str, languages: Sequence[str] = ("en", "ru")) -> argparse.Namespace:
    """The options every screenshot tool takes: --out, --width, --languages."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--width", type=int, default=1100, help="scale wider images to this")
    parser.add_argument("--languages", nargs="*", default=list(languages))
    return parser.parse_args()


def start_app() -> tuple[SyncOperations, ChangeBus]:
    """The styled application, and operations that run at once (no worker thread)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("Homeward-screenshots")  # keep the user's own settings untouched
    style.apply(app)
    return SyncOperations(), ChangeBus()


@contextmanager
def demo_folder() -> Iterator[Path]:
    """A demo workspace (300 cases, seed 1) in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        created, _stats = create_demo_workspace(
            Path(tmp) / "demo", cases=300, seed=1, kdf_seconds=0
        )
        yield created.folder


@contextmanager
def signed_in(folder: Path, user: str) -> Iterator[ServiceContext]:
    """Signed in as one of the demo users; locked again afterwards."""
    ctx = ws.unlock(folder, user, "demo")
    try:
        yield ctx
    finally:
        ctx.lock()


@contextmanager
def main_window(
    ctx: ServiceContext, ops: SyncOperations, bus: ChangeBus, organisation: str
) -> Iterator[MainWindow]:
    """A main window at the screenshot size, shown; cleared and closed afterwards."""
    window = MainWindow(ctx, ops, bus, organisation=organisation)
    window.resize(*SIZE)
    window.show()
    try:
        yield window
    finally:
        window.clear()
        window.close()
        window.deleteLater()


def show_case_tab(window: MainWindow, case_id: uuid.UUID, tab_type: type[T]) -> T:
    """Open the case and bring its first tab of ``tab_type`` to the top."""
    window.open_case(case_id)
    workspace = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
    assert isinstance(workspace, CaseWorkspace)
    tab = next(
        widget
        for i in range(workspace.tabs.count())
        if isinstance(widget := workspace.tabs.widget(i), tab_type)
    )
    workspace.tabs.setCurrentWidget(tab)
    return tab


def save(widget: QWidget, path: Path, width: int) -> None:
    for _ in range(3):
        QCoreApplication.processEvents()
    image = widget.grab().toImage()
    if image.width() > width:
        image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise SystemExit(f"could not write {path}")
    print(path)


def busiest_case(ctx: ServiceContext) -> CaseBundle:
    rows = case_list.list_cases(ctx, case_list.CaseQuery(), limit=60)
    bundles = [load_bundle(ctx, row.id) for row in rows]
    return max(
        bundles,
        key=lambda b: (
            min(len(b.meetings), 6) + min(len(b.needs), 5) + min(len(b.tasks), 4),
            b.case.reference,
        ),
    )


def main() -> int:
    args = parse_args(__doc__, LANGUAGES)
    ops, bus = start_app()
    with demo_folder() as folder, signed_in(folder, USER) as ctx:
        organisation = ws.organisation_name(ctx)
        case = busiest_case(ctx).case
        for language in args.languages:
            apply_language(language)
            signin = SignInWindow(folder, ops)
            signin.username.setText(USER)
            signin.show()
            save(signin, args.out / f"{language}-signin.png", args.width)
            signin.close()
            with main_window(ctx, ops, bus, organisation) as window:
                window.show_page("today")
                save(window, args.out / f"{language}-today.png", args.width)
                window.show_page("cases")
                save(window, args.out / f"{language}-cases.png", args.width)
                workspace = window.pages["cases"].open_case(case.id)  # type: ignore[attr-defined]
                workspace.show_tab("meetings")
                save(window, args.out / f"{language}-case.png", args.width)
    return 0


if __name__ == "__main__":
    sys.exit(main())
