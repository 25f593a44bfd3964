"""Add a user (coordinators): name, user name, role, language and a temporary password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.features.admin.services import users
from app.features.cases.ui.record_dialogs import enum_combo
from app.kernel.i18n import LANGUAGES, _, current_language
from app.models.enums import Role
from app.services.context import ServiceContext
from app.services.workspace import NewUser
from app.ui_kit.dialog_base import ServiceDialog
from app.ui_kit.language import LANGUAGE_NAMES, select_language
from app.ui_kit.operations import Operations


def _user_language_combo() -> QComboBox:
    """The languages a user can have (never the development pseudo-locale)."""
    combo = QComboBox()
    for code in LANGUAGES:
        combo.addItem(LANGUAGE_NAMES[code], code)
    select_language(combo, current_language())
    return combo


class NewUserDialog(ServiceDialog):
    def __init__(self, parent: QWidget | None, ctx: ServiceContext, ops: Operations) -> None:
        super().__init__(parent, ctx, ops, _("Add a user"))
        f = self.form
        self.display_name = f.add("display_name", _("Full &name"), QLineEdit())
        self.username = f.add("username", _("&User name"), QLineEdit())
        self.role = enum_combo(Role)
        self.role.setCurrentIndex(list(Role).index(Role.SOCIAL_WORKER))
        f.add("role", _("&Role"), self.role)
        self.language = _user_language_combo()
        f.add("language", _("&Language"), self.language)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        f.add("password", _("&Temporary password"), self.password)
        self.watch(self.display_name, self.username, self.role, self.password)

    def work(self) -> Callable[[], Any]:
        new = NewUser(
            username=self.username.text(),
            display_name=self.display_name.text(),
            role=self.role.currentData(),
            password=self.password.text(),
            language=self.language.currentData(),
        )
        ctx = self.ctx
        return lambda: users.add_user(ctx, new)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations) -> Any:
        return cls(parent, ctx, ops).run_modal()
