"""Choosing a language: at first run, on the sign-in window, and for the signed-in user —
who keeps their open cases, page and search when the window is rebuilt in the new language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QWizard

from app.demo.workspace import create_demo_workspace
from app.features.admin.services import users
from app.features.cases.services import case_list
from app.kernel.i18n import current_language
from app.services import workspace as ws
from app.shell.firstrun import FirstRunWizard
from app.shell.main import Controller
from app.ui_kit.language import apply_language, qtbase_file
from app.ui_kit.operations import SyncOperations


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    before = current_language()
    yield
    apply_language(before)


@pytest.fixture
def controller(qtbot: Any, tmp_path: Path) -> Iterator[Controller]:
    created, _stats = create_demo_workspace(tmp_path / "demo", cases=25, seed=5, kdf_seconds=0)
    apply_language("en")
    control = Controller(created.folder, SyncOperations())
    qtbot.addWidget(control.signin)
    yield control
    control.lock()
    control.shutdown()


def sign_in(control: Controller, name: str) -> None:
    control.signin.username.setText(name)
    control.signin.password.setText("demo")
    control.signin.try_sign_in()
    assert control.window is not None


def sidebar(control: Controller) -> list[str]:
    assert control.window is not None
    bar = control.window.sidebar
    return [bar.item(i).text() for i in range(bar.count())]


def test_switching_keeps_open_cases_page_and_search(qtbot: Any, controller: Controller) -> None:
    sign_in(controller, "coordinator")
    old = controller.window
    assert old is not None
    ctx = controller.ctx
    assert ctx is not None
    page: Any = old.show_page("cases")
    first, second = case_list.list_cases(ctx, case_list.CaseQuery(), limit=2)
    page.open_case(first.id)
    page.open_case(second.id).show_tab("needs")
    page.list.search.setText("a")

    controller.change_language("ru")

    window = controller.window
    assert window is not None and window is not old
    assert sidebar(controller)[:2] == ["Сегодня", "Случаи"]
    assert window.current_page() == "cases"
    rebuilt: Any = window.pages["cases"]
    open_cases = [rebuilt.tabs.widget(i) for i in range(1, rebuilt.tabs.count())]
    assert [w.case_id for w in open_cases] == [first.id, second.id]
    assert open_cases[1].current_tab() == "needs"
    assert rebuilt.tabs.currentWidget() is open_cases[1]
    assert rebuilt.list.search.text() == "a"
    # stored for the user, and the sign-in window speaks it after a lock
    assert ctx.require_actor().language == "ru"
    assert {u.username: u.language for u in users.list_users(ctx)}["coordinator"] == "ru"
    controller.lock()
    assert controller.signin.sign_in_button.text() == "Войти"


def test_switching_keeps_the_worker_filter(qtbot: Any, controller: Controller) -> None:
    sign_in(controller, "coordinator")
    old = controller.window
    assert old is not None
    page: Any = old.show_page("cases")
    worker = page.list.worker
    worker.setCurrentIndex(worker.count() - 1)
    chosen = worker.currentText()
    assert chosen != worker.itemText(0)

    controller.change_language("ru")

    window = controller.window
    assert window is not None and window is not old
    rebuilt: Any = window.pages["cases"]
    assert rebuilt.list.worker.currentText() == chosen


def test_language_picked_at_sign_in_becomes_the_users_own(
    qtbot: Any, controller: Controller
) -> None:
    combo = controller.signin.language
    combo.setCurrentIndex(combo.findData("nb"))
    assert controller.signin.sign_in_button.text() == "Logg inn"
    sign_in(controller, "worker")
    assert sidebar(controller)[0] == "I dag"
    ctx = controller.ctx
    assert ctx is not None and ctx.require_actor().language == "nb"


def test_a_user_without_a_choice_gets_their_stored_language(
    qtbot: Any, controller: Controller
) -> None:
    sign_in(controller, "volunteer")
    ctx = controller.ctx
    assert ctx is not None
    users.set_own_language(ctx, "ro")
    controller.lock()
    sign_in(controller, "volunteer")
    assert sidebar(controller)[0] == "Astăzi"


@pytest.mark.parametrize(
    ("language", "save", "cancel"),
    [("nb", "Lagre", "Avbryt"), ("ru", "Сохранить", "Отмена"), ("ro", "Salvați", "Anulați")],
)
def test_qt_standard_buttons_speak_the_language(
    qtbot: Any, language: str, save: str, cancel: str
) -> None:
    apply_language(language)
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == save
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == cancel


def test_qt_ships_russian_but_not_bokmal_or_romanian() -> None:
    # Why our own catalogue carries Qt's button texts: see app/ui_kit/language.py.
    assert qtbase_file("ru") is not None
    assert qtbase_file("nb") is None and qtbase_file("ro") is None


def test_first_run_switches_language_at_once_and_keeps_it(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_language("en")
    made: list[ws.NewUser] = []
    original = ws.create_workspace

    def create(folder: Path, *, organisation: str, admin: ws.NewUser) -> ws.CreatedWorkspace:
        made.append(admin)
        return original(folder, organisation=organisation, admin=admin, kdf_seconds=0)

    monkeypatch.setattr("app.shell.firstrun.ws.create_workspace", create)
    wizard = FirstRunWizard(tmp_path / "new", SyncOperations())
    qtbot.addWidget(wizard)
    wizard.show()
    combo = wizard.start.language
    combo.setCurrentIndex(combo.findData("ro"))
    assert wizard.start.create_new.text() == "Creați un spațiu de lucru pentru organizația mea"
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "Î&nainte >"
    assert wizard.organisation.form.labels["folder"].text() == "&Dosarul spațiului de lucru"
    wizard.organisation.organisation.setText("Org")
    account = wizard.account
    account.display_name.setText("Ana Pop")
    account.username.setText("ana")
    account.password.setText("correct horse battery")
    account.repeat.setText("correct horse battery")
    assert wizard._create_workspace()
    assert made[0].language == "ro"
