"""People: find anyone, see their details, family and cases; add people (duplicates warned)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.features.cases.services import case_list, relations
from app.features.cases.ui.record_dialogs import PersonDialog
from app.features.people.services import people
from app.kernel.changes import Topic
from app.kernel.i18n import N_, _
from app.kernel.i18n_names import country_name, language_list
from app.kernel.labels import label
from app.models.enums import RelationshipKind
from app.services.context import ServiceContext
from app.services.validation import SEARCH_TEXT_MAX
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page
from app.ui_kit.tables import Column, ListTable
from app.ui_kit.widgets import empty_state, show_date, title, warn

BATCH = 200
NAME, BORN, NATIONALITY = range(3)
PERSON_ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class PeopleModel(QAbstractTableModel):
    """People by family name, loaded lazily in batches off the GUI thread."""

    def __init__(self, ctx: ServiceContext, ops: Operations) -> None:
        super().__init__()
        self._ctx, self._ops = ctx, ops
        self._rows: list[people.PersonRow] = []
        self._text = ""
        self._more = False
        self._fetching = False
        self._generation = 0

    def set_text(self, text: str) -> None:
        self._text = text
        self._generation += 1
        generation, ctx = self._generation, self._ctx

        def done(rows: list[people.PersonRow]) -> None:
            if generation != self._generation:
                return
            self.beginResetModel()
            self._rows, self._more, self._fetching = rows, len(rows) == BATCH, False
            self.endResetModel()

        self._ops.run(
            lambda: people.list_people(ctx, text, limit=BATCH), done, key=f"people-{id(self)}"
        )

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, offset, text, ctx = self._generation, len(self._rows), self._text, self._ctx

        def done(rows: list[people.PersonRow]) -> None:
            if generation != self._generation or offset != len(self._rows):
                return
            self._more = len(rows) == BATCH
            if rows:
                self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
                self._rows.extend(rows)
                self.endInsertRows()
            self._fetching = False  # only now: views may ask for more during the insert

        self._ops.run(lambda: people.list_people(ctx, text, offset=offset, limit=BATCH), done)

    def clear(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._rows, self._more = [], False
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [_("Name"), _("Born"), _("Nationality")][section] if 0 <= section < 3 else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == NAME:
                return f"{row.family_name}, {row.given_name}"
            if index.column() == BORN:
                return (
                    show_date(row.birth_date)
                    if row.birth_date
                    else (f"~{row.birth_year_estimate}" if row.birth_year_estimate else "")
                )
            return country_name(row.nationality)
        if role == PERSON_ID_ROLE:
            return str(row.id)
        return None

    def person_id(self, row: int) -> uuid.UUID | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None


@dataclass(frozen=True)
class PersonBundle:
    person: people.PersonView
    relationships: list[relations.RelationshipView]
    cases: list[case_list.CaseRow]


FAMILY_COLUMNS: tuple[Column[relations.RelationshipView], ...] = (
    Column(N_("Name"), lambda r: r.other_name),
    Column(N_("Relation"), lambda r: label(r.kind)),
    Column(N_("Lives together"), lambda r: _("Yes") if r.lives_together else ""),
)
CASE_COLUMNS: tuple[Column[case_list.CaseRow], ...] = (
    Column(N_("Reference"), lambda c: c.reference),
    Column(N_("Kind"), lambda c: label(c.kind)),
    Column(N_("Status"), lambda c: label(c.status)),
)


class PersonPanel(QWidget):
    """One person's details, family and cases."""

    def __init__(self, page: PeoplePage) -> None:
        super().__init__()
        self.page = page
        self.bundle: PersonBundle | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # Nobody chosen: say so, rather than "no relatives" and "no cases" about no one.
        self.nobody = empty_state(_("Choose a person in the list to see their family and cases."))
        outer.addWidget(self.nobody, 1)
        self.content = QWidget()
        outer.addWidget(self.content, 1)
        layout = QVBoxLayout(self.content)
        self.name = QLabel()
        self.name.setObjectName("caseHeaderTitle")
        layout.addWidget(self.name)
        self.details = QLabel()
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        buttons = QHBoxLayout()
        self.edit = QPushButton(_("Edit…"))
        self.relate = QPushButton(_("Link a relative…"))
        buttons.addWidget(self.edit)
        buttons.addWidget(self.relate)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.family: ListTable[relations.RelationshipView] = ListTable(
            FAMILY_COLUMNS,
            _("No relatives linked. Use “Link a relative…” to add a child, partner or parent."),
            _("Family and relations"),
            key=lambda r: r.other_id,
        )
        self.cases: ListTable[case_list.CaseRow] = ListTable(
            CASE_COLUMNS, _("No cases for this person."), _("Cases"), key=lambda c: c.id
        )
        layout.addWidget(QLabel(_("Family and relations")))
        layout.addWidget(self.family, 1)
        layout.addWidget(QLabel(_("Cases")))
        layout.addWidget(self.cases, 1)
        self.edit.clicked.connect(self._edit)
        self.relate.clicked.connect(self._relate)
        self.cases.row_activated.connect(lambda case_id: page.navigator.open_case(case_id))
        self.family.row_activated.connect(lambda person_id: page.show_person(person_id))
        can_edit = not page.ctx.require_actor().is_volunteer
        self.edit.setVisible(can_edit)
        self.relate.setVisible(can_edit)
        self._chosen(False)

    def _chosen(self, anyone: bool) -> None:
        self.content.setVisible(anyone)
        self.nobody.setVisible(not anyone)

    def show_bundle(self, bundle: PersonBundle) -> None:
        self.bundle = bundle
        self._chosen(True)
        p = bundle.person
        self.name.setText(p.full_name)
        parts = [label(p.gender)]
        if p.birth_date:
            parts.append(_("born {date}").format(date=show_date(p.birth_date)))
        elif p.birth_year_estimate:
            parts.append(_("born about {year}").format(year=p.birth_year_estimate))
        if p.nationality:
            parts.append(country_name(p.nationality))
        if p.languages:
            parts.append(_("speaks {languages}").format(languages=language_list(p.languages)))
        if p.interpreter_needed:
            parts.append(_("needs an interpreter"))
        for value in (p.phone, p.email):
            if value:
                parts.append(value)
        self.details.setText(" · ".join(parts))
        self.family.set_rows(bundle.relationships)
        self.cases.set_rows(bundle.cases)

    def _edit(self) -> None:
        if self.bundle:
            PersonDialog.edit(self, self.page.ctx, self.page.ops, self.bundle.person)

    def _relate(self) -> None:
        if self.bundle is None:
            return
        from app.features.cases.ui.relation_dialog import RelationDialog

        RelationDialog.link(self, self.page.ctx, self.page.ops, self.bundle.person.id)

    def clear(self) -> None:
        self.bundle = None
        self.name.clear()
        self.details.clear()
        self.family.set_rows([])
        self.cases.set_rows([])
        self._chosen(False)


class PeoplePage(Page):
    topics = frozenset({Topic.PEOPLE, Topic.CASES})

    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__(ctx, ops, bus, navigator)
        layout = QVBoxLayout(self)
        layout.addWidget(title(_("People")))
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Type part of a name"))
        self.search.setAccessibleName(_("Search people"))
        self.search.setMaxLength(SEARCH_TEXT_MAX)
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        self.new_person = QPushButton(_("New person…"))
        self.new_person.setVisible(not self.ctx.require_actor().is_volunteer)
        bar.addWidget(self.new_person)
        layout.addLayout(bar)
        split = QSplitter()
        self.model = PeopleModel(self.ctx, self.ops)
        self.table = QTableView()
        self.table.setAccessibleName(_("People"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        split.addWidget(self.table)
        self.panel = PersonPanel(self)
        split.addWidget(self.panel)
        split.setSizes([420, 620])
        layout.addWidget(split, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(lambda: self.model.set_text(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.new_person.clicked.connect(self._new)
        self._relation_kinds = list(RelationshipKind)

    def reload(self) -> None:
        super().reload()
        self.model.set_text(self.search.text())
        if self.panel.bundle is not None:
            self.show_person(self.panel.bundle.person.id)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        person_id = self.model.person_id(current.row())
        if person_id is not None:
            self.show_person(person_id)

    def show_person(self, person_id: uuid.UUID) -> None:
        ctx = self.ctx

        def work() -> PersonBundle:
            return PersonBundle(
                people.get_person(ctx, person_id),
                relations.list_relationships(ctx, person_id),
                relations.person_cases(ctx, person_id),
            )

        self.ops.run(
            work, self.panel.show_bundle, lambda exc: warn(self, str(exc)), key="person-panel"
        )

    def _new(self) -> None:
        person = PersonDialog.new_person(self, self.ctx, self.ops)
        if person is not None:
            self.show_person(person.id)

    def save_state(self) -> object:
        bundle = self.panel.bundle
        return (self.search.text(), bundle.person.id if bundle else None)

    def restore_state(self, state: object) -> None:
        if not isinstance(state, tuple):
            return
        text, person_id = state
        self.search.setText(text)
        if person_id is not None:
            self.show_person(person_id)

    def clear(self) -> None:
        self.model.clear()
        self.search.clear()
        self._timer.stop()  # emptying the box is not a search (the workspace is locking)
        self.panel.clear()
