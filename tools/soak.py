"""`make soak`: the whole GUI with its real database thread, driven like a person for a while.

    .venv/bin/python tools/soak.py [--seconds N] [--seed S] [--offscreen]

The parent process builds a demo workspace (300 cases), starts a real X display (Xvfb with
the openbox window manager) when Xvfb is installed — offscreen otherwise — and runs the app
in a child process. The child drives the real windows with the real ``Operations`` thread:
sign in as each role, search, open cases, record meetings with non-Latin and emoji text,
switch pages and languages, lock (Ctrl+L) and unlock, until the time is up. Then it closes
as a person would (the backup on close included).

The parent then checks what a person would: the child did not crash (no signal, exit 0), and
the workspace holds exactly the meetings the child saw saved — each once, text intact.
Exit 0 only then. The log of a crash (Python's fault handler) is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MARK = "SOAK"
#: Summaries as workers type them: Norwegian, Russian, Romanian, Arabic, emoji.
TEXTS = (
    "Møtte klienten på Bredtveit; søknad om bolig sendt. 🙂",
    "Встреча после освобождения: документы, жильё, работа. Всё хорошо 👍",
    "Ștefan a vorbit cu familia; următoarea întâlnire marți. 🌱",
    "ناقشنا السكن والعمل بعد الإفراج ✅",
    "Plan: NAV-time onsdag 🗓️, kontakt med datteren 👨‍👧",
)
QUERIES = ("ola", "han", "HW-2026", "sen", "ива", "stefan", "ørjan", "berg", "a", "nils")


# -- the parent --------------------------------------------------------------------------


def start_display() -> tuple[dict[str, str], list[subprocess.Popen[bytes]]]:
    """A real X display with a window manager when Xvfb is there; offscreen otherwise."""
    env = dict(os.environ)
    if shutil.which("Xvfb") is None:
        env["QT_QPA_PLATFORM"] = "offscreen"
        return env, []
    for number in range(91, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            break
    display = f":{number}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            break
        time.sleep(0.05)
    env["DISPLAY"] = display
    env["QT_QPA_PLATFORM"] = "xcb"
    started = [xvfb]
    if shutil.which("openbox"):
        started.append(
            subprocess.Popen(
                ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
        time.sleep(0.3)
    return env, started


def count_meetings(folder: Path) -> dict[str, int]:
    """Each soak meeting's marker → how many times it is in the workspace."""
    from sqlalchemy import select

    from app.demo.workspace import DEMO_PASSWORD
    from app.models.cases import Meeting
    from app.services.workspace import unlock

    ctx = unlock(folder, "coordinator", DEMO_PASSWORD)
    try:
        with ctx.uow() as uow:
            found: dict[str, int] = {}
            for summary in uow.session.scalars(select(Meeting.summary)):
                if summary and summary.startswith(MARK):
                    key = summary.split(" ", 1)[0]
                    found[key] = found.get(key, 0) + 1
            return found
    finally:
        ctx.lock()


def parent(args: argparse.Namespace) -> int:
    from app.demo.workspace import create_demo_workspace

    work = Path(tempfile.mkdtemp(prefix="homeward-soak-"))
    folder = work / "workspace"
    logs = work / "logs"
    report = work / "report.json"
    started_at = time.monotonic()
    create_demo_workspace(folder, cases=300, seed=1, kdf_seconds=0.05)
    env, display = (
        (dict(os.environ, QT_QPA_PLATFORM="offscreen"), []) if args.offscreen else (start_display())
    )
    env["HOMEWARD_LOG_DIR"] = str(logs)
    env["HOMEWARD_STATE_DIR"] = str(work / "state")
    env["XDG_CONFIG_HOME"] = str(work / "config")
    env["PYTHONPATH"] = str(ROOT)
    platform = env.get("QT_QPA_PLATFORM", "")
    print(f"soak: {args.seconds:.0f} s on {platform} {env.get('DISPLAY', '')}".rstrip(), flush=True)
    try:
        child = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                str(folder),
                "--seconds",
                str(args.seconds),
                "--seed",
                str(args.seed),
                "--report",
                str(report),
            ],
            env=env,
            timeout=args.seconds + 300,
        )
    finally:
        for process in reversed(display):
            process.terminate()
            process.wait(timeout=10)
    failures: list[str] = []
    if child.returncode != 0:
        name = (
            signal.Signals(-child.returncode).name
            if child.returncode < 0
            else f"exit {child.returncode}"
        )
        failures.append(f"the app ended with {name}")
        faults = logs / "faults.log"
        if faults.exists():
            print(faults.read_text(encoding="utf-8")[-6000:], file=sys.stderr)
    result: dict[str, Any] = json.loads(report.read_text()) if report.exists() else {}
    saved = set(result.get("saved", []))
    stored = count_meetings(folder)
    missing = sorted(saved - set(stored))
    doubled = sorted(k for k, n in stored.items() if n > 1)
    unknown = sorted(set(stored) - saved)
    if missing:
        failures.append(f"{len(missing)} saved meetings are not in the workspace: {missing[:5]}")
    if doubled:
        failures.append(f"{len(doubled)} meetings are stored twice")
    if unknown:
        failures.append(f"{len(unknown)} meetings stored but never reported saved")
    actions = result.get("actions", {})
    print(
        f"soak: {sum(actions.values())} actions in {result.get('seconds', 0):.0f} s "
        f"({', '.join(f'{k} {v}' for k, v in sorted(actions.items()))}); "
        f"{len(saved)} meetings saved, {sum(stored.values())} in the workspace; "
        f"crashes: {0 if child.returncode == 0 else 1}; "
        f"unexpected dialogs: {result.get('unexpected', [])}; "
        f"whole run {time.monotonic() - started_at:.0f} s",
        flush=True,
    )
    for failure in failures + result.get("problems", []):
        print(f"soak: FAILED: {failure}", file=sys.stderr, flush=True)
    if not failures and not result.get("problems"):
        shutil.rmtree(work, ignore_errors=True)
        return 0
    print(f"soak: kept {work} for a look", file=sys.stderr)
    return 1


# -- the child: the app, driven ---------------------------------------------------------


def child(args: argparse.Namespace) -> int:
    from app.kernel.logs import configure_logging

    configure_logging()
    from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    from app.features.cases.ui.case_view import CaseWorkspace
    from app.features.cases.ui.record_dialogs import MeetingDialog
    from app.kernel.i18n import LANGUAGES, _
    from app.shell.main import Controller, application
    from app.ui_kit.operations import Operations

    app = application()
    ops = Operations()
    controller = Controller(Path(args.child), ops)
    controller.start()
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.seconds
    started = time.monotonic()
    state: dict[str, Any] = {
        "actions": {},
        "saved": [],
        "problems": [],
        "unexpected": [],
        "n": 0,
        "expect_modal": None,
    }

    def type_text(widget: Any, text: str) -> None:
        """Key presses carrying each character, as a keyboard with that layout sends them
        (QTest.keyClicks knows only ASCII)."""
        for char in text:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                )

    def count(action: str) -> None:
        state["actions"][action] = state["actions"].get(action, 0) + 1

    def problem(text: str) -> None:
        state["problems"].append(text)
        print(f"soak child: {text}", file=sys.stderr, flush=True)

    def wait_for(condition: Any, then: Any, what: str, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout

        def poll() -> None:
            if condition():
                then()
            elif time.monotonic() > end:
                problem(f"stalled waiting for {what}")
                QTimer.singleShot(0, step)
            else:
                QTimer.singleShot(40, poll)

        poll()

    def guard() -> None:
        """Answers any dialog the script did not ask for (e.g. an offer to continue a
        draft), so a surprise cannot stall the run; each is reported."""
        modal = QApplication.activeModalWidget()
        if modal is not None and not isinstance(modal, state["expect_modal"] or ()):
            state["unexpected"].append(type(modal).__name__)
            if isinstance(modal, QMessageBox):
                modal.reject()
            else:
                modal.close()
        QTimer.singleShot(700, guard)

    def finish() -> None:
        window = controller.window
        if window is not None:
            window.close()
        controller.shutdown()
        state["seconds"] = time.monotonic() - started
        Path(args.report).write_text(
            json.dumps(
                {k: state[k] for k in ("actions", "saved", "problems", "unexpected")}
                | {"seconds": state["seconds"]}
            )
        )
        app.quit()

    # -- actions --

    def sign_in() -> None:
        role = rng.choice(("coordinator", "worker", "volunteer"))
        signin = controller.signin
        signin.username.clear()
        type_text(signin.username, role)
        signin.password.clear()
        type_text(signin.password, "demo")
        QTest.keyClick(signin.password, Qt.Key.Key_Return)
        count(f"sign in as {role}")
        wait_for(
            lambda: controller.window is not None and controller.window.isVisible(),
            step,
            "the main window after signing in",
        )

    def cases_page() -> Any:
        window = controller.window
        return window.show_page("cases") if window is not None else None

    def search() -> None:
        page = cases_page()
        page.list.search.clear()
        type_text(page.list.search, rng.choice(QUERIES))
        count("search")
        QTimer.singleShot(400, step)

    def open_case() -> None:
        page = cases_page()
        if page.model.rowCount() == 0:
            page.list.search.clear()
            QTimer.singleShot(300, step)
            return
        row = rng.randrange(min(page.model.rowCount(), 30))
        page.list.table.setFocus()
        page.list.table.selectRow(row)
        QTest.keyClick(page.list.table, Qt.Key.Key_Return)
        count("open a case")
        wait_for(
            lambda: (
                isinstance(page.tabs.currentWidget(), CaseWorkspace)
                and page.tabs.currentWidget().bundle is not None
            ),
            step,
            "a case to open",
        )

    def record_meeting() -> None:
        page = cases_page()
        workspace = page.tabs.currentWidget()
        if not isinstance(workspace, CaseWorkspace) or workspace.bundle is None:
            open_case()
            return
        label = _("Record meeting…")
        button = next((b for b in workspace.findChildren(QPushButton) if b.text() == label), None)
        if button is None or not button.isEnabled():
            QTimer.singleShot(0, step)
            return
        state["n"] += 1
        key = f"{MARK}-{args.seed}-{state['n']}"
        text = rng.choice(TEXTS)

        def fill() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, MeetingDialog):
                QTimer.singleShot(50, fill)
                return
            dialog.summary.setFocus()
            type_text(dialog.summary, key + " ")
            dialog.summary.insertPlainText(text)  # emoji and Arabic, as a paste would bring
            dialog.wellbeing.setValue(rng.randint(1, 10))
            if dialog.kind.currentData() is None:  # custody says nothing: the worker chooses
                dialog.kind.setCurrentIndex(rng.randrange(1, dialog.kind.count()))
            if rng.random() < 0.3:
                type_text(dialog.follow_up, "Ring NAV / позвонить")
            dialog.accepted.connect(lambda: state["saved"].append(key))
            save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
            QTest.mouseClick(save, Qt.MouseButton.LeftButton)

        state["expect_modal"] = MeetingDialog
        QTimer.singleShot(30, fill)
        count("record a meeting")
        button.click()  # returns when the dialog closes
        state["expect_modal"] = None
        QTimer.singleShot(0, step)

    def switch_page() -> None:
        window = controller.window
        number = rng.randint(1, 4)
        QTest.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        count("switch page")
        QTimer.singleShot(250, step)

    def change_language() -> None:
        old = controller.window
        language = rng.choice([code for code in LANGUAGES if code != "en"] + ["en"])
        controller.change_language(language)
        count("switch language")
        wait_for(
            lambda: controller.window is not None and controller.window is not old,
            step,
            "the window in the new language",
        )

    def lock() -> None:
        QTest.keyClick(controller.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        count("lock")
        wait_for(
            lambda: controller.window is None and controller.signin.isVisible(),
            step,
            "the sign-in window after locking",
        )

    def step() -> None:
        if time.monotonic() > deadline:
            finish()
            return
        if controller.window is None:
            QTimer.singleShot(100, sign_in)
            return
        action = rng.choices(
            (search, open_case, record_meeting, switch_page, change_language, lock),
            weights=(30, 25, 30, 8, 3, 4),
        )[0]
        QTimer.singleShot(rng.randint(20, 200), action)

    QTimer.singleShot(200, step)
    QTimer.singleShot(700, guard)
    app.exec()
    ops.shutdown()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 600)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--offscreen", action="store_true", help="no X display even if Xvfb is there"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
