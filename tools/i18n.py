"""Homeward's translation catalogues: extract → update → compile, and the checks the tests run.

Run from the repository root with the project's Python::

    .venv/bin/python tools/i18n.py extract   # app/**.py → translations/messages.pot
    .venv/bin/python tools/i18n.py update    # .pot → translations/<lang>/LC_MESSAGES/messages.po
    .venv/bin/python tools/i18n.py compile   # .po → app/locale/<lang>/LC_MESSAGES/messages.mo
    .venv/bin/python tools/i18n.py all       # the three in order (``make translations``)
    .venv/bin/python tools/i18n.py check     # what the catalogue tests check, as a report

Files are written only when a message changed (never for a new date alone), locations carry no
line numbers, and entries are sorted by file, so re-running on unchanged code changes nothing.
"""

from __future__ import annotations

import gettext
import io
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "app"
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
COMPILED = SOURCE / "locale"
DOMAIN = "messages"
#: The languages that ship; English is the source language and has no catalogue.
LANGUAGES = ("nb", "ru", "ro")

#: The marking functions of app/kernel/i18n.py (``NC_``/``pgettext`` carry a context first).
KEYWORDS: dict[str, object] = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NC_": ((1, "c"), 2),
}
COMMENT_TAGS = ("Translators:",)
#: Fixed so that the template's header never changes by itself.
EPOCH = datetime(2025, 1, 1)
_VOLATILE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.MULTILINE)


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return COMPILED / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extract() -> Catalog:
    """Every marked message in app/, in memory (nothing is written)."""
    catalog = Catalog(
        project="Homeward",
        version="1",
        copyright_holder="Homeward contributors",
        creation_date=EPOCH,
        fuzzy=False,
    )

    def skip(path: str) -> bool:
        return "__pycache__" not in path and "/locale" not in path

    for filename, lineno, message, comments, context in extract_from_dir(
        SOURCE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,  # type: ignore[arg-type]
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
        directory_filter=skip,
    ):
        catalog.add(
            message,
            None,
            [(f"app/{Path(filename).as_posix()}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def _render(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(
        buffer, catalog, width=100, sort_by_file=True, include_lineno=False, ignore_obsolete=True
    )
    return buffer.getvalue().decode("utf-8")


def _write_if_changed(path: Path, text: str) -> bool:
    old = path.read_text("utf-8") if path.is_file() else None
    if old is not None and _VOLATILE.sub("", old) == _VOLATILE.sub("", text):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return True


def write_template(catalog: Catalog | None = None) -> bool:
    return _write_if_changed(TEMPLATE, _render(catalog or extract()))


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def update(language: str, template: Catalog) -> bool:
    """Bring one language's catalogue in line with the template (new entries empty, changed
    ones fuzzy with the old translation as a suggestion, gone ones dropped)."""
    path = po_path(language)
    if path.is_file():
        catalog = read(path, language)
    else:
        catalog = Catalog(
            locale=language,
            domain=DOMAIN,
            project="Homeward",
            version="1",
            creation_date=EPOCH,
            revision_date=EPOCH,
            fuzzy=False,
        )
        catalog.language_team = f"{language} <homeward@example.org>"
    catalog.update(template, update_creation_date=False)
    catalog.obsolete.clear()
    return _write_if_changed(path, _render(catalog))


def compile_language(language: str) -> Path:
    catalog = read(po_path(language), language)
    target = mo_path(language)
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    target.write_bytes(buffer.getvalue())
    return target


# -- checks (used by tests/unit/test_catalogues.py) --

#: ``{name}``, ``{n:,}``, ``%(name)s``, ``%d``, Qt's ``%1``. ``{{``/``}}`` are literal braces.
PLACEHOLDER = re.compile(
    r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\}|%\([A-Za-z_]+\)[a-z]|%[sd]|%\d"
)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def message_keys(catalog: Catalog) -> set[tuple[str | None, str | tuple[str, ...]]]:
    """(context, id) of every message; a plural message's id is (singular, plural)."""
    return {
        (m.context, tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id)
        for m in catalog
        if m.id
    }


def _strings(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def problems(language: str, template: Catalog | None = None) -> list[str]:
    """Everything wrong with one catalogue, one line each (empty when it is fine)."""
    found: list[str] = []
    catalog = read(po_path(language), language)
    expected = message_keys(template or extract())
    present = message_keys(catalog)
    found += [
        f"missing (run make translations): {key[1]!r}"
        for key in sorted(expected - present, key=repr)
    ]
    found += [
        f"no longer in the source: {key[1]!r}" for key in sorted(present - expected, key=repr)
    ]
    beyond_one = _forms_beyond_one(catalog)
    for message in catalog:
        if not message.id:
            continue
        found += _message_problems(message, catalog.num_plurals, beyond_one)
    return found


#: A keyboard mnemonic: "&" before a character ("&User name"); "&&" is a literal ampersand.
MNEMONIC = re.compile(r"(?<!&)&(?=[^\s&])")


def _forms_beyond_one(catalog: Catalog) -> set[int]:
    """The plural forms a language also uses for numbers other than 1 (Russian's "one" form
    serves 21, 31, 101…; Norwegian's only 1)."""
    rule = gettext.c2py(catalog.plural_expr)
    return {rule(n) for n in range(1000) if n != 1}


def _message_problems(
    message: Message, num_plurals: int, beyond_one: set[int] | None = None
) -> list[str]:
    ids = _strings(message.id)
    strings = _strings(message.string)
    name = repr(ids[0])
    if message.fuzzy:
        return [f"fuzzy: {name}"]
    if not strings or any(not s for s in strings):
        return [f"untranslated: {name}"]
    found = []
    if message.pluralizable and len(strings) != num_plurals:
        found.append(f"{len(strings)} plural forms instead of {num_plurals}: {name}")
    allowed = set(placeholders(ids[0])) | set(placeholders(ids[-1]))
    for index, text in enumerate(strings):
        have = placeholders(text)
        if not message.pluralizable:
            want = placeholders(ids[0])
        elif beyond_one is None or index in beyond_one:
            want = placeholders(ids[-1])  # this form also shows numbers other than 1
        else:
            want = placeholders(ids[0])
        if message.pluralizable:
            missing = set(want) - set(have)
            extra = set(have) - allowed
            if missing or extra:
                found.append(f"placeholders {have} instead of {want}: {name}")
        elif have != want:
            found.append(f"placeholders {have} instead of {want}: {name}")
    if len(MNEMONIC.findall(ids[0])) == 1 and any(len(MNEMONIC.findall(s)) != 1 for s in strings):
        found.append(f"keyboard mnemonic (&) lost or doubled: {name}")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "all"
    template = extract() if command in ("extract", "update", "all", "check") else None
    if command in ("extract", "all") and template is not None:
        print(
            ("wrote " if write_template(template) else "unchanged ")
            + str(TEMPLATE.relative_to(ROOT))
        )
    if command in ("update", "all") and template is not None:
        for language in LANGUAGES:
            changed = update(language, template)
            print(
                ("wrote " if changed else "unchanged ") + str(po_path(language).relative_to(ROOT))
            )
    if command in ("compile", "all"):
        for language in LANGUAGES:
            print("compiled " + str(compile_language(language).relative_to(ROOT)))
    if command == "check":
        bad = 0
        for language in LANGUAGES:
            for line in problems(language, template):
                print(f"{language}: {line}")
                bad += 1
        print(f"{bad} problems")
        return 1 if bad else 0
    if command not in ("extract", "update", "compile", "all", "check"):
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
