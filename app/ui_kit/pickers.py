"""Choosing a country and languages by name, in the user's language.

The database keeps codes (ISO 3166 countries, ISO 639 languages); people see and type names,
listed in their own language's alphabetical order (:mod:`app.kernel.i18n_names`).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from app.kernel.i18n import _
from app.kernel.i18n_names import STATELESS, countries, language_list, language_name, languages
from app.services.validation import SEARCH_TEXT_MAX

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class CountryCombo(QComboBox):
    """Every country by name; type part of a name to jump to it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem(_("(not recorded)"), None)
        self.addItem(_("Stateless"), STATELESS)
        for code, name in countries():
            self.addItem(name, code)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None  # editable
        line.setPlaceholderText(_("Type part of the country's name"))
        line.editingFinished.connect(self._settle)
        self.setCurrentIndex(0)

    def _settle(self) -> None:
        """Typed text that names no country goes back to the chosen one."""
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
        self.setCurrentIndex(index if index >= 0 else self.currentIndex())
        self.setEditText(self.itemText(self.currentIndex()))

    def code(self) -> str | None:
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
        data = self.itemData(index if index >= 0 else self.currentIndex())
        return str(data) if data else None

    def set_code(self, code: str | None) -> None:
        index = self.findData(code) if code else 0
        if index < 0:  # an unusual stored code: keep it rather than lose it
            self.addItem(code or "", code)
            index = self.count() - 1
        self.setCurrentIndex(index)


class LanguagePicker(QWidget):
    """Tick the languages a person speaks; a filter box narrows the long list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Filter languages"))
        self.filter.setAccessibleName(_("Filter languages"))
        self.filter.setMaxLength(SEARCH_TEXT_MAX)
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.model = QStandardItemModel(self)
        for code, name in languages():
            self._add(code, name)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName(_("Languages"))
        self.list.setMinimumHeight(90)
        self.list.setMaximumHeight(110)
        layout.addWidget(self.list)
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.chosen.setObjectName("pickerSummary")
        layout.addWidget(self.chosen)
        self._order: list[str] = []
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.model.itemChanged.connect(self._changed)
        self._summarise()

    def _add(self, code: str, name: str) -> QStandardItem:
        item = QStandardItem(name)
        item.setData(code, CODE_ROLE)
        item.setCheckable(True)
        item.setEditable(False)
        self.model.appendRow(item)
        return item

    def _item(self, code: str) -> QStandardItem | None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item is not None and item.data(CODE_ROLE) == code:
                return item
        return None

    def _changed(self, item: QStandardItem) -> None:
        code = str(item.data(CODE_ROLE))
        if item.checkState() == Qt.CheckState.Checked and code not in self._order:
            self._order.append(code)
        elif item.checkState() != Qt.CheckState.Checked and code in self._order:
            self._order.remove(code)
        self._summarise()

    def _summarise(self) -> None:
        self.chosen.setText(
            _("Speaks: {languages}").format(languages=language_list(self._order))
            if self._order
            else _("No languages chosen.")
        )

    def codes(self) -> tuple[str, ...]:
        """The ticked languages, in the order they were ticked."""
        return tuple(self._order)

    def set_codes(self, codes: Iterable[str]) -> None:
        self._order = []
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item is not None:
                item.setCheckState(Qt.CheckState.Unchecked)
        for code in codes:
            item = self._item(code) or self._add(code, language_name(code))
            item.setCheckState(Qt.CheckState.Checked)
        self._summarise()
