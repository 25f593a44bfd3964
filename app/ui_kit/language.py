"""The user-interface language: our catalogue, Qt's own strings, and Qt's locale.

:func:`apply_language` is the one switch: it sets the gettext language, installs translators
for the text Qt draws itself (dialog buttons, the line-edit menu, the file dialog) and makes
Qt's default locale match, so calendars and spin boxes speak the same language.

Qt ships ``qtbase_ru.qm`` but no Bokmål (only Nynorsk, ``qtbase_nn``, which is a different
written language) and no Romanian. :class:`CatalogueTranslator` therefore answers the Qt
strings people actually meet from our own catalogue (see :data:`QT_STRINGS`), in every
language, and ``qtbase_<lang>.qm`` — where it exists — covers the rest.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QComboBox

from app.kernel.i18n import (
    LANGUAGES,
    NC_,
    PSEUDO_LANGUAGE,
    babel_locale,
    current_language,
    known_language,
    language_from_environment,
    pgettext,
    pseudo_enabled,
    set_language,
)
from app.ui_kit import preferences

#: Each language in its own name: a language menu is read by someone who may not know the
#: current one.
LANGUAGE_NAMES = {
    "en": "English",
    "nb": "Norsk bokmål",
    "ru": "Русский",
    "ro": "Română",
    PSEUDO_LANGUAGE: "Pseudo (xx)",
}
SETTINGS_KEY = preferences.LANGUAGE.key

#: Qt's own strings we translate ourselves: (Qt's translation context, Qt's source text).
QT_STRINGS: tuple[tuple[str, str], ...] = (
    ("QPlatformTheme", NC_("QPlatformTheme", "OK")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Save")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Save All")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Open")),
    ("QPlatformTheme", NC_("QPlatformTheme", "&Yes")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Yes to &All")),
    ("QPlatformTheme", NC_("QPlatformTheme", "&No")),
    ("QPlatformTheme", NC_("QPlatformTheme", "N&o to All")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Abort")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Retry")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Ignore")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Close")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Cancel")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Discard")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Help")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Apply")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Reset")),
    ("QPlatformTheme", NC_("QPlatformTheme", "Restore Defaults")),
    ("QLineEdit", NC_("QLineEdit", "&Undo")),
    ("QLineEdit", NC_("QLineEdit", "&Redo")),
    ("QLineEdit", NC_("QLineEdit", "Cu&t")),
    ("QLineEdit", NC_("QLineEdit", "&Copy")),
    ("QLineEdit", NC_("QLineEdit", "&Paste")),
    ("QLineEdit", NC_("QLineEdit", "Delete")),
    ("QLineEdit", NC_("QLineEdit", "Select All")),
    ("QWidgetTextControl", NC_("QWidgetTextControl", "&Undo")),
    ("QWidgetTextControl", NC_("QWidgetTextControl", "&Redo")),
    ("QWidgetTextControl", NC_("QWidgetTextControl", "Cu&t")),
    ("QWidgetTextControl", NC_("QWidgetTextControl", "&Copy")),
    ("QWidgetTextControl", NC_("QWidgetTextControl", "Copy &Link Location")),
    ("QWidgetTextControl", NC_("QWidgetTextControl", "&Paste")),
    ("QWidgetTextControl", NC_("QWidgetTextControl", "Delete")),
    ("QWidgetTextControl", NC_("QWidgetTextControl", "Select All")),
    ("QAbstractSpinBox", NC_("QAbstractSpinBox", "&Select All")),
    ("QAbstractSpinBox", NC_("QAbstractSpinBox", "&Step up")),
    ("QAbstractSpinBox", NC_("QAbstractSpinBox", "Step &down")),
    ("QMessageBox", NC_("QMessageBox", "Show Details...")),
    ("QMessageBox", NC_("QMessageBox", "Hide Details...")),
    ("QWizard", NC_("QWizard", "< &Back")),
    ("QWizard", NC_("QWizard", "&Next >")),
    ("QWizard", NC_("QWizard", "&Finish")),
    ("QWizard", NC_("QWizard", "Cancel")),
    ("QWizard", NC_("QWizard", "&Help")),
    ("QWizard", NC_("QWizard", "Commit")),
    ("QFileDialog", NC_("QFileDialog", "Look in:")),
    ("QFileDialog", NC_("QFileDialog", "File &name:")),
    ("QFileDialog", NC_("QFileDialog", "Files of type:")),
    ("QFileDialog", NC_("QFileDialog", "Directory:")),
    ("QFileDialog", NC_("QFileDialog", "&Open")),
    ("QFileDialog", NC_("QFileDialog", "&Save")),
    ("QFileDialog", NC_("QFileDialog", "&Choose")),
    ("QFileDialog", NC_("QFileDialog", "All Files (*)")),
    ("QFileDialog", NC_("QFileDialog", "Back")),
    ("QFileDialog", NC_("QFileDialog", "Forward")),
    ("QFileDialog", NC_("QFileDialog", "Parent Directory")),
    ("QFileDialog", NC_("QFileDialog", "Create New Folder")),
    ("QFileDialog", NC_("QFileDialog", "List View")),
    ("QFileDialog", NC_("QFileDialog", "Detail View")),
    ("QFileDialog", NC_("QFileDialog", "New Folder")),
    ("QFileDialog", NC_("QFileDialog", "&New Folder")),
    ("QFileDialog", NC_("QFileDialog", "&Rename")),
    ("QFileDialog", NC_("QFileDialog", "&Delete")),
    ("QFileDialog", NC_("QFileDialog", "Show &hidden files")),
    ("QFileDialog", NC_("QFileDialog", "Recent Places")),
    ("QFileDialog", NC_("QFileDialog", "Find Directory")),
    ("QFileDialog", NC_("QFileDialog", "Open")),
    ("QFileDialog", NC_("QFileDialog", "Save As")),
    ("QFileDialog", NC_("QFileDialog", "My Computer")),
    ("QFileDialog", NC_("QFileDialog", "Folder")),
    ("QFileDialog", NC_("QFileDialog", "File Folder")),
    ("QFileDialog", NC_("QFileDialog", "%1 already exists.\nDo you want to replace it?")),
    ("QFileDialog", NC_("QFileDialog", "Are you sure you want to delete '%1'?")),
    ("QFileSystemModel", NC_("QFileSystemModel", "Name")),
    ("QFileSystemModel", NC_("QFileSystemModel", "Size")),
    ("QFileSystemModel", NC_("QFileSystemModel", "Type")),
    ("QFileSystemModel", NC_("QFileSystemModel", "Date Modified")),
    ("QFileSystemModel", NC_("QFileSystemModel", "Computer")),
)
_KNOWN = frozenset(QT_STRINGS)


class CatalogueTranslator(QTranslator):
    """Answers :data:`QT_STRINGS` from Homeward's catalogue; anything else is left to the
    next translator (an empty answer means "not mine")."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        if (context, source) not in _KNOWN:
            return ""
        text = pgettext(context, source)
        return text if text != source else ""

    def isEmpty(self) -> bool:
        return False


_installed: list[QTranslator] = []


def qtbase_file(language: str) -> Path | None:
    """Qt's own translation of its strings for ``language``, if PySide6 ships one."""
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    path = folder / f"qtbase_{language}.qm"
    return path if path.is_file() else None


def _install_translators(language: str) -> None:
    app = QCoreApplication.instance()
    for translator in _installed:
        if app is not None:
            QCoreApplication.removeTranslator(translator)
    _installed.clear()
    if app is None or language == "en":
        return
    qtbase = qtbase_file(language)
    if qtbase is not None:
        translator = QTranslator(app)
        if translator.load(str(qtbase)):
            _installed.append(translator)
            QCoreApplication.installTranslator(translator)
    ours = CatalogueTranslator(app)
    _installed.append(ours)
    QCoreApplication.installTranslator(ours)  # installed last, so asked first


def apply_language(language: str) -> str:
    """Switch everything to ``language`` (English for an unknown one); returns the language
    actually used. Widgets already built keep their text: rebuild or retranslate them."""
    set_language(language)
    used = current_language()
    _install_translators(used)
    QLocale.setDefault(QLocale(babel_locale(used)))
    return used


def offered_languages() -> tuple[str, ...]:
    """What the language lists offer (the pseudo-locale only in development)."""
    return (*LANGUAGES, PSEUDO_LANGUAGE) if pseudo_enabled() else LANGUAGES


def language_combo() -> QComboBox:
    combo = QComboBox()
    for code in offered_languages():
        combo.addItem(LANGUAGE_NAMES[code], code)
    select_language(combo, current_language())
    return combo


def select_language(combo: QComboBox, language: str) -> None:
    """Show ``language`` in a combo without telling anyone (no signal)."""
    index = combo.findData(language)
    if index >= 0 and index != combo.currentIndex():
        blocked = combo.blockSignals(True)
        combo.setCurrentIndex(index)
        combo.blockSignals(blocked)


def remembered_language() -> str:
    """The language the sign-in window last used on this computer (harmless UI state), or
    the system's language if Homeward has it, or English."""
    saved = preferences.LANGUAGE.read()
    if saved is not None:
        return saved
    system = QLocale.system().name().split("_")[0]
    system = "nb" if system in ("no", "nn") else system
    return known_language(system if system in LANGUAGES else language_from_environment())


def remember_language(language: str) -> None:
    if language in LANGUAGES:
        preferences.LANGUAGE.write(language)
