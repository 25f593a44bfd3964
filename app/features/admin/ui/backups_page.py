"""Admin → Backups: back up now, the list of backups, where and how many to keep, and
restoring a backup into a new folder (the workspace in use is never overwritten)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.features.admin.services import backup, restore
from app.features.admin.services import backup_files as bf
from app.kernel.errors import HomewardError
from app.kernel.i18n import N_, _
from app.kernel.i18n_formats import number
from app.services.context import ServiceContext
from app.ui_kit.operations import Operations, describe
from app.ui_kit.progress import JobState, ProgressPanel, run_job, set_primary_enabled
from app.ui_kit.tables import Column, ListTable
from app.ui_kit.widgets import show_datetime


def reason_label(reason: str) -> str:
    return {
        "manual": _("Made by hand"),
        "daily": _("Daily"),
        "on_close": _("On locking or closing"),
    }.get(reason, reason)


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{n} MB").format(n=number(size / (1024 * 1024), decimals=1))
    return _("{n} KB").format(n=number(max(1, size // 1024)))


def local_time(moment: datetime) -> datetime:
    """A backup's aware UTC time as this computer's local time (naive, for display)."""
    return moment.astimezone().replace(tzinfo=None)


BACKUP_COLUMNS: tuple[Column[bf.BackupInfo], ...] = (
    Column(N_("Made"), lambda b: show_datetime(local_time(b.created_at))),
    Column(N_("Why"), lambda b: reason_label(b.reason)),
    Column(N_("Size"), lambda b: size_text(b.size_bytes)),
    Column(N_("Records"), lambda b: number(b.rows)),
    Column(N_("Folder"), lambda b: b.name),
)


def _result_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class BackupsTab(QWidget):
    def __init__(self, ctx: ServiceContext, ops: Operations) -> None:
        super().__init__()
        self.ctx, self.ops = ctx, ops
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Homeward backs up this workspace every day while it is open and when you lock "
                "or close it. Every backup is checked before older ones are removed. Backups are "
                "encrypted: they open with the passwords of the day they were made, or the "
                "recovery code."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        bar = QHBoxLayout()
        self.backup_button = QPushButton(_("Back up now"))
        self.backup_button.setProperty("primary", True)
        bar.addWidget(self.backup_button)
        self.progress = ProgressPanel()
        bar.addWidget(self.progress, 1)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.result = _result_label()
        layout.addWidget(self.result)
        self.backups: ListTable[bf.BackupInfo] = ListTable(
            BACKUP_COLUMNS, _("No backups yet. Press “Back up now”."), _("Backups")
        )
        layout.addWidget(self.backups, 1)
        lower = QHBoxLayout()
        lower.addWidget(self._settings_box(), 1)
        lower.addWidget(self._restore_box(), 1)
        layout.addLayout(lower)
        self.backup_button.clicked.connect(self.back_up_now)

    # -- settings --

    def _settings_box(self) -> QGroupBox:
        box = QGroupBox(_("Where and how many"))
        form = QFormLayout(box)
        folder_row = QHBoxLayout()
        self.second_folder = QLineEdit()
        self.second_folder.setPlaceholderText(_("None (only beside the workspace)"))
        self.second_folder.setAccessibleName(_("Second backup folder"))
        choose = QPushButton(_("Choose…"))
        folder_row.addWidget(self.second_folder, 1)
        folder_row.addWidget(choose)
        form.addRow(_("Also copy to:"), folder_row)
        self.keep_daily = QSpinBox()
        self.keep_daily.setRange(1, 60)
        self.keep_daily.setAccessibleName(_("Daily backups to keep"))
        self.keep_weekly = QSpinBox()
        self.keep_weekly.setRange(0, 52)
        self.keep_weekly.setAccessibleName(_("Weekly backups to keep"))
        for spin in (self.keep_daily, self.keep_weekly):
            spin.setMaximumWidth(90)
        form.addRow(_("Daily backups to keep:"), self.keep_daily)
        form.addRow(_("Weekly backups to keep:"), self.keep_weekly)
        save = QPushButton(_("Save"))
        self.settings_message = _result_label()
        form.addRow(save, self.settings_message)
        choose.clicked.connect(self._choose_second)
        save.clicked.connect(self.save_settings)
        return box

    def _choose_second(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, _("A second folder for backups (a USB drive, a network share)")
        )
        if chosen:
            self.second_folder.setText(chosen)

    def save_settings(self) -> None:
        text = self.second_folder.text().strip()
        settings = backup.BackupSettings(
            Path(text) if text else None, self.keep_daily.value(), self.keep_weekly.value()
        )
        ctx = self.ctx
        self.ops.run(
            lambda: backup.set_backup_settings(ctx, settings),
            lambda _v: self.settings_message.setText(_("Saved.")),
            lambda exc: self.settings_message.setText(_message(exc)),
        )

    def _show_settings(self, settings: backup.BackupSettings) -> None:
        self.second_folder.setText(str(settings.second_folder or ""))
        self.keep_daily.setValue(settings.keep_daily)
        self.keep_weekly.setValue(settings.keep_weekly)

    # -- backup now --

    def back_up_now(self) -> None:
        if self.progress.running:
            return
        ctx = self.ctx

        def work(state: JobState) -> backup.BackupResult:
            return backup.create_backup(ctx, progress=state.progress, cancel=state.flag)

        set_primary_enabled(self.backup_button, False)
        self.result.setText("")
        run_job(
            self.ops,
            self.progress,
            work,
            self._backed_up,
            self._failed,
            label=_("Making a backup…"),
        )

    def _backed_up(self, result: backup.BackupResult) -> None:
        set_primary_enabled(self.backup_button, True)
        lines = [
            _("Backup made and checked: {path}").format(path=result.backup.path),
        ]
        if result.second_copy is not None:
            lines.append(_("Copied to {path}.").format(path=result.second_copy))
        if result.second_problem:
            lines.append(
                _("The second copy was not made: {reason}").format(reason=result.second_problem)
            )
        self.result.setText("\n".join(lines))
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        set_primary_enabled(self.backup_button, True)
        self.restore_button.setEnabled(True)
        self.result.setText(_message(exc))

    # -- restore --

    def _restore_box(self) -> QGroupBox:
        box = QGroupBox(_("Restore a backup"))
        column = QVBoxLayout(box)
        note = QLabel(
            _(
                "Restoring copies the chosen backup into a new, empty folder. The workspace you "
                "are using now is never overwritten or changed. Afterwards, open the new folder "
                "with Homeward and sign in with the passwords of the day of the backup (or the "
                "recovery code)."
            )
        )
        note.setWordWrap(True)
        column.addWidget(note)
        self.restore_button = QPushButton(_("Restore the chosen backup into a new folder…"))
        column.addWidget(self.restore_button)
        self.restore_message = _result_label()
        column.addWidget(self.restore_message)
        column.addStretch(1)
        self.restore_button.clicked.connect(self.restore_chosen)
        return box

    def restore_chosen(self) -> None:
        chosen = self.backups.selected()
        if not isinstance(chosen, bf.BackupInfo):
            QMessageBox.information(self, _("Homeward"), _("Choose a backup in the list first."))
            return
        target_text = QFileDialog.getExistingDirectory(
            self, _("An empty folder for the restored workspace")
        )
        if not target_text:
            return
        target = Path(target_text).resolve()
        live = self.ctx.paths.folder.resolve()
        if target == live or live in target.parents or target in live.parents:
            self.restore_message.setText(
                _("Choose a folder outside the workspace in use; it is never overwritten.")
            )
            return
        answer = QMessageBox.question(
            self,
            _("Restore a backup"),
            _(
                "Restore the backup of {when} into {folder}? The workspace in use stays as it is."
            ).format(when=show_datetime(local_time(chosen.created_at)), folder=target),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        source = chosen.path

        def work(state: JobState) -> restore.RestoredWorkspace:
            return restore.restore_backup(
                source, target, progress=state.progress, cancel=state.flag
            )

        self.restore_button.setEnabled(False)
        run_job(
            self.ops,
            self.progress,
            work,
            self._restored,
            self._restore_failed,
            label=_("Restoring…"),
        )

    def _restored(self, restored: restore.RestoredWorkspace) -> None:
        self.restore_button.setEnabled(True)
        self.restore_message.setText(
            _('Restored into {folder}. Open it with: homeward gui --workspace "{folder}"').format(
                folder=restored.folder
            )
        )

    def _restore_failed(self, exc: BaseException) -> None:
        self.restore_button.setEnabled(True)
        self.restore_message.setText(_message(exc))

    # -- loading --

    def reload(self) -> None:
        ctx = self.ctx
        folder = ctx.paths.backups
        self.ops.run(lambda: bf.list_backups(folder), self._show_backups, key="admin-backups")
        self.ops.run(lambda: backup.backup_settings(ctx), self._show_settings)

    def _show_backups(self, rows: list[bf.BackupInfo]) -> None:
        self.backups.set_rows(rows)

    def clear(self) -> None:
        self.backups.set_rows([])
        self.result.clear()
        self.restore_message.clear()


def _message(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, HomewardError) else describe(exc)
