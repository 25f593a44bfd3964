"""The subject access pack speaks the chosen language: every field of every section has its
label (never a column name), the audit trail in it reads as words, the JSON carries the same
headings, and the PDF is set in Homeward's Unicode font (Helvetica has no Cyrillic)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from reportlab.pdfbase.ttfonts import TTFError

from app.features.privacy.services import subject_access
from app.features.privacy.services.subject_access_pdf import _lines, render_pdf
from app.features.reports.services import fonts
from app.kernel import record_labels, records
from app.kernel.i18n import thread_language
from app.kernel.record_types import Kind
from app.services.context import ServiceContext
from tests.integration.helpers.gdpr_data import make_client

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def shown_fields(pack: subject_access.SubjectAccessPack, language: str) -> list[tuple[str, str]]:
    """(label, value) of every field row of the PDF, in ``language``."""
    with thread_language(language):
        return [(style[6:], text) for text, style in _lines(pack) if style.startswith("field:")]


@pytest.mark.parametrize("language", ["ru", "ro", "nb"])
def test_every_field_in_the_pack_has_a_translated_label(ctx: ServiceContext, language: str) -> None:
    a = make_client(ctx, "A")
    pack = subject_access.subject_access_pack(ctx, a.person_id)
    english = shown_fields(pack, "en")
    shown = shown_fields(pack, language)
    labels = {label.rstrip(" ⚑") for label, _value in shown}
    assert len(labels) >= 40  # every section of a full case: about fifty different fields
    assert [label for label in labels if "_" in label] == []
    if language == "ru":  # Russian shares no word with English
        assert [label for label in labels if not CYRILLIC.search(label)] == []
        assert not {label for label, _v in english} & labels
    # the pack's own audit trail: what happened and to which fields, as words
    events = [v for (label, v), (en, _e) in zip(shown, english, strict=True) if en == "Fields"]
    assert events and [v for v in events if "_" in v] == []


def test_the_json_has_the_same_headings(ctx: ServiceContext, tmp_path: Path) -> None:
    a = make_client(ctx, "A")
    files = subject_access.write_subject_access_pack(ctx, a.person_id, tmp_path, language="ru")
    headings = json.loads(files.json_path.read_text("utf-8"))["headings"]
    visits = headings["child_visits"]
    assert visits["title"] == "Свидания с детьми" or CYRILLIC.search(visits["title"])
    assert CYRILLIC.search(visits["fields"]["transport_amount_minor"])
    assert all(CYRILLIC.search(label) for h in headings.values() for label in h["fields"].values())


def test_the_pdf_uses_homewards_font_only(ctx: ServiceContext, tmp_path: Path) -> None:
    a = make_client(ctx, "A")
    pack = subject_access.subject_access_pack(ctx, a.person_id)
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(render_pdf(pack, "ru"))
    listing = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    names = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
    assert names == {"DejaVuSans", "DejaVuSans-Bold"}  # as app/resources/fonts names them
    assert b"Helvetica" not in pdf.read_bytes()


def test_the_pdf_never_falls_back_to_helvetica(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without its font a pack must fail, not print Cyrillic as black boxes."""
    a = make_client(ctx, "A")
    pack = subject_access.subject_access_pack(ctx, a.person_id)
    monkeypatch.setattr(fonts, "font_dir", lambda: tmp_path / "no-fonts")
    monkeypatch.setattr(fonts.pdfmetrics, "getRegisteredFontNames", lambda: [])
    with pytest.raises((OSError, TTFError)):
        render_pdf(pack, "ru")


def _catalogue(language: str) -> dict[str, str]:
    """msgid → msgstr of the shipped .po (``en``: every text is its own)."""
    if language == "en":
        return {}
    path = Path(__file__).resolve().parents[2] / "translations" / language / "LC_MESSAGES"
    with (path / "messages.po").open("rb") as f:
        return {
            m.id: m.string
            for m in read_po(f)
            if isinstance(m.id, str) and m.id and not m.context and not m.fuzzy
        }


@pytest.mark.parametrize("language", ["en", "nb", "ru", "ro"])
def test_every_section_and_field_is_shown_as_its_declaration_says(
    ctx: ServiceContext, language: str
) -> None:
    """The pack's text layer, section by section and field by field: each title and label the
    declared one, in the catalogue's words (never a column name, never English in nb/ru/ro),
    and only the fields the declarations show in the PDF."""
    a = make_client(ctx, "A")
    pack = subject_access.subject_access_pack(ctx, a.person_id)
    words = _catalogue(language)

    def said(msgid: str) -> str:
        return words[msgid] if language != "en" else msgid

    with thread_language(language):
        lines = list(_lines(pack))
    filled = [name for name, rows in pack.sections if rows]
    assert filled == list(records.section_names())  # a full case fills every section
    titles = [text for text, style in lines if style == "h2"][1:]  # after the review page's
    assert titles == [said(records.section_title(name)) for name in filled]
    expected = []
    for name, rows in pack.sections:
        table = records.section_record(name).table
        for row in rows:
            for field, value in row.values:
                if value is None or value == "":
                    continue
                if records.field_kind(table, field) in (Kind.LINK, Kind.DETAIL):
                    continue
                expected.append(said(str(record_labels.declared(table, field))))
    labels = [style[6:].removesuffix(" ⚑") for _text, style in lines if style.startswith("field:")]
    assert labels == expected
    assert len(set(labels)) >= 40
    assert [label for label in labels if re.search(r"[a-z]_[a-z]", label)] == []
