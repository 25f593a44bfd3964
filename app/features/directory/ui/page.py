"""Admin → Directory: the institutions (prisons, probation offices…) cases and visits point at,
and the partner organisations referrals go to.

An institution's visiting information and child contact person are what the booking of a child
visit shows; a partner made inactive leaves the list for new referrals but keeps its name on
old ones. Saving announces "directory" on the change bus (and "cases" for an institution,
whose name case lists and headers show), so screens that offer these lists refresh.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.features.cases.ui.record_dialogs import enum_combo
from app.features.directory.services import directory
from app.kernel.i18n import N_, NC_, _, pgettext
from app.kernel.i18n_names import STATELESS, country_name
from app.kernel.labels import label
from app.models.enums import InstitutionKind, OrganisationType, SecurityLevel
from app.services.context import ServiceContext
from app.ui_kit.dialog_base import ServiceDialog, optional
from app.ui_kit.operations import ChangeBus, Operations, describe
from app.ui_kit.pickers import CountryCombo
from app.ui_kit.tables import Cell, Column, ListTable, elide
from app.ui_kit.widgets import warn

#: Text colour of a partner no longer in use.
INACTIVE_COLOUR = "#8a8a8a"
DEFAULT_COUNTRY = "NO"
RowT = TypeVar("RowT", directory.InstitutionRow, directory.OrganisationRow)


INSTITUTION_COLUMNS: tuple[Column[directory.InstitutionRow], ...] = (
    Column(
        NC_("institution or organisation", "Name"),
        lambda r: r.name,
        context="institution or organisation",
    ),
    Column(N_("Kind"), lambda r: label(r.kind)),
    Column(N_("Region"), lambda r: r.region or ""),
    Column(
        N_("Child contact person"),
        lambda r: ", ".join(p for p in (r.child_contact_name, r.child_contact_phone) if p),
    ),
    Column(N_("Visiting information"), lambda r: elide(r.visiting_info, 300)),
)


def _greyed(
    text: Callable[[directory.OrganisationRow], str],
) -> Callable[[directory.OrganisationRow], Cell]:
    """A partner no longer in use is listed in grey."""
    return lambda r: text(r) if r.active else (text(r), INACTIVE_COLOUR)


ORGANISATION_COLUMNS: tuple[Column[directory.OrganisationRow], ...] = (
    Column(
        NC_("institution or organisation", "Name"),
        _greyed(lambda r: r.name),
        stretch=True,
        context="institution or organisation",
    ),
    Column(N_("Type"), _greyed(lambda r: label(r.type))),
    Column(N_("Region"), _greyed(lambda r: r.region or "")),
    Column(N_("Country"), _greyed(lambda r: country_name(r.country))),
    Column(N_("Phone"), _greyed(lambda r: r.phone or "")),
    Column(N_("E-mail"), _greyed(lambda r: r.email or "")),
    Column(
        NC_("partner organisation", "Active"),
        _greyed(lambda r: _("Yes") if r.active else _("No")),
        context="partner organisation",
    ),
)


def country_combo() -> CountryCombo:
    """Countries only: a directory entry is always somewhere (no "not recorded", no
    "stateless")."""
    combo = CountryCombo()
    combo.removeItem(combo.findData(STATELESS))
    if combo.itemData(0) is None:
        combo.removeItem(0)
    return combo


def text_box(*, grows: bool) -> QPlainTextEdit:
    """A few lines of text: an address stays small; a box that ``grows`` takes the dialog's
    spare height (the other rows keep theirs)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    if grows:
        box.setMinimumHeight(90)
    else:  # fixed, or its row would take a share of the spare height as empty space
        box.setFixedHeight(60)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return box


def most_common_country(codes: Sequence[str]) -> str:
    """Where most entries are: the likeliest country of the next one."""
    return Counter(codes).most_common(1)[0][0] if codes else DEFAULT_COUNTRY


class _EntryDialog(ServiceDialog, Generic[RowT]):
    """What the two directory dialogs share: add or edit one entry with ``save_entry``."""

    #: The service that saves ``(ctx, data, entry_id)``; set by each dialog.
    save_entry: ClassVar[Callable[..., Any]]

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        existing: RowT | None,
        title: str,
    ) -> None:
        super().__init__(parent, ctx, ops, title)
        self.existing: RowT | None = existing
        self.base = existing

    def data(self) -> object:
        raise NotImplementedError

    def work(self) -> Callable[[], Any]:
        ctx, data, save, base = self.ctx, self.data(), type(self).save_entry, self.base
        entry_id: uuid.UUID | None = getattr(self.existing, "id", None)
        return lambda: save(ctx, data, entry_id, base=base)

    @classmethod
    def add(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, country: str
    ) -> RowT | None:
        return cls(parent, ctx, ops, None, country=country).run_modal()  # type: ignore[call-arg, no-any-return]

    @classmethod
    def edit(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, row: RowT
    ) -> RowT | None:
        return cls(parent, ctx, ops, row).run_modal()  # type: ignore[call-arg, no-any-return]


class InstitutionDialog(_EntryDialog[directory.InstitutionRow]):
    save_entry = staticmethod(directory.save_institution)

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        existing: directory.InstitutionRow | None = None,
        country: str = DEFAULT_COUNTRY,
    ) -> None:
        title = _("Edit institution") if existing else _("Add an institution")
        super().__init__(parent, ctx, ops, existing, title)
        f = self.form
        self.name = f.add("name", pgettext("institution or organisation", "&Name"), QLineEdit())
        self.kind = f.add("kind", _("&Kind"), enum_combo(InstitutionKind))
        self.security = f.add("security_level", _("&Security level"), enum_combo(SecurityLevel))
        self.country = f.add("country", _("Co&untry"), country_combo())
        self.region = f.add("region", _("&Region"), QLineEdit())
        self.address = f.add("address", _("&Address"), text_box(grows=False))
        self.phone = f.add("phone", _("P&hone"), QLineEdit())
        self.visiting = f.add("visiting_info", _("&Visiting information"), text_box(grows=True))
        self.visiting.setPlaceholderText(_("Visiting days and times, how to book, what to bring"))
        self.contact = f.add("child_contact_name", _("&Child contact person"), QLineEdit())
        self.contact_phone = f.add("child_contact_phone", _("Con&tact's phone"), QLineEdit())
        self.contact_email = f.add("child_contact_email", _("Contact's &e-mail"), QLineEdit())
        if existing is not None:
            self._fill(existing)
        else:
            self.security.setCurrentIndex(list(SecurityLevel).index(SecurityLevel.NOT_APPLICABLE))
            self.country.set_code(country)
        self.watch(
            self.name,
            self.kind,
            self.security,
            self.country,
            self.region,
            self.address,
            self.phone,
            self.visiting,
            self.contact,
            self.contact_phone,
            self.contact_email,
        )
        self.name.setFocus()
        self.resize(560, 600)

    def _fill(self, row: directory.InstitutionRow) -> None:
        self.name.setText(row.name)
        self.kind.setCurrentIndex(list(InstitutionKind).index(row.kind))
        self.security.setCurrentIndex(list(SecurityLevel).index(row.security_level))
        self.country.set_code(row.country)
        self.region.setText(row.region or "")
        self.address.setPlainText(row.address or "")
        self.phone.setText(row.phone or "")
        self.visiting.setPlainText(row.visiting_info or "")
        self.contact.setText(row.child_contact_name or "")
        self.contact_phone.setText(row.child_contact_phone or "")
        self.contact_email.setText(row.child_contact_email or "")

    def data(self) -> directory.InstitutionInput:
        return directory.InstitutionInput(
            name=self.name.text(),
            kind=self.kind.currentData(),
            security_level=self.security.currentData(),
            country=self.country.code() or "",
            region=optional(self.region.text()),
            address=optional(self.address.toPlainText()),
            phone=optional(self.phone.text()),
            visiting_info=optional(self.visiting.toPlainText()),
            child_contact_name=optional(self.contact.text()),
            child_contact_phone=optional(self.contact_phone.text()),
            child_contact_email=optional(self.contact_email.text()),
        )


class OrganisationDialog(_EntryDialog[directory.OrganisationRow]):
    save_entry = staticmethod(directory.save_organisation)

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        existing: directory.OrganisationRow | None = None,
        country: str = DEFAULT_COUNTRY,
    ) -> None:
        title = _("Edit partner organisation") if existing else _("Add a partner organisation")
        super().__init__(parent, ctx, ops, existing, title)
        f = self.form
        self.name = f.add("name", pgettext("institution or organisation", "&Name"), QLineEdit())
        self.type = f.add("type", _("&Type"), enum_combo(OrganisationType))
        self.country = f.add("country", _("Co&untry"), country_combo())
        self.region = f.add("region", _("&Region"), QLineEdit())
        self.phone = f.add("phone", _("P&hone"), QLineEdit())
        self.email = f.add("email", _("E-&mail"), QLineEdit())
        self.address = f.add("address", _("&Address"), text_box(grows=False))
        self.notes = f.add("notes", _("N&otes"), text_box(grows=True))
        self.notes.setPlaceholderText(_("Whom to ask for, what they need with a referral"))
        if existing is not None:
            self.name.setText(existing.name)
            self.type.setCurrentIndex(list(OrganisationType).index(existing.type))
            self.country.set_code(existing.country)
            for edit, value in (
                (self.region, existing.region),
                (self.phone, existing.phone),
                (self.email, existing.email),
            ):
                edit.setText(value or "")
            self.address.setPlainText(existing.address or "")
            self.notes.setPlainText(existing.notes or "")
        else:
            self.country.set_code(country)
        self.watch(
            self.name,
            self.type,
            self.country,
            self.region,
            self.phone,
            self.email,
            self.address,
            self.notes,
        )
        self.name.setFocus()
        self.resize(540, 460)

    def data(self) -> directory.OrganisationInput:
        return directory.OrganisationInput(
            name=self.name.text(),
            type=self.type.currentData(),
            country=self.country.code() or "",
            region=optional(self.region.text()),
            phone=optional(self.phone.text()),
            email=optional(self.email.text()),
            address=optional(self.address.toPlainText()),
            notes=optional(self.notes.toPlainText()),
        )


def _bar(*buttons: QWidget) -> QHBoxLayout:
    bar = QHBoxLayout()
    for button in buttons:
        bar.addWidget(button)
    bar.addStretch(1)
    return bar


def _select(table: ListTable[Any], ids: Sequence[uuid.UUID], entry_id: uuid.UUID | None) -> None:
    if entry_id in ids:
        table.table.selectRow(ids.index(entry_id))


class DirectoryTab(QWidget):
    def __init__(self, ctx: ServiceContext, ops: Operations, bus: ChangeBus) -> None:
        super().__init__()
        self.ctx, self.ops, self.bus = ctx, ops, bus
        self._chosen: uuid.UUID | None = None  # the entry to select once the lists are back
        self.institution_rows: list[directory.InstitutionRow] = []
        self.organisation_rows: list[directory.OrganisationRow] = []
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Institutions are offered when a case is opened and when a child visit is "
                "booked; partner organisations when a referral is made."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._institutions_box())
        splitter.addWidget(self._organisations_box())
        layout.addWidget(splitter, 1)

    # -- institutions --

    def _institutions_box(self) -> QGroupBox:
        box = QGroupBox(_("Institutions"))
        column = QVBoxLayout(box)
        self.add_institution_button = QPushButton(_("Add an institution…"))
        self.edit_institution_button = QPushButton(_("Edit…"))
        column.addLayout(_bar(self.add_institution_button, self.edit_institution_button))
        self.institutions: ListTable[directory.InstitutionRow] = ListTable(
            INSTITUTION_COLUMNS,
            _("No institutions yet. Add the prisons and offices your clients are in."),
            _("Institutions"),
        )
        # one line per institution: the visiting information is long (its tooltip shows all)
        self.institutions.table.setWordWrap(False)
        column.addWidget(self.institutions, 1)
        self.add_institution_button.clicked.connect(self.add_institution)
        self.edit_institution_button.clicked.connect(self.edit_institution)
        self.institutions.row_activated.connect(lambda row: self._open(self.edit_institution, row))
        return box

    def add_institution(self) -> None:
        country = most_common_country([r.country for r in self.institution_rows])
        self._saved(InstitutionDialog.add(self, self.ctx, self.ops, country))

    def edit_institution(self, row: object = None) -> None:
        chosen = row if row is not None else self.institutions.selected()
        if not isinstance(chosen, directory.InstitutionRow):
            warn(self, _("Choose an institution in the list first."))
            return
        self._saved(InstitutionDialog.edit(self, self.ctx, self.ops, chosen))

    def _show_institutions(self, rows: list[directory.InstitutionRow]) -> None:
        self.institution_rows = rows
        self.institutions.set_rows(rows)
        _select(self.institutions, [r.id for r in rows], self._chosen)

    # -- organisations --

    def _organisations_box(self) -> QGroupBox:
        box = QGroupBox(_("Partner organisations"))
        column = QVBoxLayout(box)
        self.add_organisation_button = QPushButton(_("Add a partner…"))
        self.edit_organisation_button = QPushButton(_("Edit…"))
        self.active_button = QPushButton(_("Deactivate"))
        self.active_button.setToolTip(
            _("An inactive partner is not offered for new referrals; old referrals keep it.")
        )
        self.show_inactive = QCheckBox(_("Show inactive partners"))
        column.addLayout(
            _bar(
                self.add_organisation_button,
                self.edit_organisation_button,
                self.active_button,
                self.show_inactive,
            )
        )
        self.organisations: ListTable[directory.OrganisationRow] = ListTable(
            ORGANISATION_COLUMNS, _("No partner organisations to show."), _("Partner organisations")
        )
        column.addWidget(self.organisations, 1)
        self.add_organisation_button.clicked.connect(self.add_organisation)
        self.edit_organisation_button.clicked.connect(self.edit_organisation)
        self.active_button.clicked.connect(self.toggle_active)
        self.show_inactive.toggled.connect(lambda _on: self.reload())
        self.organisations.row_activated.connect(
            lambda row: self._open(self.edit_organisation, row)
        )
        self.organisations.table.itemSelectionChanged.connect(self._name_active_button)
        return box

    def add_organisation(self) -> None:
        country = most_common_country([r.country for r in self.organisation_rows])
        self._saved(OrganisationDialog.add(self, self.ctx, self.ops, country))

    def _chosen_organisation(self, row: object = None) -> directory.OrganisationRow | None:
        chosen = row if row is not None else self.organisations.selected()
        if not isinstance(chosen, directory.OrganisationRow):
            warn(self, _("Choose a partner organisation in the list first."))
            return None
        return chosen

    def edit_organisation(self, row: object = None) -> None:
        chosen = self._chosen_organisation(row)
        if chosen is not None:
            self._saved(OrganisationDialog.edit(self, self.ctx, self.ops, chosen))

    def toggle_active(self) -> None:
        chosen = self._chosen_organisation()
        if chosen is None:
            return
        ctx, entry_id, active = self.ctx, chosen.id, not chosen.active
        self.ops.run(
            lambda: directory.set_organisation_active(ctx, entry_id, active),
            self._saved,
            lambda exc: warn(self, describe(exc)),
        )

    def _name_active_button(self) -> None:
        chosen = self.organisations.selected()
        inactive = isinstance(chosen, directory.OrganisationRow) and not chosen.active
        self.active_button.setText(_("Reactivate") if inactive else _("Deactivate"))

    def _show_organisations(self, rows: list[directory.OrganisationRow]) -> None:
        self.organisation_rows = rows
        self.organisations.set_rows(rows)
        _select(self.organisations, [r.id for r in rows], self._chosen)
        self._name_active_button()

    # -- shared --

    def _open(self, edit: Callable[[object], None], row: object) -> None:
        """Edit an activated row once the click that activated it is over (a modal dialog
        opened inside the click's handler would swallow the rest of the click)."""
        QTimer.singleShot(0, lambda: edit(row))

    def _saved(self, row: object) -> None:
        """After a dialog or a (de)activation: show the change (the service told the others)."""
        if row is None:  # the dialog was cancelled
            return
        self._chosen = getattr(row, "id", None)
        self.reload()

    def reload(self) -> None:
        ctx, inactive = self.ctx, self.show_inactive.isChecked()
        self.ops.run(
            lambda: directory.list_institutions(ctx),
            self._show_institutions,
            key="directory-institutions",
        )
        self.ops.run(
            lambda: directory.list_organisations(ctx, include_inactive=inactive),
            self._show_organisations,
            key="directory-organisations",
        )

    def clear(self) -> None:
        self._chosen = None
        self.institution_rows, self.organisation_rows = [], []
        self.institutions.set_rows([])
        self.organisations.set_rows([])
