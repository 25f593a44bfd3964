"""Admin → Clients' rights: a person's data (subject access pack), erasure with a preview
and two confirmations, and the retention review (:mod:`.admin_retention`).

Receipts of erasures and anonymisations appear in the text box below, with "Save receipt…":
they say what was removed, never the removed data.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.features.people.services import people
from app.features.privacy.services import erasure, subject_access
from app.features.privacy.services.subject_access_pack import place_words
from app.features.privacy.ui.retention_page import RetentionBox
from app.kernel.errors import HomewardError
from app.kernel.i18n import N_, _, current_language
from app.kernel.i18n_names import country_name
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.validation import SEARCH_TEXT_MAX
from app.ui_kit import export_folder
from app.ui_kit.operations import ChangeBus, Operations, describe
from app.ui_kit.progress import JobState, ProgressPanel, run_job
from app.ui_kit.tables import Column, ListTable
from app.ui_kit.widgets import fit_placeholder, show_date, warn

REVIEW_REASONS = {
    "family_member": lambda: _("a family member"),
    "other_person": lambda: _("another person"),
    "name_in_text": lambda: _("a name in the text"),
}


def _born(person: people.PersonRow) -> str:
    if person.birth_date:
        return show_date(person.birth_date)
    return str(person.birth_year_estimate) if person.birth_year_estimate else ""


PEOPLE_COLUMNS: tuple[Column[people.PersonRow], ...] = (
    Column(N_("Name"), lambda r: f"{r.given_name} {r.family_name}".strip(), stretch=True),
    Column(N_("Born"), _born),
    Column(N_("Nationality"), lambda r: country_name(r.nationality) if r.nationality else ""),
)


def _fold_name(text: str) -> str:
    return " ".join(text.casefold().split())


class ErasureConfirmDialog(QDialog):
    """The first confirmation: everything the erasure removes, listed."""

    def __init__(self, parent: QWidget | None, preview: erasure.ErasurePreview) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Erase {name}?").format(name=preview.person.name))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Erasing cannot be undone. This will go:")))
        text = QPlainTextEdit(erasure_summary(preview))
        text.setReadOnly(True)
        text.setAccessibleName(_("What will be erased"))
        text.setMinimumSize(460, 260)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = buttons.addButton(_("Continue…"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, preview: erasure.ErasurePreview) -> bool:
        return cls(parent, preview).exec() == QDialog.DialogCode.Accepted


def erasure_summary(preview: erasure.ErasurePreview) -> str:
    person = preview.person
    lines = [
        _("{name} (born {birth})").format(name=person.name, birth=person.birth)
        if person.birth
        else person.name
    ]
    if preview.also_erased:
        lines += ["", _("Relatives linked to nobody else, erased too:")]
        lines += [
            f"  - {p.name}" + (f" ({p.birth})" if p.birth else "") for p in preview.also_erased
        ]
    if preview.cases:
        lines += [
            "",
            _("Cases kept only as anonymous counting stubs:"),
            "  " + ", ".join(preview.cases),
        ]
    lines += ["", _("Removed or emptied:")]
    lines += ["  - " + erasure.count_label(table, n) for table, n in preview.counts if n]
    if preview.mentions:
        lines.append("  - " + erasure.count_label("mentions", preview.mentions))
    return "\n".join(lines)


class RightsTab(QWidget):
    def __init__(self, ctx: ServiceContext, ops: Operations, bus: ChangeBus) -> None:
        super().__init__()
        self.ctx, self.ops, self.bus = ctx, ops, bus
        self._receipt: tuple[erasure.Receipt, str] | None = None
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._person_box())
        self.retention = RetentionBox(ctx, ops, bus, self)
        splitter.addWidget(self.retention)
        splitter.setSizes([500, 600])
        layout.addWidget(splitter, 1)
        self.progress = ProgressPanel()
        layout.addWidget(self.progress)
        row = QHBoxLayout()
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setAccessibleName(_("Result"))
        self.output.setPlaceholderText(
            _("Where packs were written, and receipts of erasures, appear here.")
        )
        self.output.setMaximumHeight(170)
        row.addWidget(self.output, 1)
        self.save_receipt_button = QPushButton(_("Save receipt…"))
        self.save_receipt_button.setEnabled(False)
        row.addWidget(self.save_receipt_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.save_receipt_button.clicked.connect(self.save_receipt)

    # -- finding a person --

    def _person_box(self) -> QGroupBox:
        box = QGroupBox(_("A person's data"))
        column = QVBoxLayout(box)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Find a person: type part of a name"))
        self.search.setAccessibleName(_("Find a person"))
        self.search.setMaxLength(SEARCH_TEXT_MAX)
        self.search.setClearButtonEnabled(True)
        fit_placeholder(self.search)
        column.addWidget(self.search)
        self.people: ListTable[people.PersonRow] = ListTable(
            PEOPLE_COLUMNS, _("Nobody found."), _("People")
        )
        column.addWidget(self.people, 1)
        buttons = QHBoxLayout()
        self.pack_button = QPushButton(_("Subject access pack…"))
        self.pack_button.setToolTip(_("Everything held about the person, as PDF and JSON"))
        self.erase_button = QPushButton(_("Erase this person…"))
        buttons.addWidget(self.pack_button)
        buttons.addWidget(self.erase_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.search.textChanged.connect(self._find)
        self.pack_button.clicked.connect(self.write_pack)
        self.erase_button.clicked.connect(self.erase)
        return box

    def _find(self, _text: str = "") -> None:
        ctx, text = self.ctx, self.search.text().strip()
        self.ops.run(
            lambda: people.list_people(ctx, text, limit=200), self._show_people, key="rights-find"
        )

    def _show_people(self, rows: list[people.PersonRow]) -> None:
        self.people.set_rows(rows)

    def _chosen(self) -> people.PersonRow | None:
        row = self.people.selected()
        if row is None:
            warn(self, _("Choose a person in the list first."))
        return row  # type: ignore[no-any-return]

    # -- subject access --

    def write_pack(self) -> None:
        person = self._chosen()
        if person is None or self.progress.running:
            return
        chosen = QFileDialog.getExistingDirectory(
            self, _("A folder for the subject access pack"), str(export_folder.export_folder())
        )
        if not chosen:
            return
        export_folder.remember(Path(chosen))
        ctx, folder, language, person_id = self.ctx, Path(chosen), current_language(), person.id

        def work(state: JobState) -> tuple[subject_access.SubjectAccessFiles, list[dict[str, str]]]:
            files = subject_access.write_subject_access_pack(
                ctx,
                person_id,
                folder,
                language=language,
                progress=state.progress,
                cancel=state.flag,
            )
            body = json.loads(files.json_path.read_text(encoding="utf-8"))
            return files, list(body.get("review_before_release", []))

        run_job(
            self.ops,
            self.progress,
            work,
            self._pack_written,
            self.show_failure,
            label=_("Writing the subject access pack…"),
        )

    def _pack_written(
        self, result: tuple[subject_access.SubjectAccessFiles, list[dict[str, str]]]
    ) -> None:
        files, review = result
        lines = [
            _("The subject access pack was written:"),
            f"  {files.pdf_path}",
            f"  {files.json_path}",
            "",
        ]
        if review:
            lines.append(
                _(
                    "Review before release: these hold other people's data. Remove or black "
                    "them out where the law requires it before giving the pack to the person."
                )
            )
            for item in review:
                reason = REVIEW_REASONS.get(item.get("reason", ""), lambda: "")()
                section, field = place_words(item.get("section", ""), item.get("field", ""))
                lines.append(
                    "  - "
                    + _("{section}, field “{field}”: {reason} ({name})").format(
                        section=section,
                        field=field,
                        reason=reason,
                        name=item.get("other_name", ""),
                    )
                )
        else:
            lines.append(_("Nothing to review: the pack names no other person."))
        self._show_text("\n".join(lines))

    # -- erasure --

    def erase(self) -> None:
        person = self._chosen()
        if person is None or self.progress.running:
            return
        ctx, person_id = self.ctx, person.id
        self.ops.run(
            lambda: erasure.preview_erasure(ctx, person_id),
            self._confirm_erasure,
            self.show_failure,
        )

    def _confirm_erasure(self, preview: erasure.ErasurePreview) -> None:
        if not ErasureConfirmDialog.ask(self, preview):
            return
        typed, ok = QInputDialog.getText(
            self,
            _("Confirm the erasure"),
            _("To erase, type the person's name exactly as shown: {name}").format(
                name=preview.person.name
            ),
        )
        if not ok:
            return
        if _fold_name(typed) != _fold_name(preview.person.name):
            warn(self, _("The name did not match; nothing was erased."))
            return
        ctx, person_id, token = self.ctx, preview.person.id, preview.token

        def work(state: JobState) -> tuple[erasure.Receipt, str]:
            receipt = erasure.erase_person(
                ctx, person_id, token=token, progress=state.progress, cancel=state.flag
            )
            return receipt, ws.organisation_name(ctx)

        run_job(self.ops, self.progress, work, self._erased, self.show_failure, label=_("Erasing…"))

    def _erased(self, result: tuple[erasure.Receipt, str]) -> None:
        self.show_receipt(*result)
        self._find()

    def show_receipt(self, receipt: erasure.Receipt, organisation: str) -> None:
        self._show_text(erasure.receipt_text(receipt, organisation))
        self._receipt = (receipt, organisation)
        self.save_receipt_button.setEnabled(True)

    def save_receipt(self) -> None:
        if self._receipt is None:
            return
        receipt, organisation = self._receipt
        name = f"receipt-{receipt.action}-{receipt.occurred_at:%Y%m%d-%H%M}.txt"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the receipt"), export_folder.suggested(name), _("Text files (*.txt)")
        )
        if not chosen:
            return
        export_folder.remember(Path(chosen))
        try:
            erasure.save_receipt(receipt, Path(chosen), organisation)
        except OSError:
            warn(self, _("The receipt could not be saved there. Choose another folder."))
            return
        self.output.appendPlainText("\n" + _("Saved to {path}").format(path=chosen))

    # -- shared --

    def _show_text(self, text: str) -> None:
        self._receipt = None
        self.save_receipt_button.setEnabled(False)
        self.output.setPlainText(text)

    def show_failure(self, exc: BaseException) -> None:
        self._show_text(str(exc) if isinstance(exc, HomewardError) else describe(exc))

    def reload(self) -> None:
        self._find()
        self.retention.reload()

    def clear(self) -> None:
        self.people.set_rows([])
        self.search.blockSignals(True)  # no search while the workspace locks
        self.search.clear()
        self.search.blockSignals(False)
        self._show_text("")
        self.retention.clear()
